import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Seconds each of the slowest test files took in a full run (vitest's
 * per-file times; a clean clone has no results cache for vitest to sort by,
 * and falls back to file size). Started first, the long ones run beside the
 * many short ones instead of being left last with one worker busy and the
 * other idle. Only the order depends on these figures: a stale or missing
 * entry makes the run longer, never a test weaker.
 */
const SECONDS: Readonly<Record<string, number>> = {
  'test/sync/central.test.ts': 48,
  'test/packaging/dist-package.test.ts': 22,
  'test/workers/analytics-backlog.test.ts': 15,
  'test/e2e/alert-desk.e2e.test.ts': 11,
  'test/cli/electron-first-start.test.ts': 9,
  'test/console/silences.test.ts': 9,
  'test/console/feed-alerts-live.test.ts': 46,
  'test/e2e/whole-engine.test.ts': 41,
  'test/e2e/console.e2e.test.ts': 39,
  'test/e2e/overview-scale.e2e.test.ts': 29,
  'test/replay/bad-data-replay.test.ts': 28,
  'test/simulator/sim-live-faults.test.ts': 28,
  'test/capture/capture-seek.test.ts': 25,
  'test/workers/engine-host.test.ts': 24,
  'test/e2e/frame-rate.e2e.test.ts': 18,
  'test/config/cli.test.ts': 18,
  'test/venues/hot-decoder.test.ts': 16,
  'test/cli/record.test.ts': 16,
  'test/storage/idempotent-history.test.ts': 16,
  'test/cli/serve-unreachable.test.ts': 16,
  'test/export/history-export.test.ts': 15,
  'test/simulator/sim-capture.test.ts': 13,
  'test/e2e/feed-banner.e2e.test.ts': 13,
  'test/e2e/replay-view.e2e.test.ts': 12,
  'test/replay/replay-hostile-input.test.ts': 12,
  'test/evaluation/evaluate-cli.test.ts': 10,
  'test/cli/explain.test.ts': 9,
  'test/simulator/sim-scale.test.ts': 9,
  'test/simulator/sim-server.test.ts': 8,
  'test/console/serve-demo.test.ts': 7,
  'test/import/import-cli.test.ts': 7,
};

/** vitest's own order (groups, then cached times or size), the files named above first, longest first. */
export class SlowFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const base = await super.sort(files);
    const root = this.ctx.config.root;
    const seconds = (spec: TestSpecification): number => SECONDS[spec.moduleId.slice(root.length + 1)] ?? 0;
    // Stable: ties (all the unnamed files) keep vitest's order.
    return [...base].sort((a, b) => a.project.config.sequence.groupOrder - b.project.config.sequence.groupOrder || seconds(b) - seconds(a));
  }
}
