// Node side of configuration: files, YAML and line numbers over the pure layer.
export { loadConfig } from './load-config';
export { defaultConfigDir } from './default-config-dir';
export { parseYamlSource } from './yaml-source';
export type { YamlSource, YamlSyntaxProblem } from './yaml-source';
