import { execFile, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { promisify } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { openHistoryDb, type HistoryDatabase } from '../../src/engine/storage/history-db';
import { HistoryWriter } from '../../src/engine/storage/history-writer';
import type { Alert, AlertEvent } from '../../src/shared/core/model';
import { PERP, syntheticSamples } from '../storage/fixtures/synthetic';
import { alertOf, eventOf, tempDbPath } from '../storage/helpers';
import { surveilCommand } from '../support/cli';
import { repoRoot } from '../support/shared-data';

const run = promisify(execFile);

/** The machine's PostgreSQL (trust auth); SURVEIL_TEST_PG_URL overrides. */
export const PG_URL = process.env.SURVEIL_TEST_PG_URL ?? 'postgres://root@127.0.0.1:5432/test';

/** A fresh schema name per test, dropped by {@link dropSchema}. */
export function freshSchema(): string {
  return `surveil_test_${randomBytes(5).toString('hex')}`;
}

/** Runs one query on a short-lived connection. */
export async function query<T extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

export async function dropSchema(schema: string): Promise<void> {
  await query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
}

/** Central row count of a table for one desk. */
export async function centralCount(schema: string, table: string, desk: string): Promise<number> {
  const rows = await query<{ n: string }>(`SELECT count(*) AS n FROM "${schema}"."${table}" WHERE desk_id = $1`, [desk]);
  return Number(rows[0]!.n);
}

/** Central (desk_id, local_id) pairs present more than once in a table. */
export async function duplicates(schema: string, table: string): Promise<number> {
  const rows = await query<{ n: string }>(
    `SELECT count(*) AS n FROM (SELECT 1 FROM "${schema}"."${table}" GROUP BY desk_id, local_id HAVING count(*) > 1) d`,
  );
  return Number(rows[0]!.n);
}

/** Local row count. */
export function localCount(db: HistoryDatabase, table: string): number {
  return db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;
}

/** A local history database with a writer producing samples, alerts, audit events and feed events. */
export function localHistory(seed = 1) {
  const path = tempDbPath();
  const db = openHistoryDb(path);
  const writer = new HistoryWriter(db, { flushIntervalMs: 60_000 });
  const samples = syntheticSamples(PERP, Date.UTC(2024, 0, 1), 1000, seed);
  let n = 0;
  return {
    path,
    db,
    writer,
    /** Writes `count` samples; every 50th opens an alert with its audit event, every 100th adds a feed event. */
    write(count: number): void {
      for (let i = 0; i < count; i++, n++) {
        const evaluation = samples.next();
        const time = evaluation.sample.time;
        const alerts: Alert[] = [];
        const events: AlertEvent[] = [];
        if (n % 50 === 0) {
          const id = `${PERP.venue}:${PERP.symbol}/spread_bps/${time}`;
          alerts.push(alertOf({ id, openedAt: time, firedAt: time }));
          events.push(eventOf({ alertId: id, time }));
        }
        writer.onEvaluation({ ...evaluation, alerts, events }, PERP);
        if (n % 100 === 0) writer.onSyncEvent(`${PERP.venue}:${PERP.symbol}`, 'gap', time);
      }
      writer.flush();
    },
    /** Writes one more sample carrying this alert version (the writer gives it the next revision). */
    writeAlert(alert: Alert): void {
      n++;
      writer.onEvaluation({ ...samples.next(), alerts: [alert], events: [] }, PERP);
      writer.flush();
    },
    close(): void {
      writer.close();
      db.close();
      rmSync(dirname(path), { recursive: true, force: true });
    },
  };
}

/** PostgreSQL cluster control (root on this machine). */
export const cluster = {
  version: (): string => readdirSync('/etc/postgresql')[0]!,
  async stop(): Promise<void> {
    await run('pg_ctlcluster', ['--skip-systemctl-redirect', cluster.version(), 'main', 'stop', '-m', 'fast']);
  },
  async start(): Promise<void> {
    try {
      await run('pg_ctlcluster', ['--skip-systemctl-redirect', cluster.version(), 'main', 'start']);
    } catch (error) {
      // Already running is fine: the aim is a running server.
      if (!(await cluster.ready())) throw error;
    }
    await cluster.waitReady();
  },
  async ready(): Promise<boolean> {
    try {
      await run('pg_isready', ['-h', '127.0.0.1', '-p', '5432', '-t', '2']);
      return true;
    } catch {
      return false;
    }
  },
  async waitReady(timeoutMs = 30_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (!(await cluster.ready())) {
      if (Date.now() > until) throw new Error('PostgreSQL did not become ready');
      await sleep(200);
    }
  },
};

/** Polls until `check` is true or the time is up. */
export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** Runs `surveil sync ...` in a child process with exactly this SURVEIL_PG_URL (none when undefined). */
export function surveilSync(args: readonly string[], pgUrl: string | undefined): { code: number | null; stdout: string; stderr: string } {
  const env: NodeJS.ProcessEnv = { ...process.env, SURVEIL_DEBUG: '' };
  delete env.SURVEIL_PG_URL;
  if (pgUrl !== undefined) env.SURVEIL_PG_URL = pgUrl;
  const result = spawnSync(...surveilCommand(['sync', ...args]), {
    cwd: repoRoot,
    encoding: 'utf8',
    env,
    timeout: 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}
