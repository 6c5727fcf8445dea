import { readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import { ConfigError } from '../../shared/config/config-error';
import { CONFIG_FILE_NAMES, CONFIG_FILES, formatPath, type ConfigFileName } from '../../shared/config/config-files';
import { validateConfig, type Config, type RawConfig } from '../../shared/config/validate-config';
import { CONFIG_SCHEMAS } from '../venues/registry';
import { defaultConfigDir } from './default-config-dir';
import { parseYamlSource, type YamlSource } from './yaml-source';

interface Located {
  readonly order: number;
  readonly line: number;
  readonly text: string;
}

/**
 * Reads, validates and cross-checks the four YAML files in `dir`, with the
 * registered venues' schemas composed in (venues/registry.ts).
 * Throws a `ConfigError` listing every problem in every file, each as
 * `<file>:<line>: <key path>: <message>`; never returns a partial config.
 */
export function loadConfig(dir: string = defaultConfigDir()): Config {
  if (!isDirectory(dir)) throw new ConfigError([`${displayPath(dir)}: config folder not found`]);

  const problems: Located[] = [];
  const sources: Partial<Record<ConfigFileName, YamlSource>> = {};
  const raw: RawConfig = {};

  CONFIG_FILE_NAMES.forEach((file, order) => {
    const path = join(dir, CONFIG_FILES[file]);
    const shown = displayPath(path);
    const text = readText(path);
    if (typeof text !== 'string') {
      problems.push({ order, line: 0, text: `${shown}: ${text.problem}` });
      return;
    }
    const source = parseYamlSource(text);
    for (const p of source.syntaxProblems) {
      problems.push({ order, line: p.line, text: `${shown}:${p.line}: YAML syntax error: ${p.message}` });
    }
    if (source.syntaxProblems.length > 0) return;
    sources[file] = source;
    raw[file] = source.data;
  });

  const { config, issues } = validateConfig(raw, CONFIG_SCHEMAS);
  for (const issue of issues) {
    const line = sources[issue.file]?.lineOf(issue.path) ?? 1;
    const shown = displayPath(join(dir, CONFIG_FILES[issue.file]));
    problems.push({
      order: CONFIG_FILE_NAMES.indexOf(issue.file),
      line,
      text: `${shown}:${line}: ${formatPath(issue.path)}: ${issue.message}`,
    });
  }

  if (config === null || problems.length > 0) {
    // Reading order per file, top to bottom, is how people fix them.
    problems.sort((a, b) => a.order - b.order || a.line - b.line);
    throw new ConfigError(problems.map((p) => p.text));
  }
  return config;
}

function readText(path: string): string | { problem: string } {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { problem: 'file not found' };
    if (code === 'EISDIR') return { problem: 'is a folder, expected a YAML file' };
    return { problem: `cannot read (${code ?? String(error)})` };
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** Paths under the working directory are shown relative (`config/alerts.yaml`), others absolute. */
function displayPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}
