/**
 * The live analytics worker evaluates a boundary with the open-alert
 * instruments first and posts each chunk's alerts as it goes
 * (analytics-worker.ts). That is only sound if neither the order of the
 * samples nor the chunking changes any evaluation.
 */
import { describe, expect, it } from 'vitest';
import { Analytics } from '../../src/engine/pipeline/analytics';
import { pipelineSettingsFrom } from '../../src/engine/pipeline/pipeline-settings';
import type { BookSample } from '../../src/engine/pipeline/venue-books';
import type { Instrument } from '../../src/shared/core/model';
import type { SampleEvaluation } from '../../src/shared/core/surveillance-evaluator';
import { CONFIG } from '../simulator/helpers';

const T0 = Date.UTC(2026, 2, 2);

const instrument = (venue: Instrument['venue'], symbol: string, id: string, type: Instrument['type']): Instrument => ({
  venue,
  symbol,
  id,
  type,
  base: id.split('-')[0]!,
  quote: 'USDT',
  tickSize: 0.1,
  contractKind: 'linear',
  contractValue: 1,
});

const LISTINGS = [
  instrument('binance-usdm', 'BTCUSDT', 'BTC-USDT-PERP', 'perpetual'),
  instrument('binance-spot', 'BTCUSDT', 'BTC-USDT-SPOT', 'spot'),
  instrument('binance-usdm', 'ETHUSDT', 'ETH-USDT-PERP', 'perpetual'),
  instrument('binance-spot', 'ETHUSDT', 'ETH-USDT-SPOT', 'spot'),
  instrument('okx', 'BTC-USDT-SWAP', 'BTC-USDT-PERP', 'perpetual'),
  instrument('okx', 'BTC-USDT', 'BTC-USDT-SPOT', 'spot'),
  instrument('okx', 'ETH-USDT-SWAP', 'ETH-USDT-PERP', 'perpetual'),
];

/** Boundary `b`: every listing, the perps dislocated from their spot legs from boundary 40 on, with fresh copies of each instrument as a thread hop gives. */
function boundary(b: number): BookSample[] {
  return LISTINGS.map((listed, i) => {
    const base = listed.base === 'BTC' ? 100_000 : 4_000;
    const wiggle = Math.sin(b * 0.7 + i) * 0.5;
    const dislocated = listed.type === 'perpetual' && b >= 40 ? 1.01 : 1;
    const mid = base * (1 + wiggle / 10_000) * dislocated;
    return {
      key: `${listed.venue}:${listed.symbol}`,
      instrument: { ...listed },
      time: T0 + b * 1000,
      values: { mid, spread_bps: 1 + wiggle, depth_10bps: 2_000_000, depth_bid_10bps: 1_000_000, depth_ask_10bps: 1_000_000, imbalance: wiggle / 2 },
      covered: {},
      bookValid: true,
      venueStale: false,
      gapSinceSample: false,
      referenceStale: false,
      ...(listed.type === 'perpetual' ? { markPrice: mid, indexPrice: base, fundingRate: 0.0001 } : {}),
    };
  });
}

const byKey = (evaluations: readonly SampleEvaluation[]) => new Map(evaluations.map((e) => [e.sample.key, e]));

describe('Analytics: order and chunks do not change a boundary', () => {
  it('gives the same evaluations with the samples reversed and chunked, hands over what can alert first, and names the instruments with open alerts', () => {
    const plain = new Analytics(pipelineSettingsFrom(CONFIG));
    const chunked = new Analytics(pipelineSettingsFrom(CONFIG));
    let opened = 0;
    let candidatesFirst = 0;
    for (let b = 0; b < 80; b++) {
      const samples = boundary(b);
      const expected = plain.evaluate(samples);
      const reversed = [...boundary(b)].reverse();
      const chunks: SampleEvaluation[][] = [];
      const got = chunked.evaluate(reversed, (chunk) => chunks.push([...chunk]), 3);
      // Every evaluation handed over once, in runs of at most 3; evaluate still answers in the samples' order.
      expect(chunks.every((c) => c.length > 0 && c.length <= 3)).toBe(true);
      expect(new Set(chunks.flat())).toEqual(new Set(got));
      expect(chunks.flat()).toHaveLength(got.length);
      expect(got.map((e) => e.sample.key)).toEqual(reversed.map((s) => s.key));
      // What can alert first: every evaluation with an alert event comes before the spot books (never past a threshold here).
      const flat = chunks.flat();
      const firstSpot = flat.findIndex((e) => LISTINGS.find((l) => `${l.venue}:${l.symbol}` === e.sample.key)!.type === 'spot');
      const lastEvent = flat.findLastIndex((e) => e.events.length > 0);
      if (lastEvent >= 0) {
        expect(lastEvent).toBeLessThan(firstSpot);
        candidatesFirst += 1;
      }
      const want = byKey(expected);
      for (const evaluation of got) expect(evaluation).toEqual(want.get(evaluation.sample.key));
      opened += got.reduce((n, e) => n + e.events.length, 0);
    }
    // The dislocation opened basis alerts on the perps (judged against their spot legs, pending for their persistence): the test saw alerts, not only quiet books.
    expect(opened).toBeGreaterThan(0);
    expect(candidatesFirst).toBeGreaterThan(0);
    const open = chunked.keysWithOpenAlerts();
    expect([...open].sort()).toEqual([...plain.keysWithOpenAlerts()].sort());
    expect(open.size).toBeGreaterThan(0);
    for (const key of open) expect(LISTINGS.find((l) => `${l.venue}:${l.symbol}` === key)?.type).toBe('perpetual');
  });
});
