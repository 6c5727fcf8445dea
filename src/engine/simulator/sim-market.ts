import { coinmBookTicker, coinmDepthSnapshot, coinmDepthUpdate, coinmPair } from './binance-coinm-protocol';
import { binanceBookTicker, binanceCombined, binanceDepthSnapshot, binanceDepthUpdate, binanceLevels, binanceMarkPrice, binanceStream } from './binance-protocol';
import { bybitBookPush, bybitBookTopic, bybitChangedFields, bybitLevels, bybitRestBook, bybitTickerFields, bybitTickerPush, bybitTickerTopic, type BybitTickerFields } from './bybit-protocol';
import { assetRank, extraAssetProfiles, FairValueProcess, type SimAsset } from './fair-value';
import { okxBooksPush, okxChecksumOf, okxLevels, okxRestBooks, okxTicker, type OkxLevel, type OkxProtocol } from './okx-protocol';
import { Prng } from './prng';
import type { ScenarioEffects } from './scenario-effects';
import { SimBook, type BookChanges } from './sim-book';
import { instrumentsOf, roundedPriceText, simInstruments, tickOf, type SimInstrument, type SimVenue } from './sim-instruments';
import { SimReference, type ReferenceTexts } from './sim-reference';
import { traitsOf } from './sim-venues';
import type { TickerInputs } from './sim-tickers';

/**
 * Which socket endpoint carries a message: Binance spot, USD-M `/public` or
 * `/market`, COIN-M dstream, OKX public, Bybit's spot, linear and inverse sockets.
 */
export type Endpoint = 'spot' | 'public' | 'market' | 'dstream' | 'okx' | 'bybit-spot' | 'linear' | 'inverse';

/** The endpoint that carries a listing's book (and top-of-book) messages. */
export function bookEndpoint(instrument: SimInstrument): Endpoint {
  switch (instrument.venue) {
    case 'binance-spot':
      return 'spot';
    case 'binance-usdm':
      return 'public';
    case 'binance-coinm':
      return 'dstream';
    case 'okx':
      return 'okx';
    case 'bybit':
      return instrument.category === 'spot' ? 'bybit-spot' : instrument.category === 'inverse' ? 'inverse' : 'linear';
  }
}

/** One message the simulated exchanges publish. */
export interface Emission {
  readonly venue: SimVenue;
  readonly endpoint: Endpoint;
  /** Binance stream name (`btcusdt@depth@100ms`), OKX `channel:instId`, Bybit topic (`orderbook.1000.BTCUSDT`). */
  readonly stream: string;
  readonly symbol: string;
  readonly kind: 'depth' | 'quote' | 'mark' | 'index' | 'funding';
  /** Exchange event time, epoch ms. */
  readonly time: number;
  readonly text: string;
  /** Produced (its sequence ids used up) but never delivered: a sequence gap. */
  readonly dropped?: boolean;
  /** Sent with a wrong checksum. */
  readonly corrupt?: boolean;
  /** Sent with a wrong best-bid size and consistent sequence numbers (silent_book_corruption). */
  readonly silentlyCorrupt?: boolean;
}

/** One listing's book and its sequence state. */
export interface SimListing {
  readonly instrument: SimInstrument;
  readonly book: SimBook;
  readonly rng: Prng;
  nextDue: number;
  /** Binance `u` of the last diff, OKX `seqId` of the last message, Bybit `u` of the last push. */
  lastId: number;
  lastQuoteAt: number;
  lastTop: string;
  /** Where this listing starts on the low-discrepancy sequence of forced spreads. */
  readonly spreadPhase: number;
  /** Chance that a 100 ms slot changes the book: the venue's rate times the asset's activity. */
  readonly updateProbability: number;
}

/** Golden-ratio stride: consecutive seconds visit the spread range evenly, in a jumpy order. */
const GOLDEN = 0.6180339887498949;

/** Book updates come on a 100 ms grid (Binance `@depth@100ms`, OKX `books`); not every tick changes something. */
const CADENCE_MS = 100;

/**
 * How often an asset's books change relative to the majors: a long-tail
 * book changes a few times a second at most, not every 100 ms. Falls with
 * the asset's volume rank past the top 20, floored so even the quietest
 * book moves about twice a second. (BTC and ETH, and so a default run, are
 * unaffected.)
 */
function bookActivity(asset: string): number {
  return Math.max(0.3, Math.min(1, 20 / assetRank(asset)));
}

export interface SimMarketOptions {
  readonly seed: number;
  readonly startTime: number;
  readonly effects: ScenarioEffects;
  readonly okxProtocol: OkxProtocol;
  /** Synthetic assets listed beside BTC and ETH, four listings each (default 0). */
  readonly extraAssets?: number;
}

/**
 * The simulated exchanges: one fair value per asset, every listing's book
 * built around it with the venue's own offsets, sequence numbers and
 * checksums, and the scenario's effects applied. `step(now)` moves time on
 * and returns what the venues publish; capture and live server alike
 * deliver those messages, so both see the same market.
 */
export class SimMarket {
  /** Every listing of this run: the eight BTC/ETH ones, then the synthetic assets'. */
  readonly instruments: readonly SimInstrument[];
  readonly listings: SimListing[];
  readonly reference: SimReference;
  private readonly fair: FairValueProcess;
  private readonly effects: ScenarioEffects;
  private readonly byVenueSymbol = new Map<string, SimListing>();
  private usdmCounter: number;
  /** COIN-M's update ids, shared by its symbols as USD-M's are (the real frames show one counter). */
  private coinmCounter: number;
  /** Bybit's cross sequence (`seq`), one counter for the venue. */
  private bybitSeq: number;
  /** Bybit tickers as last published per listing: a subscribe gets them whole, a change goes out as a delta of what differs. */
  private readonly bybitTickers = new Map<SimListing, BybitTickerFields>();
  private lastStep: number;

  constructor(readonly options: SimMarketOptions) {
    const root = new Prng(options.seed, 'market');
    this.effects = options.effects;
    const extraAssets = options.extraAssets ?? 0;
    this.instruments = simInstruments(extraAssets);
    this.fair = new FairValueProcess(root.fork('fair'), options.effects.plan.regime, extraAssetProfiles(extraAssets));
    this.reference = new SimReference(root.fork('reference'), this.fair, options.effects, options.startTime, this.instruments);
    this.lastStep = options.startTime;
    this.usdmCounter = 6_000_000_000_000 + root.int(0, 1e9);
    // Forked streams: the venues added later draw nothing from the root the others read.
    this.coinmCounter = 160_000_000_000 + root.fork('coinm').int(0, 1e9);
    this.bybitSeq = 20_000_000_000 + root.fork('bybit').int(0, 1e9);
    this.listings = this.instruments.map((instrument, index) => {
      const rng = root.fork(`book/${instrument.venue}/${instrument.symbol}`);
      const midTicks = this.targetMid(instrument, options.startTime) / tickOf(instrument);
      const wire = traitsOf(instrument.venue).wire;
      const firstId = wire === 'okx' ? 10_000_000_000 + rng.int(0, 1e9) : wire === 'bybit' ? 1_000_000 + rng.int(0, 1e8) : 40_000_000_000 + rng.int(0, 1e10);
      return {
        instrument,
        book: new SimBook(instrument, rng, midTicks, 1),
        rng,
        // Listings tick at different offsets inside the 100 ms grid, as independent engines do.
        nextDue: options.startTime + ((index * 37) % CADENCE_MS),
        lastId: firstId,
        lastQuoteAt: -Infinity,
        lastTop: '',
        spreadPhase: rng.next(),
        updateProbability: traitsOf(instrument.venue).updateProbability * bookActivity(instrument.base),
      };
    });
    for (const listing of this.listings) this.byVenueSymbol.set(`${listing.instrument.venue}:${listing.instrument.symbol}`, listing);
    for (const listing of this.listings) if (traitsOf(listing.instrument.venue).wire === 'bybit') this.bybitTickers.set(listing, this.bybitFieldsNow(listing, options.startTime, null));
    this.reference.onReference = (instrument, time, r, out) => this.bybitReference(instrument, time, r, out);
  }

  get okxProtocol(): OkxProtocol {
    return this.options.okxProtocol;
  }

  /** The listings of one venue in this run, in list order. */
  instrumentsOf(venue: SimVenue): SimInstrument[] {
    return instrumentsOf(venue, this.instruments);
  }

  /** The listing of a venue symbol. */
  listing(venue: SimVenue, symbol: string): SimListing | undefined {
    // A map, not a scan: REST snapshots and socket subscriptions look listings up by symbol, and runs may hold hundreds.
    return this.byVenueSymbol.get(`${venue}:${symbol}`);
  }

  /** Moves the market to `now` and returns what the venues published meanwhile, in time order. */
  step(now: number): Emission[] {
    const out: Emission[] = [];
    this.fair.step(now - this.lastStep);
    this.lastStep = now;
    for (const listing of this.listings) {
      // A stalled server or event loop: skip ahead rather than replaying every missed tick.
      if (now - listing.nextDue > 1_000) listing.nextDue = now - (now % CADENCE_MS);
      while (listing.nextDue <= now) {
        const due = listing.nextDue;
        listing.nextDue += CADENCE_MS;
        if (this.effects.silent(listing.instrument.venue, due)) continue;
        if (!listing.rng.chance(listing.updateProbability)) continue;
        this.updateBook(listing, due, out);
      }
    }
    this.reference.step(now, out);
    out.sort((a, b) => a.time - b.time);
    return out;
  }

  /** Mid the book of a listing aims at: fair value plus venue offsets (plus a basis shift). */
  private targetMid(instrument: SimInstrument, time: number): number {
    const fair = this.fair.price(instrument.base);
    let bps = this.reference.spotOffsetBps(instrument.venue, instrument.base);
    if (instrument.type === 'perpetual') {
      bps += this.reference.premiumBps(instrument.venue, instrument.base) + this.effects.basisShiftBps(instrument.venue, instrument.id, time);
    }
    return fair * (1 + bps / 1e4);
  }

  private spreadTicks(listing: SimListing, midTicks: number, time: number): number {
    const { instrument, rng } = listing;
    const range = this.effects.spreadBps(instrument.venue, instrument.id, time);
    if (range !== null) {
      // A forced spread is re-quoted once a second along a golden-ratio sequence
      // (with a little noise), arcsine-shaped: wide and jumpy, yet any 30
      // consecutive seconds cover the range evenly and no value lies more than
      // ~1.5 sd from the mean. i.i.d. draws would let a 30-sample z-score
      // window (the warmup) now and then see an ordinary value as a 2-sigma
      // outlier; a blowout, judged against a calm window, does not care.
      const second = Math.floor(time / 1_000);
      const u = Math.min(1, Math.max(0, ((second * GOLDEN + listing.spreadPhase) % 1) + rng.uniform(-0.03, 0.03)));
      const x = (1 - Math.cos(Math.PI * u)) / 2;
      return Math.max(1, Math.round(((range[0] + (range[1] - range[0]) * x) / 1e4) * midTicks));
    }
    return this.fair.regime === 'calm' ? (rng.chance(0.75) ? 1 : 2) : rng.int(1, 3);
  }

  private updateBook(listing: SimListing, time: number, out: Emission[]): void {
    const { instrument } = listing;
    const midTicks = this.targetMid(instrument, time) / tickOf(instrument);
    const changes = listing.book.update({
      midTicks,
      spreadTicks: this.spreadTicks(listing, midTicks, time),
      nearDepthFactor: this.effects.depthFactor(instrument.venue, instrument.id, time),
      churn: 0.7,
    });
    if (changes.bids.length === 0 && changes.asks.length === 0) return;
    const dropped = this.effects.takeDrop(instrument.venue, instrument.id, time);
    switch (traitsOf(instrument.venue).wire) {
      case 'okx':
        out.push(this.okxUpdate(listing, changes, time, dropped));
        break;
      case 'bybit':
        out.push(this.bybitDelta(listing, changes, time, dropped));
        break;
      case 'binance':
        out.push(this.binanceDiff(listing, changes, time, dropped));
    }
    this.maybeQuote(listing, time, out);
  }

  private binanceDiff(listing: SimListing, changes: BookChanges, time: number, dropped: boolean): Emission {
    const { instrument, rng } = listing;
    let ids: { first: number; last: number; prev?: number };
    if (instrument.venue === 'binance-spot') {
      const first = listing.lastId + 1;
      ids = { first, last: first + rng.int(0, 9) };
    } else if (instrument.venue === 'binance-coinm') {
      const first = this.coinmCounter + rng.int(1, 40);
      ids = { first, last: first + rng.int(0, 25), prev: listing.lastId };
      this.coinmCounter = ids.last;
    } else {
      // USD-M ids are shared by every symbol: a symbol's next diff starts past other symbols' updates.
      const first = this.usdmCounter + rng.int(1, 40);
      ids = { first, last: first + rng.int(0, 25), prev: listing.lastId };
      this.usdmCounter = ids.last;
    }
    listing.lastId = ids.last;
    const stream = binanceStream(instrument.symbol, 'depth');
    const encode = () => {
      const [bids, asks] = [binanceLevels(instrument, changes.bids), binanceLevels(instrument, changes.asks)];
      const payload = instrument.venue === 'binance-coinm' ? coinmDepthUpdate(instrument, time, ids as Required<typeof ids>, bids, asks) : binanceDepthUpdate(instrument, time, ids, bids, asks);
      return binanceCombined(stream, payload);
    };
    return lazyText({ venue: instrument.venue, endpoint: bookEndpoint(instrument), stream, symbol: instrument.symbol, kind: 'depth', time, ...(dropped ? { dropped } : {}) }, encode);
  }

  /** A Bybit delta: `u` one past the last (a dropped one leaves a hole the client must see), `seq` the venue's cross sequence. */
  private bybitDelta(listing: SimListing, changes: BookChanges, time: number, dropped: boolean): Emission {
    const { instrument, rng } = listing;
    listing.lastId += 1;
    this.bybitSeq += rng.int(1, 60);
    const u = listing.lastId;
    const seq = this.bybitSeq;
    return lazyText(
      { venue: 'bybit', endpoint: bookEndpoint(instrument), stream: bybitBookTopic(instrument), symbol: instrument.symbol, kind: 'depth', time, ...(dropped ? { dropped } : {}) },
      () => bybitBookPush(instrument, 'delta', bybitLevels(instrument, changes.bids), bybitLevels(instrument, changes.asks), u, seq, time),
    );
  }

  private okxUpdate(listing: SimListing, changes: BookChanges, time: number, dropped: boolean): Emission {
    const { instrument, rng } = listing;
    const prev = listing.lastId;
    listing.lastId = prev + rng.int(1, 6);
    let checksum = this.okxChecksum(listing);
    const corrupt = checksum !== 0 && this.effects.takeCorruption(instrument.venue, instrument.id, time);
    if (corrupt) checksum = (checksum ^ 0x2f1a) | 0;
    const silentlyCorrupt = this.effects.corruptsBook(instrument.venue, instrument.id, time);
    const bids = silentlyCorrupt ? withWrongBestBid(listing, changes) : changes.bids;
    const seqId = listing.lastId;
    return lazyText(
      {
        venue: 'okx',
        endpoint: 'okx',
        stream: `books:${instrument.symbol}`,
        symbol: instrument.symbol,
        kind: 'depth',
        time,
        ...(dropped ? { dropped } : {}),
        ...(corrupt ? { corrupt } : {}),
        ...(silentlyCorrupt ? { silentlyCorrupt } : {}),
      },
      () => okxBooksPush(instrument.symbol, 'update', okxLevels(instrument, changes.asks), okxLevels(instrument, bids), time, checksum, prev, seqId),
    );
  }

  /** The CRC32 OKX would send for the book as it stands (0 under the 2026 protocol). */
  private okxChecksum(listing: SimListing): number {
    if (this.options.okxProtocol !== 'legacy') return 0;
    return okxChecksumOf(listing.book.textLevels('bid', 25), listing.book.textLevels('ask', 25));
  }

  private maybeQuote(listing: SimListing, time: number, out: Emission[]): void {
    const { instrument, book } = listing;
    const bid = book.bestBid();
    const ask = book.bestAsk();
    const top = `${bid}:${book.bids.get(bid)}:${ask}:${book.asks.get(ask)}`;
    if (top === listing.lastTop || time - listing.lastQuoteAt < traitsOf(instrument.venue).quoteThrottleMs) return;
    listing.lastTop = top;
    listing.lastQuoteAt = time;
    const bidText = book.textLevels('bid', 1)[0]!;
    const askText = book.textLevels('ask', 1)[0]!;
    if (instrument.venue === 'okx') {
      const last = roundedPriceText(instrument, ((bid + ask) / 2) * tickOf(instrument));
      const open = roundedPriceText(instrument, this.reference.openPrice(instrument.base));
      out.push({ venue: 'okx', endpoint: 'okx', stream: `tickers:${instrument.symbol}`, symbol: instrument.symbol, kind: 'quote', time, text: okxTicker(instrument, time, last, bidText, askText, open) });
      return;
    }
    if (instrument.venue === 'bybit') {
      const emission = this.bybitTickerChange(listing, time, this.bybitFieldsNow(listing, time, this.bybitTickers.get(listing)!), 'quote');
      if (emission !== null) out.push(emission);
      return;
    }
    const stream = binanceStream(instrument.symbol, 'bookTicker');
    const payload = instrument.venue === 'binance-coinm' ? coinmBookTicker(instrument, time, listing.lastId, bidText, askText) : binanceBookTicker(instrument, time, listing.lastId, bidText, askText);
    out.push({ venue: instrument.venue, endpoint: bookEndpoint(instrument), stream, symbol: instrument.symbol, kind: 'quote', time, text: binanceCombined(stream, payload) });
  }

  /**
   * A Bybit listing's ticker fields now: top of book from the book, mark,
   * index and funding from `reference` (null: as last published in `kept`,
   * or the book's mid before anything was).
   */
  private bybitFieldsNow(listing: SimListing, time: number, kept: BybitTickerFields | null, reference?: ReferenceTexts): BybitTickerFields {
    const { book, instrument } = listing;
    const bid = book.textLevels('bid', 1)[0]!;
    const ask = book.textLevels('ask', 1)[0]!;
    let r: ReferenceTexts | null = reference ?? null;
    if (r === null && kept !== null && instrument.type === 'perpetual') {
      r = { mark: kept['markPrice']!, index: kept['indexPrice']!, funding: kept['fundingRate']!, nextFunding: Number(kept['nextFundingTime']) };
    }
    if (r === null && instrument.type === 'perpetual') r = this.reference.referenceOf(instrument, time);
    return bybitTickerFields(this.tickerInputs(listing), bid, ask, r);
  }

  /** Publishes what changed in a Bybit ticker: a delta of the changed fields (spot: the whole snapshot); null when nothing did. */
  private bybitTickerChange(listing: SimListing, time: number, next: BybitTickerFields, kind: 'quote' | 'mark'): Emission | null {
    const { instrument } = listing;
    const changed = bybitChangedFields(this.bybitTickers.get(listing)!, next);
    if (Object.keys(changed).length === 0) return null;
    this.bybitTickers.set(listing, next);
    const spot = instrument.type === 'spot';
    const cs = this.bybitSeq;
    const text = bybitTickerPush(instrument, spot ? 'snapshot' : 'delta', spot ? next : changed, cs, time);
    return { venue: 'bybit', endpoint: bookEndpoint(instrument), stream: bybitTickerTopic(instrument), symbol: instrument.symbol, kind, time, text };
  }

  /** SimReference's once-a-second mark, index and funding of a Bybit perpetual: a tickers delta. */
  private bybitReference(instrument: SimInstrument, time: number, r: ReferenceTexts, out: Emission[]): void {
    const listing = this.listing(instrument.venue, instrument.symbol)!;
    const emission = this.bybitTickerChange(listing, time, this.bybitFieldsNow(listing, time, null, r), 'mark');
    if (emission !== null) out.push(emission);
  }

  /** A Bybit listing's ticker as a subscribe gets it: a snapshot of what was last published. */
  bybitTickerSnapshotText(listing: SimListing, time: number): string {
    return bybitTickerPush(listing.instrument, 'snapshot', this.bybitTickers.get(listing)!, this.bybitSeq, time);
  }

  /** A Bybit ticker's fields as last published (REST `market/tickers`). */
  bybitTickerFieldsOf(listing: SimListing): BybitTickerFields {
    return this.bybitTickers.get(listing)!;
  }

  /** A Bybit book snapshot as a subscribe gets it: the whole book at the last `u`. */
  bybitSnapshotText(listing: SimListing, time: number): string {
    const { instrument, book } = listing;
    return bybitBookPush(instrument, 'snapshot', book.textLevels('bid', Infinity), book.textLevels('ask', Infinity), listing.lastId, this.bybitSeq, time);
  }

  /** REST `market/orderbook` body of a Bybit listing, its top `limit` levels. */
  bybitRestBookText(listing: SimListing, time: number, limit: number): string {
    const { instrument, book } = listing;
    return bybitRestBook(instrument, book.textLevels('bid', limit), book.textLevels('ask', limit), listing.lastId, this.bybitSeq, time);
  }

  /** REST depth snapshot body of a Binance listing, as `/api/v3/depth`, `/fapi/v1/depth` or `/dapi/v1/depth` returns it now. */
  binanceSnapshot(listing: SimListing, time: number, limit: number): string {
    const { instrument, book } = listing;
    const [bids, asks] = [book.textLevels('bid', limit), book.textLevels('ask', limit)];
    if (instrument.venue === 'binance-coinm') return coinmDepthSnapshot(instrument, listing.lastId, time, bids, asks);
    return binanceDepthSnapshot(instrument, listing.lastId, time, bids, asks);
  }

  /** What a 24 h ticker of a listing shows now: its top of book and the asset's open. */
  tickerInputs(listing: SimListing): TickerInputs {
    return { instrument: listing.instrument, bidTicks: listing.book.bestBid(), askTicks: listing.book.bestAsk(), open: this.reference.openPrice(listing.instrument.base) };
  }

  /**
   * Binance partial book depth (`<symbol>@depth20@100ms`) as it stands:
   * spot sends `{lastUpdateId, bids, asks}`, USD-M the diff shape
   * (`depthUpdate` with U/u/pu) holding the top 20 levels whole.
   * https://developers.binance.com/docs/binance-spot-api-docs/web-socket-streams#partial-book-depth-streams
   * https://developers.binance.com/docs/derivatives/usds-margined-futures/websocket-market-streams/Partial-Book-Depth-Streams
   */
  binancePartialText(listing: SimListing, time: number, prevId: number): string {
    const { instrument, book } = listing;
    const stream = binancePartialStream(instrument.symbol);
    const bids = book.textLevels('bid', 20);
    const asks = book.textLevels('ask', 20);
    if (instrument.venue === 'binance-spot') return binanceCombined(stream, { lastUpdateId: listing.lastId, bids, asks });
    const u = listing.lastId;
    // COIN-M names the pair in every book message.
    const pair = instrument.venue === 'binance-coinm' ? { ps: coinmPair(instrument.symbol) } : {};
    return binanceCombined(stream, { e: 'depthUpdate', E: time, T: time - 2, s: instrument.symbol, ...pair, U: u, u, pu: prevId, b: bids, a: asks });
  }

  /**
   * OKX `books5` push: the 5 best levels whole, every push.
   * https://www.okx.com/docs-v5/en/#order-book-trading-market-data-ws-order-book-channel
   */
  okxBooks5Text(listing: SimListing, time: number): string {
    const [bids, asks] = this.okxSides(listing, 5);
    const instId = listing.instrument.symbol;
    return JSON.stringify({ arg: { channel: 'books5', instId }, data: [{ asks, bids, instId, ts: String(time), seqId: listing.lastId }] });
  }

  /** REST `market/books` body of an OKX listing (with `seqId`, which the 2026 protocol aligns on). */
  okxRestSnapshot(listing: SimListing, time: number, size: number): string {
    const [bids, asks] = this.okxSides(listing, size);
    return okxRestBooks(asks, bids, time, listing.lastId);
  }

  /** Socket `books` snapshot (legacy protocol, on subscribe): `prevSeqId` -1 and the full book's checksum. */
  okxSocketSnapshot(listing: SimListing, time: number): string {
    const [bids, asks] = this.okxSides(listing, 400);
    return okxBooksPush(listing.instrument.symbol, 'snapshot', asks, bids, time, this.okxChecksum(listing), -1, listing.lastId);
  }

  private okxSides(listing: SimListing, size: number): [OkxLevel[], OkxLevel[]] {
    const side = (s: 'bid' | 'ask') => okxLevels(listing.instrument, listing.book.sorted(s, size));
    return [side('bid'), side('ask')];
  }

  /** Index price (composite of spot venues) of an asset as a venue computes it. */
  indexPrice(venue: SimVenue, asset: SimAsset): number {
    return this.reference.indexPrice(venue, asset);
  }

  /** Mark/index/funding for a Binance perp, as its `markPriceUpdate` shows them (for tests and REST). */
  binanceMarkText(listing: SimListing, time: number): string {
    const r = this.reference.referenceOf(listing.instrument, time);
    const stream = binanceStream(listing.instrument.symbol, 'markPrice');
    return binanceCombined(stream, binanceMarkPrice(listing.instrument.symbol, time, r.mark, r.index, r.index, r.funding, r.nextFunding));
  }
}

/** `btcusdt@depth20@100ms`: the partial depth stream the feeds subscribe for the long tail. */
export function binancePartialStream(symbol: string): string {
  return `${symbol.toLowerCase()}@depth20@100ms`;
}

/**
 * An emission whose text is built the first time someone reads it: at a
 * whole market most diff streams have no subscriber (the long tail follows
 * partial streams), and encoding every update was a third of the server's
 * time. Everything the text needs is fixed when the emission is made.
 */
function lazyText(fields: Omit<Emission, 'text'>, encode: () => string): Emission {
  let text: string | undefined;
  return Object.defineProperty({ ...fields }, 'text', { enumerable: true, get: () => (text ??= encode()) }) as Emission;
}

/**
 * The bid changes of an update with the best bid's size replaced by a wrong
 * one (the true size plus 7 lots): what a venue bug or a corrupted relay
 * delivers while the sequence numbers stay consistent. The simulated book
 * itself, and so the venue's tickers and REST snapshots, keep the truth.
 */
function withWrongBestBid(listing: SimListing, changes: BookChanges): BookChanges['bids'] {
  const best = listing.book.bestBid();
  const lots = listing.book.bids.get(best);
  if (lots === undefined) return changes.bids;
  return [...changes.bids.filter(([ticks]) => ticks !== best), [best, lots + 7]];
}
