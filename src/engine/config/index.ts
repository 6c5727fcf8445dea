// Node side of configuration: files, YAML and line numbers over the pure layer.
export { loadConfig } from './load-config';
export { parseYamlSource } from './yaml-source';
