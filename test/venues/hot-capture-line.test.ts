import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CaptureError, parseCaptureFrame } from '../../src/engine/capture/capture-reader';
import { captureLine } from '../../src/engine/capture/capture-writer';
import { CaptureLineReader } from '../../src/engine/capture/capture-line';
import type { RawFrame } from '../../src/engine/feed/raw-frame';
import { mulberry32 } from '../support/prng';
import { REAL, realRecording } from '../support/shared-data';

/**
 * The quick capture-line reader (docs/decoder.md) against the full parser:
 * the same frame, or the same CaptureError, for every line of the real
 * recordings and for many altered ones; and the quick path really reads the
 * writer's lines (else the comparison would test the full parser against itself).
 */

const FILE = 'x.jsonl';
const full = (lineNo: number, text: string): RawFrame => parseCaptureFrame(FILE, lineNo, text);

function outcome(read: () => RawFrame): RawFrame | string {
  try {
    return read();
  } catch (error) {
    if (error instanceof CaptureError) return `CaptureError ${error.message}`;
    throw error;
  }
}

function realLines(): string[] {
  const out: string[] = [];
  for (const name of Object.values(REAL)) out.push(...readFileSync(realRecording(name), 'utf8').split('\n').slice(1).filter((l) => l !== ''));
  return out;
}

const ALTERATIONS: readonly ((line: string, r: () => number) => string)[] = [
  (l) => l.replace('"t":', '"t": '),
  (l) => l.replace(/"t":[\d.]+/, '"t":1e3'),
  (l) => l.replace(/"t":[\d.]+/, '"t":01'),
  (l) => l.replace(/"t":[\d.]+/, '"t":-5.25'),
  (l) => l.replace(/"t":[\d.]+/, '"t":1e999'),
  (l) => l.replace(/"t":[\d.]+/, '"t":"5"'),
  (l) => l.replace(/"t":[\d.]+/, '"t":1.'),
  (l) => l.replace(/"t":([\d.]+)/, '"t":$1123456789'),
  (l) => l.replace('"venue":"', '"venue":"\\u0062'),
  (l) => l.replace(/"venue":"[^"]*"/, '"venue":""'),
  (l) => l.replace(/"kind":"[^"]*"/, '"kind":"wss"'),
  (l) => l.replace(/"url":"/, '"url":"\\/'),
  (l) => l.replace(/\}$/, ',"conn":"c1"}'),
  (l) => l.replace(/\}$/, ',"conn":"c1","status":429}'),
  (l) => l.replace(/\}$/, ',"status":200}'),
  (l) => l.replace(/\}$/, ',"status":"200"}'),
  (l) => l.replace(/\}$/, `,"conn":"${'c'.repeat(400)}"}`),
  (l) => l.replace(/\}$/, ',"extra":1}'),
  (l) => l.replace(/\}$/, ' }'),
  (l) => l.replace(/\}$/, '}x'),
  (l) => l.replace(/\}$/, ''),
  (l) => l.replace('"data":"', '"data":"\\"'),
  (l) => l.replace(/"data":"(.*)"\}$/, '"data":"$1\\"}'),
  (l) => l.replace(/"data":"(.*)"\}$/, '"data":5}'),
  (l) => l.replace(/"data":"/, '"data":"\\u00e9'),
  (l, r) => {
    const at = Math.floor(r() * l.length);
    return `${l.slice(0, at)}${['"', '\\', '\n', '}', ','][Math.floor(r() * 5)]}${l.slice(at + 1)}`;
  },
  (l, r) => l.slice(0, Math.floor(r() * l.length)),
];

describe('quick capture-line reader', () => {
  it('reads every line the writer writes itself, with the full parser\'s frame', () => {
    let quick = 0;
    const reader = new CaptureLineReader((lineNo, text) => {
      quick -= 1;
      return full(lineNo, text);
    });
    const lines = realLines();
    for (const [i, line] of lines.entries()) {
      // The real files were converted elsewhere; the writer's own form of the same frame is what a recording holds.
      const written = captureLine(full(i + 2, line));
      quick += 1;
      expect(reader.parse(i + 2, written)).toStrictEqual(full(i + 2, written));
      expect(reader.parse(i + 2, line)).toStrictEqual(full(i + 2, line));
      const withConn = captureLine({ ...full(i + 2, line), conn: 'c2', status: 200 });
      expect(reader.parse(i + 2, withConn)).toStrictEqual(full(i + 2, withConn));
    }
    expect(quick).toBe(lines.length);
  });

  it('gives the same frame or the same CaptureError as the full parser on altered lines', () => {
    const r = mulberry32(7);
    const reader = new CaptureLineReader(full);
    let altered = 0;
    let errors = 0;
    for (const line of realLines()) {
      for (const alter of ALTERATIONS) {
        const text = alter(line, r);
        if (text === line) continue;
        altered += 1;
        const expected = outcome(() => full(3, text));
        if (typeof expected === 'string') errors += 1;
        expect(outcome(() => reader.parse(3, text)), text.slice(0, 200)).toStrictEqual(expected);
      }
    }
    expect(altered).toBeGreaterThan(20_000);
    expect(errors).toBeGreaterThan(5_000);
  });
});
