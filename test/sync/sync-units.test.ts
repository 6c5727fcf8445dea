import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { openHistoryDb } from '../../src/engine/storage/history-db';
import type { PgSync, SyncPassResult } from '../../src/engine/sync/pg-sync';
import { SyncError, zeroCounts } from '../../src/engine/sync/pg-sync';
import { chooseCentralMode } from '../../src/engine/sync/pg-schema';
import { describePgError, describePgTarget, PgUrlError, pgUrlFromEnv, redactPgUrl, redactSecrets } from '../../src/engine/sync/pg-url';
import { backoffDelay, startBackgroundSync, SyncLoop } from '../../src/engine/sync/sync-loop';

describe('PostgreSQL URL handling', () => {
  it('reads the URL only from SURVEIL_PG_URL and explains a missing one', () => {
    expect(pgUrlFromEnv({ SURVEIL_PG_URL: ' postgres://u@h/db ' })).toBe('postgres://u@h/db');
    expect(() => pgUrlFromEnv({})).toThrow(PgUrlError);
    expect(() => pgUrlFromEnv({})).toThrow(/SURVEIL_PG_URL is not set/);
    expect(() => pgUrlFromEnv({ SURVEIL_PG_URL: 'not a url with pw' })).toThrow(/not a valid URL/);
  });

  it('masks passwords in URLs and anywhere in messages, encoded or not', () => {
    const url = 'postgresql://ops:p%40ss%2Fw0rd@db.example:6543/desks?sslmode=require&password=x9secret';
    expect(redactPgUrl(url)).toBe('postgresql://ops:***@db.example:6543/desks?sslmode=require&password=***');
    expect(redactSecrets(`failed for ${url}, pw p@ss/w0rd or p%40ss%2Fw0rd, x9secret`, url)).toBe(
      'failed for postgresql://ops:***@db.example:6543/desks?sslmode=require&password=***, pw *** or ***, ***',
    );
    expect(redactPgUrl('postgres://u@h/db')).toBe('postgres://u@h/db');
    expect(describePgTarget(url)).toBe('db.example:6543/desks');
    expect(describePgTarget('postgres://u@h')).toBe('h:5432/u');
    expect(describePgError(Object.assign(new Error('auth failed for p@ss/w0rd'), { code: '28P01' }), url)).toBe('auth failed for *** (28P01)');
  });
});

describe('SyncLoop', () => {
  it('backs off exponentially with jitter between half and all of the cap', () => {
    expect(backoffDelay(1, 1000, 60_000, () => 0)).toBe(500);
    expect(backoffDelay(1, 1000, 60_000, () => 1)).toBe(1000);
    expect(backoffDelay(4, 1000, 60_000, () => 1)).toBe(8000);
    expect(backoffDelay(50, 1000, 60_000, () => 0)).toBe(30_000);
  });

  it('retries failures with backoff, and stop() waits for the pass in flight', async () => {
    let calls = 0;
    let inFlight = false;
    let closed = false;
    const fake = {
      async syncUntilCaughtUp(shouldStop: () => boolean): Promise<SyncPassResult> {
        calls++;
        if (calls <= 2) throw new SyncError('connect ECONNREFUSED', true, 'ECONNREFUSED');
        inFlight = true;
        // A batch in flight: it finishes before stop() returns.
        while (!shouldStop()) await sleep(5);
        await sleep(30);
        inFlight = false;
        const zero = { ...zeroCounts(), samples: 1 };
        return { mode: 'postgres', sent: zero, inserted: zero, batches: 1, silenceEvents: 0, caughtUp: false, elapsedMs: 1 };
      },
      toSyncError: (e: unknown) => e as SyncError,
      async close() {
        closed = true;
      },
    };
    const delays: number[] = [];
    const loop = new SyncLoop(fake as unknown as PgSync, { intervalMs: 10, initialBackoffMs: 10, maxBackoffMs: 100, random: () => 1, onError: (_e, d) => delays.push(d) });
    loop.start();
    while (!inFlight) await sleep(5);
    expect(delays).toEqual([10, 20]);
    await loop.stop();
    expect(inFlight).toBe(false);
    expect(closed).toBe(true);
    expect(loop.status).toMatchObject({ state: 'stopped', failures: 0, lastError: null });
    expect(loop.status.totals.samples).toBe(1);
  });

  it('startBackgroundSync follows features.yaml: off when disabled, clear errors when misconfigured', () => {
    const db = openHistoryDb(':memory:');
    const settings = { enabled: false, deskId: 'd', batchSize: 10, intervalSeconds: 1, sendSamples: false };
    expect(startBackgroundSync(db, settings)).toBeNull();
    expect(() => startBackgroundSync(db, { ...settings, enabled: true }, { env: {} })).toThrow(/SURVEIL_PG_URL is not set/);
    expect(() => startBackgroundSync(db, { ...settings, enabled: true, deskId: null }, { env: {} })).toThrow(/desk_id/);
    db.close();
  });
});

describe('chooseCentralMode', () => {
  it('uses TimescaleDB when the server has it, keeps a TimescaleDB schema so, and plain tables otherwise', () => {
    expect(chooseCentralMode(null, null)).toBe('postgres');
    expect(chooseCentralMode(null, 'postgres')).toBe('postgres');
    expect(chooseCentralMode('2.17.0', null)).toBe('timescaledb');
    // A plain schema becomes hypertables once the extension is there (create_hypertable migrates the rows).
    expect(chooseCentralMode('2.17.0', 'postgres')).toBe('timescaledb');
    // Hypertables cannot go back: even if the extension cannot be seen now.
    expect(chooseCentralMode(null, 'timescaledb')).toBe('timescaledb');
  });
});
