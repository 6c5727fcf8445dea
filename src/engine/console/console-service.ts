import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { resolveRules, type Config } from '../../shared/config';
import { enabledVenueInstruments } from '../venues/venue-instruments';
import {
  API_VERSION,
  type AlertCaseEntry,
  type AlertHistoryRow,
  type ApiArgs,
  type CaptureInfo,
  type ConsoleApi,
  type ConsoleEvent,
  type ConsoleMode,
  type ConsoleSnapshot,
  type ExportResult,
  type MarketReportResult,
  type ReplaySeekView,
  type ReplayState,
  type ReplayStep,
  type SeriesResponse,
  type Silence,
} from '../../shared/contract';
import type { Acknowledgement, Alert, AlertEvent, InstrumentType } from '../../shared/core/model';
import type { RuleSpec } from '../../shared/core/rule-types';
import { exportFileName, exportHistoryFile } from '../export';
import { buildReport, marketReportFileName } from '../report';
import { listCaptures } from '../storage/capture-log';
import { openHistoryDb } from '../storage/history-db';
import { EngineHost } from '../workers/engine-host';
import { captureAllowed, captureProblem, findCaptures } from './capture-files';
import { HistoryReader } from './history-api';
import { MarketView } from './market-view';
import { FeedStateLog } from './feed-state-log';
import { defaultNotificationPolicy, type NotificationPolicy } from './notifications';
import { rowContext, type RowContext } from './overview';
import { ConsoleReplay } from './console-replay';
import { SeekClient } from './seek-client';
import type { DetailHandle } from './client-session';
import { AlertDesk, type KnownSubjects } from './alert-desk';
import { HeldNotifications } from './held-notifications';

export type { NotificationPolicy } from './notifications';

/** An acknowledgement the analytics worker has not answered by then is reported as failed. */
const ACK_TIMEOUT_MS = 10_000;

export interface ConsoleServiceOptions {
  readonly config: Config;
  /** `live` on the configured exchanges, or `demo` on the simulator. */
  readonly mode: Extract<ConsoleMode, { kind: 'live' | 'demo' }>;
  /** True when the exchanges are the simulator: the UI says so at all times. */
  readonly simulated: boolean;
  /** History the analytics worker writes (read here for series and alert history); null keeps none. */
  readonly dbPath: string | null;
  /** Folders whose captures `listCaptures` offers and `openCapture` accepts (default: `captures` beside the database). */
  readonly captureDirs?: readonly string[];
  /**
   * Accept any readable capture path: Electron (the user picked the file), or
   * a web console bound to loopback with no proxy in front (only this
   * machine's user can reach it). Off loopback only the folders' captures open.
   */
  readonly openAnyCapture?: boolean;
  /** Default: {@link defaultNotificationPolicy}. */
  readonly notificationPolicy?: NotificationPolicy;
  /** One line per live feed state change (a link's state, a feed alert firing or resolving): the terminal. */
  readonly feedLog?: (line: string) => void;
}

/** How often silences that ran out on their own are looked for, while a notification is held (ms). */
const HELD_CHECK_MS = 1_000;

/**
 * The engine side of {@link ConsoleApi}: the live engine (EngineHost, its
 * workers and history) or a replayed capture, behind the one contract the
 * renderer speaks. Electron IPC and the WebSocket server both wrap one of these.
 * Live data keeps flowing into history and notifications while a replay is
 * on screen: surveillance does not pause because someone is investigating.
 */
export class ConsoleService implements ConsoleApi {
  private readonly host: EngineHost;
  private readonly context: RowContext;
  private readonly live: MarketView;
  private readonly history: HistoryReader;
  private readonly listeners = new Set<(event: ConsoleEvent) => void>();
  private readonly notify: NotificationPolicy;
  private readonly captureDirs: readonly string[];
  private readonly feedLog: FeedStateLog | null;
  /** Notes, assignments and silences (docs/alerts.md). */
  private readonly desk: AlertDesk;
  /** Notifications silences held back, owed once the silence is over and the alert still fires. */
  private readonly held = new HeldNotifications();
  /** Looks once a second, while something is held, for silences that ran out on their own. */
  private heldTimer: NodeJS.Timeout | null = null;
  /** Stopping or stopped: alerts still arriving from the engine's stop start no timer and write no case. */
  private closing = false;
  private replay: ConsoleReplay | null = null;
  /** Seeks and steps in the opened capture, on a worker thread started on the first one. */
  private seeker: SeekClient | null = null;
  private watched: string | null = null;
  private started = false;
  /** Each client session's keys of interest (null: not said yet). */
  private readonly details = new Set<{ keys: ReadonlySet<string> | null; shown: ReadonlySet<string> }>();

  constructor(private readonly options: ConsoleServiceOptions) {
    const { config } = options;
    // Said here, by name, before the engine starts: the analytics worker would
    // only crash on a damaged file, restart and crash again. Bounded: a large
    // desk file has its samples left unchecked (docs/runbook.md).
    if (options.dbPath && existsSync(options.dbPath)) openHistoryDb(options.dbPath, { integrityCheck: 'bounded' }).close();
    this.context = rowContext(config);
    this.live = new MarketView(this.context);
    this.history = new HistoryReader(options.dbPath);
    this.notify = options.notificationPolicy ?? defaultNotificationPolicy(config.features.notifications);
    this.captureDirs = options.captureDirs ?? (options.dbPath ? [`${dirname(options.dbPath)}/captures`] : []);
    this.feedLog = options.feedLog ? new FeedStateLog(options.feedLog) : null;
    this.desk = new AlertDesk({
      dbPath: options.dbPath,
      known: () => this.knownSubjects(),
      openAlert: (id) => (this.replay?.view ?? this.live).alert(id),
      historyDb: () => this.reader().handle(),
    });
    this.host = new EngineHost({
      config,
      dbPath: options.dbPath,
      listener: {
        onEvaluations: (items) => {
          const rows = this.live.applyEvaluations(items);
          if (!this.replay && rows.length > 0) this.emit({ type: 'overview', rows });
        },
        onAlerts: (events, alerts) => this.onLiveAlerts(events, alerts),
        onFeedStatus: (event) => {
          this.feedLog?.onFeedStatus(event.status);
          const feeds = this.live.applyFeed({ venue: event.status.venue, status: event.status, counters: event.counters, health: event.venues });
          if (!this.replay) this.emit({ type: 'feeds', feeds });
        },
        onWorkerRestart: (restart) => {
          const venue = restart.worker.startsWith('feed:') ? restart.worker.slice('feed:'.length) : null;
          const feeds = this.live.applyRestart(venue, restart);
          if (!this.replay) this.emit({ type: 'feeds', feeds });
        },
        onBook: (ladder) => {
          if (!this.replay && ladder.key === this.watched) this.emit({ type: 'book', ladder });
        },
        // The live engine's threads, during a replay too: surveillance goes on underneath it.
        onEngine: (engine) => this.emit({ type: 'engine', engine }),
      },
    });
  }

  /** Starts the engine's workers. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.host.start();
  }

  /** Stops a replay, then the engine (feeds flush, then history), then closes the history reader. */
  async stop(): Promise<void> {
    await this.replay?.close();
    this.replay = null;
    await this.seeker?.close();
    this.seeker = null;
    this.closing = true;
    if (this.started) await this.host.stop();
    if (this.heldTimer) clearInterval(this.heldTimer);
    this.heldTimer = null;
    this.history.close();
    this.desk.close();
    this.listeners.clear();
  }

  /** The engine (tests, restart counts). */
  get engine(): EngineHost {
    return this.host;
  }

  get mode(): ConsoleMode {
    return this.replay ? { kind: 'replay', capture: this.replay.capture } : this.options.mode;
  }

  subscribe(listener: (event: ConsoleEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async snapshot(): Promise<ConsoleSnapshot> {
    const view = this.replay?.view ?? this.live;
    const overview = view.overview();
    return {
      apiVersion: API_VERSION,
      mode: this.mode,
      simulated: this.replay ? this.replay.simulated : this.options.simulated,
      overview,
      alerts: this.desk.decorate(view.openAlerts()),
      feeds: view.feedViews(),
      replay: this.replay?.current ?? null,
      rules: this.rules(overview.map((r) => [r.key, r.instrumentId, r.type] as const)),
      serverTime: Date.now(),
      captures: { folders: this.captureDirs, anyPath: this.options.openAnyCapture === true },
      silences: this.desk.silences(Date.now()),
      engine: this.started ? this.host.engineView() : null,
    };
  }

  async series(query: ApiArgs<'series'>[0]): Promise<SeriesResponse> {
    return this.reader().series(query);
  }

  async alertHistory(query: ApiArgs<'alertHistory'>[0]): Promise<readonly AlertHistoryRow[]> {
    return this.desk.decorateRows(this.reader().alerts(query));
  }

  async alertTrail(alertId: string): Promise<readonly AlertEvent[]> {
    return this.reader().trail(alertId);
  }

  async acknowledge(request: ApiArgs<'acknowledge'>[0]): Promise<AlertEvent | null> {
    const ack = { by: request.by, note: request.note, time: Date.now() };
    const replay = this.replay;
    const event = replay ? replay.acknowledge(request.alertId, ack) : await this.liveAcknowledge(request.alertId, ack);
    const view = replay?.view ?? this.live;
    const alert = view.alert(request.alertId);
    if (event && alert) {
      const changed = { ...alert, acknowledged: { by: ack.by, time: event.time, note: ack.note } };
      view.applyAlerts([changed]);
      if (this.replay === replay) this.emit({ type: 'alerts', events: [event], alerts: this.desk.decorate([changed]) });
    }
    return event;
  }

  async alertCase(alertId: string): Promise<readonly AlertCaseEntry[]> {
    return this.desk.caseOf(alertId);
  }

  async addNote(request: ApiArgs<'addNote'>[0]): Promise<AlertCaseEntry> {
    const { entry, alert } = this.desk.addNote(request, Date.now());
    this.emitCase(entry, alert);
    return entry;
  }

  async assignAlert(request: ApiArgs<'assignAlert'>[0]): Promise<AlertCaseEntry> {
    const { entry, alert } = this.desk.assign(request, Date.now());
    this.emitCase(entry, alert);
    return entry;
  }

  /** A silence (or, starting later, a maintenance window): stored, then every client gets the new list. */
  async createSilence(request: ApiArgs<'createSilence'>[0]): Promise<Silence> {
    const silence = this.desk.createSilence(request, Date.now());
    this.emit({ type: 'silences', silences: this.desk.silences(Date.now()) });
    return silence;
  }

  async expireSilence(request: ApiArgs<'expireSilence'>[0]): Promise<Silence> {
    const silence = this.desk.expireSilence(request, Date.now());
    this.emit({ type: 'silences', silences: this.desk.silences(Date.now()) });
    // What it held back and still fires is owed now, not at the next tick.
    this.releaseHeld();
    return silence;
  }

  private emitCase(entry: AlertCaseEntry, alert: Alert): void {
    this.emit({ type: 'case', entry });
    this.emit({ type: 'alerts', events: [], alerts: [alert] });
  }

  /** Keys, canonical ids and venues a silence may name: the configured instruments and every one on screen. */
  private knownSubjects(): KnownSubjects {
    const keys = new Set<string>();
    const instruments = new Set<string>();
    const venues = new Set<string>(this.host.venues);
    for (const { venue, instrument, listing } of enabledVenueInstruments(this.options.config)) {
      keys.add(`${venue}:${listing.symbol}`);
      instruments.add(instrument.id);
      venues.add(venue);
    }
    for (const row of this.live.overview()) {
      keys.add(row.key);
      instruments.add(row.instrumentId);
      venues.add(row.venue);
    }
    return { keys, instruments, venues };
  }

  async watchBook(key: string | null): Promise<null> {
    this.watched = key;
    this.host.watchBook(this.replay ? null : key);
    this.replay?.watchBook(key);
    return null;
  }

  /**
   * Interest is per client: each transport wraps the service in a
   * ClientSession (client-session.ts) that answers this for its client. The
   * service itself streams every row to every subscriber.
   */
  async setInterest(_interest: ApiArgs<'setInterest'>[0]): Promise<null> {
    return null;
  }

  /**
   * A client session's rows of interest (client-session.ts). Their union is
   * what the analytics worker sends with rule detail; every other row comes
   * without it (its summary needs none). A session that has not said yet
   * counts as wanting everything, and so does having no session at all.
   */
  registerDetail(): DetailHandle {
    const handle: { keys: ReadonlySet<string> | null; shown: ReadonlySet<string> } = { keys: null, shown: new Set() };
    this.details.add(handle);
    this.pushDetail();
    return {
      set: (keys, shown) => {
        handle.keys = keys;
        handle.shown = shown ?? new Set();
        this.pushDetail();
      },
      close: () => {
        this.details.delete(handle);
        this.pushDetail();
      },
    };
  }

  private pushDetail(): void {
    if (this.details.size === 0) return this.host.setDetail(null);
    const union = new Set<string>();
    const onScreen = new Set<string>();
    for (const { keys, shown } of this.details) {
      if (keys === null) return this.host.setDetail(null);
      for (const key of keys) union.add(key);
      for (const key of shown) onScreen.add(key);
    }
    this.host.setDetail([...union], [...onScreen].filter((key) => !union.has(key)));
  }

  async listCaptures(): Promise<readonly CaptureInfo[]> {
    return findCaptures(this.captureDirs, this.recordedCaptures());
  }

  async openCapture(request: ApiArgs<'openCapture'>[0]): Promise<ReplayState> {
    const problem = this.options.openAnyCapture ? await captureProblem(request.path) : null;
    if (problem !== null) throw new Error(`not a capture: ${problem}`);
    if (!this.options.openAnyCapture && !captureAllowed(request.path, this.captureDirs, this.recordedCaptures())) {
      const folders = this.captureDirs.length > 0 ? this.captureDirs.join(', ') : 'none configured';
      throw new Error(
        `not a capture this console offers: ${request.path}. This console is not bound to loopback, so it opens only the captures in its folders (${folders}) and its own recordings; pass --captures DIR or open the console on 127.0.0.1 to type any path`,
      );
    }
    await this.closeReplay(false);
    const replay = await ConsoleReplay.open(request.path, request.speed, this.options.config, this.context, (event) => {
      if (this.replay === replay) this.emit(event);
    });
    this.replay = replay;
    this.host.watchBook(null);
    this.emit({ type: 'mode', mode: this.mode, simulated: replay.simulated });
    replay.start();
    replay.watchBook(this.watched);
    return replay.current;
  }

  async controlReplay(control: ApiArgs<'controlReplay'>[0]): Promise<ReplayState | null> {
    const replay = this.replay;
    if (!replay) return null;
    switch (control.action) {
      case 'play':
        return replay.session.play();
      case 'pause':
        return replay.session.pause();
      case 'speed':
        return replay.session.setSpeed(control.speed);
      case 'stop':
        await this.closeReplay(true);
        return null;
    }
  }

  /**
   * The opened capture at an instant: the book ladder, metrics and rule
   * states as a seek rebuilds them (docs/seek.md), on the seek worker. Only
   * the capture the replay view has open (it passed the checks of `openCapture`).
   */
  async seekReplay(request: ApiArgs<'seekReplay'>[0]): Promise<ReplaySeekView> {
    this.openedCapture(request.capture, 'seek');
    try {
      return await this.seekClient().seek(request);
    } catch (error) {
      throw new Error(`cannot seek: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  }

  /** The previous or next frame touching one instrument's book, from an instant of the opened capture. */
  async stepReplay(request: ApiArgs<'stepReplay'>[0]): Promise<ReplayStep> {
    this.openedCapture(request.capture, 'step');
    try {
      return await this.seekClient().step(request);
    } catch (error) {
      throw new Error(`cannot step: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  }

  private openedCapture(capture: string, what: string): void {
    const open = this.replay?.capture;
    if (open === undefined) throw new Error(`cannot ${what}: no capture is open; open one in the replay view first`);
    if (open !== capture) throw new Error(`cannot ${what}: ${capture} is not the capture open (${open})`);
  }

  private seekClient(): SeekClient {
    return (this.seeker ??= new SeekClient(this.options.config));
  }

  /** Records a venue's raw feed into the first capture folder, as `surveil record` would. */
  async startRecording(request: ApiArgs<'startRecording'>[0]): Promise<{ readonly path: string }> {
    if (!this.started) throw new Error('the engine is not running');
    if (!this.host.venues.includes(request.venue)) {
      throw new Error(`no live feed for "${request.venue}" (running: ${this.host.venues.join(', ')})`);
    }
    const dir = this.captureDirs[0];
    if (!dir) throw new Error('no capture folder: start the console with a history database or --captures DIR');
    mkdirSync(dir, { recursive: true });
    const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-');
    const path = join(dir, `${request.venue}-${stamp}.jsonl.gz`);
    await this.host.startRecording(request.venue, path);
    return { path };
  }

  /** Closes every recording under way; answers the last one closed, or null when none was. */
  async stopRecording(): Promise<{ readonly path: string; readonly frames: number } | null> {
    let last: { path: string; frames: number } | null = null;
    for (const venue of [...this.host.recordingPaths().keys()]) {
      const stopped = await this.host.stopRecording(venue);
      if (stopped?.path) last = { path: stopped.path, frames: stopped.frames };
    }
    return last;
  }

  /**
   * Writes an export of the live history into the history folder's
   * `exports/` (never a path the client names) and says where and how many
   * rows (docs/exports.md).
   */
  async exportHistory(request: ApiArgs<'exportHistory'>[0]): Promise<ExportResult> {
    const db = this.history.handle();
    if (!this.options.dbPath || !db) throw new Error('no history to export: storage is off or nothing has been written yet');
    const folder = join(dirname(this.options.dbPath), 'exports');
    mkdirSync(folder, { recursive: true });
    const format = request.format ?? 'csv';
    const { instrument, what, from, to, metrics } = request;
    const query = { instrument, what, ...(from === undefined ? {} : { from }), ...(to === undefined ? {} : { to }), ...(metrics ? { metrics } : {}) };
    const name = exportFileName(query, format);
    const written = await exportHistoryFile(db, query, format, join(folder, name));
    return { ...written, url: `/exports/${encodeURIComponent(name)}` };
  }

  /**
   * Writes the T+1 market-quality report of a UTC day (docs/report.md) from
   * the live history into the history folder's `reports/` (never a path the
   * client names) and says where the web server serves it.
   */
  async marketReport(request: ApiArgs<'marketReport'>[0]): Promise<MarketReportResult> {
    const db = this.history.handle();
    if (!this.options.dbPath || !db) throw new Error('no history to report on: storage is off or nothing has been written yet');
    const folder = join(dirname(this.options.dbPath), 'reports');
    mkdirSync(folder, { recursive: true });
    const query = { day: request.day, ...(request.instruments ? { instruments: request.instruments } : {}) };
    const { report, html } = buildReport(db, query, { config: this.options.config, configSource: "the console's config", history: this.options.dbPath });
    const name = marketReportFileName(query);
    const path = join(folder, name);
    writeFileSync(path, html);
    return { path, url: `/reports/${encodeURIComponent(name)}`, day: report.day, keys: report.instruments.map((i) => i.key), empty: report.empty };
  }

  /** Through the analytics worker; an engine that is down or restarting must not leave the request hanging. */
  private async liveAcknowledge(alertId: string, ack: Acknowledgement): Promise<AlertEvent | null> {
    if (!this.started) throw new Error('the engine is not running');
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('the engine did not answer the acknowledgement in time: try again')), ACK_TIMEOUT_MS);
    });
    try {
      return await Promise.race([this.host.acknowledge(alertId, ack), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private onLiveAlerts(events: readonly AlertEvent[], alerts: readonly Alert[]): void {
    this.feedLog?.onAlerts(events, alerts);
    this.desk.observe(events, alerts);
    const latest = new Map(alerts.map((a) => [a.id, a]));
    const rows = this.live.applyAlerts(alerts);
    if (!this.replay) {
      this.emit({ type: 'alerts', events, alerts: this.desk.decorate(alerts) });
      if (rows.length > 0) this.emit({ type: 'overview', rows });
    }
    this.desk.forgetClosed(alerts);
    // Live notifications go out even while a replay is on screen; a silenced alert's do not,
    // and are left out before the policy so that they spend none of its budget.
    const now = Date.now();
    const alertOf = (id: string): Alert | undefined => latest.get(id) ?? this.live.alert(id);
    const loud = events.filter((event) => {
      const alert = alertOf(event.alertId);
      const silence = alert ? this.desk.silencing(alert, now) : null;
      if (!silence) {
        if (event.kind === 'firing' || event.kind === 'escalated') this.held.notified(event.alertId);
        return true;
      }
      if (event.kind === 'firing' || event.kind === 'escalated') {
        this.emit({ type: 'case', entry: this.desk.recordSuppressed(event, silence) });
        this.held.hold(event, silence);
        this.watchHeld();
      }
      return false;
    });
    for (const n of this.notify(loud, alertOf)) this.emit({ type: 'notify', ...n });
  }

  private watchHeld(): void {
    if (this.closing || this.heldTimer !== null || this.held.size === 0) return;
    this.heldTimer = setInterval(() => this.releaseHeld(), HELD_CHECK_MS);
    this.heldTimer.unref();
  }

  /**
   * Held-back notifications whose silence is over (run out or expired) while
   * the alert still fires unacknowledged: recorded in the alert's case, then
   * offered to the notification policy like any transition (its budget and
   * per-alert interval apply).
   */
  private releaseHeld(): void {
    if (this.closing) return;
    const now = Date.now();
    const released = this.held.release(now, (id) => this.live.alert(id), (alert, at) => this.desk.silencing(alert, at));
    if (this.held.size === 0 && this.heldTimer !== null) {
      clearInterval(this.heldTimer);
      this.heldTimer = null;
    }
    if (released.length === 0) return;
    const silences = this.desk.silences(now);
    const silenceOf = new Map(released.map((r) => [r.event.alertId, silences.find((s) => s.id === r.silence.id) ?? r.silence]));
    for (const r of released) this.emit({ type: 'case', entry: this.desk.recordReleased(r.event, silenceOf.get(r.event.alertId)!, now) });
    const alerts = new Map(released.map((r) => [r.alert.id, r.alert]));
    for (const n of this.notify(released.map((r) => r.event), (id) => alerts.get(id))) this.emit({ type: 'notify', ...n, afterSilence: silenceOf.get(n.alert.id)!.id });
  }

  private async closeReplay(announce: boolean): Promise<void> {
    const replay = this.replay;
    if (!replay) return;
    this.replay = null;
    await replay.close();
    this.host.watchBook(this.watched);
    if (announce) this.emit({ type: 'mode', mode: this.mode, simulated: this.options.simulated });
  }

  private reader(): HistoryReader {
    return this.replay?.history ?? this.history;
  }

  /** Recordings the history database knows of. */
  private recordedCaptures(): string[] {
    const db = this.history.handle();
    return db ? listCaptures(db).map((c) => c.path) : [];
  }

  /** Resolved rules of every configured instrument and of every instrument on screen (a replay brings others). */
  private rules(keys: readonly (readonly [key: string, id: string, type: InstrumentType])[]): Record<string, readonly RuleSpec[]> {
    const out: Record<string, readonly RuleSpec[]> = {};
    const config = this.options.config;
    for (const { venue, instrument, listing } of enabledVenueInstruments(config)) {
      out[`${venue}:${listing.symbol}`] = resolveRules(config.alerts, instrument.id, instrument.type, listing.tier ?? null);
    }
    for (const [key, id, type] of keys) out[key] ??= resolveRules(config.alerts, id, type);
    return out;
  }

  private emit(event: ConsoleEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        // One broken subscriber (a closed socket) must not starve the others.
        process.stderr.write(`console: event listener failed: ${error instanceof Error ? error.message : String(error)}\n`);
      }
    }
  }
}
