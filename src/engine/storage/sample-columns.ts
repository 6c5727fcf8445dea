/*
 * The frozen column lists of the samples table, apart from the migrations so
 * that the rollup code the v4 migration runs can use them without an import cycle.
 */

/**
 * Metrics stored as their own REAL column in `samples`, frozen with schema
 * version 1: a metric added to the core later lands in `samples.extra` (JSON)
 * until a migration gives it a column, so the schema never depends on code.
 */
export const SAMPLE_METRIC_COLUMNS = [
  'mid',
  'spread_abs',
  'spread_bps',
  'imbalance',
  'depth_bid_10bps',
  'depth_ask_10bps',
  'depth_10bps',
  'depth_bid_25bps',
  'depth_ask_25bps',
  'depth_bid_50bps',
  'depth_ask_50bps',
  'depth_bid_100bps',
  'depth_ask_100bps',
  'basis_perp_spot_bps',
  'basis_perp_index_bps',
  'basis_mark_index_bps',
  'funding_rate',
  'cross_venue_bps',
] as const;

/**
 * Metrics whose z-score has a column (`z_<metric>`); other z-scores go to
 * `samples.extra`. The columns hold round(z x {@link ZSCORE_SCALE}) as INTEGER:
 * SQLite stores small integers in 1-3 bytes instead of 8 for a REAL, which
 * saves ~45 bytes a row, and a thousandth of a z is finer than any rule needs.
 */
export const SAMPLE_ZSCORE_COLUMNS = [
  'spread_bps',
  'depth_10bps',
  'imbalance',
  'basis_perp_spot_bps',
  'basis_perp_index_bps',
  'basis_mark_index_bps',
  'funding_rate',
  'cross_venue_bps',
] as const;

/** z-score columns hold z x this, rounded. */
export const ZSCORE_SCALE = 1000;

/** Depth metrics with a bit in `samples.covered` (bit i = column i of this list reaches its band). */
export const COVERAGE_BITS = SAMPLE_METRIC_COLUMNS.filter((m) => m.startsWith('depth_'));
