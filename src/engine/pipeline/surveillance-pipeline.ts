import type { InstrumentsConfig } from '../../shared/config';
import { basisMetrics, crossVenueBps } from '../../shared/core/basis';
import { bookMetrics } from '../../shared/core/metrics';
import type { Alert, AlertEvent, Instrument, MarketEvent, MetricName, MetricSample, QuoteEvent } from '../../shared/core/model';
import { instrumentKey } from '../../shared/core/model';
import type { RuleSpec, ZScoreSettings } from '../../shared/core/rule-types';
import { SurveillanceEvaluator, type SampleEvaluation } from '../../shared/core/surveillance-evaluator';
import { venueById } from '../venues/registry';
import type { BookSync, RawFrame, SyncResult, VenueMapper } from '../venues/venue';
import { InstrumentDirectory } from './instrument-directory';

export interface PipelineSettings {
  readonly sampleIntervalMs: number;
  /**
   * No frame from a venue for this long: its instruments are stale, rules skip,
   * z-scores reset. Judged per venue, not per instrument: a quiet book on a live
   * connection is not stale.
   */
  readonly staleTimeoutMs: number;
  readonly depthBandsBps: readonly number[];
  readonly zscore: ZScoreSettings;
  /** Rules for an instrument: its profile in alerts.yaml, or `default`. */
  rulesFor(instrument: Instrument): readonly RuleSpec[];
  readonly instruments?: InstrumentsConfig;
}

/** Feed happenings worth a line in the feed log. `stale` and `fresh` concern a whole venue. */
export type SyncEventKind = 'gap' | 'checksum_failure' | 'resync' | 'stale' | 'fresh';

/** What the pipeline saw of one venue's data: the replay report's and the feed view's counters. */
export interface VenueHealth {
  readonly venue: string;
  lastFrameAt: number;
  stale: boolean;
  /** Times the venue went silent for longer than the stale timeout. */
  staleEpisodes: number;
  gaps: number;
  checksumFailures: number;
  resyncs: number;
}

export interface PipelineListener {
  onEvaluation?(evaluation: SampleEvaluation, instrument: Instrument): void;
  /** `key` is `venue:symbol`, or the venue id for `stale` / `fresh`. */
  onSyncEvent?(key: string, kind: SyncEventKind, time: number): void;
}

/** What the pipeline keeps per venue instrument. */
export interface InstrumentState {
  readonly key: string;
  instrument: Instrument;
  sync: BookSync | null;
  quote: QuoteEvent | null;
  markPrice?: number;
  indexPrice?: number;
  fundingRate?: number;
  lastFrameAt: number;
  /** Receive time minus exchange time of the latest event that had one. */
  lagMs: number | null;
  last: SampleEvaluation | null;
}

export interface PipelineCounters {
  frames: number;
  ignored: number;
  rejected: Record<string, number>;
}

/** A frame from a venue the engine does not speak. */
export class UnknownVenueError extends Error {
  constructor(readonly venue: string) {
    super(`unknown venue "${venue}"`);
    this.name = 'UnknownVenueError';
  }
}

/** Samples more than this many intervals behind are skipped: the evaluator sees the hole as a gap. */
const MAX_CATCH_UP_INTERVALS = 3600;

/**
 * Raw frames in, alerts out: mapper -> book sync -> books and reference
 * prices -> one metric sample per instrument per interval -> z-scores and
 * rules. The same object serves live feeds and replay; time only ever comes
 * from the frames (`ingest`) and from `advance`.
 */
export class SurveillancePipeline {
  readonly directory: InstrumentDirectory;
  readonly evaluator: SurveillanceEvaluator;
  readonly counters: PipelineCounters = { frames: 0, ignored: 0, rejected: {} };
  private readonly states = new Map<string, InstrumentState>();
  private readonly mappers = new Map<string, VenueMapper>();
  /** `venue:indexSymbol` -> latest index price (OKX publishes indices apart). */
  private readonly indexPrices = new Map<string, number>();
  private readonly alerts = new Map<string, Alert>();
  private readonly alertEvents: AlertEvent[] = [];
  private nextSampleAt: number | null = null;
  private readonly venues = new Map<string, VenueHealth>();

  constructor(
    private readonly settings: PipelineSettings,
    private readonly listener: PipelineListener = {},
  ) {
    this.directory = new InstrumentDirectory(settings.instruments);
    this.evaluator = new SurveillanceEvaluator({
      zscore: settings.zscore,
      sampleIntervalMs: settings.sampleIntervalMs,
      rulesFor: (_id, key) => settings.rulesFor(this.directory.get(key)!),
    });
  }

  /** Decodes one frame and applies what it says. Bad frames are counted, never thrown. */
  ingest(frame: RawFrame): void {
    this.counters.frames++;
    this.venueHealth(frame.venue).lastFrameAt = frame.t;
    const result = this.mapperFor(frame.venue).map(frame);
    switch (result.kind) {
      case 'events':
        for (const event of result.events) this.apply(event, frame.t);
        return;
      case 'instruments':
        this.directory.addMetadata(result.instruments);
        for (const instrument of result.instruments) {
          const state = this.states.get(instrumentKey(instrument.venue, instrument.symbol));
          if (state) state.instrument = this.directory.get(state.key)!;
        }
        return;
      case 'ignored':
        this.counters.ignored++;
        return;
      case 'rejected':
        this.reject(result.reason);
        return;
    }
  }

  /** Takes every sample due up to `now` (one per instrument per interval boundary). */
  advance(now: number): void {
    const interval = this.settings.sampleIntervalMs;
    if (this.nextSampleAt === null) {
      this.nextSampleAt = Math.ceil(now / interval) * interval;
      return;
    }
    if (now - this.nextSampleAt > MAX_CATCH_UP_INTERVALS * interval) {
      this.nextSampleAt = Math.floor(now / interval) * interval;
    }
    while (now >= this.nextSampleAt) {
      this.sampleAll(this.nextSampleAt);
      this.nextSampleAt += interval;
    }
  }

  /** Venue instruments that have shown market data, in first-seen order. */
  instrumentStates(): InstrumentState[] {
    return [...this.states.values()];
  }

  /** Per venue: last frame, stale state and episodes, gaps, checksum failures, resyncs. */
  venueStates(): VenueHealth[] {
    return [...this.venues.values()];
  }

  /** Every alert the run opened, latest state of each. */
  allAlerts(): Alert[] {
    return [...this.alerts.values()];
  }

  /** The audit trail of every alert, in order. */
  auditTrail(): readonly AlertEvent[] {
    return this.alertEvents;
  }

  /** Keys whose book waits for a REST snapshot (a live feed fetches one). */
  booksWantingSnapshot(): string[] {
    const keys: string[] = [];
    for (const state of this.states.values()) if (state.sync?.wantsSnapshot) keys.push(state.key);
    return keys;
  }

  /** Forgets the books of a venue after a disconnect: they wait for a new snapshot. */
  resetVenue(venue: string): void {
    for (const state of this.states.values()) {
      if (state.instrument.venue !== venue || !state.sync) continue;
      state.sync.reset();
      this.evaluator.markGap(state.key);
    }
  }

  /**
   * Forgets the books of these instrument keys (`venue:symbol`) after one
   * connection of a venue dropped: they wait for a new snapshot, while the
   * venue's other connections carry on.
   */
  resetInstruments(keys: readonly string[]): void {
    for (const key of keys) {
      const state = this.states.get(key);
      if (!state?.sync) continue;
      state.sync.reset();
      this.evaluator.markGap(state.key);
    }
  }

  private mapperFor(venue: string): VenueMapper {
    let mapper = this.mappers.get(venue);
    if (!mapper) {
      const v = venueById(venue);
      if (!v) throw new UnknownVenueError(venue);
      mapper = v.createMapper();
      this.mappers.set(venue, mapper);
    }
    return mapper;
  }

  private reject(reason: string): void {
    this.counters.rejected[reason] = (this.counters.rejected[reason] ?? 0) + 1;
  }

  private apply(event: MarketEvent, receivedAt: number): void {
    if (event.type === 'index_price') {
      this.indexPrices.set(instrumentKey(event.venue, event.symbol), event.price);
      return;
    }
    const state = this.stateFor(event.venue, event.symbol);
    state.lastFrameAt = receivedAt;
    if (event.exchangeTime !== undefined) state.lagMs = event.receiveTime - event.exchangeTime;
    switch (event.type) {
      case 'book_snapshot':
      case 'book_delta': {
        if (!state.sync) state.sync = venueById(event.venue)!.createBookSync(state.instrument);
        const before = state.sync.stats;
        const gaps = before.sequenceGaps;
        const failures = before.checksumFailures;
        const resyncs = before.resyncs;
        const result: SyncResult = state.sync.apply(event);
        const after = state.sync.stats;
        const gap = after.sequenceGaps > gaps;
        const badChecksum = after.checksumFailures > failures;
        // The book was wrong for a while: the samples taken from it say nothing about the next ones.
        if (result === 'resync' || gap || badChecksum) this.evaluator.markGap(state.key);
        const venue = this.venueHealth(event.venue);
        if (gap) {
          venue.gaps++;
          this.listener.onSyncEvent?.(state.key, 'gap', receivedAt);
        }
        if (badChecksum) {
          venue.checksumFailures++;
          this.listener.onSyncEvent?.(state.key, 'checksum_failure', receivedAt);
        }
        if (after.resyncs > resyncs) {
          venue.resyncs++;
          this.listener.onSyncEvent?.(state.key, 'resync', receivedAt);
        }
        return;
      }
      case 'quote':
        state.quote = event;
        return;
      case 'reference':
        if (event.markPrice !== undefined) state.markPrice = event.markPrice;
        if (event.indexPrice !== undefined) state.indexPrice = event.indexPrice;
        if (event.fundingRate !== undefined) state.fundingRate = event.fundingRate;
        return;
    }
  }

  private stateFor(venue: string, symbol: string): InstrumentState {
    const key = instrumentKey(venue, symbol);
    let state = this.states.get(key);
    if (!state) {
      state = {
        key,
        instrument: this.directory.resolve(venue, symbol),
        sync: null,
        quote: null,
        lastFrameAt: 0,
        lagMs: null,
        last: null,
      };
      this.states.set(key, state);
    }
    return state;
  }

  private venueHealth(venue: string): VenueHealth {
    let health = this.venues.get(venue);
    if (!health) {
      health = { venue, lastFrameAt: 0, stale: false, staleEpisodes: 0, gaps: 0, checksumFailures: 0, resyncs: 0 };
      this.venues.set(venue, health);
    }
    return health;
  }

  /** Marks venues silent for longer than the stale timeout, once per episode. */
  private updateStaleness(time: number): void {
    for (const health of this.venues.values()) {
      const stale = time - health.lastFrameAt > this.settings.staleTimeoutMs;
      if (stale === health.stale) continue;
      health.stale = stale;
      if (stale) health.staleEpisodes++;
      this.listener.onSyncEvent?.(health.venue, stale ? 'stale' : 'fresh', time);
    }
  }

  private sampleAll(time: number): void {
    this.updateStaleness(time);
    const mids = new Map<string, number>();
    const partial: { state: InstrumentState; values: Partial<Record<MetricName, number>>; covered: Partial<Record<MetricName, boolean>>; bookValid: boolean }[] = [];
    for (const state of this.states.values()) {
      if (state.lastFrameAt === 0) continue;
      const snapshot = this.bookValues(state);
      if (snapshot.values.mid !== undefined) mids.set(state.key, snapshot.values.mid);
      partial.push({ state, ...snapshot });
    }
    for (const { state, values, covered, bookValid } of partial) {
      const instrument = state.instrument;
      if (instrument.type !== 'spot') {
        const spotKey = this.directory.spotKeyFor(instrument);
        const index =
          state.indexPrice ??
          (instrument.indexSymbol ? this.indexPrices.get(instrumentKey(instrument.venue, instrument.indexSymbol)) : undefined);
        Object.assign(
          values,
          basisMetrics({
            perpMid: values.mid,
            spotMid: spotKey === undefined ? undefined : mids.get(spotKey),
            indexPrice: index,
            markPrice: state.markPrice,
            fundingRate: state.fundingRate,
          }),
        );
      }
      for (const other of this.directory.otherVenueKeysFor(instrument)) {
        const cross = crossVenueBps(values.mid, mids.get(other));
        if (cross !== undefined) {
          values.cross_venue_bps = cross;
          break;
        }
      }
      const sample: MetricSample = {
        key: state.key,
        instrumentId: instrument.id,
        venue: instrument.venue,
        time,
        values,
        covered,
        health: { stale: this.venues.get(instrument.venue)?.stale ?? true, bookValid },
      };
      const evaluation = this.evaluator.evaluate(sample);
      state.last = evaluation;
      for (const alert of evaluation.alerts) this.alerts.set(alert.id, alert);
      for (const event of evaluation.events) this.alertEvents.push(event);
      this.listener.onEvaluation?.(evaluation, instrument);
    }
  }

  /** Book metrics, or top-of-book figures from the ticker for an instrument without a book. */
  private bookValues(state: InstrumentState): {
    values: Partial<Record<MetricName, number>>;
    covered: Partial<Record<MetricName, boolean>>;
    bookValid: boolean;
  } {
    if (state.sync) {
      const metrics = bookMetrics(state.sync.book, state.instrument, this.settings.depthBandsBps);
      const bookValid = state.sync.valid && metrics.state !== 'crossed' && metrics.state !== 'empty';
      return { values: { ...metrics.values }, covered: metrics.covered, bookValid };
    }
    const q = state.quote;
    if (q && q.bidPrice > 0 && q.askPrice >= q.bidPrice) {
      const mid = (q.bidPrice + q.askPrice) / 2;
      return {
        values: { mid, spread_abs: q.askPrice - q.bidPrice, spread_bps: ((q.askPrice - q.bidPrice) / mid) * 1e4 },
        covered: {},
        bookValid: true,
      };
    }
    return { values: {}, covered: {}, bookValid: q === null };
  }
}
