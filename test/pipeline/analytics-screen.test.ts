/**
 * Analytics screens each boundary before preparing it (screenValue, read by
 * SurveillanceEvaluator.mayBeUrgent): a metric's value computed without the
 * sample being built. The screen only orders the work, but it is only worth
 * its name if it reads what the prepared sample will carry: the same value
 * where the metric's sources are healthy, nothing where one is not.
 */
import { describe, expect, it } from 'vitest';
import { Analytics } from '../../src/engine/pipeline/analytics';
import { pipelineSettingsFrom } from '../../src/engine/pipeline/pipeline-settings';
import type { BookSample } from '../../src/engine/pipeline/venue-books';
import { blindingReason } from '../../src/shared/core/metric-sources';
import { METRIC_NAMES, type Instrument, type MetricName, type MetricSample } from '../../src/shared/core/model';
import { listing } from '../support/listings';
import { mulberry32 } from '../support/prng';
import { CONFIG } from '../simulator/helpers';

const T0 = Date.UTC(2026, 2, 2);

const LISTINGS = [
  listing('binance-usdm', 'BTCUSDT', 'BTC-USDT-PERP', 'perpetual'),
  listing('binance-spot', 'BTCUSDT', 'BTC-USDT-SPOT', 'spot'),
  listing('binance-spot', 'ETHBTC', 'ETH-BTC-SPOT', 'spot', 'BTC'),
  listing('binance-usdm', 'BTCUSDT_261225', 'BTC-USDT-261225', 'future', 'USDT', { expiry: Date.UTC(2026, 11, 25, 8) }),
  listing('okx', 'BTC-USDT-SWAP', 'BTC-USDT-PERP', 'perpetual'),
  listing('okx', 'BTC-USDT', 'BTC-USDT-SPOT', 'spot'),
  listing('okx', 'SOL-USDT-SWAP', 'SOL-USDT-PERP', 'perpetual'),
];

/** Every metric a rule can name: raw book figures, USD depth, basis, funding, cross-venue. */
const METRICS: readonly MetricName[] = METRIC_NAMES;

type Internals = {
  screenValue(s: BookSample, metric: MetricName, byKey: ReadonlyMap<string, BookSample>): number | undefined;
  metricSample(s: BookSample, byKey: ReadonlyMap<string, BookSample>): MetricSample;
};

describe('Analytics screen values', () => {
  it('are the prepared sample’s values where the metric’s sources are healthy, and nothing where one is not', () => {
    const analytics = new Analytics(pipelineSettingsFrom(CONFIG));
    const inside = analytics as unknown as Internals;
    const rng = mulberry32(11);
    const seen = { equal: 0, blind: 0, absent: 0 };
    for (let b = 0; b < 400; b++) {
      const samples: BookSample[] = LISTINGS.map((l) => {
        const base = l.base === 'BTC' ? 100_000 : l.base === 'ETH' ? 0.04 : 150;
        const mid = base * (1 + (rng() - 0.5) / 100);
        const depth = 10_000 + rng() * 1e6;
        return {
          key: `${l.venue}:${l.symbol}`,
          instrument: { ...l },
          time: T0 + b * 1000,
          values: { mid, spread_bps: rng() * 10, imbalance: rng() - 0.5, depth_10bps: depth, depth_bid_50bps: depth * 2, depth_ask_50bps: depth * 3 },
          covered: {},
          // Now and then a stale venue, an invalid book, a stale reference, a missing mark.
          bookValid: rng() > 0.15,
          venueStale: rng() < 0.1,
          gapSinceSample: rng() < 0.05,
          referenceStale: rng() < 0.1,
          ...(l.type !== 'spot' && rng() > 0.1 ? { markPrice: mid * (1 + (rng() - 0.5) / 500), indexPrice: base, fundingRate: (rng() - 0.5) / 1000, fundingIntervalMs: rng() < 0.5 ? 3_600_000 : 8 * 3_600_000 } : {}),
        };
      });
      // A venue's sample may be missing from a boundary.
      const present = samples.filter(() => rng() > 0.05);
      analytics.evaluate(present);
      const byKey = new Map(present.map((s) => [s.key, s]));
      for (const s of present) {
        const prepared = inside.metricSample(s, byKey);
        for (const metric of METRICS) {
          const screened = inside.screenValue(s, metric, byKey);
          const blind = blindingReason(metric, prepared.health) !== null;
          const value = prepared.values[metric];
          if (blind) {
            expect(screened, `${s.key} ${metric} at ${b}: blind`).toBeUndefined();
            seen.blind += 1;
          } else if (value === undefined) {
            expect(screened, `${s.key} ${metric} at ${b}`).toBeUndefined();
            seen.absent += 1;
          } else {
            expect(screened, `${s.key} ${metric} at ${b}`).toBe(value);
            seen.equal += 1;
          }
        }
      }
    }
    expect(seen.equal).toBeGreaterThan(5_000);
    expect(seen.blind).toBeGreaterThan(1_000);
  });
});

describe('Analytics links kept between boundaries', () => {
  it('are looked up again when a listing arrives: a spot leg listed after its perpetual gives the basis from then on', () => {
    const analytics = new Analytics(pipelineSettingsFrom(CONFIG));
    const perp = LISTINGS[0]!;
    const spot = LISTINGS[1]!;
    const sample = (l: Instrument, b: number, mid: number): BookSample => ({
      key: `${l.venue}:${l.symbol}`,
      instrument: { ...l },
      time: T0 + b * 1000,
      values: { mid, spread_bps: 1 },
      covered: {},
      bookValid: true,
      venueStale: false,
      gapSinceSample: false,
      referenceStale: false,
    });
    const basisAt = (b: number, withSpot: boolean) => {
      const samples = [sample(perp, b, 100_100), ...(withSpot ? [sample(spot, b, 100_000)] : [])];
      const out = analytics.evaluate(samples, () => {});
      return out[0]!.sample.values.basis_perp_spot_bps;
    };
    for (let b = 0; b < 3; b++) expect(basisAt(b, false)).toBeUndefined();
    expect(basisAt(3, true)).toBeCloseTo(10, 6);
  });
});
