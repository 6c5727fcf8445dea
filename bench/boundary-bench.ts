/**
 * One sampling boundary of the whole market in the analytics worker
 * (issue 11, latency): 2,500 instruments' book samples through basis,
 * z-scores, rules and alert lifecycles (`Analytics.evaluate`), then what the
 * worker does with the results: the history queue and its commit, and the
 * structured clones of the hop in (samples) and the hop out (the UI's
 * evaluations). Each part is timed on its own so the boundary's cost can be
 * read per instrument and set against the evaluator alone (`evaluator` bench).
 *
 *   npm run bench -- boundary
 *
 * Samples are real: every instrument gets an order book of 100 levels a side
 * around its simulated price, measured by `bookMetrics` as a feed worker
 * does, then jittered per boundary so the z-score windows see a moving series.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadConfig } from '../src/engine/config/load-config';
import { Analytics, BoundaryScreen } from '../src/engine/pipeline/analytics';
import { pipelineSettingsFrom } from '../src/engine/pipeline/pipeline-settings';
import type { BookSample } from '../src/engine/pipeline/venue-books';
import { simInstruments, simInstrumentsConfig, tickOf, type SimInstrument } from '../src/engine/simulator/sim-instruments';
import { openHistoryDb } from '../src/engine/storage/history-db';
import { HistoryWriter } from '../src/engine/storage/history-writer';
import { SamplePacker, SampleUnpacker } from '../src/engine/workers/packed-samples';
import { briefEvaluation, uiEvaluation } from '../src/engine/workers/ui-evaluation';
import { bookMetrics } from '../src/shared/core/metrics';
import type { Instrument, RawLevel } from '../src/shared/core/model';
import { OrderBook } from '../src/shared/core/order-book';
import { repoRoot } from '../test/support/shared-data';
import type { BenchModule, BenchResult } from './index';
import { WHOLE_MARKET_EXTRA_ASSETS } from './live-run';

/** Enough for the z-score windows to warm (min_samples 30) before the blowouts begin at {@link BLOWOUTS_FROM}. */
const BOUNDARIES = 80;
const BLOWOUTS_FROM = 40;

function instrumentOf(s: SimInstrument): Instrument {
  return {
    venue: s.venue,
    symbol: s.symbol,
    id: s.id,
    type: s.type,
    base: s.base,
    quote: s.quote,
    tickSize: tickOf(s),
    contractKind: 'linear',
    contractValue: s.contractValue,
    ...(s.index ? { indexSymbol: s.index } : {}),
  };
}

/** A 100-level book around `price`, one tick apart, measured once. */
function baseSample(instrument: Instrument, price: number, bands: readonly number[]): BookSample {
  const book = new OrderBook();
  const tick = instrument.tickSize;
  const mid = Math.round(price / tick) * tick;
  const bids: RawLevel[] = [];
  const asks: RawLevel[] = [];
  for (let i = 1; i <= 100; i++) {
    bids.push([String(mid - i * tick), String(1 + (i % 7))]);
    asks.push([String(mid + i * tick), String(1 + (i % 5))]);
  }
  book.applySnapshot(bids, asks);
  const metrics = bookMetrics(book, instrument, bands);
  return {
    key: `${instrument.venue}:${instrument.symbol}`,
    instrument,
    time: 0,
    values: metrics.values,
    covered: metrics.covered,
    bookValid: true,
    venueStale: false,
    gapSinceSample: false,
    referenceStale: false,
    ...(instrument.type === 'perpetual' ? { markPrice: mid, indexPrice: mid, fundingRate: 0.0001, nextFundingTime: 8 * 3_600_000, fundingIntervalMs: 8 * 3_600_000 } : {}),
  };
}

export interface BoundaryTimes {
  readonly instruments: number;
  readonly boundaries: number;
  /** ms per boundary, medians. */
  readonly cloneIn: number;
  /** The hop as the workers make it: packed in the feed worker, cloned, unpacked in analytics (packed-samples.ts). */
  readonly packedHop: number;
  readonly evaluate: number;
  /** From the start of `Analytics.evaluate` to the first chunk with an alert event handed over (boundaries with events only). */
  readonly firstEvent: number;
  /** From the start of `Analytics.evaluate` until the last chunk with an alert event is handed over. */
  readonly lastEvent: number;
  /**
   * The same two, from the report that completes the boundary, the other
   * venues' samples screened as they reported (`Analytics.screenArrived`,
   * as the worker does); the completing venue turns round boundary by boundary.
   */
  readonly firstEventAhead: number;
  readonly lastEventAhead: number;
  /** The screens taken as the other venues reported, together, off the path to the alert. */
  readonly screenAhead: number;
  readonly historyQueue: number;
  readonly historyCommit: number;
  readonly cloneOut: number;
  /** The same without rule detail: what rows no client shows in full cost. */
  readonly cloneOutBrief: number;
}

export function runBoundaryBench(extraAssets = WHOLE_MARKET_EXTRA_ASSETS, boundaries = BOUNDARIES): BoundaryTimes {
  const config = loadConfig(join(repoRoot, 'config'));
  const list = simInstruments(extraAssets);
  const withInstruments = { ...config, instruments: simInstrumentsConfig(extraAssets) };
  const settings = pipelineSettingsFrom(withInstruments);
  // One price per asset, as a market has: a perpetual and its spot leg (and the same pair on
  // another venue) agree, so basis and cross-venue rules see a market, not thousands of dislocations.
  const priceOf = new Map<string, number>();
  for (const s of list) if (!priceOf.has(s.base)) priceOf.set(s.base, 1 + ((priceOf.size * 7919) % 50_000));
  const bases = list.map((s) => baseSample(instrumentOf(s), priceOf.get(s.base)!, config.features.depthBandsBps));
  const dir = mkdtempSync(join(tmpdir(), 'boundary-bench-'));
  const db = openHistoryDb(join(dir, 'history.db'));
  const history = new HistoryWriter(db, { sampleIntervalMs: 1000, flushIntervalMs: 3_600_000, maxBatchRows: Number.MAX_SAFE_INTEGER });
  const analytics = new Analytics(settings);
  const packer = new SamplePacker();
  const unpacker = new SampleUnpacker();
  const venues = [...new Set(list.map((s) => s.venue))];
  const times: Record<
    'cloneIn' | 'packedHop' | 'evaluate' | 'firstEvent' | 'lastEvent' | 'firstEventAhead' | 'lastEventAhead' | 'screenAhead' | 'historyQueue' | 'historyCommit' | 'cloneOut' | 'cloneOutBrief',
    number[]
  > = {
    cloneIn: [],
    packedHop: [],
    evaluate: [],
    firstEvent: [],
    lastEvent: [],
    firstEventAhead: [],
    lastEventAhead: [],
    screenAhead: [],
    historyQueue: [],
    historyCommit: [],
    cloneOut: [],
    cloneOutBrief: [],
  };
  let x = 1;
  const jitter = (): number => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x / 2147483648 - 0.5;
  };
  try {
    for (let b = 0; b < boundaries; b++) {
      const time = 1_700_000_000_000 + b * 1000;
      const samples = bases.map((s, i) => {
        const values = { ...s.values };
        if (values.mid !== undefined) values.mid *= 1 + jitter() * 1e-4;
        if (values.spread_bps !== undefined) values.spread_bps *= 1 + jitter() * 0.2;
        // One instrument in a hundred blows its spread out: what the operator waits to hear about.
        // After warmup, so they fire on threshold and z as live anomalies do (not on a cold window).
        // A different 1 % of the market blows out on each boundary from BLOWOUTS_FROM, for one sample: alerts open on every
        // boundary, and from the clear time on others resolve (a fixed set blowing out held its alerts firing, so
        // one boundary in 80 raised events and the latency rows were that boundary's).
        if (values.spread_bps !== undefined && b >= BLOWOUTS_FROM && (i + b) % 100 === 7) values.spread_bps = 500 + jitter();
        return { ...s, time, values };
      });
      let t = performance.now();
      structuredClone(samples);
      times.cloneIn.push(performance.now() - t);
      t = performance.now();
      const received = unpacker.unpack(structuredClone(packer.pack(time, samples)));
      times.packedHop.push(performance.now() - t);
      // Odd boundaries as the worker runs them: the venues before the completing one screened as they report.
      let screen: BoundaryScreen | undefined;
      if (b % 2 === 1) {
        screen = new BoundaryScreen(time);
        const completing = venues[((b - 1) / 2) % venues.length]!;
        const waiting = new Set<string>([completing]);
        t = performance.now();
        for (const venue of venues) {
          if (venue === completing) continue;
          analytics.screenArrived(screen, received.filter((s) => s.instrument.venue === venue), waiting);
        }
        times.screenAhead.push(performance.now() - t);
      }
      t = performance.now();
      let first = NaN;
      let last = NaN;
      const evaluations = analytics.evaluate(
        received,
        (chunk) => {
          if (!chunk.some((e) => e.events.length > 0)) return;
          last = performance.now() - t;
          if (Number.isNaN(first)) first = last;
        },
        128,
        screen,
      );
      if (screen === undefined) times.evaluate.push(performance.now() - t);
      // Boundaries without an alert event have no latency to speak of.
      if (!Number.isNaN(first)) {
        times[screen === undefined ? 'firstEvent' : 'firstEventAhead'].push(first);
        times[screen === undefined ? 'lastEvent' : 'lastEventAhead'].push(last);
      }
      t = performance.now();
      for (let i = 0; i < evaluations.length; i++) history.onEvaluation(evaluations[i]!, received[i]!.instrument);
      times.historyQueue.push(performance.now() - t);
      t = performance.now();
      history.flush();
      times.historyCommit.push(performance.now() - t);
      t = performance.now();
      structuredClone(evaluations.map(uiEvaluation));
      times.cloneOut.push(performance.now() - t);
      t = performance.now();
      structuredClone(evaluations.map((e) => briefEvaluation(uiEvaluation(e))));
      times.cloneOutBrief.push(performance.now() - t);
    }
  } finally {
    history.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
  // The first boundaries fill caches and prepare statements: the steady state is what a live second costs.
  const median = (values: number[]): number => {
    const steady = values.slice(Math.min(5, values.length - 1)).sort((a, b) => a - b);
    return steady[Math.floor(steady.length / 2)]!;
  };
  return {
    instruments: list.length,
    boundaries,
    cloneIn: median(times.cloneIn),
    packedHop: median(times.packedHop),
    evaluate: median(times.evaluate),
    firstEvent: median(times.firstEvent),
    lastEvent: median(times.lastEvent),
    firstEventAhead: median(times.firstEventAhead),
    lastEventAhead: median(times.lastEventAhead),
    screenAhead: median(times.screenAhead),
    historyQueue: median(times.historyQueue),
    historyCommit: median(times.historyCommit),
    cloneOut: median(times.cloneOut),
    cloneOutBrief: median(times.cloneOutBrief),
  };
}

export const boundaryBench: BenchModule = {
  name: 'boundary',
  group: 'boundary',
  run(): BenchResult[] {
    const r = runBoundaryBench();
    const row = (name: string, ms: number): BenchResult => ({
      name: `boundary of ${r.instruments}: ${name}`,
      ops: r.instruments,
      seconds: ms / 1000,
      unit: 'instruments',
      note: `median ${ms.toFixed(1)} ms per boundary, ${((ms * 1000) / r.instruments).toFixed(1)} µs per instrument`,
    });
    return [
      row('structured clone of the samples as objects (the hop in before session 4)', r.cloneIn),
      row('hop in as the workers make it: pack, structured clone, unpack', r.packedHop),
      row('Analytics.evaluate', r.evaluate),
      row('Analytics.evaluate until the first alert event is handed over', r.firstEvent),
      row('Analytics.evaluate until every alert event is handed over', r.lastEvent),
      row('from the completing report until the first alert event, the others screened as they reported', r.firstEventAhead),
      row('from the completing report until every alert event, the others screened as they reported', r.lastEventAhead),
      row('screens taken as the other venues reported, while waiting (off the path)', r.screenAhead),
      row('history queue', r.historyQueue),
      row('history commit (samples + rollups)', r.historyCommit),
      row('structured clone of the UI evaluations, rule detail (hop out)', r.cloneOut),
      row('structured clone of the UI evaluations, brief (rows no client shows in full)', r.cloneOutBrief),
    ];
  },
};
