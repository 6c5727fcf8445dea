import { writeFileSync } from 'node:fs';
import type { AlertsConfig } from '../../shared/config';
import { openCaptureWriter } from '../capture/capture-writer';
import { loadConfig } from '../config/load-config';
import type { RawFrame } from '../feed/raw-frame';
import { CaptureClient } from './capture-client';
import { labelsText, type SimLabels } from './labels';
import type { OkxProtocol } from './okx-protocol';
import { Prng } from './prng';
import { ScenarioEffects } from './scenario-effects';
import { defaultOkxProtocol, mergePlans, planScenario, type ScenarioPlan, type ScenarioRequest } from './scenarios';
import { SIM_VENUES, simInstruments } from './sim-instruments';
import { SimMarket } from './sim-market';

/** 2026-03-02 00:00 UTC: a fixed start, so a seed alone decides the bytes. */
export const DEFAULT_START_TIME = Date.UTC(2026, 2, 2);
/** The simulation advances in steps of this many ms (book ticks fall on a 100 ms grid inside them). */
const STEP_MS = 50;

/** Everything a simulated run depends on. */
export interface SimulateOptions extends ScenarioRequest {
  /** Same seed, same options -> byte-identical capture. Default 1. */
  readonly seed?: number;
  /** Epoch ms of the first frame's market time (default 2026-03-02 00:00 UTC). */
  readonly startTime?: number;
  /** OKX protocol variant (default `legacy`: socket snapshots and real checksums). */
  readonly okxProtocol?: OkxProtocol;
  /** Alert rules the magnitudes and expectations are derived from (default: the shipped config). */
  readonly alerts?: AlertsConfig;
  /** features.yaml stale timeout (default: the shipped config's). */
  readonly staleTimeoutMs?: number;
  /**
   * Synthetic assets `S01`, `S02`, ... listed beside BTC and ETH (default 0),
   * four listings each (spot and perp on Binance and OKX), priced from ~0.05
   * to ~5,000 and correlated with BTC: scale and soak runs. Scenarios still
   * strike the BTC/ETH listings they name; 0 leaves every capture unchanged.
   */
  readonly extraAssets?: number;
  /**
   * More injections in the same run (a gap in the middle of a dislocation):
   * each planned as its own scenario, then merged. The run's name stays the main one's.
   */
  readonly also?: readonly ScenarioRequest[];
}

/** The run's OKX protocol: as asked, else the default for its scenarios. */
export function okxProtocolOf(options: SimulateOptions): OkxProtocol {
  return options.okxProtocol ?? defaultOkxProtocol([options.scenario, ...(options.also ?? []).map((r) => r.scenario)]);
}

/** What a run produced. */
export interface SimulationResult {
  readonly labels: SimLabels;
  readonly plan: ScenarioPlan;
  readonly frames: number;
}

/** The plan and labels of a run, without running it. */
export function planSimulation(options: SimulateOptions): { plan: ScenarioPlan; labels: SimLabels } {
  let alerts = options.alerts;
  let staleTimeoutMs = options.staleTimeoutMs;
  if (alerts === undefined || staleTimeoutMs === undefined) {
    const config = loadConfig();
    alerts ??= config.alerts;
    staleTimeoutMs ??= config.features.staleTimeoutSeconds * 1000;
  }
  const seed = options.seed ?? 1;
  const startTime = options.startTime ?? DEFAULT_START_TIME;
  const sign = new Prng(seed, 'sign').chance(0.5) ? 1 : -1;
  const context = { startTime, okxProtocol: okxProtocolOf(options), alerts, staleTimeoutMs, sign } as const;
  const main = planScenario(options, context);
  const plan = options.also?.length ? mergePlans([main, ...options.also.map((request) => planScenario(request, context))]) : main;
  const labels: SimLabels = {
    scenario: plan.scenario,
    seed,
    captureStart: plan.startTime,
    captureEnd: plan.endTime,
    injections: plan.injections.map(({ scenario, venue, instruments, start, end, expect, expectFeed }) => ({
      scenario,
      venue,
      instruments,
      start,
      end,
      expect,
      expectFeed,
    })),
  };
  return { plan, labels };
}

/**
 * Runs a scenario in simulated time (no waiting) and hands every frame a
 * recording of the three venues would hold to `onFrame`, in receive order.
 */
export function simulateFrames(options: SimulateOptions, onFrame: (frame: RawFrame) => void): SimulationResult {
  const { plan, labels } = planSimulation(options);
  const seed = labels.seed;
  const effects = new ScenarioEffects(plan);
  const market = new SimMarket({ seed, startTime: plan.startTime, effects, okxProtocol: okxProtocolOf(options), extraAssets: options.extraAssets ?? 0 });
  let frames = 0;
  const client = new CaptureClient(market, effects, new Prng(seed, 'client'), (frame) => {
    frames += 1;
    onFrame(frame);
  }, plan.startTime);
  for (let time = plan.startTime; time <= plan.endTime; time += STEP_MS) {
    client.runActions(time);
    for (const emission of market.step(time)) client.deliver(emission);
    // Nothing received later can be older than this: write it out and keep memory flat.
    if ((time - plan.startTime) % 1_000 === 0) client.flush(time - 500);
  }
  client.flush(plan.endTime + 1_000);
  return { plan, labels, frames };
}

/** Options of {@link simulateToCapture}. */
export interface SimulateToCaptureOptions extends SimulateOptions {
  /** Capture file (`.jsonl`, or `.jsonl.gz` for gzip); overwritten. */
  readonly out: string;
  /** Labels JSON file; not written when absent. */
  readonly labels?: string;
}

/**
 * Writes a scenario's capture (docs/capture-format.md, through the project's
 * capture writer) and its ground-truth labels. In-process entry point for
 * the evaluator and tests; `surveil simulate --out` calls it too.
 */
export async function simulateToCapture(options: SimulateToCaptureOptions): Promise<SimulationResult> {
  const { plan } = planSimulation(options);
  const writer = await openCaptureWriter({
    path: options.out,
    overwrite: true,
    flushIntervalMs: 0,
    // The header's `created` is the simulated start: the same seed must give the same bytes.
    now: () => plan.startTime,
    header: {
      source: 'simulator',
      scenario: plan.scenario,
      seed: options.seed ?? 1,
      okxProtocol: okxProtocolOf(options),
      venue: [...SIM_VENUES],
      instruments: [...new Set(simInstruments(options.extraAssets ?? 0).map((i) => i.id))],
    },
  });
  let result: SimulationResult;
  try {
    result = simulateFrames(options, (frame) => writer.onFrame(frame));
  } finally {
    await writer.close();
  }
  if (options.labels !== undefined) writeFileSync(options.labels, labelsText(result.labels));
  return result;
}
