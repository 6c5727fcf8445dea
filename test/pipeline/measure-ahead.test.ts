import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseCaptureFrame } from '../../src/engine/capture/capture-reader';
import type { RawFrame } from '../../src/engine/feed/raw-frame';
import { VenueBooks } from '../../src/engine/pipeline/venue-books';
import { OrderBook } from '../../src/shared/core/order-book';
import { REAL, realRecording } from '../support/shared-data';

function framesOf(name: string): RawFrame[] {
  const path = realRecording(name);
  const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
  return lines.slice(1).map((line, i) => parseCaptureFrame(path, i + 2, line));
}

const SETTINGS = { staleTimeoutMs: 10_000, depthBandsBps: [10, 25, 50, 100] };

describe('books measured ahead of a boundary (feed worker idle time) sample as books measured at it', () => {
  it.each(Object.entries(REAL))('%s: every boundary, the same figures as books never measured ahead', (_name, file) => {
    const frames = framesOf(file);
    const ahead = new VenueBooks(SETTINGS);
    const plain = new VenueBooks(SETTINGS);
    let next = Math.ceil(frames[0]!.t / 1000) * 1000;
    let boundaries = 0;
    let measuredTurns = 0;
    let seed = 7;
    for (const frame of frames) {
      while (frame.t >= next) {
        // Samples carry their instrument record: compare what the books measured.
        const strip = (books: VenueBooks) => books.sample(next).map(({ instrument: _instrument, ...rest }) => rest);
        expect(strip(ahead), `boundary ${new Date(next).toISOString()}`).toEqual(strip(plain));
        boundaries += 1;
        next += 1000;
      }
      ahead.ingest(frame);
      plain.ingest(frame);
      // Measured in idle time at random, sometimes cut short: a book changed after its measurement must be measured again.
      seed = (seed * 1103515245 + 12345) % 2147483648;
      if (seed % 3 === 0) {
        ahead.measureChanged(seed % 2 === 0 ? Number.POSITIVE_INFINITY : -1);
        measuredTurns += 1;
      }
    }
    expect(boundaries).toBeGreaterThan(5);
    expect(measuredTurns).toBeGreaterThan(frames.length / 6);
  });

  it('measures only what changed, and says when it ran out of time', () => {
    const frames = framesOf(REAL.binanceUsdm);
    const books = new VenueBooks(SETTINGS);
    for (const frame of frames.slice(0, 400)) books.ingest(frame);
    const withBooks = books.instrumentStates().filter((s) => s.sync !== null && s.lastFrameAt > 0);
    expect(withBooks.length).toBeGreaterThan(0);
    // A deadline already past measures nothing and says work remains.
    expect(books.measureChanged(-1)).toBe(false);
    expect(withBooks.every((s) => s.measured === undefined)).toBe(true);
    expect(books.measureChanged(Number.POSITIVE_INFINITY)).toBe(true);
    const first = withBooks.map((s) => s.measured);
    expect(first.every((m) => m !== undefined)).toBe(true);
    // Nothing changed: the same measurements are kept, even with no time left.
    expect(books.measureChanged(-1)).toBe(true);
    expect(withBooks.map((s) => s.measured)).toEqual(first);
    for (let i = 0; i < withBooks.length; i++) expect(withBooks[i]!.measured).toBe(first[i]);
  });
});

describe('OrderBook.version', () => {
  it('moves on every call that may change the book', () => {
    const book = new OrderBook();
    const seen = [book.version];
    const step = (change: () => unknown) => {
      change();
      expect(book.version).toBeGreaterThan(seen.at(-1)!);
      seen.push(book.version);
    };
    step(() => book.applySnapshot([['100', '1']], [['101', '1']]));
    step(() => book.applyLevel('bid', '99', '2'));
    step(() => book.applyLevels('ask', [['102', '3']]));
    step(() => book.applyNumericSnapshot([100, 1, 0], [101, 1, 0]));
    step(() => book.applyNumericLevels('bid', [99.5, 1, 0]));
    step(() => book.clear());
    // Reading does not move it.
    book.bestBid();
    book.top('ask', 5);
    expect(book.version).toBe(seen.at(-1));
  });
});
