/**
 * The one contract between the console (renderer) and the engine. Electron IPC
 * (preload + main) and the browser fallback (WebSocket to `surveil serve`)
 * both implement it; both validate every request with `REQUEST_SCHEMAS` at the
 * boundary. Pure: types and zod schemas only.
 */
import { z } from 'zod';
import type { Alert, AlertEvent, DataHealth, InstrumentType, MetricName, StoredAlert, VenueId } from './core/model';
import type { RuleSpec } from './core/rule-types';
import type { RuleStatus } from './core/rule-status';
import { silenceSpanProblem, type Silence } from './silences';

export type { Silence } from './silences';

export const API_VERSION = 1;

/** The colour an instrument shows in the overview, worst first. */
export type InstrumentStatus = 'critical' | 'warning' | 'invalid' | 'stale' | 'warming_up' | 'normal';

/** A z-score as shown: null while the window warms up (`samples` of `needed`). */
export interface ZScoreView {
  readonly z: number | null;
  readonly samples: number;
  readonly needed: number;
}

/** One row of the market overview: the latest sample of one venue instrument. */
export interface OverviewRow {
  readonly key: string;
  readonly venue: VenueId;
  readonly symbol: string;
  readonly instrumentId: string;
  readonly type: InstrumentType;
  readonly time: number;
  readonly values: Readonly<Partial<Record<MetricName, number>>>;
  readonly covered: Readonly<Partial<Record<MetricName, boolean>>>;
  readonly zscores: Readonly<Partial<Record<MetricName, ZScoreView>>>;
  readonly health: DataHealth;
  readonly status: InstrumentStatus;
  readonly openAlerts: number;
  /** Where each of the instrument's rules stands: why it is (or is not) alerting. */
  readonly rules: readonly RuleStatus[];
  /** Liquidity tier (alerts.yaml `tiers`) the instrument is judged by; absent when it has none. */
  readonly tier?: string;
  /** Perpetuals: when the current funding rate settles and the venue's interval (null: 8 h assumed). */
  readonly funding?: { readonly nextTime: number; readonly intervalMs: number | null };
  /** The instrument's tick size (the book ladder's price decimals); absent when unknown. */
  readonly tickSize?: number;
  /** The instrument's lot size (the book ladder's size decimals); absent when the venue's metadata does not say. */
  readonly lotSize?: number;
  /** Base units per contract (linear derivatives), from instruments.yaml or discovery: the ladder's notional; absent when unknown. */
  readonly contractValue?: number;
}

/** Metrics a {@link RowSummary} carries, in this order: the values the overview sorts and shows. */
export const SUMMARY_METRICS = [
  'spread_bps',
  'depth_bid_10bps',
  'depth_ask_10bps',
  'basis_perp_spot_bps',
  'basis_perp_index_bps',
  'basis_mark_index_bps',
  'cross_venue_bps',
  'funding_bps_8h',
] as const satisfies readonly MetricName[];

/** z-scores a {@link RowSummary} carries, in this order. */
export const SUMMARY_ZSCORES = ['spread_bps', 'depth_10bps', 'basis_perp_spot_bps'] as const satisfies readonly MetricName[];

/**
 * One overview row in brief, for an instrument a client does not show in
 * detail (see `setInterest`): what the overview sorts, filters and orders
 * problems by. Values are rounded to 4 significant digits and z-scores to
 * 2 decimals (finer than the table shows), so that a row is sent again only
 * when something an operator could see has changed.
 */
export interface RowSummary {
  readonly key: string;
  readonly instrumentId: string;
  readonly type: InstrumentType;
  readonly tier?: string;
  readonly time: number;
  readonly status: InstrumentStatus;
  /** Pending and firing alerts. */
  readonly openAlerts: number;
  readonly stale: boolean;
  readonly bookValid: boolean;
  /** By position in SUMMARY_METRICS; null when the sample has no such value. */
  readonly values: readonly (number | null)[];
  /** By position in SUMMARY_ZSCORES: the z, `[samples, needed]` while the window warms, null when there is none. */
  readonly z: readonly (number | readonly [samples: number, needed: number] | null)[];
}

/** Most keys a client may ask full rows for: a screenful of rows, the charts and the alerts in view. */
export const MAX_INTEREST_KEYS = 300;

/**
 * What one client shows. Once a client has said it, full rows go to it only
 * for `keys` (the selected instrument, chart panels, alerts in view), as
 * they change; the rows on screen (`shown`) come as a {@link RowSummary} as
 * they change; every other instrument as a summary only when it changed, at
 * most every 5 s, or within a second when its problem state (status, open
 * alerts, stale, book valid) changed; feed views at most once a second. A
 * client that never says it gets every row in full (tools, tests, small desks).
 */
export interface ClientInterest {
  readonly keys: readonly string[];
  readonly shown?: readonly string[];
}

/** Top of one book, the exchange's strings, best first. */
export interface BookLadder {
  readonly key: string;
  readonly time: number;
  readonly bids: readonly (readonly [price: string, size: string])[];
  readonly asks: readonly (readonly [price: string, size: string])[];
  readonly bidLevels: number;
  readonly askLevels: number;
  readonly valid: boolean;
}

export type ConnectionState = 'connecting' | 'connected' | 'stale' | 'reconnecting' | 'backing_off' | 'stopped';

export interface ConnectionView {
  readonly id: string;
  readonly url: string;
  readonly state: ConnectionState;
  readonly symbols: readonly string[];
  /** How many symbols the connection carries; a client that declared its interest gets this and an empty `symbols`. */
  readonly symbolCount?: number;
  readonly since: number;
  readonly messages: number;
  readonly messageRate: number;
  readonly lastFrameAt: number | null;
  readonly lagMs: number | null;
  readonly reconnects: number;
  readonly failedAttempts: number;
  readonly lastError: string | null;
  /** Since when this connection has delivered nothing (dropped, or never opened); null while it delivers. */
  readonly downSince: number | null;
  /** When the next connection attempt starts; null while connected or while an attempt is under way. */
  readonly nextRetryAt: number | null;
}

/** Health of one venue's feed: what an operator needs to trust (or distrust) its data. */
export interface FeedView {
  readonly venue: VenueId;
  readonly connections: readonly ConnectionView[];
  readonly frames: number;
  readonly rejected: Readonly<Record<string, number>>;
  readonly sequenceGaps: number;
  readonly resyncs: number;
  readonly checksumFailures: number;
  readonly staleEpisodes: number;
  /** Book tops compared with the venue's own top-of-book stream (bookTicker, tickers), all books of the venue. */
  readonly driftChecks: number;
  /** Of those, the ones where a book's best bid or ask (price or size) disagreed. */
  readonly driftMismatches: number;
  /** Sustained disagreements: each a `book_drift` event that forced the book to resync (deep mismatches included). */
  readonly bookDrifts: number;
  /** REST snapshots compared level by level with a live book at the same seqId (deep verification, docs/book-truth.md). */
  readonly deepChecks?: number;
  /** Of those, the ones that differed: each also a `book_drift`, the book rebuilt from that snapshot. */
  readonly deepMismatches?: number;
  /** Deep verifications that could not be made (no answer in time, or the sequence passed the answer). */
  readonly deepUnverified?: number;
  readonly snapshotsRequested: number;
  readonly snapshotsFailed: number;
  /** Frames and REST bodies refused for their size (features.yaml limits), all connections of the venue. */
  readonly tooLarge?: number;
  /** The venue's books on the overview: valid (synced, not crossed) of all. */
  readonly books?: { readonly valid: number; readonly total: number };
  /** z-score warmup across the venue's instruments: the least warmed window. */
  readonly warmup: { readonly samples: number; readonly needed: number } | null;
  /** Times this venue's worker (or the analytics worker) died and was started again. */
  readonly workerRestarts: number;
  readonly lastWorkerRestart: { readonly time: number; readonly worker: string; readonly reason: string } | null;
}

/** One thread of the live engine: main, analytics, history, or a venue's feed (`feed:binance`). */
export interface EngineThreadView {
  readonly thread: string;
  /** `restarting`: it died and its restart is pending, or (with `planned`) it is being replaced on purpose. */
  readonly state: 'running' | 'restarting';
  /** Why it is being replaced on purpose (`recording to …`, a new selection); null otherwise. Not a restart to count. */
  readonly planned: string | null;
  /** When its current instance started (epoch ms); null when not known. */
  readonly startedAt: number | null;
  /** V8 heap in use as its current instance last reported, bytes; null before its first report. */
  readonly heapUsedBytes: number | null;
  /** Epoch ms of its current instance's latest report (every second); null before the first. A thread that stops reporting is stuck. */
  readonly reportedAt: number | null;
  /**
   * Its worst event-loop delay over about the last second, ms: how long a
   * frame, a message or a timer on it may have waited. Null before a report.
   */
  readonly loopDelayMs: number | null;
  /** Unplanned restarts since the engine started. */
  readonly restarts: number;
  readonly lastRestart: { readonly time: number; readonly reason: string } | null;
}

/**
 * The live engine's threads, as the Feeds view's engine table shows them:
 * whether each runs and reports, its heap, its restarts; how late analytics
 * evaluates; what the history thread has not yet written. Sent about once a
 * second and on every restart; in a replay it is still the live engine's.
 */
export interface EngineView {
  /** Epoch ms main built it. */
  readonly time: number;
  /** The sampling interval (features.yaml): boundaries are this far apart. */
  readonly intervalMs: number;
  readonly threads: readonly EngineThreadView[];
  /** Null until the analytics worker first reported. */
  readonly analytics: {
    /** The latest boundary evaluated (epoch ms) and how late its evaluation began; null before the first. */
    readonly lastBoundary: { readonly time: number; readonly lagMs: number } | null;
    readonly evaluated: number;
    /** Boundaries dropped unevaluated to catch up (the engine alert says so). */
    readonly shed: number;
    /** Complete boundaries waiting for evaluation. */
    readonly waiting: number;
  } | null;
  /** Null without a history file, or until analytics first reported. */
  readonly history: {
    readonly pendingRows: number;
    readonly behindRows: number;
    /** Failed writes, lost rows, crashes and stuck spells, since analytics started it. */
    readonly failures: number;
    readonly lastError: string | null;
    /** When the last error was seen (epoch ms). */
    readonly lastErrorAt: number | null;
  } | null;
}

export type ReplaySpeed = 'max' | number;

export interface ReplayState {
  readonly capture: string;
  readonly state: 'playing' | 'paused' | 'done' | 'error';
  readonly speed: ReplaySpeed;
  /**
   * Share of the capture replayed, 0..1: frames replayed of `framesTotal`
   * when the capture's index gives the total, else bytes of the file read
   * (`progressBy` says which).
   */
  readonly progress: number;
  /** What `progress` counts; absent from older engines (bytes). */
  readonly progressBy?: 'frames' | 'bytes';
  /** Frames in the whole capture (from its index), null while unknown. */
  readonly framesTotal?: number | null;
  /** Time of the capture's first and last frame (from its index), null while unknown. */
  readonly firstT?: number | null;
  readonly lastT?: number | null;
  /** Receive time of the latest replayed frame: the replay's "now". */
  readonly frameTime: number | null;
  readonly frames: number;
  readonly error: string | null;
  /**
   * What the replay had to work around, in words: a recording cut short
   * (killed mid-write: how much was read) or jumps forward in time replayed at
   * once instead of waiting; absent or null when none.
   */
  readonly warning?: string | null;
  /**
   * Where an imported capture came from, in words (`imported from Tardis.dev
   * incremental_book_L2 file X (N rows, M refused)`: the replay report's
   * `source.text`); absent or null for a recording.
   */
  readonly source?: string | null;
}

export type ConsoleMode =
  | { readonly kind: 'live' }
  | { readonly kind: 'demo'; readonly scenario: string }
  | { readonly kind: 'replay'; readonly capture: string };

export interface ConsoleSnapshot {
  readonly apiVersion: number;
  readonly mode: ConsoleMode;
  /** True for the simulator: the UI must say so on screen at all times. */
  readonly simulated: boolean;
  /** Every row in full; after `setInterest`, only the rows of interest (the others are in `summary`). */
  readonly overview: readonly OverviewRow[];
  /** After `setInterest`: every instrument not in `overview`, in brief. */
  readonly summary?: readonly RowSummary[];
  /** Alerts pending or firing. */
  readonly alerts: readonly AlertView[];
  readonly feeds: readonly FeedView[];
  readonly replay: ReplayState | null;
  /** Resolved rules per instrument key (thresholds drawn on charts). */
  readonly rules: Readonly<Record<string, readonly RuleSpec[]>>;
  readonly serverTime: number;
  /** Which captures `openCapture` accepts (the replay view says so); absent from older engines. */
  readonly captures?: CaptureAccess;
  /** Every silence not expired, and the ones expired in the last day (docs/alerts.md); absent from older engines. */
  readonly silences?: readonly Silence[];
  /** The live engine's threads; absent from older engines and consoles without an engine. */
  readonly engine?: EngineView | null;
}

/**
 * What the console adds to an alert from its case and its trail: its value
 * and z at open (the alert's own `value` is that of its last transition),
 * who it is assigned to (null: nobody) and how many notes it has. Absent
 * fields: not known (older engines).
 */
export interface AlertCaseFields {
  readonly openValue?: number | null;
  readonly openZscore?: number | null;
  readonly assignee?: string | null;
  readonly notes?: number;
}

/** An alert as the console shows it: the alert plus its case. */
export interface AlertView extends Alert, AlertCaseFields {}

/** One entry of an alert's case thread: a note, an assignment, or a notification a silence held back. */
export interface AlertCaseEntry {
  readonly alertId: string;
  readonly kind: 'note' | 'assigned' | 'silenced';
  readonly time: number;
  readonly by: string;
  /** The note; the assignee (empty: unassigned); the silence's id and what it matched. */
  readonly text: string;
}

/** Where a console opens captures from: its folders (listed), and any path typed when it is a loopback or desktop console. */
export interface CaptureAccess {
  /** Folders `listCaptures` looks in (not recursive). */
  readonly folders: readonly string[];
  /** True when any readable capture path may be opened (Electron, or a console bound to loopback). */
  readonly anyPath: boolean;
}

/** Pushed from the engine; the renderer applies them in order. */
export type ConsoleEvent =
  /** Rows that changed, at most a few times a second. */
  | { readonly type: 'overview'; readonly rows: readonly OverviewRow[] }
  /** Instruments outside the client's `keys` whose summary changed (see {@link ClientInterest} for how often). */
  | { readonly type: 'summary'; readonly rows: readonly RowSummary[] }
  /** Every alert transition, in order; never coalesced or dropped. */
  | { readonly type: 'alerts'; readonly events: readonly AlertEvent[]; readonly alerts: readonly AlertView[] }
  | { readonly type: 'feeds'; readonly feeds: readonly FeedView[] }
  /** The live engine's threads: about once a second and on a restart; the latest replaces the one before. */
  | { readonly type: 'engine'; readonly engine: EngineView }
  /** The book chosen with `watchBook`, a few times a second. */
  | { readonly type: 'book'; readonly ladder: BookLadder }
  | { readonly type: 'replay'; readonly state: ReplayState }
  /** An alert the notification policy says to show on the desktop. */
  | {
      readonly type: 'notify';
      readonly alert: Alert;
      readonly event: AlertEvent;
      /** Set when a silence had held this notification back: the silence whose end (run out or expired) let it go, the alert still firing. */
      readonly afterSilence?: string;
    }
  /** The engine switched mode (live <-> replay): reload the snapshot. */
  | { readonly type: 'mode'; readonly mode: ConsoleMode; readonly simulated: boolean }
  /** The silences changed (created, expired): the whole list, as in the snapshot. */
  | { readonly type: 'silences'; readonly silences: readonly Silence[] }
  /** A note or an assignment was added to an alert's case (its `alerts` event carries the new counts). */
  | { readonly type: 'case'; readonly entry: AlertCaseEntry };

export interface SeriesStatsView {
  readonly min: number | null;
  readonly max: number | null;
  readonly avg: number | null;
  readonly last: number | null;
  /** Points read from rollups: ms of the bucket the series had a value on a fresh, valid book. */
  readonly validMs?: number;
}

export interface SeriesPointView {
  readonly time: number;
  readonly count: number;
  readonly stale: boolean;
  readonly bookInvalid: boolean;
  readonly values: Readonly<Record<string, SeriesStatsView>>;
}

export interface SeriesResponse {
  readonly key: string;
  readonly from: number;
  readonly to: number;
  readonly bucketMs: number;
  /** `rollups` when the range reached past the raw window or its buckets are a minute or wider (docs/history.md). */
  readonly source?: 'samples' | 'rollups';
  readonly points: readonly SeriesPointView[];
}

/** A row of the alert history: the stored alert (model.ts `StoredAlert`), its acknowledgement flat, and its case. */
export interface AlertHistoryRow extends Omit<StoredAlert, 'acknowledged'>, AlertCaseFields {
  readonly ackBy: string | null;
  readonly ackAt: number | null;
  readonly ackNote: string | null;
}

/** What `exportHistory` wrote (docs/exports.md). */
export interface ExportResult {
  /** The file, in the history folder's `exports/`. */
  readonly path: string;
  readonly rows: number;
  readonly format: 'csv' | 'parquet';
  readonly what: 'series' | 'alerts' | 'feed-events';
  /** Instrument keys exported (a canonical id picks every venue's). */
  readonly keys: readonly string[];
  readonly from: number;
  readonly to: number;
  /** Series only: raw samples, minute or hourly rollups. */
  readonly resolution?: 'sample' | 'minute' | 'hour';
  /** Where the console's web server serves it, as a download: a path on the page's origin (`/exports/<file>`). Electron serves nothing over HTTP: open `path` there. */
  readonly url: string;
}

/** What `marketReport` wrote (docs/report.md). */
export interface MarketReportResult {
  /** The HTML file, in the history folder's `reports/`. */
  readonly path: string;
  /** Where the console's web server serves it: a path on the page's origin (`/reports/<file>`). Electron serves no page over HTTP: open `path` there. */
  readonly url: string;
  readonly day: string;
  /** Instrument keys reported. */
  readonly keys: readonly string[];
  /** The day had no sample or rollup for them: the report says so. */
  readonly empty: boolean;
}

/** One instrument of the opened capture at an instant (`seekReplay`, docs/seek.md). */
export interface SeekInstrument {
  readonly key: string;
  readonly instrumentId: string;
  /** The book at the instant (the exchange's strings, best first); `valid` as the ladder says it. */
  readonly book: BookLadder & {
    /** `none`: no book for this instrument (ticker only); `invalid`: waiting for a snapshot or resyncing. */
    readonly status: 'valid' | 'invalid' | 'none';
    /** The venue's update id the book is at (Binance `u`, OKX `seqId`); null before a snapshot. */
    readonly updateId: number | null;
  };
  /**
   * The last frame touching this book at or before the instant: the book is
   * as of then. Looked for only when the request names the instrument; null
   * when there is none or it was not looked for.
   */
  readonly bookAsOf: number | null;
  /** The pipeline's sample taken at the instant itself (book figures; mark, index, funding as last seen). */
  readonly metrics: {
    readonly time: number;
    readonly bookValid: boolean;
    readonly values: Readonly<Partial<Record<MetricName, number>>>;
    readonly covered: Readonly<Partial<Record<MetricName, boolean>>>;
  } | null;
  /** Rule states and z-scores at the last sampling boundary at or before the instant; null before the first one. */
  readonly rules: {
    readonly time: number;
    readonly zscores: Readonly<Partial<Record<MetricName, number | null>>>;
    readonly statuses: readonly RuleStatus[];
  } | null;
}

/** Most instruments one `seekReplay` answers without `instrument`: a whole-market capture is asked one at a time. */
export const MAX_SEEK_INSTRUMENTS = 100;

/** The opened capture at an instant: what `seekReplay` answers. */
export interface ReplaySeekView {
  readonly capture: string;
  /** The instant asked for (epoch ms, capture time). */
  readonly requested: number;
  /** The capture time actually reached: the instant, or the capture's last frame when it ends before. */
  readonly at: number;
  /** The capture's first and last frame (its index). */
  readonly firstT: number;
  readonly lastT: number;
  /** The z-score windows were warmed from here (rule states of episodes that began earlier may differ: docs/seek.md). */
  readonly warmFrom: number;
  readonly framesReplayed: number;
  /** Wall time the seek took in the engine. */
  readonly elapsedMs: number;
  /** How the capture's index was got (`built` or `rebuilt` the first time: one pass over the capture). */
  readonly index: 'loaded' | 'built' | 'rebuilt';
  readonly instruments: readonly SeekInstrument[];
  /** Instruments left out past {@link MAX_SEEK_INSTRUMENTS}. */
  readonly omitted: number;
}

/** A step from an instant to the previous or next frame touching one instrument's book (`stepReplay`). */
export interface ReplayStep {
  readonly capture: string;
  readonly instrument: string;
  readonly direction: 'previous' | 'next';
  /** The instant stepped from. */
  readonly from: number;
  /** The last frame touching the book at or before `from` (what a seek to `from` shows); null when none. */
  readonly current: number | null;
  /** The frame stepped to: the one before `current`, or the first after `from`; null when the capture has none. */
  readonly time: number | null;
}

export interface CaptureInfo {
  /** The capture to open: for a rotated recording its first file (replay plays every part). */
  readonly path: string;
  /** Bytes on disk, every part together. */
  readonly bytes: number;
  /** Last modified (epoch ms), the newest part. */
  readonly modified: number;
  /** The files of the recording in order: the path, then its rotation parts (docs/capture-format.md). */
  readonly parts?: readonly string[];
}

const key = z.string().min(3).max(200).regex(/^[a-z0-9-]+:[A-Za-z0-9._-]+$/, 'expected venue:symbol');
const time = z.number().finite().nonnegative();
const speed = z.union([z.literal('max'), z.number().positive().max(10_000)]);
const alertId = z.string().min(1).max(300);
const operator = z.string().trim().min(1).max(80);
const silenceMatcher = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('key'), value: key }).strict(),
  z.object({ kind: z.literal('instrument'), value: z.string().min(1).max(100).regex(/^[A-Za-z0-9._-]+$/, 'expected a canonical instrument id') }).strict(),
  z.object({ kind: z.literal('venue'), value: z.string().min(1).max(40).regex(/^[a-z0-9-]+$/, 'expected a venue id') }).strict(),
]);

/**
 * Every request the console may make, with its argument schema. The engine
 * side refuses anything else; the names are the methods of `ConsoleApi`.
 */
export const REQUEST_SCHEMAS = {
  snapshot: z.tuple([]),
  series: z.tuple([
    z
      .object({
        key,
        metrics: z.array(z.string().regex(/^[a-z0-9_]+$/).max(60)).min(1).max(16),
        from: time,
        to: time,
        maxPoints: z.number().int().min(10).max(5000).optional(),
      })
      .strict(),
  ]),
  alertHistory: z.tuple([
    z
      .object({
        key: key.optional(),
        instrumentId: z.string().max(100).optional(),
        venue: z.string().max(40).optional(),
        severity: z.enum(['warning', 'critical']).optional(),
        state: z.enum(['pending', 'firing', 'resolved']).optional(),
        from: time.optional(),
        to: time.optional(),
        limit: z.number().int().min(1).max(5000).optional(),
      })
      .strict(),
  ]),
  alertTrail: z.tuple([z.string().min(1).max(300)]),
  acknowledge: z.tuple([
    z
      .object({
        alertId: z.string().min(1).max(300),
        by: z.string().trim().min(1).max(80),
        note: z.string().max(2000),
      })
      .strict(),
  ]),
  /** An alert's case thread: notes, assignments, notifications a silence held back. */
  alertCase: z.tuple([alertId]),
  addNote: z.tuple([z.object({ alertId, by: operator, text: z.string().trim().min(1).max(2000) }).strict()]),
  /** `assignee` null unassigns. */
  assignAlert: z.tuple([z.object({ alertId, by: operator, assignee: operator.nullable() }).strict()]),
  createSilence: z.tuple([
    z
      .object({
        matcher: silenceMatcher,
        rule: z.string().min(1).max(100).regex(/^[A-Za-z0-9._-]+$/, 'expected a rule name').optional(),
        createdBy: operator,
        comment: z.string().trim().min(1, 'say why (comment)').max(2000),
        /** Default: now. A start ahead makes it a maintenance window. */
        startsAt: time.optional(),
        endsAt: time,
      })
      .strict()
      // The bounds that need no clock; the service checks the rest against now (silenceTimesProblem).
      .superRefine((s, ctx) => {
        const problem = s.startsAt === undefined ? null : silenceSpanProblem(s.startsAt, s.endsAt);
        if (problem) ctx.addIssue({ code: 'custom', path: ['endsAt'], message: problem });
      }),
  ]),
  expireSilence: z.tuple([z.object({ id: z.string().regex(/^S\d{1,12}$/, 'expected a silence id (S12)'), by: operator }).strict()]),
  watchBook: z.tuple([key.nullable()]),
  setInterest: z.tuple([z.object({ keys: z.array(key).max(MAX_INTEREST_KEYS), shown: z.array(key).max(MAX_INTEREST_KEYS).optional() }).strict()]),
  listCaptures: z.tuple([]),
  openCapture: z.tuple([z.object({ path: z.string().min(1).max(4096), speed }).strict()]),
  controlReplay: z.tuple([
    z.discriminatedUnion('action', [
      z.object({ action: z.literal('play') }).strict(),
      z.object({ action: z.literal('pause') }).strict(),
      z.object({ action: z.literal('stop') }).strict(),
      z.object({ action: z.literal('speed'), speed }).strict(),
    ]),
  ]),
  startRecording: z.tuple([z.object({ venue: z.string().max(40) }).strict()]),
  stopRecording: z.tuple([]),
  exportHistory: z.tuple([
    z
      .object({
        instrument: z.string().min(1).max(200).regex(/^[A-Za-z0-9:._-]+$/, 'expected an instrument id, venue:symbol or symbol'),
        what: z.enum(['series', 'alerts', 'feed-events']),
        from: time.optional(),
        to: time.optional(),
        metrics: z.array(z.string().regex(/^[a-z0-9_]+$/).max(60)).min(1).max(64).optional(),
        format: z.enum(['csv', 'parquet']).optional(),
      })
      .strict(),
  ]),
  marketReport: z.tuple([
    z
      .object({
        day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a UTC day YYYY-MM-DD'),
        instruments: z
          .array(z.string().min(1).max(200).regex(/^[A-Za-z0-9:._-]+$/, 'expected an instrument id, venue:symbol or symbol'))
          .min(1)
          .max(50)
          .optional(),
      })
      .strict(),
  ]),
  seekReplay: z.tuple([
    z
      .object({
        capture: z.string().min(1).max(4096),
        at: time,
        instrument: key.optional(),
        levels: z.number().int().min(1).max(200).optional(),
      })
      .strict(),
  ]),
  stepReplay: z.tuple([
    z
      .object({
        capture: z.string().min(1).max(4096),
        at: time,
        instrument: key,
        direction: z.enum(['previous', 'next']),
      })
      .strict(),
  ]),
} as const;

export type ApiMethod = keyof typeof REQUEST_SCHEMAS;
export type ApiArgs<M extends ApiMethod> = z.infer<(typeof REQUEST_SCHEMAS)[M]>;

/** What each request answers. */
export interface ApiResults {
  snapshot: ConsoleSnapshot;
  series: SeriesResponse;
  alertHistory: readonly AlertHistoryRow[];
  alertTrail: readonly AlertEvent[];
  acknowledge: AlertEvent | null;
  alertCase: readonly AlertCaseEntry[];
  addNote: AlertCaseEntry;
  assignAlert: AlertCaseEntry;
  createSilence: Silence;
  expireSilence: Silence;
  watchBook: null;
  setInterest: null;
  listCaptures: readonly CaptureInfo[];
  openCapture: ReplayState;
  controlReplay: ReplayState | null;
  startRecording: { readonly path: string };
  stopRecording: { readonly path: string; readonly frames: number } | null;
  exportHistory: ExportResult;
  marketReport: MarketReportResult;
  seekReplay: ReplaySeekView;
  stepReplay: ReplayStep;
}

/** The console's view of the engine: request/response plus a push stream. */
export type ConsoleApi = {
  [M in ApiMethod]: (...args: ApiArgs<M>) => Promise<ApiResults[M]>;
} & {
  /** Events from the engine; returns the unsubscribe. */
  subscribe(listener: (event: ConsoleEvent) => void): () => void;
};

/** A refused request: the method is unknown or its arguments do not fit. */
export class ApiRequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ApiRequestError';
  }
}

/** Validates a request at the boundary; returns the parsed arguments or throws ApiRequestError. */
export function validateRequest(method: unknown, args: unknown): { method: ApiMethod; args: unknown[] } {
  if (typeof method !== 'string' || !Object.hasOwn(REQUEST_SCHEMAS, method)) {
    throw new ApiRequestError(`unknown method ${JSON.stringify(method)}`);
  }
  const schema = REQUEST_SCHEMAS[method as ApiMethod];
  const parsed = schema.safeParse(args);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ApiRequestError(`${method}: ${issue ? `${issue.path.join('.') || 'arguments'}: ${issue.message}` : 'bad arguments'}`);
  }
  return { method: method as ApiMethod, args: parsed.data as unknown[] };
}

/** WebSocket wire format of the browser fallback (JSON text frames). */
export type WireMessage =
  | { readonly kind: 'request'; readonly id: number; readonly method: string; readonly args: unknown }
  | { readonly kind: 'response'; readonly id: number; readonly ok: true; readonly result: unknown }
  | { readonly kind: 'response'; readonly id: number; readonly ok: false; readonly error: string }
  | { readonly kind: 'event'; readonly event: ConsoleEvent };
