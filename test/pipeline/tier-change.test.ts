/**
 * A listing that moves to another liquidity tier while the engine runs (a
 * discovery refresh re-resolves tiers with hysteresis) is judged by the new
 * tier's rules from its next sample: the books carry the new tier on their
 * instruments, the analytics side looks the rules up again, z-score windows
 * are kept, and an alert of a metric the new tier has no rule for is wound
 * down, never left open for good.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseCaptureFrame } from '../../src/engine/capture/capture-reader';
import { Analytics, type AnalyticsSettings } from '../../src/engine/pipeline/analytics';
import { VenueBooks, type BookSample } from '../../src/engine/pipeline/venue-books';
import { tiersOfConfig } from '../../src/engine/workers/engine-host';
import type { Instrument } from '../../src/shared/core/model';
import type { RuleSpec } from '../../src/shared/core/rule-types';
import { REAL, realRecording } from '../support/shared-data';
import { CONFIG } from '../simulator/helpers';

const rule = (name: string, metric: RuleSpec['metric'], direction: RuleSpec['direction'], threshold: number, zscore: number | null, severity: RuleSpec['severity'] = 'warning'): RuleSpec => ({
  name,
  metric,
  direction,
  threshold,
  zscore,
  persistSeconds: 0,
  severity,
  clearSeconds: 5,
});

/** `major`: tight spread and a depth floor; `tail`: a wide spread bar and no depth rule. */
const TIER_RULES: Record<string, readonly RuleSpec[]> = {
  major: [rule('spread_warning', 'spread_bps', 'above', 3, 2), rule('depth_warning', 'depth_10bps', 'below', 100_000, null)],
  tail: [rule('spread_warning', 'spread_bps', 'above', 20, 2)],
};

const INSTRUMENT: Instrument = { venue: 'binance-usdm', symbol: 'XUSDT', id: 'X-USDT-PERP', type: 'perpetual', base: 'X', quote: 'USDT', tickSize: 0.01, contractKind: 'linear', contractValue: 1, tier: 'major' };

function settings(): AnalyticsSettings {
  return {
    sampleIntervalMs: 1000,
    zscore: { enabled: true, windowSize: 120, minSamples: 60, resetOnGap: true },
    rulesFor: (instrument) => TIER_RULES[instrument.tier ?? 'major']!,
  };
}

function sample(i: number, instrument: Instrument, spread: number, depth: number): BookSample {
  return {
    key: `${instrument.venue}:${instrument.symbol}`,
    instrument,
    time: Date.UTC(2026, 10, 1) + i * 1000,
    values: { mid: 10, spread_bps: spread, depth_10bps: depth, depth_bid_10bps: depth, depth_ask_10bps: depth, imbalance: 0 },
    covered: {},
    bookValid: true,
    venueStale: false,
    gapSinceSample: false,
    referenceStale: false,
  };
}

describe('a listing moving tier mid-run', () => {
  it('is judged by the new tier from its next sample, keeps its z-score windows, and winds down the alert of a rule the new tier lacks', () => {
    const analytics = new Analytics(settings());
    const wiggle = (i: number): number => 1 + 0.2 * Math.sin(i);
    let i = 0;
    // Warm up as a major: calm spread, deep book.
    for (; i < 100; i++) analytics.evaluate([sample(i, { ...INSTRUMENT }, wiggle(i), 500_000)]);
    // A 6 bps spread is past the major's 3 bps bar and unusual; the depth falls under the major's floor.
    const opened = analytics.evaluate([sample(i++, { ...INSTRUMENT }, 6, 50_000)])[0]!;
    expect(opened.events.map((e) => `${e.rule}:${e.kind}`).sort()).toEqual(['depth_warning:firing', 'spread_warning:firing']);
    // The refresh moves it to the tail tier (a fresh copy of the instrument, as across a thread hop).
    const moved = analytics.evaluate([sample(i++, { ...INSTRUMENT, tier: 'tail' }, 6, 50_000)])[0]!;
    expect(moved.rules.map((r) => `${r.rule}@${r.threshold}`)).toEqual(['spread_warning@20']);
    // The window was kept: the z is ready at once, no re-warm.
    expect(moved.zscores.spread_bps?.ready).toBe(true);
    expect(moved.reset).toBe(false);
    // Both alerts are still open for their clear time: the spread one under a bar it no longer passes, the depth one with no rule at all.
    expect(analytics.keysWithOpenAlerts().size).toBe(1);
    const resolved: string[] = [];
    for (let k = 0; k < 10; k++) for (const e of analytics.evaluate([sample(i++, { ...INSTRUMENT, tier: 'tail' }, 6, 50_000)])[0]!.events) resolved.push(`${e.rule}:${e.kind}`);
    expect(resolved.sort()).toEqual(['depth_warning:resolved', 'spread_warning:resolved']);
    expect(analytics.keysWithOpenAlerts().size).toBe(0);
    // Under the tail tier the 6 bps spread is not an alert; a 40 bps one is.
    const wide = analytics.evaluate([sample(i++, { ...INSTRUMENT, tier: 'tail' }, 40, 50_000)])[0]!;
    expect(wide.events.map((e) => `${e.rule}:${e.kind}`)).toEqual(['spread_warning:firing']);
    // Back to major: the depth rule is judged again (its window is there: z-scores were kept for it all along).
    const back = analytics.evaluate([sample(i, { ...INSTRUMENT }, 40, 50_000)])[0]!;
    expect(back.rules.map((r) => r.rule)).toEqual(['spread_warning', 'depth_warning']);
    expect(back.events.map((e) => `${e.rule}:${e.kind}`)).toEqual(['depth_warning:firing']);
  });

  it('the same rules under another tier name change nothing, and a pending alert of a dropped metric is cancelled', () => {
    const rules: Record<string, readonly RuleSpec[]> = {
      a: [rule('spread_warning', 'spread_bps', 'above', 3, null), { ...rule('depth_warning', 'depth_10bps', 'below', 100_000, null), persistSeconds: 30 }],
      b: [rule('spread_warning', 'spread_bps', 'above', 3, null), { ...rule('depth_warning', 'depth_10bps', 'below', 100_000, null), persistSeconds: 30 }],
      c: [rule('spread_warning', 'spread_bps', 'above', 3, null)],
    };
    const analytics = new Analytics({ ...settings(), rulesFor: (instrument) => rules[instrument.tier!]! });
    const at = (i: number, tier: string) => sample(i, { ...INSTRUMENT, tier }, 1, 50_000);
    expect(analytics.evaluate([at(0, 'a')])[0]!.events.map((e) => e.kind)).toEqual(['pending']);
    expect(analytics.evaluator.refreshRules('binance-usdm:XUSDT')).toBe(false);
    // Same rules under b: the pending episode goes on.
    expect(analytics.evaluate([at(1, 'b')])[0]!.events).toEqual([]);
    expect(analytics.keysWithOpenAlerts().size).toBe(1);
    // c has no depth rule: the pending depth alert is cancelled at once.
    expect(analytics.evaluate([at(2, 'c')])[0]!.events.map((e) => `${e.rule}:${e.kind}`)).toEqual(['depth_warning:cancelled']);
    expect(analytics.keysWithOpenAlerts().size).toBe(0);
  });

  it('books carry a new tier on their instruments from the next sample, and keep it through a metadata refresh', () => {
    const path = realRecording(REAL.binanceUsdm);
    const frames = readFileSync(path, 'utf8').trimEnd().split('\n').slice(1).map((line, n) => parseCaptureFrame(path, n + 2, line));
    const books = new VenueBooks({ staleTimeoutMs: 10_000, depthBandsBps: [10, 25, 50, 100] });
    for (const frame of frames) books.ingest(frame);
    const t = Math.ceil(frames.at(-1)!.t / 1000) * 1000;
    const before = books.sample(t).find((s) => s.key === 'binance-usdm:SUSHIUSDT')!;
    expect(before.instrument.tier).toBeUndefined();
    books.setTiers(new Map([['binance-usdm:SUSHIUSDT', 'tail'], ['binance-usdm:AKROUSDT', null]]));
    const after = books.sample(t + 1000);
    const sushi = after.find((s) => s.key === 'binance-usdm:SUSHIUSDT')!;
    expect(sushi.instrument).not.toBe(before.instrument);
    expect(sushi.instrument).toStrictEqual({ ...before.instrument, tier: 'tail' });
    expect(after.find((s) => s.key === 'binance-usdm:AKROUSDT')!.instrument.tier).toBeUndefined();
    // exchangeInfo again (a metadata refresh): the tier stays.
    books.ingest(frames.find((f) => f.url.includes('exchangeInfo'))!);
    expect(books.sample(t + 2000).find((s) => s.key === 'binance-usdm:SUSHIUSDT')!.instrument.tier).toBe('tail');
  });

  it('the console sends every enabled listing with its tier (null when it has none)', () => {
    const tiers = new Map(tiersOfConfig(CONFIG));
    const listings = Object.values(CONFIG.instruments).filter((i) => i.enabled).flatMap((i) => Object.values(i.venues).filter((l) => l !== undefined));
    expect(tiers.size).toBe(new Set(tiersOfConfig(CONFIG).map(([k]) => k)).size);
    expect(tiers.size).toBeGreaterThan(0);
    expect(tiers.size).toBeLessThanOrEqual(listings.length);
    for (const [key, tier] of tiers) {
      expect(key).toMatch(/^[a-z-]+:[A-Z0-9_-]+$/);
      expect(tier === null || typeof tier === 'string').toBe(true);
    }
  });
});
