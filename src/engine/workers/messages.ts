/**
 * Every message between the engine's threads, as one discriminated union per
 * direction. Workers send normalized batches (book samples, evaluations,
 * alert events), never raw frames.
 *
 *   main (EngineHost) ──workerData──▶ feed worker (one per venue)
 *   feed worker ──port: BookSamplesMessage──▶ analytics worker (one)
 *   analytics worker ──parentPort: AnalyticsEvent──▶ main
 */
import type { MessagePort } from 'node:worker_threads';
import type { BookLadder } from '../../shared/contract';
import type { Config, ExchangesConfig } from '../../shared/config';
import type { VenueFeedObservation } from '../../shared/core/feed-integrity';
import type { Acknowledgement, Alert, AlertEvent, VenueId } from '../../shared/core/model';
import type { ShownEvaluation } from './ui-evaluation';
import type { FrameCounters, SyncEventKind, VenueHealth } from '../pipeline/venue-books';
import type { PackedSamples } from './packed-samples';
import type { HistoryThreadStatus } from './history-thread';
import type { FeedSubscription } from '../feed/feed';
import type { FeedStatus } from '../feed/feed-status';

/** How a feed worker starts. */
export interface FeedWorkerData {
  readonly venue: VenueId;
  readonly subscriptions: readonly FeedSubscription[];
  /** The config, with only its own exchange's block of exchanges.yaml (registry `ownExchangeBlock`). */
  readonly config: Omit<Config, 'exchanges'> & { readonly exchanges: Partial<ExchangesConfig> };
  /** Where its book samples go: a port of the analytics worker. */
  readonly analytics: MessagePort;
  /** Record this venue's raw frames into a capture (the capture writer runs in the worker). */
  readonly captureOut?: string;
}

/** How the analytics worker starts. */
export interface AnalyticsWorkerData {
  readonly config: Config;
  /** Venues whose samples make up one sampling boundary. */
  readonly venues: readonly VenueId[];
  /** History database; null keeps history in memory only. */
  readonly dbPath: string | null;
}

/**
 * What made a feed worker take a boundary's samples: the first frame to arrive
 * past the boundary (sampled before it is applied, as replay does), or, on a
 * feed quiet at that instant, the tick just after the boundary.
 */
export interface SampleTrigger {
  readonly by: 'frame' | 'timer';
  /** Epoch ms, sub-millisecond (epoch-clock.ts): the frame's arrival in the worker, in the socket's message callback; or the tick. */
  readonly at: number;
  /** Epoch ms, sub-millisecond: when the worker had taken the boundary's samples and posted them. */
  readonly sampledAt?: number;
}

/**
 * How one boundary's alert events came about (the live latency bench reads
 * it): the boundary is evaluated once its last venue reported, so its alerts
 * were raised by that venue's trigger.
 */
export interface AlertTiming {
  readonly boundary: number;
  /** The latest of the venues' triggers for this boundary; absent when no venue sent one. */
  readonly trigger?: SampleTrigger;
  /** Epoch ms, sub-millisecond: when the analytics worker got the report of the venue whose trigger this is. */
  readonly receivedAt?: number;
  /** Epoch ms, sub-millisecond: when the analytics worker began evaluating the boundary (its last report in). */
  readonly evaluatingAt?: number;
  /** Epoch ms, sub-millisecond: when the analytics worker posted the events. */
  readonly postedAt: number;
}

/** Feed worker -> analytics worker, on the port. */
export type FeedToAnalytics =
  | {
      readonly type: 'book_samples';
      readonly venue: VenueId;
      readonly time: number;
      /** The venue's book samples, packed (packed-samples.ts). */
      readonly packed: PackedSamples;
      /** The venue's feed-integrity reading at this boundary. */
      readonly feed?: VenueFeedObservation;
      readonly trigger?: SampleTrigger;
    }
  /** `detail`: what was seen, when there is more to say (a deep mismatch's level); stored in feed_events.detail. */
  | { readonly type: 'sync_event'; readonly key: string; readonly kind: SyncEventKind; readonly time: number; readonly detail?: string };

/** Main -> feed worker. */
export type FeedCommand =
  | { readonly type: 'stop' }
  /** Closes the capture the worker was started with; the feed carries on. */
  | { readonly type: 'record_stop' }
  /** Send the top of this book (`venue:symbol`) a few times a second; null stops. */
  | { readonly type: 'watch_book'; readonly key: string | null }
  /** Liquidity tiers of a new instrument selection (`venue:symbol` -> tier, null for none). */
  | { readonly type: 'tiers'; readonly tiers: readonly (readonly [key: string, tier: string | null])[] }
  /** Tests only: makes the worker fail as a bug would. */
  | { readonly type: 'crash' };

/** Feed worker -> main. */
export type FeedEvent =
  | {
      readonly type: 'feed_status';
      readonly status: FeedStatus;
      readonly counters: FrameCounters;
      readonly venues: readonly VenueHealth[];
      /** The worker's V8 heap in use, bytes (its own isolate): which thread holds the memory. */
      readonly heapUsedBytes?: number;
      /** Its worst event-loop delay since its last status, ms (threads/loop-delay.ts): how long a frame may have waited. */
      readonly loopDelayMs?: number;
    }
  /** The watched book's ladder (see `watch_book`). */
  | { readonly type: 'book'; readonly ladder: BookLadder }
  | { readonly type: 'recording_stopped'; readonly path: string | null; readonly frames: number; readonly bytes: number; readonly files: readonly string[] }
  | { readonly type: 'stopped' };

/** Main -> analytics worker. */
export type AnalyticsCommand =
  | { readonly type: 'attach'; readonly venue: VenueId; readonly port: MessagePort }
  | { readonly type: 'acknowledge'; readonly requestId: number; readonly alertId: string; readonly ack: Acknowledgement }
  /** A console recording started or ended: kept in the history's captures table. */
  | { readonly type: 'capture_log'; readonly path: string; readonly venue: VenueId; readonly started: number; readonly ended: number | null; readonly frames: number; readonly bytes: number }
  | {
      readonly type: 'worker_restarted';
      readonly worker: string;
      readonly venue: VenueId | null;
      readonly reason: string;
      readonly time: number;
      /** A restart the console made on purpose (a recording starts): logged, not alerted. */
      readonly planned?: boolean;
    }
  /**
   * Instruments shown in full by some client (null: all), and those on some
   * client's screen in brief. The others' UI evaluations go without rule
   * detail, and only every few seconds unless their health changed.
   */
  | { readonly type: 'detail'; readonly keys: readonly string[] | null; readonly shown?: readonly string[] }
  /** Liquidity tiers of a new instrument selection, as sent to the feed workers. */
  | { readonly type: 'tiers'; readonly tiers: readonly (readonly [key: string, tier: string | null])[] }
  | { readonly type: 'stop' }
  | { readonly type: 'crash' }
  /** Tests only: blocks the worker this long, as an overloaded machine or a long pause would. */
  | { readonly type: 'stall'; readonly ms: number }
  /** Tests only: passed to the history thread (history-protocol.ts): a stuck disk, or a crash. */
  | { readonly type: 'history_test'; readonly command: { readonly type: 'stall'; readonly ms: number } | { readonly type: 'crash' } };

/** Analytics worker -> main. Alert events are never dropped; evaluations are the latest per instrument. */
export type AnalyticsEvent =
  | { readonly type: 'evaluations'; readonly items: readonly ShownEvaluation[] }
  | { readonly type: 'alerts'; readonly events: readonly AlertEvent[]; readonly alerts: readonly Alert[]; readonly timing?: AlertTiming }
  | { readonly type: 'acknowledged'; readonly requestId: number; readonly event: AlertEvent | null }
  /**
   * Every second: the worker's V8 heap in use, how late its latest boundary
   * was evaluated, its boundaries so far (evaluated, shed to catch up,
   * waiting: workers/boundary-queue.ts) and its history thread's state. The
   * console's engine table and the memory figures of the soak bench read it.
   */
  | {
      readonly type: 'engine_status';
      readonly heapUsedBytes: number;
      /** Its worst event-loop delay since its last status, ms. */
      readonly loopDelayMs: number;
      /** The latest boundary evaluated (its instant, epoch ms) and how late its evaluation began; null before the first. */
      readonly lastBoundary: { readonly time: number; readonly lagMs: number } | null;
      readonly boundaries: { readonly evaluated: number; readonly shed: number; readonly waiting: number };
      /** Absent without a history file. */
      readonly history?: HistoryThreadStatus;
    }
  | { readonly type: 'stopped' };
