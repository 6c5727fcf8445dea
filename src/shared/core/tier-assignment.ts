/**
 * Liquidity tiers from 24 h volume or resting depth (alerts.yaml `tiers:`,
 * docs/discovery.md "Liquidity tiers"). Pure: the evidence comes in, a tier
 * goes out.
 *
 * A listing belongs to the first tier (most liquid first) whose volume bar
 * its 24 h volume reaches, or whose depth bar its median resting depth
 * reaches (bid + ask within the tier's band of the mid, in USD, as the
 * engine measures `depth_bid_<n>bps` + `depth_ask_<n>bps`). Depth is only
 * known once books have run, so it comes from the history: the median of
 * the hourly means over the last day.
 *
 * Hysteresis: when the listing already has a tier (a refresh), it moves up
 * as soon as it meets a higher tier's bar, but down only once it misses its
 * own tier's bars by more than `hysteresis` (20 %): a book hovering around
 * a bar does not flap between two rule sets. Evidence that is unknown
 * (no ticker, no history) never moves a tier.
 */

/** What a tier asks of a listing (alerts.yaml `tiers[]`, as TierConfig). */
export interface TierBar {
  readonly name: string;
  readonly minVolume24hUsd: number;
  /** null / absent: volume only. */
  readonly minDepthUsd?: number | null;
  /** The band the depth bar is measured within; default 10 bps. */
  readonly depthBandBps?: number;
}

/** What is known of a listing's liquidity. */
export interface LiquidityEvidence {
  /** 24 h traded notional in USD; null when unknown. */
  readonly volume24hUsd: number | null;
  /** Median resting depth in USD (both sides) within a band; null when not observed. */
  readonly restingDepthUsd?: (bandBps: number) => number | null;
}

export interface TierAssignment<T extends TierBar> {
  readonly tier: T | null;
  /** Which bar placed it there: `volume`, `depth`, `kept` (hysteresis or no evidence); null without a tier. */
  readonly by: 'volume' | 'depth' | 'kept' | null;
}

/** Fraction of its own bar a listing may fall below before it drops a tier. */
export const DEFAULT_TIER_HYSTERESIS = 0.2;

const DEFAULT_BAND_BPS = 10;

/** Which bar of `tier` the evidence meets at `scale` x the bar, if any. */
function meets(tier: TierBar, evidence: LiquidityEvidence, scale: number): 'volume' | 'depth' | null {
  const volume = evidence.volume24hUsd;
  if (volume !== null && Number.isFinite(volume) && volume >= tier.minVolume24hUsd * scale) return 'volume';
  if (tier.minDepthUsd == null || !evidence.restingDepthUsd) return null;
  const depth = evidence.restingDepthUsd(tier.depthBandBps ?? DEFAULT_BAND_BPS);
  return depth !== null && Number.isFinite(depth) && depth >= tier.minDepthUsd * scale ? 'depth' : null;
}

/**
 * The tier of a listing; `previous` (its tier so far, by name) applies the
 * hysteresis. Without any evidence (volume unknown, depth not observed) a
 * previous tier is kept and a new listing has none (judged by `default`).
 *
 * @example
 * assignTier(tiers, { volume24hUsd: null, restingDepthUsd: () => 3e6 }) // the first tier whose min_depth_usd <= $3 M
 */
export function assignTier<T extends TierBar>(
  tiers: readonly T[],
  evidence: LiquidityEvidence,
  previous: string | null = null,
  hysteresis = DEFAULT_TIER_HYSTERESIS,
): TierAssignment<T> {
  let first: TierAssignment<T> = { tier: null, by: null };
  for (const tier of tiers) {
    const by = meets(tier, evidence, 1);
    if (by !== null) {
      first = { tier, by };
      break;
    }
  }
  const at = previous === null ? -1 : tiers.findIndex((t) => t.name === previous);
  if (at < 0) return first;
  const held = tiers[at]!;
  const unknown = evidence.volume24hUsd === null && !tiers.some((t) => t.minDepthUsd != null && evidence.restingDepthUsd?.(t.depthBandBps ?? DEFAULT_BAND_BPS) != null);
  if (unknown) return { tier: held, by: 'kept' };
  const firstAt = first.tier === null ? tiers.length : tiers.indexOf(first.tier);
  if (firstAt <= at) return first;
  // Below its own bar: kept while within the hysteresis of it.
  return meets(held, evidence, 1 - hysteresis) !== null ? { tier: held, by: 'kept' } : first;
}

/** The median of the finite values; null when there are none. */
export function median(values: readonly number[]): number | null {
  const finite = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (finite.length === 0) return null;
  const mid = finite.length >> 1;
  return finite.length % 2 === 1 ? finite[mid]! : (finite[mid - 1]! + finite[mid]!) / 2;
}
