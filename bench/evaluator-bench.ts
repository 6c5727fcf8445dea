/**
 * Alert evaluation: one metric sample through z-scores (10 windows of 300)
 * and the shipped rules of BTC-USDT-PERP (with their statuses), as the engine runs it once per instrument
 * per sampling interval.
 */
import { join } from 'node:path';
import { loadConfig } from '../src/engine/config/load-config';
import { resolveRules } from '../src/shared/config';
import type { MetricSample } from '../src/shared/core/model';
import { SurveillanceEvaluator } from '../src/shared/core/surveillance-evaluator';
import { repoRoot } from '../test/support/shared-data';
import type { BenchModule, BenchResult } from './index';

const INSTRUMENTS = 50;

export const evaluatorBench: BenchModule = {
  name: 'evaluator',
  run(harness): BenchResult[] {
    const config = loadConfig(join(repoRoot, 'config'));
    const rules = resolveRules(config.alerts, 'BTC-USDT-PERP', 'perpetual');
    const evaluator = new SurveillanceEvaluator({ zscore: config.features.zscore, sampleIntervalMs: 1000, rulesFor: () => rules });
    let t = 0;
    let x = 0;
    const batch = (): number => {
      t += 1000;
      for (let i = 0; i < INSTRUMENTS; i++) {
        x = (x * 1103515245 + 12345) % 2147483648;
        const noise = x / 2147483648;
        const sample: MetricSample = {
          key: `okx:INST${i}`,
          instrumentId: 'BTC-USDT-PERP',
          venue: 'okx',
          time: t,
          values: {
            mid: 30_000 + noise,
            spread_bps: 1 + noise,
            depth_10bps: 900_000 + noise * 1e5,
            imbalance: noise - 0.5,
            basis_perp_spot_bps: 2 + noise,
            basis_perp_index_bps: 1 + noise,
            basis_mark_index_bps: noise,
            funding_rate: 0.0001,
          },
          covered: {},
          health: { stale: false, bookValid: true },
        };
        evaluator.evaluate(sample);
      }
      return INSTRUMENTS;
    };
    return [
      harness.measure('evaluate sample (z-scores + shipped rules)', 'samples', batch, {
        note: `${rules.length} rules, 10 z-score windows of ${config.features.zscore.windowSize}, ${INSTRUMENTS} instruments`,
      }),
    ];
  },
};
