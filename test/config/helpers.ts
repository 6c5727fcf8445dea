import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { loadConfig } from '../../src/engine/config/load-config';
import { ConfigError } from '../../src/shared/config/config-error';

/** Repository root, from this file's location. */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** The shipped config folder. */
export const SHIPPED_CONFIG = join(REPO_ROOT, 'config');

const made: string[] = [];

/** A temp folder holding a copy of the shipped config, removed by `cleanupTempDirs`. */
export function copyShippedConfig(): string {
  const root = mkdtempSync(join(tmpdir(), 'surveil-config-'));
  made.push(root);
  const dir = join(root, 'config');
  cpSync(SHIPPED_CONFIG, dir, { recursive: true });
  return dir;
}

/** Removes every folder made by `copyShippedConfig`. */
export function cleanupTempDirs(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** Overwrites one file; the text is dedented-free, so line numbers are as written. */
export function writeConfigFile(dir: string, file: string, text: string): void {
  writeFileSync(join(dir, file), text);
}

/** Replaces exactly one occurrence of `from`, failing loudly if the shipped file changed shape. */
export function editConfigFile(dir: string, file: string, from: string, to: string): void {
  const path = join(dir, file);
  const text = readFileSync(path, 'utf8');
  const count = text.split(from).length - 1;
  if (count !== 1) throw new Error(`expected one "${from}" in ${file}, found ${count}`);
  writeFileSync(path, text.replace(from, to));
}

/** The problems a config folder produces (file:line: path: message); fails the test if it loads. */
export function problemsOf(dir: string): readonly string[] {
  try {
    loadConfig(dir);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected loadConfig to fail');
}
