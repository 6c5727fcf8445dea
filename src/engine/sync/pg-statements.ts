import { SILENCE_EVENTS } from './pg-schema';
import { ident, SILENCES, type SyncTable } from './sync-tables';

/**
 * The statement that writes one batch of a table: $1 is the desk id, then
 * one array per column (local id first) unnested into rows, so a batch of
 * any size is one statement, one round trip and one transaction, with no
 * limit on parameters.
 *
 * - append tables: insert, skipping rows the central table already has,
 *   by local id or by natural key (a batch re-sent after a lost commit
 *   acknowledgement, or an event the desk wrote twice, is a no-op);
 * - alerts: upsert by (desk_id, alert_id), only when the incoming revision
 *   is newer (an old version re-sent late never overwrites a newer one);
 * - instruments: upsert by (desk_id, local_id), writing only rows that changed.
 */
export function batchStatement(schema: string, table: SyncTable): string {
  const names = ['local_id', ...table.columns.map((c) => c.name)];
  const arrays = ['int8', ...table.columns.map((c) => c.wire)].map((wire, i) => `$${i + 2}::${wire}[]`);
  const values = ['u.local_id', ...table.columns.map((c) => (c.convert ? c.convert(`u.${ident(c.name)}`) : `u.${ident(c.name)}`))];
  const head = `INSERT INTO ${ident(schema)}.${ident(table.name)} AS cur (desk_id, ${names.map(ident).join(', ')})
  SELECT $1, ${values.join(', ')} FROM unnest(${arrays.join(', ')}) AS u(${names.map(ident).join(', ')})`;
  const update = (cols: readonly string[]): string => cols.map((c) => `${ident(c)} = excluded.${ident(c)}`).join(', ');
  // No conflict target: a row is skipped on its primary key (the same local row re-sent) and on its natural key (the same event under another local id).
  if (table.kind === 'append') return `${head}\n  ON CONFLICT DO NOTHING`;
  if (table.kind === 'upsert') {
    return `${head}\n  ON CONFLICT (desk_id, alert_id) DO UPDATE SET ${update(names.filter((n) => n !== 'alert_id'))}, synced_at = now()
  WHERE excluded.revision > cur.revision`;
  }
  const cols = table.columns.map((c) => c.name);
  return `${head}\n  ON CONFLICT (desk_id, local_id) DO UPDATE SET ${update(cols)}
  WHERE (${cols.map((c) => `cur.${ident(c)}`).join(', ')}) IS DISTINCT FROM (${cols.map((c) => `excluded.${ident(c)}`).join(', ')})`;
}

/**
 * The silences batch: the mirror upsert, and for every row it wrote (new or
 * changed) its `created` event and, once expired early, its `expired` event,
 * in one statement so a silence is never central without its events.
 * Answers one row: `changed` silences and `events` written.
 */
export function silencesStatement(schema: string): string {
  const s = ident(schema);
  const upsert = `${batchStatement(schema, SILENCES)}
  RETURNING cur.local_id, cur.created_at, cur.created_by, cur.comment, cur.expired_at, cur.expired_by`;
  return `WITH up AS (${upsert}),
  ev AS (INSERT INTO ${s}.${ident(SILENCE_EVENTS)} (desk_id, local_id, kind, time, by, comment)
    SELECT $1, local_id, 'created', created_at, created_by, comment FROM up
    UNION ALL SELECT $1, local_id, 'expired', expired_at, expired_by, NULL FROM up WHERE expired_at IS NOT NULL AND expired_by IS NOT NULL
    ON CONFLICT DO NOTHING RETURNING 1)
  SELECT (SELECT count(*) FROM up)::int AS changed, (SELECT count(*) FROM ev)::int AS events`;
}
