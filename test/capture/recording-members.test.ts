import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { openCaptureIndex } from '../../src/engine/capture/capture-index';
import { readCaptureFrames } from '../../src/engine/capture/capture-reader';
import { openCaptureWriter, RECORDING_GZIP_MEMBER_BYTES } from '../../src/engine/capture/capture-writer';
import type { RawFrame } from '../../src/engine/feed/raw-frame';
import { realRecording, REAL } from '../support/shared-data';

/**
 * Recordings (`surveil record`, the console's recorder) open the writer with
 * RECORDING_GZIP_MEMBER_BYTES (16 MB, docs/seek.md): a large .jsonl.gz
 * recording is several gzip members a seek can start inflating at. The
 * writer here is opened as record.ts opens it (header, default flush timer).
 */
const dir = mkdtempSync(join(tmpdir(), 'surveil-recording-members-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The real OKX recording's frames, repeated later and later until they make `bytes` of capture text. */
async function record(name: string, bytes: number): Promise<{ path: string; frames: number }> {
  const source = await readCaptureFrames(realRecording(REAL.okx));
  const span = source.at(-1)!.t - source[0]!.t + 1_000;
  const path = join(dir, name);
  const writer = await openCaptureWriter({
    path,
    header: { source: 'recorded', venue: 'okx', instruments: ['UNI-USD-PERP'] },
    gzipMemberBytes: RECORDING_GZIP_MEMBER_BYTES,
  });
  let frames = 0;
  for (let round = 0; writer.stats().bytes < bytes; round++) {
    for (const frame of source) {
      const shifted: RawFrame = { ...frame, t: frame.t + round * span };
      writer.write(shifted);
      frames++;
    }
    await writer.flush();
  }
  await writer.close();
  return { path, frames };
}

describe('recordings written in gzip members', () => {
  it('a recording past 16 MB of text is more than one member, each inflating alone to its part of the text', async () => {
    const { path, frames } = await record('large.jsonl.gz', RECORDING_GZIP_MEMBER_BYTES * 1.3);
    const opened = await openCaptureIndex(path);
    const members = opened.index.parts[0]!.members!;
    expect(members.compressed.length).toBeGreaterThan(1);
    const file = readFileSync(path);
    const whole = gunzipSync(file);
    expect(JSON.parse(whole.subarray(0, whole.indexOf(10)).toString())).toMatchObject({ capture: 1, source: 'recorded', gzipMemberBytes: RECORDING_GZIP_MEMBER_BYTES });
    for (let i = 1; i < members.compressed.length; i++) {
      const alone = gunzipSync(file.subarray(members.compressed[i]!));
      expect(alone.equals(whole.subarray(members.decompressed[i]!)), `member ${i}`).toBe(true);
      expect(alone.subarray(0, 5).toString(), `member ${i}`).toBe('{"t":');
      // No member holds much more than 16 MB of text (a member ends at the first write past it).
      expect(members.decompressed[i]! - members.decompressed[i - 1]!).toBeLessThan(RECORDING_GZIP_MEMBER_BYTES * 1.1);
    }
    expect((await readCaptureFrames(path)).length).toBe(frames);
  }, 60_000);

  it('a small recording stays one member', async () => {
    const { path } = await record('small.jsonl.gz', 1);
    const opened = await openCaptureIndex(path);
    expect(opened.index.parts[0]!.members?.compressed.length ?? 1).toBe(1);
  });
});
