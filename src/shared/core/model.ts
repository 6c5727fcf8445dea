/**
 * The normalized market model every layer shares: venues map their raw
 * frames into these records, the core turns them into metrics and alerts.
 * Records are readonly and tagged with `type`; each carries the exchange's
 * own time (when the venue sends one) and the local receive time.
 */

/** Venue ids as used in captures: `binance-spot`, `binance-usdm`, `okx`. */
export type VenueId = string;

export type InstrumentType = 'spot' | 'perpetual' | 'future';

/**
 * How a size on the book becomes quote notional:
 * - `spot`: size is in base units, notional = size x price
 * - `linear`: size is in contracts of `contractValue` base units, notional = size x contractValue x price
 * - `inverse`: size is in contracts worth `contractValue` quote (USD) each, notional = size x contractValue
 */
export type ContractKind = 'spot' | 'linear' | 'inverse';

export interface Instrument {
  readonly venue: VenueId;
  /** The venue's own symbol: `BTCUSDT`, `BTC-USDT-SWAP`. */
  readonly symbol: string;
  /** Canonical id shared across venues: `BTC-USDT-PERP`. */
  readonly id: string;
  readonly type: InstrumentType;
  readonly base: string;
  readonly quote: string;
  readonly tickSize: number;
  /**
   * Quantity step of the book's sizes, in the book's own unit (base units for
   * spot and Binance/Bybit linear, contracts for OKX swaps and futures and
   * for inverse contracts): Binance `LOT_SIZE.stepSize`, OKX `lotSz`, Bybit
   * `basePrecision` / `qtyStep`. Positive and finite when present; absent
   * where the venue's metadata does not say (the ladder then prints sizes
   * with the exchange's own decimals).
   */
  readonly lotSize?: number;
  readonly contractKind: ContractKind;
  /** Base units per contract (linear) or quote per contract (inverse); 1 for spot. */
  readonly contractValue: number;
  /** The venue's index this derivative is priced against, when it publishes it apart (OKX `uly`: `BTC-USDT`). */
  readonly indexSymbol?: string;
  /** Liquidity tier (alerts.yaml `tiers`) the instrument is judged by; absent when unknown (then `default` applies). */
  readonly tier?: string;
  /**
   * Dated futures: delivery / expiry time, epoch ms (Binance USD-M
   * `deliveryDate`, OKX `expTime`; both 08:00 UTC). Absent for spot and
   * perpetuals, and where the source does not say.
   */
  readonly expiry?: number;
}

/** A price level exactly as the exchange sent it: [price, size] strings. */
export type RawLevel = readonly [price: string, size: string];

/**
 * Sequence fields of a book message, mapped from each venue's own names:
 * Binance `U` -> first, `u` -> last, `pu` -> prev, snapshot `lastUpdateId` -> last;
 * OKX `seqId` -> last, `prevSeqId` -> prev.
 */
export interface SequenceFields {
  readonly first?: number;
  readonly last?: number;
  readonly prev?: number;
}

interface EventBase {
  readonly venue: VenueId;
  readonly symbol: string;
  /** Exchange event time, epoch ms, when the venue sends one. */
  readonly exchangeTime?: number;
  /** Local receive time, epoch ms. */
  readonly receiveTime: number;
}

export interface BookSnapshotEvent extends EventBase {
  readonly type: 'book_snapshot';
  readonly bids: readonly RawLevel[];
  readonly asks: readonly RawLevel[];
  readonly seq: SequenceFields;
  /** OKX CRC32 as a signed 32-bit integer; absent or 0 means none. */
  readonly checksum?: number;
}

export interface BookDeltaEvent extends EventBase {
  readonly type: 'book_delta';
  /** Levels to set; a size of zero deletes the level. */
  readonly bids: readonly RawLevel[];
  readonly asks: readonly RawLevel[];
  readonly seq: SequenceFields;
  readonly checksum?: number;
}

/** Best bid and offer from a ticker stream (bookTicker, tickers). */
export interface QuoteEvent extends EventBase {
  readonly type: 'quote';
  readonly bidPrice: number;
  readonly bidSize: number;
  readonly askPrice: number;
  readonly askSize: number;
  /**
   * The venue's order-book update id this top of book is as of, when it sends
   * one (Binance bookTicker `u`, the same id space as the diff depth `u`); the
   * book cross-check lines quotes up with the book by it, else by time.
   */
  readonly updateId?: number;
}

/** Mark price, index price and funding; any subset may be present. */
export interface ReferencePriceEvent extends EventBase {
  readonly type: 'reference';
  readonly markPrice?: number;
  readonly indexPrice?: number;
  readonly fundingRate?: number;
  readonly nextFundingTime?: number;
  /** The venue's funding interval when it says (OKX: the step between its two settlement times). */
  readonly fundingIntervalMs?: number;
}

/** An index price published on its own (OKX `index-tickers`); `symbol` is the index name (`BTC-USDT`). */
export interface IndexPriceEvent extends EventBase {
  readonly type: 'index_price';
  readonly price: number;
}

export type MarketEvent = BookSnapshotEvent | BookDeltaEvent | QuoteEvent | ReferencePriceEvent | IndexPriceEvent;

/** Names of the metrics the core computes; rules refer to them. */
export const METRIC_NAMES = [
  'mid',
  'spread_abs',
  'spread_bps',
  'imbalance',
  'depth_bid_10bps',
  'depth_ask_10bps',
  /** The thinner side within 10 bps: what a depth rule watches. */
  'depth_10bps',
  'depth_bid_25bps',
  'depth_ask_25bps',
  'depth_bid_50bps',
  'depth_ask_50bps',
  'depth_bid_100bps',
  'depth_ask_100bps',
  /** Perpetual mid vs spot mid on the same venue. */
  'basis_perp_spot_bps',
  /** Perpetual mid vs the index price. */
  'basis_perp_index_bps',
  /** Mark price vs index price. */
  'basis_mark_index_bps',
  /**
   * Dated futures: the future's mid vs the index it settles to, annualized to
   * its expiry (% a year, ACT/365); absent in its last day (basis.ts).
   */
  'basis_annualized_pct',
  'funding_rate',
  /** Funding normalized to bps per 8 hours, whatever the venue's funding interval. */
  'funding_bps_8h',
  /** This instrument's mid vs the same canonical instrument on another venue. */
  'cross_venue_bps',
] as const;

export type KnownMetricName = (typeof METRIC_NAMES)[number];

/**
 * What feed-integrity alerts watch: the health of a venue's connection and
 * data, or of the engine, rather than a market. Never in a MetricSample;
 * only feed rules (alerts.yaml `feed:`) refer to them.
 */
export const FEED_METRIC_NAMES = [
  /** Seconds the venue's worst connection has been down or unreachable. */
  'feed_down_seconds',
  /** Seconds since the venue's last frame, while it is stale and its connections are up. */
  'feed_stale_seconds',
  'resyncs_in_window',
  'gaps_in_window',
  'checksum_failures_in_window',
  'rejected_frames_in_window',
  /** Seconds a book has been crossed or locked without a break. */
  'crossed_seconds',
  /** Sustained book-top mismatches (book vs the venue's own top-of-book stream), each a forced resync. */
  'book_drift_in_window',
  'worker_restarts_in_window',
  /** Seconds between a sampling boundary and its evaluation. */
  'analytics_lag_seconds',
  'history_write_failures_in_window',
] as const;

export type FeedMetricName = (typeof FEED_METRIC_NAMES)[number];

/** Depth bands are configurable, so depth metric names are open-ended. */
export type MetricName = KnownMetricName | FeedMetricName | `depth_${'bid' | 'ask'}_${number}bps`;

export type Severity = 'warning' | 'critical';

/**
 * Why a value could not be judged: rules skip instead of guessing.
 * `reference_stale`: the mark/index/funding stream went quiet; `leg_invalid`:
 * the other book a metric compares with (spot leg, other venue) is stale or invalid.
 */
export type SkipReason = 'zscore_warmup' | 'stale_data' | 'book_invalid' | 'reference_stale' | 'leg_invalid' | 'unconverted' | 'no_value';

/**
 * Where a metric's inputs come from. A rule is blinded only by the sources its
 * metric reads: a crossed book blinds spread and depth, not mark vs index.
 * - `book`: this instrument's order book (or its ticker when it has no book)
 * - `reference`: the venue's mark price, index price and funding streams
 * - `spot_leg`: the spot book a perpetual's basis is taken against
 * - `peer`: the same canonical instrument's book on another venue
 * - `usd_rate`: the venue's price of the quote asset in USD(T), which turns
 *   quote notional (depth) into USD; `invalid` when the venue has none
 */
export type DataSource = 'book' | 'reference' | 'spot_leg' | 'peer' | 'usd_rate';

/** One source's health at sampling time. */
export interface SourceHealth {
  /** `ok`, or why its data cannot be trusted now. */
  readonly state: 'ok' | 'stale' | 'invalid';
  /** The source was interrupted since the previous sample (resync, reconnect): its series has a hole. */
  readonly gap: boolean;
}

/** Health of the data behind an instrument at sampling time. */
export interface DataHealth {
  /** No frame for longer than the stale timeout. */
  readonly stale: boolean;
  /** Book out of sync (gap, checksum failure, crossed) and awaiting resync. */
  readonly bookValid: boolean;
  /**
   * Per source; a source not listed follows `stale` and `bookValid` (the book)
   * or is taken as healthy (the others), so older producers keep working.
   */
  readonly sources?: Readonly<Partial<Record<DataSource, SourceHealth>>>;
}

/** One sample per instrument per sampling interval. */
export interface MetricSample {
  /** `${venue}:${symbol}`, unique across venues. */
  readonly key: string;
  readonly instrumentId: string;
  readonly venue: VenueId;
  readonly time: number;
  readonly values: Readonly<Partial<Record<MetricName, number>>>;
  /** Depth bands the book does not reach, per side: `depth_bid_100bps` -> false. */
  readonly covered: Readonly<Partial<Record<MetricName, boolean>>>;
  readonly health: DataHealth;
  /** The instrument's tick size: z-score variance floors given in ticks need it. */
  readonly tickSize?: number;
  /** The instrument's lot size (see {@link Instrument.lotSize}): the book ladder's size decimals. */
  readonly lotSize?: number;
  /** Perpetuals: when the current funding rate settles, and the venue's funding interval (null: not known, 8 h assumed). */
  readonly funding?: { readonly nextTime: number; readonly intervalMs: number | null };
}

/** Level of an alert: pending (condition held, persistence not yet met), firing, resolved. */
export type AlertState = 'pending' | 'firing' | 'resolved';

export type AlertEventKind =
  | 'pending'
  | 'firing'
  | 'escalated'
  | 'deescalated'
  | 'resolved'
  | 'cancelled'
  | 'acknowledged';

/** One entry of an alert's audit trail, with the values that caused it. */
export interface AlertEvent {
  readonly alertId: string;
  readonly kind: AlertEventKind;
  readonly time: number;
  readonly severity: Severity;
  readonly rule: string;
  readonly metric: MetricName;
  readonly value: number | null;
  readonly zscore: number | null;
  readonly threshold: number;
  readonly zThreshold: number | null;
  readonly by?: string;
  readonly note?: string;
  /** Feed-integrity alerts: the condition in words at this transition. */
  readonly detail?: string;
}

export interface Acknowledgement {
  readonly by: string;
  readonly time: number;
  readonly note: string;
}

/** An alert per (instrument key, metric): one open at a time. */
export interface Alert {
  readonly id: string;
  readonly key: string;
  readonly instrumentId: string;
  readonly venue: VenueId;
  readonly metric: MetricName;
  readonly state: AlertState;
  readonly severity: Severity;
  readonly rule: string;
  readonly openedAt: number;
  readonly firedAt: number | null;
  readonly resolvedAt: number | null;
  readonly value: number | null;
  readonly zscore: number | null;
  readonly threshold: number;
  readonly acknowledged: Acknowledgement | null;
  /**
   * Feed-integrity alerts: what is wrong in words an operator acts on
   * (`ENOTFOUND fstream.binance.com, retry #7 in 16 s`). Absent for market alerts.
   */
  readonly detail?: string;
  /** The episode's most extreme value and z so far (the audit trail keeps the value at open). */
  readonly peakValue?: number | null;
  readonly peakZscore?: number | null;
}

/**
 * An alert as the history keeps it (the SQLite row, the console's history
 * view, the reports): the alert with its optional parts stored as null, and
 * what only its whole life shows. Derived from `Alert`, so a field added
 * there reaches the history, contract and report rows.
 */
export interface StoredAlert extends Omit<Alert, 'detail' | 'peakValue' | 'peakZscore'> {
  /** Pending alerts that never fired and ended: resolved without `firedAt`. */
  readonly cancelled: boolean;
  /** The worst severity the alert reached. */
  readonly peakSeverity: Severity;
  /** Feed-integrity alerts: what was wrong, in words (null for market alerts). */
  readonly detail: string | null;
  readonly peakValue: number | null;
  readonly peakZscore: number | null;
}

/** `${venue}:${symbol}`: the unique key of a venue instrument. */
export function instrumentKey(venue: VenueId, symbol: string): string {
  return `${venue}:${symbol}`;
}
