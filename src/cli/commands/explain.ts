import { existsSync } from 'node:fs';
import { CaptureError } from '../../engine/capture/capture-reader';
import { pipelineSettingsFrom } from '../../engine/pipeline/pipeline-settings';
import { replayCapture, type ReplayUntil } from '../../engine/replay/replay-capture';
import { describeRuleStatus } from '../../shared/core/rule-status';
import { CONFIG_OPTION, loadConfigOption } from '../config-option';
import type { CliCommand } from '../index';

const UNITS_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * `--at` as a desk gives it: `+330s` (offset from the capture's first frame;
 * `ms`, `s`, `m`, `h`, seconds when no unit), epoch milliseconds (digits only),
 * or an ISO time (`2026-03-02T00:05:30Z`). Null when it is none of these.
 */
export function parseAt(text: string): ReplayUntil | null {
  const offset = /^\+(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (offset) return { offsetMs: Number(offset[1]) * UNITS_MS[offset[2] ?? 's']! };
  if (/^\d+(\.\d+)?$/.test(text.trim())) return { time: Number(text) };
  // Date.parse also takes loose forms ("5"); an ISO time has a date.
  if (!/^\d{4}-\d{2}-\d{2}/.test(text.trim())) return null;
  const t = Date.parse(text);
  return Number.isFinite(t) ? { time: t } : null;
}

/** `explain CAPTURE --instrument ID [--venue V] [--at TIME] [--config DIR]` */
export const explain: CliCommand = {
  name: 'explain',
  summary: "Replay a capture up to an instant and say where each of an instrument's rules stood then (why it was or was not alerting)",
  positionals: '<capture.jsonl[.gz]>',
  options: {
    instrument: { type: 'string', valueName: 'ID', description: 'canonical id (BTC-USDT-PERP), venue symbol (BTCUSDT) or venue:symbol' },
    venue: { type: 'string', valueName: 'V', description: 'only this venue (binance-spot, binance-usdm, okx); default: every venue listing the instrument' },
    at: { type: 'string', valueName: 'TIME', description: '+330s (offset from the first frame; ms, s, m, h), epoch ms, or ISO time; default: the end of the capture' },
    config: CONFIG_OPTION,
  },
  async run(args, io) {
    if (args.positionals.length !== 1) {
      io.err('surveil explain: expected exactly one capture file');
      return 2;
    }
    const wanted = typeof args.values.instrument === 'string' ? args.values.instrument.trim() : '';
    if (wanted === '') {
      io.err('surveil explain: --instrument ID is required');
      return 2;
    }
    const venue = typeof args.values.venue === 'string' ? args.values.venue : undefined;
    let until: ReplayUntil | undefined;
    if (typeof args.values.at === 'string') {
      const parsed = parseAt(args.values.at);
      if (parsed === null) {
        io.err(`surveil explain: --at must be +SECONDSs, epoch ms or an ISO time, got "${args.values.at}"`);
        return 2;
      }
      until = parsed;
    }
    const file = args.positionals[0]!;
    if (!existsSync(file)) {
      io.err(`surveil explain: ${file}: no such file`);
      return 1;
    }
    const config = loadConfigOption(args, io);
    if (!config) return 1;

    let result;
    try {
      result = await replayCapture(file, { speed: 'max', settings: pipelineSettingsFrom(config), ...(until ? { until } : {}) });
    } catch (error) {
      if (error instanceof CaptureError) {
        io.err(`surveil explain: ${error.message}`);
        return 1;
      }
      throw error;
    }
    const { pipeline, report, rules, stoppedAt } = result;
    if (result.truncated) io.err(`surveil explain: warning: ${result.truncated.message}`);
    const lower = wanted.toLowerCase();
    const states = pipeline
      .instrumentStates()
      .filter((s) => (venue === undefined || s.instrument.venue === venue) && [s.instrument.id, s.instrument.symbol, s.key].some((n) => n.toLowerCase() === lower));
    const start = report.firstFrameAt;
    const offset = (t: number): string => (start === null ? '' : ` (+${((t - start) / 1000).toFixed(1)} s)`);
    if (states.length === 0) {
      const seen = [...new Set(pipeline.instrumentStates().map((s) => `${s.instrument.id} (${s.key})`))].join(', ') || 'none';
      io.err(`surveil explain: no instrument "${wanted}"${venue ? ` on ${venue}` : ''} in ${file}${stoppedAt === null ? '' : ` up to ${new Date(stoppedAt).toISOString()}`}; seen: ${seen}`);
      return 1;
    }
    const requested = until === undefined || start === null ? null : 'time' in until ? until.time : start + until.offsetMs;
    // The replay stops at the instant asked for unless the capture ends first.
    if (requested !== null && stoppedAt !== null && requested > stoppedAt) {
      io.out(`the capture ends at ${new Date(stoppedAt).toISOString()}${offset(stoppedAt)}, before the time asked for`);
    }
    const latest = rules.latest();
    for (const state of states) {
      const at = latest.get(state.key);
      const head = `${state.instrument.id} ${state.key}`;
      if (!at) {
        io.out(`${head}: no sample yet`);
        continue;
      }
      io.out(`${head} at ${new Date(at.time).toISOString()}${offset(at.time)}`);
      if (at.rules.length === 0) io.out('  no rules for this instrument');
      const nameWidth = Math.max(0, ...at.rules.map((r) => r.rule.length));
      const metricWidth = Math.max(0, ...at.rules.map((r) => r.metric.length));
      for (const status of at.rules) {
        io.out(`  ${status.rule.padEnd(nameWidth)}  ${status.metric.padEnd(metricWidth)}  ${status.severity.padEnd(8)}  ${describeRuleStatus(status)}`);
      }
    }
    return 0;
  },
};
