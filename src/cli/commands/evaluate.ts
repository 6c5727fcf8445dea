import { writeFileSync } from 'node:fs';
import { evaluateScenarios } from '../../engine/evaluation/evaluate-scenarios';
import { formatSummary, summarize } from '../../engine/evaluation/quality-table';
import { isScenarioName, SCENARIO_NAMES, type ScenarioName } from '../../engine/simulator';
import { CONFIG_OPTION, loadConfigOption } from '../config-option';
import type { CliCommand } from '../index';

/** `evaluate [--seeds N] [--scenarios a,b] [--json OUT]`: detection quality over simulated scenarios. */
export const evaluate: CliCommand = {
  name: 'evaluate',
  summary: 'Run every simulator scenario through capture and replay; print precision, recall and time to detect per rule family',
  options: {
    seeds: { type: 'string', valueName: 'N', description: 'seeds per scenario (default 5)' },
    scenarios: { type: 'string', valueName: 'LIST', description: `comma-separated subset of: ${SCENARIO_NAMES.join(', ')}` },
    json: { type: 'string', valueName: 'OUT', description: 'also write the run scores and the summary as JSON' },
    config: CONFIG_OPTION,
  },
  async run(args, io) {
    const seeds = args.values.seeds === undefined ? 5 : Number(args.values.seeds);
    if (!Number.isInteger(seeds) || seeds < 1 || seeds > 100) {
      io.err(`surveil evaluate: --seeds must be a whole number from 1 to 100, got "${String(args.values.seeds)}"`);
      return 2;
    }
    let scenarios: ScenarioName[] | undefined;
    if (typeof args.values.scenarios === 'string') {
      const names = args.values.scenarios.split(',').map((s) => s.trim());
      const unknown = names.filter((n) => !isScenarioName(n));
      if (unknown.length > 0) {
        io.err(`surveil evaluate: unknown scenario ${unknown.join(', ')} (known: ${SCENARIO_NAMES.join(', ')})`);
        return 2;
      }
      scenarios = names as ScenarioName[];
    }
    const config = loadConfigOption(args, io);
    if (!config) return 1;
    const started = performance.now();
    const scores = await evaluateScenarios({
      config,
      seeds,
      ...(scenarios ? { scenarios } : {}),
      onRun: (score, done, total) => {
        if (process.stderr.isTTY) process.stderr.write(`\rscenario ${done}/${total}: ${score.scenario} seed ${score.seed}    `);
      },
    });
    if (process.stderr.isTTY) process.stderr.write('\n');
    const summary = summarize(scores);
    io.out(formatSummary(summary));
    io.out('');
    io.out(`${scores.length} runs in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    if (typeof args.values.json === 'string') writeFileSync(args.values.json, `${JSON.stringify({ summary, scores }, null, 2)}\n`);
    if (summary.problems.length === 0) {
      io.out('Every injected anomaly detected within its bound; no false alarms; every feed event seen.');
      return 0;
    }
    io.out(`${summary.problems.length} problem${summary.problems.length === 1 ? '' : 's'}:`);
    for (const problem of summary.problems) io.out(`  ${problem}`);
    return 1;
  },
};
