import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/engine/config/load-config';
import { DEFAULT_RAW_RETENTION_HOURS } from '../../src/shared/config/features-schema';
import { cleanupTempDirs, copyShippedConfig, editConfigFile, problemsOf, SHIPPED_CONFIG } from '../config/helpers';

afterAll(cleanupTempDirs);

describe('features.yaml history settings', () => {
  it('the shipped file keeps one hour of raw samples, 30 days of rollups, and sends no raw samples centrally', () => {
    const { storage, sync } = loadConfig(SHIPPED_CONFIG).features;
    expect(storage).toMatchObject({ retentionDays: 30, rawRetentionHours: 1, minuteRollupRetentionDays: 7 });
    expect(sync.sendSamples).toBe(false);
  });

  it('left out, the raw window and send_samples take their defaults', () => {
    const dir = copyShippedConfig();
    editConfigFile(dir, 'features.yaml', '  raw_retention_hours: 1\n', '');
    editConfigFile(dir, 'features.yaml', '  send_samples: false\n', '');
    editConfigFile(dir, 'features.yaml', '  minute_rollup_retention_days: 7\n', '');
    const { storage, sync } = loadConfig(dir).features;
    expect(storage.rawRetentionHours).toBe(DEFAULT_RAW_RETENTION_HOURS);
    // Minute rollups as long as everything else, as before hourly rollups existed.
    expect(storage.minuteRollupRetentionDays).toBe(30);
    expect(sync.sendSamples).toBe(false);
  });

  it('a raw window past the retention, or a wrong type, is reported with file:line and key path', () => {
    const dir = copyShippedConfig();
    editConfigFile(dir, 'features.yaml', '  raw_retention_hours: 1\n', '  raw_retention_hours: 800\n');
    editConfigFile(dir, 'features.yaml', '  send_samples: false\n', '  send_samples: "no"\n');
    const problems = problemsOf(dir).join('\n');
    expect(problems).toMatch(/features\.yaml:\d+: storage\.raw_retention_hours: must not exceed retention_days x 24 \(720\)/);
    expect(problems).toMatch(/features\.yaml:\d+: sync\.send_samples: /);
  });

  it('minute rollups kept past the retention, or shorter than the raw window, are reported with file:line', () => {
    const dir = copyShippedConfig();
    editConfigFile(dir, 'features.yaml', '  minute_rollup_retention_days: 7\n', '  minute_rollup_retention_days: 31\n');
    expect(problemsOf(dir).join('\n')).toMatch(/features\.yaml:\d+: storage\.minute_rollup_retention_days: must not exceed retention_days \(30\)/);
    const short = copyShippedConfig();
    editConfigFile(short, 'features.yaml', '  minute_rollup_retention_days: 7\n', '  minute_rollup_retention_days: 1\n');
    editConfigFile(short, 'features.yaml', '  raw_retention_hours: 1\n', '  raw_retention_hours: 48\n');
    expect(problemsOf(short).join('\n')).toMatch(/features\.yaml:\d+: storage\.raw_retention_hours: must not exceed minute_rollup_retention_days x 24 \(24\)/);
  });
});
