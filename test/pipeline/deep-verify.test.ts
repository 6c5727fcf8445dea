import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { replay } from '../../src/cli/commands/replay';
import { openCaptureWriter } from '../../src/engine/capture/capture-writer';
import { firstDepthDifference, snapshotRange } from '../../src/engine/pipeline/deep-compare';
import { DEFAULT_DEEP_VERIFY } from '../../src/engine/pipeline/deep-verify';
import { VenueBooks, type VenueBooksSettings } from '../../src/engine/pipeline/venue-books';
import type { ReplayReport } from '../../src/engine/replay/replay-report';
import { openHistoryDb } from '../../src/engine/storage/history-db';
import { queryFeedEvents } from '../../src/engine/storage/history-queries';
import type { RawFrame } from '../../src/engine/feed/raw-frame';
import type { BookSnapshotEvent, RawLevel } from '../../src/shared/core/model';
import { OrderBook } from '../../src/shared/core/order-book';

/**
 * Deep verification on the real path: OKX 2026 frames (REST `market/books`
 * with seqId, `books` updates with checksum 0, tickers) through the OKX
 * mapper, the OKX book sync and VenueBooks. The corruption is what the
 * simulator's silent_book_corruption does: an update with the right seqIds
 * and a wrong size, here on a level below the top, where tickers cannot see it.
 */

const OKX = 'wss://ws.okx.com:8443/ws/v5/public';
const instId = 'BTC-USDT-SWAP';
const key = `okx:${instId}`;
const levels = (l: readonly RawLevel[]) => l.map(([p, s]) => [p, s, '0', '1']);
const ws = (t: number, data: unknown): RawFrame => ({ t, venue: 'okx', kind: 'ws', url: OKX, data: JSON.stringify(data) });

/** The venue's true book, and the frames it sends about it. */
class OkxScript {
  seq = 10;
  readonly bids = new Map<string, string>([['99', '5'], ['98', '3'], ['97', '2']]);
  readonly asks = new Map<string, string>([['101', '7'], ['102', '4']]);

  /** REST `market/books` as of `seqId` (default: now), with the venue's true levels (or `override`). */
  rest(t: number, seqId = this.seq, override?: { bids?: RawLevel[]; asks?: RawLevel[] }): RawFrame {
    const side = (m: Map<string, string>, desc: boolean) => [...m].sort((a, b) => (desc ? Number(b[0]) - Number(a[0]) : Number(a[0]) - Number(b[0])));
    const bids = override?.bids ?? side(this.bids, true);
    const asks = override?.asks ?? side(this.asks, false);
    return {
      t, venue: 'okx', kind: 'rest', url: `https://www.okx.com/api/v5/market/books?instId=${instId}&sz=400`,
      data: JSON.stringify({ code: '0', msg: '', data: [{ asks: levels(asks), bids: levels(bids), ts: String(t), seqId }] }),
    };
  }

  /** An update: the venue's book takes `truth`; the frame says `sent` (a silent corruption when they differ). */
  update(t: number, truth: { bids?: RawLevel[]; asks?: RawLevel[] }, sent = truth): RawFrame {
    for (const [p, s] of truth.bids ?? []) if (Number(s) === 0) this.bids.delete(p); else this.bids.set(p, s);
    for (const [p, s] of truth.asks ?? []) if (Number(s) === 0) this.asks.delete(p); else this.asks.set(p, s);
    const prev = this.seq;
    this.seq += 1;
    return ws(t, { arg: { channel: 'books', instId }, action: 'update', data: [{ asks: levels(sent.asks ?? []), bids: levels(sent.bids ?? []), ts: String(t), checksum: 0, prevSeqId: prev, seqId: this.seq }] });
  }

  /** OKX's keepalive for a book that did not change: prevSeqId == seqId, no levels. */
  keepalive(t: number): RawFrame {
    return ws(t, { arg: { channel: 'books', instId }, action: 'update', data: [{ asks: [], bids: [], ts: String(t), checksum: 0, prevSeqId: this.seq, seqId: this.seq }] });
  }

  ticker(t: number): RawFrame {
    return ws(t, { arg: { channel: 'tickers', instId }, data: [{ instType: 'SWAP', instId, last: '100', bidPx: '99', bidSz: this.bids.get('99'), askPx: '101', askSz: this.asks.get('101'), ts: String(t) }] });
  }
}

interface Seen {
  readonly kind: string;
  readonly detail?: string;
}

function setup(extra: Partial<VenueBooksSettings> = {}) {
  const events: Seen[] = [];
  const books = new VenueBooks(
    { staleTimeoutMs: 60_000, depthBandsBps: [10], ...extra },
    { onSyncEvent: (k, kind, _t, detail) => events.push(detail === undefined ? { kind } : { kind, detail }) },
  );
  const venue = new OkxScript();
  const state = () => books.instrumentStates().find((s) => s.key === key)!;
  const health = () => books.venueStates().find((v) => v.venue === 'okx')!;
  const bookLevels = (side: 'bid' | 'ask') => state().sync!.book.top(side, 50).map((l) => [l.priceText, l.sizeText]);
  return { books, venue, events, state, health, bookLevels };
}

/**
 * A book built from REST, then a top-of-book drift (updates say the best bid is
 * 50 while the venue and its tickers say 5..8), then rebuilt from REST at `t`.
 * Returns the time of the rebuild.
 */
function driftAndRebuild(s: ReturnType<typeof setup>): number {
  const { books, venue } = s;
  let t = 1_000;
  books.ingest(venue.rest(t));
  for (let i = 0; i < 4; i += 1) {
    t += 400;
    books.ingest(venue.update(t, { bids: [['99', String(5 + i)]] }, { bids: [['99', `${5 + i}0`]] }));
    books.ingest(venue.ticker(t));
  }
  expect(s.events.map((e) => e.kind)).toEqual(['book_drift']);
  expect(s.state().sync!.valid).toBe(false);
  t += 100;
  books.ingest(venue.rest(t));
  expect(s.state().sync!.valid).toBe(true);
  expect(s.events.map((e) => e.kind)).toEqual(['book_drift', 'resync']);
  expect(s.state().deep!.onProbation).toBe(true);
  return t;
}

/** Keepalives every 500 ms from `from` up to `to`: they move the book's clock without changing it. */
function idle(s: ReturnType<typeof setup>, from: number, to: number): number {
  let t = from;
  while (t + 500 <= to) {
    t += 500;
    s.books.ingest(s.venue.keepalive(t));
  }
  return t;
}

describe('deep verification after a book drift (OKX 2026, real mapper and sync)', () => {
  it('asks for a REST snapshot a delay after the rebuild, compares it at the same seqId, and ends the probation on a match', () => {
    const s = setup();
    const rebuilt = driftAndRebuild(s);
    // Not before the delay.
    let t = idle(s, rebuilt, rebuilt + DEFAULT_DEEP_VERIFY.delayMs - 500);
    expect(s.books.booksWantingSnapshot()).toEqual([]);
    t = idle(s, t, rebuilt + DEFAULT_DEEP_VERIFY.delayMs + 500);
    expect(s.books.booksWantingSnapshot()).toEqual([key]);
    const before = s.bookLevels('bid');
    s.books.ingest(s.venue.rest(t + 30));
    expect([s.health().deepChecks, s.health().deepMismatches, s.health().deepUnverified]).toEqual([1, 0, 0]);
    expect(s.state().deep!.onProbation).toBe(false);
    expect(s.books.booksWantingSnapshot()).toEqual([]);
    expect(s.bookLevels('bid')).toEqual(before);
    expect(s.events.map((e) => e.kind)).toEqual(['book_drift', 'resync']);
    // Probation over and no audit by default: never asked again.
    idle(s, t + 30, t + 60_000);
    expect(s.books.booksWantingSnapshot()).toEqual([]);
  });

  it('finds a deep level the tickers cannot see, counts it, raises book_drift with the level, rebuilds from that snapshot and verifies again', () => {
    const s = setup();
    const rebuilt = driftAndRebuild(s);
    // Still corrupt after the resync: 98 becomes 4 at the venue, the update says 40. The top (99) is right.
    let t = rebuilt + 200;
    s.books.ingest(s.venue.update(t, { bids: [['98', '4']] }, { bids: [['98', '40']] }));
    s.books.ingest(s.venue.ticker(t));
    expect(s.health().driftMismatches).toBe(4);
    t = idle(s, t, rebuilt + DEFAULT_DEEP_VERIFY.delayMs + 500);
    expect(s.books.booksWantingSnapshot()).toEqual([key]);
    const { bookDrifts, resyncs } = s.health();
    s.books.ingest(s.venue.rest(t + 30));
    const h = s.health();
    expect([h.deepChecks, h.deepMismatches, h.bookDrifts - bookDrifts, h.resyncs - resyncs]).toEqual([1, 1, 1, 1]);
    expect(s.events.slice(2)).toEqual([
      { kind: 'book_drift', detail: `deep mismatch with the REST snapshot at seqId ${s.venue.seq}: bid 98 (level 2): book 40, venue 4` },
      { kind: 'resync' },
    ]);
    // Rebuilt from the snapshot it was compared with: no second request, the venue's book at once.
    expect(s.state().sync!.valid).toBe(true);
    expect(s.bookLevels('bid')).toEqual([['99', '8'], ['98', '4'], ['97', '2']]);
    expect(s.state().gapSinceSample).toBe(true);
    expect(s.books.booksWantingSnapshot()).toEqual([]);
    // Still on probation: verified again a delay later, and that one matches.
    expect(s.state().deep!.onProbation).toBe(true);
    t = idle(s, t + 30, t + 30 + DEFAULT_DEEP_VERIFY.delayMs + 500);
    expect(s.books.booksWantingSnapshot()).toEqual([key]);
    s.books.ingest(s.venue.rest(t + 30));
    expect([s.health().deepChecks, s.health().deepMismatches]).toEqual([2, 1]);
    expect(s.state().deep!.onProbation).toBe(false);
  });

  it('holds an answer ahead of the live book until the book reaches its seqId, then compares', () => {
    const s = setup();
    const rebuilt = driftAndRebuild(s);
    const t = idle(s, rebuilt, rebuilt + DEFAULT_DEEP_VERIFY.delayMs + 500);
    expect(s.books.booksWantingSnapshot()).toEqual([key]);
    // The venue moves (98 -> 6, a deep change; sent corrupt as 60); REST answers as of that, before the socket delivers it.
    const corrupt = s.venue.update(t + 10, { bids: [['98', '6']] }, { bids: [['98', '60']] });
    s.books.ingest(s.venue.rest(t + 20));
    expect(s.health().deepChecks).toBe(0);
    expect(s.books.booksWantingSnapshot()).toEqual([]);
    s.books.ingest(corrupt);
    expect([s.health().deepChecks, s.health().deepMismatches]).toEqual([1, 1]);
    expect(s.events.at(-2)!.detail).toContain('bid 98 (level 2): book 60, venue 6');
    expect(s.bookLevels('bid')).toEqual([['99', '8'], ['98', '6'], ['97', '2']]);
    // The stream goes on from the rebuilt book.
    s.books.ingest(s.venue.update(t + 40, { asks: [['102', '9']] }));
    expect(s.state().sync!.valid).toBe(true);
    expect(s.bookLevels('ask')).toEqual([['101', '7'], ['102', '9']]);
  });

  it('brings an answer older than the live book forward with the deltas recorded since, then compares', () => {
    const s = setup();
    const rebuilt = driftAndRebuild(s);
    let t = idle(s, rebuilt, rebuilt + DEFAULT_DEEP_VERIFY.delayMs + 500);
    expect(s.books.booksWantingSnapshot()).toEqual([key]);
    // A corrupt deep update (97: venue 1, sent 10); REST answers as of it; the socket delivers one more before the answer.
    s.books.ingest(s.venue.update(t + 10, { bids: [['97', '1']] }, { bids: [['97', '10']] }));
    const answer = s.venue.rest(t + 50);
    s.books.ingest(s.venue.update(t + 20, { asks: [['103', '2']] }));
    s.books.ingest(answer);
    expect([s.health().deepChecks, s.health().deepMismatches]).toEqual([1, 1]);
    expect(s.events.at(-2)!.detail).toContain('bid 97 (level 3): book 10, venue 1');
    // Rebuilt: the snapshot and the delta after it, at the live seqId.
    expect(s.bookLevels('bid')).toEqual([['99', '8'], ['98', '3'], ['97', '1']]);
    expect(s.bookLevels('ask')).toEqual([['101', '7'], ['102', '4'], ['103', '2']]);
    expect(s.state().sync!.lastUpdateId).toBe(s.venue.seq);
    s.books.ingest(s.venue.update(t + 60, { bids: [['96', '1']] }));
    expect(s.state().sync!.valid).toBe(true);
    // Verified again a delay later: now it matches, the probation ends.
    expect(s.state().deep!.onProbation).toBe(true);
    t = idle(s, t + 60, t + 60 + DEFAULT_DEEP_VERIFY.delayMs + 500);
    s.books.ingest(s.venue.rest(t + 10));
    expect([s.health().deepChecks, s.health().deepMismatches]).toEqual([2, 1]);
    expect(s.state().deep!.onProbation).toBe(false);
  });

  it('an answer older than anything recorded is not comparable: unverified, applied as before (dropped), asked again', () => {
    const s = setup();
    const rebuilt = driftAndRebuild(s);
    let t = idle(s, rebuilt, rebuilt + DEFAULT_DEEP_VERIFY.delayMs + 500);
    const seq = s.venue.seq;
    t = idle(s, t, t + 400);
    s.books.ingest(s.venue.update(t, { bids: [['97', '1']] }));
    s.books.ingest(s.venue.rest(t + 10, seq - 3, { bids: [['99', '1']], asks: [['101', '1']] }));
    expect([s.health().deepChecks, s.health().deepUnverified]).toEqual([0, 1]);
    expect(s.bookLevels('bid')).toEqual([['99', '8'], ['98', '3'], ['97', '1']]);
    expect(s.state().deep!.onProbation).toBe(true);
    idle(s, t + 10, t + 10 + DEFAULT_DEEP_VERIFY.delayMs + 500);
    expect(s.books.booksWantingSnapshot()).toEqual([key]);
  });

  it('counts an unanswered verification as unverified and asks again, a bounded number of times', () => {
    const s = setup({ deepVerify: { tries: 2 } });
    const rebuilt = driftAndRebuild(s);
    let t = idle(s, rebuilt, rebuilt + DEFAULT_DEEP_VERIFY.delayMs + 500);
    expect(s.books.booksWantingSnapshot()).toEqual([key]);
    t = idle(s, t, t + DEFAULT_DEEP_VERIFY.answerTimeoutMs + 500);
    expect(s.health().deepUnverified).toBe(1);
    expect(s.state().deep!.onProbation).toBe(true);
    t = idle(s, t, t + DEFAULT_DEEP_VERIFY.delayMs + 500);
    expect(s.books.booksWantingSnapshot()).toEqual([key]);
    t = idle(s, t, t + DEFAULT_DEEP_VERIFY.answerTimeoutMs + 500);
    expect(s.health().deepUnverified).toBe(2);
    // Two tries: the probation is over, unresolved (the counters say so), no more requests.
    expect(s.state().deep!.onProbation).toBe(false);
    idle(s, t, t + 60_000);
    expect(s.books.booksWantingSnapshot()).toEqual([]);
    expect(s.health().deepChecks).toBe(0);
  });

  it('a REST snapshot nobody asked a verification for is applied as before (older than the book: dropped)', () => {
    const s = setup();
    s.books.ingest(s.venue.rest(1_000));
    s.books.ingest(s.venue.update(1_100, { bids: [['98', '9']] }));
    s.books.ingest(s.venue.rest(1_200, 10, { bids: [['99', '5']], asks: [['101', '7']] }));
    expect(s.bookLevels('bid')).toEqual([['99', '5'], ['98', '9'], ['97', '2']]);
    expect(s.state().deep).toBeUndefined();
    expect(s.health().deepChecks).toBe(0);
  });
});

describe('a deep mismatch in the history', () => {
  const dir = mkdtempSync(join(tmpdir(), 'surveil-deep-history-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('surveil replay --db stores the book_drift feed event with the level in feed_events.detail; report and summary show the deep counters', async () => {
    // The frames of the "finds a deep level" case, written to a capture and replayed into a real SQLite history.
    const venue = new OkxScript();
    const frames: RawFrame[] = [];
    let t = 1_000;
    frames.push(venue.rest(t));
    for (let i = 0; i < 4; i += 1) {
      t += 400;
      frames.push(venue.update(t, { bids: [['99', String(5 + i)]] }, { bids: [['99', `${5 + i}0`]] }), venue.ticker(t));
    }
    t += 100;
    frames.push(venue.rest(t));
    const rebuilt = t;
    t += 200;
    frames.push(venue.update(t, { bids: [['98', '4']] }, { bids: [['98', '40']] }), venue.ticker(t));
    while (t + 500 <= rebuilt + DEFAULT_DEEP_VERIFY.delayMs + 500) frames.push(venue.keepalive((t += 500)));
    frames.push(venue.rest(t + 30));
    const seqId = venue.seq;
    // Two more seconds of keepalives: the feed alert is judged at the next boundaries.
    for (let i = 1; i <= 4; i += 1) frames.push(venue.keepalive(t + 30 + i * 500));
    const capture = join(dir, 'deep.jsonl');
    const writer = await openCaptureWriter({ path: capture, flushIntervalMs: 0, header: { source: 'test: deep mismatch' } });
    for (const frame of frames) writer.write(frame);
    await writer.close();

    // The CLI in process: its replay hands the history writer to the pipeline as its listener.
    const dbPath = join(dir, 'history.sqlite');
    const reportPath = join(dir, 'report.json');
    const out: string[] = [];
    const err: string[] = [];
    const code = await replay.run({ positionals: [capture], values: { db: dbPath, report: reportPath, config: join(__dirname, '../../config') } }, { out: (l) => out.push(l), err: (l) => err.push(l) });
    expect(err).toEqual([]);
    expect(code).toBe(0);
    const report = JSON.parse(readFileSync(reportPath, 'utf8')) as ReplayReport;
    expect(report.venues.find((v) => v.venue === 'okx')).toMatchObject({ driftMismatches: 4, bookDrifts: 2, deepChecks: 1, deepMismatches: 1, deepUnverified: 0 });
    expect(report.instruments.find((i) => i.symbol === instId)).toMatchObject({ bookDrifts: 2, deepChecks: 1, deepMismatches: 1, deepUnverified: 0 });
    // The book_drift feed alert says which checks found its drifts.
    expect(report.feedAlerts.filter((a) => a.rule === 'book_drift').map((a) => a.detail)).toEqual(['2 book drifts in 300 s: 1 book-top, 1 by the deep check at seqId']);
    // The summary table: a deep check column next to the top check, 0 of 1 deep checks agreeing.
    const header = out.find((l) => l.startsWith('venue'))!;
    const row = out.find((l) => l.startsWith('okx'))!;
    expect(header).toMatch(/top check\s+deep check\s+crossed\/locked/);
    expect(row.slice(header.indexOf('deep check'), header.indexOf('crossed/locked')).trim()).toBe('0/1 ok');
    const db = openHistoryDb(dbPath);
    const drifts = queryFeedEvents(db, { kinds: ['book_drift'] }).map((e) => ({ key: e.key, detail: e.detail }));
    db.close();
    // Newest first: the deep mismatch names its level; the top-of-book drift before it has nothing more to say.
    expect(drifts).toEqual([
      { key, detail: `deep mismatch with the REST snapshot at seqId ${seqId}: bid 98 (level 2): book 40, venue 4` },
      { key, detail: null },
    ]);
  });
});

describe('deep audit of every verifiable book (off by default)', () => {
  it('when on, verifies a book that never drifted, each book at its own offset, and finds a deep level', () => {
    const interval = 60_000;
    const s = setup({ deepVerify: { auditIntervalMs: interval } });
    let t = 1_000;
    s.books.ingest(s.venue.rest(t));
    s.books.ingest(s.venue.update(t + 100, { bids: [['97', '3']] }, { bids: [['97', '30']] }));
    // Due somewhere within the first interval (each book at its own offset), never before the book was valid.
    while (s.books.booksWantingSnapshot().length === 0 && t < 1_000 + interval + 1_000) t = idle(s, t, t + 500);
    expect(s.books.booksWantingSnapshot()).toEqual([key]);
    expect(t).toBeLessThanOrEqual(1_100 + interval + 500);
    s.books.ingest(s.venue.rest(t + 20));
    expect([s.health().deepChecks, s.health().deepMismatches, s.health().bookDrifts]).toEqual([1, 1, 1]);
    expect(s.bookLevels('bid')).toEqual([['99', '5'], ['98', '3'], ['97', '3']]);
    // A mismatch found by an audit puts the book on probation: verified again after the short delay.
    expect(s.state().deep!.onProbation).toBe(true);
    idle(s, t + 20, t + 20 + DEFAULT_DEEP_VERIFY.delayMs + 500);
    expect(s.books.booksWantingSnapshot()).toEqual([key]);
  });

  it('leaves a books5 book alone (whole in every push, no seqId, no REST snapshot to compare with)', () => {
    const s = setup({ deepVerify: { auditIntervalMs: 10_000 } });
    const five = (t: number) =>
      ws(t, { arg: { channel: 'books5', instId }, data: [{ asks: levels([['101', '7']]), bids: levels([['99', '5']]), instId, ts: String(t), seqId: t }] });
    for (let t = 1_000; t <= 60_000; t += 500) s.books.ingest(five(t));
    expect(s.state().sync!.valid).toBe(true);
    expect(s.state().sync!.deepVerifiable).toBe(false);
    expect(s.state().deep).toBeUndefined();
    expect(s.books.booksWantingSnapshot()).toEqual([]);
  });

  it('is off by default: a book that never drifted is never asked for', () => {
    expect(DEFAULT_DEEP_VERIFY.auditIntervalMs).toBe(0);
    const s = setup();
    s.books.ingest(s.venue.rest(1_000));
    idle(s, 1_000, 600_000);
    expect(s.books.booksWantingSnapshot()).toEqual([]);
    expect(s.state().deep).toBeUndefined();
  });
});

describe('firstDepthDifference', () => {
  const book = (bids: RawLevel[], asks: RawLevel[]) => {
    const b = new OrderBook();
    b.applySnapshot(bids, asks);
    return b;
  };
  const snap = (bids: RawLevel[], asks: RawLevel[]): BookSnapshotEvent => ({ type: 'book_snapshot', venue: 'okx', symbol: instId, receiveTime: 0, bids, asks, seq: { last: 1 } });

  it('compares within the snapshot range only, and names a missing, an extra or a different level', () => {
    const venueBids: RawLevel[] = [['99', '5'], ['98', '3']];
    const venueAsks: RawLevel[] = [['101', '7']];
    const range = snapshotRange(snap(venueBids, venueAsks));
    const venue = book(venueBids, venueAsks);
    // Beyond the snapshot's deepest levels (97 bid, 102 ask): not compared.
    expect(firstDepthDifference(book([...venueBids, ['97', '1']], [...venueAsks, ['102', '1']]), venue, range)).toBeNull();
    expect(firstDepthDifference(book([['99', '5'], ['98', '3.5']], venueAsks), venue, range)).toEqual({ side: 'bid', level: 1, price: 98, liveSize: 3.5, venueSize: 3 });
    expect(firstDepthDifference(book([['99', '5']], venueAsks), venue, range)).toEqual({ side: 'bid', level: 1, price: 98, liveSize: undefined, venueSize: 3 });
    expect(firstDepthDifference(book([['99', '5'], ['98.5', '1'], ['98', '3']], venueAsks), venue, range)).toEqual({ side: 'bid', level: 1, price: 98.5, liveSize: 1, venueSize: undefined });
    expect(firstDepthDifference(book(venueBids, [['100.5', '1'], ['101', '7']]), venue, range)).toEqual({ side: 'ask', level: 0, price: 100.5, liveSize: 1, venueSize: undefined });
    // Exchange strings differ, numbers agree: the same level.
    expect(firstDepthDifference(book([['99.0', '5.00'], ['98', '3']], venueAsks), venue, range)).toBeNull();
  });

  it('an empty side of the snapshot vouches for the whole side', () => {
    const range = snapshotRange(snap([['99', '5']], []));
    expect(range.askCeiling).toBe(Infinity);
    expect(firstDepthDifference(book([['99', '5']], [['150', '1']]), book([['99', '5']], []), range)).toMatchObject({ side: 'ask', price: 150 });
  });
});
