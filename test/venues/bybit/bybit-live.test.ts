import { afterEach, describe, expect, it } from 'vitest';
import { LiveSession } from '../../../src/engine/live/live-session';
import { venueById } from '../../../src/engine/venues/registry';
import type { FeedSubscription } from '../../../src/engine/feed/feed';
import type { RawFrame } from '../../../src/engine/feed/raw-frame';
import type { RawLevel } from '../../../src/shared/core/model';
import { LoopbackExchange, loopbackConfig, loopbackPipeline, syncOf, waitFor, type LoopbackConnection } from '../../support/loopback-exchange';

// Bybit through the registry, the real pipeline and the live session, over
// loopback: instruments from instruments-info, a book from the socket's
// snapshot and chained deltas, a gap in u found, the book invalid until the
// feed's resubscribe brings a snapshot, and the book then equal to an
// independent computation of what the exchange published.

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const INSTRUMENTS = JSON.stringify({
  retCode: 0,
  retMsg: 'OK',
  result: { category: 'linear', list: [{ symbol: 'BTCUSDT', contractType: 'LinearPerpetual', status: 'Trading', baseCoin: 'BTC', quoteCoin: 'USDT', deliveryTime: '0', priceFilter: { tickSize: '0.10' } }], nextPageCursor: '' },
  time: 1,
});

/** The exchange's own book and update id: what it publishes, and what a client must end up with. */
class ExchangeBook {
  bids = new Map<string, string>([['17440.0', '5'], ['17439.5', '2']]);
  asks = new Map<string, string>([['17440.5', '3'], ['17441.0', '1']]);
  u = 1000;
  snapshot(): string {
    this.u += 1;
    return this.push('snapshot', [...this.bids], [...this.asks]);
  }
  delta(b: RawLevel[], a: RawLevel[]): string {
    for (const [side, levels] of [[this.bids, b], [this.asks, a]] as const) for (const [p, s] of levels) if (Number(s) === 0) side.delete(p);
    else side.set(p, s);
    this.u += 1;
    return this.push('delta', b, a);
  }
  private push(type: string, b: readonly RawLevel[], a: readonly RawLevel[]): string {
    return JSON.stringify({ topic: 'orderbook.1000.BTCUSDT', type, ts: Date.now(), data: { s: 'BTCUSDT', b, a, u: this.u, seq: this.u * 3 }, cts: Date.now() });
  }
  view(): { bids: string[]; asks: string[] } {
    const side = (m: Map<string, string>, desc: boolean) => [...m].map(([p, s]) => [Number(p), Number(s)] as const).sort((x, y) => (desc ? y[0] - x[0] : x[0] - y[0])).map(([p, s]) => `${p}@${s}`);
    return { bids: side(this.bids, true), asks: side(this.asks, false) };
  }
}

describe('Bybit live, end to end on loopback', () => {
  it('builds the book, detects a gap, resubscribes for a snapshot and ends equal to the exchange', async () => {
    const exchange = await LoopbackExchange.start();
    const book = new ExchangeBook();
    let linear: LoopbackConnection | null = null;
    exchange.rest = (url) => (url.pathname.endsWith('/v5/market/instruments-info') ? { body: INSTRUMENTS } : undefined);
    exchange.onMessage = (connection, text) => {
      const message = JSON.parse(text) as { op: string; args?: string[] };
      if (message.op === 'subscribe' && message.args?.includes('orderbook.1000.BTCUSDT')) {
        linear = connection;
        connection.send(book.snapshot());
      }
    };
    const config = loopbackConfig(exchange);
    const pipeline = loopbackPipeline(config);
    const frames: RawFrame[] = [];
    const subscriptions: FeedSubscription[] = [{ symbol: 'BTCUSDT', depthStream: 'diff', index: null }];
    const session = new LiveSession({
      pipeline,
      sampleIntervalMs: 1000,
      createFeeds: (sink) => [venueById('bybit')!.createFeed({ subscriptions, exchanges: { bybit: config.exchanges.bybit }, sink })],
      extraSink: { onFrame: (frame) => frames.push(frame) },
    });
    cleanups.push(async () => {
      await session.stop();
      await exchange.close();
    });
    session.start();
    await waitFor(() => syncOf(pipeline, 'bybit', 'BTCUSDT')?.valid === true, 'a valid book from the socket snapshot', 10_000);
    const sync = syncOf(pipeline, 'bybit', 'BTCUSDT')!;
    // The instrument came from instruments-info: its tick, not a guess.
    expect(pipeline.instrumentStates().find((s) => s.key === 'bybit:BTCUSDT')?.instrument).toMatchObject({ id: 'BTC-USDT-PERP', tickSize: 0.1, contractKind: 'linear' });
    const socket = linear!;
    for (let i = 0; i < 20; i++) socket.send(book.delta([[(17_440 - (i % 5) * 0.5).toFixed(1), String(1 + (i % 4))]], [[(17_441 + (i % 3) * 0.5).toFixed(1), i % 6 === 0 ? '0' : '2']]));
    await waitFor(() => sync.lastUpdateId === book.u, 'the deltas applied', 5_000);
    // A delta lost on the way: the next one skips an update id.
    book.delta([['17438.0', '9']], []);
    socket.send(book.delta([['17437.5', '1']], []));
    await waitFor(() => sync.stats.sequenceGaps === 1, 'the gap found', 5_000);
    // The live session asks the feed, which subscribes the book again: Bybit answers with a snapshot.
    await waitFor(() => socket.received.some((r) => r.text.includes('"unsubscribe"')), 'the resubscribe', 5_000);
    await waitFor(() => sync.valid && sync.lastUpdateId === book.u, 'a valid book from the new snapshot', 5_000);
    expect(sync.stats.resyncs).toBe(1);
    for (let i = 0; i < 10; i++) socket.send(book.delta([[(17_439 - i * 0.5).toFixed(1), i % 2 === 0 ? '0' : '4']], []));
    await waitFor(() => sync.lastUpdateId === book.u, 'the last deltas applied', 5_000);
    const shown = { bids: [] as string[], asks: [] as string[] };
    sync.book.forEachOutward('bid', (l) => (shown.bids.push(`${l.price}@${l.size}`), true));
    sync.book.forEachOutward('ask', (l) => (shown.asks.push(`${l.price}@${l.size}`), true));
    expect(shown).toEqual(book.view());
    // Every frame reached the capture sink with its category in the URL.
    expect(frames.filter((f) => f.kind === 'ws' && f.data.startsWith('{"topic"')).every((f) => f.url.endsWith('/v5/public/linear'))).toBe(true);
  }, 60_000);
});
