import { crc32, okxChecksumText } from '../venues/okx/okx-checksum';
import type { LevelChange } from './sim-book';
import { priceText, sizeText, type SimInstrument } from './sim-instruments';

/**
 * OKX v5 public wire formats: https://www.okx.com/docs-v5/en/
 * Two protocol variants, chosen per run:
 * - `legacy` (2022 to mid-2026): `books` starts with a socket snapshot
 *   (`prevSeqId` -1) and every message carries a real CRC32 checksum of the
 *   top 25 levels, so checksum verification is exercised.
 * - `2026`: no socket snapshot, checksum fixed at 0; clients take a REST
 *   `/api/v5/market/books` snapshot carrying `seqId` and align the stream on it.
 */
export type OkxProtocol = 'legacy' | '2026';

/** A book level on the wire: `[px, sz, "0", numOrders]`. */
export type OkxLevel = [string, string, string, string];

/** Orders behind a level: a plausible count that depends only on the size, so it is deterministic. */
function orderCount(lots: number): string {
  return lots <= 0 ? '0' : String(Math.min(60, 1 + Math.floor(Math.log2(1 + lots) / 1.5)));
}

/** Level changes as wire levels (deletes are `[px, "0", "0", "0"]`). */
export function okxLevels(instrument: SimInstrument, levels: readonly LevelChange[]): OkxLevel[] {
  return levels.map(([ticks, lots]) => [priceText(instrument, ticks), sizeText(instrument, lots), '0', orderCount(lots)]);
}

/** The checksum OKX sends for a book whose sides (best first) are these wire levels. */
export function okxChecksumOf(bids: readonly (readonly string[])[], asks: readonly (readonly string[])[]): number {
  const text = okxChecksumText(
    bids.slice(0, 25).map((level) => ({ priceText: level[0]!, sizeText: level[1]! })),
    asks.slice(0, 25).map((level) => ({ priceText: level[0]!, sizeText: level[1]! })),
  );
  return crc32(text);
}

/** One `books` push (snapshot or update). */
export function okxBooksPush(
  instId: string,
  action: 'snapshot' | 'update',
  asks: OkxLevel[],
  bids: OkxLevel[],
  ts: number,
  checksum: number,
  prevSeqId: number,
  seqId: number,
): string {
  return JSON.stringify({
    arg: { channel: 'books', instId },
    action,
    data: [{ asks, bids, ts: String(ts), checksum, prevSeqId, seqId }],
  });
}

/** REST `GET /api/v5/market/books` body (2026: carries `seqId`). */
export function okxRestBooks(asks: OkxLevel[], bids: OkxLevel[], ts: number, seqId: number): string {
  return JSON.stringify({ code: '0', msg: '', data: [{ asks, bids, ts: String(ts), seqId }] });
}

/** `tickers` push. */
export function okxTicker(
  instrument: SimInstrument,
  ts: number,
  last: string,
  bid: [string, string],
  ask: [string, string],
  open24h: string,
): string {
  return JSON.stringify({
    arg: { channel: 'tickers', instId: instrument.symbol },
    data: [
      {
        instType: instrument.type === 'spot' ? 'SPOT' : 'SWAP',
        instId: instrument.symbol,
        last,
        lastSz: sizeText(instrument, 1),
        askPx: ask[0],
        askSz: ask[1],
        bidPx: bid[0],
        bidSz: bid[1],
        open24h,
        high24h: open24h,
        low24h: open24h,
        volCcy24h: '0',
        vol24h: '0',
        sodUtc0: open24h,
        sodUtc8: open24h,
        ts: String(ts),
      },
    ],
  });
}

/** `mark-price` push. */
export function okxMarkPrice(instId: string, ts: number, markPx: string): string {
  return JSON.stringify({ arg: { channel: 'mark-price', instId }, data: [{ instType: 'SWAP', instId, markPx, ts: String(ts) }] });
}

/** `index-tickers` push (instId is the index, `BTC-USDT`). */
export function okxIndexTicker(index: string, ts: number, idxPx: string, open24h: string): string {
  return JSON.stringify({
    arg: { channel: 'index-tickers', instId: index },
    data: [{ instId: index, idxPx, high24h: open24h, low24h: open24h, open24h, sodUtc0: open24h, sodUtc8: open24h, ts: String(ts) }],
  });
}

/** `funding-rate` push: `fundingRate` settles at `fundingTime`, `nextFundingTime` is the settlement after. */
export function okxFundingRate(instId: string, ts: number, fundingRate: string, fundingTime: number, intervalMs: number): string {
  return JSON.stringify({
    arg: { channel: 'funding-rate', instId },
    data: [
      {
        formulaType: 'noRate',
        fundingRate,
        fundingTime: String(fundingTime),
        impactValue: '',
        instId,
        instType: 'SWAP',
        interestRate: '0.0001',
        maxFundingRate: '0.0075',
        method: 'current_period',
        minFundingRate: '-0.0075',
        nextFundingRate: '',
        nextFundingTime: String(fundingTime + intervalMs),
        premium: fundingRate,
        settFundingRate: fundingRate,
        settState: 'settled',
        ts: String(ts),
      },
    ],
  });
}

/** Subscription ack for one arg. */
export function okxSubscribeAck(arg: { readonly channel: string; readonly instId: string }, connId: string): string {
  return JSON.stringify({ event: 'subscribe', arg: { channel: arg.channel, instId: arg.instId }, connId });
}

/** Error event (unknown channel or instrument, bad request). */
export function okxError(code: string, msg: string, connId: string): string {
  return JSON.stringify({ event: 'error', code, msg, connId });
}

function instrumentEntry(instrument: SimInstrument): object {
  const tickSz = priceText(instrument, 1);
  const lotSz = sizeText(instrument, 1);
  const common = { alias: '', category: '1', expTime: '', listTime: '1606468572000', lotSz, minSz: lotSz, state: 'live', tickSz };
  if (instrument.type === 'spot') {
    return {
      ...common,
      baseCcy: instrument.base,
      ctMult: '',
      ctType: '',
      ctVal: '',
      ctValCcy: '',
      instFamily: '',
      instId: instrument.symbol,
      instType: 'SPOT',
      lever: '10',
      maxLmtSz: '9999999999',
      quoteCcy: instrument.quote,
      settleCcy: '',
      uly: '',
    };
  }
  return {
    ...common,
    baseCcy: '',
    ctMult: '1',
    ctType: 'linear',
    ctVal: String(instrument.contractValue),
    ctValCcy: instrument.base,
    instFamily: instrument.index ?? '',
    instId: instrument.symbol,
    instType: 'SWAP',
    lever: '100',
    maxLmtSz: '100000000',
    quoteCcy: '',
    settleCcy: instrument.quote,
    uly: instrument.index ?? '',
  };
}

/** REST `GET /api/v5/public/instruments?instType=...` body. */
export function okxInstruments(instruments: readonly SimInstrument[]): string {
  return JSON.stringify({ code: '0', msg: '', data: instruments.map(instrumentEntry) });
}
