import type { AlertCaseEntry, AlertHistoryRow, AlertView, ApiArgs } from '../../shared/contract';
import type { Alert, AlertEvent } from '../../shared/core/model';
import { describeMatcher, silenceFor, silenceTimesProblem, type Silence } from '../../shared/silences';
import { AlertCaseStore, alertOpenings, type CaseSummary } from '../storage/alert-case-store';
import { openHistoryDb, type HistoryDatabase } from '../storage/history-db';
import { getAlert } from '../storage/history-queries';

/** Expired silences stay listed this long (the Silences panel's "expired" list). */
const EXPIRED_SHOWN_MS = 24 * 3600_000;

/** What a silence may name: the instruments and venues this console knows. */
export interface KnownSubjects {
  readonly keys: ReadonlySet<string>;
  readonly instruments: ReadonlySet<string>;
  readonly venues: ReadonlySet<string>;
}

export interface AlertDeskOptions {
  /** The history database (null: storage is off, the desk keeps its cases in memory for the session). */
  readonly dbPath: string | null;
  readonly known: () => KnownSubjects;
  /** An alert the engine has open (live or replayed), by id. */
  readonly openAlert: (id: string) => Alert | undefined;
  /** The history database the alert list is read from (a replay has its own). */
  readonly historyDb: () => HistoryDatabase | null;
}

/**
 * The desk's work on alerts, beside the engine's lifecycle: notes and
 * assignments (the case thread), silences and maintenance windows, and what
 * the console adds to an alert it shows (value and z at open, assignee,
 * notes). Written on the console's own connection to the history file; the
 * analytics worker keeps writing alerts and their audit events on its own.
 */
export class AlertDesk {
  private store: AlertCaseStore | null = null;
  private db: HistoryDatabase | null = null;
  /** Value and z at open of the alerts open now, from their first event (the history may not have it yet). */
  private readonly openings = new Map<string, { value: number | null; zscore: number | null }>();
  private cached: Silence[] | null = null;
  /** Case summaries read or written so far, so that an alert batch costs no query per alert. */
  private readonly summaries = new Map<string, CaseSummary>();

  constructor(private readonly options: AlertDeskOptions) {}

  /** Opens (and migrates) the history file on first use: the engine may not have created it yet. */
  private cases(): AlertCaseStore {
    if (this.store) return this.store;
    // No integrity scan: the service checked the file before the engine started.
    this.db = openHistoryDb(this.options.dbPath ?? ':memory:', { integrityCheck: 'off' });
    this.store = new AlertCaseStore(this.db);
    return this.store;
  }

  close(): void {
    this.db?.close();
    this.db = null;
    this.store = null;
  }

  /** Remembers each live alert's onset as its first event goes by. */
  observe(events: readonly AlertEvent[], alerts: readonly Alert[]): void {
    const byId = new Map(alerts.map((a) => [a.id, a]));
    for (const e of events) {
      const alert = byId.get(e.alertId);
      if ((e.kind === 'pending' || e.kind === 'firing') && alert?.openedAt === e.time && !this.openings.has(e.alertId)) {
        this.openings.set(e.alertId, { value: e.value, zscore: e.zscore });
      }
    }
  }

  /** Forgets the onsets and cached cases of alerts that are over (after they were shown once more). */
  forgetClosed(alerts: readonly Alert[]): void {
    for (const a of alerts) {
      if (a.state !== 'resolved') continue;
      this.openings.delete(a.id);
      this.summaries.delete(a.id);
    }
  }

  /** Assignee and notes of each alert, from the cache or (once per alert) the database. */
  private caseSummaries(ids: readonly string[]): Map<string, CaseSummary> {
    const unknown = ids.filter((id) => !this.summaries.has(id));
    if (unknown.length > 0) {
      const read = this.cases().summaries(unknown);
      for (const id of unknown) this.summaries.set(id, read.get(id) ?? { assignee: null, notes: 0 });
    }
    return this.summaries;
  }

  /** Onsets not in memory, from the history the alerts are read from (a replay has its own), else the desk's own connection. */
  private storedOpenings(ids: readonly string[]): Map<string, { value: number | null; zscore: number | null }> {
    if (ids.length === 0) return new Map();
    const db = this.options.historyDb();
    if (db) return alertOpenings(db, ids);
    this.cases();
    return this.db ? alertOpenings(this.db, ids) : new Map();
  }

  /** The alerts with their onset and case. */
  decorate(alerts: readonly Alert[]): AlertView[] {
    if (alerts.length === 0) return [];
    const ids = alerts.map((a) => a.id);
    const cases = this.caseSummaries(ids);
    const stored = this.storedOpenings(ids.filter((id) => !this.openings.has(id)));
    return alerts.map((a) => {
      const open = this.openings.get(a.id) ?? stored.get(a.id);
      const c = cases.get(a.id);
      return { ...a, openValue: open?.value ?? null, openZscore: open?.zscore ?? null, assignee: c?.assignee ?? null, notes: c?.notes ?? 0 };
    });
  }

  /** History rows with their onset and case. */
  decorateRows(rows: readonly AlertHistoryRow[]): AlertHistoryRow[] {
    if (rows.length === 0) return [];
    const ids = rows.map((r) => r.id);
    // Rows are read seldom (a view opening, Refresh): straight from the database, not through the cache.
    const cases = this.cases().summaries(ids);
    const stored = this.storedOpenings(ids);
    return rows.map((r) => {
      const open = stored.get(r.id) ?? this.openings.get(r.id);
      const c = cases.get(r.id);
      return { ...r, openValue: open?.value ?? null, openZscore: open?.zscore ?? null, assignee: c?.assignee ?? null, notes: c?.notes ?? 0 };
    });
  }

  caseOf(alertId: string): AlertCaseEntry[] {
    return this.cases().entries(alertId);
  }

  /** Adds a note; returns it with the alert as it now shows (for the `alerts` event). */
  addNote(request: ApiArgs<'addNote'>[0], now: number): { entry: AlertCaseEntry; alert: AlertView } {
    const alert = this.findAlert(request.alertId);
    const entry = this.cases().add({ alertId: alert.id, kind: 'note', time: now, by: request.by, text: request.text });
    this.summaries.delete(alert.id);
    return { entry, alert: this.decorate([alert])[0]! };
  }

  /** Assigns (or, with a null assignee, unassigns) an alert's case. */
  assign(request: ApiArgs<'assignAlert'>[0], now: number): { entry: AlertCaseEntry; alert: AlertView } {
    const alert = this.findAlert(request.alertId);
    const entry = this.cases().add({ alertId: alert.id, kind: 'assigned', time: now, by: request.by, text: request.assignee ?? '' });
    this.summaries.delete(alert.id);
    return { entry, alert: this.decorate([alert])[0]! };
  }

  createSilence(request: ApiArgs<'createSilence'>[0], now: number): Silence {
    const startsAt = request.startsAt ?? now;
    const problem = silenceTimesProblem(startsAt, request.endsAt, now);
    if (problem) throw new Error(`cannot create the silence: ${problem}`);
    const known = this.options.known();
    const m = request.matcher;
    const set = m.kind === 'key' ? known.keys : m.kind === 'instrument' ? known.instruments : known.venues;
    if (!set.has(m.value)) throw new Error(`cannot create the silence: unknown ${m.kind === 'key' ? 'instrument key' : m.kind} "${m.value}"`);
    const silence = this.cases().createSilence({
      matcher: m,
      rule: request.rule ?? null,
      createdBy: request.createdBy,
      comment: request.comment,
      createdAt: now,
      startsAt,
      endsAt: request.endsAt,
    });
    this.cached = null;
    return silence;
  }

  expireSilence(request: ApiArgs<'expireSilence'>[0], now: number): Silence {
    const silence = this.cases().expireSilence(request.id, request.by, now);
    if (!silence) throw new Error(`no silence ${request.id}`);
    this.cached = null;
    return silence;
  }

  /** Silences not expired, and those that ended in the last day. */
  silences(now: number): Silence[] {
    // Kept until something changes: a silence's state moves with the clock, not with the list.
    if (!this.cached || this.cached.some((s) => s.endsAt <= now - EXPIRED_SHOWN_MS)) this.cached = this.cases().silences(now - EXPIRED_SHOWN_MS);
    return this.cached;
  }

  /** The silence that holds back `alert`'s notification now, or null. */
  silencing(alert: Alert, now: number): Silence | null {
    return silenceFor(alert, this.silences(now), now);
  }

  /** Records in the alert's case that a silence held its notification back: who silenced it answers for the quiet. */
  recordSuppressed(event: AlertEvent, silence: Silence): AlertCaseEntry {
    return this.cases().add({
      alertId: event.alertId,
      kind: 'silenced',
      time: event.time,
      by: silence.createdBy,
      text: `${event.kind} not notified: silence ${silence.id} (${describeMatcher(silence)}: ${silence.comment})`,
    });
  }

  /**
   * Records that a notification a silence held back went out once the
   * silence was over: who ended it early answers for the end, else its maker.
   */
  recordReleased(event: AlertEvent, silence: Silence, now: number): AlertCaseEntry {
    const end = silence.expiredBy !== null ? `expired early by ${silence.expiredBy}` : `ran out at ${new Date(silence.endsAt).toISOString()}`;
    return this.cases().add({
      alertId: event.alertId,
      kind: 'silenced',
      time: now,
      by: silence.expiredBy ?? silence.createdBy,
      text: `still ${event.severity}, notified: silence ${silence.id} is over (${end})`,
    });
  }

  private findAlert(id: string): Alert {
    const open = this.options.openAlert(id);
    if (open) return open;
    const db = this.options.historyDb();
    const record = db ? getAlert(db, id) : null;
    if (!record) throw new Error(`no alert ${id}`);
    const { localId: _l, cancelled: _c, peakSeverity: _p, detail, venue, metric, ...rest } = record;
    return { ...rest, venue: venue as Alert['venue'], metric: metric as Alert['metric'], ...(detail === null ? {} : { detail }) };
  }
}
