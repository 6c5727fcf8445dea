import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveRules, type Config } from '../../shared/config';
import type { InstrumentType, Severity } from '../../shared/core/model';
import { pipelineSettingsFrom } from '../pipeline/pipeline-settings';
import { replayCapture } from '../replay/replay-capture';
import { SCENARIO_NAMES, simulateToCapture, type OkxProtocol, type ScenarioName } from '../simulator';
import { scoreRun, type RunScore } from './detection-score';
import { familyOf, type RuleFamily } from './ground-truth';

export interface EvaluationOptions {
  readonly config: Config;
  readonly scenarios?: readonly ScenarioName[];
  /** Seeds 1..seeds. */
  readonly seeds: number;
  /** Called after each run: for progress output. */
  readonly onRun?: (score: RunScore, done: number, total: number) => void;
}

function typeOf(instrumentId: string): InstrumentType {
  if (instrumentId.endsWith('-PERP')) return 'perpetual';
  if (instrumentId.endsWith('-SPOT')) return 'spot';
  return 'future';
}

/**
 * Odd seeds run OKX's older protocol (socket snapshots, real checksums), even
 * seeds the 2026 one (REST snapshot, no checksum), so both stay covered;
 * checksum corruption only exists in the older one, silent book corruption
 * (a wrong size with the right seqId, which a checksum would catch) only in the 2026 one.
 */
function okxProtocolFor(scenario: ScenarioName, seed: number): OkxProtocol {
  if (scenario === 'silent_book_corruption') return '2026';
  return scenario === 'checksum_corruption' || seed % 2 === 1 ? 'legacy' : '2026';
}

/**
 * Detection quality: every scenario, every seed, through the simulator's
 * capture and the same replay as analysts use, scored against the labels.
 */
export async function evaluateScenarios(options: EvaluationOptions): Promise<RunScore[]> {
  const { config } = options;
  const settings = pipelineSettingsFrom(config);
  const interval = config.features.sampling.intervalMs;
  const boundMs = (_venue: string, instrumentId: string, family: RuleFamily, severity: Severity): number => {
    const rule = resolveRules(config.alerts, instrumentId, typeOf(instrumentId)).find(
      (r) => familyOf(r.metric) === family && r.severity === severity,
    );
    // Warmup is over before any injection: the bound is the rule's persistence plus two samples.
    return (rule?.persistSeconds ?? 0) * 1000 + 2 * interval;
  };
  const scenarios = options.scenarios ?? SCENARIO_NAMES;
  const total = scenarios.length * options.seeds;
  const dir = mkdtempSync(join(tmpdir(), 'surveil-evaluate-'));
  const scores: RunScore[] = [];
  try {
    for (const scenario of scenarios) {
      for (let seed = 1; seed <= options.seeds; seed++) {
        const out = join(dir, `${scenario}-${seed}.jsonl`);
        const { labels } = await simulateToCapture({
          scenario,
          seed,
          okxProtocol: okxProtocolFor(scenario, seed),
          alerts: config.alerts,
          staleTimeoutMs: config.features.staleTimeoutSeconds * 1000,
          out,
        });
        const { pipeline, report } = await replayCapture(out, { speed: 'max', settings });
        rmSync(out, { force: true });
        const score = scoreRun({
          truth: labels,
          alerts: pipeline.allAlerts(),
          trail: pipeline.auditTrail(),
          venues: report.venues,
          boundMs,
        });
        scores.push(score);
        options.onRun?.(score, scores.length, total);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return scores;
}
