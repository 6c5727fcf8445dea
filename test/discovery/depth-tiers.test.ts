import { describe, expect, it } from 'vitest';
import { binanceListings } from '../../src/engine/discovery/binance-listings';
import { historyRestingDepth } from '../../src/engine/discovery/resting-depth';
import { resolveSelection, type SelectionInput } from '../../src/engine/discovery/resolve-selection';
import { openHistoryDb } from '../../src/engine/storage/history-db';
import { HistoryWriter } from '../../src/engine/storage/history-writer';
import type { TierConfig } from '../../src/shared/config';
import type { Instrument, MetricName } from '../../src/shared/core/model';
import { assignTier, median } from '../../src/shared/core/tier-assignment';
import type { SampleEvaluation } from '../../src/shared/core/surveillance-evaluator';
import { PERP, syntheticSamples } from '../storage/fixtures/synthetic';
import { tempDbPath } from '../storage/helpers';
import { binanceTicker, exchangeInfo, usdmSymbol } from './samples';

const TIERS: TierConfig[] = [
  { name: 'major', minVolume24hUsd: 1e9, depth: 'full', minDepthUsd: 1e6, depthBandBps: 10 },
  { name: 'liquid', minVolume24hUsd: 2e7, depth: 'full', minDepthUsd: 1e5, depthBandBps: 10 },
  { name: 'long_tail', minVolume24hUsd: 0, depth: 'partial', minDepthUsd: null, depthBandBps: 10 },
];
const HOUR = 3_600_000;
const START = Date.UTC(2026, 10, 1);

describe('assignTier', () => {
  const depth = (usd: number | null) => ({ volume24hUsd: 5e6, restingDepthUsd: () => usd });
  it('the first tier whose volume bar or depth bar the listing reaches', () => {
    expect(assignTier(TIERS, depth(2e6))).toMatchObject({ tier: { name: 'major' }, by: 'depth' });
    expect(assignTier(TIERS, { volume24hUsd: 3e7, restingDepthUsd: () => 5e4 })).toMatchObject({ tier: { name: 'liquid' }, by: 'volume' });
    expect(assignTier(TIERS, depth(null))).toMatchObject({ tier: { name: 'long_tail' }, by: 'volume' });
    // Volume unknown, depth observed (a hand-listed instrument the ticker does not list).
    expect(assignTier(TIERS, { volume24hUsd: null, restingDepthUsd: () => 2e5 })).toMatchObject({ tier: { name: 'liquid' }, by: 'depth' });
    expect(assignTier(TIERS, { volume24hUsd: null })).toEqual({ tier: null, by: null });
  });

  it('hysteresis: up at once, down only past 20 % below its own bar; unknown evidence keeps the tier', () => {
    expect(assignTier(TIERS, depth(2e6), 'liquid').tier!.name).toBe('major');
    expect(assignTier(TIERS, depth(0.85e6), 'major')).toMatchObject({ tier: { name: 'major' }, by: 'kept' });
    expect(assignTier(TIERS, depth(0.79e6), 'major')).toMatchObject({ tier: { name: 'liquid' }, by: 'depth' });
    expect(assignTier(TIERS, { volume24hUsd: null, restingDepthUsd: () => null }, 'major')).toMatchObject({ tier: { name: 'major' }, by: 'kept' });
    expect(median([3, 1, 2, Number.NaN])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});

/** `hours` of samples at 60 s for `symbol`, depth scaled by `scale` (the synthetic book is ~$1.7 M within 10 bps, both sides). */
function history(writer: HistoryWriter, symbol: string, scale: number, hours: number): void {
  const instrument: Instrument = { ...PERP, symbol, id: `${symbol.replace('USDT', '')}-USDT-PERP`, base: symbol.replace('USDT', '') };
  const samples = syntheticSamples(instrument, START, 60_000, symbol.length);
  for (let i = 0; i < hours * 60; i++) {
    const e: SampleEvaluation = samples.next();
    const values = { ...e.sample.values };
    for (const k of Object.keys(values) as MetricName[]) if (k.startsWith('depth_')) values[k] = values[k]! * scale;
    writer.onEvaluation({ ...e, sample: { ...e.sample, values } }, instrument);
  }
}

describe('tiers by resting depth, from the history', () => {
  it('reads the median hourly depth the writer stored and tiers a listing whose volume alone would not', () => {
    const path = tempDbPath();
    const db = openHistoryDb(path);
    const writer = new HistoryWriter(db, { flushIntervalMs: 3_600_000, maxBatchRows: 1000, sampleIntervalMs: 60_000 });
    history(writer, 'DEEPUSDT', 1, 26);
    history(writer, 'THINUSDT', 0.01, 26);
    writer.close();
    db.close();

    const now = START + 26 * HOUR;
    const depth = historyRestingDepth(path, TIERS, now)!;
    expect(depth('binance-usdm:DEEPUSDT', 10)).toBeGreaterThan(1e6);
    expect(depth('binance-usdm:DEEPUSDT', 10)).toBeLessThan(3e6);
    expect(depth('binance-usdm:THINUSDT', 10)).toBeLessThan(1e5);
    expect(depth('binance-usdm:NEWUSDT', 10)).toBeNull();

    const markets = binanceListings(
      'usdm',
      exchangeInfo([usdmSymbol('DEEP', 'USDT'), usdmSymbol('THIN', 'USDT'), usdmSymbol('NEW', 'USDT')]),
      JSON.stringify([binanceTicker('DEEPUSDT', '10', '5000000'), binanceTicker('THINUSDT', '10', '5000000'), binanceTicker('NEWUSDT', '10', '5000000')]),
    ).markets;
    const input: SelectionInput = {
      instruments: {},
      rules: [{ venue: 'binance-usdm', type: 'perpetual', quotes: null, minVolume24hUsd: 0, exclude: [], maxInstruments: null, depth: 'auto' }],
      tiers: TIERS,
      restingDepth: depth,
    };
    const result = resolveSelection(input, new Map([['binance-usdm', markets]]));
    expect(result.listings.map((l) => [l.symbol, l.tier, l.tierBy, l.depth])).toEqual([
      ['DEEPUSDT', 'major', 'depth', 'full'],
      ['THINUSDT', 'long_tail', 'volume', 'partial'],
      ['NEWUSDT', 'long_tail', 'volume', 'partial'],
    ]);
    // Without the history the same listings go by volume alone.
    const byVolume = resolveSelection({ ...input, restingDepth: undefined }, new Map([['binance-usdm', markets]]));
    expect(byVolume.listings.map((l) => l.tier)).toEqual(['long_tail', 'long_tail', 'long_tail']);
    // No file yet (a first start): no depth source.
    expect(historyRestingDepth(`${path}.missing`, TIERS, now)).toBeNull();
  });
});
