import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { surveil } from '../support/cli';
import { REAL, realRecording } from '../support/shared-data';

describe('surveil replay on hostile frames (issue 10 items 2 and 3)', () => {
  it('finishes with its report: a 5,000-deep frame is too_deep, a diff with price 0 invalidates UNI-USD-SWAP', () => {
    const lines = readFileSync(realRecording(REAL.okx), 'utf8').split('\n').filter((l) => l !== '');
    const frame = (i: number) => JSON.parse(lines[i]!) as { data: string };
    const updateAt = lines.findIndex((l, i) => i > 40 && l.includes('\\"action\\":\\"update\\"') && l.includes('\\"bids\\":[[\\"'));
    const update = frame(updateAt);
    const at = update.data.indexOf('"bids":[["') + 10;
    update.data = `${update.data.slice(0, at)}0${update.data.slice(update.data.indexOf('"', at))}`;
    const deep = { ...frame(30), data: '['.repeat(5_000) + ']'.repeat(5_000) };
    const out = [...lines.slice(0, 30), JSON.stringify(deep), ...lines.slice(30, updateAt), JSON.stringify(update), ...lines.slice(updateAt + 1)];
    const dir = mkdtempSync(join(tmpdir(), 'hostile-'));
    const capture = join(dir, 'okx-hostile.jsonl');
    writeFileSync(capture, `${out.join('\n')}\n`);
    const run = surveil(['replay', capture, '--report', join(dir, 'report.json')]);
    expect(run.stderr).not.toContain('Maximum call stack');
    expect(run.code).toBe(0);
    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as {
      rejected: Record<string, number>;
      instruments: { symbol: string; bookValid: boolean }[];
    };
    expect(report.rejected).toEqual({ too_deep: 1, bad_number: 1 });
    expect(report.instruments.find((i) => i.symbol === 'UNI-USD-SWAP')?.bookValid).toBe(false);
  });
});
