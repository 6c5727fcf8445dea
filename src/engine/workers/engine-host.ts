import { getHeapStatistics } from 'node:v8';
import { MessageChannel, type Worker } from 'node:worker_threads';
import type { BookLadder, EngineView } from '../../shared/contract';
import type { Config } from '../../shared/config';
import { instrumentKey, type Acknowledgement, type Alert, type AlertEvent, type VenueId } from '../../shared/core/model';
import type { ShownEvaluation } from './ui-evaluation';
import { subscriptionsFromConfig } from '../live/live-session';
import { ownExchangeBlock } from '../venues/registry';
import type { FeedSubscription } from '../feed/feed';
import type { FeedStatus } from '../feed/feed-status';
import { enabledVenueInstruments } from '../venues/venue-instruments';
import type { AlertTiming, AnalyticsCommand, AnalyticsEvent, FeedCommand, FeedEvent } from './messages';
import { spawnWorker } from '../threads/spawn-worker';
import { workerErrorText } from '../threads/worker-error';
import { LoopDelay } from '../threads/loop-delay';
import { ThreadLedger, type WorkerRestart } from './thread-ledger';

export type { WorkerRestart } from './thread-ledger';

const FEED_ENTRY = new URL(`./feed-worker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url);
const ANALYTICS_ENTRY = new URL(`./analytics-worker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url);
/** The engine table goes to the console this often. */
const ENGINE_VIEW_MS = 1_000;

export interface EngineHostListener {
  onEvaluations?(items: readonly ShownEvaluation[]): void;
  /** Every alert transition, in order; never coalesced or dropped. */
  onAlerts?(events: readonly AlertEvent[], alerts: readonly Alert[]): void;
  onFeedStatus?(status: Extract<FeedEvent, { type: 'feed_status' }>): void;
  onWorkerRestart?(restart: WorkerRestart): void;
  /** The book chosen with `watchBook`, a few times a second. */
  onBook?(ladder: BookLadder): void;
  /** The engine's threads: every second, from this thread's clock, and at each restart. */
  onEngine?(view: EngineView): void;
}

export interface EngineHostOptions {
  readonly config: Config;
  /** History database for the analytics worker; null keeps no history. */
  readonly dbPath: string | null;
  readonly listener?: EngineHostListener;
  /** After this many restarts of one worker within a minute, wait this long before the next. */
  readonly restartBurst?: number;
  readonly restartBackoffMs?: number;
}

/**
 * The engine off the main thread: one feed worker per venue (sockets, decode,
 * books) and one analytics worker (basis, z-scores, rules, alerts, history).
 * Feed workers talk to the analytics worker over their own MessageChannel;
 * main only starts, restarts and listens. A worker that dies is started again,
 * its books resync from fresh snapshots and its z-scores start over.
 */
export class EngineHost {
  private analytics: Worker | null = null;
  private readonly feeds = new Map<VenueId, Worker>();
  /** Each thread's current instance, latest report and restarts: the engine table. */
  private readonly ledger: ThreadLedger;
  private readonly startedAt = Date.now();
  /** Sends the engine table every second, whichever worker is silent. */
  private engineTimer: NodeJS.Timeout | null = null;
  /** This thread's own event-loop delay, taken once a second with the table. */
  private loopDelay: LoopDelay | null = null;
  private mainLoopDelayMs: number | null = null;
  private readonly statuses = new Map<VenueId, FeedStatus>();
  private readonly recentRestarts = new Map<string, number[]>();
  private readonly pendingAcks = new Map<number, (event: AlertEvent | null) => void>();
  private nextRequest = 1;
  private stopping = false;
  private readonly recordings = new Map<VenueId, string>();
  /** Venues whose feed worker is being replaced on purpose (its old one stopping): an analytics restart leaves them to it. */
  private readonly replacing = new Set<VenueId>();
  private readonly recordingStopped = new Map<Worker, (event: Extract<FeedEvent, { type: 'recording_stopped' }>) => void>();
  private watched: string | null = null;
  private detail: readonly string[] | null = null;
  private shown: readonly string[] = [];
  private readonly subscriptions;
  private readonly timingObservers = new Set<(timing: AlertTiming, events: readonly AlertEvent[]) => void>();
  /** The config workers start with; a new selection (instrument discovery) replaces it. */
  private config: Config;

  constructor(private readonly options: EngineHostOptions) {
    this.config = options.config;
    this.subscriptions = subscriptionsFromConfig(options.config);
    this.ledger = new ThreadLedger({ history: options.dbPath !== null, intervalMs: options.config.features.sampling.intervalMs });
  }

  /** Venues with a feed worker. */
  get venues(): VenueId[] {
    return [...this.subscriptions.keys()];
  }

  start(): void {
    this.startAnalytics();
    for (const venue of this.subscriptions.keys()) this.startFeed(venue);
    if (this.options.listener?.onEngine) {
      const loopDelay = (this.loopDelay = new LoopDelay());
      this.engineTimer = setInterval(() => {
        this.mainLoopDelayMs = loopDelay.take();
        this.sendEngine();
      }, ENGINE_VIEW_MS);
      this.engineTimer.unref();
    }
  }

  /** The latest status each feed worker reported. */
  feedStatuses(): FeedStatus[] {
    return [...this.statuses.values()];
  }

  acknowledge(alertId: string, ack: Acknowledgement): Promise<AlertEvent | null> {
    const requestId = this.nextRequest++;
    return new Promise((resolve) => {
      this.pendingAcks.set(requestId, resolve);
      this.toAnalytics({ type: 'acknowledge', requestId, alertId, ack });
    });
  }

  /** Sends the top of this book (`venue:symbol`) to `onBook` a few times a second; null stops. */
  watchBook(key: string | null): void {
    this.watched = key;
    for (const [venue, worker] of this.feeds) worker.postMessage(this.watchCommand(venue));
  }

  private watchCommand(venue: VenueId): FeedCommand {
    return { type: 'watch_book', key: this.watched?.startsWith(`${venue}:`) ? this.watched : null };
  }

  /** Stops feeds first (their last samples and captures flush), then analytics (history flushes). */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.engineTimer) clearInterval(this.engineTimer);
    this.engineTimer = null;
    this.loopDelay?.stop();
    await Promise.all([...this.feeds.values()].map((w) => stopWorker(w, { type: 'stop' } satisfies FeedCommand)));
    if (this.analytics) await stopWorker(this.analytics, { type: 'stop' } satisfies AnalyticsCommand);
    for (const resolve of this.pendingAcks.values()) resolve(null);
    this.pendingAcks.clear();
  }

  /**
   * Benches: called with each alert batch's timing as it reaches this thread,
   * before the listener sees it (the live latency bench). Returns its unsubscribe.
   */
  observeAlertTiming(observer: (timing: AlertTiming, events: readonly AlertEvent[]) => void): () => void {
    this.timingObservers.add(observer);
    return () => this.timingObservers.delete(observer);
  }

  /** Tests: makes a worker fail as a bug would (`analytics` or a venue id). */
  crash(worker: 'analytics' | VenueId): void {
    const target = worker === 'analytics' ? this.analytics : this.feeds.get(worker);
    target?.postMessage({ type: 'crash' });
  }

  /**
   * The instruments some client shows in full (null: every one). The others'
   * evaluations cross to main without rule detail, which is most of their
   * bytes at whole-market scale. Kept across an analytics restart.
   */
  setDetail(keys: readonly string[] | null, shown: readonly string[] = []): void {
    this.detail = keys;
    this.shown = shown;
    this.toAnalytics({ type: 'detail', keys, shown });
  }

  /** Tests: blocks the history thread for `ms`, as a stuck disk would, or makes it fail as a bug would. */
  testHistory(command: { readonly type: 'stall'; readonly ms: number } | { readonly type: 'crash' }): void {
    this.toAnalytics({ type: 'history_test', command });
  }

  /** Tests: blocks the analytics worker for `ms`, as an overloaded machine would; boundaries queue up meanwhile. */
  stallAnalytics(ms: number): void {
    this.toAnalytics({ type: 'stall', ms });
  }

  private toAnalytics(command: AnalyticsCommand, transfer: readonly MessagePortLike[] = []): void {
    this.analytics?.postMessage(command, transfer as never);
  }

  private startAnalytics(): void {
    const worker = spawnWorker(ANALYTICS_ENTRY, { config: this.config, venues: this.venues, dbPath: this.options.dbPath });
    this.analytics = worker;
    this.ledger.started('analytics', Date.now());
    // A dead worker's port drains after its 'error': its alerts and answers still count, its status is of a thread gone.
    worker.on('message', (event: AnalyticsEvent) => this.onAnalyticsEvent(event, this.analytics === worker));
    worker.on('error', (error) => this.onWorkerExit(worker, 'analytics', null, `error: ${workerErrorText(error)}`));
    worker.on('exit', (code) => this.onWorkerExit(worker, 'analytics', null, `exit code ${code}`));
    if (this.detail !== null) this.toAnalytics({ type: 'detail', keys: this.detail, shown: this.shown });
  }

  private startFeed(venue: VenueId, captureOut?: string): void {
    const channel = new MessageChannel();
    const worker = spawnWorker(
      FEED_ENTRY,
      {
        venue,
        subscriptions: this.subscriptions.get(venue) ?? [],
        // A feed reads only its own exchange's URLs and settings: no other venue's block crosses into its thread.
        config: { ...this.config, exchanges: ownExchangeBlock(venue, this.config.exchanges) },
        analytics: channel.port1,
        ...(captureOut ? { captureOut } : {}),
      },
      { transferList: [channel.port1] },
    );
    this.feeds.set(venue, worker);
    this.ledger.started(`feed:${venue}`, Date.now());
    this.toAnalytics({ type: 'attach', venue, port: channel.port2 }, [channel.port2]);
    // A restarted feed worker keeps showing the watched book.
    if (this.watched !== null) worker.postMessage(this.watchCommand(venue));
    worker.on('message', (event: FeedEvent) => {
      if (event.type === 'recording_stopped') this.recordingStopped.get(worker)?.(event);
      // A worker replaced or dead is not this venue's feed any more: what it still says is dropped.
      if (this.feeds.get(venue) !== worker) return;
      if (event.type === 'book') this.options.listener?.onBook?.(event.ladder);
      if (event.type !== 'feed_status') return;
      this.statuses.set(venue, event.status);
      this.ledger.reported(`feed:${venue}`, event.heapUsedBytes ?? 0, Date.now(), event.loopDelayMs ?? null);
      this.options.listener?.onFeedStatus?.(event);
    });
    worker.on('error', (error) => this.onWorkerExit(worker, `feed:${venue}`, venue, `error: ${workerErrorText(error)}`));
    worker.on('exit', (code) => this.onWorkerExit(worker, `feed:${venue}`, venue, `exit code ${code}`));
  }

  /**
   * Records a venue's raw feed into `path`. The venue's worker is started
   * afresh with the capture open, so the file holds what replay needs from its
   * first line (instrument metadata, book snapshots), exactly as received. The
   * price: that venue's books resync and its z-scores start over.
   */
  async startRecording(venue: VenueId, path: string): Promise<void> {
    const old = this.feeds.get(venue);
    if (!old) throw new Error(`no feed for ${venue}`);
    if (this.recordings.has(venue)) throw new Error(`${venue} is already recording to ${this.recordings.get(venue)}`);
    // Out of the map first: its exit is planned, not a crash to restart from.
    this.feeds.delete(venue);
    this.replacing.add(venue);
    this.ledger.replacing(`feed:${venue}`, `recording to ${path}`);
    await stopWorker(old, { type: 'stop' } satisfies FeedCommand);
    this.replacing.delete(venue);
    if (this.stopping) return;
    this.recordings.set(venue, path);
    this.startFeed(venue, path);
    this.toAnalytics({ type: 'capture_log', path, venue, started: Date.now(), ended: null, frames: 0, bytes: 0 });
    this.toAnalytics({ type: 'worker_restarted', worker: `feed:${venue}`, venue, reason: `recording to ${path}`, time: Date.now(), planned: true });
  }

  /**
   * Runs a new instrument selection (discovery's refresh found listings,
   * delistings or halts): each venue whose subscriptions changed gets a
   * fresh feed worker with the new set, a planned restart stored with its
   * `reason` and not alerted (docs/discovery.md). The price is that venue's
   * books resyncing; other venues carry on. A recording on that venue is
   * closed first (its file stays valid), as a restarted worker does not record.
   */
  async resubscribe(config: Config, reasons: ReadonlyMap<VenueId, string>): Promise<VenueId[]> {
    this.config = config;
    const changed: VenueId[] = [];
    for (const [venue, next] of subscriptionsFromConfig(config)) {
      if (sameSubscriptions(this.subscriptions.get(venue) ?? [], next)) continue;
      this.subscriptions.set(venue, next);
      changed.push(venue);
    }
    // Listings that moved tier without changing subscription: the running workers take the new tiers
    // (a restarted one reads them from the config it is started with).
    const tiers = tiersOfConfig(config);
    this.toAnalytics({ type: 'tiers', tiers });
    for (const [venue, worker] of this.feeds) if (!changed.includes(venue)) worker.postMessage({ type: 'tiers', tiers } satisfies FeedCommand);
    await Promise.all(changed.map(async (venue) => {
      if (this.stopping) return;
      if (this.recordings.has(venue)) await this.stopRecording(venue);
      const old = this.feeds.get(venue);
      this.feeds.delete(venue);
      this.replacing.add(venue);
      this.ledger.replacing(`feed:${venue}`, reasons.get(venue) ?? 'instrument selection changed');
      if (old) await stopWorker(old, { type: 'stop' } satisfies FeedCommand);
      this.replacing.delete(venue);
      if (this.stopping) return;
      this.startFeed(venue);
      const reason = reasons.get(venue) ?? 'instrument selection changed';
      this.toAnalytics({ type: 'worker_restarted', worker: `feed:${venue}`, venue, reason, time: Date.now(), planned: true });
    }));
    return changed;
  }

  /** Closes a venue's capture; the feed carries on. Null when it was not recording. */
  stopRecording(venue: VenueId): Promise<Extract<FeedEvent, { type: 'recording_stopped' }> | null> {
    const worker = this.feeds.get(venue);
    if (!worker || !this.recordings.has(venue)) return Promise.resolve(null);
    this.recordings.delete(venue);
    return new Promise((resolve) => {
      this.recordingStopped.set(worker, (event) => {
        this.recordingStopped.delete(worker);
        if (event.path) {
          this.toAnalytics({ type: 'capture_log', path: event.path, venue, started: 0, ended: Date.now(), frames: event.frames, bytes: event.bytes });
        }
        resolve(event);
      });
      worker.postMessage({ type: 'record_stop' } satisfies FeedCommand);
    });
  }

  /** Venue -> capture path of the recordings under way. */
  recordingPaths(): ReadonlyMap<VenueId, string> {
    return this.recordings;
  }

  private onAnalyticsEvent(event: AnalyticsEvent, current: boolean): void {
    const listener = this.options.listener;
    switch (event.type) {
      case 'evaluations':
        listener?.onEvaluations?.(event.items);
        return;
      case 'alerts':
        if (event.timing) for (const observe of this.timingObservers) observe(event.timing, event.events);
        listener?.onAlerts?.(event.events, event.alerts);
        return;
      case 'acknowledged':
        this.pendingAcks.get(event.requestId)?.(event.event);
        this.pendingAcks.delete(event.requestId);
        return;
      case 'engine_status':
        if (current) this.ledger.analyticsStatus(event, Date.now());
        return;
      case 'stopped':
        return;
    }
  }

  /** The engine's threads now: what the console's engine table shows (contract.ts). */
  engineView(): EngineView {
    const main = { heapUsedBytes: getHeapStatistics().used_heap_size, startedAt: this.startedAt, loopDelayMs: this.mainLoopDelayMs };
    return this.ledger.view(Date.now(), main, [...this.subscriptions.keys()]);
  }

  private sendEngine(): void {
    this.options.listener?.onEngine?.(this.engineView());
  }

  /**
   * The V8 heap each thread has in use (bytes; the main thread's now, the
   * workers' as they last reported), and the history rows waiting: where the
   * engine's memory is when RSS grows.
   */
  memoryByThread(): Record<string, { heapUsedBytes: number; historyPending?: number }> {
    const view = this.engineView();
    const out: Record<string, { heapUsedBytes: number; historyPending?: number }> = {};
    for (const t of view.threads) if (t.heapUsedBytes !== null) out[t.thread] = { heapUsedBytes: t.heapUsedBytes };
    if (out.analytics) out.analytics = { ...out.analytics, historyPending: view.history?.pendingRows ?? 0 };
    return out;
  }

  /**
   * `error` and `exit` both fire for a crash: the first one restarts, the
   * second is ignored, as is the exit of a worker already replaced.
   */
  private onWorkerExit(worker: Worker, name: string, venue: VenueId | null, reason: string): void {
    const current = venue === null ? this.analytics : this.feeds.get(venue);
    if (this.stopping || current !== worker) return;
    // A crashed worker's capture ends with it: the restarted one does not record.
    if (venue !== null) this.recordings.delete(venue);
    if (venue === null) this.analytics = null;
    else this.feeds.delete(venue);
    void current.terminate();
    const time = Date.now();
    const restart: WorkerRestart = { worker: name, reason, time };
    this.ledger.died(restart);
    this.options.listener?.onWorkerRestart?.(restart);
    this.sendEngine();
    setTimeout(() => this.restart(name, venue, restart), this.restartDelay(name, time)).unref();
  }

  private restart(name: string, venue: VenueId | null, restart: WorkerRestart): void {
    if (this.stopping) return;
    if (venue === null) {
      // A new analytics worker needs every feed's port again: restart the feeds too (their books resync).
      for (const worker of this.feeds.values()) void worker.terminate();
      this.feeds.clear();
      // Their captures end with them, cut short (a restarted worker does not record): said, not left marked as running.
      for (const [v, path] of this.recordings) process.stderr.write(`engine: the recording of ${v} to ${path} was cut short by the analytics worker's restart\n`);
      this.recordings.clear();
      this.startAnalytics();
      // A venue being replaced on purpose gets its new worker from that replacement, once its old one has stopped.
      for (const v of this.subscriptions.keys()) if (!this.replacing.has(v)) this.startFeed(v);
    } else if (!this.feeds.has(venue)) {
      // Not started meanwhile by an analytics restart (which starts every feed): a second worker would be an orphan.
      this.startFeed(venue);
    }
    this.toAnalytics({ type: 'worker_restarted', worker: name, venue, reason: restart.reason, time: restart.time });
  }

  /** Immediate for an occasional crash; spaced out when a worker keeps dying. */
  private restartDelay(name: string, now: number): number {
    const recent = (this.recentRestarts.get(name) ?? []).filter((t) => now - t < 60_000);
    recent.push(now);
    this.recentRestarts.set(name, recent);
    return recent.length > (this.options.restartBurst ?? 5) ? (this.options.restartBackoffMs ?? 10_000) : 0;
  }
}

type MessagePortLike = import('node:worker_threads').MessagePort;

function sameSubscriptions(a: readonly FeedSubscription[], b: readonly FeedSubscription[]): boolean {
  return a.length === b.length && a.every((s, i) => s.symbol === b[i]!.symbol && s.depthStream === b[i]!.depthStream && s.index === b[i]!.index);
}

function stopWorker(worker: Worker, command: FeedCommand | AnalyticsCommand): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => void worker.terminate(), 5_000);
    worker.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    worker.postMessage(command);
  });
}

/** Every enabled listing's liquidity tier (`venue:symbol` -> tier, null for none). */
export function tiersOfConfig(config: Config): [string, string | null][] {
  return enabledVenueInstruments(config).map(({ venue, listing }) => [instrumentKey(venue, listing.symbol), listing.tier ?? null]);
}
