import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/engine/config';
import { ConfigError } from '../../src/shared/config/config-error';
import { DEFAULT_LIMITS } from '../../src/shared/config';
import { cleanupTempDirs, copyShippedConfig, editConfigFile, SHIPPED_CONFIG } from './helpers';

afterAll(cleanupTempDirs);

function problemsOf(dir: string): readonly string[] {
  try {
    loadConfig(dir);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems.map((p) => p.replace(`${dir}/`, ''));
  }
  throw new Error('expected loadConfig to fail');
}

describe('features.yaml limits', () => {
  it('the shipped file states the defaults', () => {
    expect(loadConfig(SHIPPED_CONFIG).features.limits).toEqual(DEFAULT_LIMITS);
  });

  it('every limit may be left out: the default applies', () => {
    const dir = copyShippedConfig();
    editConfigFile(dir, 'features.yaml', '  book_levels_per_side: 50000', '');
    expect(loadConfig(dir).features.limits.bookLevelsPerSide).toBe(DEFAULT_LIMITS.bookLevelsPerSide);
  });

  it('a limit too small for real venues, a fraction or an unknown key is reported with file:line and key path', () => {
    const dir = copyShippedConfig();
    editConfigFile(dir, 'features.yaml', '  rest_body_bytes: 33554432', '  rest_body_bytes: 1000');
    editConfigFile(dir, 'features.yaml', '  ws_max_payload_bytes: 4194304', '  ws_max_payload_bytes: 70000.5\n  max_frames: 3');
    const problems = problemsOf(dir);
    expect(problems).toHaveLength(3);
    expect(problems[0]).toMatch(/^features\.yaml:\d+: limits\.rest_body_bytes: .*65536/);
    expect(problems[1]).toMatch(/^features\.yaml:\d+: limits\.ws_max_payload_bytes: expected a whole number/);
    expect(problems[2]).toMatch(/^features\.yaml:\d+: limits.*max_frames/);
  });
});
