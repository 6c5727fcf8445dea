import type { ConnectionSettings } from '../../../shared/config';
import { chunk, FeedCore } from '../../feed/feed-core';
import { peekNumber, peekString, type StreamPosition } from '../../feed/frame-peek';
import { resolveTuning, socketSettingsFrom, type FeedTuning } from '../../feed/feed-tuning';
import { ManagedSocket, type SocketLink } from '../../feed/managed-socket';
import type { Feed, FeedOptions, FeedSubscription } from '../../feed/feed';
import type { FeedStatus } from '../../feed/feed-status';
import { bybitMarketOf, BYBIT_CATEGORIES, BYBIT_VENUE_ID, type BybitCategory } from './instruments';

/** Bybit's public sockets, one per category, and its REST host. */
export interface BybitConfig {
  readonly enabled: boolean;
  readonly websocketUrls: Readonly<Record<BybitCategory, string>>;
  readonly restUrl: string;
  readonly connection: ConnectionSettings;
}

export interface BybitFeedOptions extends Omit<FeedOptions, 'exchanges'> {
  readonly config: BybitConfig;
  readonly tuning?: Partial<FeedTuning>;
}

/**
 * Book depth of each stream kind. `diff` (the full book) takes the deepest
 * Bybit publishes, 1000 levels (pushed every 200 ms), because depth is
 * measured out to 100 bps and 200 levels of a 0.1 tick reach only a few
 * bps on BTC; `partial20` (the long tail) takes 50 levels every 20 ms, the
 * smallest depth that still carries deltas. A depth-N book stays N deep:
 * levels leaving it are deleted by the deltas.
 * https://bybit-exchange.github.io/docs/v5/websocket/public/orderbook
 */
export const BYBIT_FULL_DEPTH = 1000;
export const BYBIT_PARTIAL_DEPTH = 50;

/**
 * Topics per connection. Bybit caps what one public connection may carry
 * by the length of its args (21,000 characters); 200 topics of about 25
 * characters stay well inside it and keep a dropped socket's blast radius to
 * 100 instruments.
 */
export const BYBIT_TOPICS_PER_CONNECTION = 200;

/** Args per subscribe request: spot takes at most 10 ("you can input up to 10 args for each subscription request"). */
export const BYBIT_ARGS_PER_REQUEST = 10;

/** Public market REST: 600 requests per 5 s per IP (https://bybit-exchange.github.io/docs/v5/rate-limit). */
const BYBIT_REST_LIMIT = { name: 'bybit-market', limit: 600, windowMs: 5_000 } as const;

/** A snapshot asked for by subscribing again is asked for again only after this long without one. */
export const BYBIT_RESUBSCRIBE_AFTER_MS = 5_000;

/** One planned connection: its category, its books and every topic it carries. */
export interface BybitConnectionPlan {
  readonly category: BybitCategory;
  readonly symbols: readonly string[];
  readonly topics: readonly string[];
}

export const bybitBookTopic = (sub: FeedSubscription): string =>
  `orderbook.${sub.depthStream === 'partial20' ? BYBIT_PARTIAL_DEPTH : BYBIT_FULL_DEPTH}.${bybitMarketOf(sub.symbol).venueSymbol}`;

/** Per category, books and their tickers packed onto connections of at most `topicsPerConnection` topics. */
export function planBybitConnections(subscriptions: readonly FeedSubscription[], topicsPerConnection = BYBIT_TOPICS_PER_CONNECTION): BybitConnectionPlan[] {
  const plans: BybitConnectionPlan[] = [];
  for (const category of BYBIT_CATEGORIES) {
    const mine = subscriptions.filter((s) => bybitMarketOf(s.symbol).category === category);
    for (const group of chunk(mine, Math.max(1, Math.floor(topicsPerConnection / 2)))) {
      plans.push({
        category,
        symbols: group.map((s) => s.symbol),
        topics: group.flatMap((s) => [bybitBookTopic(s), `tickers.${bybitMarketOf(s.symbol).venueSymbol}`]),
      });
    }
  }
  return plans;
}

/**
 * Live Bybit v5 public market data: spot, linear and inverse, each on its
 * own sockets. https://bybit-exchange.github.io/docs/v5/ws/connect
 *
 * - Books come whole on the socket: a snapshot after each subscribe, then
 *   deltas. A book that wants a snapshot (a gap in `u`) is subscribed again
 *   on its socket (unsubscribe, subscribe), which Bybit answers with a
 *   snapshot; there is no REST book to align (REST `market/orderbook` is a
 *   different depth with no documented tie to the stream's `u`).
 * - Keepalive: `{"op":"ping"}` every `ping_interval_seconds` (Bybit
 *   recommends 20 s) whatever the traffic; no answer within the pong timeout
 *   closes the socket. A socket with no frame for `stale_timeout_seconds` is
 *   replaced; reconnects back off with jitter.
 * - Metadata: `market/instruments-info` for each category in use at start
 *   (limit 1000; a `nextPageCursor` is followed), as REST frames.
 */
export class BybitFeed implements Feed {
  readonly venue = BYBIT_VENUE_ID;
  private readonly core: FeedCore;
  private readonly restBase: string;
  /** Per book: its connection (the socket, and its link while one is open) and its topic, for snapshot requests. */
  private readonly books = new Map<string, { readonly connection: ConnectionSlot; readonly topic: string }>();
  private readonly asked = new Map<string, number>();
  private resubscribes = 0;
  private snapshotsSeen = 0;
  private readonly categories: readonly BybitCategory[];

  constructor(private readonly options: BybitFeedOptions) {
    const config = options.config;
    const tuning = resolveTuning(options.tuning);
    this.restBase = config.restUrl.endsWith('/') ? config.restUrl.slice(0, -1) : config.restUrl;
    this.core = new FeedCore(this.venue, options.sink, config.connection, tuning, { url: this.restBase, limits: [BYBIT_REST_LIMIT] }, options.now, options.limits);
    const settings = socketSettingsFrom(config.connection, tuning, true, options.limits);
    const plans = planBybitConnections(options.subscriptions, tuning.maxStreamsPerConnection ?? BYBIT_TOPICS_PER_CONNECTION);
    this.categories = [...new Set(plans.map((p) => p.category))];
    const bookTopic = new Map(options.subscriptions.map((s) => [s.symbol, bybitBookTopic(s)]));
    plans.forEach((plan, index) => {
      const connection: ConnectionSlot = { socket: null, link: null };
      const socket = new ManagedSocket({
        id: `bybit-${plan.category}-${index}`,
        venue: this.venue,
        url: config.websocketUrls[plan.category],
        symbols: plan.symbols,
        bookSymbols: plan.symbols,
        settings,
        now: this.core.now,
        pace: (task) => this.core.pacer.schedule(task),
        ping: { text: '{"op":"ping"}', always: true },
        hooks: {
          onFrame: (frame) => {
            if (frame.data.startsWith('{"topic":"orderbook.') && peekString(frame.data, 'type') === 'snapshot') this.snapshotsSeen += 1;
            this.core.sink.onFrame(frame);
          },
          onDisconnect: (symbols) => {
            connection.link = null;
            this.core.sink.onDisconnect?.(this.venue, symbols);
          },
          onStateChange: () => this.core.reportStatus(),
          onOpen: (link) => {
            connection.link = link;
            for (const symbol of plan.symbols) this.asked.delete(symbol);
            for (const part of chunk(plan.topics, Math.min(BYBIT_ARGS_PER_REQUEST, tuning.subscribeBatch))) link.send(JSON.stringify({ op: 'subscribe', args: part }));
          },
          eventTime: (text) => peekNumber(text, 'ts'),
          position: bybitPosition,
        },
      });
      connection.socket = socket;
      for (const symbol of plan.symbols) this.books.set(symbol, { connection, topic: bookTopic.get(symbol)! });
      this.core.sockets.push(socket);
    });
  }

  start(): void {
    for (const category of this.categories) this.fetchInstruments(`${this.restBase}/v5/market/instruments-info?category=${category}&limit=1000`);
    this.core.start();
  }

  stop(): Promise<void> {
    return this.core.stop();
  }

  /**
   * The book of `symbol` wants a snapshot: subscribe its topic again on its
   * socket (Bybit sends a snapshot on every subscribe), at most once per
   * {@link BYBIT_RESUBSCRIBE_AFTER_MS} while none has come.
   */
  requestSnapshot(symbol: string): void {
    const book = this.books.get(symbol);
    const link = book?.connection.link;
    if (book === undefined || link === null || link === undefined || !book.connection.socket?.isConnected) return;
    const now = this.core.now();
    const last = this.asked.get(symbol);
    if (last !== undefined && now - last < BYBIT_RESUBSCRIBE_AFTER_MS) return;
    this.asked.set(symbol, now);
    this.resubscribes += 1;
    link.send(JSON.stringify({ op: 'unsubscribe', args: [book.topic] }));
    link.send(JSON.stringify({ op: 'subscribe', args: [book.topic] }));
  }

  status(): FeedStatus {
    // Snapshots are asked for by subscribing again, not over REST: those are the counts the Feeds view shows.
    return { ...this.core.status(), snapshotsRequested: this.resubscribes, snapshotsFetched: this.snapshotsSeen };
  }

  /** One page of instruments, then the next while Bybit gives a cursor. */
  private fetchInstruments(url: string): void {
    this.core.fetchMetadata(url, { budget: this.core.budget(BYBIT_REST_LIMIT.name) }, (body) => {
      const cursor = peekString(body, 'nextPageCursor');
      return cursor === undefined || cursor === '' ? undefined : `${url.replace(/&cursor=[^&]*/, '')}&cursor=${encodeURIComponent(cursor)}`;
    });
  }
}

/** One connection as snapshot requests see it: its socket, and its current link while one is open. */
interface ConnectionSlot {
  socket: ManagedSocket | null;
  link: SocketLink | null;
}

/** Position of a push in its topic: `u` for books (deduplicates two overlapping sockets), else the exchange `ts`. Replies have none. */
export function bybitPosition(text: string): StreamPosition | undefined {
  if (!text.startsWith('{"topic":"')) return undefined;
  const topic = peekString(text, 'topic');
  if (topic === undefined) return undefined;
  const position = topic.startsWith('orderbook.') ? peekNumber(text, 'u') : peekNumber(text, 'ts');
  return position === undefined ? undefined : { stream: topic, position };
}
