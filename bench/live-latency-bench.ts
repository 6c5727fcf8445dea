/**
 * Live frame-to-alert latency on the whole simulated market over loopback
 * (issue 11, item 7):
 *
 *   npx tsx bench/live-latency-bench.ts [--seconds 60] [--extra-assets 623] [--diff-assets 200] [--probes 40] [--wait 240]
 *   npm run bench -- live           (the same with its defaults)
 *
 * What is measured. Alerts are raised at sampling boundaries. A feed worker
 * takes a boundary's samples when the first frame past the boundary arrives
 * (before applying it), or on its timer tick when the feed is quiet then; the
 * analytics worker evaluates the boundary once the last venue's samples are
 * in. So the frame whose processing raised a boundary's alerts is the trigger
 * of the venue that completed the boundary (messages.ts SampleTrigger). Its
 * arrival is read in the socket's message callback of the feed worker
 * (sub-ms clock, same call stack as RawFrame.t), and latency runs from it to:
 *   - engine: the alert batch's arrival on the main thread (EngineHost), and
 *   - screen: each alert event's arrival in a WebSocket client of the console
 *     server in another process (bench/screen-client.mjs, a stand-in for the
 *     renderer page: parsed, not drawn), showing 40 rows in full.
 * Measured once 99% of the books are valid (or `--wait` is over), while
 * the simulator runs in a process of its own (sim-process.ts).
 * Alerts: the showcase schedule's injected anomalies and feed faults, plus a
 * threshold-only imbalance rule on `--probes` perpetuals that opens and
 * resolves every few seconds (live-run.ts), so there are hundreds of samples.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { epochNow } from '../src/engine/workers/epoch-clock';
import type { AlertTiming } from '../src/engine/workers/messages';
import type { BenchModule, BenchResult } from './index';
import { formatPercentiles, percentiles, sleep, startLiveRun, validBooks, WHOLE_MARKET_DIFF_ASSETS, WHOLE_MARKET_EXTRA_ASSETS } from './live-run';

export interface LiveLatencyOptions {
  readonly seconds: number;
  readonly extraAssets: number;
  /** Assets with full books; the rest on partial-book streams (live-run.ts). */
  readonly diffAssets: number;
  readonly probes: number;
  /** Longest wait for the first alerts (bootstrap and books), seconds. */
  readonly waitSeconds: number;
  readonly log: (line: string) => void;
}

interface Batch {
  readonly timing: AlertTiming;
  readonly mainAt: number;
  readonly keys: readonly string[];
}

export interface LiveLatencyResult {
  readonly instruments: number;
  readonly measuredSeconds: number;
  readonly batches: number;
  readonly events: number;
  readonly engine: ReturnType<typeof percentiles>;
  readonly screen: ReturnType<typeof percentiles>;
  readonly lines: readonly string[];
}

export async function runLiveLatency(options: LiveLatencyOptions): Promise<LiveLatencyResult> {
  const { log } = options;
  const run = await startLiveRun({ extraAssets: options.extraAssets, diffAssets: options.diffAssets, demo: 'showcase', probeInstruments: options.probes });
  const started = Date.now();
  const batches: Batch[] = [];
  let measuring = false;
  let updatesOnly = 0;
  run.running.service.engine.observeAlertTiming((timing, events) => {
    const mainAt = epochNow();
    // Alert events only: a batch of alert updates alone (a firing alert's new peak) is no alert event.
    if (!measuring) return;
    if (events.length === 0) updatesOnly += 1;
    else batches.push({ timing, mainAt, keys: events.map((e) => `${e.alertId}|${e.kind}|${e.time}`) });
  });
  const screen = new Map<string, number>();
  const client = spawn(process.execPath, [join(import.meta.dirname, 'screen-client.mjs'), `ws://127.0.0.1:${run.running.web.port}/api`], { stdio: ['ignore', 'pipe', 'inherit'] });
  let buffer = '';
  client.stdout.on('data', (chunk: Buffer) => {
    buffer += chunk.toString('utf8');
    const lines = buffer.split('\n');
    buffer = lines.pop()!;
    for (const line of lines) {
      const { k, at } = JSON.parse(line) as { k: string; at: number };
      if (!screen.has(k)) screen.set(k, at);
    }
  });
  try {
    // Bootstrap first: latency is measured on the running market, every book valid (or the wait is over).
    let books = { valid: 0, rows: 0 };
    while (books.valid < 0.99 * run.instruments && Date.now() - started < options.waitSeconds * 1000) {
      await sleep(5_000);
      run.assertSimulatorUp();
      books = await validBooks(run.running);
      log(`  ${((Date.now() - started) / 1000).toFixed(0)} s: ${books.valid}/${run.instruments} books valid (${books.rows} rows)`);
    }
    const bootstrapped = books.valid >= 0.99 * run.instruments ? `99% of books valid after ${((Date.now() - started) / 1000).toFixed(0)} s` : `only ${books.valid}/${run.instruments} books valid after ${options.waitSeconds} s`;
    const measureStart = Date.now();
    measuring = true;
    log(`  measuring for ${options.seconds} s from ${((measureStart - started) / 1000).toFixed(0)} s after start`);
    await sleep(options.seconds * 1000);
    run.assertSimulatorUp();
    measuring = false;
    // Late screen arrivals of the last batches.
    await sleep(1_000);
    const end = await validBooks(run.running);
    const measured = (Date.now() - measureStart) / 1000;
    const triggered = batches.filter((b) => b.timing.trigger !== undefined);
    const engine = triggered.map((b) => b.mainAt - b.timing.trigger!.at);
    const worker = triggered.map((b) => b.timing.postedAt - b.timing.trigger!.at);
    const toAnalytics = triggered.flatMap((b) => (b.timing.evaluatingAt === undefined ? [] : [b.timing.evaluatingAt - b.timing.trigger!.at]));
    const sampling = triggered.flatMap((b) => (b.timing.trigger!.sampledAt === undefined ? [] : [b.timing.trigger!.sampledAt - b.timing.trigger!.at]));
    const hopIn = triggered.flatMap((b) => (b.timing.receivedAt === undefined || b.timing.trigger!.sampledAt === undefined ? [] : [b.timing.receivedAt - b.timing.trigger!.sampledAt]));
    const queued = triggered.flatMap((b) => (b.timing.receivedAt === undefined || b.timing.evaluatingAt === undefined ? [] : [b.timing.evaluatingAt - b.timing.receivedAt]));
    const evaluating = batches.flatMap((b) => (b.timing.evaluatingAt === undefined ? [] : [b.timing.postedAt - b.timing.evaluatingAt]));
    const hop = batches.map((b) => b.mainAt - b.timing.postedAt);
    const afterBoundary = triggered.map((b) => b.timing.trigger!.at - b.timing.boundary);
    const toScreen: number[] = [];
    let unseen = 0;
    for (const b of triggered) {
      for (const key of b.keys) {
        const at = screen.get(key);
        if (at === undefined) unseen += 1;
        else toScreen.push(at - b.timing.trigger!.at);
      }
    }
    const byFrame = triggered.filter((b) => b.timing.trigger!.by === 'frame').length;
    const events = batches.reduce((n, b) => n + b.keys.length, 0);
    const lines = [
      `live latency: ${run.instruments} simulated instruments over loopback, ${measured.toFixed(0)} s measured, node ${process.version}`,
      `  alert batches with events ${batches.length}, events ${events} (batches of alert updates only, not counted: ${updatesOnly}); boundaries completed by a frame ${byFrame}, by the timer ${triggered.length - byFrame}`,
      `  before measuring: ${bootstrapped}; at the end ${end.valid}/${run.instruments} valid`,
      `  from the arrival of the frame that completed the boundary (socket callback in the feed worker):`,
      `  engine: to the alert batch on the main thread       ${formatPercentiles(percentiles(engine))}`,
      `    of which feed + analytics workers (to posted)     ${formatPercentiles(percentiles(worker))}`,
      `      sampling and the hop to analytics, queueing      ${formatPercentiles(percentiles(toAnalytics))}`,
      `        sampling the venue's books (feed worker)       ${formatPercentiles(percentiles(sampling))}`,
      `        the hop to analytics (clone, port, busy worker) ${formatPercentiles(percentiles(hopIn))}`,
      `        waiting for the other venues' reports          ${formatPercentiles(percentiles(queued))}`,
      `      evaluating the boundary (rules, history, alerts) ${formatPercentiles(percentiles(evaluating))}`,
      `    of which the hop to the main thread               ${formatPercentiles(percentiles(hop))}`,
      `  screen: to each alert event in a WebSocket client   ${formatPercentiles(percentiles(toScreen))}${unseen > 0 ? `; ${unseen} events not seen by the client` : ''}`,
      `  (that frame's arrival after the boundary instant     ${formatPercentiles(percentiles(afterBoundary))})`,
    ];
    return { instruments: run.instruments, measuredSeconds: measured, batches: batches.length, events, engine: percentiles(engine), screen: percentiles(toScreen), lines };
  } finally {
    client.kill();
    await run.stop();
  }
}

function parse(argv: readonly string[]): LiveLatencyOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      seconds: { type: 'string', default: '60' },
      'extra-assets': { type: 'string', default: String(WHOLE_MARKET_EXTRA_ASSETS) },
      'diff-assets': { type: 'string', default: String(WHOLE_MARKET_DIFF_ASSETS) },
      probes: { type: 'string', default: '40' },
      wait: { type: 'string', default: '240' },
    },
  });
  return {
    seconds: Number(values.seconds),
    extraAssets: Number(values['extra-assets']),
    diffAssets: Number(values['diff-assets']),
    probes: Number(values.probes),
    waitSeconds: Number(values.wait),
    log: (line) => process.stderr.write(`${line}\n`),
  };
}

export const liveLatencyBench: BenchModule = {
  name: 'live-latency',
  group: 'live',
  async run(): Promise<BenchResult[]> {
    const result = await runLiveLatency(parse([]));
    console.log(result.lines.join('\n'));
    const row = (name: string, p: ReturnType<typeof percentiles>): BenchResult => ({
      name,
      ops: p?.n ?? 0,
      seconds: result.measuredSeconds,
      unit: 'alert samples',
      note: formatPercentiles(p),
    });
    return [row(`frame -> alert, main thread (${result.instruments} instr.)`, result.engine), row('frame -> alert, WebSocket client', result.screen)];
  },
};

if (process.argv[1] === import.meta.filename) {
  const result = await runLiveLatency(parse(process.argv.slice(2)));
  console.log(result.lines.join('\n'));
}
