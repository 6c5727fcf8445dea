import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readCaptureFrames } from '../../src/engine/capture/capture-reader';
import { openHistoryDb } from '../../src/engine/storage/history-db';
import { queryAlerts, queryFeedEvents, alertTrail, listInstruments } from '../../src/engine/storage/history-queries';
import type { RawFrame } from '../../src/engine/feed/raw-frame';
import { EngineHost, type WorkerRestart } from '../../src/engine/workers/engine-host';
import type { Config } from '../../src/shared/config';
import type { Alert } from '../../src/shared/core/model';
import type { ShownEvaluation } from '../../src/engine/workers/ui-evaluation';
import { LoopbackExchange, loopbackConfig, waitFor } from '../support/loopback-exchange';
import { startOkxLoop } from '../support/okx-loop-exchange';
import { REAL, realRecording } from '../support/shared-data';

let okxFrames: RawFrame[];
beforeAll(async () => {
  okxFrames = await readCaptureFrames(realRecording(REAL.okx));
});

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function okxExchange(): Promise<LoopbackExchange> {
  const loop = await startOkxLoop(okxFrames);
  cleanups.push(() => loop.close());
  return loop.exchange;
}

function uniConfig(exchange: LoopbackExchange): Config {
  const base = loopbackConfig(exchange);
  return {
    ...base,
    exchanges: { ...base.exchanges, binance: { ...base.exchanges.binance, enabled: false } },
    instruments: {
      'UNI-USD-PERP': {
        id: 'UNI-USD-PERP',
        type: 'perpetual',
        base: 'UNI',
        quote: 'USD',
        enabled: true,
        spot: null,
        venues: { okx: { symbol: 'UNI-USD-SWAP', depthStream: null, index: 'UNI-USD', tickSize: null, contractValue: null } },
      },
    },
    alerts: { ...base.alerts, thresholds: { default: base.alerts.thresholds.default! } },
  };
}

describe('EngineHost (feed and analytics worker threads)', () => {
  it('runs feeds and analytics in workers, restarts a crashed feed worker, persists history and acknowledgements', async () => {
    const exchange = await okxExchange();
    const dbPath = join(mkdtempSync(join(tmpdir(), 'surveil-host-')), 'history.sqlite');
    const evaluations: ShownEvaluation[] = [];
    const alerts: Alert[] = [];
    const restarts: WorkerRestart[] = [];
    const host = new EngineHost({
      config: uniConfig(exchange),
      dbPath,
      listener: {
        onEvaluations: (items) => evaluations.push(...items),
        onAlerts: (_events, changed) => alerts.push(...changed),
        onWorkerRestart: (r) => restarts.push(r),
      },
    });
    let stopped = false;
    cleanups.push(async () => {
      if (!stopped) await host.stop();
    });
    host.start();
    expect(host.venues).toEqual(['okx']);

    const valid = () => evaluations.filter((e) => e.sample.key === 'okx:UNI-USD-SWAP' && e.sample.health.bookValid);
    await waitFor(() => valid().length >= 2, 'evaluations of a valid UNI book from the analytics worker', 15_000);
    expect(valid().at(-1)!.sample.values.spread_bps).toBeGreaterThan(0);
    // The thin UNI book (500 USD within 10 bps on the ask) trips the default depth rule at once.
    await waitFor(() => alerts.some((a) => a.metric === 'depth_10bps' && a.state === 'firing'), 'a depth alert', 10_000);
    const depthAlert = alerts.find((a) => a.metric === 'depth_10bps')!;
    const ack = await host.acknowledge(depthAlert.id, { by: 'desk-1', time: Date.now(), note: 'thin book, known' });
    expect(ack).toMatchObject({ kind: 'acknowledged', by: 'desk-1', note: 'thin book, known' });

    host.crash('okx');
    await waitFor(() => restarts.length === 1, 'the feed worker restart', 10_000);
    expect(restarts[0]).toMatchObject({ worker: 'feed:okx' });
    const before = valid().length;
    await waitFor(() => valid().length >= before + 2, 'evaluations after the restart', 15_000);
    expect(exchange.connections.length).toBeGreaterThanOrEqual(2);
    // The restart is on its thread's row of the engine view, with its reason; no other thread counts one.
    const view = host.engineView();
    expect(view.threads.map((t) => [t.thread, t.restarts])).toEqual([['main', 0], ['analytics', 0], ['history', 0], ['feed:okx', 1]]);
    expect(view.threads.find((t) => t.thread === 'feed:okx')!.lastRestart).toEqual({ time: restarts[0]!.time, reason: restarts[0]!.reason });
    // Each thread's heap, as the workers report it (the analytics worker every second, with its history thread's).
    await waitFor(() => 'analytics' in host.memoryByThread() && 'feed:okx' in host.memoryByThread() && (host.memoryByThread().history?.heapUsedBytes ?? 0) > 0, 'memory reports of the workers', 12_000);
    const memory = host.memoryByThread();
    for (const thread of ['main', 'analytics', 'history', 'feed:okx']) expect(memory[thread]!.heapUsedBytes, thread).toBeGreaterThan(1_000_000);
    expect(memory.analytics!.historyPending).toBeGreaterThanOrEqual(0);

    await host.stop();
    stopped = true;
    const db = openHistoryDb(dbPath);
    try {
      expect(listInstruments(db).map((i) => i.key)).toContain('okx:UNI-USD-SWAP');
      const stored = queryAlerts(db, {});
      expect(stored.map((a) => a.id)).toContain(depthAlert.id);
      expect(alertTrail(db, depthAlert.id).map((e) => e.kind)).toContain('acknowledged');
      expect(queryFeedEvents(db, {}).map((e) => e.kind)).toContain('worker_restart');
    } finally {
      db.close();
    }
  }, 60_000);

  it('samples at a 100 ms interval: the analytics worker evaluates every boundary and writes its history (background work held off each boundary, never lost)', async () => {
    const exchange = await okxExchange();
    const dbPath = join(mkdtempSync(join(tmpdir(), 'surveil-host-')), 'history.sqlite');
    const base = uniConfig(exchange);
    const config: Config = { ...base, features: { ...base.features, sampling: { ...base.features.sampling, intervalMs: 100 } } };
    const evaluations: ShownEvaluation[] = [];
    const host = new EngineHost({ config, dbPath, listener: { onEvaluations: (items) => evaluations.push(...items) } });
    let stopped = false;
    cleanups.push(async () => {
      if (!stopped) await host.stop();
    });
    host.start();
    const valid = () => evaluations.filter((e) => e.sample.key === 'okx:UNI-USD-SWAP' && e.sample.health.bookValid);
    await waitFor(() => valid().length >= 1, 'a valid UNI book', 15_000);
    const firstValid = valid()[0]!.sample.time;
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    await host.stop();
    stopped = true;
    const db = openHistoryDb(dbPath);
    try {
      const times = db
        .prepare('SELECT s.time AS time FROM samples s JOIN instruments i ON i.id = s.instrument_id WHERE i.key = ? AND s.time >= ? ORDER BY s.time')
        .all('okx:UNI-USD-SWAP', firstValid)
        .map((r) => (r as { time: number }).time);
      // Every 100 ms boundary from the first valid book to the stop is stored, none skipped.
      expect(times.length).toBeGreaterThanOrEqual(25);
      for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!, `after ${times[i - 1]}`).toBe(100);
    } finally {
      db.close();
    }
  }, 60_000);

  it('sends rule detail only for the rows some client shows in full, briefs every boundary for rows on screen, every 5 s for the rest, and a row coming into view at once', async () => {
    const exchange = await okxExchange();
    const evaluations: ShownEvaluation[] = [];
    const host = new EngineHost({ config: uniConfig(exchange), dbPath: null, listener: { onEvaluations: (items) => evaluations.push(...items) } });
    cleanups.push(() => host.stop());
    host.start();
    const uni = () => evaluations.filter((e) => e.sample.key === 'okx:UNI-USD-SWAP' && e.sample.health.bookValid);
    // No client said what it shows: everything in full.
    await waitFor(() => uni().length >= 1, 'a valid UNI evaluation', 15_000);
    expect(uni().at(-1)!.rules.length).toBeGreaterThan(0);
    // On some client's screen in brief: every boundary, without rules.
    host.setDetail(['okx:SOMETHING-ELSE'], ['okx:UNI-USD-SWAP']);
    let seen = uni().length;
    await waitFor(() => uni().slice(seen).filter((e) => e.rules.length === 0).length >= 3, 'brief UNI evaluations while on screen', 10_000);
    const onScreen = uni().slice(seen).filter((e) => e.rules.length === 0);
    const brief = onScreen.at(-1)!;
    // Values, z-scores and health still come: the row's summary needs them.
    expect(brief.sample.values.spread_bps).toBeGreaterThan(0);
    expect(Object.keys(brief.zscores).length).toBeGreaterThan(0);
    expect(onScreen.at(-1)!.sample.time - onScreen.at(-2)!.sample.time).toBeLessThanOrEqual(2_000);
    // On no screen: every 5 s of sample time (its health did not change meanwhile).
    host.setDetail(['okx:SOMETHING-ELSE'], []);
    await waitFor(() => uni().at(-1)!.sample.time > onScreen.at(-1)!.sample.time + 1_500, 'the switch to off-screen', 10_000);
    seen = uni().length;
    await waitFor(() => uni().length >= seen + 2, 'two off-screen UNI evaluations', 20_000);
    const offScreen = uni().slice(seen);
    expect(offScreen.every((e) => e.rules.length === 0)).toBe(true);
    expect(offScreen[1]!.sample.time - offScreen[0]!.sample.time).toBeGreaterThanOrEqual(5_000);
    const before = evaluations.length;
    host.setDetail(['okx:UNI-USD-SWAP']);
    await waitFor(() => evaluations.slice(before).some((e) => e.sample.key === 'okx:UNI-USD-SWAP' && e.rules.length > 0), 'UNI in full again', 10_000);
  }, 60_000);
});
