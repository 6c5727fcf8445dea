/**
 * The analytics worker screens a boundary's samples as each venue reports
 * (Analytics.screenArrived), so that the report completing the boundary
 * leaves only its own samples, and the metrics of the others that read it,
 * to screen. That may change how soon work is done, never what it gives: the
 * same evaluations and the same order of work (alerts first) as a screen
 * taken when the boundary completes, whatever order the venues report in.
 */
import { describe, expect, it } from 'vitest';
import { Analytics, BoundaryScreen } from '../../src/engine/pipeline/analytics';
import { pipelineSettingsFrom } from '../../src/engine/pipeline/pipeline-settings';
import type { BookSample } from '../../src/engine/pipeline/venue-books';
import type { SampleEvaluation } from '../../src/shared/core/surveillance-evaluator';
import { listing } from '../support/listings';
import { mulberry32 } from '../support/prng';
import { CONFIG } from '../simulator/helpers';

const T0 = Date.UTC(2026, 2, 2);

// Perpetuals whose spot leg is another venue's report (basis), twins across exchanges
// (cross-venue), pairs quoted in BTC whose USD depth (two depth rules in their long-tail tier) needs the BTC-USDT book.
const LISTINGS = [
  listing('binance-usdm', 'BTCUSDT', 'BTC-USDT-PERP', 'perpetual'),
  listing('binance-usdm', 'ETHUSDT', 'ETH-USDT-PERP', 'perpetual'),
  listing('binance-spot', 'BTCUSDT', 'BTC-USDT-SPOT', 'spot'),
  listing('binance-spot', 'ETHUSDT', 'ETH-USDT-SPOT', 'spot'),
  listing('binance-spot', 'ETHBTC', 'ETH-BTC-SPOT', 'spot', 'BTC', { tier: 'long_tail' }),
  listing('okx', 'BTC-USDT-SWAP', 'BTC-USDT-PERP', 'perpetual'),
  listing('okx', 'ETH-USDT-SWAP', 'ETH-USDT-PERP', 'perpetual'),
  listing('okx', 'BTC-USDT', 'BTC-USDT-SPOT', 'spot'),
  listing('okx', 'ETH-BTC', 'ETH-BTC-SPOT', 'spot', 'BTC', { tier: 'long_tail' }),
];
const VENUES = [...new Set(LISTINGS.map((l) => l.venue))];
const PRICE: Record<string, number> = { BTC: 100_000, ETH: 3_000 };

/** A moving market with now and then a blowout: wide spreads, thin books, a leg off its twin, an unhealthy source. */
function boundarySamples(rng: () => number, b: number): BookSample[] {
  return LISTINGS.map((l) => {
    const base = l.quote === 'BTC' ? PRICE[l.base]! / PRICE.BTC! : PRICE[l.base]!;
    const off = rng() < 0.08 ? (rng() - 0.5) * 0.01 : 0;
    const mid = base * (1 + (rng() - 0.5) / 5_000 + off);
    const depth = rng() < 0.06 ? rng() * 40_000 : 200_000 + rng() * 1e6;
    return {
      key: `${l.venue}:${l.symbol}`,
      // One object per listing, as the worker's unpacker keeps it between boundaries.
      instrument: l,
      time: T0 + b * 1000,
      values: { mid, spread_bps: rng() < 0.07 ? 5 + rng() * 20 : rng() * 2, imbalance: rng() - 0.5, depth_10bps: depth, depth_bid_50bps: depth * 2, depth_ask_50bps: depth * 3 },
      covered: {},
      bookValid: rng() > 0.04,
      venueStale: rng() < 0.03,
      gapSinceSample: rng() < 0.02,
      referenceStale: rng() < 0.03,
      ...(l.type !== 'spot' ? { markPrice: mid * (1 + (rng() - 0.5) / 2_000), indexPrice: base, fundingRate: (rng() - 0.5) / 1000, fundingIntervalMs: 8 * 3_600_000 } : {}),
    };
  });
}

/** The evaluations and the order they were handed over in (the keys; where chunks end depends on the clock, so not that). */
function evaluateRecorded(analytics: Analytics, samples: readonly BookSample[], ahead?: BoundaryScreen): { out: SampleEvaluation[]; order: string[] } {
  const order: string[] = [];
  const out = analytics.evaluate(samples, (chunk) => order.push(...chunk.map((e) => e.sample.key)), 2, ahead);
  return { out, order };
}

describe('a boundary screened as its venues report', () => {
  it('gives the same evaluations in the same order as one screened when it completes, whatever order the venues report in', () => {
    const plain = new Analytics(pipelineSettingsFrom(CONFIG));
    const ahead = new Analytics(pipelineSettingsFrom(CONFIG));
    // Counts what the completing report left to screen.
    let fullScreens = 0;
    let finished = 0;
    const evaluator = ahead.evaluator;
    const mayBeUrgent = evaluator.mayBeUrgent.bind(evaluator);
    const finishScreen = evaluator.finishScreen.bind(evaluator);
    evaluator.mayBeUrgent = (...args) => ((fullScreens += 1), mayBeUrgent(...args));
    evaluator.finishScreen = (...args) => ((finished += 1), finishScreen(...args));
    const rng = mulberry32(7);
    const arrival = mulberry32(8);
    const seen = { decided: 0, left: 0, events: 0, boundariesWithEvents: 0 };
    for (let b = 0; b < 600; b++) {
      const samples = boundarySamples(rng, b);
      const order = [...VENUES].sort(() => arrival() - 0.5);
      const screen = new BoundaryScreen(T0 + b * 1000);
      for (let v = 0; v < order.length - 1; v++) {
        const waiting = new Set(order.slice(v + 1));
        ahead.screenArrived(screen, samples.filter((s) => s.instrument.venue === order[v]), waiting);
      }
      for (const verdict of screen.verdicts.values()) {
        if (typeof verdict === 'boolean') seen.decided += 1;
        else seen.left += 1;
      }
      // An acknowledgement between the reports and the evaluation changes what a screen answers: the verdicts are not used then.
      if (b % 50 === 49) {
        const open = ahead.evaluator.openAlerts()[0];
        if (open) ahead.acknowledge(open.id, { by: 'test', time: T0 + b * 1000, note: '' });
        const same = plain.evaluator.openAlerts().find((a) => a.key === open?.key && a.metric === open.metric);
        if (same) plain.acknowledge(same.id, { by: 'test', time: T0 + b * 1000, note: '' });
      }
      // Samples in the workers' order, venue by venue as they reported.
      const ordered = order.flatMap((venue) => samples.filter((s) => s.instrument.venue === venue));
      const before = { fullScreens, finished };
      const a = evaluateRecorded(plain, ordered);
      const z = evaluateRecorded(ahead, ordered, screen);
      expect(z.out, `boundary ${b}`).toEqual(a.out);
      expect(z.order, `boundary ${b}: the order of work`).toEqual(a.order);
      const events = a.out.reduce((n, e) => n + e.events.length, 0);
      seen.events += events;
      if (events > 0) seen.boundariesWithEvents += 1;
      // Where the verdicts held, only the completing venue's samples were screened whole.
      if (b > 0 && b % 50 !== 49) {
        const last = ordered.filter((s) => s.instrument.venue === order[order.length - 1]).length;
        expect(fullScreens - before.fullScreens, `boundary ${b}: samples screened whole at completion`).toBe(last);
        expect(finished - before.finished).toBe([...screen.verdicts.values()].filter((v) => typeof v !== 'boolean').length);
      }
    }
    // The run is worth its name: verdicts both decided ahead and left for later, alerts opening and resolving.
    expect(seen.decided).toBeGreaterThan(1_000);
    expect(seen.left).toBeGreaterThan(500);
    expect(seen.boundariesWithEvents).toBeGreaterThan(20);
  });

  it('drops the verdicts when a report brings a changed instrument, and when a boundary is evaluated in between', () => {
    const plain = new Analytics(pipelineSettingsFrom(CONFIG));
    const ahead = new Analytics(pipelineSettingsFrom(CONFIG));
    let fullScreens = 0;
    const evaluator = ahead.evaluator;
    const mayBeUrgent = evaluator.mayBeUrgent.bind(evaluator);
    evaluator.mayBeUrgent = (...args) => ((fullScreens += 1), mayBeUrgent(...args));
    const rng = mulberry32(3);
    for (let b = 0; b < 3; b++) {
      const samples = boundarySamples(rng, b);
      plain.evaluate(samples, () => {});
      ahead.evaluate(samples, () => {});
    }
    // A tick size change on one listing: its links and rules move at evaluation.
    const changed = boundarySamples(rng, 3).map((s, i) => (i === 2 ? { ...s, instrument: { ...s.instrument, tickSize: 0.1 } } : s));
    const screen = new BoundaryScreen(T0 + 3000);
    ahead.screenArrived(screen, changed.filter((s) => s.instrument.venue !== 'okx'), new Set(['okx']));
    expect(screen.changedInstruments).toBe(true);
    fullScreens = 0;
    expect(evaluateRecorded(ahead, changed, screen)).toEqual(evaluateRecorded(plain, changed));
    expect(fullScreens).toBe(changed.length);
    // Screened ahead, then a boundary evaluated before this one completes: another state, every sample screened again.
    const next = boundarySamples(rng, 5).map((s, i) => (i === 2 ? { ...s, instrument: changed[2]!.instrument } : s));
    const early = new BoundaryScreen(T0 + 5000);
    ahead.screenArrived(early, next.filter((s) => s.instrument.venue !== 'okx'), new Set(['okx']));
    expect(early.verdicts.size).toBeGreaterThan(0);
    const between = boundarySamples(rng, 4).map((s, i) => (i === 2 ? { ...s, instrument: changed[2]!.instrument } : s));
    expect(evaluateRecorded(ahead, between)).toEqual(evaluateRecorded(plain, between));
    fullScreens = 0;
    expect(evaluateRecorded(ahead, next, early)).toEqual(evaluateRecorded(plain, next));
    expect(fullScreens).toBe(next.length);
  });
});
