import type { DataHealth, DataSource, MetricName, SkipReason, SourceHealth } from './model';

const BOOK: readonly DataSource[] = ['book'];
const REFERENCE: readonly DataSource[] = ['reference'];
const BOOK_AND_SPOT: readonly DataSource[] = ['book', 'spot_leg'];
const BOOK_AND_REFERENCE: readonly DataSource[] = ['book', 'reference'];
const BOOK_AND_PEER: readonly DataSource[] = ['book', 'peer'];
const BOOK_IN_USD: readonly DataSource[] = ['book', 'usd_rate'];

/**
 * The sources a metric is computed from. Mark vs index and funding come from
 * the venue's reference streams alone, so a crossed or resyncing book must not
 * blind them; basis against spot also needs the spot leg's book.
 */
export function sourcesOf(metric: MetricName): readonly DataSource[] {
  switch (metric) {
    case 'basis_mark_index_bps':
    case 'funding_rate':
    case 'funding_bps_8h':
      return REFERENCE;
    case 'basis_perp_spot_bps':
      return BOOK_AND_SPOT;
    case 'basis_perp_index_bps':
    case 'basis_annualized_pct':
      return BOOK_AND_REFERENCE;
    case 'cross_venue_bps':
      return BOOK_AND_PEER;
    default:
      // Depth is notional: judged in USD, so it also needs the quote asset's USD price.
      return metric.startsWith('depth_') ? BOOK_IN_USD : BOOK;
  }
}

const HEALTHY: SourceHealth = { state: 'ok', gap: false };
const STALE: SourceHealth = { state: 'stale', gap: false };
const INVALID: SourceHealth = { state: 'invalid', gap: false };

/** One source's health; a producer that reports no per-source health falls back to the instrument's. */
export function sourceHealth(health: DataHealth, source: DataSource): SourceHealth {
  const own = health.sources?.[source];
  if (own) return own;
  if (health.stale) return STALE;
  if (source === 'book' && !health.bookValid) return INVALID;
  return HEALTHY;
}

/** Why a metric cannot be judged on this sample (its first unhealthy source), or null. */
export function blindingReason(metric: MetricName, health: DataHealth): SkipReason | null {
  for (const source of sourcesOf(metric)) {
    const h = sourceHealth(health, source);
    if (h.state === 'ok') continue;
    if (source === 'usd_rate') return 'unconverted';
    if (h.state === 'stale') return source === 'reference' ? 'reference_stale' : source === 'book' ? 'stale_data' : 'leg_invalid';
    return source === 'book' ? 'book_invalid' : source === 'reference' ? 'reference_stale' : 'leg_invalid';
  }
  return null;
}

/** True when one of the metric's sources had a hole since the previous sample. */
export function sourcesInterrupted(metric: MetricName, health: DataHealth): boolean {
  for (const source of sourcesOf(metric)) if (health.sources?.[source]?.gap) return true;
  return false;
}
