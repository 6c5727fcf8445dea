import { countIgnored } from './ignored-reasons';
import type { BookObservation, VenueFeedObservation } from '../../shared/core/feed-integrity';
import { bookMetrics, type BookMetrics } from '../../shared/core/metrics';
import type { OrderBook } from '../../shared/core/order-book';
import type { Instrument, MarketEvent, MetricName, QuoteEvent } from '../../shared/core/model';
import { instrumentKey } from '../../shared/core/model';
import type { InstrumentsConfig, LimitsSettings } from '../../shared/config';
import { venueById } from '../venues/registry';
import type { RawFrame } from '../feed/raw-frame';
import type { BookSync, MapResult, VenueMapper } from '../venues/venue';
import { BookTruth, type TruthVerdict } from './book-truth';
import { deepAuditOffset, DEFAULT_DEEP_VERIFY, DeepVerifier, rebuildBook, type DeepVerdict, type DeepVerifySettings } from './deep-verify';
import { FrameTimeGuard } from './frame-time';
import { InstrumentDirectory } from './instrument-directory';

/** Feed happenings worth a line in the feed log. `stale` and `fresh` concern a whole venue. */
export type SyncEventKind = 'gap' | 'checksum_failure' | 'resync' | 'stale' | 'fresh' | 'book_drift';

/** What the books side reports as it goes. */
export interface BookEventListener {
  /**
   * `key` is `venue:symbol`, or the venue id for `stale` / `fresh`. `detail`
   * says what was seen when there is more to say (a deep mismatch's level).
   */
  onSyncEvent?(key: string, kind: SyncEventKind, time: number, detail?: string): void;
}

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
  /** Book top compared with the venue's own top-of-book stream (bookTicker, tickers / bbo). */
  driftChecks: number;
  /** Comparisons where the book's best bid or ask disagreed with the venue's top of book. */
  driftMismatches: number;
  /** Sustained mismatches (book-truth.ts) and deep mismatches (deep-verify.ts): each a `book_drift` event and a forced resync. */
  bookDrifts: number;
  /** REST snapshots compared level by level with the live book at the same seqId (deep-verify.ts). */
  deepChecks: number;
  /** Of those, the ones that differed: each also a book drift, the book rebuilt from that snapshot. */
  deepMismatches: number;
  /** Deep verifications that could not be made (no answer in time, the sequence passed it). */
  deepUnverified: number;
}

/** What is kept per venue instrument. */
export interface InstrumentState {
  readonly key: string;
  instrument: Instrument;
  sync: BookSync | null;
  quote: QuoteEvent | null;
  markPrice?: number;
  indexPrice?: number;
  fundingRate?: number;
  nextFundingTime?: number;
  /** The venue's funding interval: sent by the venue, or seen between two settlements. */
  fundingIntervalMs?: number;
  /** Receive time of the latest mark or index price of this instrument (0: none yet). */
  referenceAt: number;
  lastFrameAt: number;
  /** Receive time minus exchange time of the latest event that had one. */
  lagMs: number | null;
  /** The book was out of sync since the last sample: the z-score windows must start over. */
  gapSinceSample: boolean;
  /** Book-top cross-check against the venue's quotes; made with the first quote of an instrument with a book. */
  truth?: BookTruth;
  /** Deep verification against REST snapshots: made on a drift, or for every verifiable book when audits are on. */
  deep?: DeepVerifier;
  /** The book's figures as last measured, with what they were measured on (VenueBooks.measured). */
  measured?: MeasuredBook;
}

/** bookMetrics of one book at one version, for one instrument record: valid while all three are the same. */
interface MeasuredBook {
  readonly book: OrderBook;
  readonly version: number;
  readonly instrument: Instrument;
  readonly metrics: BookMetrics;
}

/**
 * One instrument's book-side figures at a sampling boundary: what a feed
 * worker sends to the analytics worker. Small, plain and structured-clone safe.
 */
export interface BookSample {
  readonly key: string;
  readonly instrument: Instrument;
  readonly time: number;
  readonly values: Partial<Record<MetricName, number>>;
  readonly covered: Partial<Record<MetricName, boolean>>;
  readonly bookValid: boolean;
  readonly venueStale: boolean;
  readonly gapSinceSample: boolean;
  /** Mark and index prices are older than the reference stale timeout (while the venue still sends). */
  readonly referenceStale: boolean;
  readonly markPrice?: number;
  readonly indexPrice?: number;
  readonly fundingRate?: number;
  readonly nextFundingTime?: number;
  readonly fundingIntervalMs?: number;
}

/**
 * Crossed (best bid above best ask) and locked (equal) episodes of one book,
 * seen at sampling boundaries: an episode that was crossed at any boundary
 * counts as crossed. `longestMs` runs from an episode's first boundary to its last.
 */
export interface BookEpisodes {
  crossed: number;
  locked: number;
  longestMs: number;
}

export interface FrameCounters {
  frames: number;
  ignored: number;
  /** `ignored` by the mapper's reason (`trade`, `pong`, `subscription ack`, ...); at most 64 reasons, then `other`. */
  ignoredBy: Record<string, number>;
  rejected: Record<string, number>;
}

/** A frame from a venue the engine does not speak. */
export class UnknownVenueError extends Error {
  constructor(readonly venue: string) {
    super(`unknown venue "${venue}"`);
    this.name = 'UnknownVenueError';
  }
}

export interface VenueBooksSettings {
  readonly staleTimeoutMs: number;
  /** No mark or index update for this long: the reference source is stale. Default 30 s. */
  readonly referenceStaleMs?: number;
  readonly depthBandsBps: readonly number[];
  readonly instruments?: InstrumentsConfig;
  /** Frame sizes and levels per book side (features.yaml `limits`); defaults when absent. */
  readonly limits?: Partial<LimitsSettings>;
  /** Deep verification against REST snapshots (deep-verify.ts); defaults when absent (probation on, audit off). */
  readonly deepVerify?: Partial<DeepVerifySettings>;
}

/**
 * The books side of the pipeline: frames -> mapper -> book sync -> books and
 * reference prices, and book metrics at each sampling boundary. It runs where
 * the sockets are (a feed worker), so raw frames never leave it.
 */
const EMPTY_KEYS: readonly string[] = [];

export class VenueBooks {
  readonly directory: InstrumentDirectory;
  readonly counters: FrameCounters = { frames: 0, ignored: 0, ignoredBy: {}, rejected: {} };
  /** Which frame times are believed; `SurveillancePipeline.advance` asks it too. */
  readonly frameTimes = new FrameTimeGuard();
  private readonly states = new Map<string, InstrumentState>();
  /** The same states by venue, then symbol: an event finds its state without building its `venue:symbol` key. */
  private readonly statesByVenue = new Map<string, Map<string, InstrumentState>>();
  private readonly mappers = new Map<string, VenueMapper>();
  /** `venue:indexSymbol` -> latest index price (OKX publishes indices apart). */
  private readonly indexPrices = new Map<string, number>();
  /** `venue:indexSymbol` -> receive time of its latest price. */
  private readonly indexTimes = new Map<string, number>();
  private readonly venues = new Map<string, VenueHealth>();
  /** Frames refused per venue (FrameCounters sums every venue of a multi-venue capture). */
  private readonly rejectedByVenue = new Map<string, number>();
  /** Books crossed or locked at the last boundary, and since when without a break. */
  private readonly crossedSince = new Map<string, { state: 'crossed' | 'locked'; since: number; wasCrossed: boolean }>();
  private readonly episodes = new Map<string, BookEpisodes>();
  private readonly deepSettings: DeepVerifySettings;
  /**
   * Keys of the books that want a REST snapshot, kept as their states change
   * (after each event, a refused message, a reset): a feed worker asks on
   * every frame, and a scan of every book per frame cost a whole-market feed
   * worker more than its decoding (docs/performance.md, session 4).
   */
  private readonly wanting = new Set<string>();
  /**
   * Keys that started wanting since the last `takeNewlyWanting`, in order;
   * a set, so it stays bounded by the books where nobody takes it (a replay).
   */
  private newlyWanting = new Set<string>();

  constructor(
    private readonly settings: VenueBooksSettings,
    private readonly listener: BookEventListener = {},
  ) {
    this.directory = new InstrumentDirectory(settings.instruments);
    this.deepSettings = { ...DEFAULT_DEEP_VERIFY, ...settings.deepVerify };
  }

  /** Decodes one frame (unless `mapped` says what its mapper made of it elsewhere) and applies what it says. Bad frames are counted, never thrown. */
  ingest(frame: RawFrame, mapped?: MapResult): void {
    this.counters.frames++;
    // Before anything reads the time: a frame from the year 1e300 must not become "now".
    if (!this.frameTimes.accept(frame.t)) {
      this.countRejected(frame.venue, 'bad_time');
      return;
    }
    this.venueHealth(frame.venue).lastFrameAt = frame.t;
    const result = mapped ?? this.mapperFor(frame.venue).map(frame);
    switch (result.kind) {
      case 'events':
        for (const event of result.events) {
          const state = this.apply(event, frame.t);
          if (state) this.noteWanting(state);
        }
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
        countIgnored(this.counters.ignoredBy, result.what);
        return;
      case 'rejected':
        this.countRejected(frame.venue, result.reason);
        if (result.symbol !== undefined) this.bookMissedMessage(frame.venue, result.symbol);
        return;
    }
  }

  /** A refused frame, by reason (the report's) and by venue (feed alerts'). */
  private countRejected(venue: string, reason: string): void {
    this.counters.rejected[reason] = (this.counters.rejected[reason] ?? 0) + 1;
    this.rejectedByVenue.set(venue, (this.rejectedByVenue.get(venue) ?? 0) + 1);
  }

  /** Book figures of every instrument that has shown data, at a sampling boundary. */
  sample(time: number): BookSample[] {
    this.updateStaleness(time);
    const out: BookSample[] = [];
    for (const state of this.states.values()) {
      if (state.lastFrameAt === 0) continue;
      const instrument = state.instrument;
      const indexKey = instrument.indexSymbol ? instrumentKey(instrument.venue, instrument.indexSymbol) : undefined;
      const indexPrice = state.indexPrice ?? (indexKey ? this.indexPrices.get(indexKey) : undefined);
      // The older of mark and a separately published index decides: a rule needs both.
      const indexAt = state.indexPrice === undefined && indexKey ? this.indexTimes.get(indexKey) : undefined;
      const referenceAt = indexAt === undefined ? state.referenceAt : state.referenceAt === 0 ? indexAt : Math.min(indexAt, state.referenceAt);
      out.push({
        key: state.key,
        instrument,
        time,
        ...this.bookValues(state),
        venueStale: this.venues.get(instrument.venue)?.stale ?? true,
        gapSinceSample: state.gapSinceSample,
        referenceStale: referenceAt > 0 && time - referenceAt > (this.settings.referenceStaleMs ?? 30_000),
        ...(state.markPrice === undefined ? {} : { markPrice: state.markPrice }),
        ...(indexPrice === undefined ? {} : { indexPrice }),
        ...(state.fundingRate === undefined ? {} : { fundingRate: state.fundingRate }),
        ...(state.nextFundingTime === undefined ? {} : { nextFundingTime: state.nextFundingTime }),
        ...(state.fundingIntervalMs === undefined ? {} : { fundingIntervalMs: state.fundingIntervalMs }),
      });
      state.gapSinceSample = false;
    }
    return out;
  }

  /** Venue instruments that have shown market data, in first-seen order. */
  instrumentStates(): InstrumentState[] {
    return [...this.states.values()];
  }

  /** Per venue: last frame, stale state and episodes, gaps, checksum failures, resyncs. */
  venueStates(): VenueHealth[] {
    return [...this.venues.values()];
  }

  /**
   * What feed-integrity alerts judge of each venue at a boundary: staleness,
   * cumulative counters, and the books crossed or locked now with since when.
   * Call after `sample(time)`, which brings staleness up to date. Connections
   * are the feed's to report: null here (a capture has none).
   */
  feedObservations(time: number): VenueFeedObservation[] {
    const books = new Map<string, BookObservation[]>();
    for (const state of this.states.values()) {
      const sync = state.sync;
      const bookState = sync?.book.state();
      const crossing = bookState === 'crossed' || bookState === 'locked';
      let episode = this.crossedSince.get(state.key);
      // An episode ends only on a valid book that is not crossed: a crossed book the sync threw
      // away (invalid, awaiting a snapshot) has not recovered, whatever its levels say now.
      if (!crossing && (!episode || sync?.valid !== false)) {
        this.crossedSince.delete(state.key);
        continue;
      }
      let counts = this.episodes.get(state.key);
      if (!counts) this.episodes.set(state.key, (counts = { crossed: 0, locked: 0, longestMs: 0 }));
      if (!episode) {
        const first = bookState as 'crossed' | 'locked';
        this.crossedSince.set(state.key, (episode = { state: first, since: time, wasCrossed: first === 'crossed' }));
        if (first === 'crossed') counts.crossed++;
        else counts.locked++;
      } else if (bookState === 'crossed' && !episode.wasCrossed) {
        // Crossed and locked are one episode; one that went on to cross counts as the worse of the two.
        episode.wasCrossed = true;
        counts.locked--;
        counts.crossed++;
      }
      if (crossing) episode.state = bookState;
      counts.longestMs = Math.max(counts.longestMs, time - episode.since);
      const venue = state.instrument.venue;
      let list = books.get(venue);
      if (!list) books.set(venue, (list = []));
      list.push({ key: state.key, instrumentId: state.instrument.id, state: episode.state, since: episode.since, awaitingResync: !crossing });
    }
    return [...this.venues.values()].map((h) => ({
      venue: h.venue,
      connections: null,
      stale: h.stale,
      lastFrameAt: h.lastFrameAt === 0 ? null : h.lastFrameAt,
      gaps: h.gaps,
      checksumFailures: h.checksumFailures,
      resyncs: h.resyncs,
      rejectedFrames: this.rejectedByVenue.get(h.venue) ?? 0,
      bookDrifts: h.bookDrifts,
      deepMismatches: h.deepMismatches,
      books: books.get(h.venue) ?? [],
    }));
  }

  /** Crossed and locked episodes of a book so far, as seen at sampling boundaries (the replay report's). */
  bookEpisodes(key: string): BookEpisodes {
    return this.episodes.get(key) ?? { crossed: 0, locked: 0, longestMs: 0 };
  }

  /** Keys whose book waits for a REST snapshot, or whose deep verification asks for one (a live feed fetches one). */
  booksWantingSnapshot(): string[] {
    return [...this.wanting];
  }

  /**
   * The keys that started wanting a snapshot since the last call: what a live
   * feed asks for right after a frame. Asks that a feed could not take then
   * (socket down, request failed) are retried from `booksWantingSnapshot`.
   */
  takeNewlyWanting(): readonly string[] {
    if (this.newlyWanting.size === 0) return EMPTY_KEYS;
    const keys = [...this.newlyWanting];
    this.newlyWanting.clear();
    return keys;
  }

  private noteWanting(state: InstrumentState): void {
    const wants = state.sync?.wantsSnapshot === true || state.deep?.wantsSnapshot === true;
    if (wants === this.wanting.has(state.key)) return;
    if (wants) {
      this.wanting.add(state.key);
      this.newlyWanting.add(state.key);
    } else {
      this.wanting.delete(state.key);
      this.newlyWanting.delete(state.key);
    }
  }

  /**
   * Forgets the books of these instrument keys (`venue:symbol`) after a
   * connection dropped: they wait for a new snapshot, and their z-scores
   * start over at the next sample.
   */
  resetInstruments(keys: readonly string[]): void {
    for (const key of keys) {
      const state = this.states.get(key);
      if (!state?.sync) continue;
      state.sync.reset();
      state.gapSinceSample = true;
      this.noteWanting(state);
    }
  }

  /**
   * New liquidity tiers (`venue:symbol` -> tier, null for none) from a
   * discovery refresh: the books' instruments carry them from the next
   * sample, so the analytics side judges them by their new tier's rules.
   */
  setTiers(tiers: ReadonlyMap<string, string | null>): void {
    for (const key of this.directory.setTiers(tiers)) {
      const state = this.states.get(key);
      if (state) state.instrument = this.directory.get(key)!;
    }
  }

  /** Forgets every book of a venue. */
  resetVenue(venue: string): void {
    this.resetInstruments([...this.states.values()].filter((s) => s.instrument.venue === venue).map((s) => s.key));
  }

  private mapperFor(venue: string): VenueMapper {
    let mapper = this.mappers.get(venue);
    if (!mapper) {
      const v = venueById(venue);
      if (!v) throw new UnknownVenueError(venue);
      mapper = v.createMapper(this.settings.limits);
      this.mappers.set(venue, mapper);
    }
    return mapper;
  }

  /** Applies one event; returns the instrument state it touched (none for an index price). */
  private apply(event: MarketEvent, receivedAt: number): InstrumentState | undefined {
    if (event.type === 'index_price') {
      this.indexPrices.set(instrumentKey(event.venue, event.symbol), event.price);
      this.indexTimes.set(instrumentKey(event.venue, event.symbol), receivedAt);
      return undefined;
    }
    const state = this.stateFor(event.venue, event.symbol);
    state.lastFrameAt = receivedAt;
    if (event.exchangeTime !== undefined) state.lagMs = event.receiveTime - event.exchangeTime;
    switch (event.type) {
      case 'book_snapshot':
      case 'book_delta':
        this.applyBook(state, event, receivedAt);
        break;
      case 'quote':
        state.quote = event;
        if (state.sync) {
          state.truth ??= new BookTruth();
          this.judge(state, state.truth.onQuote(event, state.sync, receivedAt), receivedAt);
        }
        break;
      case 'reference':
        if (event.markPrice !== undefined) state.markPrice = event.markPrice;
        if (event.indexPrice !== undefined) state.indexPrice = event.indexPrice;
        if (event.markPrice !== undefined || event.indexPrice !== undefined) state.referenceAt = receivedAt;
        if (event.fundingRate !== undefined) state.fundingRate = event.fundingRate;
        this.applyFundingTimes(state, event);
        break;
    }
    return state;
  }

  private applyBook(state: InstrumentState, event: Extract<MarketEvent, { type: 'book_snapshot' | 'book_delta' }>, time: number): void {
    if (!state.sync) state.sync = venueById(event.venue)!.createBookSync(state.instrument, this.settings.limits);
    const before = state.sync.stats;
    const overflows = before.levelCapOverflows;
    const gaps = before.sequenceGaps;
    const failures = before.checksumFailures;
    const resyncs = before.resyncs;
    const deep = this.deepFor(state, state.sync);
    if (deep && event.type === 'book_snapshot') {
      // A REST answer to a deep verification is compared, not applied (deep-verify.ts).
      const taken = deep.takeSnapshot(event, state.sync, time);
      this.judgeDeep(state, taken.verdict, time);
      if (taken.consumed) return;
    }
    const truth = state.truth;
    if (truth) this.judge(state, truth.beforeBook(event, state.sync, time), time);
    const result = state.sync.apply(event);
    const stats = state.sync.stats;
    const gap = stats.sequenceGaps > gaps;
    const badChecksum = stats.checksumFailures > failures;
    // The book was wrong for a while: the samples taken from it say nothing about the next ones.
    if (result === 'resync' || gap || badChecksum) state.gapSinceSample = true;
    if (stats.levelCapOverflows > overflows) {
      // The sync dropped the book; the message is counted as refused like any other.
      this.counters.rejected.too_many_levels = (this.counters.rejected.too_many_levels ?? 0) + 1;
      this.rejectedByVenue.set(event.venue, (this.rejectedByVenue.get(event.venue) ?? 0) + 1);
    }
    const venue = this.venueHealth(event.venue);
    if (gap) {
      venue.gaps++;
      this.listener.onSyncEvent?.(state.key, 'gap', time);
    }
    if (badChecksum) {
      venue.checksumFailures++;
      this.listener.onSyncEvent?.(state.key, 'checksum_failure', time);
    }
    if (stats.resyncs > resyncs) {
      venue.resyncs++;
      this.listener.onSyncEvent?.(state.key, 'resync', time);
    }
    if (truth) this.judge(state, truth.afterBook(state.sync, time), time);
    if (deep) this.judgeDeep(state, deep.afterBook(event, result, state.sync, time), time);
  }

  /** The book's deep verifier: made on a drift, or at once for a verifiable book when audits are on. */
  private deepFor(state: InstrumentState, sync: BookSync): DeepVerifier | undefined {
    if (state.deep || this.deepSettings.auditIntervalMs <= 0 || !sync.deepVerifiable) return state.deep;
    return (state.deep = this.newVerifier(state.key));
  }

  private newVerifier(key: string): DeepVerifier {
    return new DeepVerifier(this.deepSettings, deepAuditOffset(key, this.deepSettings.auditIntervalMs));
  }

  /**
   * Counts a deep verification; a mismatch is a `book_drift` event with the
   * level in its detail, and the book is rebuilt at once from the snapshot
   * it was compared with (a resync, counted as such), z-scores starting over.
   */
  private judgeDeep(state: InstrumentState, verdict: DeepVerdict, time: number): void {
    if (verdict.kind === 'none') return;
    const venue = this.venueHealth(state.instrument.venue);
    if (verdict.kind === 'unverified') {
      venue.deepUnverified++;
      return;
    }
    venue.deepChecks++;
    if (verdict.kind === 'match') return;
    venue.deepMismatches++;
    venue.bookDrifts++;
    this.listener.onSyncEvent?.(state.key, 'book_drift', time, verdict.detail);
    if (rebuildBook(state.sync!, verdict.rebuild)) {
      venue.resyncs++;
      this.listener.onSyncEvent?.(state.key, 'resync', time);
    }
    state.truth?.reset();
    state.gapSinceSample = true;
  }

  /**
   * A book message was refused: the book missed an update, so it is
   * invalidated (live, it wants a snapshot and the feed fetches one; in
   * replay it stays invalid until the next snapshot) and its z-scores start
   * over. A book that has none yet has nothing to lose: the snapshot that
   * starts it is aligned with the diffs as usual.
   */
  private bookMissedMessage(venue: string, symbol: string): void {
    const state = this.states.get(instrumentKey(venue, symbol));
    if (!state?.sync) return;
    state.sync.invalidate();
    state.truth?.reset();
    state.gapSinceSample = true;
    this.noteWanting(state);
  }

  /**
   * Counts a cross-check verdict; a sustained drift is a `book_drift` event
   * and forces a resync: the book is forgotten (invalid) and waits for a
   * fresh snapshot (a live feed fetches one), and the z-scores start over.
   */
  private judge(state: InstrumentState, verdict: TruthVerdict, time: number): void {
    if (verdict === 'none') return;
    const venue = this.venueHealth(state.instrument.venue);
    venue.driftChecks++;
    if (verdict === 'match') return;
    venue.driftMismatches++;
    if (verdict !== 'drift') return;
    venue.bookDrifts++;
    this.listener.onSyncEvent?.(state.key, 'book_drift', time);
    state.sync!.invalidate();
    state.truth!.reset();
    state.gapSinceSample = true;
    // The resync may land while the venue still sends bad diffs: verify the rebuilt book in depth.
    if (state.sync!.deepVerifiable) (state.deep ??= this.newVerifier(state.key)).startProbation();
  }

  /**
   * Keeps the next funding time and the funding interval: the venue's own
   * (OKX sends two settlement times), else the step between two settlement
   * times seen (Binance's markPrice carries only the next one).
   */
  private applyFundingTimes(state: InstrumentState, event: Extract<MarketEvent, { type: 'reference' }>): void {
    if (event.fundingIntervalMs !== undefined && event.fundingIntervalMs > 0) state.fundingIntervalMs = event.fundingIntervalMs;
    const next = event.nextFundingTime;
    if (next === undefined) return;
    const previous = state.nextFundingTime;
    if (event.fundingIntervalMs === undefined && previous !== undefined && next > previous && next - previous <= 24 * 3_600_000) {
      state.fundingIntervalMs = next - previous;
    }
    state.nextFundingTime = next;
  }

  private stateFor(venue: string, symbol: string): InstrumentState {
    let bySymbol = this.statesByVenue.get(venue);
    if (!bySymbol) this.statesByVenue.set(venue, (bySymbol = new Map()));
    const known = bySymbol.get(symbol);
    if (known) return known;
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
        gapSinceSample: false,
        referenceAt: 0,
      };
      this.states.set(key, state);
    }
    bySymbol.set(symbol, state);
    return state;
  }

  private venueHealth(venue: string): VenueHealth {
    let health = this.venues.get(venue);
    if (!health) {
      health = { venue, lastFrameAt: 0, stale: false, staleEpisodes: 0, gaps: 0, checksumFailures: 0, resyncs: 0, driftChecks: 0, driftMismatches: 0, bookDrifts: 0, deepChecks: 0, deepMismatches: 0, deepUnverified: 0 };
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

  /**
   * Measures, until `deadline` (performance.now()), the books that changed
   * since they were last measured, so that the next boundary's `sample`
   * walks only the books changed after this: a feed worker calls it in its
   * idle time just before a boundary, taking the walk of the whole venue off
   * the boundary's path to an alert. True once every book is up to date.
   */
  measureChanged(deadline: number): boolean {
    for (const state of this.states.values()) {
      const sync = state.sync;
      if (sync === null || state.lastFrameAt === 0 || this.isMeasured(state, sync.book)) continue;
      if (performance.now() >= deadline) return false;
      this.measured(state, sync.book);
    }
    return true;
  }

  private isMeasured(state: InstrumentState, book: OrderBook): boolean {
    const m = state.measured;
    return m !== undefined && m.book === book && m.version === book.version && m.instrument === state.instrument;
  }

  /** The book's figures now: the last measurement while the book and its instrument are unchanged, else a new one. */
  private measured(state: InstrumentState, book: OrderBook): BookMetrics {
    if (this.isMeasured(state, book)) return state.measured!.metrics;
    const metrics = bookMetrics(book, state.instrument, this.settings.depthBandsBps);
    state.measured = { book, version: book.version, instrument: state.instrument, metrics };
    return metrics;
  }

  /** Book metrics, or top-of-book figures from the ticker for an instrument without a book. */
  private bookValues(state: InstrumentState): Pick<BookSample, 'values' | 'covered' | 'bookValid'> {
    if (state.sync) {
      const metrics = this.measured(state, state.sync.book);
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
