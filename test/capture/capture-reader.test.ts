import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { CaptureError, isGzipFile, readCapture, readCaptureFrames } from '../../src/engine/capture/capture-reader';
import type { RawFrame } from '../../src/engine/feed/raw-frame';

const dir = mkdtempSync(join(tmpdir(), 'surveil-capture-reader-'));
let files = 0;

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Writes a file (text or bytes) under a fresh name and returns its path. */
function file(content: string | Buffer, name = 'capture.jsonl'): string {
  const path = join(dir, `${files++}-${name}`);
  writeFileSync(path, content);
  return path;
}

const HEADER = '{"capture":1,"source":"test"}';
const FRAME: RawFrame = { t: 1652459223338.6436, venue: 'okx', kind: 'ws', url: 'wss://ws.okx.com:8443/ws/v5/public', data: '{"arg":{"channel":"books"}}' };
const LINE = JSON.stringify(FRAME);

/** The CaptureError a read ends with (fails the test if it ends otherwise). */
async function failure(path: string): Promise<CaptureError> {
  try {
    await readCaptureFrames(path);
  } catch (error) {
    expect(error).toBeInstanceOf(CaptureError);
    return error as CaptureError;
  }
  throw new Error(`${path} was read without an error`);
}

describe('capture reader: edge cases', () => {
  it('an empty file is not a capture', async () => {
    const path = file('');
    const error = await failure(path);
    expect(error.message).toBe(`${path}: empty file: not a capture`);
    expect(error.line).toBeNull();
  });

  it('a missing file is a CaptureError, not an ENOENT stack', async () => {
    const error = await failure(join(dir, 'nope.jsonl'));
    expect(error.message).toMatch(/nope\.jsonl: cannot open: ENOENT$/);
  });

  it('a file without the header line is refused at line 1', async () => {
    const path = file(`${LINE}\n${LINE}\n`);
    const error = await failure(path);
    expect(error.message).toBe(`${path}:1: not a capture: line 1 must be a header with "capture": 1`);
    expect(error.line).toBe(1);
    expect((await failure(file('{"capture":2}\n'))).message).toContain(':1: not a capture');
    expect((await failure(file('hello\n'))).message).toContain(':1: not a capture: line 1 is not JSON');
  });

  it('a header alone is an empty capture', async () => {
    expect(await readCaptureFrames(file(`${HEADER}\n`))).toEqual([]);
    expect(await readCaptureFrames(file(HEADER))).toEqual([]);
  });

  it('CRLF line endings read the same as LF, data byte for byte', async () => {
    const path = file(`${HEADER}\r\n${LINE}\r\n${LINE}\r\n`);
    expect(await readCaptureFrames(path)).toEqual([FRAME, FRAME]);
  });

  it('blank lines are skipped and line numbers still count them', async () => {
    const path = file(`${HEADER}\n\n${LINE}\n   \n\n${LINE}\n\n`);
    const lines: number[] = [];
    for await (const { line, frame } of readCapture(path)) {
      expect(frame).toEqual(FRAME);
      lines.push(line);
    }
    expect(lines).toEqual([3, 6]);
    // And an error after blank lines names the real line.
    const bad = file(`${HEADER}\n\n\n[1]\n`);
    expect((await failure(bad)).message).toBe(`${bad}:4: not a capture line: expected an object`);
  });

  it.each(['[1,2]', '42', '"text"', 'null', 'true'])('a non-object line (%s) names file:line', async (text) => {
    const path = file(`${HEADER}\n${LINE}\n${text}\n`);
    const error = await failure(path);
    expect(error.message).toBe(`${path}:3: not a capture line: expected an object`);
    expect(error.line).toBe(3);
  });

  it('a line that is not JSON names file:line', async () => {
    const path = file(`${HEADER}\n${LINE}\n${LINE.slice(0, -5)}\n`);
    expect((await failure(path)).message).toBe(`${path}:3: not a capture line: invalid JSON`);
  });

  it.each([
    ['t', { t: undefined }, 'frame field "t" must be a number'],
    ['t as a string', { t: '1652459223338' }, 'frame field "t" must be a number'],
    ['venue', { venue: undefined }, 'frame field "venue" must be a string'],
    ['empty venue', { venue: '' }, 'frame field "venue" must be a string'],
    ['kind', { kind: undefined }, 'frame field "kind" must be "ws" or "rest"'],
    ['unknown kind', { kind: 'http' }, 'frame field "kind" must be "ws" or "rest"'],
    ['url', { url: undefined }, 'frame field "url" must be a string'],
    ['data', { data: undefined }, 'frame field "data" must be a string'],
    ['data as an object', { data: { arg: 1 } }, 'frame field "data" must be a string'],
  ])('a frame without a valid %s names file:line and the field', async (_what, change, problem) => {
    const path = file(`${HEADER}\n${LINE}\n${LINE}\n${JSON.stringify({ ...FRAME, ...change })}\n`);
    const error = await failure(path);
    expect(error.message).toBe(`${path}:4: ${problem}`);
    expect(error.line).toBe(4);
  });

  it('keeps conn and status, ignores fields it does not know', async () => {
    const rest = { t: 2, venue: 'binance-usdm', kind: 'rest', url: 'https://fapi.binance.com/fapi/v1/depth?symbol=X', data: '{}', conn: 'c1', status: 503 };
    const path = file(`${HEADER}\n${JSON.stringify({ ...rest, extra: true })}\n`);
    expect(await readCaptureFrames(path)).toEqual([rest]);
  });

  it('detects gzip by content, even when the name says .jsonl', async () => {
    const text = `${HEADER}\n${LINE}\n${LINE}\n`;
    const disguised = file(gzipSync(text), 'really-gzip.jsonl');
    expect(isGzipFile(disguised)).toBe(true);
    expect(await readCaptureFrames(disguised)).toEqual([FRAME, FRAME]);
    // ...and a plain file named .gz is read as plain.
    const plain = file(text, 'plain.jsonl.gz');
    expect(isGzipFile(plain)).toBe(false);
    expect(await readCaptureFrames(plain)).toEqual([FRAME, FRAME]);
  });

  it('a corrupt gzip stream is a CaptureError', async () => {
    const gz = gzipSync(`${HEADER}\n${LINE}\n`);
    const corrupt = Buffer.concat([gz.subarray(0, 10), Buffer.alloc(40, 0xff)]);
    expect((await failure(file(corrupt, 'corrupt.jsonl.gz'))).message).toContain('cannot read');
  });
});
