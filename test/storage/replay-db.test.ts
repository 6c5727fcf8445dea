import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ReplayReport } from '../../src/engine/replay/replay-report';
import { openHistoryDb } from '../../src/engine/storage/history-db';
import { alertTrail, listInstruments, queryAlerts, querySeries } from '../../src/engine/storage/history-queries';
import { surveil } from '../support/cli';
import { REAL, realRecording } from '../support/shared-data';
import { tempDir } from './helpers';

describe('surveil replay --db', () => {
  it("writes the replay's samples, alerts and audit trail to a database the console can open", () => {
    const dir = tempDir();
    const dbPath = join(dir, 'replay.sqlite');
    const reportPath = join(dir, 'report.json');
    const run = surveil(['replay', realRecording(REAL.binanceUsdm), '--db', dbPath, '--report', reportPath]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`history written to ${dbPath}: \\d+ samples`));
    const report = JSON.parse(readFileSync(reportPath, 'utf8')) as ReplayReport;

    const db = openHistoryDb(dbPath, { readonly: true });
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    const instruments = listInstruments(db);
    expect(instruments.map((i) => i.key).sort()).toEqual(report.instruments.map((i) => `${i.venue}:${i.symbol}`).sort());
    for (const instrument of instruments) {
      expect(instrument.firstSample).not.toBeNull();
      const series = querySeries(db, {
        key: instrument.key,
        metrics: ['mid', 'spread_bps', 'depth_10bps', 'z_spread_bps'],
        from: instrument.firstSample!,
        to: instrument.lastSample! + 1,
      });
      expect(series.points.length).toBeGreaterThan(10);
      expect(series.points.every((p) => p.count === 1)).toBe(true);
      expect(series.points.some((p) => p.values.mid!.last !== null)).toBe(true);
      // The report's last spread is the book at the last frame; the last sample is at most one interval earlier.
      const reported = report.instruments.find((i) => `${i.venue}:${i.symbol}` === instrument.key)!;
      expect(series.points.at(-1)!.values.spread_bps!.last).toBeCloseTo(reported.spreadBps!, 0);
    }

    // The alerts that fired are the report's, with the same ids, times and worst severity.
    const fired = queryAlerts(db, { firedOnly: true });
    expect(fired).toHaveLength(report.alerts.length);
    expect(report.alerts.length).toBeGreaterThan(0);
    for (const alert of report.alerts) {
      const stored = fired.find((a) => a.id === alert.id)!;
      expect(stored).toMatchObject({ instrumentId: alert.instrumentId, venue: alert.venue, metric: alert.metric, openedAt: alert.openedAt, firedAt: alert.firedAt, resolvedAt: alert.resolvedAt, peakSeverity: alert.severity });
      const trail = alertTrail(db, alert.id);
      expect(trail[0]!.kind).toMatch(/pending|firing/);
      expect(trail.some((e) => e.kind === 'firing' && e.time === alert.firedAt)).toBe(true);
    }
    // Every audit event of the run, cancelled pendings included.
    expect(db.prepare('SELECT count(*) FROM alert_events').pluck().get()).toBe(report.alertEvents);
    db.close();
  });

  it('says so when the database cannot be opened', () => {
    const dir = tempDir();
    const run = surveil(['replay', realRecording(REAL.okx), '--db', dir]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`surveil replay: ${dir}: cannot open the history database`);
  });
});
