import type { RawFrame } from '../feed/raw-frame';
import { coinmExchangeInfo } from './binance-coinm-protocol';
import { binanceExchangeInfo, binanceStream } from './binance-protocol';
import { bybitBookTopic, bybitInstrumentsPage, bybitOpReply, bybitTickerTopic } from './bybit-protocol';
import { okxInstruments, okxSubscribeAck } from './okx-protocol';
import type { Prng } from './prng';
import type { ScenarioEffects } from './scenario-effects';
import { instrumentsOf, SIM_INSTRUMENTS, SIM_VENUES, type SimBybitCategory, type SimInstrument, type SimVenue } from './sim-instruments';
import { bookEndpoint, type Emission, type Endpoint, type SimMarket } from './sim-market';
import { traitsOf } from './sim-venues';

/** The production REST host a recording of a venue would carry. */
const restBaseOf = (venue: SimVenue): string => traitsOf(venue).restBase;
/** One-way network latency to a venue (ms), before its jitter. */
const latencyOf = (venue: SimVenue): number => traitsOf(venue).latencyMs;
/** Bybit takes at most 10 topics in one subscribe request (spot's limit; the feed keeps to it everywhere). */
const BYBIT_ARGS_PER_REQUEST = 10;
/** OKX feed: how long after subscribing it waits for a socket snapshot before asking REST. */
const OKX_SNAPSHOT_GRACE_MS = 1_000;
/**
 * silent_book_corruption: the console's book-top cross-check has flagged the
 * drift (three mismatching ticker checks over at least a second, well inside
 * the injection) and its feed asks REST for a snapshot; the capture holds the
 * one answered this long after the corruption stops, so the book a replay
 * rebuilds from it is clean.
 */
const DRIFT_SNAPSHOT_AFTER_MS = 1_500;

interface Connection {
  readonly id: string;
  readonly url: string;
  readonly endpoint: Endpoint;
  lastT: number;
}

interface VenueState {
  readonly venue: SimVenue;
  readonly connections: Connection[];
  /**
   * Subscribed: set by the action that subscribes, so exactly the messages
   * the market generates after it are delivered (a socket snapshot, built in
   * that action, and the updates that follow it line up).
   */
  open: boolean;
  /** Binance books waiting for their first diff to fetch a REST snapshot (start, reconnect). */
  readonly awaitingDiff: Set<string>;
  /** Symbols whose next delivered diff reveals a gap (a diff was lost before it). */
  readonly lost: Set<string>;
}

/** A frame waiting to be written, with its position among equal times. */
interface Pending {
  readonly frame: RawFrame;
  readonly order: number;
}

/**
 * Plays the part of the console's feeds in a simulated run: it "connects"
 * to each venue, receives what the market publishes with network latency,
 * and fetches metadata and REST book snapshots exactly when the real feeds
 * would (at start, on a gap, a bad checksum, a reconnect), so the capture
 * holds what a live recording of these venues would hold.
 */
export class CaptureClient {
  private readonly venues = new Map<SimVenue, VenueState>();
  private readonly actions: { time: number; order: number; run: () => void }[] = [];
  private pending: Pending[] = [];
  private order = 0;

  constructor(
    private readonly market: SimMarket,
    private readonly effects: ScenarioEffects,
    private readonly rng: Prng,
    private readonly sink: (frame: RawFrame) => void,
    startTime: number,
  ) {
    for (const venue of SIM_VENUES) {
      const state: VenueState = { venue, connections: connectionsOf(venue, market.instruments), open: false, awaitingDiff: new Set(), lost: new Set() };
      this.venues.set(venue, state);
      this.fetchMetadata(state, startTime);
      this.at(startTime + 60 + this.rng.uniform(0, 20), () => this.connect(state, this.now));
      for (const cut of effects.disconnects(venue)) {
        this.at(cut.start, () => (state.open = false));
        this.at(cut.end, () => this.connect(state, cut.end));
      }
      for (const corruption of effects.silentCorruptions(venue)) {
        const symbols = market.instrumentsOf(venue).filter((i) => corruption.instruments.includes(i.id)).map((i) => i.symbol);
        this.at(corruption.end + DRIFT_SNAPSHOT_AFTER_MS, () => {
          if (state.open) for (const symbol of symbols) this.fetchBook(state, symbol, this.now);
        });
      }
    }
  }

  private now = 0;

  /** Runs the client's own actions due by `time` (before the market moves to it). */
  runActions(time: number): void {
    this.now = time;
    this.actions.sort((a, b) => a.time - b.time || a.order - b.order);
    while (this.actions.length > 0 && this.actions[0]!.time <= time) {
      const action = this.actions.shift()!;
      this.now = action.time;
      action.run();
    }
    this.now = time;
  }

  /** Receives what the market published, as a subscribed socket would (or would not). */
  deliver(emission: Emission): void {
    const state = this.venues.get(emission.venue)!;
    if (!state.open || this.effects.disconnected(emission.venue, emission.time)) return;
    if (emission.dropped) {
      if (emission.kind === 'depth') state.lost.add(emission.symbol);
      return;
    }
    const connection = state.connections.find((c) => c.endpoint === emission.endpoint)!;
    const t = this.receive(connection, emission.time + latencyOf(state.venue) + this.rng.uniform(0, 3));
    this.push({ t, venue: state.venue, kind: 'ws', url: connection.url, data: emission.text, conn: connection.id });
    if (emission.kind !== 'depth') return;
    const symbol = emission.symbol;
    // The feed asks for a snapshot as soon as a frame shows its book wants one.
    if (state.awaitingDiff.delete(symbol) || state.lost.delete(symbol) || emission.corrupt) this.fetchBook(state, symbol, t);
  }

  /** Writes every frame received up to `time`, in receive order. */
  flush(time = Infinity): void {
    if (this.pending.length === 0) return;
    this.pending.sort((a, b) => a.frame.t - b.frame.t || a.order - b.order);
    let n = 0;
    while (n < this.pending.length && this.pending[n]!.frame.t <= time) this.sink(this.pending[n++]!.frame);
    this.pending = this.pending.slice(n);
  }

  private at(time: number, run: () => void): void {
    this.actions.push({ time, order: this.order++, run });
  }

  private push(frame: RawFrame): void {
    this.pending.push({ frame, order: this.order++ });
  }

  /** Receive time on a connection: TCP keeps a socket's frames in order. */
  private receive(connection: Connection, t: number): number {
    const at = Math.max(round(t), connection.lastT);
    connection.lastT = at;
    return at;
  }

  /** REST request sent at `sentAt`: answered from the market as it is when the server handles it. */
  private rest(venue: SimVenue, sentAt: number, path: string, body: (serverTime: number) => string, bytes = 0): void {
    const serverTime = sentAt + 15 + this.rng.uniform(0, 15);
    this.at(serverTime, () => {
      const text = body(serverTime);
      const t = round(serverTime + 15 + this.rng.uniform(0, 25) + (bytes > 0 ? text.length / 20_000 : 0));
      this.push({ t, venue, kind: 'rest', url: `${restBaseOf(venue)}${path}`, data: text });
    });
  }

  private fetchMetadata(state: VenueState, startTime: number): void {
    const venue = state.venue;
    const listings = this.market.instrumentsOf(venue);
    if (venue === 'okx') {
      for (const type of ['SPOT', 'SWAP'] as const) {
        const of = listings.filter((i) => (i.type === 'spot') === (type === 'SPOT'));
        this.rest(venue, startTime + 1, `/api/v5/public/instruments?instType=${type}`, () => okxInstruments(of));
      }
      return;
    }
    if (venue === 'bybit') {
      // The feed asks instruments-info once per category it follows (one page: limit 1000).
      for (const category of bybitCategories(listings)) {
        const of = listings.filter((i) => i.category === category);
        this.rest(venue, startTime + 1, `/v5/market/instruments-info?category=${category}&limit=1000`, (time) => bybitInstrumentsPage(category, of, '', Math.floor(time)));
      }
      return;
    }
    if (venue === 'binance-coinm') {
      this.rest(venue, startTime + 1, '/dapi/v1/exchangeInfo', (time) => coinmExchangeInfo(listings, Math.floor(time)));
      return;
    }
    const market = venue === 'binance-spot' ? 'spot' : 'usdm';
    const path =
      market === 'spot'
        ? `/api/v3/exchangeInfo?symbols=${encodeURIComponent(JSON.stringify(listings.map((i) => i.symbol)))}`
        : '/fapi/v1/exchangeInfo';
    this.rest(venue, startTime + 1, path, (time) => binanceExchangeInfo(market, listings, Math.floor(time)));
  }

  /** A REST book snapshot, on the path and query the live feed uses. */
  private fetchBook(state: VenueState, symbol: string, sentAt: number): void {
    const listing = this.market.listing(state.venue, symbol)!;
    const when = sentAt + 0.5;
    if (state.venue === 'okx') {
      this.rest('okx', when, `/api/v5/market/books?instId=${encodeURIComponent(symbol)}&sz=400`, (time) => this.market.okxRestSnapshot(listing, Math.floor(time), 400), 1);
      return;
    }
    if (state.venue === 'bybit') return this.resubscribe(state, symbol, when);
    const spot = state.venue === 'binance-spot';
    const prefix = state.venue === 'binance-coinm' ? '/dapi/v1' : '/fapi/v1';
    const path = spot ? `/api/v3/depth?limit=5000&symbol=${symbol}` : `${prefix}/depth?limit=1000&symbol=${symbol}`;
    this.rest(state.venue, when, path, (time) => this.market.binanceSnapshot(listing, Math.floor(time), spot ? 5000 : 1000), 1);
  }

  /**
   * Bybit: the feed asks for a book's snapshot by subscribing its topic
   * again (unsubscribe, subscribe); the venue answers both and sends the
   * snapshot, which the socket carries after everything published before it.
   */
  private resubscribe(state: VenueState, symbol: string, sentAt: number): void {
    const listing = this.market.listing('bybit', symbol)!;
    const connection = state.connections.find((c) => c.endpoint === bookEndpoint(listing.instrument))!;
    const serverTime = sentAt + latencyOf('bybit');
    this.at(serverTime, () => {
      const t = serverTime + latencyOf('bybit');
      for (const op of ['unsubscribe', 'subscribe']) this.pushWs(state, connection, t, bybitOpReply(op, true, '', connection.id, ''));
      this.pushWs(state, connection, t + 0.5, this.market.bybitSnapshotText(listing, Math.floor(serverTime)));
    });
  }

  private pushWs(state: VenueState, connection: Connection, t: number, data: string): void {
    this.push({ t: this.receive(connection, t), venue: state.venue, kind: 'ws', url: connection.url, data, conn: connection.id });
  }

  /** Bybit: each category's socket subscribes its topics ten at a time; every book and ticker then gets its snapshot. */
  private connectBybit(state: VenueState, at: number): void {
    const lat = latencyOf('bybit');
    const serverTime = at + lat;
    state.lost.clear();
    const listings = this.market.instrumentsOf('bybit');
    for (const connection of state.connections) {
      const mine = listings.filter((i) => bookEndpoint(i) === connection.endpoint);
      const topics = mine.flatMap((i) => [bybitBookTopic(i), bybitTickerTopic(i)]);
      for (let k = 0; k < topics.length; k += BYBIT_ARGS_PER_REQUEST) this.pushWs(state, connection, serverTime + lat, bybitOpReply('subscribe', true, '', connection.id, ''));
    }
    this.at(serverTime, () => {
      state.open = true;
      for (const connection of state.connections) {
        for (const instrument of listings.filter((i) => bookEndpoint(i) === connection.endpoint)) {
          const listing = this.market.listing('bybit', instrument.symbol)!;
          this.pushWs(state, connection, serverTime + lat + 0.5, this.market.bybitSnapshotText(listing, Math.floor(serverTime)));
          this.pushWs(state, connection, serverTime + lat + 0.5, this.market.bybitTickerSnapshotText(listing, Math.floor(serverTime)));
        }
      }
    });
  }

  /** Opens (or reopens) a venue's sockets and subscribes, as its feed does. */
  private connect(state: VenueState, at: number): void {
    const symbols = this.market.instrumentsOf(state.venue).map((i) => i.symbol);
    if (state.venue === 'bybit') return this.connectBybit(state, at);
    if (state.venue !== 'okx') {
      // Combined-stream URLs subscribe on connect; the feed fetches each snapshot once a diff has arrived.
      state.open = true;
      state.lost.clear();
      for (const symbol of symbols) state.awaitingDiff.add(symbol);
      return;
    }
    const okx = state.connections[0]!;
    const serverTime = at + latencyOf('okx');
    state.lost.clear();
    const connId = Math.floor(this.rng.uniform(0, 0xffffffff)).toString(16).padStart(8, '0');
    for (const arg of okxArgs(this.market.instruments)) {
      this.push({ t: this.receive(okx, serverTime + latencyOf('okx')), venue: 'okx', kind: 'ws', url: okx.url, data: okxSubscribeAck(arg, connId), conn: okx.id });
    }
    if (this.market.okxProtocol === 'legacy') {
      this.at(serverTime, () => {
        state.open = true;
        for (const symbol of symbols) {
          const text = this.market.okxSocketSnapshot(this.market.listing('okx', symbol)!, Math.floor(serverTime));
          this.push({ t: this.receive(okx, serverTime + latencyOf('okx') + 0.5), venue: 'okx', kind: 'ws', url: okx.url, data: text, conn: okx.id });
        }
      });
      return;
    }
    // 2026: no socket snapshot comes; after the grace period the feed asks REST.
    this.at(serverTime, () => (state.open = true));
    for (const symbol of symbols) this.fetchBook(state, symbol, at + OKX_SNAPSHOT_GRACE_MS);
  }
}

/** OKX subscription args in the feed's order (books, tickers, mark-price, funding-rate, index once) for a run's listings. */
export function okxArgs(instruments: readonly SimInstrument[] = SIM_INSTRUMENTS): { channel: string; instId: string }[] {
  const args: { channel: string; instId: string }[] = [];
  const indices = new Set<string>();
  for (const i of instrumentsOf('okx', instruments)) {
    args.push({ channel: 'books', instId: i.symbol }, { channel: 'tickers', instId: i.symbol });
    if (i.type === 'perpetual') args.push({ channel: 'mark-price', instId: i.symbol }, { channel: 'funding-rate', instId: i.symbol });
    if (i.index !== undefined && !indices.has(i.index)) {
      indices.add(i.index);
      args.push({ channel: 'index-tickers', instId: i.index });
    }
  }
  return args;
}

/** Bybit categories with listings, in the feed's order (spot, linear, inverse). */
function bybitCategories(listings: readonly SimInstrument[]): SimBybitCategory[] {
  return (['spot', 'linear', 'inverse'] as const).filter((c) => listings.some((i) => i.category === c));
}

/** The sockets a venue's feed opens, with the ids the feed-health view gives them. */
function connectionsOf(venue: SimVenue, instruments: readonly SimInstrument[]): Connection[] {
  const listings = instrumentsOf(venue, instruments);
  const symbols = listings.map((i) => i.symbol);
  const book = symbols.flatMap((s) => [binanceStream(s, 'depth'), binanceStream(s, 'bookTicker')]).join('/');
  if (venue === 'binance-coinm') {
    // One dstream socket: a symbol's depth, bookTicker and markPrice together.
    const streams = symbols.flatMap((s) => [binanceStream(s, 'depth'), binanceStream(s, 'bookTicker'), binanceStream(s, 'markPrice')]).join('/');
    return [{ id: 'binance-coinm-coinm-0', url: `wss://dstream.binance.com/stream?streams=${streams}`, endpoint: 'dstream', lastT: 0 }];
  }
  if (venue === 'bybit') {
    return bybitCategories(listings).map((category, index) => {
      const endpoint = bookEndpoint(listings.find((i) => i.category === category)!);
      return { id: `bybit-${category}-${index}`, url: `wss://stream.bybit.com/v5/public/${category}`, endpoint, lastT: 0 };
    });
  }
  if (venue === 'binance-spot') {
    return [{ id: 'binance-spot-spot-0', url: `wss://stream.binance.com:9443/stream?streams=${book}`, endpoint: 'spot', lastT: 0 }];
  }
  if (venue === 'binance-usdm') {
    const marks = symbols.map((s) => binanceStream(s, 'markPrice')).join('/');
    return [
      { id: 'binance-usdm-public-0', url: `wss://fstream.binance.com/public/stream?streams=${book}`, endpoint: 'public', lastT: 0 },
      { id: 'binance-usdm-market-1', url: `wss://fstream.binance.com/market/stream?streams=${marks}`, endpoint: 'market', lastT: 0 },
    ];
  }
  return [{ id: 'okx-0', url: 'wss://ws.okx.com:8443/ws/v5/public', endpoint: 'okx', lastT: 0 }];
}

/** Receive times carry microseconds, like a recorder's performance clock. */
function round(t: number): number {
  return Math.round(t * 1000) / 1000;
}
