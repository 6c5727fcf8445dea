import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/engine/config';
import { pipelineSettingsFrom } from '../../src/engine/pipeline/pipeline-settings';
import { SurveillancePipeline } from '../../src/engine/pipeline/surveillance-pipeline';
import type { RawFrame } from '../../src/engine/feed/raw-frame';
import { DEFAULT_DEEP_VERIFY } from '../../src/shared/config';
import { cleanupTempDirs, copyShippedConfig, editConfigFile, problemsOf, SHIPPED_CONFIG } from './helpers';

afterAll(cleanupTempDirs);

const instId = 'BTC-USDT-SWAP';
const rest = (t: number, seqId: number): RawFrame => ({
  t, venue: 'okx', kind: 'rest', url: `https://www.okx.com/api/v5/market/books?instId=${instId}&sz=400`,
  data: JSON.stringify({ code: '0', msg: '', data: [{ asks: [['101', '7', '0', '1']], bids: [['99', '5', '0', '1']], ts: String(t), seqId }] }),
});
/** OKX's keepalive for a book that did not change: prevSeqId == seqId, no levels. */
const keepalive = (t: number, seqId: number): RawFrame => ({
  t, venue: 'okx', kind: 'ws', url: 'wss://ws.okx.com:8443/ws/v5/public',
  data: JSON.stringify({ arg: { channel: 'books', instId }, action: 'update', data: [{ asks: [], bids: [], ts: String(t), checksum: 0, prevSeqId: seqId, seqId }] }),
});

describe('features.yaml deep_verify', () => {
  it('the shipped file states the defaults, in seconds', () => {
    expect(loadConfig(SHIPPED_CONFIG).features.deepVerify).toEqual(DEFAULT_DEEP_VERIFY);
  });

  it('the section or any key may be left out: the default applies', () => {
    const dir = copyShippedConfig();
    editConfigFile(dir, 'features.yaml', '  tries: 5                       # verifications per probation before it ends unresolved\n', '');
    expect(loadConfig(dir).features.deepVerify).toEqual(DEFAULT_DEEP_VERIFY);
    // Without the section (a features.yaml from before it existed; it is the file's last).
    const none = copyShippedConfig();
    const file = join(none, 'features.yaml');
    const text = readFileSync(file, 'utf8');
    writeFileSync(file, text.slice(0, text.indexOf('\ndeep_verify:')));
    expect(readFileSync(file, 'utf8')).not.toContain('deep_verify');
    expect(loadConfig(none).features.deepVerify).toEqual(DEFAULT_DEEP_VERIFY);
  });

  it('reaches the books: an audit interval set in the file makes a never-drifted OKX book ask for a REST snapshot', () => {
    const dir = copyShippedConfig();
    editConfigFile(dir, 'features.yaml', '  audit_interval_seconds: 0', '  audit_interval_seconds: 60');
    editConfigFile(dir, 'features.yaml', '  delay_seconds: 3 ', '  delay_seconds: 1.5 ');
    const settings = pipelineSettingsFrom(loadConfig(dir));
    expect(settings.deepVerify).toEqual({ ...DEFAULT_DEEP_VERIFY, auditIntervalMs: 60_000, delayMs: 1_500 });
    const run = (s: typeof settings) => {
      const pipeline = new SurveillancePipeline(s);
      pipeline.ingest(rest(1_000, 10));
      let asked: number | null = null;
      for (let t = 1_500; t <= 62_000 && asked === null; t += 500) {
        pipeline.ingest(keepalive(t, 10));
        if (pipeline.booksWantingSnapshot().length > 0) asked = t;
      }
      return asked;
    };
    expect(run(settings)).not.toBeNull();
    // The shipped file: audits off, the same book is never asked for.
    expect(run(pipelineSettingsFrom(loadConfig(SHIPPED_CONFIG)))).toBeNull();
  });

  it('a bad value is reported with file:line and key path', () => {
    const dir = copyShippedConfig();
    editConfigFile(dir, 'features.yaml', '  tries: 5 ', '  tries: 0.5 ');
    editConfigFile(dir, 'features.yaml', '  answer_timeout_seconds: 10 ', '  answer_timeout_seconds: 0 ');
    editConfigFile(dir, 'features.yaml', '  audit_interval_seconds: 0', '  audit_interval_seconds: 5\n  every_book: true');
    const problems = problemsOf(dir).map((p) => p.replace(`${dir}/`, ''));
    expect(problems).toHaveLength(4);
    expect(problems[0]).toMatch(/^features\.yaml:\d+: deep_verify\.tries: expected a whole number/);
    expect(problems[1]).toMatch(/^features\.yaml:\d+: deep_verify\.answer_timeout_seconds: /);
    expect(problems[2]).toMatch(/^features\.yaml:\d+: deep_verify\.audit_interval_seconds: must be 0 \(off\) or at least 60/);
    expect(problems[3]).toMatch(/^features\.yaml:\d+: deep_verify.*every_book/);
  });
});
