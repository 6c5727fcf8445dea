import { FEED_METRIC_NAMES, METRIC_NAMES, type FeedMetricName, type InstrumentType, type MetricName } from '../core/model';

/** Depth metrics for configurable bands: `depth_bid_25bps`, `depth_ask_100bps`. */
const DEPTH_SIDE_BAND = /^depth_(?:bid|ask)_(\d+(?:\.\d+)?)bps$/;
/** `depth_10bps` (the thinner side) carries its band without a side. */
const DEPTH_BAND = /^depth_(\d+(?:\.\d+)?)bps$/;

const KNOWN: ReadonlySet<string> = new Set(METRIC_NAMES);
const FEED: ReadonlySet<string> = new Set(FEED_METRIC_NAMES);

/**
 * True for the fixed market metric names and for any `depth_(bid|ask)_<n>bps`
 * band metric. Feed metrics are not market metrics: an instrument's sample
 * never carries one, so a market rule on one would never have a value.
 */
export function isMetricName(name: string): name is MetricName {
  return KNOWN.has(name) || DEPTH_SIDE_BAND.test(name);
}

/** The depth band (bps) a depth metric reads from, or null for non-depth metrics. */
export function depthBandOf(metric: MetricName): number | null {
  const match = DEPTH_SIDE_BAND.exec(metric) ?? DEPTH_BAND.exec(metric);
  return match?.[1] === undefined ? null : Number(match[1]);
}

/**
 * Whether the core can ever produce `metric` for an instrument of `type`.
 * Spot has no mark, index, funding or perp leg, so basis and funding metrics
 * never exist for it; a dated future has basis but no funding, and only a
 * dated future has an annualized basis.
 */
export function metricAppliesTo(metric: MetricName, type: InstrumentType): boolean {
  const funding = metric === 'funding_rate' || metric === 'funding_bps_8h';
  if (type === 'spot') return !metric.startsWith('basis_') && !funding;
  if (type === 'future') return !funding;
  // Only a dated future has an expiry to annualize to.
  return metric !== 'basis_annualized_pct';
}

/** True for a feed-integrity metric (`feed_down_seconds`, `gaps_in_window`, ...). */
export function isFeedMetricName(name: string): name is FeedMetricName {
  return FEED.has(name);
}
