import type { RawFrame } from '../../src/engine/feed/raw-frame';

// An independent Tardis.dev writer for the tests: real capture frames ->
// incremental_book_L2 rows as documented
// (https://docs.tardis.dev/downloadable-csv-files/data-types), built the way
// Tardis describes building them: the venue's snapshot as is_snapshot=true
// rows, then every update applied after it, each message's rows sharing its
// local_timestamp. It reads the raw JSON itself; nothing of the importer or
// of the venue mappers is used.

export const INCREMENTAL_HEADER = 'exchange,symbol,timestamp,local_timestamp,is_snapshot,side,price,amount';

type Level = [string, string, ...string[]];

/** Receive time (ms, as in the capture) -> Tardis microseconds. */
export const micros = (t: number): number => Math.round(t * 1000);

interface BinanceDiff {
  t: number;
  E: number;
  U: number;
  u: number;
  b: Level[];
  a: Level[];
}

/**
 * Binance (spot, USD-M or COIN-M) diff depth + REST snapshots -> rows. Per Binance's
 * procedure: diffs before the symbol's first snapshot wait; at a snapshot,
 * those with u <= lastUpdateId are dropped and the rest follow the snapshot at
 * its time; later diffs with u <= the latest snapshot id are dropped.
 */
export function binanceToTardis(frames: readonly RawFrame[], exchange: string, symbols: readonly string[]): string[] {
  const rows: string[] = [];
  const waiting = new Map<string, BinanceDiff[]>();
  const snapshotId = new Map<string, number>();
  const emit = (symbol: string, t: number, E: number | undefined, snapshot: boolean, bids: Level[], asks: Level[]): void => {
    const local = micros(t);
    const ts = E === undefined ? local : E * 1000;
    for (const [p, q] of bids) rows.push(`${exchange},${symbol},${ts},${local},${snapshot},bid,${p},${q}`);
    for (const [p, q] of asks) rows.push(`${exchange},${symbol},${ts},${local},${snapshot},ask,${p},${q}`);
  };
  for (const frame of frames) {
    if (frame.kind === 'rest') {
      const m = /\/(api\/v3|fapi\/v1|dapi\/v1)\/depth\?symbol=([A-Z0-9_]+)/.exec(frame.url);
      if (!m || !symbols.includes(m[2]!)) continue;
      const symbol = m[2]!;
      const body = JSON.parse(frame.data) as { lastUpdateId: number; bids: Level[]; asks: Level[] };
      emit(symbol, frame.t, undefined, true, body.bids, body.asks);
      snapshotId.set(symbol, body.lastUpdateId);
      for (const diff of waiting.get(symbol) ?? []) {
        if (diff.u > body.lastUpdateId) emit(symbol, frame.t, diff.E, false, diff.b, diff.a);
      }
      waiting.delete(symbol);
      continue;
    }
    const message = JSON.parse(frame.data) as { stream?: string; data?: { e?: string; s?: string; E: number; U: number; u: number; b: Level[]; a: Level[] } };
    const d = message.data;
    if (!d || d.e !== 'depthUpdate' || !d.s || !symbols.includes(d.s) || !/@depth(@|$)/.test(message.stream ?? '')) continue;
    const id = snapshotId.get(d.s);
    if (id === undefined) {
      const list = waiting.get(d.s) ?? [];
      list.push({ t: frame.t, E: d.E, U: d.U, u: d.u, b: d.b, a: d.a });
      waiting.set(d.s, list);
      continue;
    }
    if (d.u <= id) continue;
    emit(d.s, frame.t, d.E, false, d.b, d.a);
  }
  return rows;
}

/** OKX v5 `books` snapshot and update pushes -> rows. */
export function okxToTardis(frames: readonly RawFrame[], exchange: string): string[] {
  const rows: string[] = [];
  for (const frame of frames) {
    if (frame.kind !== 'ws' || !frame.data.startsWith('{')) continue;
    const message = JSON.parse(frame.data) as { arg?: { channel?: string; instId?: string }; action?: string; data?: { bids: Level[]; asks: Level[]; ts: string }[] };
    if (message.arg?.channel !== 'books' || !message.data) continue;
    const snapshot = message.action === 'snapshot';
    for (const entry of message.data) {
      const local = micros(frame.t);
      const ts = Number(entry.ts) * 1000;
      for (const [p, q] of entry.bids) rows.push(`${exchange},${message.arg.instId},${ts},${local},${snapshot},bid,${p},${q}`);
      for (const [p, q] of entry.asks) rows.push(`${exchange},${message.arg.instId},${ts},${local},${snapshot},ask,${p},${q}`);
    }
  }
  return rows;
}
