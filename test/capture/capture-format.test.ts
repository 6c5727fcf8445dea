import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  CaptureError,
  captureHeader,
  capturePartIndex,
  capturePartOf,
  capturePartPath,
  capturePartPaths,
  comparePartPaths,
  hasGzipMagic,
  isCaptureFileName,
  isFrameLine,
  isWritableFrame,
  parseCaptureFrame,
  parseCaptureHeader,
  serializeFrameLine,
} from '../../src/engine/capture/capture-format';
import { openCaptureWriter } from '../../src/engine/capture/capture-writer';
import { CaptureLineReader } from '../../src/engine/capture/capture-line';
import type { RawFrame } from '../../src/engine/feed/raw-frame';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const frame: RawFrame = { t: 1626992741062.17, venue: 'binance-usdm', kind: 'ws', url: 'wss://fstream.binance.com/stream?streams=a@depth', data: '{"e":"depthUpdate","s":"A\\"B\n"}' };

describe('capture part names (issue 12)', () => {
  it('numbers a part before the extension, and reads the number back from the name', () => {
    expect(capturePartPath('rec.jsonl.gz', 1)).toBe('rec.0001.jsonl.gz');
    expect(capturePartPath('/d/rec.jsonl', 2)).toBe('/d/rec.0002.jsonl');
    expect(capturePartPath('rec.gz', 3)).toBe('rec.0003.gz');
    expect(capturePartPath('rec', 4)).toBe('rec.0004');
    expect(capturePartPath('rec.JSONL.GZ', 5)).toBe('rec.0005.JSONL.GZ');
    expect(capturePartPath('rec.jsonl.gz', 12345)).toBe('rec.12345.jsonl.gz');
    expect(capturePartPath('rec.jsonl.gz', 0)).toBe('rec.jsonl.gz');
    expect(() => capturePartPath('rec.jsonl.gz', 1.5)).toThrow(RangeError);
    for (const first of ['rec.jsonl.gz', '/a/b/rec.jsonl', 'rec.gz', 'rec', 'x.y.jsonl.gz', 'rec.0001.jsonl.gz']) {
      for (const n of [0, 1, 2, 9, 10, 99, 999, 9999, 10000, 123456]) {
        const path = capturePartPath(first, n);
        expect(capturePartIndex(first, path), `${first} part ${n}`).toBe(n);
        if (n > 0) expect(capturePartOf(path), path).toEqual({ first, n });
      }
    }
  });

  it('recognizes every name the writer gave a rotated recording, in order', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'surveil-format-'));
    dirs.push(dir);
    const first = join(dir, 'rec.jsonl.gz');
    const writer = await openCaptureWriter({ path: first, rotateBytes: 500, flushIntervalMs: 0 });
    for (let i = 0; i < 60; i++) writer.write({ ...frame, t: frame.t + i });
    await writer.close();
    const files = writer.stats().files;
    expect(files.length).toBeGreaterThan(10);
    files.forEach((file, i) => expect(capturePartIndex(first, file)).toBe(i));
    expect(files.slice(1).map((file) => capturePartOf(file))).toEqual(files.slice(1).map((_, i) => ({ first, n: i + 1 })));
    expect(capturePartPaths(first)).toEqual(files);
    expect([...files].reverse().sort((a, b) => comparePartPaths(first, a, b))).toEqual(files);
    for (const file of files) expect(isCaptureFileName(file)).toBe(true);
  });

  it('does not take strangers for parts', () => {
    for (const stranger of ['rec.0001.jsonl.gz.idx', 'rec.0001.jsonl.gz.ckpt', 'rec.1.jsonl.gz', 'rec.001.jsonl.gz', 'rec.00001.jsonl.gz', 'rec.0000.jsonl.gz', 'other.0001.jsonl.gz', 'rec.jsonl.0001.gz', 'rec.0001.jsonl', 'rec.x001.jsonl.gz', 'rec.jsonl.gz.0001', 'prec.0001.jsonl.gz']) {
      expect(capturePartIndex('rec.jsonl.gz', stranger), stranger).toBeNull();
    }
    for (const name of ['rec.1.jsonl.gz', 'rec.00001.jsonl.gz', 'rec.0000.jsonl.gz', 'rec.jsonl.gz', 'rec.jsonl.gz.idx']) expect(capturePartOf(name), name).toBeNull();
    // The console offers .jsonl and .jsonl.gz, the writer's parts among them, and nothing else.
    for (const name of ['rec.jsonl', 'rec.jsonl.gz', 'rec.0001.jsonl.gz', 'rec.0002.jsonl']) expect(isCaptureFileName(name), name).toBe(true);
    for (const name of ['rec.0001.jsonl.gz.idx', 'rec.jsonl.gz.ckpt', 'rec.jsonl.0001.gz', 'rec.jsonl.0001', 'notes.txt', 'rec.gz']) expect(isCaptureFileName(name), name).toBe(false);
  });

  it('lists the parts that follow on, up to the first one missing, without the disk', () => {
    const present = new Set(['r.jsonl', 'r.0001.jsonl', 'r.0002.jsonl', 'r.0004.jsonl']);
    expect(capturePartPaths('r.jsonl', (p) => present.has(p))).toEqual(['r.jsonl', 'r.0001.jsonl', 'r.0002.jsonl']);
    expect(capturePartPaths('gone.jsonl', (p) => present.has(p))).toEqual([]);
    const shuffled = ['r.0010.jsonl', 'x.jsonl', 'r.0002.jsonl', 'r.jsonl', 'r.0001.jsonl'];
    expect(shuffled.sort((a, b) => comparePartPaths('r.jsonl', a, b))).toEqual(['r.jsonl', 'r.0001.jsonl', 'r.0002.jsonl', 'r.0010.jsonl', 'x.jsonl']);
  });
});

describe('capture frame lines (issue 12)', () => {
  it('writes a line the reader reads back to the same frame, keys in the format order', () => {
    const full: RawFrame = { ...frame, kind: 'rest', conn: 'c-1', status: 429 };
    const line = serializeFrameLine(full);
    expect(Object.keys(JSON.parse(line) as object)).toEqual(['t', 'venue', 'kind', 'url', 'data', 'conn', 'status']);
    expect(parseCaptureFrame('f', 2, line)).toEqual(full);
    expect(parseCaptureFrame('f', 2, serializeFrameLine(frame))).toEqual(frame);
    // The hot reader takes the writer's line on its quick path (its fallback is never asked) to the same frame.
    const hot = new CaptureLineReader(() => {
      throw new Error('the quick path did not recognise the writer line');
    });
    expect(hot.parse(2, line)).toEqual(full);
    expect(hot.parse(3, serializeFrameLine(frame))).toEqual(frame);
    expect(isFrameLine(line)).toBe(true);
    expect(isFrameLine(`${line}\r`)).toBe(true);
    expect(isFrameLine(line.slice(0, -3))).toBe(false);
  });

  it('names file:line and the field at fault for a line it refuses', () => {
    const base = JSON.parse(serializeFrameLine(frame)) as Record<string, unknown>;
    const bad = (change: Record<string, unknown>): string => JSON.stringify({ ...base, ...change });
    const cases: [string, string][] = [
      ['{"t":1,', 'not a capture line: invalid JSON'],
      ['[1,2]', 'not a capture line: expected an object'],
      ['null', 'not a capture line: expected an object'],
      ['"text"', 'not a capture line: expected an object'],
      [bad({ t: '1' }), 'frame field "t" must be a number'],
      [bad({ t: 0 }).replace('"t":0', '"t":1e400'), 'frame field "t" must be a number'],
      [bad({ t: undefined }), 'frame field "t" must be a number'],
      [bad({ venue: '' }), 'frame field "venue" must be a string'],
      [bad({ venue: 3 }), 'frame field "venue" must be a string'],
      [bad({ kind: 'http' }), 'frame field "kind" must be "ws" or "rest"'],
      [bad({ url: null }), 'frame field "url" must be a string'],
      [bad({ data: { a: 1 } }), 'frame field "data" must be a string'],
    ];
    for (const [line, problem] of cases) {
      let error: unknown;
      try {
        parseCaptureFrame('/x/rec.jsonl', 7, line);
      } catch (e) {
        error = e;
      }
      expect(error, line).toBeInstanceOf(CaptureError);
      expect((error as CaptureError).message, line).toBe(`/x/rec.jsonl:7: ${problem}`);
      expect((error as CaptureError).file).toBe('/x/rec.jsonl');
      expect((error as CaptureError).line).toBe(7);
      expect(isFrameLine(line), line).toBe(false);
    }
    // Unknown fields, and optional ones of another type, are ignored.
    expect(parseCaptureFrame('f', 2, bad({ extra: 1, conn: 5, status: '200' }))).toEqual(frame);
  });

  it('refuses to write a frame the reader would refuse or whose optional fields would be lost', () => {
    expect(isWritableFrame(frame)).toBe(true);
    expect(isWritableFrame({ ...frame, conn: 'c', status: 200 })).toBe(true);
    for (const change of [{ t: NaN }, { t: Infinity }, { venue: '' }, { kind: 'http' }, { url: 1 }, { data: null }, { conn: 5 }, { status: Infinity }, { status: '200' }]) {
      expect(isWritableFrame({ ...frame, ...change } as unknown as RawFrame), JSON.stringify(change)).toBe(false);
    }
  });
});

describe('capture headers (issue 12)', () => {
  it('reads a version-1 header and names line 1 otherwise', () => {
    expect(parseCaptureHeader('f', '{"capture":1,"venue":"okx"}')).toEqual({ capture: 1, venue: 'okx' });
    expect(() => parseCaptureHeader('f', 'hello')).toThrow('f:1: not a capture: line 1 is not JSON');
    expect(() => parseCaptureHeader('f', '{"capture":2}')).toThrow('f:1: not a capture: line 1 must be a header with "capture": 1');
    expect(() => parseCaptureHeader('f', '[]')).toThrow(/must be a header/);
    expect(() => parseCaptureHeader('r.jsonl.gz', 'hello', false)).toThrow('r.jsonl.gz:1: not a capture: the name ends in .gz but the file is not gzip-compressed (no gzip magic bytes), and line 1 is not JSON');
    expect(() => parseCaptureHeader('r.jsonl.gz', 'hello', true)).toThrow('r.jsonl.gz:1: not a capture: line 1 is not JSON');
  });

  it("stamps the writer's fields after the free ones, which cannot override them", () => {
    const header = captureHeader({ source: 'surveil record', venue: 'okx', capture: 9, created: 'x', part: 7, previous: 'y', gzipMemberBytes: 3 }, { created: Date.UTC(2024, 4, 2, 10, 15), part: { n: 2, previous: 'rec.0001.jsonl.gz' }, gzipMemberBytes: 1024 });
    expect(header).toEqual({ capture: 1, source: 'surveil record', created: '2024-05-02T10:15:00.000Z', venue: 'okx', gzipMemberBytes: 1024, part: 2, previous: 'rec.0001.jsonl.gz' });
    expect(Object.keys(header)).toEqual(['capture', 'source', 'created', 'venue', 'gzipMemberBytes', 'part', 'previous']);
    expect(captureHeader({}, { created: 0 })).toEqual({ capture: 1, source: 'recorded', created: '1970-01-01T00:00:00.000Z' });
    expect(parseCaptureHeader('f', JSON.stringify(header))).toEqual(header);
  });

  it('tells gzip by its magic bytes', () => {
    expect(hasGzipMagic(Uint8Array.of(0x1f, 0x8b, 8))).toBe(true);
    expect(hasGzipMagic(Uint8Array.of(0x1f))).toBe(false);
    expect(hasGzipMagic(Buffer.from('{"capture":1}'))).toBe(false);
  });
});
