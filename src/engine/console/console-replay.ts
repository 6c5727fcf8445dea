import type { Config } from '../../shared/config';
import type { ConsoleEvent, ReplaySpeed, ReplayState } from '../../shared/contract';
import type { Acknowledgement, Alert, AlertEvent } from '../../shared/core/model';
import type { SampleEvaluation } from '../../shared/core/surveillance-evaluator';
import { bookLadder, LADDER_INTERVAL_MS } from '../pipeline/book-ladder';
import { HistoryReader } from './history-api';
import { MarketView } from './market-view';
import type { RowContext } from './overview';
import { readCaptureSource } from '../import/import-source';
import { captureIsSimulated, ReplaySession } from './replay-session';

/** Rows, alerts and feeds of a replay go out this often (wall clock); alert events are batched, never dropped. */
const FLUSH_INTERVAL_MS = 200;

/**
 * A replay as the console shows it: the session, its own market view and
 * history, and the same events as live (overview, alerts, feeds, book,
 * replay state). At `max` speed thousands of samples may pass per second:
 * rows are coalesced to the latest per instrument, alert events are passed
 * on in order in batches.
 */
export class ConsoleReplay {
  readonly view: MarketView;
  readonly history: HistoryReader;
  private pendingEvaluations = new Map<string, SampleEvaluation>();
  private pendingEvents: AlertEvent[] = [];
  private pendingAlerts: Alert[] = [];
  private readonly framesByVenue = new Map<string, number>();
  private flushTimer: NodeJS.Timeout | null = null;
  private bookTimer: NodeJS.Timeout | null = null;

  private constructor(
    readonly session: ReplaySession,
    readonly simulated: boolean,
    context: RowContext,
    private readonly emit: (event: ConsoleEvent) => void,
  ) {
    this.view = new MarketView(context);
    this.history = new HistoryReader(null, session.db);
  }

  /** Opens a capture (not yet playing: call {@link start}). */
  static async open(path: string, speed: ReplaySpeed, config: Config, context: RowContext, emit: (event: ConsoleEvent) => void): Promise<ConsoleReplay> {
    const simulated = await captureIsSimulated(path);
    const source = await readCaptureSource(path);
    let replay: ConsoleReplay | null = null;
    const session = new ReplaySession(path, speed, config, {
      onEvaluation: (evaluation) => replay?.onEvaluation(evaluation),
      onFeedAlerts: (step) => {
        replay?.pendingEvents.push(...step.events);
        replay?.pendingAlerts.push(...step.alerts, ...step.refreshed);
      },
      onFrame: (venue) => replay?.framesByVenue.set(venue, (replay.framesByVenue.get(venue) ?? 0) + 1),
      onState: (state) => replay?.onState(state),
    }, source?.text ?? null);
    replay = new ConsoleReplay(session, simulated, context, emit);
    return replay;
  }

  get capture(): string {
    return this.session.capture;
  }

  get current(): ReplayState {
    return this.session.current;
  }

  start(): void {
    this.flushTimer = setInterval(() => this.flush(), FLUSH_INTERVAL_MS);
    void this.session.start();
  }

  acknowledge(alertId: string, ack: Acknowledgement): AlertEvent | null {
    // Transitions still queued go first: the acknowledged alert must be the latest state.
    this.flush();
    return this.session.acknowledge(alertId, ack);
  }

  /** Sends this book's ladder a few times a second (the replay's books, at the replay's time). */
  watchBook(key: string | null): void {
    if (this.bookTimer) clearInterval(this.bookTimer);
    this.bookTimer = null;
    if (key === null) return;
    this.bookTimer = setInterval(() => {
      const state = this.session.pipeline.instrumentStates().find((s) => s.key === key);
      if (state) this.emit({ type: 'book', ladder: bookLadder(key, this.session.current.frameTime ?? 0, state.sync) });
    }, LADDER_INTERVAL_MS);
  }

  async close(): Promise<void> {
    if (this.flushTimer) clearInterval(this.flushTimer);
    if (this.bookTimer) clearInterval(this.bookTimer);
    this.flushTimer = null;
    this.bookTimer = null;
    await this.session.close();
  }

  private onEvaluation(evaluation: SampleEvaluation): void {
    this.pendingEvaluations.set(evaluation.sample.key, evaluation);
    if (evaluation.events.length > 0) this.pendingEvents.push(...evaluation.events);
    if (evaluation.alerts.length > 0) this.pendingAlerts.push(...evaluation.alerts);
  }

  private onState(state: ReplayState): void {
    // The last rows and alerts before the final state, so "done" means everything arrived.
    if (state.state === 'done' || state.state === 'error') this.flush();
    this.emit({ type: 'replay', state });
  }

  private flush(): void {
    if (this.pendingEvents.length > 0 || this.pendingAlerts.length > 0) {
      const events = this.pendingEvents;
      const alerts = this.pendingAlerts;
      this.pendingEvents = [];
      this.pendingAlerts = [];
      const rows = this.view.applyAlerts(alerts);
      this.emit({ type: 'alerts', events, alerts });
      if (rows.length > 0) this.emit({ type: 'overview', rows });
    }
    if (this.pendingEvaluations.size > 0) {
      const items = [...this.pendingEvaluations.values()];
      this.pendingEvaluations = new Map();
      this.emit({ type: 'overview', rows: this.view.applyEvaluations(items) });
      this.updateFeeds();
    }
  }

  /** Replays have no sockets: a feed view per venue from the pipeline's counters and health. */
  private updateFeeds(): void {
    const pipeline = this.session.pipeline;
    const health = pipeline.venueStates();
    let feeds = this.view.feedViews();
    for (const venue of new Set(health.map((h) => h.venue))) {
      const counters = { frames: this.framesByVenue.get(venue) ?? 0, ignored: 0, ignoredBy: {}, rejected: {} };
      feeds = this.view.applyFeed({ venue, status: null, counters, health });
    }
    this.emit({ type: 'feeds', feeds });
  }
}
