import type { Severity } from '../../shared/core/model';
import type { RunScore } from './detection-score';
import type { RuleFamily } from './ground-truth';

/** Detection quality of one rule family at one severity, over every run. */
export interface QualityRow {
  readonly family: RuleFamily;
  readonly severity: Severity;
  readonly truePositives: number;
  readonly falsePositives: number;
  readonly missed: number;
  /** null when nothing fired (no precision to speak of). */
  readonly precision: number | null;
  /** null when nothing was expected. */
  readonly recall: number | null;
  readonly ttdMedianMs: number | null;
  readonly ttdWorstMs: number | null;
  /** The loosest bound any expectation of this row had (persistence + two sampling intervals). */
  readonly boundMs: number | null;
  /** Detections slower than their bound. */
  readonly late: number;
}

export interface ScenarioRow {
  readonly scenario: string;
  readonly runs: number;
  readonly expected: number;
  readonly detected: number;
  readonly falseAlarms: number;
  readonly feedExpected: number;
  readonly feedSeen: number;
}

export interface QualitySummary {
  readonly families: readonly QualityRow[];
  readonly scenarios: readonly ScenarioRow[];
  /** Empty when every anomaly was detected in time, nothing else fired and every feed event was seen. */
  readonly problems: readonly string[];
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Aggregates run scores into the per-family and per-scenario tables and a verdict. */
export function summarize(scores: readonly RunScore[]): QualitySummary {
  const rows = new Map<string, { family: RuleFamily; severity: Severity; tp: number; fp: number; missed: number; ttd: number[]; bound: number | null; late: number }>();
  const row = (family: RuleFamily, severity: Severity) => {
    const key = `${family}|${severity}`;
    let r = rows.get(key);
    if (!r) rows.set(key, (r = { family, severity, tp: 0, fp: 0, missed: 0, ttd: [], bound: null, late: 0 }));
    return r;
  };
  const problems: string[] = [];
  const scenarios = new Map<string, { runs: number; expected: number; detected: number; falseAlarms: number; feedExpected: number; feedSeen: number }>();

  for (const score of scores) {
    let s = scenarios.get(score.scenario);
    if (!s) scenarios.set(score.scenario, (s = { runs: 0, expected: 0, detected: 0, falseAlarms: 0, feedExpected: 0, feedSeen: 0 }));
    s.runs++;
    for (const d of score.detections) {
      const r = row(d.family, d.severity);
      r.bound = Math.max(r.bound ?? 0, d.boundMs);
      s.expected++;
      if (d.ttdMs === null) {
        r.missed++;
        problems.push(`missed: ${d.scenario} seed ${d.seed} ${d.venue} ${d.instrumentId} ${d.family} ${d.severity}`);
        continue;
      }
      r.tp++;
      s.detected++;
      r.ttd.push(d.ttdMs);
      if (d.ttdMs > d.boundMs) {
        r.late++;
        problems.push(`late: ${d.scenario} seed ${d.seed} ${d.venue} ${d.instrumentId} ${d.family} ${d.severity} after ${d.ttdMs} ms (bound ${d.boundMs} ms)`);
      }
    }
    for (const f of score.falseAlarms) {
      row(f.family, f.severity).fp++;
      s.falseAlarms++;
      problems.push(`false alarm: ${f.scenario} seed ${f.seed} ${f.venue} ${f.instrumentId} ${f.family} ${f.severity} at ${new Date(f.firedAt).toISOString()}`);
    }
    for (const c of score.feedChecks) {
      s.feedExpected++;
      if (c.seen) s.feedSeen++;
      else problems.push(`feed event not seen: ${c.scenario} seed ${c.seed} ${c.venue} ${c.event}`);
    }
  }

  const families: QualityRow[] = [...rows.values()]
    .sort((a, b) => a.family.localeCompare(b.family) || a.severity.localeCompare(b.severity))
    .map((r) => ({
      family: r.family,
      severity: r.severity,
      truePositives: r.tp,
      falsePositives: r.fp,
      missed: r.missed,
      precision: r.tp + r.fp === 0 ? null : r.tp / (r.tp + r.fp),
      recall: r.tp + r.missed === 0 ? null : r.tp / (r.tp + r.missed),
      ttdMedianMs: median(r.ttd),
      ttdWorstMs: r.ttd.length === 0 ? null : Math.max(...r.ttd),
      boundMs: r.bound,
      late: r.late,
    }));
  return {
    families,
    scenarios: [...scenarios.entries()].map(([scenario, s]) => ({ scenario, ...s })),
    problems,
  };
}

const pct = (v: number | null) => (v === null ? '-' : v.toFixed(2));
const secs = (v: number | null) => (v === null ? '-' : `${(v / 1000).toFixed(1)} s`);

/** The two tables as aligned text (the CLI prints them; docs/detection-quality.md keeps a copy). */
export function formatSummary(summary: QualitySummary): string {
  const table = (rows: string[][]) => {
    const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
    return rows.map((r) => r.map((cell, c) => cell.padEnd(widths[c]!)).join('  ').trimEnd()).join('\n');
  };
  const families = table([
    ['family', 'severity', 'TP', 'FP', 'missed', 'precision', 'recall', 'TTD median', 'TTD worst', 'bound', 'late'],
    ...summary.families.map((r) => [
      r.family,
      r.severity,
      String(r.truePositives),
      String(r.falsePositives),
      String(r.missed),
      pct(r.precision),
      pct(r.recall),
      secs(r.ttdMedianMs),
      secs(r.ttdWorstMs),
      secs(r.boundMs),
      String(r.late),
    ]),
  ]);
  const scenarios = table([
    ['scenario', 'runs', 'expected', 'detected', 'false alarms', 'feed events seen'],
    ...summary.scenarios.map((s) => [
      s.scenario,
      String(s.runs),
      String(s.expected),
      String(s.detected),
      String(s.falseAlarms),
      s.feedExpected === 0 ? '-' : `${s.feedSeen}/${s.feedExpected}`,
    ]),
  ]);
  return `${families}\n\n${scenarios}`;
}
