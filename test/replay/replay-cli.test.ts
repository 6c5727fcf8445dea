import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { surveil } from '../support/cli';
import { REAL, realRecording } from '../support/shared-data';

const tmp = () => mkdtempSync(join(tmpdir(), 'surveil-cli-'));

describe('surveil replay', () => {
  it('prints a summary and writes the JSON report with the documented shape', () => {
    const out = join(tmp(), 'report.json');
    const run = surveil(['replay', realRecording(REAL.okx), '--speed', 'max', '--report', out]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/okx\s+UNI-USD-SWAP\s+UNI-USD-PERP\s+5\.137\s+5\.145\s+125\/118/);
    expect(run.stdout).toContain('93/93 ok');
    const report = JSON.parse(readFileSync(out, 'utf8'));
    expect(Object.keys(report)).toEqual(expect.arrayContaining(['frames', 'rejected', 'instruments', 'alerts']));
    expect(report.frames).toBe(104);
    expect(report.instruments[0]).toMatchObject({
      id: 'UNI-USD-PERP',
      venue: 'okx',
      symbol: 'UNI-USD-SWAP',
      bestBid: '5.137',
      bestAsk: '5.145',
      bidLevels: 125,
      askLevels: 118,
      sequenceGaps: 0,
      resyncs: 0,
      checksumChecks: 93,
      checksumFailures: 0,
      depthBid10bps: 4720,
      depthAsk10bps: 500,
    });
    expect(typeof report.instruments[0].bookUpdates).toBe('number');
    expect(typeof report.instruments[0].spreadBps).toBe('number');
  });

  it('says which line is not a capture line, without a stack trace', () => {
    const path = join(tmp(), 'bad.jsonl');
    const lines = readFileSync(realRecording(REAL.okx), 'utf8').split('\n');
    lines.splice(5, 0, 'this is not json');
    writeFileSync(path, lines.join('\n'));
    const run = surveil(['replay', path]);
    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toBe(`surveil replay: ${path}:6: not a capture line: invalid JSON`);
  });

  it('refuses a file that is not a capture and an unknown venue, naming file and line', () => {
    const dir = tmp();
    const notCapture = join(dir, 'notes.jsonl');
    writeFileSync(notCapture, '{"hello": 1}\n');
    expect(surveil(['replay', notCapture]).stderr).toContain(`${notCapture}:1: not a capture: line 1 must be a header with "capture": 1`);
    const unknown = join(dir, 'kraken.jsonl');
    writeFileSync(unknown, '{"capture":1}\n{"t":1,"venue":"kraken","kind":"ws","url":"wss://x","data":"{}"}\n');
    const run = surveil(['replay', unknown]);
    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toBe(`surveil replay: ${unknown}:2: unknown venue "kraken"`);
  });

  it('refuses a missing file and a bad speed with a clear message', () => {
    const missing = surveil(['replay', '/nonexistent/capture.jsonl']);
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim()).toBe('surveil replay: /nonexistent/capture.jsonl: no such file');
    const speed = surveil(['replay', realRecording(REAL.okx), '--speed', 'fast']);
    expect(speed.code).toBe(2);
    expect(speed.stderr).toContain('--speed must be "max" or a positive number');
  });
});
