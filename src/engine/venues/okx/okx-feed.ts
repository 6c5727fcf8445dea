import { FeedCore, chunk } from '../../feed/feed-core';
import { peekNumber, peekString, type StreamPosition } from '../../feed/frame-peek';
import { resolveTuning, socketSettingsFrom, type FeedTuning } from '../../feed/feed-tuning';
import { ManagedSocket, type SocketLink } from '../../feed/managed-socket';
import type { Feed, FeedOptions, FeedSubscription } from '../../feed/feed';
import type { FeedStatus } from '../../feed/feed-status';
import { OKX_VENUE_ID } from './instruments';
import { OKX_BOOKS_LIMIT, OKX_INSTRUMENTS_LIMIT, OKX_MAX_BOOK_DEPTH, OKX_TICKERS_LIMIT } from './okx-rest-limits';

/** One subscription arg of `{"op":"subscribe","args":[...]}`. */
export interface OkxArg {
  readonly channel: string;
  readonly instId: string;
}

/** One planned OKX connection: the instruments whose `books` it carries, and all its args. */
export interface OkxConnectionPlan {
  readonly symbols: readonly string[];
  readonly args: readonly OkxArg[];
}

export interface OkxFeedOptions extends FeedOptions {
  readonly tuning?: Partial<FeedTuning>;
}

/** `BTC-USDT` spot, `BTC-USDT-SWAP` perpetual, `BTC-USD-250627` future. */
export function okxInstType(instId: string): 'SPOT' | 'SWAP' | 'FUTURES' {
  if (instId.endsWith('-SWAP')) return 'SWAP';
  return instId.split('-').length >= 3 ? 'FUTURES' : 'SPOT';
}

/** A subscription followed on `books5` (the 5 best levels, whole in every push) rather than `books`. */
export function isOkxPartial(sub: FeedSubscription): boolean {
  return sub.depthStream === 'partial20';
}

/**
 * Args per connection: `books` (400 levels, REST-aligned) or, for partial
 * subscriptions, `books5` (5 levels, each push the whole picture, no REST),
 * and `tickers` for every instrument, `mark-price` for derivatives,
 * `funding-rate` for swaps, `index-tickers` once per index. At most
 * `maxBooks` instruments per connection: OKX advises no more than 30 `books`
 * channels on one socket.
 * https://www.okx.com/docs-v5/en/#order-book-trading-market-data-ws-order-book-channel
 */
export function planOkxConnections(subscriptions: readonly FeedSubscription[], maxBooks: number): OkxConnectionPlan[] {
  const indices = new Set<string>();
  return chunk(subscriptions, maxBooks).map((group) => {
    const args: OkxArg[] = [];
    for (const sub of group) {
      const instId = sub.symbol;
      const type = okxInstType(instId);
      args.push({ channel: isOkxPartial(sub) ? 'books5' : 'books', instId }, { channel: 'tickers', instId });
      if (type !== 'SPOT') args.push({ channel: 'mark-price', instId });
      if (type === 'SWAP') args.push({ channel: 'funding-rate', instId });
      if (sub.index !== null && !indices.has(sub.index)) {
        indices.add(sub.index);
        args.push({ channel: 'index-tickers', instId: sub.index });
      }
    }
    return { symbols: group.map((s) => s.symbol), args };
  });
}

/**
 * Live OKX v5 public market data. Since 2026 `books` may start without a
 * socket snapshot: the book sync then wants one and this fetches REST
 * `market/books` (seqId-aligned by the sync). After a checksum failure or
 * sequence break it also fetches REST rather than resubscribing: a
 * resubscribe yields no snapshot under the 2026 behaviour anyway, costs
 * subscribe budget (480 requests/hour per connection) and stops the updates
 * the sync buffers meanwhile, whereas REST keeps the stream flowing.
 */
export class OkxFeed implements Feed {
  readonly venue = OKX_VENUE_ID;
  private readonly core: FeedCore;
  private readonly restBase: string;
  private readonly socketOf = new Map<string, ManagedSocket>();
  /** When the `books` subscribe for a symbol last went out (cleared when its socket drops). */
  private readonly booksSubscribedAt = new Map<string, number>();
  /** When a socket snapshot for a symbol last arrived. */
  private readonly socketSnapshotAt = new Map<string, number>();
  private readonly deferred = new Set<string>();
  /** `books` symbols: snapshot size and place in the queue. Partial (`books5`) symbols have none. */
  private readonly snapshotPlan = new Map<string, { readonly size: number; readonly priority: number }>();

  constructor(private readonly options: OkxFeedOptions) {
    const config = options.exchanges.okx;
    if (config === undefined) throw new Error('okx feed: exchanges config has no okx block');
    const tuning = resolveTuning(options.tuning);
    this.restBase = config.restUrl.endsWith('/') ? config.restUrl.slice(0, -1) : config.restUrl;
    // Each OKX endpoint has its own limit: books first (the default), instruments and tickers apart.
    const restPlan = { url: this.restBase, limits: [OKX_BOOKS_LIMIT, OKX_INSTRUMENTS_LIMIT, OKX_TICKERS_LIMIT], defaultRetryAfterMs: OKX_BOOKS_LIMIT.windowMs };
    this.core = new FeedCore(this.venue, options.sink, config.connection, tuning, restPlan, options.now, options.limits);
    options.subscriptions.forEach((sub, i) => {
      if (isOkxPartial(sub)) return;
      // An OKX request costs 1 whatever its depth: every book gets the full 400 levels.
      this.snapshotPlan.set(sub.symbol, { size: Math.min(OKX_MAX_BOOK_DEPTH, sub.snapshotDepth ?? OKX_MAX_BOOK_DEPTH), priority: sub.priority ?? i });
    });
    const settings = socketSettingsFrom(config.connection, tuning, true, options.limits);
    planOkxConnections(options.subscriptions, tuning.maxBooksPerConnection).forEach((plan, index) => {
      const socket = new ManagedSocket({
        id: `okx-${index}`,
        venue: this.venue,
        url: config.websocketPublicUrl,
        symbols: plan.symbols,
        bookSymbols: plan.symbols,
        settings,
        now: this.core.now,
        // OKX limits new connections to 3 per second per IP.
        pace: (task) => this.core.pacer.schedule(task),
        hooks: {
          onFrame: (frame) => {
            this.noteSnapshot(frame.data, frame.t);
            this.core.sink.onFrame(frame);
          },
          onDisconnect: (symbols) => {
            for (const symbol of symbols) this.booksSubscribedAt.delete(symbol);
            this.core.sink.onDisconnect?.(this.venue, symbols);
          },
          onStateChange: () => this.core.reportStatus(),
          onOpen: (link) => this.subscribe(link, plan.args, tuning.subscribeBatch),
          eventTime: (text) => peekNumber(text, 'ts'),
          position: okxPosition,
          // A service upgrade notice precedes a disconnect: move to a new socket first.
          // https://www.okx.com/docs-v5/en/#overview-websocket-notification-of-websocket-disconnect
          wantsRotation: (text) => text.length < 2000 && text.includes('"event":"notice"'),
        },
      });
      this.core.sockets.push(socket);
      for (const symbol of plan.symbols) this.socketOf.set(symbol, socket);
    });
  }

  start(): void {
    const types = new Set(this.options.subscriptions.map((s) => okxInstType(s.symbol)));
    for (const type of ['SPOT', 'SWAP', 'FUTURES'] as const) {
      if (types.has(type)) {
        this.core.fetchMetadata(`${this.restBase}/api/v5/public/instruments?instType=${type}`, { budget: this.core.budget(OKX_INSTRUMENTS_LIMIT.name) });
      }
    }
    this.core.start();
  }

  stop(): Promise<void> {
    return this.core.stop();
  }

  /**
   * REST `market/books` for a symbol whose book wants a snapshot. Right after
   * subscribing, waits `snapshotGraceMs` for a socket snapshot (older OKX
   * behaviour, the simulator) that would make the request unnecessary.
   */
  requestSnapshot(symbol: string): void {
    // A books5 book is whole in every push: never a REST snapshot for it.
    if (!this.snapshotPlan.has(symbol)) return;
    const subscribedAt = this.booksSubscribedAt.get(symbol);
    if (subscribedAt === undefined || !this.socketOf.get(symbol)?.isConnected) return;
    const graceEnd = subscribedAt + this.core.tuning.snapshotGraceMs;
    const wait = graceEnd - this.core.now();
    if (wait <= 0) return this.fetchSnapshot(symbol);
    if (this.deferred.has(symbol)) return;
    this.deferred.add(symbol);
    this.core.later(() => {
      this.deferred.delete(symbol);
      if ((this.socketSnapshotAt.get(symbol) ?? -Infinity) >= subscribedAt) return;
      this.fetchSnapshot(symbol);
    }, wait);
  }

  status(): FeedStatus {
    return this.core.status();
  }

  private fetchSnapshot(symbol: string): void {
    const plan = this.snapshotPlan.get(symbol)!;
    const url = `${this.restBase}/api/v5/market/books?instId=${encodeURIComponent(symbol)}&sz=${plan.size}`;
    this.core.requestSnapshot(symbol, url, { priority: plan.priority });
  }

  /**
   * Subscribe requests in batches, sent as soon as the connection is open.
   * OKX's 3 per second per IP limits new connections, which the pacer spaces;
   * subscribe requests have their own limit, 480 an hour per connection, and a
   * connection opens with a handful. Pacing them too (as this once did) put
   * every connection's subscribes behind every other connection's opening:
   * about a minute before the last of 1,000 OKX books was even asked for.
   * https://www.okx.com/docs-v5/en/#overview-websocket-connect
   */
  private subscribe(link: SocketLink, args: readonly OkxArg[], batch: number): void {
    const now = this.core.now();
    for (const part of chunk(args, batch)) {
      for (const arg of part) if (arg.channel === 'books') this.booksSubscribedAt.set(arg.instId, now);
      link.send(JSON.stringify({ op: 'subscribe', args: part }));
    }
  }

  private noteSnapshot(text: string, t: number): void {
    if (!text.startsWith('{"arg":{"channel":"books"')) return;
    if (peekString(text, 'action') !== 'snapshot') return;
    const instId = peekString(text, 'instId');
    if (instId !== undefined) this.socketSnapshotAt.set(instId, t);
  }
}

/**
 * Position of a push in its channel: `seqId` for books (shared by every
 * socket), else the exchange `ts`. Event messages (acks, pong) have none.
 */
export function okxPosition(text: string): StreamPosition | undefined {
  if (!text.startsWith('{"arg":')) return undefined;
  const channel = peekString(text, 'channel');
  const instId = peekString(text, 'instId');
  if (channel === undefined || instId === undefined) return undefined;
  const position = peekNumber(text, 'seqId') ?? peekNumber(text, 'ts');
  return position === undefined ? undefined : { stream: `${channel}:${instId}`, position };
}
