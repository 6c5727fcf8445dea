import type { ConnectionSettings } from '../../../shared/config';
import { FeedCore, chunk } from '../../feed/feed-core';
import { planSnapshotDepths } from '../../feed/snapshot-plan';
import { peekNumber, peekString, type StreamPosition } from '../../feed/frame-peek';
import { resolveTuning, socketSettingsFrom, type FeedTuning } from '../../feed/feed-tuning';
import { ManagedSocket, type SocketLink } from '../../feed/managed-socket';
import type { Feed, FeedOptions, FeedSubscription } from '../../feed/feed';
import type { FeedStatus } from '../../feed/feed-status';
import {
  BINANCE_MAX_DEPTH,
  BINANCE_USED_WEIGHT_HEADER,
  binanceDepthLimit,
  binanceDepthWeight,
  binanceExchangeInfoWeight,
  binanceRestLimit,
} from './binance-rest-weights';
import { BINANCE_VENUE_IDS, type BinanceMarket } from './exchange-info';

/**
 * Streams one connection may carry: spot 1024
 * (https://developers.binance.com/docs/binance-spot-api-docs/web-socket-streams),
 * USD-M 200 on the 2026 `/public` and `/market` endpoints
 * (https://developers.binance.com/docs/derivatives/usds-margined-futures/websocket-market-streams),
 * COIN-M 200 on dstream
 * (https://developers.binance.com/docs/derivatives/coin-margined-futures/websocket-market-streams).
 */
export const BINANCE_MAX_STREAMS: Readonly<Record<BinanceMarket, number>> = { spot: 1024, usdm: 200, coinm: 200 };

/** Messages per second Binance accepts from us on one connection before it drops it. */
export const BINANCE_MAX_MESSAGES_PER_SECOND: Readonly<Record<BinanceMarket, number>> = { spot: 5, usdm: 10, coinm: 10 };

/** REST depth snapshot path, before `limit` and `symbol`. */
const SNAPSHOT_PATH: Readonly<Record<BinanceMarket, string>> = { spot: '/api/v3/depth', usdm: '/fapi/v1/depth', coinm: '/dapi/v1/depth' };

/** exchangeInfo path of each service. */
const EXCHANGE_INFO_PATH: Readonly<Record<BinanceMarket, string>> = { spot: '/api/v3/exchangeInfo', usdm: '/fapi/v1/exchangeInfo', coinm: '/dapi/v1/exchangeInfo' };

/**
 * Snapshot depths a plan chooses from: the cheapest band (USD-M 50 at
 * weight 2, spot 100 at weight 5, the most a 5-weight request gives), 100
 * (the mid tier), the full book (spot 5000 at 250, USD-M 1000 at 20).
 */
const DEPTH_STEPS: Readonly<Record<BinanceMarket, readonly number[]>> = {
  spot: [100, BINANCE_MAX_DEPTH.spot],
  usdm: [50, 100, BINANCE_MAX_DEPTH.usdm],
  coinm: [50, 100, BINANCE_MAX_DEPTH.coinm],
};

/** Share of a window's allowance the bootstrap plan leaves for metadata and resyncs meanwhile. */
const PLAN_RESERVE = 0.1;

/** Above this many symbols the spot exchangeInfo filter makes too long a URL: fetch everything. */
const MAX_EXCHANGE_INFO_FILTER = 100;

/** One planned connection: a base URL and the streams it carries. */
export interface BinanceConnectionPlan {
  /** `spot`, for USD-M `public` (depth, bookTicker) / `market` (markPrice), for COIN-M `coinm` (all three). */
  readonly role: 'spot' | 'public' | 'market' | 'coinm';
  readonly base: string;
  readonly streams: readonly string[];
  readonly symbols: readonly string[];
  /** Symbols whose book streams are on this connection. */
  readonly bookSymbols: readonly string[];
}

export interface BinanceFeedOptions extends FeedOptions {
  readonly tuning?: Partial<FeedTuning>;
}

/**
 * Splits the subscriptions over connections within the per-connection stream
 * limit, keeping a symbol's streams together so a drop maps to whole books.
 * USD-M: depth and bookTicker go to the high-frequency `/public` endpoint,
 * markPrice to `/market` (legacy URLs retired 2026-04-23). COIN-M: all
 * three on the one dstream base, a symbol's streams on one connection.
 */
export function planBinanceConnections(
  market: BinanceMarket,
  subscriptions: readonly FeedSubscription[],
  bases: { readonly primary: string; readonly market?: string },
  maxStreams: number,
): BinanceConnectionPlan[] {
  const groups: { role: BinanceConnectionPlan['role']; base: string; perSymbol: [string, string[], boolean][] }[] = [
    { role: market === 'usdm' ? 'public' : market, base: bases.primary, perSymbol: [] },
  ];
  if (market === 'usdm') groups.push({ role: 'market', base: bases.market ?? bases.primary, perSymbol: [] });
  for (const sub of subscriptions) {
    const s = sub.symbol.toLowerCase();
    const book = sub.depthStream === 'diff' ? `${s}@depth@100ms` : sub.depthStream === 'partial20' ? `${s}@depth20@100ms` : null;
    const top = book === null ? [`${s}@bookTicker`] : [book, `${s}@bookTicker`];
    // COIN-M markPrice (mark, index `i`, funding `r`) shares the book's socket.
    groups[0]!.perSymbol.push([sub.symbol, market === 'coinm' ? [...top, `${s}@markPrice@1s`] : top, book !== null]);
    if (market === 'usdm') groups[1]!.perSymbol.push([sub.symbol, [`${s}@markPrice@1s`], false]);
  }
  const plans: BinanceConnectionPlan[] = [];
  for (const group of groups) {
    let streams: string[] = [];
    let symbols: string[] = [];
    let books: string[] = [];
    const flush = (): void => {
      if (streams.length > 0) plans.push({ role: group.role, base: group.base, streams, symbols, bookSymbols: books });
      streams = [];
      symbols = [];
      books = [];
    };
    for (const [symbol, names, hasBook] of group.perSymbol) {
      if (streams.length + names.length > maxStreams) flush();
      streams.push(...names);
      symbols.push(symbol);
      if (hasBook) books.push(symbol);
    }
    flush();
  }
  return plans;
}

/**
 * A service's URLs and connection settings from the feed's own block:
 * `binance:` for spot and USD-M, `binancecoinm:` for COIN-M (its own key,
 * coinm-config.ts). Throws when the worker was handed no such block.
 */
function binanceEndpoints(
  market: BinanceMarket,
  options: FeedOptions,
): { connection: ConnectionSettings; restUrl: string; bases: { readonly primary: string; readonly market?: string } } {
  const venue = BINANCE_VENUE_IDS[market];
  if (market === 'coinm') {
    const config = options.exchanges.binancecoinm;
    if (config === undefined) throw new Error(`${venue} feed: exchanges config has no binancecoinm block`);
    return { connection: config.connection, restUrl: config.restUrl, bases: { primary: trimSlash(config.websocketUrl) } };
  }
  const config = options.exchanges.binance;
  if (config === undefined) throw new Error(`${venue} feed: exchanges config has no binance block`);
  if (market === 'spot') return { connection: config.connection, restUrl: config.spot.restUrl, bases: { primary: trimSlash(config.spot.websocketUrl) } };
  return {
    connection: config.connection,
    restUrl: config.futures.restUrl,
    bases: { primary: trimSlash(config.futures.websocketPublicUrl), market: trimSlash(config.futures.websocketMarketUrl) },
  };
}

/**
 * Live Binance spot, USD-M or COIN-M market data: combined-stream sockets, REST
 * depth snapshots on demand, exchangeInfo once at start.
 * https://developers.binance.com/docs/binance-spot-api-docs/web-socket-streams
 */
export class BinanceFeed implements Feed {
  readonly venue;
  private readonly core: FeedCore;
  private readonly restBase: string;
  /** Diff-depth symbols: their snapshot limit, weight and place in the queue. */
  private readonly snapshotPlan = new Map<string, { readonly limit: number; readonly weight: number; readonly priority: number }>();
  private readonly socketOf = new Map<string, ManagedSocket>();
  private subscribeId = 0;

  constructor(
    readonly market: BinanceMarket,
    private readonly options: BinanceFeedOptions,
  ) {
    this.venue = BINANCE_VENUE_IDS[market];
    const { connection: settingsOf, restUrl, bases } = binanceEndpoints(market, options);
    const tuning = resolveTuning(options.tuning);
    const connection = {
      ...settingsOf,
      rateLimitPerSecond: Math.min(settingsOf.rateLimitPerSecond, BINANCE_MAX_MESSAGES_PER_SECOND[market]),
    };
    this.restBase = trimSlash(restUrl);
    const restPlan = { url: this.restBase, limits: [binanceRestLimit(market)], usedWeightHeader: BINANCE_USED_WEIGHT_HEADER };
    this.core = new FeedCore(this.venue, options.sink, connection, tuning, restPlan, options.now, options.limits);
    const maxStreams = Math.min(tuning.maxStreamsPerConnection ?? Infinity, BINANCE_MAX_STREAMS[market]);
    const plans = planBinanceConnections(market, options.subscriptions, bases, maxStreams);
    this.planSnapshots(options.subscriptions);
    const settings = socketSettingsFrom(connection, tuning, false, options.limits);
    plans.forEach((plan, index) => {
      const { url, rest } = streamUrl(plan.base, plan.streams, tuning.maxUrlLength);
      const socket = new ManagedSocket({
        id: `${this.venue}-${plan.role}-${index}`,
        venue: this.venue,
        url,
        symbols: plan.symbols,
        bookSymbols: plan.bookSymbols,
        settings,
        now: this.core.now,
        hooks: {
          onFrame: (frame) => this.core.sink.onFrame(frame),
          onDisconnect: (symbols) => this.core.sink.onDisconnect?.(this.venue, symbols),
          onStateChange: () => this.core.reportStatus(),
          onOpen: (link) => this.subscribeRest(link, rest, tuning.subscribeBatch),
          eventTime: (text) => peekNumber(text, 'E'),
          position: binancePosition,
          // The server is about to shut down and drop us: move to a new socket
          // now, with overlap, as for OKX notices (the books carry on).
          wantsRotation: isServerShutdownText,
        },
      });
      this.core.sockets.push(socket);
      for (const symbol of plan.bookSymbols) this.socketOf.set(symbol, socket);
    });
  }

  start(): void {
    const symbols = this.options.subscriptions.map((s) => s.symbol);
    // Only spot's exchangeInfo takes a symbol filter; the futures services answer with every contract.
    const filter =
      this.market === 'spot' && symbols.length > 0 && symbols.length <= MAX_EXCHANGE_INFO_FILTER ? `?symbols=${encodeURIComponent(JSON.stringify(symbols))}` : '';
    this.core.fetchMetadata(`${this.restBase}${EXCHANGE_INFO_PATH[this.market]}${filter}`, { cost: binanceExchangeInfoWeight(this.market), priority: -1 });
    this.core.start();
  }

  stop(): Promise<void> {
    return this.core.stop();
  }

  /**
   * Fetches the REST depth snapshot of a diff-depth symbol. Only while its
   * socket is up: Binance's procedure buffers the stream first, then fetches
   * (a snapshot taken before the stream starts is too old anyway).
   */
  requestSnapshot(symbol: string): void {
    const plan = this.snapshotPlan.get(symbol);
    // A partial-depth book is whole in every message: it never needs REST.
    if (plan === undefined || !this.socketOf.get(symbol)?.isConnected) return;
    const url = `${this.restBase}${SNAPSHOT_PATH[this.market]}?limit=${plan.limit}&symbol=${encodeURIComponent(symbol)}`;
    this.core.requestSnapshot(symbol, url, { cost: plan.weight, priority: plan.priority });
  }

  status(): FeedStatus {
    return this.core.status();
  }

  /** The snapshot limit, weight and priority of a diff-depth symbol; undefined for a partial one. */
  snapshotOf(symbol: string): { readonly limit: number; readonly weight: number; readonly priority: number } | undefined {
    return this.snapshotPlan.get(symbol);
  }

  /**
   * Depth per diff book so the first snapshot of every one fits in one
   * minute's allowance (see planSnapshotDepths); the subscriptions' order is
   * the queue's unless a subscription sets its own priority.
   */
  private planSnapshots(subscriptions: readonly FeedSubscription[]): void {
    const diff = subscriptions.filter((s) => s.depthStream === 'diff');
    const market = this.market;
    const options = DEPTH_STEPS[market].map((depth) => ({ depth, cost: binanceDepthWeight(market, depth) }));
    const allowance = this.core.budget().allowed * (1 - PLAN_RESERVE);
    const fixed = diff.map((s) => (s.snapshotDepth === undefined ? undefined : binanceDepthLimit(market, s.snapshotDepth)));
    const depths = planSnapshotDepths(fixed, options, allowance, (d) => binanceDepthWeight(market, d));
    diff.forEach((sub, i) => {
      const limit = depths[i]!;
      this.snapshotPlan.set(sub.symbol, { limit, weight: binanceDepthWeight(market, limit), priority: sub.priority ?? i });
    });
  }

  /** Streams that did not fit in the URL, as paced SUBSCRIBE messages. */
  private subscribeRest(link: SocketLink, streams: readonly string[], batch: number): void {
    for (const params of chunk(streams, batch)) {
      this.core.pacer.schedule(() => {
        this.subscribeId += 1;
        link.send(JSON.stringify({ method: 'SUBSCRIBE', params, id: this.subscribeId }));
      });
    }
  }
}

/** `<base>/stream?streams=a/b/c` with as many streams as fit in `maxLength` (at least one), and the rest. */
export function streamUrl(base: string, streams: readonly string[], maxLength: number): { url: string; rest: string[] } {
  let url = `${base}/stream?streams=${streams[0] ?? ''}`;
  let i = 1;
  while (i < streams.length && url.length + 1 + streams[i]!.length <= maxLength) {
    url += `/${streams[i]}`;
    i += 1;
  }
  return { url, rest: streams.slice(i) };
}

/**
 * Position of a combined-stream frame in its stream: the update id `u`
 * (depth, bookTicker), `lastUpdateId` (spot partial depth) or the event time
 * `E` (markPrice). Every socket gets the same events with the same ids, so an
 * equal or lower position is a frame already forwarded from the other socket.
 */
export function binancePosition(text: string): StreamPosition | undefined {
  const stream = peekString(text, 'stream');
  if (stream === undefined) return undefined;
  const position = peekNumber(text, 'u') ?? peekNumber(text, 'lastUpdateId') ?? peekNumber(text, 'E');
  return position === undefined ? undefined : { stream, position };
}

/**
 * Binance's `serverShutdown` event, sent when the server is about to shut
 * down and close the connection ("establish a new connection as soon as
 * possible"): `{"e":"serverShutdown","E":...}`, also seen wrapped in `event`
 * or a combined stream's `data`. A text test, before any parse: short frames
 * only, so depth frames are never scanned.
 * https://developers.binance.com/docs/binance-spot-api-docs/web-socket-streams
 */
export function isServerShutdownText(text: string): boolean {
  return text.length < 400 && text.includes('"serverShutdown"');
}

function trimSlash(url: string): string {
  return url.endsWith('/') ? url.slice(0, -1) : url;
}
