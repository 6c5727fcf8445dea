import type { RawFrame } from '../../src/engine/feed/raw-frame';
import { Broadcaster, LoopbackExchange } from './loopback-exchange';

/** A running loopback OKX exchange and how to take it down. */
export interface OkxLoop {
  readonly exchange: LoopbackExchange;
  close(): Promise<void>;
}

/**
 * An OKX exchange on 127.0.0.1 that plays a recording (the real UNI-USD-SWAP
 * one) to every subscriber, over and over: each pass starts with its socket
 * snapshot, so a subscriber always gets a consistent book. REST answers come
 * from the recording's rest frames.
 */
export async function startOkxLoop(frames: readonly RawFrame[], intervalMs = 20): Promise<OkxLoop> {
  const exchange = await LoopbackExchange.start();
  const wsFrames = frames.filter((f) => f.kind === 'ws').map((f) => f.data);
  const loops: Broadcaster[] = [];
  exchange.onMessage = (connection, text) => {
    if (!text.startsWith('{"op":"subscribe"')) return;
    const play = () => {
      if (connection.closed) return;
      const b = new Broadcaster(wsFrames, () => (connection.closed ? [] : [connection]), { intervalMs, perTick: 1 });
      loops.push(b);
      b.start();
      void b.done.then(play);
    };
    play();
  };
  exchange.rest = (url) => {
    const recorded = frames.find((f) => f.kind === 'rest' && f.url.endsWith(`${url.pathname}${url.search}`));
    return recorded && { body: recorded.data };
  };
  return {
    exchange,
    async close() {
      for (const b of loops) b.stop();
      await exchange.close();
    },
  };
}
