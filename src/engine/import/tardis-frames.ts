import type { RawLevel, VenueId } from '../../shared/core/model';
import type { RawFrame } from '../feed/raw-frame';
import type { ReasonTally } from './import-tally';
import type { BookRecord, DerivativeRecord, ImportRecord, QuoteRecord } from './import-records';

/**
 * Tardis.dev records -> capture frames in the venue's own wire form, so that
 * an import is replayed through the real venue mappers and book syncs:
 *
 * - Binance spot / USD-M: a book snapshot is a REST depth body
 *   (`{"lastUpdateId", "bids", "asks"}`), a change is a `depthUpdate` on a
 *   combined stream, quotes are `bookTicker`, derivative tickers are
 *   `markPriceUpdate` (USD-M only).
 *   https://developers.binance.com/docs/binance-spot-api-docs/web-socket-streams
 * - OKX v5: `books` pushes with `action` snapshot / update, quotes are
 *   `tickers`, derivative tickers are `mark-price`, `funding-rate` and
 *   `index-tickers` pushes. https://www.okx.com/docs-v5/en/#order-book-trading-market-data-ws-order-book-channel
 *
 * Tardis rows carry no venue sequence numbers. The ids in these frames are
 * the importer's own, consecutive per book, so the sync's sequence check can
 * never see a gap of the venue's: an imported capture cannot show one. The
 * importer breaks its own chain on purpose where it refused a row of a book
 * (a frame with no levels whose id skips one): the sync then sees a gap,
 * marks the book invalid, and the next snapshot rebuilds it (a resync), as a
 * live feed does after a lost message. Between that break and the next
 * snapshot the book's rows are skipped (counted), since no book can take them.
 * No checksum is written (OKX's needs the venue's own book).
 *
 * Every frame's URL starts `tardis://<exchange>/`, so a capture says where
 * its frames came from.
 */

/** Per-book importer state. */
interface Chain {
  /** Last id handed out. */
  seq: number;
  /** A snapshot has started the book and no refused row has broken it since. */
  live: boolean;
  /** Broken by a refused row (rows are skipped until the next snapshot). */
  broken: boolean;
  readonly dataset: string;
}

/** What a book saw, for the summary. */
export interface ImportedBook {
  readonly venue: VenueId;
  readonly symbol: string;
  readonly dataset: string;
  snapshots: number;
  updates: number;
  /** Breaks written where the import refused a row of this book. */
  breaks: number;
}

const OKX_WS = 'books';

export class TardisFrames {
  private readonly chains = new Map<string, Chain>();
  readonly books = new Map<string, ImportedBook>();

  constructor(private readonly skipped: ReasonTally) {}

  /** The frames of one record (none when it is skipped, counted in `skipped`). */
  frames(record: ImportRecord, out: RawFrame[]): void {
    switch (record.kind) {
      case 'book':
        return this.book(record, out);
      case 'book_break':
        return this.bookBreak(record, out);
      case 'quote':
        out.push(quoteFrame(record));
        return;
      case 'derivative':
        return derivativeFrames(record, out, this.skipped);
    }
  }

  private chainFor(record: BookRecord | ImportRecord & { readonly dataset: string }): Chain | null {
    const key = `${record.venue}:${record.symbol}`;
    let chain = this.chains.get(key);
    if (!chain) {
      this.chains.set(key, (chain = { seq: 0, live: false, broken: false, dataset: record.dataset }));
      this.books.set(key, { venue: record.venue, symbol: record.symbol, dataset: record.dataset, snapshots: 0, updates: 0, breaks: 0 });
    }
    if (chain.dataset !== record.dataset) {
      this.skipped.add('book_from_two_datasets', record.file, record.line, `${record.symbol} on ${record.venue} is built from ${chain.dataset}; rows of ${record.dataset} for it are left out`);
      return null;
    }
    return chain;
  }

  private book(record: BookRecord, out: RawFrame[]): void {
    const chain = this.chainFor(record);
    if (!chain) return;
    const stats = this.books.get(`${record.venue}:${record.symbol}`)!;
    if (record.snapshot) {
      chain.seq += 1;
      chain.live = true;
      chain.broken = false;
      stats.snapshots++;
      out.push(snapshotFrame(record, chain.seq));
      return;
    }
    if (!chain.live) {
      const reason = chain.broken ? 'book_waiting_for_snapshot' : 'before_first_snapshot';
      this.skipped.addMany(reason, record.rows, record.file, record.line, `${record.symbol}: ${record.rows} rows of an update ${chain.broken ? 'after a refused row, before the next snapshot' : 'before any snapshot of the book'}`);
      return;
    }
    const prev = chain.seq;
    chain.seq += 1;
    stats.updates++;
    out.push(deltaFrame(record, record.bids, record.asks, chain.seq, prev));
  }

  private bookBreak(record: Extract<ImportRecord, { kind: 'book_break' }>, out: RawFrame[]): void {
    const chain = this.chainFor(record);
    if (!chain) return;
    if (!chain.live) {
      // No book to break (its snapshot was the refused message): its updates wait for the next snapshot.
      chain.broken = true;
      return;
    }
    // Skip one id: the empty frame after it does not chain on the book, which the sync reads as a gap.
    const skippedId = chain.seq + 1;
    chain.seq = skippedId + 1;
    chain.live = false;
    chain.broken = true;
    this.books.get(`${record.venue}:${record.symbol}`)!.breaks++;
    out.push(deltaFrame({ ...record, exchangeTime: undefined }, [], [], chain.seq, skippedId));
  }
}

/** `[["p","s"],...]`; prices and sizes were checked as decimals, so no escaping is needed. */
function levelsJson(levels: readonly RawLevel[], okx: boolean): string {
  let s = '[';
  for (let i = 0; i < levels.length; i++) {
    const [p, q] = levels[i]!;
    s += `${i === 0 ? '' : ','}["${p}","${q}"${okx ? ',"0","0"' : ''}]`;
  }
  return `${s}]`;
}

const isBinance = (venue: VenueId): boolean => venue === 'binance-spot' || venue === 'binance-usdm' || venue === 'binance-coinm';

/** Binance's REST depth path of each market, as the venue's own snapshots are fetched. */
const BINANCE_DEPTH_PATH: Readonly<Partial<Record<VenueId, string>>> = { 'binance-spot': '/api/v3/depth', 'binance-usdm': '/fapi/v1/depth', 'binance-coinm': '/dapi/v1/depth' };

function wsUrl(record: { readonly exchange: string }, dataset: string): string {
  return `tardis://${record.exchange}/${dataset}`;
}

function snapshotFrame(record: BookRecord, id: number): RawFrame {
  if (isBinance(record.venue)) {
    const path = BINANCE_DEPTH_PATH[record.venue]!;
    const time = record.exchangeTime === undefined ? '' : `"E":${record.exchangeTime},`;
    return {
      t: record.t,
      venue: record.venue,
      kind: 'rest',
      url: `tardis://${record.exchange}${path}?symbol=${encodeURIComponent(record.symbol)}&dataset=${record.dataset}`,
      data: `{"lastUpdateId":${id},${time}"bids":${levelsJson(record.bids, false)},"asks":${levelsJson(record.asks, false)}}`,
    };
  }
  return okxBook(record, 'snapshot', record.bids, record.asks, id, -1);
}

function deltaFrame(
  record: Pick<BookRecord, 't' | 'venue' | 'exchange' | 'symbol' | 'exchangeTime' | 'dataset'>,
  bids: readonly RawLevel[],
  asks: readonly RawLevel[],
  id: number,
  prev: number,
): RawFrame {
  if (isBinance(record.venue)) {
    const stream = `${record.symbol.toLowerCase()}@depth@100ms`;
    const time = record.exchangeTime === undefined ? '' : `"E":${record.exchangeTime},`;
    // Spot chains by U = previous u + 1; USD-M and COIN-M by pu = previous u.
    const chain = record.venue !== 'binance-spot' ? `"U":${id},"u":${id},"pu":${prev}` : `"U":${id},"u":${id}`;
    return {
      t: record.t,
      venue: record.venue,
      kind: 'ws',
      url: wsUrl(record, record.dataset),
      data: `{"stream":"${stream}","data":{"e":"depthUpdate",${time}"s":${JSON.stringify(record.symbol)},${chain},"b":${levelsJson(bids, false)},"a":${levelsJson(asks, false)}}}`,
    };
  }
  return okxBook(record, 'update', bids, asks, id, prev);
}

function okxBook(
  record: Pick<BookRecord, 't' | 'venue' | 'exchange' | 'symbol' | 'exchangeTime' | 'dataset'>,
  action: 'snapshot' | 'update',
  bids: readonly RawLevel[],
  asks: readonly RawLevel[],
  id: number,
  prev: number,
): RawFrame {
  const ts = record.exchangeTime === undefined ? '' : `,"ts":"${record.exchangeTime}"`;
  return {
    t: record.t,
    venue: record.venue,
    kind: 'ws',
    url: wsUrl(record, record.dataset),
    data: `{"arg":{"channel":"${OKX_WS}","instId":${JSON.stringify(record.symbol)}},"action":"${action}","data":[{"asks":${levelsJson(asks, true)},"bids":${levelsJson(bids, true)}${ts},"seqId":${id},"prevSeqId":${prev}}]}`,
  };
}

function quoteFrame(record: QuoteRecord): RawFrame {
  const url = wsUrl(record, 'quotes');
  if (isBinance(record.venue)) {
    const time = record.exchangeTime === undefined ? '' : `,"E":${record.exchangeTime}`;
    return {
      t: record.t,
      venue: record.venue,
      kind: 'ws',
      url,
      data: `{"stream":"${record.symbol.toLowerCase()}@bookTicker","data":{"s":${JSON.stringify(record.symbol)},"b":"${record.bidPrice}","B":"${record.bidAmount}","a":"${record.askPrice}","A":"${record.askAmount}"${time}}}`,
    };
  }
  const ts = record.exchangeTime === undefined ? '' : `,"ts":"${record.exchangeTime}"`;
  return {
    t: record.t,
    venue: record.venue,
    kind: 'ws',
    url,
    data: `{"arg":{"channel":"tickers","instId":${JSON.stringify(record.symbol)}},"data":[{"instId":${JSON.stringify(record.symbol)},"bidPx":"${record.bidPrice}","bidSz":"${record.bidAmount}","askPx":"${record.askPrice}","askSz":"${record.askAmount}"${ts}}]}`,
  };
}

function derivativeFrames(record: DerivativeRecord, out: RawFrame[], skipped: ReasonTally): void {
  const url = wsUrl(record, 'derivative_ticker');
  const symbol = JSON.stringify(record.symbol);
  if (record.venue === 'binance-spot') {
    skipped.add('derivative_ticker_for_spot', record.file, record.line, `${record.symbol}: Binance spot has no mark price or funding`);
    return;
  }
  if (record.markPrice === undefined && record.indexPrice === undefined && record.fundingRate === undefined) {
    skipped.add('no_value_used', record.file, record.line, `${record.symbol}: no mark price, index price or funding rate in the row`);
    return;
  }
  if (record.venue === 'binance-usdm' || record.venue === 'binance-coinm') {
    // COIN-M's markPrice stream has USD-M's fields (and an estimated settle price the importer has no column for).
    const fields = [`"e":"markPriceUpdate"`];
    if (record.exchangeTime !== undefined) fields.push(`"E":${record.exchangeTime}`);
    fields.push(`"s":${symbol}`);
    if (record.markPrice !== undefined) fields.push(`"p":"${record.markPrice}"`);
    if (record.indexPrice !== undefined) fields.push(`"i":"${record.indexPrice}"`);
    if (record.fundingRate !== undefined) fields.push(`"r":"${record.fundingRate}"`);
    if (record.fundingTime !== undefined) fields.push(`"T":${record.fundingTime}`);
    out.push({ t: record.t, venue: record.venue, kind: 'ws', url, data: `{"stream":"${record.symbol.toLowerCase()}@markPrice","data":{${fields.join(',')}}}` });
    return;
  }
  const ts = record.exchangeTime === undefined ? '' : `,"ts":"${record.exchangeTime}"`;
  if (record.markPrice !== undefined) {
    out.push({ t: record.t, venue: record.venue, kind: 'ws', url, data: `{"arg":{"channel":"mark-price","instId":${symbol}},"data":[{"instId":${symbol},"markPx":"${record.markPrice}"${ts}}]}` });
  }
  if (record.fundingRate !== undefined) {
    const next = record.fundingTime === undefined ? '' : `,"fundingTime":"${record.fundingTime}"`;
    out.push({ t: record.t, venue: record.venue, kind: 'ws', url, data: `{"arg":{"channel":"funding-rate","instId":${symbol}},"data":[{"instId":${symbol},"fundingRate":"${record.fundingRate}"${next}${ts}}]}` });
  }
  if (record.indexPrice !== undefined) {
    // OKX publishes an index apart, under its underlying (`BTC-USDT` for BTC-USDT-SWAP and BTC-USDT-240628).
    const underlying = JSON.stringify(record.symbol.split('-').slice(0, 2).join('-'));
    out.push({ t: record.t, venue: record.venue, kind: 'ws', url, data: `{"arg":{"channel":"index-tickers","instId":${underlying}},"data":[{"instId":${underlying},"idxPx":"${record.indexPrice}"${ts}}]}` });
  }
}
