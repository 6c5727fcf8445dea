import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseCaptureFrame } from '../../src/engine/capture/capture-reader';
import { VenueBooks } from '../../src/engine/pipeline/venue-books';
import type { RawFrame } from '../../src/engine/feed/raw-frame';
import { REAL, realRecording } from '../support/shared-data';

/** What the books want by walking every state: the definition the kept set must match. */
function scanWanting(books: VenueBooks): Set<string> {
  const keys = new Set<string>();
  for (const state of books.instrumentStates()) if (state.sync?.wantsSnapshot || state.deep?.wantsSnapshot) keys.add(state.key);
  return keys;
}

function framesOf(name: string): RawFrame[] {
  const path = realRecording(name);
  const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
  return lines.slice(1).map((line, i) => parseCaptureFrame(path, i + 2, line));
}

/** A book frame with its first level's price made unreadable: the mapper refuses it and names the symbol. */
function corrupted(frame: RawFrame): RawFrame | null {
  const data = frame.data.replace(/"(b|bids)":\[\["[0-9.]+"/, '"$1":[["not-a-price"');
  return data === frame.data ? null : { ...frame, data };
}

/**
 * Real recordings through the books, with refused messages and connection
 * resets mixed in: after every step the set the books keep is the scan's,
 * and `takeNewlyWanting` names exactly the keys that started wanting.
 */
function checkAgainstScan(name: string): { steps: number; started: number; stopped: number; refused: number; resets: number } {
  const books = new VenueBooks({ staleTimeoutMs: 10_000, depthBandsBps: [10, 25, 50, 100] });
  let before = new Set<string>();
  const counts = { steps: 0, started: 0, stopped: 0, refused: 0, resets: 0 };
  const step = (what: string): void => {
    counts.steps += 1;
    const now = scanWanting(books);
    expect(new Set(books.booksWantingSnapshot()), what).toEqual(now);
    const started = [...now].filter((k) => !before.has(k));
    expect([...books.takeNewlyWanting()].sort(), what).toEqual(started.sort());
    counts.started += started.length;
    counts.stopped += [...before].filter((k) => !now.has(k)).length;
    before = now;
  };
  const frames = framesOf(name);
  frames.forEach((frame, i) => {
    books.ingest(frame);
    step(`frame ${i}`);
    if (i % 7 === 3) {
      const bad = corrupted(frame);
      if (bad) {
        const rejected = Object.values(books.counters.rejected).reduce((a, b) => a + b, 0);
        books.ingest(bad);
        if (Object.values(books.counters.rejected).reduce((a, b) => a + b, 0) > rejected) counts.refused += 1;
        step(`refused copy of frame ${i}`);
      }
    }
    if (i % 50 === 25) {
      books.resetInstruments(books.instrumentStates().map((s) => s.key));
      counts.resets += 1;
      step(`reset after frame ${i}`);
    }
  });
  return counts;
}

describe('books wanting a REST snapshot, kept as their states change', () => {
  // The OKX recording has one socket snapshot, at its start: a reset book wants one for the rest of it.
  it.each([
    [REAL.binanceUsdm, 2],
    [REAL.binanceSpot, 2],
    [REAL.okx, 0],
  ])('match a walk over every book after each frame, refusal and reset of %s', (name, minStopped) => {
    const counts = checkAgainstScan(name);
    // The run exercised what it claims to: books started (and stopped) wanting, messages were refused, books were reset.
    expect(counts.started).toBeGreaterThan(0);
    expect(counts.stopped).toBeGreaterThanOrEqual(minStopped);
    expect(counts.refused).toBeGreaterThan(0);
    expect(counts.resets).toBeGreaterThan(0);
  });
});
