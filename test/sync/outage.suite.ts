import { afterAll, describe, expect, it } from 'vitest';
import { openHistoryDb } from '../../src/engine/storage/history-db';
import { PgSync, type SyncError } from '../../src/engine/sync/pg-sync';
import { SyncLoop } from '../../src/engine/sync/sync-loop';
import { centralCount, cluster, dropSchema, duplicates, freshSchema, localCount, localHistory, PG_URL, query, waitFor } from './helpers';

const TABLES = ['samples', 'alerts', 'alert_events', 'feed_events'] as const;

/**
 * PostgreSQL stopped with pg_ctlcluster in the middle of a sync, local
 * writes going on meanwhile, then started again: the loop backs off,
 * resumes, and the central tables end up with exactly the local rows.
 */
export function outageSuite(): void {
  describe('sync loop across a PostgreSQL stop and restart', () => {
    // Other tests need the server: whatever happens here, it runs again afterwards.
    afterAll(async () => {
      await cluster.start();
    }, 60_000);

    it('loses no row and duplicates none', async () => {
      const schema = freshSchema();
      const history = localHistory(7);
      history.write(40_000);
      // The app's sync has its own connection to the file the writer writes.
      const syncDb = openHistoryDb(history.path);
      let batches = 0;
      const errors: SyncError[] = [];
      const sync = new PgSync(syncDb, { url: PG_URL, deskId: 'desk-outage', schema, batchSize: 200, log: () => undefined, onBatch: () => batches++ });
      const loop = new SyncLoop(sync, { intervalMs: 100, initialBackoffMs: 100, maxBackoffMs: 800, onError: (e) => errors.push(e) });
      let writing: NodeJS.Timeout | undefined;
      const started = performance.now();
      try {
        loop.start();
        await waitFor(() => batches >= 20, 20_000, 'the first batches');
        expect(sync.outbox.cursor('samples')).toBeLessThan(40_000);
        // Local writes go on through the outage, as the live engine's would.
        writing = setInterval(() => history.write(50), 20);
        await cluster.stop();
        await waitFor(() => errors.length >= 2, 20_000, 'the loop to notice the outage');
        const stalled = sync.outbox.cursor('samples');
        expect(loop.status.state).toMatch(/backoff|syncing/);
        await cluster.start();
        clearInterval(writing);
        writing = undefined;
        history.write(321);

        const local = localCount(history.db, 'samples');
        await waitFor(() => sync.outbox.cursor('samples') === local && loop.status.lastPass?.caughtUp === true, 30_000, 'catch-up');
        await loop.stop();
        expect(stalled).toBeLessThan(local);
        expect(errors.every((e) => e.transient)).toBe(true);
        expect(loop.status.failures).toBe(0);
        expect(errors.map((e) => e.message).join('\n')).not.toMatch(/undefined/);

        for (const table of TABLES) {
          expect(await centralCount(schema, table, 'desk-outage'), table).toBe(localCount(history.db, table));
          expect(await duplicates(schema, table), table).toBe(0);
        }
        // Exactly the local ids: no gap, no stray.
        const [range] = await query<{ n: string; lo: string; hi: string }>(
          `SELECT count(DISTINCT local_id) AS n, min(local_id) AS lo, max(local_id) AS hi FROM "${schema}".samples`,
        );
        expect([Number(range!.n), Number(range!.lo), Number(range!.hi)]).toEqual([local, 1, local]);
        const seconds = (performance.now() - started) / 1000;
        console.info(`outage test: ${local} samples, ${errors.length} failed passes, ${seconds.toFixed(1)} s including the restart`);
      } finally {
        if (writing) clearInterval(writing);
        await cluster.start();
        await loop.stop();
        syncDb.close();
        history.close();
        await dropSchema(schema);
      }
    }, 60_000);
  });
}
