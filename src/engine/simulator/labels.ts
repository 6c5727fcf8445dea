/**
 * Ground-truth labels written beside a simulated capture (`simulate --out C
 * --labels L.json`). The evaluator reads them; the shape is a contract:
 * fields may be added, never changed. Kept structurally identical to
 * `GroundTruth` in src/engine/evaluation/ground-truth.ts (a test checks it).
 */

/** Alert families a scenario can be expected to trip. */
export type LabelFamily = 'spread' | 'depth' | 'basis' | 'mark_index' | 'cross_venue';

/** Feed happenings a scenario should produce, as the replay report counts them per venue. */
export type LabelFeedEvent = 'gap' | 'checksum_failure' | 'stale' | 'resync' | 'book_drift';

/** One family that should fire and the severity it should reach. */
export interface LabelExpectation {
  readonly family: LabelFamily;
  readonly severity: 'warning' | 'critical';
}

/** One injected anomaly on one venue. */
export interface LabelInjection {
  readonly scenario: string;
  readonly venue: string;
  /** Canonical instrument ids (config/instruments.yaml). */
  readonly instruments: readonly string[];
  /** Epoch ms, in capture time. */
  readonly start: number;
  readonly end: number;
  /** Families that SHOULD fire on these instruments (empty: nothing should). */
  readonly expect: readonly LabelExpectation[];
  readonly expectFeed: readonly LabelFeedEvent[];
}

/** The labels file. */
export interface SimLabels {
  readonly scenario: string;
  readonly seed: number;
  readonly captureStart: number;
  readonly captureEnd: number;
  readonly injections: readonly LabelInjection[];
}

/** The labels file's text: stable key order, two-space indent, trailing newline. */
export function labelsText(labels: SimLabels): string {
  const ordered: SimLabels = {
    scenario: labels.scenario,
    seed: labels.seed,
    captureStart: labels.captureStart,
    captureEnd: labels.captureEnd,
    injections: labels.injections.map((i) => ({
      scenario: i.scenario,
      venue: i.venue,
      instruments: [...i.instruments],
      start: i.start,
      end: i.end,
      expect: i.expect.map((e) => ({ family: e.family, severity: e.severity })),
      expectFeed: [...i.expectFeed],
    })),
  };
  return `${JSON.stringify(ordered, null, 2)}\n`;
}
