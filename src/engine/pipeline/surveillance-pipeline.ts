import type { DeepVerifySettings, InstrumentsConfig, LimitsSettings } from '../../shared/config';
import type { FeedAlertStep } from '../../shared/core/feed-integrity';
import type { FeedRuleSet } from '../../shared/core/feed-rules';
import type { Acknowledgement, Alert, AlertEvent, Instrument } from '../../shared/core/model';
import type { RuleSpec, ZScoreSettings } from '../../shared/core/rule-types';
import type { SampleEvaluation, SurveillanceEvaluator } from '../../shared/core/surveillance-evaluator';
import type { RawFrame } from '../feed/raw-frame';
import type { MapResult } from '../venues/venue';
import { Analytics } from './analytics';
import { SampleClock } from './sample-clock';
import type { InstrumentDirectory } from './instrument-directory';
import {
  VenueBooks,
  type FrameCounters,
  type InstrumentState,
  type SyncEventKind,
  type VenueHealth,
} from './venue-books';

export { UnknownVenueError } from './venue-books';
export type { InstrumentState, SyncEventKind, VenueHealth } from './venue-books';
export type PipelineCounters = FrameCounters;

export interface PipelineSettings {
  readonly sampleIntervalMs: number;
  /**
   * No frame from a venue for this long: its instruments are stale, rules skip,
   * z-scores reset. Judged per venue, not per instrument: a quiet book on a live
   * connection is not stale.
   */
  readonly staleTimeoutMs: number;
  /** No mark or index update for this long: mark/index rules skip as reference_stale. */
  readonly referenceStaleMs?: number;
  readonly depthBandsBps: readonly number[];
  readonly zscore: ZScoreSettings;
  readonly maxPauseMs?: number;
  /** Rules for an instrument: its profile in alerts.yaml, or `default`. */
  rulesFor(instrument: Instrument): readonly RuleSpec[];
  readonly instruments?: InstrumentsConfig;
  /** Feed-integrity rules (alerts.yaml `feed:`); without them no feed alert is raised. */
  readonly feedRules?: FeedRuleSet;
  /** Frame sizes and levels per book side (features.yaml `limits`); defaults when absent. */
  readonly limits?: Partial<LimitsSettings>;
  /** Deep verification against REST snapshots (features.yaml `deep_verify`); defaults when absent. */
  readonly deepVerify?: Partial<DeepVerifySettings>;
}

export interface PipelineListener {
  onEvaluation?(evaluation: SampleEvaluation, instrument: Instrument): void;
  /**
   * `key` is `venue:symbol`, or the venue id for `stale` / `fresh`. `detail`
   * says what was seen when there is more to say (a deep mismatch's level):
   * the history keeps it in feed_events.detail.
   */
  onSyncEvent?(key: string, kind: SyncEventKind, time: number, detail?: string): void;
  /** Feed-integrity alert transitions of a boundary (and detail updates of open ones). */
  onFeedAlerts?(step: FeedAlertStep): void;
}

/**
 * Raw frames in, alerts out, on one thread: the books side (mapper -> book
 * sync -> books) and the analytics side (basis, z-scores, rules, alerts)
 * joined at each sampling boundary. The CLI, replay and tests run this; the
 * console runs the two sides in separate workers (src/engine/workers). Time
 * only ever comes from the frames (`ingest`) and from `advance`.
 */
export class SurveillancePipeline {
  readonly books: VenueBooks;
  readonly analytics: Analytics;
  private readonly clock: SampleClock;

  constructor(
    settings: PipelineSettings,
    private readonly listener: PipelineListener = {},
  ) {
    this.clock = new SampleClock(settings.sampleIntervalMs);
    this.books = new VenueBooks(settings, listener);
    this.analytics = new Analytics(settings, listener);
  }

  get directory(): InstrumentDirectory {
    return this.books.directory;
  }

  get evaluator(): SurveillanceEvaluator {
    return this.analytics.evaluator;
  }

  get counters(): PipelineCounters {
    return this.books.counters;
  }

  /**
   * Decodes one frame and applies what it says. Bad frames are counted, never
   * thrown. `mapped`: what the venue's mapper made of this frame on another
   * thread (a replay's read-ahead), applied as if mapped here.
   */
  ingest(frame: RawFrame, mapped?: MapResult): void {
    this.books.ingest(frame, mapped);
  }

  /**
   * For replay loops, before they pace on or stop at a frame's time: a frame
   * whose time cannot be believed is ingested (counted as bad_time) and true
   * is returned, so the loop skips it and its time is used nowhere.
   */
  refuseUnbelievableTime(frame: RawFrame): boolean {
    if (this.books.frameTimes.plausible(frame.t)) return false;
    this.books.ingest(frame);
    return true;
  }

  /**
   * Takes every sample due up to `now` (one per instrument per interval
   * boundary), then judges the feeds at that boundary. A capture has no
   * connections and no engine of its own: feed-down, worker-restart,
   * analytics-lag and history-write conditions are not judged here.
   */
  advance(now: number): void {
    // A frame's absurd time is rejected at ingest; the clock must not be dragged there either.
    if (!this.books.frameTimes.plausible(now)) return;
    for (const time of this.clock.due(now)) {
      this.analytics.evaluate(this.books.sample(time));
      const step = this.analytics.evaluateFeeds(time, this.books.feedObservations(time));
      if (step.events.length + step.alerts.length + step.refreshed.length > 0) this.listener.onFeedAlerts?.(step);
    }
  }

  instrumentStates(): InstrumentState[] {
    return this.books.instrumentStates();
  }

  venueStates(): VenueHealth[] {
    return this.books.venueStates();
  }

  allAlerts(): Alert[] {
    return this.analytics.allAlerts();
  }

  auditTrail(): readonly AlertEvent[] {
    return this.analytics.auditTrail();
  }

  acknowledge(alertId: string, ack: Acknowledgement): AlertEvent | null {
    return this.analytics.acknowledge(alertId, ack);
  }

  booksWantingSnapshot(): string[] {
    return this.books.booksWantingSnapshot();
  }

  takeNewlyWanting(): readonly string[] {
    return this.books.takeNewlyWanting();
  }

  resetVenue(venue: string): void {
    this.books.resetVenue(venue);
  }

  resetInstruments(keys: readonly string[]): void {
    this.books.resetInstruments(keys);
  }
}
