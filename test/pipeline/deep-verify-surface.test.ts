import { describe, expect, it } from 'vitest';
import { feedView } from '../../src/engine/console/overview';
import { VenueBooks } from '../../src/engine/pipeline/venue-books';
import type { RawFrame } from '../../src/engine/feed/raw-frame';
import { driftSummary } from '../../src/renderer/src/model/feed-health';
import { feed } from '../renderer/fixtures';

const instId = 'BTC-USDT-SWAP';
const rest = (t: number, seqId: number, bid97: string): RawFrame => ({
  t, venue: 'okx', kind: 'rest', url: `https://www.okx.com/api/v5/market/books?instId=${instId}&sz=400`,
  data: JSON.stringify({ code: '0', msg: '', data: [{ asks: [['101', '7', '0', '1']], bids: [['99', '5', '0', '1'], ['97', bid97, '0', '1']], ts: String(t), seqId }] }),
});
const update = (t: number, prev: number, seq: number, bids: string[][]): RawFrame => ({
  t, venue: 'okx', kind: 'ws', url: 'wss://ws.okx.com:8443/ws/v5/public',
  data: JSON.stringify({ arg: { channel: 'books', instId }, action: 'update', data: [{ asks: [], bids, ts: String(t), checksum: 0, prevSeqId: prev, seqId: seq }] }),
});

describe('deep verification counters from the books to the Feeds view', () => {
  it('a deep mismatch found by the audit reaches FeedView and the Top check cell', () => {
    const books = new VenueBooks({ staleTimeoutMs: 60_000, depthBandsBps: [10], deepVerify: { auditIntervalMs: 20_000 } });
    books.ingest(rest(1_000, 10, '2'));
    // 97 is 3 at the venue; the update says 30 (right seqIds, checksum 0): a silent deep corruption.
    books.ingest(update(1_100, 10, 11, [['97', '30', '0', '1']]));
    let t = 1_100;
    while (books.booksWantingSnapshot().length === 0 && t < 30_000) books.ingest(update((t += 500), 11, 11, []));
    expect(books.booksWantingSnapshot()).toEqual([`okx:${instId}`]);
    books.ingest(rest(t + 20, 11, '3'));
    const view = feedView({ venue: 'okx', status: null, counters: books.counters, health: books.venueStates() }, []);
    expect([view.deepChecks, view.deepMismatches, view.deepUnverified, view.bookDrifts, view.resyncs]).toEqual([1, 1, 0, 1, 1]);
    const cell = driftSummary(view);
    expect(cell).toMatchObject({ text: '1 drift', warn: true });
    expect(cell.title.split('\n').at(-1)).toBe('1 deep check of whole books against REST snapshots: 1 mismatch (counted as drifts)');
  });
});

/** Deep verification counters where an operator reads the book-top ones: the Feeds view's drift cell. */
describe('Feeds view: deep verification next to the book-top cross-check', () => {
  it('adds a line for deep checks, flags a deep mismatch or a verification not made', () => {
    const summary = driftSummary(feed('okx', { driftChecks: 3832, driftMismatches: 4, bookDrifts: 2, deepChecks: 3, deepMismatches: 1 }));
    expect(summary).toMatchObject({ text: '2 drifts', warn: true });
    expect(summary.title.split('\n')).toEqual([
      "3,832 checks of book tops against the venue's own top of book",
      '4 mismatches',
      '2 sustained drifts (each forced a resync)',
      '3 deep checks of whole books against REST snapshots: 1 mismatch (counted as drifts)',
    ]);
    const unverified = driftSummary(feed('okx', { driftChecks: 100, deepChecks: 1, deepUnverified: 2 }));
    expect(unverified.warn).toBe(true);
    expect(unverified.title.split('\n').at(-1)).toBe('1 deep check of whole books against REST snapshots: 0 mismatches (counted as drifts), 2 verifications not made');
  });

  it('says nothing of deep checks while there were none, and a clean deep check does not warn', () => {
    expect(driftSummary(feed('okx', { driftChecks: 10 })).title.split('\n')).toHaveLength(3);
    expect(driftSummary(feed('okx', { driftChecks: 10, deepChecks: 2 }))).toMatchObject({ text: '0/10', warn: false });
  });
});
