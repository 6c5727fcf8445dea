import { annualizedBasisPct, basisBps, basisMetrics, crossVenueBps } from '../../shared/core/basis';
import { FeedIntegrityMonitor, type EngineFeedObservation, type FeedAlertStep, type VenueFeedObservation } from '../../shared/core/feed-integrity';
import type { FeedRuleSet } from '../../shared/core/feed-rules';
import type { Acknowledgement, Alert, AlertEvent, DataSource, Instrument, MetricName, MetricSample, SourceHealth } from '../../shared/core/model';
import type { RuleSpec, ZScoreSettings } from '../../shared/core/rule-types';
import { SurveillanceEvaluator, type PartialScreen, type SampleEvaluation } from '../../shared/core/surveillance-evaluator';
import type { InstrumentsConfig } from '../../shared/config';
import { InstrumentDirectory, USD_QUOTES } from './instrument-directory';
import type { BookSample } from './venue-books';

export interface AnalyticsSettings {
  readonly sampleIntervalMs: number;
  readonly zscore: ZScoreSettings;
  /** Rules for an instrument: its profile in alerts.yaml, or `default`. */
  rulesFor(instrument: Instrument): readonly RuleSpec[];
  readonly instruments?: InstrumentsConfig;
  /** How long a pending episode bridges samples that cannot be judged (alerts.yaml lifecycle.max_pause_seconds). */
  readonly maxPauseMs?: number;
  /** Feed-integrity rules (alerts.yaml `feed:`); without them `evaluateFeeds` judges nothing. */
  readonly feedRules?: FeedRuleSet;
}

export interface AnalyticsListener {
  onEvaluation?(evaluation: SampleEvaluation, instrument: Instrument): void;
}

/** Alert events met while a boundary is prepared are handed over at most this often (ms). */
const EVENT_HANDOVER_MS = 1;

const NO_PEER: { cross?: number; seen?: BookSample } = {};

/** A boundary's samples by key: what the screen and the preparation look up (a Map, or one that notes what it lacked). */
interface SampleLookup {
  get(key: string): BookSample | undefined;
}

/** Kept in memory for reports and the UI; the full history lives in the database. */
const MAX_ALERTS = 10_000;
const MAX_TRAIL = 50_000;

/**
 * One boundary's screen taken as its venues report (`Analytics.screenArrived`),
 * so that when the last report completes the boundary only that venue's
 * samples, and the metrics of the others that read it (a spot leg, a peer on
 * another venue), are left to screen: the rest of the screen is off the path
 * from the completing frame to the alert. Only the order of the work depends
 * on it, never an evaluation.
 */
export class BoundaryScreen {
  /** Every sample reported so far, by key. */
  readonly byKey = new Map<string, BookSample>();
  /** Per key: a verdict taken ahead, or what is left of its screen. A key without one is screened when the boundary completes. */
  readonly verdicts = new Map<string, boolean | PartialScreen>();
  /** The analytics state the verdicts were taken in (`Analytics.generation`); any other drops them. */
  generation = -1;
  /** A sample brought a new or changed instrument: links and rules move at evaluation, so no verdict taken ahead holds. */
  changedInstruments = false;

  constructor(readonly time: number) {}
}

/**
 * The analytics side of the pipeline: book samples of every venue for one
 * sampling boundary in, basis and cross-venue figures across venues, then
 * z-scores, rules and alert lifecycles. It needs every venue's samples at
 * once, which is why it is one place (one worker) however many feeds run.
 */
export class Analytics {
  readonly evaluator: SurveillanceEvaluator;
  /** Links perpetuals to their spot leg and an instrument to its twins on other venues. */
  private readonly directory: InstrumentDirectory;
  private readonly instruments = new Map<string, Instrument>();
  private readonly alerts = new Map<string, Alert>();
  private readonly trail: AlertEvent[] = [];
  private readonly feedMonitor: FeedIntegrityMonitor | null;
  /** The sample whose USD rate `screenValue` last looked up (reset before each sample's screen), and that rate. */
  private screenedUsd: BookSample | null = null;
  private screenedUsdPerQuote: number | null = null;
  private screenedUsdLater = false;
  /** While screening ahead: whether a lookup needed a sample of a venue whose report is still out. */
  private lookedUpPending = false;
  /**
   * Bumped by whatever changes what a screen answers (an evaluation, an
   * acknowledgement, new tiers, a venue's gap): verdicts taken ahead in
   * another generation are not used.
   */
  private generation = 0;

  constructor(
    settings: AnalyticsSettings,
    private readonly listener: AnalyticsListener = {},
  ) {
    this.directory = new InstrumentDirectory(settings.instruments);
    this.feedMonitor = settings.feedRules ? new FeedIntegrityMonitor(settings.feedRules) : null;
    this.evaluator = new SurveillanceEvaluator({
      zscore: settings.zscore,
      sampleIntervalMs: settings.sampleIntervalMs,
      ...(settings.maxPauseMs === undefined ? {} : { maxPauseMs: settings.maxPauseMs }),
      rulesFor: (_id, key) => settings.rulesFor(this.instruments.get(key)!),
    });
  }

  /**
   * Evaluates one sampling boundary: `samples` are every venue's book samples
   * for that time; the evaluations come back in the same order. With
   * `onChunk`, the instruments whose evaluation may raise an alert event
   * (`SurveillanceEvaluator.transitionUrgency`: a rule that fires, a pending
   * alert, an episode under way) are evaluated as they are met and handed
   * over at once when they raise one; then the firing alerts that stay
   * quiet (held, or clearing with clear time left), then the quiet rest, in
   * runs of at most `chunk`, so a caller can post a boundary's alerts before
   * the whole market is evaluated. Order
   * changes no evaluation (each instrument's state is its own). `ahead`, the
   * boundary's screen taken as its venues reported (`screenArrived`), saves
   * screening again what it decided.
   */
  evaluate(samples: readonly BookSample[], onChunk?: (evaluations: readonly SampleEvaluation[]) => void, chunk = 256, ahead?: BoundaryScreen): SampleEvaluation[] {
    try {
      return this.evaluateInOrder(samples, onChunk, chunk, ahead);
    } finally {
      this.generation += 1;
    }
  }

  /**
   * Screens the samples of one venue's report as it arrives, while the
   * boundary waits for `pendingVenues`: each sample gets a verdict, or the
   * metrics that read a pending venue are left for `evaluate` (finishScreen).
   */
  screenArrived(screen: BoundaryScreen, samples: readonly BookSample[], pendingVenues: ReadonlySet<string>): void {
    if (screen.generation !== this.generation) {
      screen.verdicts.clear();
      screen.generation = this.generation;
    }
    for (const s of samples) {
      screen.byKey.set(s.key, s);
      const known = this.instruments.get(s.key);
      if (!(known === s.instrument || (known !== undefined && sameInstrument(known, s.instrument)))) screen.changedInstruments = true;
    }
    if (screen.changedInstruments) return;
    try {
      // A sample another venue's report would hold is not known yet: what reads it waits.
      const lookup: SampleLookup = {
        get: (key) => {
          const found = screen.byKey.get(key);
          if (found === undefined && pendingVenues.has(key.slice(0, key.indexOf(':')))) this.lookedUpPending = true;
          return found;
        },
      };
      let screened: BookSample = samples[0]!;
      const valueOf = (metric: MetricName): number | undefined | null => {
        this.lookedUpPending = false;
        const value = this.screenValue(screened, metric, lookup);
        return this.lookedUpPending ? null : value;
      };
      for (let i = 0; i < samples.length; i++) {
        screened = samples[i]!;
        this.screenedUsd = null;
        screen.verdicts.set(screened.key, this.evaluator.screenAhead(screened.key, screened.time, valueOf));
      }
    } finally {
      this.lookedUpPending = false;
    }
  }

  private evaluateInOrder(samples: readonly BookSample[], onChunk: ((evaluations: readonly SampleEvaluation[]) => void) | undefined, chunk: number, ahead: BoundaryScreen | undefined): SampleEvaluation[] {
    // Verdicts taken ahead hold only in the state they were taken in, for exactly these samples.
    // The completing report was not screened ahead: its samples join the others' here.
    const usable = ahead !== undefined && ahead.generation === this.generation && !ahead.changedInstruments && completes(ahead.byKey, samples);
    const verdicts = usable ? ahead.verdicts : null;
    for (const s of samples) {
      const known = this.instruments.get(s.key);
      // By content: across threads every sample carries a fresh copy of its instrument.
      if (known === s.instrument || (known !== undefined && sameInstrument(known, s.instrument))) continue;
      this.instruments.set(s.key, s.instrument);
      this.directory.addMetadata([s.instrument]);
      // A changed instrument may have moved tier: its rules are looked up again (no-op when they are the same).
      if (known !== undefined) this.evaluator.refreshRules(s.key);
    }
    let byKey: Map<string, BookSample>;
    if (usable) byKey = ahead.byKey;
    else {
      byKey = new Map<string, BookSample>();
      for (const s of samples) byKey.set(s.key, s);
    }
    const out = new Array<SampleEvaluation>(samples.length);
    if (!onChunk) {
      for (let i = 0; i < samples.length; i++) out[i] = this.judge(this.metricSample(samples[i]!, byKey), samples[i]!.instrument);
      return out;
    }
    // A screen without allocation first (SurveillanceEvaluator.mayBeUrgent),
    // then what it could not rule out is prepared and what may fire is
    // evaluated at once, so an event waits only for the screen and the few
    // candidates before it; firing alerts that stay quiet and the quiet rest follow.
    const candidates: number[] = [];
    const quiet: number[] = [];
    let screened: BookSample = samples[0]!;
    const valueOf = (metric: MetricName) => this.screenValue(screened, metric, byKey);
    for (let i = 0; i < samples.length; i++) {
      screened = samples[i]!;
      this.screenedUsd = null;
      const verdict = verdicts?.get(screened.key);
      const urgent =
        verdict === undefined
          ? this.evaluator.mayBeUrgent(screened.key, screened.time, valueOf)
          : typeof verdict === 'boolean'
            ? verdict
            : this.evaluator.finishScreen(screened.key, screened.time, verdict, valueOf);
      (urgent ? candidates : quiet).push(i);
    }
    const prepared = new Array<MetricSample | undefined>(samples.length);
    const steady: number[] = [];
    const later: number[] = [];
    let run: SampleEvaluation[] = [];
    // Events go out as they are met, at most one handover per EVENT_HANDOVER_MS:
    // a venue-wide blowout is a few messages, not one per instrument.
    let handedAt = -Infinity;
    let holding = false;
    const handOver = () => {
      onChunk(run);
      run = [];
      holding = false;
      handedAt = performance.now();
    };
    for (const i of candidates) {
      const sample = (prepared[i] = this.metricSample(samples[i]!, byKey));
      const urgency = this.evaluator.transitionUrgency(sample);
      if (urgency !== 'now') (urgency === 'steady' ? steady : later).push(i);
      else {
        const evaluation = (out[i] = this.judge(sample, samples[i]!.instrument));
        run.push(evaluation);
        if (evaluation.events.length > 0) holding = true;
      }
      if (run.length === chunk || (holding && performance.now() - handedAt >= EVENT_HANDOVER_MS)) handOver();
    }
    if (run.length > 0) handOver();
    for (const indices of [steady, later, quiet]) {
      for (const i of indices) {
        run.push((out[i] = this.judge(prepared[i] ?? this.metricSample(samples[i]!, byKey), samples[i]!.instrument)));
        if (run.length === chunk) handOver();
      }
      if (run.length > 0) handOver();
    }
    return out;
  }

  private judge(sample: MetricSample, instrument: Instrument): SampleEvaluation {
    const evaluation = this.evaluator.evaluate(sample);
    this.remember(evaluation);
    this.listener.onEvaluation?.(evaluation, instrument);
    return evaluation;
  }

  /** A book sample with what needs the other samples of its boundary: USD depth, basis, funding per 8 h, cross-venue. */
  private metricSample(s: BookSample, byKey: ReadonlyMap<string, BookSample>): MetricSample {
    const instrument = s.instrument;
    const values = { ...s.values };
    const sources: Partial<Record<DataSource, SourceHealth>> = { book: bookSource(s) };
    // Depth is judged in USD: quote notional times the venue's own price of the quote asset.
    const usdPerQuote = this.usdPerQuote(instrument, byKey);
    sources.usd_rate = { state: usdPerQuote === null ? 'invalid' : 'ok', gap: false };
    if (usdPerQuote !== null && usdPerQuote !== 1) {
      for (const name of Object.keys(values) as MetricName[]) if (name.startsWith('depth_')) values[name]! *= usdPerQuote;
    }
    if (instrument.type !== 'spot') {
      const spot = this.spotOf(s, byKey);
      if (spot) sources.spot_leg = bookSource(spot);
      sources.reference = { state: s.venueStale || s.referenceStale ? 'stale' : 'ok', gap: false };
      Object.assign(
        values,
        basisMetrics({
          perpMid: values.mid,
          spotMid: spot?.values.mid,
          indexPrice: s.indexPrice,
          markPrice: s.markPrice,
          fundingRate: s.fundingRate,
        }),
      );
      const per8h = fundingBpsPer8h(s.fundingRate, s.fundingIntervalMs);
      if (per8h !== undefined) values.funding_bps_8h = per8h;
      if (instrument.type === 'future' && instrument.expiry !== undefined) {
        const annual = annualizedBasisPct(values.basis_perp_index_bps, instrument.expiry - s.time);
        if (annual !== undefined) values.basis_annualized_pct = annual;
      }
    }
    const peer = this.peerOf(s, values.mid, byKey);
    if (peer.cross !== undefined) values.cross_venue_bps = peer.cross;
    if (peer.seen) sources.peer = bookSource(peer.seen);
    // A book gap travels as `sources.book.gap`: only the windows of metrics that read the book re-warm.
    return {
      key: s.key,
      instrumentId: instrument.id,
      venue: instrument.venue,
      time: s.time,
      values,
      covered: s.covered,
      health: { stale: s.venueStale, bookValid: s.bookValid, sources },
      tickSize: instrument.tickSize,
      ...(instrument.lotSize === undefined ? {} : { lotSize: instrument.lotSize }),
      ...(s.nextFundingTime === undefined ? {} : { funding: { nextTime: s.nextFundingTime, intervalMs: s.fundingIntervalMs ?? null } }),
    };
  }

  /**
   * A metric of `s` as `metricSample` will give it, computed without building
   * the sample, or undefined when it is missing or one of its sources is not
   * healthy (what `mayBeUrgent` screens on).
   */
  private screenValue(s: BookSample, metric: MetricName, byKey: SampleLookup): number | undefined {
    const bookOk = bookHealthy(s);
    const referenceOk = !s.venueStale && !s.referenceStale;
    const instrument = s.instrument;
    switch (metric) {
      case 'basis_mark_index_bps':
        return referenceOk ? basisBps(s.markPrice, s.indexPrice) : undefined;
      case 'funding_rate':
        return referenceOk ? s.fundingRate : undefined;
      case 'funding_bps_8h':
        return referenceOk ? fundingBpsPer8h(s.fundingRate, s.fundingIntervalMs) : undefined;
      case 'basis_perp_index_bps':
        return bookOk && referenceOk ? basisBps(s.values.mid, s.indexPrice) : undefined;
      case 'basis_annualized_pct':
        if (!bookOk || !referenceOk || instrument.type !== 'future' || instrument.expiry === undefined) return undefined;
        return annualizedBasisPct(basisBps(s.values.mid, s.indexPrice), instrument.expiry - s.time);
      case 'basis_perp_spot_bps': {
        if (!bookOk || instrument.type === 'spot') return undefined;
        const spot = this.spotOf(s, byKey);
        return spot !== undefined && bookHealthy(spot) ? basisBps(s.values.mid, spot.values.mid) : undefined;
      }
      case 'cross_venue_bps': {
        if (!bookOk) return undefined;
        const peer = this.peerOf(s, s.values.mid, byKey);
        return peer.cross;
      }
      default: {
        if (!bookOk) return undefined;
        const value = s.values[metric];
        if (value === undefined || !metric.startsWith('depth_')) return value;
        // Once per sample, however many depth bands its rules read (a rate that waits on another venue makes each wait).
        if (this.screenedUsd !== s) {
          const waiting = this.lookedUpPending;
          this.lookedUpPending = false;
          this.screenedUsd = s;
          this.screenedUsdPerQuote = this.usdPerQuote(instrument, byKey);
          this.screenedUsdLater = this.lookedUpPending;
          this.lookedUpPending ||= waiting;
        } else if (this.screenedUsdLater) this.lookedUpPending = true;
        const usdPerQuote = this.screenedUsdPerQuote;
        return usdPerQuote === null ? undefined : value * usdPerQuote;
      }
    }
  }

  /** The sample of a derivative's spot leg on the same exchange, if it has one at this boundary. */
  private spotOf(s: BookSample, byKey: SampleLookup): BookSample | undefined {
    if (s.instrument.type === 'spot') return undefined;
    const spotKey = this.directory.spotKeyFor(s.instrument, s.key);
    return spotKey === undefined ? undefined : byKey.get(spotKey);
  }

  /**
   * Against the first other venue quoting the same canonical instrument with
   * a healthy book: the cross-venue figure, and the peer whose health the
   * sample carries (that one, else the first peer seen).
   */
  private peerOf(s: BookSample, mid: number | undefined, byKey: SampleLookup): { cross?: number; seen?: BookSample } {
    let seen: BookSample | undefined;
    for (const other of this.directory.otherVenueKeysFor(s.instrument, s.key)) {
      const peer = byKey.get(other);
      if (!peer) continue;
      seen ??= peer;
      const cross = crossVenueBps(mid, peer.values.mid);
      if (cross === undefined || !bookHealthy(peer)) continue;
      return { cross, seen: peer };
    }
    return seen === undefined ? NO_PEER : { seen };
  }

  /**
   * USD per unit of the instrument's quote asset: 1 for USD and stablecoins
   * (and inverse contracts, whose notional is already USD), else the mid of
   * the same exchange's `<quote>-USDT` (or USDC, USD) spot market at this
   * boundary; null when the venue has no such price (rules on depth skip as `unconverted`).
   */
  private usdPerQuote(instrument: Instrument, byKey: SampleLookup): number | null {
    if (instrument.contractKind === 'inverse' || USD_QUOTES.includes(instrument.quote)) return 1;
    for (const key of this.directory.usdPairKeysFor(instrument.quote, instrument.venue)) {
      const pair = byKey.get(key);
      const mid = pair?.values.mid;
      if (pair && mid !== undefined && mid > 0 && Number.isFinite(mid) && bookHealthy(pair)) return mid;
    }
    return null;
  }

  /** Liquidity tiers from a new instrument selection (a discovery refresh): `venue:symbol` -> tier, null for none. */
  setTiers(tiers: ReadonlyMap<string, string | null>): void {
    this.generation += 1;
    this.directory.setTiers(tiers);
  }

  /** Drops the z-score windows of a venue's instruments (its worker restarted, its books were rebuilt). */
  markVenueGap(venue: string): void {
    this.generation += 1;
    for (const [key, instrument] of this.instruments) if (instrument.venue === venue) this.evaluator.markGap(key);
  }

  /**
   * Feed-integrity alerts for one boundary: each venue's feed reading, and in
   * a live console the engine's own (worker restarts, analytics lag, history
   * writes). Their transitions join the same alert list and audit trail as
   * market alerts.
   */
  evaluateFeeds(time: number, venues: readonly VenueFeedObservation[], engine: EngineFeedObservation | null = null): FeedAlertStep {
    if (!this.feedMonitor) return { events: [], alerts: [], refreshed: [] };
    const step = this.feedMonitor.observe(time, venues, engine);
    this.rememberAlerts([...step.alerts, ...step.refreshed], step.events);
    return step;
  }

  /** Instruments (`venue:symbol`) with a market alert pending or firing. */
  keysWithOpenAlerts(): Set<string> {
    const keys = new Set<string>();
    for (const alert of this.evaluator.openAlerts()) keys.add(alert.key);
    return keys;
  }

  /** Feed alerts pending or firing, with their current detail. */
  openFeedAlerts(): Alert[] {
    return this.feedMonitor?.openAlerts() ?? [];
  }


  /** Acknowledges an open alert; the event joins the audit trail. Null when no open alert has that id. */
  acknowledge(alertId: string, ack: Acknowledgement): AlertEvent | null {
    this.generation += 1;
    const event = this.evaluator.acknowledge(alertId, ack) ?? this.feedMonitor?.acknowledge(alertId, ack) ?? null;
    if (!event) return null;
    this.trail.push(event);
    const open = [...this.evaluator.openAlerts(), ...this.openFeedAlerts()].find((a) => a.id === alertId);
    if (open) this.alerts.set(alertId, open);
    return event;
  }

  /** Alerts seen lately (the most recent 10,000), latest state of each. */
  allAlerts(): Alert[] {
    return [...this.alerts.values()];
  }

  /** The audit trail of recent alerts (the most recent 50,000 events), in order. */
  auditTrail(): readonly AlertEvent[] {
    return this.trail;
  }

  private remember(evaluation: SampleEvaluation): void {
    this.rememberAlerts(evaluation.alerts, evaluation.events);
  }

  private rememberAlerts(alerts: readonly Alert[], events: readonly AlertEvent[]): void {
    for (const alert of alerts) {
      this.alerts.delete(alert.id);
      this.alerts.set(alert.id, alert);
    }
    this.trail.push(...events);
    // Bounded for days-long sessions: the oldest go first (Map keeps insertion order).
    while (this.alerts.size > MAX_ALERTS) this.alerts.delete(this.alerts.keys().next().value!);
    if (this.trail.length > MAX_TRAIL) this.trail.splice(0, this.trail.length - MAX_TRAIL);
  }
}

/** Adds to `byKey` the samples it lacks; true when it then holds exactly `samples` (none other, none replaced). */
function completes(byKey: Map<string, BookSample>, samples: readonly BookSample[]): boolean {
  for (const s of samples) {
    const held = byKey.get(s.key);
    if (held === undefined) byKey.set(s.key, s);
    else if (held !== s) return false;
  }
  return byKey.size === samples.length;
}

/** Field by field, so a field added to Instrument is compared too. */
function sameInstrument(a: Instrument, b: Instrument): boolean {
  const keys = Object.keys(a) as (keyof Instrument)[];
  if (keys.length !== Object.keys(b).length) return false;
  for (const k of keys) if (a[k] !== b[k]) return false;
  return true;
}

/** A book sample's health as a source: stale venue, invalid book, and whether it had a hole since the last sample. */
function bookSource(s: BookSample): SourceHealth {
  return { state: s.venueStale ? 'stale' : s.bookValid ? 'ok' : 'invalid', gap: s.gapSinceSample };
}

/** `bookSource(s).state === 'ok'` without building the source. */
function bookHealthy(s: BookSample): boolean {
  return !s.venueStale && s.bookValid;
}

const EIGHT_HOURS_MS = 8 * 3_600_000;

/**
 * Funding in bps per 8 hours, so a 1 h and an 8 h perpetual read on one scale.
 * Without a known interval the venues' usual 8 h is assumed.
 */
export function fundingBpsPer8h(rate: number | undefined, intervalMs: number | undefined): number | undefined {
  if (rate === undefined || !Number.isFinite(rate)) return undefined;
  const interval = intervalMs !== undefined && intervalMs > 0 ? intervalMs : EIGHT_HOURS_MS;
  return rate * 1e4 * (EIGHT_HOURS_MS / interval);
}
