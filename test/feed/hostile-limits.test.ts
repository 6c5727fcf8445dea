import { afterEach, describe, expect, it } from 'vitest';
import { readCaptureFrames } from '../../src/engine/capture/capture-reader';
import { LiveSession } from '../../src/engine/live/live-session';
import { BinanceFeed } from '../../src/engine/venues/binance';
import { OkxFeed } from '../../src/engine/venues/okx';
import type { RawFrame } from '../../src/engine/feed/raw-frame';
import { LoopbackExchange, loopbackConfig, loopbackPipeline, syncOf, waitFor } from '../support/loopback-exchange';
import { REAL, realRecording } from '../support/shared-data';

/** Issue 10 item 6, live: hostile loopback servers against the real feeds, REST client and managed sockets. */

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function exchange(): Promise<LoopbackExchange> {
  const ex = await LoopbackExchange.start();
  cleanups.push(() => ex.close());
  return ex;
}

describe('limits against a hostile exchange', () => {
  it('an endless snapshot body is aborted at limits.rest_body_bytes and counted; the server stops at about the limit', async () => {
    const ex = await exchange();
    let sent = 0;
    let ended = false;
    ex.restRaw = (url, res) => {
      if (!url.pathname.endsWith('/api/v3/depth')) return false;
      res.writeHead(200, { 'content-type': 'application/json' });
      const chunk = `${'["0.35","1"],'.repeat(5_000)}`;
      res.write('{"lastUpdateId":1,"bids":[');
      const pump = (): void => {
        while (!res.destroyed && sent < 512 * 1024 * 1024) {
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        ended = true;
      };
      res.on('close', () => (ended = true));
      pump();
      return true;
    };
    const frames: RawFrame[] = [];
    const feed = new BinanceFeed('spot', {
      subscriptions: [{ symbol: 'NKNUSDT', depthStream: 'diff', index: null }],
      exchanges: loopbackConfig(ex).exchanges,
      limits: { restBodyBytes: 1024 * 1024 },
      sink: { onFrame: (frame) => frames.push(frame) },
    });
    cleanups.push(() => feed.stop());
    feed.start();
    // Snapshots are fetched for books on a connected socket only.
    await waitFor(() => feed.status().connections.every((c) => c.state === 'connected'), 'the socket to connect', 10_000);
    feed.requestSnapshot('NKNUSDT');
    await waitFor(() => feed.status().snapshotsFailed === 1, 'the snapshot request to fail', 10_000);
    expect(feed.status().tooLarge).toBe(1);
    expect(frames.filter((f) => f.url.includes('/depth'))).toEqual([]);
    await waitFor(() => ended, 'the server to see the connection close', 10_000);
    // Socket buffers on both sides hold a few MB at most: far from the 512 MB the server would send.
    expect(sent).toBeLessThan(64 * 1024 * 1024);
  });

  it('a WebSocket message over limits.ws_max_payload_bytes closes the socket, is counted, and the feed reconnects', async () => {
    const ex = await exchange();
    let first = true;
    ex.onConnection = (connection) => {
      if (!first) return;
      first = false;
      connection.send(`{"event":"x","pad":"${'x'.repeat(100_000)}"}`);
    };
    const frames: RawFrame[] = [];
    const feed = new OkxFeed({
      subscriptions: [{ symbol: 'UNI-USD-SWAP', depthStream: null, index: null }],
      exchanges: loopbackConfig(ex).exchanges,
      limits: { wsMaxPayloadBytes: 65_536 },
      sink: { onFrame: (frame) => frames.push(frame) },
    });
    cleanups.push(() => feed.stop());
    feed.start();
    await waitFor(() => (feed.status().tooLarge ?? 0) === 1, 'the oversized message to be refused', 10_000);
    await waitFor(() => ex.open().length === 1 && ex.connections.length === 2, 'a reconnect', 10_000);
    expect(ex.connections[0]!.closed).toBe(true);
    expect(frames.filter((f) => f.kind === 'ws' && f.data.length > 65_536)).toEqual([]);
    // The error a connection shows in the feed view says which limit closed it.
    const connection = feed.status().connections[0]!;
    expect(connection.lastError).toContain('limits.ws_max_payload_bytes');
  });

  it('live: a 5,000-deep frame is counted as too_deep and an update with price 0 invalidates the book, which resyncs from REST', async () => {
    const recorded = await readCaptureFrames(realRecording(REAL.okx));
    const snapshot = recorded.find((f) => f.data.includes('"action":"snapshot"'))!.data;
    const update = recorded.find((f) => f.data.includes('"action":"update"') && f.data.includes('"bids":[["'))!.data;
    const at = update.indexOf('"bids":[["') + 10;
    const zeroPrice = `${update.slice(0, at)}0${update.slice(update.indexOf('"', at))}`;
    const ex = await exchange();
    ex.onMessage = (connection, text) => {
      if (!text.includes('"books"')) return;
      connection.send(snapshot);
      connection.send('['.repeat(5_000) + ']'.repeat(5_000));
      connection.send(zeroPrice);
    };
    const config = loopbackConfig(ex);
    const pipeline = loopbackPipeline(config);
    const session = new LiveSession({
      pipeline,
      sampleIntervalMs: 1000,
      createFeeds: (sink) => [
        new OkxFeed({ subscriptions: [{ symbol: 'UNI-USD-SWAP', depthStream: 'diff', index: null }], exchanges: config.exchanges, sink, tuning: { snapshotGraceMs: 50 } }),
      ],
    });
    session.start();
    cleanups.push(() => session.stop());
    await waitFor(() => (pipeline.books.counters.rejected.bad_number ?? 0) === 1, 'the zero price to be refused', 10_000);
    // (http_error: the loopback exchange answers the instruments request with 404.)
    expect(pipeline.books.counters.rejected).toMatchObject({ too_deep: 1, bad_number: 1 });
    expect(syncOf(pipeline, 'okx', 'UNI-USD-SWAP')!.valid).toBe(false);
    // Live, an invalid book wants a snapshot and the feed fetches one.
    await waitFor(() => ex.requests.some((r) => r.path.startsWith('/api/v5/market/books')), 'a REST snapshot request', 10_000);
  });
});
