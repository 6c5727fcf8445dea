import type Database from 'better-sqlite3';
import type { Acknowledgement, Alert, AlertEvent, Instrument } from '../../shared/core/model';
import type { HistoryDatabase } from './history-db';
import type { FeedEventInput } from './history-writer';
import { INSERT_SAMPLE_SQL } from './sample-row';

// Escalation drops an acknowledgement (the operator acknowledged something
// milder), as the alert tracker does; otherwise an alert snapshot without an
// ack keeps the stored one, which the console may have recorded directly.
const keepAck = (column: string): string =>
  `${column} = CASE WHEN excluded.ack_at IS NOT NULL THEN excluded.${column}
    WHEN excluded.severity = 'critical' AND severity = 'warning' THEN NULL ELSE ${column} END`;

const UPSERT_ALERT = `INSERT INTO alerts (alert_id, instrument_id, metric, rule, state, severity, peak_severity,
    opened_at, fired_at, resolved_at, value, zscore, threshold, ack_by, ack_at, ack_note, detail, peak_value, peak_zscore, revision)
  VALUES (@alertId, @instrumentId, @metric, @rule, @state, @severity, @severity,
    @openedAt, @firedAt, @resolvedAt, @value, @zscore, @threshold, @ackBy, @ackAt, @ackNote, @detail, @peakValue, @peakZscore,
    (SELECT coalesce(max(revision), 0) + 1 FROM alerts))
  ON CONFLICT (alert_id) DO UPDATE SET
    rule = excluded.rule, state = excluded.state, severity = excluded.severity,
    peak_severity = CASE WHEN excluded.severity = 'critical' THEN 'critical' ELSE peak_severity END,
    fired_at = excluded.fired_at, resolved_at = excluded.resolved_at,
    value = excluded.value, zscore = excluded.zscore, threshold = excluded.threshold,
    detail = coalesce(excluded.detail, detail), peak_value = coalesce(excluded.peak_value, peak_value),
    peak_zscore = coalesce(excluded.peak_zscore, peak_zscore),
    ${keepAck('ack_by')}, ${keepAck('ack_at')}, ${keepAck('ack_note')},
    revision = excluded.revision`;

// An audit event already stored (its natural key, see EVENT_KEYS) is skipped: a replay run again or resumed writes it once.
const INSERT_ALERT_EVENT = `INSERT INTO alert_events (alert_id, kind, time, severity, rule, metric, value, zscore, threshold, z_threshold, by, note, detail)
  VALUES (@alertId, @kind, @time, @severity, @rule, @metric, @value, @zscore, @threshold, @zThreshold, @by, @note, @detail)
  ON CONFLICT DO NOTHING`;

/**
 * The writer's prepared statements and the instrument lookup table cache.
 * Instruments are referenced by a small integer id so each sample row
 * carries 1-2 bytes instead of the `venue:symbol` text.
 */
export class HistoryStatements {
  readonly transaction: (fn: () => void) => void;
  private readonly ids = new Map<string, { id: number; instrument: Instrument | null }>();
  private readonly sample: Database.Statement;
  private readonly alert: Database.Statement;
  private readonly alertEvent: Database.Statement;
  private readonly feedEvent: Database.Statement;
  private readonly upsertInstrument: Database.Statement;
  private readonly ensureKey: Database.Statement;
  private readonly alertRow: Database.Statement;
  private readonly ackAlert: Database.Statement;

  constructor(db: HistoryDatabase) {
    const run = db.transaction((fn: () => void) => fn());
    this.transaction = (fn) => run.immediate(fn);
    this.sample = db.prepare(INSERT_SAMPLE_SQL);
    this.alert = db.prepare(UPSERT_ALERT);
    this.alertEvent = db.prepare(INSERT_ALERT_EVENT);
    // An event already stored (same natural key, see EVENT_KEYS) is skipped: replays and resumes write each once.
    this.feedEvent = db.prepare('INSERT INTO feed_events (time, venue, instrument_id, kind, detail) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING');
    this.upsertInstrument = db.prepare(`INSERT INTO instruments (key, venue, symbol, canonical_id, type) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT (key) DO UPDATE SET canonical_id = excluded.canonical_id, type = excluded.type RETURNING id`);
    // A sync event may name an instrument before any sample: keep what a later sample says about it.
    this.ensureKey = db.prepare(`INSERT INTO instruments (key, venue, symbol, canonical_id) VALUES (?, ?, ?, ?)
      ON CONFLICT (key) DO UPDATE SET key = key RETURNING id`);
    this.alertRow = db.prepare('SELECT severity, rule, metric, value, zscore, threshold FROM alerts WHERE alert_id = ?');
    this.ackAlert = db.prepare(`UPDATE alerts SET ack_by = ?, ack_at = ?, ack_note = ?,
      revision = (SELECT max(revision) + 1 FROM alerts) WHERE alert_id = ?`);
  }

  /** The lookup id of a venue instrument, inserted or refreshed when its metadata changed. */
  instrumentId(instrument: Instrument): number {
    const key = `${instrument.venue}:${instrument.symbol}`;
    const known = this.ids.get(key);
    // By content: a sample from a feed worker carries a fresh copy of its instrument every second.
    if (known?.instrument && known.instrument.id === instrument.id && known.instrument.type === instrument.type) return known.id;
    const row = this.upsertInstrument.get(key, instrument.venue, instrument.symbol, instrument.id, instrument.type) as { id: number };
    this.ids.set(key, { id: row.id, instrument });
    return row.id;
  }

  /** The lookup id of `venue:symbol` when only the key is known. */
  keyId(key: string): number {
    const known = this.ids.get(key);
    if (known) return known.id;
    const colon = key.indexOf(':');
    const venue = colon < 0 ? key : key.slice(0, colon);
    const symbol = colon < 0 ? key : key.slice(colon + 1);
    const row = this.ensureKey.get(key, venue, symbol, symbol) as { id: number };
    this.ids.set(key, { id: row.id, instrument: null });
    return row.id;
  }

  /** False when the sample was already stored (its instrument and time). */
  insertSample(instrument: Instrument, params: readonly unknown[]): boolean {
    return this.insertSampleRow(this.instrumentId(instrument), params);
  }

  /** {@link insertSample} with the instrument's lookup id already resolved. */
  insertSampleRow(instrumentId: number, params: readonly unknown[]): boolean {
    return this.sample.run(instrumentId, ...params).changes > 0;
  }

  upsertAlert(alert: Alert): void {
    const ack = alert.acknowledged;
    this.alert.run({
      alertId: alert.id,
      instrumentId: this.keyId(alert.key),
      metric: alert.metric,
      rule: alert.rule,
      state: alert.state,
      severity: alert.severity,
      openedAt: alert.openedAt,
      firedAt: alert.firedAt,
      resolvedAt: alert.resolvedAt,
      value: finiteOrNull(alert.value),
      zscore: finiteOrNull(alert.zscore),
      threshold: alert.threshold,
      ackBy: ack?.by ?? null,
      ackAt: ack?.time ?? null,
      ackNote: ack?.note ?? null,
      detail: alert.detail ?? null,
      peakValue: finiteOrNull(alert.peakValue ?? null),
      peakZscore: finiteOrNull(alert.peakZscore ?? null),
    });
  }

  /** False when the event was already stored (its natural key). */
  insertAlertEvent(event: AlertEvent): boolean {
    return this.alertEvent.run({
      alertId: event.alertId,
      kind: event.kind,
      time: event.time,
      severity: event.severity,
      rule: event.rule,
      metric: event.metric,
      value: finiteOrNull(event.value),
      zscore: finiteOrNull(event.zscore),
      threshold: event.threshold,
      zThreshold: event.zThreshold,
      by: event.by ?? null,
      note: event.note ?? null,
      detail: event.detail ?? null,
    }).changes > 0;
  }

  /** False when the event was already stored (its natural key). */
  insertFeedEvent(event: FeedEventInput): boolean {
    const instrumentId = event.key ? this.keyId(event.key) : null;
    return this.feedEvent.run(event.time, event.venue, instrumentId, event.kind, event.detail ?? null).changes > 0;
  }

  /** The ack event and the alert row's ack, in one transaction. False when the alert is unknown. */
  acknowledge(alertId: string, ack: Acknowledgement, event?: AlertEvent): boolean {
    let found = false;
    this.transaction(() => {
      const row = this.alertRow.get(alertId) as
        | { severity: string; rule: string; metric: string; value: number | null; zscore: number | null; threshold: number }
        | undefined;
      if (!row) return;
      found = true;
      this.insertAlertEvent({
        alertId,
        kind: 'acknowledged',
        time: ack.time,
        severity: (event?.severity ?? row.severity) as AlertEvent['severity'],
        rule: event?.rule ?? row.rule,
        metric: (event?.metric ?? row.metric) as AlertEvent['metric'],
        value: event ? event.value : row.value,
        zscore: event ? event.zscore : row.zscore,
        threshold: event?.threshold ?? row.threshold,
        zThreshold: event?.zThreshold ?? null,
        by: ack.by,
        note: ack.note,
      });
      this.ackAlert.run(ack.by, ack.time, ack.note, alertId);
    });
    return found;
  }
}

function finiteOrNull(value: number | null): number | null {
  return value !== null && Number.isFinite(value) ? value : null;
}
