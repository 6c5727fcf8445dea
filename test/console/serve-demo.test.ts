import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/engine/config';
import { runConsole, type RunningConsole } from '../../src/engine/console/run-console';
import { simulateToCapture } from '../../src/engine/simulator';
import { readCaptureFrames } from '../../src/engine/capture/capture-reader';
import { RECORDING_GZIP_MEMBER_BYTES } from '../../src/engine/capture/capture-writer';
import { pipelineSettingsFrom } from '../../src/engine/pipeline/pipeline-settings';
import { replayCapture } from '../../src/engine/replay/replay-capture';
import type { Config } from '../../src/shared/config';
import type { ConsoleEvent, ReplayState } from '../../src/shared/contract';
import { SHIPPED_CONFIG } from '../config/helpers';
import { waitFor } from '../support/loopback-exchange';
import { ApiClient, cleanupDirs, fakeRenderer, tempDir } from './helpers';

const SHIPPED = loadConfig(SHIPPED_CONFIG);

/** The shipped config with BTC-USDT-PERP's critical depth bar set unreachably high: a critical alert within seconds. */
function configWithEasyAlert(): Config {
  const btc = SHIPPED.alerts.thresholds['BTC-USDT-PERP']!;
  const thresholds = { ...SHIPPED.alerts.thresholds, 'BTC-USDT-PERP': { ...btc, depth_critical: { ...btc.depth_critical!, threshold: 1e15 } } };
  return { ...SHIPPED, alerts: { ...SHIPPED.alerts, thresholds } };
}

let running: RunningConsole;
let client: ApiClient;
let captures: string;

beforeAll(async () => {
  captures = tempDir('surveil-captures-');
  running = await runConsole({
    config: configWithEasyAlert(),
    demo: 'calm',
    port: 0,
    rendererDir: fakeRenderer().root,
    captureDirs: [captures],
  });
  client = await ApiClient.connect(`ws://127.0.0.1:${running.web.port}/api`);
});

afterAll(async () => {
  client?.close();
  await running?.stop();
  cleanupDirs();
});

const ofType = <T extends ConsoleEvent['type']>(type: T) =>
  client.events.filter((e): e is Extract<ConsoleEvent, { type: T }> => e.type === type);

describe('surveil serve --demo (simulator, engine workers, WebSocket API)', () => {
  it('says it is a simulated demo', async () => {
    const snapshot = await client.call('snapshot');
    expect(snapshot.mode).toEqual({ kind: 'demo', scenario: 'calm' });
    expect(snapshot.simulated).toBe(true);
    expect(running.web.url).toBe(`http://127.0.0.1:${running.web.port}/`);
    expect(running.web.token).toBeNull();
  });

  it('fills the overview with all 14 instruments warming up, samples counting up, feeds connected', async () => {
    await waitFor(() => client.rows.size === 14, '14 overview rows', 15_000);
    const key = 'binance-spot:BTCUSDT';
    const first = client.rows.get(key)!;
    expect(first.status).toBe('warming_up');
    expect(first.type).toBe('spot');
    const samples = first.zscores.spread_bps!.samples;
    expect(first.zscores.spread_bps).toMatchObject({ z: null, needed: 30 });
    await waitFor(() => (client.rows.get(key)!.zscores.spread_bps?.samples ?? 0) > samples, 'the spread z-score warmup to count up', 5_000);
    for (const row of client.rows.values()) {
      // BTC-USDT-PERP's depth rule is set to fire at once; every other row is still warming up.
      expect(row.status, row.key).toBe(row.instrumentId === 'BTC-USDT-PERP' ? 'critical' : 'warming_up');
    }
    await waitFor(() => ofType('feeds').at(-1)?.feeds.length === 5, 'five feed views', 5_000);
    const snapshot = await client.call('snapshot');
    expect(snapshot.feeds.map((f) => f.venue).sort()).toEqual(['binance-coinm', 'binance-spot', 'binance-usdm', 'bybit', 'okx']);
    for (const feed of snapshot.feeds) {
      expect(feed.connections.length, feed.venue).toBeGreaterThan(0);
      expect(feed.connections.every((c) => c.state === 'connected'), feed.venue).toBe(true);
      expect(feed.frames).toBeGreaterThan(0);
      expect(feed.warmup!.needed).toBe(30);
    }
    expect(Object.keys(snapshot.rules)).toContain('okx:BTC-USDT-SWAP');
  });

  it('answers a bad request with one error response and stays usable', async () => {
    expect(await client.send('not json', true)).toMatchObject({ ok: false, id: -1, error: 'not JSON' });
    expect(await client.send({ kind: 'request', id: 900, method: 'dropDatabase', args: [] })).toMatchObject({ id: 900, ok: false, error: expect.stringContaining('unknown method') });
    expect(await client.send({ kind: 'request', id: 901, method: 'series', args: [{ key: 'nope' }] })).toMatchObject({ id: 901, ok: false });
    expect(await client.send({ kind: 'request', id: 902, method: 'alertTrail', args: [] })).toMatchObject({ id: 902, ok: false });
    expect((await client.call('snapshot')).apiVersion).toBe(1);
  });

  it('notifies a critical alert once, acknowledges it through the API and shows it in the alert history', async () => {
    await waitFor(() => ofType('alerts').some((e) => e.alerts.some((a) => a.state === 'firing')), 'a firing alert', 10_000);
    const alert = ofType('alerts').flatMap((e) => e.alerts).find((a) => a.state === 'firing')!;
    expect(alert).toMatchObject({ metric: 'depth_10bps', severity: 'critical' });
    await waitFor(() => ofType('notify').some((n) => n.alert.id === alert.id), 'its desktop notification', 5_000);
    expect(ofType('notify').filter((n) => n.alert.id === alert.id)).toHaveLength(1);
    const event = await client.call('acknowledge', { alertId: alert.id, by: 'desk-1', note: 'known thin book' });
    expect(event).toMatchObject({ kind: 'acknowledged', by: 'desk-1', note: 'known thin book', alertId: alert.id });
    await waitFor(() => ofType('alerts').some((e) => e.alerts.some((a) => a.id === alert.id && a.acknowledged?.by === 'desk-1')), 'the acknowledged alert pushed', 5_000);
    const history = await client.call('alertHistory', { key: alert.key });
    expect(history.find((h) => h.id === alert.id)).toMatchObject({ ackBy: 'desk-1', ackNote: 'known thin book', state: 'firing' });
    expect((await client.call('alertTrail', alert.id)).map((e) => e.kind)).toEqual(expect.arrayContaining(['firing', 'acknowledged']));
    const series = await client.call('series', { key: alert.key, metrics: ['spread_bps', 'z_spread_bps'], from: Date.now() - 60_000, to: Date.now() + 1 });
    expect(series.points.length).toBeGreaterThan(0);
    expect(series.points.at(-1)!.values.spread_bps!.last).toBeGreaterThan(0);
    expect(await client.call('acknowledge', { alertId: 'no-such-alert', by: 'desk-1', note: '' })).toBeNull();
  });

  it('sends the watched book a few times a second', async () => {
    await client.call('watchBook', 'binance-usdm:BTCUSDT');
    await waitFor(() => ofType('book').filter((b) => b.ladder.key === 'binance-usdm:BTCUSDT').length >= 2, 'two ladders', 5_000);
    const ladder = ofType('book').at(-1)!.ladder;
    expect(ladder.bids.length).toBe(20);
    expect(ladder.asks.length).toBe(20);
    expect(Number(ladder.bids[0]![0])).toBeLessThan(Number(ladder.asks[0]![0]));
    expect(ladder.valid).toBe(true);
    await client.call('watchBook', null);
  });

  it('replays a simulated capture at max speed into its own history, then returns to the demo', async () => {
    const path = join(captures, 'spread.jsonl');
    await simulateToCapture({
      scenario: 'spread_blowout',
      injectAtMs: 40_000,
      injectForMs: 15_000,
      durationMs: 75_000,
      alerts: SHIPPED.alerts,
      staleTimeoutMs: 5_000,
      out: path,
    });
    expect((await client.call('listCaptures')).map((c) => c.path)).toContain(path);
    await expect(client.call('openCapture', { path: '/etc/passwd', speed: 'max' })).rejects.toThrow(/not a capture/);

    const state = await client.call('openCapture', { path, speed: 'max' });
    expect(state).toMatchObject({ capture: path, state: 'playing' });
    await waitFor(() => ofType('replay').some((e) => e.state.state === 'done'), 'the replay to finish', 20_000);
    expect(ofType('mode').at(-1)).toEqual({ type: 'mode', mode: { kind: 'replay', capture: path }, simulated: true });

    const snapshot = await client.call('snapshot');
    expect(snapshot.mode).toEqual({ kind: 'replay', capture: path });
    expect((snapshot.replay as ReplayState).progress).toBe(1);
    expect(snapshot.overview.length).toBe(14);
    const history = await client.call('alertHistory', { key: 'binance-usdm:BTCUSDT' });
    const spread = history.find((h) => h.metric === 'spread_bps');
    expect(spread).toMatchObject({ state: 'resolved', severity: expect.any(String) });
    expect(spread!.firedAt).not.toBeNull();
    const series = await client.call('series', { key: 'binance-usdm:BTCUSDT', metrics: ['spread_bps'], from: spread!.openedAt - 30_000, to: spread!.openedAt + 30_000, maxPoints: 60 });
    expect(series.points.length).toBeGreaterThan(40);
    expect(Math.max(...series.points.map((p) => p.values.spread_bps!.max ?? 0))).toBeGreaterThan(5);

    expect(await client.call('controlReplay', { action: 'stop' })).toBeNull();
    expect(ofType('mode').at(-1)).toEqual({ type: 'mode', mode: { kind: 'demo', scenario: 'calm' }, simulated: true });
    expect((await client.call('snapshot')).mode.kind).toBe('demo');
    expect(await client.call('controlReplay', { action: 'pause' })).toBeNull();
  });

  it('pauses, resumes and re-times a replay without blocking requests', async () => {
    const path = join(captures, 'spread.jsonl');
    await client.call('openCapture', { path, speed: 20 });
    await waitFor(() => (ofType('replay').at(-1)?.state.frames ?? 0) > 0 && ofType('replay').at(-1)!.state.capture === path, 'the replay to start', 5_000);
    const paused = await client.call('controlReplay', { action: 'pause' });
    expect(paused!.state).toBe('paused');
    await new Promise((resolve) => setTimeout(resolve, 300));
    const still = (await client.call('snapshot')).replay!;
    expect(still.state).toBe('paused');
    expect(still.frames).toBe(paused!.frames);
    await client.call('controlReplay', { action: 'speed', speed: 'max' });
    expect((await client.call('controlReplay', { action: 'play' }))!.state).toBe('playing');
    // At max speed the loop yields between slices: a request is answered while it runs.
    const started = Date.now();
    await client.call('snapshot');
    expect(Date.now() - started).toBeLessThan(500);
    await waitFor(() => (ofType('replay').at(-1)?.state.state ?? '') === 'done', 'the replay to finish', 20_000);
    await client.call('controlReplay', { action: 'stop' });
  });

  it('records a venue from the console into a capture that replays, and logs it in the history', async () => {
    const startedAt = Date.now();
    const { path } = await client.call('startRecording', { venue: 'okx' });
    expect(path.startsWith(captures)).toBe(true);
    expect(path).toMatch(/okx-\d{8}-\d{6}\.jsonl\.gz$/);
    // The restarted okx worker subscribes again and its books come back in the recording
    // (a row sampled after the restart: the one from before it says nothing of the new worker).
    const back = () => {
      const row = client.rows.get('okx:BTC-USDT-SWAP');
      return row !== undefined && row.time > startedAt + 1_000 && row.health.bookValid;
    };
    await waitFor(() => back() && running.service.engine.recordingPaths().has('okx'), 'okx back', 15_000);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const stopped = await client.call('stopRecording');
    expect(stopped).toMatchObject({ path });
    expect(stopped!.frames).toBeGreaterThan(20);
    expect(await client.call('stopRecording')).toBeNull();

    // The console's recorder writes gzip in 16 MB members, and its header says so (docs/seek.md).
    const text = gunzipSync(readFileSync(path));
    expect(JSON.parse(text.subarray(0, text.indexOf(10)).toString())).toMatchObject({ source: 'recorded', venue: 'okx', gzipMemberBytes: RECORDING_GZIP_MEMBER_BYTES });
    const frames = await readCaptureFrames(path);
    expect(frames[0]).toMatchObject({ kind: 'rest', venue: 'okx' });
    expect(frames.some((f) => f.url.includes('/api/v5/public/instruments'))).toBe(true);
    const { report } = await replayCapture(path, { speed: 'max', settings: pipelineSettingsFrom(SHIPPED) });
    expect(report.rejected).toEqual({});
    expect(report.instruments.find((i) => i.symbol === 'BTC-USDT-SWAP')).toMatchObject({ bookValid: true, sequenceGaps: 0, checksumFailures: 0 });
    const listed = await client.call('listCaptures');
    expect(listed.map((c) => c.path)).toContain(path);
    await expect(client.call('startRecording', { venue: 'kraken' })).rejects.toThrow(/no live feed for "kraken"/);
  }, 40_000);

  it('shows a crashed feed worker as a restart on its venue, and the books come back', async () => {
    running.service.engine.crash('binance-spot');
    await waitFor(
      () => ofType('feeds').some((e) => e.feeds.some((f) => f.venue === 'binance-spot' && f.workerRestarts === 1)),
      'the restart in the feed view',
      10_000,
    );
    const feed = ofType('feeds').at(-1)!.feeds.find((f) => f.venue === 'binance-spot')!;
    expect(feed.lastWorkerRestart).toMatchObject({ worker: 'feed:binance-spot' });
    expect(feed.lastWorkerRestart!.reason).toMatch(/crash requested/);
    expect(ofType('feeds').at(-1)!.feeds.find((f) => f.venue === 'okx')!.workerRestarts).toBe(0);
    const before = client.events.length;
    await waitFor(
      () => client.events.slice(before).some((e) => e.type === 'overview' && e.rows.some((r) => r.key === 'binance-spot:BTCUSDT' && r.health.bookValid)),
      'binance-spot books valid again',
      15_000,
    );
  }, 30_000);
});
