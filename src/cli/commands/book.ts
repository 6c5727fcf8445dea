import { existsSync } from 'node:fs';
import { CaptureError } from '../../engine/capture/capture-reader';
import { defaultWarmupMs, seekCapture, type SeekResult } from '../../engine/capture/capture-seek';
import { pipelineSettingsFrom } from '../../engine/pipeline/pipeline-settings';
import type { BookLevel, Side } from '../../shared/core/order-book';
import { describeRuleStatus } from '../../shared/core/rule-status';
import { CONFIG_OPTION, loadConfigOption } from '../config-option';
import type { CliCommand, CliIo } from '../index';
import { parseAt } from './explain';

const DEFAULT_LEVELS = 10;

/** One level as printed and in --json: the exchange's strings, and the sizes summed from the best price out. */
interface LadderLevel {
  readonly price: string;
  readonly size: string;
  readonly cumulative: number;
}

/** The best `n` levels of a side with cumulative sizes; the sum is printed with the sizes' decimals. */
function ladder(levels: readonly BookLevel[]): LadderLevel[] {
  let sum = 0;
  return levels.map((level) => {
    sum += level.size;
    return { price: level.priceText, size: level.sizeText, cumulative: sum };
  });
}

const decimals = (text: string): number => {
  const dot = text.indexOf('.');
  return dot < 0 ? 0 : text.length - dot - 1;
};

function formatValue(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Math.abs(value) >= 1000) return Math.round(value).toLocaleString('en-US');
  return Number(value.toPrecision(6)).toString();
}

/** What `--json` prints for one instrument, and what the text view is made from. */
function instrumentView(result: SeekResult, key: string, levels: number) {
  const state = result.pipeline.instrumentStates().find((s) => s.key === key)!;
  const sync = state.sync;
  const side = (s: Side) => (sync ? ladder(sync.book.top(s, levels)) : []);
  const sample = result.samplesAtT.find((s) => s.key === key);
  const evaluation = result.evaluations.get(key);
  return {
    key,
    id: state.instrument.id,
    venue: state.instrument.venue,
    symbol: state.instrument.symbol,
    /** No book (a ticker-only instrument), a valid book, or one waiting for a snapshot. */
    book: sync === null ? 'none' : sync.valid ? 'valid' : 'invalid',
    state: sync?.book.state() ?? null,
    bidLevels: sync?.book.levelCount('bid') ?? 0,
    askLevels: sync?.book.levelCount('ask') ?? 0,
    lastUpdateId: sync?.lastUpdateId ?? null,
    bids: side('bid'),
    asks: side('ask'),
    metrics: sample ? { time: sample.time, bookValid: sample.bookValid, values: sample.values, covered: sample.covered } : null,
    rules: evaluation
      ? {
          time: evaluation.sample.time,
          zscores: Object.fromEntries(Object.entries(evaluation.zscores).map(([metric, z]) => [metric, z && z.ready ? z.z : null])),
          statuses: evaluation.rules.map((status) => ({ rule: status.rule, metric: status.metric, severity: status.severity, kind: status.kind, text: describeRuleStatus(status) })),
        }
      : null,
  };
}

type InstrumentView = ReturnType<typeof instrumentView>;

function printInstrument(io: CliIo, view: InstrumentView, offset: (t: number) => string): void {
  io.out(`${view.id} ${view.key}: book ${view.book}${view.state && view.book !== 'none' ? ` (${view.state})` : ''}, ${view.bidLevels} bid / ${view.askLevels} ask levels${view.lastUpdateId === null ? '' : `, update id ${view.lastUpdateId}`}`);
  if (view.bids.length + view.asks.length > 0) {
    const all = [...view.bids, ...view.asks];
    const sizeDecimals = Math.max(0, ...all.map((l) => decimals(l.size)));
    const rows = [...[...view.asks].reverse().map((l) => ['ask', l] as const), ...view.bids.map((l) => ['bid', l] as const)];
    const cells = rows.map(([s, l]) => [s, l.price, l.size, l.cumulative.toFixed(sizeDecimals)]);
    const widths = [3, 5, 4, 10].map((w, i) => Math.max(w, ...cells.map((c) => c[i]!.length)));
    io.out(`  ${'side'.padEnd(widths[0]!)}  ${'price'.padStart(widths[1]!)}  ${'size'.padStart(widths[2]!)}  ${'cumulative'.padStart(widths[3]!)}`);
    for (const c of cells) io.out(`  ${c[0]!.padEnd(widths[0]!)}  ${c[1]!.padStart(widths[1]!)}  ${c[2]!.padStart(widths[2]!)}  ${c[3]!.padStart(widths[3]!)}`);
  }
  if (view.metrics) {
    const values = Object.entries(view.metrics.values).map(([name, v]) => `${name} ${formatValue(v!)}${view.metrics!.covered[name as keyof typeof view.metrics.covered] === false ? ' (band not covered)' : ''}`);
    io.out(`  metrics at ${new Date(view.metrics.time).toISOString()}${offset(view.metrics.time)}: ${values.length > 0 ? values.join(', ') : 'none (no mid)'}`);
  }
  if (view.rules) {
    io.out(`  rules at the sample of ${new Date(view.rules.time).toISOString()}${offset(view.rules.time)}:`);
    if (view.rules.statuses.length === 0) io.out('    no rules for this instrument');
    const nameWidth = Math.max(0, ...view.rules.statuses.map((r) => r.rule.length));
    const metricWidth = Math.max(0, ...view.rules.statuses.map((r) => r.metric.length));
    for (const s of view.rules.statuses) io.out(`    ${s.rule.padEnd(nameWidth)}  ${s.metric.padEnd(metricWidth)}  ${s.severity.padEnd(8)}  ${s.text}`);
  } else io.out('  rules: no sample yet');
}

/** `book CAPTURE --at TIME [--instrument ID] [--levels N] [--json] [--warmup S] [--index FILE] [--config DIR]` */
export const book: CliCommand = {
  name: 'book',
  summary: 'Seek a capture to an instant (its index, built once, names the last book snapshot before it) and print the book, its metrics and the rule states then',
  positionals: '<capture.jsonl[.gz]>',
  options: {
    at: { type: 'string', valueName: 'TIME', description: '+330s (offset from the first frame; ms, s, m, h), epoch ms, or ISO time' },
    instrument: { type: 'string', valueName: 'ID', description: 'canonical id (BTC-USDT-PERP), venue symbol (BTCUSDT) or venue:symbol; default: every instrument' },
    levels: { type: 'string', valueName: 'N', description: `price levels per side to print (default ${DEFAULT_LEVELS})` },
    json: { type: 'boolean', description: 'print one JSON object instead of text' },
    warmup: { type: 'string', valueName: 'S', description: 'seconds replayed before TIME to warm the z-score windows (default: one window, per features.yaml); 0 for the book alone' },
    index: { type: 'string', valueName: 'FILE', description: 'where the capture index is kept (default: CAPTURE.idx next to it)' },
    config: CONFIG_OPTION,
  },
  async run(args, io) {
    if (args.positionals.length !== 1) {
      io.err('surveil book: expected exactly one capture file');
      return 2;
    }
    if (typeof args.values.at !== 'string') {
      io.err('surveil book: --at TIME is required');
      return 2;
    }
    const at = parseAt(args.values.at);
    if (at === null) {
      io.err(`surveil book: --at must be +SECONDSs, epoch ms or an ISO time, got "${args.values.at}"`);
      return 2;
    }
    let levels = DEFAULT_LEVELS;
    if (typeof args.values.levels === 'string') {
      levels = Number(args.values.levels);
      if (!/^\d+$/.test(args.values.levels.trim()) || levels < 1) {
        io.err(`surveil book: --levels must be a whole number of at least 1, got "${args.values.levels}"`);
        return 2;
      }
    }
    let warmupMs: number | undefined;
    if (typeof args.values.warmup === 'string') {
      warmupMs = Number(args.values.warmup) * 1000;
      if (args.values.warmup.trim() === '' || !Number.isFinite(warmupMs) || warmupMs < 0) {
        io.err(`surveil book: --warmup must be seconds (0 or more), got "${args.values.warmup}"`);
        return 2;
      }
    }
    const file = args.positionals[0]!;
    if (!existsSync(file)) {
      io.err(`surveil book: ${file}: no such file`);
      return 1;
    }
    const config = loadConfigOption(args, io);
    if (!config) return 1;
    const settings = pipelineSettingsFrom(config);
    const wanted = typeof args.values.instrument === 'string' ? args.values.instrument.trim().toLowerCase() : '';
    const matches = (key: string, names: readonly string[]): boolean => wanted === '' || [key, ...names].some((n) => n.toLowerCase() === wanted);

    let result: SeekResult;
    try {
      result = await seekCapture(file, {
        at,
        settings,
        ...(warmupMs === undefined ? {} : { warmupMs }),
        select: (key, instrument) => matches(key, [instrument.id, instrument.symbol]),
        indexOptions: { ...(typeof args.values.index === 'string' ? { indexPath: args.values.index } : {}), ...(settings.limits ? { limits: settings.limits } : {}) },
      });
    } catch (error) {
      if (error instanceof CaptureError) {
        io.err(`surveil book: ${error.message}`);
        return 1;
      }
      throw error;
    }
    const opened = result.index;
    if (opened.status === 'rebuilt') io.err(`surveil book: the index ${opened.path} was not used (${opened.reason}): rebuilt`);
    if (opened.saveError) io.err(`surveil book: warning: index kept in memory only: ${opened.saveError}`);
    const states = result.pipeline.instrumentStates().filter((s) => matches(s.key, [s.instrument.id, s.instrument.symbol]));
    const first = opened.index.firstT!;
    const offset = (t: number): string => ` (+${((t - first) / 1000).toFixed(1)} s)`;
    if (states.length === 0) {
      const seen = result.pipeline.instrumentStates().map((s) => `${s.instrument.id} (${s.key})`).join(', ') || 'none';
      io.err(`surveil book: no instrument "${args.values.instrument}" in ${file} up to ${new Date(result.stoppedAt).toISOString()}; seen: ${seen}`);
      return 1;
    }
    const views = states.map((s) => instrumentView(result, s.key, levels));
    const seek = {
      requested: result.requested,
      at: result.stoppedAt,
      pastEnd: result.pastEnd,
      warmFrom: result.warmFrom,
      warmupMs: warmupMs ?? defaultWarmupMs(settings),
      startFrame: result.start.frame,
      startLine: result.start.line,
      startPart: result.start.part,
      framesReplayed: result.framesReplayed,
    };
    const indexInfo = { path: opened.path, status: opened.status, ...(opened.reason ? { reason: opened.reason } : {}), saved: opened.saved, buildMs: Math.round(opened.buildMs), frames: opened.index.frames };
    if (args.values.json === true) {
      io.out(JSON.stringify({ capture: file, seek, index: indexInfo, instruments: views }, null, 2));
      return 0;
    }
    io.out(`${file} at ${new Date(result.stoppedAt).toISOString()}${offset(result.stoppedAt)}`);
    if (result.pastEnd) io.out(`the capture ends at ${new Date(result.stoppedAt).toISOString()}, before the time asked for`);
    io.out(
      `index ${opened.status}${opened.status === 'loaded' ? '' : ` in ${(opened.buildMs / 1000).toFixed(1)} s`} (${opened.index.frames} frames); replayed ${result.framesReplayed} frames from line ${result.start.line}${result.start.part > 0 ? ` of part ${result.start.part}` : ''}${offset(result.start.t)}, z-score windows warm from ${new Date(result.warmFrom).toISOString()}${offset(result.warmFrom)}`,
    );
    for (const view of views) {
      io.out('');
      printInstrument(io, view, offset);
    }
    return 0;
  },
};
