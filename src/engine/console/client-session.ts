import type { ApiArgs, ClientInterest, ConsoleApi, ConsoleEvent, ConsoleSnapshot, FeedView, OverviewRow, RowSummary } from '../../shared/contract';
import { OFFSCREEN_EVERY, SUMMARY_INTERVAL_MS } from '../workers/ui-cadence';
import { briefFeedView, rowSummary, sameSummary } from './row-summary';

export interface ClientSessionOptions {
  /** Default {@link SUMMARY_INTERVAL_MS}. */
  readonly intervalMs?: number;
}

/** What a problems-first order and the row colours depend on. */
function problemChanged(a: RowSummary, b: RowSummary): boolean {
  return a.status !== b.status || a.openAlerts !== b.openAlerts || a.stale !== b.stale || a.bookValid !== b.bookValid;
}

/**
 * Implemented by the console service: which instruments some client shows in
 * full, so the engine copies rule detail across threads only for those
 * (null: a client that never said, which gets everything).
 */
export interface DetailRegistry {
  registerDetail(): DetailHandle;
}
export interface DetailHandle {
  /** `keys` wanted in full, `shown` on screen in brief. */
  set(keys: ReadonlySet<string> | null, shown?: ReadonlySet<string>): void;
  close(): void;
}

function detailRegistryOf(api: ConsoleApi): DetailRegistry | null {
  const candidate = api as Partial<DetailRegistry>;
  return typeof candidate.registerDetail === 'function' ? (candidate as DetailRegistry) : null;
}

/** The ConsoleApi as one client (a browser socket, the Electron window) gets it. */
export interface ClientSession extends ConsoleApi {
  /** Sends everything due (summaries of every changed row, feed views) now instead of at its tick. */
  flush(): void;
  /** Stops the stream: the session's own subscription and timer. */
  close(): void;
}

/**
 * Engine-to-UI traffic bounded per client. Until the client calls
 * `setInterest`, events pass as the engine makes them (every changed row in
 * full). After it, full rows go out only for the keys of interest, as they
 * change; rows on screen as a RowSummary as they change; every other
 * instrument is coalesced into a summary sent only when its visible content
 * changed: within an interval for a problem change, else every
 * OFFSCREEN_EVERY intervals. Feed views are merged by venue and sent at most
 * once per interval without their symbol lists. Alerts, notifications, mode changes, the book and replay
 * state pass at once: they are what the operator must not miss, or already
 * bounded upstream (pipeline/book-ladder.ts, replay-session.ts).
 *
 * @example
 * const session = openClientSession(service);
 * session.subscribe((event) => ws.send(JSON.stringify({ kind: 'event', event })));
 * ws.on('close', () => session.close());
 */
export function openClientSession(api: ConsoleApi, options: ClientSessionOptions = {}): ClientSession {
  const listeners = new Set<(event: ConsoleEvent) => void>();
  /** The latest full row of every instrument: what a key that becomes interesting is sent at once. */
  let latest = new Map<string, OverviewRow>();
  /** null: the client never said what it shows; it gets everything. */
  let interest: ReadonlySet<string> | null = null;
  let shown: ReadonlySet<string> = new Set();
  let ticks = 0;
  const sent = new Map<string, RowSummary>();
  const dirty = new Set<string>();
  let feeds: Map<string, FeedView> | null = null;

  const emit = (event: ConsoleEvent): void => {
    for (const listener of listeners) listener(event);
  };

  const onEvent = (event: ConsoleEvent): void => {
    switch (event.type) {
      case 'overview': {
        for (const row of event.rows) latest.set(row.key, row);
        if (interest === null) return emit(event);
        const full: OverviewRow[] = [];
        const onScreen: RowSummary[] = [];
        for (const row of event.rows) {
          if (interest.has(row.key)) full.push(row);
          else if (shown.has(row.key)) {
            const summary = changedSummary(row);
            if (summary) onScreen.push(summary);
          } else dirty.add(row.key);
        }
        if (full.length > 0) emit({ type: 'overview', rows: full });
        if (onScreen.length > 0) emit({ type: 'summary', rows: onScreen });
        return;
      }
      case 'feeds':
        if (interest === null) return emit(event);
        feeds ??= new Map();
        for (const feed of event.feeds) feeds.set(feed.venue, feed);
        return;
      case 'mode':
        // Another market: rows of the old one must not be offered again; the client reloads the snapshot.
        latest = new Map();
        sent.clear();
        dirty.clear();
        feeds = null;
        return emit(event);
      default:
        return emit(event);
    }
  };

  /** The row's summary if it differs from the last one this client got (and marks it sent); else null. */
  const changedSummary = (row: OverviewRow): RowSummary | null => {
    const summary = rowSummary(row);
    const previous = sent.get(row.key);
    if (previous && sameSummary(previous, summary)) return null;
    sent.set(row.key, summary);
    return summary;
  };

  const flush = (everything = false): void => {
    if (interest === null) return;
    ticks += 1;
    const offScreenDue = everything || ticks % OFFSCREEN_EVERY === 0;
    const rows: RowSummary[] = [];
    for (const key of dirty) {
      const row = latest.get(key);
      if (!row || interest.has(key)) {
        dirty.delete(key);
        continue;
      }
      const summary = rowSummary(row);
      const previous = sent.get(key);
      if (previous && sameSummary(previous, summary)) {
        dirty.delete(key);
        continue;
      }
      if (!offScreenDue && previous && !problemChanged(previous, summary)) continue;
      sent.set(key, summary);
      rows.push(summary);
      dirty.delete(key);
    }
    if (rows.length > 0) emit({ type: 'summary', rows });
    if (feeds !== null) {
      const views = [...feeds.values()].map(briefFeedView);
      feeds = null;
      emit({ type: 'feeds', feeds: views });
    }
  };

  const unsubscribe = api.subscribe(onEvent);
  const detail = detailRegistryOf(api)?.registerDetail() ?? null;
  const timer = setInterval(() => flush(), options.intervalMs ?? SUMMARY_INTERVAL_MS);
  timer.unref?.();

  const setInterest = async (request: ClientInterest): Promise<null> => {
    const before = interest;
    const next = new Set(request.keys);
    interest = next;
    shown = new Set(request.shown ?? []);
    detail?.set(next, shown);
    const added: OverviewRow[] = [];
    for (const key of next) {
      const row = latest.get(key);
      // A row the engine sent without rule detail (no client showed it) is not a full row:
      // the engine sends the full one as soon as it hears of this interest.
      const withoutDetail = detail !== null && row !== undefined && row.rules.length === 0;
      if (row && !before?.has(key) && !withoutDetail) added.push(row);
    }
    if (added.length > 0) emit({ type: 'overview', rows: added });
    // Rows scrolled into view show their current values at once, not at the next off-screen tick.
    const onScreen: RowSummary[] = [];
    for (const key of shown) {
      const row = latest.get(key);
      if (!row || next.has(key)) continue;
      const summary = changedSummary(row);
      if (summary) onScreen.push(summary);
      dirty.delete(key);
    }
    if (onScreen.length > 0) emit({ type: 'summary', rows: onScreen });
    return null;
  };

  const snapshot = async (): Promise<ConsoleSnapshot> => {
    const snap = await api.snapshot();
    latest = new Map(snap.overview.map((row) => [row.key, row]));
    if (interest === null) return snap;
    const shown = interest;
    const summary = snap.overview.filter((row) => !shown.has(row.key)).map(rowSummary);
    sent.clear();
    for (const s of summary) sent.set(s.key, s);
    dirty.clear();
    feeds = null;
    return { ...snap, overview: snap.overview.filter((row) => shown.has(row.key)), summary, feeds: snap.feeds.map(briefFeedView) };
  };

  return {
    snapshot,
    setInterest,
    series: (query: ApiArgs<'series'>[0]) => api.series(query),
    alertHistory: (query) => api.alertHistory(query),
    alertTrail: (alertId) => api.alertTrail(alertId),
    acknowledge: (ack) => api.acknowledge(ack),
    alertCase: (alertId) => api.alertCase(alertId),
    addNote: (note) => api.addNote(note),
    assignAlert: (assign) => api.assignAlert(assign),
    createSilence: (silence) => api.createSilence(silence),
    expireSilence: (expire) => api.expireSilence(expire),
    watchBook: (key) => api.watchBook(key),
    listCaptures: () => api.listCaptures(),
    openCapture: (request) => api.openCapture(request),
    controlReplay: (control) => api.controlReplay(control),
    startRecording: (request) => api.startRecording(request),
    stopRecording: () => api.stopRecording(),
    exportHistory: (request) => api.exportHistory(request),
    marketReport: (request) => api.marketReport(request),
    seekReplay: (request) => api.seekReplay(request),
    stepReplay: (request) => api.stepReplay(request),
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    flush: () => flush(true),
    close() {
      clearInterval(timer);
      unsubscribe();
      detail?.close();
      listeners.clear();
    },
  };
}
