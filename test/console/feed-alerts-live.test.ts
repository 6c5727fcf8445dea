import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/engine/config';
import { runConsole, type RunningConsole } from '../../src/engine/console/run-console';
import { startSimServer, type SimServer } from '../../src/engine/simulator';
import type { Config, FeedRuleConfig } from '../../src/shared/config';
import type { AlertHistoryRow, ConsoleEvent, EngineView } from '../../src/shared/contract';
import { engineThreadRows } from '../../src/renderer/src/model/engine-threads';
import type { Alert, AlertEvent } from '../../src/shared/core/model';
import { SHIPPED_CONFIG } from '../config/helpers';
import { waitFor } from '../support/loopback-exchange';
import { ApiClient, cleanupDirs, fakeRenderer, tempDir } from './helpers';

/**
 * The console (engine workers, history, notifications, terminal lines) on the
 * exchange simulator over loopback WebSockets, with live faults a few seconds
 * in: binance-spot refuses connections for 8 s, OKX goes silent for 14 s,
 * and the OKX feed worker is crashed once. Feed rules are the shipped ones
 * with shorter bars and windows so each alert also resolves within the test.
 */
const SHIPPED = loadConfig(SHIPPED_CONFIG);

function fastFeedRules(): Config {
  const d = SHIPPED.alerts.feed.default;
  const quick = (rule: FeedRuleConfig, patch: Partial<FeedRuleConfig>): FeedRuleConfig => ({ ...rule, clearSeconds: 3, ...patch });
  return {
    ...SHIPPED,
    alerts: {
      ...SHIPPED.alerts,
      feed: {
        default: {
          ...d,
          feed_down: quick(d.feed_down, { threshold: 3 }),
          feed_stale: quick(d.feed_stale, { threshold: 6 }),
          worker_restart: quick(d.worker_restart, { windowSeconds: 5 }),
          analytics_lag: quick(d.analytics_lag, { threshold: 1.5 }),
          history_write_failures: quick(d.history_write_failures, { windowSeconds: 3 }),
        },
        venues: {},
      },
    },
  };
}

let sim: SimServer;
let running: RunningConsole;
let client: ApiClient;
let dbPath: string;
const lines: string[] = [];

beforeAll(async () => {
  const base = fastFeedRules();
  sim = await startSimServer({
    seed: 3,
    alerts: base.alerts,
    staleTimeoutMs: base.features.staleTimeoutSeconds * 1000,
    schedule: [
      { scenario: 'disconnect', venue: 'binance-spot', injectAtMs: 4_000, injectForMs: 12_000 },
      { scenario: 'stale_feed', venue: 'okx', injectAtMs: 4_000, injectForMs: 14_000 },
    ],
  });
  const exchanges = sim.exchangesConfig(base.exchanges);
  // Fast retries, so binance-spot is back within a second or two of the simulator letting it in.
  const fast = { reconnectDelaySeconds: 0.2 };
  const config: Config = {
    ...base,
    exchanges: {
      ...exchanges,
      binance: { ...exchanges.binance, connection: { ...exchanges.binance.connection, ...fast } },
      okx: { ...exchanges.okx, connection: { ...exchanges.okx.connection, ...fast } },
    },
  };
  running = await runConsole({
    config,
    port: 0,
    db: (dbPath = `${tempDir('surveil-feed-live-')}/history.sqlite`),
    rendererDir: fakeRenderer().root,
    feedLog: (line) => lines.push(line),
  });
  client = await ApiClient.connect(`ws://127.0.0.1:${running.web.port}/api`);
}, 30_000);

afterAll(async () => {
  client?.close();
  await running?.stop();
  await sim?.close();
  cleanupDirs();
});

const alertEvents = (): { events: readonly AlertEvent[]; alerts: readonly Alert[] }[] =>
  client.events.filter((e): e is Extract<ConsoleEvent, { type: 'alerts' }> => e.type === 'alerts');
const transitions = (metric: string, key: string): string[] =>
  alertEvents().flatMap((e) => e.events.filter((ev) => ev.metric === metric && ev.alertId.startsWith(`${key}/`)).map((ev) => ev.kind));
const engineViews = (): EngineView[] => client.events.flatMap((e) => (e.type === 'engine' ? [e.engine] : []));
/** The engine table's row of `thread` as the screen would show it when the view was sent. */
const threadRow = (view: EngineView, thread: string) => engineThreadRows(view, view.time).find((r) => r.thread === thread);
const notified = (metric: string): Extract<ConsoleEvent, { type: 'notify' }>[] =>
  client.events.filter((e): e is Extract<ConsoleEvent, { type: 'notify' }> => e.type === 'notify' && e.alert.metric === metric);

describe('feed-integrity alerts in the live console (simulator over loopback)', () => {
  it('binance-spot refusing connections: a critical feed_down alert with the error and next retry, notified, resolved on reconnect, in history', async () => {
    await waitFor(() => transitions('feed_down_seconds', 'binance-spot').includes('firing'), 'feed_down firing on binance-spot', 30_000);
    const open = (await client.call('snapshot')).alerts.find((a) => a.metric === 'feed_down_seconds' && a.key === 'binance-spot');
    expect(open).toMatchObject({ severity: 'critical', rule: 'feed_down', state: 'firing', instrumentId: 'binance-spot' });
    // `unreachable` when it had not connected yet at the fault, `down` when it had: both say why and when next.
    expect(open!.detail).toMatch(/^(down|unreachable): Unexpected server response: 503, retry #\d+ (in \d+ s|connecting)/);
    // Critical transitions notify under the shipped policy.
    await waitFor(() => notified('feed_down_seconds').length > 0, 'a feed_down notification');
    expect(notified('feed_down_seconds')[0]!.alert.key).toBe('binance-spot');
    expect(lines.join('\n')).toMatch(/\d\d:\d\d:\d\d binance-spot CRIT feed_down: (down|unreachable): Unexpected server response: 503, retry #/);
    // Acknowledged like any alert: who and what, in the audit trail, with the condition at that moment.
    const ack = await client.call('acknowledge', { alertId: open!.id, by: 'desk-1', note: 'binance spot refusing us; status page checked' });
    expect(ack).toMatchObject({ kind: 'acknowledged', by: 'desk-1', metric: 'feed_down_seconds' });
    expect(ack!.detail).toMatch(/^(down|unreachable): /);

    await waitFor(() => transitions('feed_down_seconds', 'binance-spot').includes('resolved'), 'feed_down resolved', 40_000);
    expect(lines.join('\n')).toMatch(/binance-spot connected/);
    expect(lines.join('\n')).toMatch(/binance-spot resolved feed_down \(was: (down|unreachable): /);
    // The analytics worker commits history once a second: wait for the resolved row, not for time.
    let stored: AlertHistoryRow | undefined;
    for (let i = 0; i < 200 && stored?.state !== 'resolved'; i++) {
      stored = (await client.call('alertHistory', { venue: 'binance-spot' })).find((a) => a.metric === 'feed_down_seconds');
      if (stored?.state !== 'resolved') await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(stored).toMatchObject({ state: 'resolved', severity: 'critical' });
    expect(stored!.detail).toMatch(/^(down|unreachable): /);
    const trail = await client.call('alertTrail', stored!.id);
    expect(trail.map((e) => e.kind)).toEqual(['firing', 'acknowledged', 'resolved']);
    expect(trail[1]!.by).toBe('desk-1');
    expect(trail[2]!.detail).toBe('connected');
    expect(stored!.ackBy).toBe('desk-1');
  }, 90_000);

  it('OKX silent on an open socket: a feed_stale warning with its age, not notified (warnings are off), resolved when frames return', async () => {
    await waitFor(() => transitions('feed_stale_seconds', 'okx').includes('resolved'), 'feed_stale resolved on okx', 60_000);
    expect(transitions('feed_stale_seconds', 'okx')).toEqual(['firing', 'resolved']);
    const firing = alertEvents().flatMap((e) => e.events).find((ev) => ev.metric === 'feed_stale_seconds' && ev.kind === 'firing')!;
    expect(firing.detail).toMatch(/^stale: no frame for \d+ s$/);
    expect(notified('feed_stale_seconds')).toEqual([]);
    expect(lines.join('\n')).toMatch(/okx WARN feed_stale: stale: no frame for \d+ s/);
  }, 90_000);

  it('a crashed feed worker: a worker_restart alert saying why, resolved once the restart leaves its window', async () => {
    running.service.engine.crash('okx');
    await waitFor(() => transitions('worker_restarts_in_window', 'okx').includes('firing'), 'worker_restart firing', 20_000);
    const alert = alertEvents().flatMap((e) => e.alerts).find((a) => a.metric === 'worker_restarts_in_window')!;
    expect(alert.detail).toMatch(/^feed worker restarted 1 time in 5 s \(last: (error|exit code).*\)$/);
    // Its thread's row in the engine table counts it, with the reason; the other threads' rows do not.
    await waitFor(() => engineViews().some((v) => v.threads.some((t) => t.thread === 'feed:okx' && t.restarts === 1)), 'the restart on feed:okx in the engine table', 5_000);
    const view = engineViews().find((v) => v.threads.some((t) => t.thread === 'feed:okx' && t.restarts === 1))!;
    expect(view.threads.find((t) => t.thread === 'feed:okx')!.lastRestart!.reason).toMatch(/^(error|exit code)/);
    expect(view.threads.filter((t) => t.restarts > 0).map((t) => t.thread)).toEqual(['feed:okx']);
    expect(view.threads.map((t) => t.thread)).toEqual(['main', 'analytics', 'history', 'feed:binance-coinm', 'feed:binance-spot', 'feed:binance-usdm', 'feed:bybit', 'feed:okx']);
    await waitFor(() => transitions('worker_restarts_in_window', 'okx').includes('resolved'), 'worker_restart resolved', 30_000);
  }, 60_000);

  it('the analytics worker held up: a critical analytics_lag alert on the engine, notified, resolved once it catches up', async () => {
    const historyBefore = transitions('history_write_failures_in_window', 'engine').length;
    const stalledAt = Date.now();
    running.service.engine.stallAnalytics(5_000);
    // The engine table keeps coming from main meanwhile, and says which thread is stuck: analytics; the history it relays unknown; main and the feeds running.
    const shownStalled = (v: EngineView) => v.time > stalledAt && threadRow(v, 'analytics')?.state === 'silent';
    await waitFor(() => engineViews().some(shownStalled), 'analytics shown silent in the engine table', 6_000);
    const during = engineThreadRows(engineViews().find(shownStalled)!, engineViews().find(shownStalled)!.time);
    expect(during.find((r) => r.thread === 'analytics')!.stateText).toMatch(/^no report for \d s$/);
    expect(during.find((r) => r.thread === 'history')!.state).toBe('unknown');
    for (const r of during.filter((r) => r.thread === 'main' || r.thread.startsWith('feed:'))) expect(r.state, r.thread).toBe('running');
    // Once it answers again, its first report says how long its event loop was held.
    await waitFor(() => engineViews().some((v) => (v.threads.find((t) => t.thread === 'analytics')?.loopDelayMs ?? 0) >= 4_000), 'the stall in the analytics loop delay', 10_000);
    await waitFor(() => transitions('analytics_lag_seconds', 'engine').includes('firing'), 'analytics_lag firing', 20_000);
    const firing = alertEvents().flatMap((e) => e.events).find((ev) => ev.metric === 'analytics_lag_seconds' && ev.kind === 'firing')!;
    expect(firing.detail).toMatch(/^analytics [2-6]\.\d s behind$/);
    await waitFor(() => notified('analytics_lag_seconds').length > 0, 'an analytics_lag notification');
    await waitFor(() => transitions('analytics_lag_seconds', 'engine').includes('resolved'), 'analytics_lag resolved', 20_000);
    expect(lines.join('\n')).toMatch(/engine CRIT analytics_lag: analytics \d\.\d s behind/);
    // The history thread's reports waited unread while analytics was held: that is no stuck history.
    expect(transitions('history_write_failures_in_window', 'engine').slice(historyBefore)).toEqual([]);
  }, 60_000);

  it('history writes failing (a table gone from under the writer): a critical alert saying why, resolved once writes work again', async () => {
    const db = new Database(dbPath);
    const ddl = db.prepare("SELECT sql FROM sqlite_master WHERE tbl_name = 'samples' AND sql IS NOT NULL").pluck().all() as string[];
    let restored = false;
    try {
      db.exec('DROP TABLE samples');
      await waitFor(() => transitions('history_write_failures_in_window', 'engine').includes('firing'), 'history_write_failures firing', 20_000);
      // The detail says why once a write has failed; on a loaded machine the writer may first be counted as slow to answer.
      const saysWhy = () => alertEvents().flatMap((e) => e.alerts).find((a) => a.metric === 'history_write_failures_in_window' && /no such table/.test(a.detail ?? ''));
      await waitFor(() => saysWhy() !== undefined, 'the history alert naming the missing table', 10_000);
      const alert = saysWhy()!;
      expect(alert.severity).toBe('critical');
      expect(alert.detail).toMatch(/^\d+ history writes? failed in 3 s: no such table: (main\.)?samples$/);
      await waitFor(() => notified('history_write_failures_in_window').length > 0, 'a history_write_failures notification');
      for (const sql of ddl) db.exec(sql);
      restored = true;
      await waitFor(() => transitions('history_write_failures_in_window', 'engine').includes('resolved'), 'history_write_failures resolved', 20_000);
    } finally {
      // Whatever failed above, the tests after this one need the table back.
      if (!restored) for (const sql of ddl) db.exec(sql);
      db.close();
    }
  }, 60_000);

  it('a stuck disk (the history thread held 8 s) holds no boundary back: no analytics lag, rows keep reaching the screen, and every second is stored once it frees', async () => {
    const key = 'binance-usdm:BTCUSDT';
    const lagBefore = transitions('analytics_lag_seconds', 'engine').length;
    const failuresBefore = transitions('history_write_failures_in_window', 'engine').length;
    const shownTimes = () => client.events.flatMap((e) => (e.type === 'overview' ? e.rows.filter((r) => r.key === key).map((r) => r.time) : []));
    const stalledAt = Date.now();
    running.service.engine.testHistory({ type: 'stall', ms: 8_000 });
    // Boundaries evaluated while the history cannot write: the screen sees them as they come.
    await waitFor(() => shownTimes().filter((t) => t > stalledAt).length >= 2, 'rows of boundaries evaluated during the stall', 4_500);
    expect(Date.now() - stalledAt).toBeLessThan(5_000);
    expect(transitions('analytics_lag_seconds', 'engine').slice(lagBefore)).toEqual([]);
    // A thread that answers nothing with rows waiting is what an operator must hear of: the history alert, within seconds.
    await waitFor(() => transitions('history_write_failures_in_window', 'engine').slice(failuresBefore).includes('firing'), 'history_write_failures firing on the stuck thread', 10_000);
    const stuck = alertEvents().flatMap((e) => e.events).filter((ev) => ev.metric === 'history_write_failures_in_window' && ev.kind === 'firing').at(-1)!;
    expect(stuck.detail).toMatch(/history writes? failed in 3 s: the history thread has not answered for \d s with \d+ rows waiting for it \(a stuck disk\?\)$/);
    // The engine table says which thread: history silent, rows behind it, analytics running and on time.
    const shownStuck = (v: EngineView) => v.time > stalledAt && threadRow(v, 'history')?.state === 'silent' && /has not answered/.test(v.history?.lastError ?? '');
    await waitFor(() => engineViews().some(shownStuck), 'the history thread shown silent, with why', 8_000);
    const during = engineViews().find(shownStuck)!;
    expect(threadRow(during, 'history')!.stateText).toMatch(/^no report for \d+ s$/);
    expect(threadRow(during, 'analytics')!.state).toBe('running');
    expect(during.history!.behindRows).toBeGreaterThan(0);
    // Its report after the stall says how long its loop was held; analytics' own stayed short.
    await waitFor(() => engineViews().some((v) => v.time > stalledAt && (v.threads.find((t) => t.thread === 'history')?.loopDelayMs ?? 0) >= 4_000), 'the stall in the history loop delay', 10_000);
    // Analytics itself is not held up (the alert beside it stays quiet): its latest boundary on time.
    expect(during.analytics!.lastBoundary!.lagMs).toBeLessThan(3_000);
    const times = (): number[] => {
      const db = new Database(dbPath, { readonly: true });
      try {
        return db
          .prepare('SELECT s.time FROM samples s JOIN instruments i ON i.id = s.instrument_id WHERE i.key = ? AND s.time > ? ORDER BY s.time')
          .pluck()
          .all(key, stalledAt - 2_000) as number[];
      } finally {
        db.close();
      }
    };
    // Once it frees, what queued in its port meanwhile is committed: no second is missing.
    await waitFor(() => (times().at(-1) ?? 0) > stalledAt + 7_000, 'rows stored past the stall', 15_000);
    const stored = times();
    for (let i = 1; i < stored.length; i++) expect(stored[i]! - stored[i - 1]!, `after ${stored[i - 1]}`).toBe(1_000);
    // Answering again, the thread is no failure: the alert resolves.
    await waitFor(() => transitions('history_write_failures_in_window', 'engine').slice(failuresBefore).includes('resolved'), 'history_write_failures resolved after the stall', 20_000);
  }, 60_000);

  it('a crashed history thread: an engine worker_restart alert and the history alert saying so, and rows stored again after its restart', async () => {
    const restartsBefore = transitions('worker_restarts_in_window', 'engine').length;
    const failuresBefore = transitions('history_write_failures_in_window', 'engine').length;
    const crashedAt = Date.now();
    const historyRestarts = (await client.call('snapshot')).engine!.threads.find((t) => t.thread === 'history')!.restarts;
    running.service.engine.testHistory({ type: 'crash' });
    await waitFor(() => transitions('worker_restarts_in_window', 'engine').slice(restartsBefore).includes('firing'), 'worker_restart firing on the engine', 20_000);
    const restart = alertEvents().flatMap((e) => e.alerts).filter((a) => a.metric === 'worker_restarts_in_window' && a.key === 'engine').at(-1)!;
    expect(restart.detail).toMatch(/^engine worker restarted 1 time in 5 s \(last: history thread: error: history thread crash requested\)$/);
    await waitFor(() => transitions('history_write_failures_in_window', 'engine').slice(failuresBefore).includes('firing'), 'history_write_failures firing', 20_000);
    const failures = alertEvents().flatMap((e) => e.alerts).filter((a) => a.metric === 'history_write_failures_in_window').at(-1)!;
    expect(failures.detail).toMatch(/history thread stopped \(error: history thread crash requested\): restarted; rows it had not committed are lost$/);
    const db = new Database(dbPath, { readonly: true });
    try {
      const latest = () => db.prepare('SELECT max(time) FROM samples').pluck().get() as number;
      await waitFor(() => latest() > crashedAt + 3_000, 'samples stored by the restarted history thread', 15_000);
      const logged = db.prepare("SELECT venue, detail FROM feed_events WHERE kind = 'worker_restart' AND time >= ?").all(crashedAt - 1_000);
      expect(logged).toContainEqual({ venue: 'history', detail: 'error: history thread crash requested' });
    } finally {
      db.close();
    }
    // The engine table counts the restart on the history thread's row, with its reason, and shows it running and reporting again.
    const reportingAgain = (v: EngineView) => v.threads.some((t) => t.thread === 'history' && t.restarts === historyRestarts + 1) && threadRow(v, 'history')?.state === 'running';
    await waitFor(() => engineViews().some(reportingAgain), 'the restarted history thread reporting in the engine table', 10_000);
    const engine = engineViews().find(reportingAgain)!;
    const history = engine.threads.find((t) => t.thread === 'history')!;
    expect(history).toMatchObject({ state: 'running', lastRestart: { reason: 'error: history thread crash requested' } });
    expect(history.lastRestart!.time).toBeGreaterThanOrEqual(crashedAt);
    expect(engine.threads.find((t) => t.thread === 'analytics')!.restarts).toBe(0);
  }, 60_000);
});
