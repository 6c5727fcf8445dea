import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createConfiguredFeeds, LiveSession } from '../../src/engine/live/live-session';
import { pipelineSettingsFrom } from '../../src/engine/pipeline/pipeline-settings';
import { SurveillancePipeline } from '../../src/engine/pipeline/surveillance-pipeline';
import { startSimServer, type SimServer } from '../../src/engine/simulator';
import { BinanceBookSync, BinanceMapper } from '../../src/engine/venues/binance';
import { OkxBookSync, OkxMapper } from '../../src/engine/venues/okx';
import type { RawFrame } from '../../src/engine/feed/raw-frame';
import type { VenueMapper } from '../../src/engine/venues/venue';
import type { BookDeltaEvent, BookSnapshotEvent, Instrument, MarketEvent } from '../../src/shared/core/model';
import { CONFIG, socketTexts } from './helpers';

/** Opens a socket, sends `messages` once open, collects text frames for `ms`. */
function collect(url: string, ms: number, messages: string[] = []): Promise<string[]> {
  return socketTexts(url, messages, () => new Promise((resolve) => setTimeout(resolve, ms)));
}

function mapAll(mapper: VenueMapper, venue: string, url: string, texts: string[]): MarketEvent[] {
  const events: MarketEvent[] = [];
  for (const data of texts) {
    const result = mapper.map({ t: Date.now(), venue, kind: 'ws', url, data });
    expect(result.kind, data.slice(0, 120)).not.toBe('rejected');
    if (result.kind === 'events') events.push(...result.events);
  }
  return events;
}

async function restFrame(venue: string, url: string): Promise<RawFrame> {
  const response = await fetch(url);
  expect(response.status, url).toBe(200);
  return { t: Date.now(), venue, kind: 'rest', url, data: await response.text() };
}

const isBook = (e: MarketEvent): e is BookSnapshotEvent | BookDeltaEvent => e.type === 'book_snapshot' || e.type === 'book_delta';

describe('simulated exchange server (legacy OKX)', () => {
  let server: SimServer;
  beforeAll(async () => {
    server = await startSimServer({ scenario: 'calm', tickMs: 20, alerts: CONFIG.alerts, staleTimeoutMs: 5_000 });
  });
  afterAll(() => server.close());

  it('answers the Binance REST endpoints the adapters use, in shapes the mappers accept', async () => {
    const u = server.urls;
    const spot = new BinanceMapper('spot');
    const info = spot.map(await restFrame('binance-spot', `${u['binance-spot'].http}/api/v3/exchangeInfo?symbols=${encodeURIComponent('["BTCUSDT","ETHUSDT"]')}`));
    expect(info.kind === 'instruments' && info.instruments.map((i) => i.id)).toEqual(['BTC-USDT-SPOT', 'ETH-USDT-SPOT']);
    const usdm = new BinanceMapper('usdm');
    const futures = usdm.map(await restFrame('binance-usdm', `${u['binance-usdm'].http}/fapi/v1/exchangeInfo`));
    expect(futures.kind === 'instruments' && futures.instruments.map((i) => [i.id, i.tickSize])).toEqual([['BTC-USDT-PERP', 0.1], ['ETH-USDT-PERP', 0.01]]);
    const depth = usdm.map(await restFrame('binance-usdm', `${u['binance-usdm'].http}/fapi/v1/depth?limit=1000&symbol=BTCUSDT`));
    expect(depth.kind === 'events' && depth.events[0]!.type).toBe('book_snapshot');
    expect((await fetch(`${u['binance-spot'].http}/api/v3/depth?symbol=NOPE`)).status).toBe(400);
  });

  it('streams Binance spot diffs that sync on a REST snapshot, and USD-M marks on /market', async () => {
    const u = server.urls;
    const url = `${u['binance-spot'].ws}/stream?streams=btcusdt@depth@100ms/btcusdt@bookTicker`;
    const pending = collect(url, 1_200);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const snapshot = new BinanceMapper('spot').map(await restFrame('binance-spot', `${u['binance-spot'].http}/api/v3/depth?limit=5000&symbol=BTCUSDT`));
    const events = mapAll(new BinanceMapper('spot'), 'binance-spot', url, await pending);
    expect(events.some((e) => e.type === 'quote')).toBe(true);
    const sync = new BinanceBookSync('spot');
    for (const e of events.filter(isBook)) sync.apply(e);
    if (snapshot.kind === 'events') sync.apply(snapshot.events[0] as BookSnapshotEvent);
    expect(sync.valid).toBe(true);
    expect(sync.stats.sequenceGaps).toBe(0);
    expect(sync.stats.bookUpdates).toBeGreaterThan(3);

    const marks = mapAll(new BinanceMapper('usdm'), 'binance-usdm', '', await collect(`${u['binance-usdm'].ws}/market/stream?streams=btcusdt@markPrice@1s`, 1_300));
    const reference = marks.find((e) => e.type === 'reference');
    expect(reference).toMatchObject({ symbol: 'BTCUSDT' });
  });

  it('serves OKX subscribe acks, socket snapshots with valid checksums, and ping -> pong', async () => {
    const u = server.urls;
    const url = `${u.okx.ws}/ws/v5/public`;
    const subscribe = JSON.stringify({ op: 'subscribe', args: [{ channel: 'books', instId: 'BTC-USDT-SWAP' }, { channel: 'index-tickers', instId: 'BTC-USDT' }, { channel: 'mark-price', instId: 'BTC-USDT-SWAP' }] });
    const texts = await collect(url, 1_500, [subscribe, 'ping']);
    expect(texts).toContain('pong');
    expect(texts.filter((t) => t.startsWith('{"event":"subscribe"'))).toHaveLength(3);
    const events = mapAll(new OkxMapper(), 'okx', url, texts);
    const instrument = { venue: 'okx', symbol: 'BTC-USDT-SWAP', id: 'BTC-USDT-PERP', type: 'perpetual', base: 'BTC', quote: 'USDT', tickSize: 0.1, contractKind: 'linear', contractValue: 0.01 } as Instrument;
    const sync = new OkxBookSync(instrument);
    for (const e of events.filter(isBook)) sync.apply(e);
    expect(sync.valid).toBe(true);
    expect(sync.stats.checksumChecks).toBeGreaterThan(3);
    expect(sync.stats.checksumFailures).toBe(0);
    expect(events.some((e) => e.type === 'index_price')).toBe(true);
    const books = new OkxMapper().map(await restFrame('okx', `${u.okx.http}/api/v5/market/books?instId=BTC-USDT-SWAP&sz=400`));
    expect(books.kind === 'events' && books.events[0]!.type).toBe('book_snapshot');
  });

  it('carries the real live feeds: every book of every venue valid within seconds', async () => {
    const config = { ...CONFIG, exchanges: server.exchangesConfig(CONFIG.exchanges) };
    const pipeline = new SurveillancePipeline(pipelineSettingsFrom(config));
    const session = new LiveSession({ pipeline, sampleIntervalMs: 1_000, createFeeds: (sink) => createConfiguredFeeds(config, sink) });
    session.start();
    try {
      const deadline = Date.now() + 12_000;
      const valid = () => pipeline.instrumentStates().filter((s) => s.sync?.valid).length;
      while (valid() < 14 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
      expect(valid()).toBe(14);
      expect(pipeline.counters.rejected).toEqual({});
      expect(pipeline.directory.guessed.size).toBe(0);
    } finally {
      await session.stop();
    }
  });
});

describe('simulated exchange server (OKX 2026, disconnect)', () => {
  it('sends no socket snapshot and checksum 0; REST books carry seqId to align on', async () => {
    const server = await startSimServer({ scenario: 'calm', okxProtocol: '2026', tickMs: 20, alerts: CONFIG.alerts, staleTimeoutMs: 5_000 });
    try {
      const url = `${server.urls.okx.ws}/ws/v5/public`;
      const pending = collect(url, 1_200, [JSON.stringify({ op: 'subscribe', args: [{ channel: 'books', instId: 'ETH-USDT' }] })]);
      await new Promise((resolve) => setTimeout(resolve, 400));
      const rest = new OkxMapper().map(await restFrame('okx', `${server.urls.okx.http}/api/v5/market/books?instId=ETH-USDT&sz=400`));
      const texts = await pending;
      expect(texts.some((t) => t.includes('"action":"snapshot"'))).toBe(false);
      const events = mapAll(new OkxMapper(), 'okx', url, texts).filter(isBook);
      expect(events.every((e) => e.checksum === 0)).toBe(true);
      const instrument = { venue: 'okx', symbol: 'ETH-USDT', id: 'ETH-USDT-SPOT', type: 'spot', base: 'ETH', quote: 'USDT', tickSize: 0.01, contractKind: 'spot', contractValue: 1 } as Instrument;
      const sync = new OkxBookSync(instrument);
      const snapshot = rest.kind === 'events' ? (rest.events[0] as BookSnapshotEvent) : null;
      expect(snapshot?.seq.last).toBeGreaterThan(0);
      // Updates are buffered until the snapshot comes, then aligned on its seqId (as the feed does).
      for (const e of events) sync.apply(e);
      sync.apply(snapshot!);
      expect(sync.valid).toBe(true);
      expect(sync.stats.sequenceGaps).toBe(0);
    } finally {
      await server.close();
    }
  });

  it('runs OKX 2026 by default for silent_book_corruption (a demo needs no flag), legacy otherwise', async () => {
    const silent = await startSimServer({ schedule: [{ scenario: 'silent_book_corruption', injectAtMs: 40_000 }], tickMs: 20, alerts: CONFIG.alerts, staleTimeoutMs: 5_000 });
    const calm = await startSimServer({ scenario: 'calm', tickMs: 20, alerts: CONFIG.alerts, staleTimeoutMs: 5_000 });
    try {
      expect([silent.market.okxProtocol, calm.market.okxProtocol]).toEqual(['2026', 'legacy']);
      expect(silent.labels.injections[0]).toMatchObject({ venue: 'okx', instruments: ['BTC-USDT-PERP'], expectFeed: ['book_drift', 'resync'] });
    } finally {
      await Promise.all([silent.close(), calm.close()]);
    }
  });

  it('closes the venue sockets at a disconnect and refuses reconnects until it ends', async () => {
    const server = await startSimServer({ scenario: 'disconnect', venue: 'okx', injectAtMs: 500, injectForMs: 1_500, tickMs: 20, alerts: CONFIG.alerts, staleTimeoutMs: 5_000 });
    try {
      const ws = new WebSocket(`${server.urls.okx.ws}/ws/v5/public`);
      const closed = new Promise<void>((resolve) => ws.once('close', () => resolve()));
      await closed;
      const refused = await new Promise<boolean>((resolve) => {
        const again = new WebSocket(`${server.urls.okx.ws}/ws/v5/public`);
        again.once('open', () => resolve(false));
        again.once('error', () => resolve(true));
      });
      expect(refused).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      const texts = await collect(`${server.urls.okx.ws}/ws/v5/public`, 100, ['ping']);
      expect(texts).toContain('pong');
    } finally {
      await server.close();
    }
  });
});
