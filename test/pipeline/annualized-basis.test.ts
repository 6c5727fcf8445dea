/**
 * Dated futures: the basis against the index, annualized to the expiry, so a
 * quarterly's large raw basis (carry, by construction) is read on the scale a
 * desk compares across expiries; none in the last day, none for perpetuals.
 */
import { describe, expect, it } from 'vitest';
import { Analytics } from '../../src/engine/pipeline/analytics';
import { pipelineSettingsFrom } from '../../src/engine/pipeline/pipeline-settings';
import type { BookSample } from '../../src/engine/pipeline/venue-books';
import { metricAppliesTo } from '../../src/shared/config/metric-names';
import { annualizedBasisPct, MIN_ANNUALIZED_MS } from '../../src/shared/core/basis';
import type { Instrument } from '../../src/shared/core/model';
import { CONFIG } from '../simulator/helpers';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 8, 1);

const listing = (symbol: string, type: Instrument['type'], expiry?: number): Instrument => ({
  venue: 'binance-usdm',
  symbol,
  id: `BTC-USDT-${symbol}`,
  type,
  base: 'BTC',
  quote: 'USDT',
  tickSize: 0.1,
  contractKind: 'linear',
  contractValue: 1,
  ...(expiry === undefined ? {} : { expiry }),
});

const sample = (instrument: Instrument, time: number, mid: number, indexPrice: number): BookSample => ({
  key: `${instrument.venue}:${instrument.symbol}`,
  instrument,
  time,
  values: { mid, spread_bps: 1, depth_10bps: 2_000_000, depth_bid_10bps: 1_000_000, depth_ask_10bps: 1_000_000, imbalance: 0 },
  covered: {},
  bookValid: true,
  venueStale: false,
  gapSinceSample: false,
  referenceStale: false,
  markPrice: mid,
  indexPrice,
});

describe('annualized basis of dated futures', () => {
  it('is the basis in % a year to the expiry (ACT/365), and none in the last day or without a basis', () => {
    expect(annualizedBasisPct(50, 90 * DAY)).toBeCloseTo(0.5 * (365 / 90), 12);
    expect(annualizedBasisPct(-20, 365 * DAY)).toBeCloseTo(-0.2, 12);
    expect(annualizedBasisPct(50, MIN_ANNUALIZED_MS)).toBeCloseTo(0.5 * 365, 9);
    expect(annualizedBasisPct(50, MIN_ANNUALIZED_MS - 1)).toBeUndefined();
    expect(annualizedBasisPct(50, -DAY)).toBeUndefined();
    expect(annualizedBasisPct(undefined, 90 * DAY)).toBeUndefined();
    expect(annualizedBasisPct(Number.NaN, 90 * DAY)).toBeUndefined();
  });

  it('is computed by the pipeline for a future from its mid and index, and for no perpetual', () => {
    const analytics = new Analytics(pipelineSettingsFrom(CONFIG));
    const quarterly = listing('BTCUSDT_261225', 'future', T0 + 30 * DAY);
    const expiring = listing('BTCUSDT_260902', 'future', T0 + DAY / 2);
    const perpetual = listing('BTCUSDT', 'perpetual');
    const [q, e, p] = analytics.evaluate([sample(quarterly, T0, 101_000, 100_000), sample(expiring, T0, 100_010, 100_000), sample(perpetual, T0, 100_100, 100_000)]);
    // 100 bps over the index with 30 days left: 1 % x 365 / 30.
    expect(q!.sample.values.basis_perp_index_bps).toBeCloseTo(100, 9);
    expect(q!.sample.values.basis_annualized_pct).toBeCloseTo(365 / 30, 9);
    // Half a day left: the raw basis judges convergence, the annualized figure is absent.
    expect(e!.sample.values.basis_perp_index_bps).toBeCloseTo(1, 9);
    expect(e!.sample.values.basis_annualized_pct).toBeUndefined();
    expect(p!.sample.values.basis_perp_index_bps).toBeCloseTo(10, 9);
    expect(p!.sample.values.basis_annualized_pct).toBeUndefined();
  });

  it('is a metric of dated futures only', () => {
    expect(metricAppliesTo('basis_annualized_pct', 'future')).toBe(true);
    expect(metricAppliesTo('basis_annualized_pct', 'perpetual')).toBe(false);
    expect(metricAppliesTo('basis_annualized_pct', 'spot')).toBe(false);
  });
});
