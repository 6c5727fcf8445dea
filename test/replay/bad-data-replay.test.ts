/**
 * Issue 9's acceptance runs: simulator captures replayed through the real
 * pipeline, once clean and once with a data fault in the middle of an
 * anomaly. Each faulted run must fire at the anomaly's full severity within
 * two sampling intervals of the clean run (and within persistence plus two
 * intervals of the injection's start).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { pipelineSettingsFrom } from '../../src/engine/pipeline/pipeline-settings';
import { replayCapture } from '../../src/engine/replay/replay-capture';
import { simulateToCapture, type SimulateOptions } from '../../src/engine/simulator';
import type { Alert, AlertEvent } from '../../src/shared/core/model';
import { CONFIG, cleanupSimDirs, simDir } from '../simulator/helpers';

afterAll(cleanupSimDirs);

const INTERVAL_MS = CONFIG.features.sampling.intervalMs;
const INJECT_AT = 330_000;

interface Run {
  readonly start: number;
  readonly alerts: readonly Alert[];
  readonly trail: readonly AlertEvent[];
  readonly path: string;
  /** Samples taken on an invalid (gapped, crossed, drifted) book, per instrument key. */
  readonly invalidBookSamples: ReadonlyMap<string, number>;
}

async function simulate(name: string, options: SimulateOptions, mutate?: (lines: string[]) => string[]): Promise<Run> {
  const path = join(simDir(), `${name}.jsonl`);
  const sim = await simulateToCapture({ alerts: CONFIG.alerts, staleTimeoutMs: CONFIG.features.staleTimeoutSeconds * 1000, ...options, out: path });
  if (mutate) writeFileSync(path, mutate(readFileSync(path, 'utf8').trimEnd().split('\n')).join('\n') + '\n');
  const invalidBookSamples = new Map<string, number>();
  const replay = await replayCapture(path, {
    speed: 'max',
    settings: pipelineSettingsFrom(CONFIG),
    listener: {
      onEvaluation(e) {
        if (!e.sample.health.bookValid) invalidBookSamples.set(e.sample.key, (invalidBookSamples.get(e.sample.key) ?? 0) + 1);
      },
    },
  });
  return { start: sim.plan.startTime, alerts: replay.pipeline.allAlerts(), trail: replay.pipeline.auditTrail(), path, invalidBookSamples };
}

/** First time an alert on this venue and metric reached critical (fired at it or escalated to it). */
function criticalAt(run: Run, venue: string, metric: string): number | null {
  const ids = new Set(run.alerts.filter((a) => a.venue === venue && a.metric === metric && a.instrumentId === 'BTC-USDT-PERP').map((a) => a.id));
  const e = run.trail.find((x) => ids.has(x.alertId) && x.severity === 'critical' && (x.kind === 'firing' || x.kind === 'escalated'));
  return e?.time ?? null;
}

function persistMs(metric: string): number {
  const rule = pipelineSettingsFrom(CONFIG)
    .rulesFor({ id: 'BTC-USDT-PERP', type: 'perpetual' } as never)
    .find((r) => r.metric === metric && r.severity === 'critical')!;
  return rule.persistSeconds * 1000;
}

describe('alerts survive data faults in replayed captures', () => {
  it('a one-frame gap in the middle of a persisting basis dislocation', async () => {
    const base: SimulateOptions = { scenario: 'basis_dislocation', seed: 2, okxProtocol: '2026', injectAtMs: INJECT_AT };
    const clean = await simulate('basis-clean', base);
    // The sequence_gap injection drops one diff of the perpetual's book 30 s into the dislocation.
    const gapped = await simulate('basis-gap', {
      ...base,
      also: [{ scenario: 'sequence_gap', venue: 'binance-usdm', instruments: ['BTC-USDT-PERP'], injectAtMs: INJECT_AT + 30_000, injectForMs: 1_000 }],
    });
    const t0 = clean.start + INJECT_AT;
    const cleanAt = criticalAt(clean, 'binance-usdm', 'basis_perp_spot_bps');
    const gapAt = criticalAt(gapped, 'binance-usdm', 'basis_perp_spot_bps');
    expect(cleanAt).not.toBeNull();
    expect(gapAt).not.toBeNull();
    expect(Math.abs(gapAt! - cleanAt!)).toBeLessThanOrEqual(2 * INTERVAL_MS);
    expect(gapAt! - t0).toBeLessThanOrEqual(persistMs('basis_perp_spot_bps') + 2 * INTERVAL_MS);
    // The gap was real: the book went invalid and resynced.
    const replay = await replayCapture(gapped.path, { speed: 'max', settings: pipelineSettingsFrom(CONFIG) });
    expect(replay.report.venues.find((v) => v.venue === 'binance-usdm')!.sequenceGaps).toBeGreaterThan(0);
  }, 120_000);

  it('a 2 s crossed book during a mark/index divergence', async () => {
    const base: SimulateOptions = { scenario: 'mark_index_divergence', seed: 2, okxProtocol: '2026', injectAtMs: INJECT_AT };
    const clean = await simulate('mark-clean', base);
    const t0 = clean.start + INJECT_AT;
    let crossedAt = 0;
    // 5 s into the divergence, a bid far above the ask crosses the perpetual's book; 2 s later it is withdrawn.
    const crossed = await simulate('mark-crossed', base, (lines) =>
      lines.map((line) => {
        if (!line.includes('\\"books\\"') || !line.includes('BTC-USDT-SWAP') || !line.includes('\\"update\\"')) return line;
        const frame = JSON.parse(line) as { t: number; data: string };
        const phase = frame.t >= t0 + 5_000 && crossedAt === 0 ? 'cross' : crossedAt > 0 && frame.t >= crossedAt + 2_000 ? 'uncross' : null;
        if (phase === null) return line;
        const data = JSON.parse(frame.data) as { data: { bids: string[][] }[] };
        data.data[0]!.bids.push(['999999', phase === 'cross' ? '1' : '0', '0', '1']);
        if (phase === 'cross') crossedAt = frame.t;
        else crossedAt = -1;
        return JSON.stringify({ ...frame, data: JSON.stringify(data) });
      }),
    );
    expect(crossedAt).toBe(-1);
    // The book really was unusable for a while (crossed, then resynced or not), and the clean one never was after warmup.
    expect(crossed.invalidBookSamples.get('okx:BTC-USDT-SWAP') ?? 0).toBeGreaterThanOrEqual(2);
    const cleanAt = criticalAt(clean, 'okx', 'basis_mark_index_bps');
    const crossedFired = criticalAt(crossed, 'okx', 'basis_mark_index_bps');
    expect(cleanAt).not.toBeNull();
    expect(crossedFired).not.toBeNull();
    expect(Math.abs(crossedFired! - cleanAt!)).toBeLessThanOrEqual(2 * INTERVAL_MS);
    expect(crossedFired! - t0).toBeLessThanOrEqual(persistMs('basis_mark_index_bps') + 2 * INTERVAL_MS);
  }, 120_000);

  it('a basis dislocation that starts 5 s into a re-warm after a gap', async () => {
    const clean = await simulate('rewarm-clean', { scenario: 'basis_dislocation', seed: 4, okxProtocol: '2026', injectAtMs: INJECT_AT });
    const rewarm = await simulate('rewarm-gap', {
      scenario: 'basis_dislocation',
      seed: 4,
      okxProtocol: '2026',
      injectAtMs: INJECT_AT,
      also: [{ scenario: 'sequence_gap', venue: 'binance-usdm', instruments: ['BTC-USDT-PERP'], injectAtMs: INJECT_AT - 5_000, injectForMs: 1_000 }],
    });
    const t0 = clean.start + INJECT_AT;
    const cleanAt = criticalAt(clean, 'binance-usdm', 'basis_perp_spot_bps');
    const rewarmAt = criticalAt(rewarm, 'binance-usdm', 'basis_perp_spot_bps');
    expect(cleanAt).not.toBeNull();
    expect(rewarmAt).not.toBeNull();
    expect(Math.abs(rewarmAt! - cleanAt!)).toBeLessThanOrEqual(2 * INTERVAL_MS);
    expect(rewarmAt! - t0).toBeLessThanOrEqual(persistMs('basis_perp_spot_bps') + 2 * INTERVAL_MS);
  }, 120_000);
});
