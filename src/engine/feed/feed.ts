import type { ExchangesConfig, LimitsSettings } from '../../shared/config';
import type { VenueId } from '../../shared/core/model';
import type { FeedSink } from './feed-sink';
import type { FeedStatus } from './feed-status';

/** A live venue connection group: the only place that opens sockets or calls REST. */
export interface Feed {
  readonly venue: VenueId;
  start(): void;
  /** Closes every socket; resolves when they are closed. */
  stop(): Promise<void>;
  /** Fetches a REST book snapshot for a symbol whose book wants one (deduplicated, rate-limited). */
  requestSnapshot(symbol: string): void;
  status(): FeedStatus;
}

/** One symbol a feed subscribes to. */
export interface FeedSubscription {
  /** The venue's symbol: `BTCUSDT`, `BTC-USDT-SWAP`. */
  readonly symbol: string;
  /**
   * The book stream. Binance: `diff` (`@depth@100ms`, synced against a REST
   * snapshot) or `partial20` (`@depth20@100ms`, 20 levels, no REST).
   * OKX: `diff` or null is `books` (400 levels, REST-aligned), `partial20`
   * is `books5` (the 5 best levels every push, no REST). No snapshot is
   * ever fetched for a partial book.
   */
  readonly depthStream: 'diff' | 'partial20' | null;
  /**
   * REST snapshot depth (Binance `limit`, OKX `sz`); absent: the feed's plan
   * (full depth for the most liquid that fit the budget, 100 for the rest).
   */
  readonly snapshotDepth?: number;
  /**
   * Place in the snapshot queue, lower first; absent: the order of the
   * subscriptions (list the most liquid first).
   */
  readonly priority?: number;
  /** OKX: the index (`BTC-USDT`) to follow on `index-tickers`; null for none. */
  readonly index: string | null;
}

export interface FeedOptions {
  readonly subscriptions: readonly FeedSubscription[];
  /**
   * URLs and connection settings from exchanges.yaml (a simulator is just
   * other URLs): the feed reads its own exchange's block and needs no other
   * (a feed worker is given only that one).
   */
  readonly exchanges: Partial<ExchangesConfig>;
  readonly sink: FeedSink;
  /** REST body and WebSocket payload caps (features.yaml `limits`); defaults when absent. */
  readonly limits?: Partial<LimitsSettings>;
  /** Clock, injectable for tests; defaults to Date.now. */
  readonly now?: () => number;
}
