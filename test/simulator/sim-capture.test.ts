import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readCaptureFrames } from '../../src/engine/capture/capture-reader';
import type { GroundTruth } from '../../src/engine/evaluation/ground-truth';
import type { ReplayReport } from '../../src/engine/replay/replay-report';
import { familyOf } from '../../src/engine/evaluation/ground-truth';
import { pipelineSettingsFrom } from '../../src/engine/pipeline/pipeline-settings';
import type { SyncEventKind } from '../../src/engine/pipeline/venue-books';
import { replayCapture } from '../../src/engine/replay/replay-capture';
import { simulateToCapture } from '../../src/engine/simulator';
import { scoreRun } from '../../src/engine/evaluation/detection-score';
import { cleanupSimDirs, CONFIG, simDir, simulateAndReplay } from './helpers';

afterAll(cleanupSimDirs);

const SHORT = { durationMs: 90_000, injectAtMs: 45_000 } as const;

describe('simulated captures', () => {
  it('are byte-identical for the same seed and differ for another', async () => {
    const dir = simDir();
    const run = (seed: number, name: string) =>
      simulateToCapture({ scenario: 'sequence_gap', seed, ...SHORT, alerts: CONFIG.alerts, staleTimeoutMs: 5_000, out: join(dir, name), labels: join(dir, `${name}.json`) });
    await run(7, 'a.jsonl');
    await run(7, 'b.jsonl');
    await run(8, 'c.jsonl');
    const a = readFileSync(join(dir, 'a.jsonl'));
    expect(a.equals(readFileSync(join(dir, 'b.jsonl')))).toBe(true);
    expect(a.equals(readFileSync(join(dir, 'c.jsonl')))).toBe(false);
    expect(readFileSync(join(dir, 'a.jsonl.json'), 'utf8')).toBe(readFileSync(join(dir, 'b.jsonl.json'), 'utf8'));
  });

  it('follow the capture format: REST metadata first, non-decreasing t, conn ids on every ws frame', async () => {
    const dir = simDir();
    const path = join(dir, 'calm.jsonl');
    await simulateToCapture({ scenario: 'calm', durationMs: 20_000, alerts: CONFIG.alerts, staleTimeoutMs: 5_000, out: path });
    const header = JSON.parse(readFileSync(path, 'utf8').split('\n')[0]!) as Record<string, unknown>;
    expect(header).toMatchObject({ capture: 1, source: 'simulator', scenario: 'calm', seed: 1 });
    const frames = await readCaptureFrames(path);
    for (const venue of ['binance-spot', 'binance-usdm', 'okx', 'binance-coinm', 'bybit']) {
      const first = frames.find((f) => f.venue === venue)!;
      expect(first.kind, venue).toBe('rest');
      expect(first.url).toMatch(/exchangeInfo|public\/instruments|market\/instruments-info/);
    }
    for (let i = 1; i < frames.length; i += 1) expect(frames[i]!.t).toBeGreaterThanOrEqual(frames[i - 1]!.t);
    expect(frames.filter((f) => f.kind === 'ws').every((f) => typeof f.conn === 'string')).toBe(true);
    expect(frames.some((f) => f.url.includes('/api/v3/depth?limit=5000&symbol=BTCUSDT'))).toBe(true);
    expect(frames.some((f) => f.url.includes('/fapi/v1/depth?limit=1000&symbol=ETHUSDT'))).toBe(true);
    expect(frames.some((f) => f.url.includes('/dapi/v1/depth?limit=1000&symbol=BTCUSD_PERP'))).toBe(true);
    // 14 books ticking every 100-250 ms plus tickers and marks: moderate volume.
    expect(frames.length / 20).toBeGreaterThan(70);
    expect(frames.length / 20).toBeLessThan(200);
  });

  it('calm replays with no alert, no gap, no rejected frame and valid, checksummed books on all venues', async () => {
    const { sim, replay } = await simulateAndReplay({ scenario: 'calm', seed: 2 });
    const { report } = replay;
    expect(sim.labels.injections).toEqual([]);
    expect(report.alerts).toEqual([]);
    expect(report.rejected).toEqual({});
    expect(report.instruments).toHaveLength(14);
    for (const i of report.instruments) {
      expect(i.bookValid, `${i.venue} ${i.symbol}`).toBe(true);
      expect(i.metadata).toBe('venue');
      expect(i.sequenceGaps + i.resyncs + i.checksumFailures).toBe(0);
      expect(i.spreadBps!).toBeLessThan(0.1);
      // Every book agrees with the venue's own top of book (bookTicker by update id, OKX and Bybit tickers by time);
      // Bybit spot tickers carry no best bid and offer, so that book has nothing to be checked against.
      if (i.venue === 'bybit' && i.symbol.endsWith('-SPOT')) expect(i.driftChecks).toBe(0);
      else expect(i.driftChecks, `${i.venue} ${i.symbol}`).toBeGreaterThan(500);
      expect([i.driftMismatches, i.bookDrifts]).toEqual([0, 0]);
    }
    const okx = report.instruments.filter((i) => i.venue === 'okx');
    expect(okx.every((i) => i.checksumChecks > 1000)).toBe(true);
    const btcPerp = report.instruments.find((i) => i.venue === 'binance-usdm' && i.id === 'BTC-USDT-PERP')!;
    expect(Math.min(btcPerp.depthBid10bps!, btcPerp.depthAsk10bps!)).toBeGreaterThan(1_500_000);
    expect(report.firstFrameAt! - sim.labels.captureStart).toBeLessThan(1_000);
  });

  it('the labels file written beside a capture is what the evaluator scores that capture against', async () => {
    const dir = simDir();
    const out = join(dir, 'spread.jsonl');
    const labelsPath = join(dir, 'spread.labels.json');
    const sim = await simulateToCapture({ scenario: 'spread_blowout', seed: 3, alerts: CONFIG.alerts, staleTimeoutMs: CONFIG.features.staleTimeoutSeconds * 1000, out, labels: labelsPath });
    // Read back from disk, as `surveil evaluate` and an analyst's tools would: JSON, nothing lost.
    const truth = JSON.parse(readFileSync(labelsPath, 'utf8')) as GroundTruth;
    expect(truth).toEqual(sim.labels);
    expect(truth).toMatchObject({ scenario: 'spread_blowout', seed: 3 });
    const [injection] = truth.injections;
    expect(truth.injections).toHaveLength(1);
    expect(injection!.start).toBeGreaterThanOrEqual(truth.captureStart);
    expect(injection!.end).toBeLessThanOrEqual(truth.captureEnd);

    const replay = await replayCapture(out, { speed: 'max', settings: pipelineSettingsFrom(CONFIG) });
    const observe = (labels: GroundTruth) =>
      scoreRun({ truth: labels, alerts: replay.pipeline.allAlerts(), trail: replay.pipeline.auditTrail(), venues: replay.report.venues, boundMs: () => 120_000 });
    const score = observe(truth);
    expect(score.detections.length).toBeGreaterThan(0);
    for (const d of score.detections) expect(d.detectedAt, `${d.instrumentId} ${d.family} ${d.severity}`).not.toBeNull();
    expect(score.falseAlarms).toEqual([]);
    // The scorer reads the labels, not the run: the same alerts against labels naming another instrument are misses and false alarms.
    const elsewhere: GroundTruth = { ...truth, injections: [{ ...injection!, instruments: ['NOT-AN-INSTRUMENT'] }] };
    const wrong = observe(elsewhere);
    expect(wrong.detections.every((d) => d.detectedAt === null)).toBe(true);
    expect(wrong.falseAlarms.length).toBeGreaterThan(0);
  }, 120_000);
});

/** Anomaly scenarios: the expected family fires on the labeled instruments after the labeled start, nothing else fires. */
describe.each(['spread_blowout', 'liquidity_drain', 'basis_dislocation', 'mark_index_divergence'] as const)('%s', (scenario) => {
  it('fires the labeled alert family and nothing else', async () => {
    const { sim, replay } = await simulateAndReplay({ scenario, seed: 3 });
    const [injection] = sim.labels.injections;
    expect(sim.labels.injections).toHaveLength(1);
    const primary = injection!.expect[0]!.family;
    expect(injection!.expect.filter((e) => e.family === primary).map((e) => e.severity)).toEqual(['warning', 'critical']);
    // A basis dislocation also parts the perpetual from its twin on the other venue: cross-venue, at the severity its size reaches.
    expect(injection!.expect.filter((e) => e.family !== primary)).toEqual(scenario === 'basis_dislocation' ? [{ family: 'cross_venue', severity: 'warning' }] : []);
    const alerts = replay.report.alerts;
    expect(alerts.some((a) => familyOf(a.metric) === primary)).toBe(true);
    for (const alert of alerts) {
      const family = familyOf(alert.metric);
      expect(injection!.expect.map((e) => e.family)).toContain(family);
      // Cross-venue shows on both venues of the pair; everything else on the struck venue only.
      if (family !== 'cross_venue') expect(alert.venue).toBe(injection!.venue);
      expect(injection!.instruments).toContain(alert.instrumentId);
      expect(alert.firedAt!).toBeGreaterThanOrEqual(injection!.start);
      expect(alert.firedAt!).toBeLessThanOrEqual(injection!.end);
      if (family === primary) expect(alert.severity).toBe('critical');
    }
    expect(replay.report.rejected).toEqual({});
  }, 90_000);
});

describe('volatile_but_normal', () => {
  it('keeps spreads wide all run long and fires nothing', async () => {
    const { sim, replay } = await simulateAndReplay({ scenario: 'volatile_but_normal', seed: 4 });
    expect(sim.labels.injections.map((i) => i.venue).sort()).toEqual(['binance-coinm', 'binance-spot', 'binance-usdm', 'bybit', 'okx']);
    expect(sim.labels.injections.every((i) => i.expect.length === 0 && i.start === sim.labels.captureStart)).toBe(true);
    expect(replay.report.alerts).toEqual([]);
    expect(replay.report.instruments.every((i) => i.spreadBps! > 1)).toBe(true);
  });
});

describe('feed scenarios', () => {
  const venueOf = (report: ReplayReport, venue: string) => report.venues.find((v) => v.venue === venue)!;

  it('sequence_gap shows a gap and a resync on the labeled book', async () => {
    const { sim, replay } = await simulateAndReplay({ scenario: 'sequence_gap', ...SHORT });
    const [injection] = sim.labels.injections;
    expect(injection).toMatchObject({ venue: 'binance-spot', instruments: ['BTC-USDT-SPOT'], expect: [], expectFeed: ['gap', 'resync'] });
    const book = replay.report.instruments.find((i) => i.venue === 'binance-spot' && i.id === 'BTC-USDT-SPOT')!;
    expect([book.sequenceGaps, book.resyncs, book.bookValid]).toEqual([1, 1, true]);
    expect(replay.report.alerts).toEqual([]);
  });

  it('checksum_corruption (legacy OKX) fails one checksum, then resyncs from REST', async () => {
    const { replay } = await simulateAndReplay({ scenario: 'checksum_corruption', ...SHORT });
    const book = replay.report.instruments.find((i) => i.venue === 'okx' && i.id === 'BTC-USDT-PERP')!;
    expect([book.checksumFailures, book.resyncs, book.bookValid]).toEqual([1, 1, true]);
    expect(replay.report.alerts).toEqual([]);
  });

  it('silent_book_corruption (OKX 2026): no gap, no checksum; the book-top cross-check flags the drift, forces a resync, and the rebuilt book agrees again', async () => {
    const path = join(simDir(), 'silent.jsonl');
    // No protocol asked for: the scenario only exists under OKX 2026, which is then the default.
    const sim = await simulateToCapture({ scenario: 'silent_book_corruption', ...SHORT, alerts: CONFIG.alerts, staleTimeoutMs: 5_000, out: path });
    expect(JSON.parse(readFileSync(path, 'utf8').split('\n')[0]!)).toMatchObject({ okxProtocol: '2026' });
    const [injection] = sim.labels.injections;
    expect(injection).toMatchObject({ venue: 'okx', instruments: ['BTC-USDT-PERP'], expect: [], expectFeed: ['book_drift', 'resync'] });
    const events: { key: string; kind: SyncEventKind; time: number }[] = [];
    const replay = await replayCapture(path, {
      speed: 'max',
      settings: pipelineSettingsFrom(CONFIG),
      listener: { onSyncEvent: (key, kind, time) => events.push({ key, kind, time }) },
    });
    const key = 'okx:BTC-USDT-SWAP';
    const book = replay.report.instruments.find((i) => i.venue === 'okx' && i.id === 'BTC-USDT-PERP')!;
    // The sequence held and no checksum was sent: only the cross-check could see it.
    expect([book.sequenceGaps, book.checksumChecks, book.checksumFailures]).toEqual([0, 0, 0]);
    expect([book.bookDrifts, book.resyncs, book.bookValid]).toEqual([1, 1, true]);
    expect(book.driftMismatches).toBeGreaterThanOrEqual(3);
    expect(venueOf(replay.report, 'okx')).toMatchObject({ bookDrifts: 1, resyncs: 1, sequenceGaps: 0, checksumFailures: 0 });
    // Drift inside the injection, then the resync from the REST snapshot taken after it.
    const mine = events.filter((e) => e.key === key && e.kind !== 'stale' && e.kind !== 'fresh');
    expect(mine.map((e) => e.kind)).toEqual(['book_drift', 'resync']);
    expect(mine[0]!.time).toBeGreaterThanOrEqual(injection!.start);
    expect(mine[0]!.time).toBeLessThanOrEqual(injection!.end);
    // The rebuilt book agrees with the tickers again: the checks after the resync all match.
    const resyncAt = mine[1]!.time;
    const after = await replayCapture(path, { speed: 'max', settings: pipelineSettingsFrom(CONFIG), until: { time: resyncAt } });
    const checksAtResync = after.report.instruments.find((i) => i.symbol === 'BTC-USDT-SWAP')!.driftChecks;
    expect(book.driftChecks - checksAtResync).toBeGreaterThan(50);
    // Every other book, on every venue, agreed with its venue all along.
    for (const other of replay.report.instruments.filter((i) => i !== book)) {
      expect([other.driftMismatches, other.bookDrifts], `${other.venue} ${other.symbol}`).toEqual([0, 0]);
      // Bybit spot tickers carry no best bid and offer: nothing to check that book against.
      if (other.venue === 'bybit' && other.symbol.endsWith('-SPOT')) expect(other.driftChecks).toBe(0);
      else expect(other.driftChecks, `${other.venue} ${other.symbol}`).toBeGreaterThan(100);
    }
    // No market alert; the operator is told by the book_drift feed alert on the venue, with its detail.
    expect(replay.report.alerts).toEqual([]);
    expect(replay.report.feedAlerts.map((a) => [a.key, a.rule, a.severity])).toEqual([['okx', 'book_drift', 'warning']]);
    expect(replay.report.feedAlerts[0]!.detail).toMatch(/book-top drift/);
    // Under the legacy protocol a checksum would catch it: that is checksum_corruption, not this.
    await expect(simulateToCapture({ scenario: 'silent_book_corruption', okxProtocol: 'legacy', ...SHORT, alerts: CONFIG.alerts, staleTimeoutMs: 5_000, out: join(simDir(), 'x.jsonl') })).rejects.toThrow(/2026/);
  });

  it('stale_feed silences a venue past the stale timeout, and its books carry on in sequence', async () => {
    const { replay } = await simulateAndReplay({ scenario: 'stale_feed', ...SHORT });
    expect(venueOf(replay.report, 'okx').staleEpisodes).toBe(1);
    expect(replay.report.instruments.filter((i) => i.venue === 'okx').every((i) => i.bookValid && i.sequenceGaps === 0)).toBe(true);
    // No market alert; the silence itself is a feed-integrity alert on the venue.
    expect(replay.report.alerts).toEqual([]);
    expect(replay.report.feedAlerts.map((a) => [a.key, a.metric])).toEqual([['okx', 'feed_stale_seconds']]);
  });

  it('disconnect: silence, then a fresh REST snapshot per book (OKX 2026 too)', async () => {
    const usdm = await simulateAndReplay({ scenario: 'disconnect', ...SHORT });
    expect(usdm.sim.labels.injections[0]!.expectFeed).toEqual(['stale', 'gap', 'resync']);
    expect(venueOf(usdm.replay.report, 'binance-usdm')).toMatchObject({ staleEpisodes: 1, sequenceGaps: 2, resyncs: 2 });
    const okx = await simulateAndReplay({ scenario: 'disconnect', venue: 'okx', okxProtocol: '2026', ...SHORT });
    expect(venueOf(okx.replay.report, 'okx')).toMatchObject({ staleEpisodes: 1, sequenceGaps: 4, resyncs: 4 });
    expect(okx.replay.report.instruments.every((i) => i.bookValid)).toBe(true);
    expect([...usdm.replay.report.alerts, ...okx.replay.report.alerts]).toEqual([]);
  });
});
