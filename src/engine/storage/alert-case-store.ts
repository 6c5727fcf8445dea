import type { AlertCaseEntry } from '../../shared/contract';
import type { Silence, SilenceMatcher } from '../../shared/silences';
import type { HistoryDatabase } from './history-db';

/** A case's standing: its assignee (null: nobody) and how many notes it has. */
export interface CaseSummary {
  readonly assignee: string | null;
  readonly notes: number;
}

/** A silence as created, before the store gives it an id. */
export type NewSilence = Omit<Silence, 'id' | 'expiredBy' | 'expiredAt'>;

interface SilenceRow {
  id: number;
  matcherKind: SilenceMatcher['kind'];
  matcher: string;
  rule: string | null;
  createdBy: string;
  comment: string;
  createdAt: number;
  startsAt: number;
  endsAt: number;
  expiredBy: string | null;
  expiredAt: number | null;
}

const SILENCE_COLUMNS = `id, matcher_kind AS matcherKind, matcher, rule, created_by AS createdBy, comment, created_at AS createdAt,
  starts_at AS startsAt, ends_at AS endsAt, expired_by AS expiredBy, expired_at AS expiredAt`;

/**
 * The desk's side of alerts in the history database (schema v6): case
 * threads (notes, assignments, notifications held back by a silence) and
 * silences. The console writes these on its own connection; the engine's
 * writer never touches these tables, so the two never contend for a row.
 */
export class AlertCaseStore {
  constructor(private readonly db: HistoryDatabase) {}

  /** Appends a case entry; its time is the caller's. */
  add(entry: AlertCaseEntry): AlertCaseEntry {
    this.db.prepare('INSERT INTO alert_case (alert_id, kind, time, by, text) VALUES (?, ?, ?, ?, ?)').run(entry.alertId, entry.kind, entry.time, entry.by, entry.text);
    return entry;
  }

  /** One alert's case thread, oldest first. */
  entries(alertId: string): AlertCaseEntry[] {
    return this.db
      .prepare('SELECT alert_id AS alertId, kind, time, by, text FROM alert_case WHERE alert_id = ? ORDER BY id')
      .all(alertId) as AlertCaseEntry[];
  }

  /** Assignee and note count of each alert that has a case entry. */
  summaries(alertIds: readonly string[]): Map<string, CaseSummary> {
    const out = new Map<string, CaseSummary>();
    if (alertIds.length === 0) return out;
    const notes = this.db.prepare("SELECT count(*) FROM alert_case WHERE alert_id = ? AND kind = 'note'").pluck();
    const assignee = this.db.prepare("SELECT text FROM alert_case WHERE alert_id = ? AND kind = 'assigned' ORDER BY id DESC LIMIT 1").pluck();
    for (const id of new Set(alertIds)) {
      const count = notes.get(id) as number;
      const who = assignee.get(id) as string | undefined;
      if (count > 0 || who !== undefined) out.set(id, { assignee: who ? who : null, notes: count });
    }
    return out;
  }

  createSilence(silence: NewSilence): Silence {
    const { lastInsertRowid } = this.db
      .prepare(
        'INSERT INTO silences (matcher_kind, matcher, rule, created_by, comment, created_at, starts_at, ends_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      )
      .run(silence.matcher.kind, silence.matcher.value, silence.rule, silence.createdBy, silence.comment, silence.createdAt, silence.startsAt, silence.endsAt);
    return this.silence(`S${lastInsertRowid}`)!;
  }

  /** Ends a silence now; null when there is no such silence. One already over is returned unchanged. */
  expireSilence(id: string, by: string, time: number): Silence | null {
    const found = this.silence(id);
    if (!found) return null;
    if (found.expiredAt !== null || found.endsAt <= time) return found;
    this.db.prepare('UPDATE silences SET expired_by = ?, expired_at = ? WHERE id = ?').run(by, time, silenceNumber(id));
    return this.silence(id);
  }

  silence(id: string): Silence | null {
    const n = silenceNumber(id);
    if (n === null) return null;
    const row = this.db.prepare(`SELECT ${SILENCE_COLUMNS} FROM silences WHERE id = ?`).get(n) as SilenceRow | undefined;
    return row ? toSilence(row) : null;
  }

  /** Silences not over by `since` (active, pending, and those that ended after it), oldest first. */
  silences(since: number): Silence[] {
    const rows = this.db
      .prepare(`SELECT ${SILENCE_COLUMNS} FROM silences WHERE min(ends_at, coalesce(expired_at, ends_at)) > ? ORDER BY id`)
      .all(since) as SilenceRow[];
    return rows.map(toSilence);
  }
}

function silenceNumber(id: string): number | null {
  const m = /^S(\d{1,12})$/.exec(id);
  return m ? Number(m[1]) : null;
}

function toSilence(row: SilenceRow): Silence {
  const { id, matcherKind, matcher, ...rest } = row;
  return { id: `S${id}`, matcher: { kind: matcherKind, value: matcher } as SilenceMatcher, ...rest };
}

/**
 * Value and z of each alert's first audit event: the onset, which the alert
 * row itself no longer holds once it has moved on (firing, escalated). Reads
 * any history handle (the live file, read-only, or a replay's).
 */
export function alertOpenings(db: HistoryDatabase, alertIds: readonly string[]): Map<string, { value: number | null; zscore: number | null }> {
  const first = db.prepare('SELECT value, zscore FROM alert_events WHERE alert_id = ? ORDER BY id LIMIT 1');
  const out = new Map<string, { value: number | null; zscore: number | null }>();
  for (const id of new Set(alertIds)) {
    const row = first.get(id) as { value: number | null; zscore: number | null } | undefined;
    if (row) out.set(id, row);
  }
  return out;
}
