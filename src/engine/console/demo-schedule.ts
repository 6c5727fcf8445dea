import { isScenarioName, type ScenarioRequest } from '../simulator';

/** The demo's name for the schedule below (`serve --demo showcase`, `npm run demo`). */
export const SHOWCASE = 'showcase';

/**
 * The live demo: about 32 s of calm market fill the z-score warmup
 * (features.yaml min_samples at 1 s sampling), then every alert family fires
 * and resolves within two minutes, each on its own instrument so the
 * operator can tell them apart, then feed faults (gap, checksum, disconnect,
 * stale) show in the feed view. Offsets are from the simulator's start.
 */
export const SHOWCASE_SCHEDULE: readonly ScenarioRequest[] = [
  // Basis needs 60 s of persistence for its critical rule: it starts first and lasts longest.
  { scenario: 'basis_dislocation', venue: 'binance-usdm', instruments: ['BTC-USDT-PERP'], injectAtMs: 36_000, injectForMs: 66_000 },
  { scenario: 'spread_blowout', venue: 'binance-usdm', instruments: ['ETH-USDT-PERP'], injectAtMs: 38_000, injectForMs: 20_000 },
  { scenario: 'liquidity_drain', venue: 'okx', instruments: ['BTC-USDT-PERP'], injectAtMs: 42_000, injectForMs: 20_000 },
  { scenario: 'mark_index_divergence', venue: 'okx', instruments: ['ETH-USDT-PERP'], injectAtMs: 46_000, injectForMs: 36_000 },
  { scenario: 'sequence_gap', venue: 'binance-spot', instruments: ['BTC-USDT-SPOT'], injectAtMs: 112_000 },
  { scenario: 'checksum_corruption', venue: 'okx', instruments: ['BTC-USDT-SPOT'], injectAtMs: 116_000 },
  // Longer than feed_down's 10 s: the demo shows the alert, the banner and its recovery.
  { scenario: 'disconnect', venue: 'binance-spot', injectAtMs: 122_000, injectForMs: 15_000 },
  { scenario: 'stale_feed', venue: 'okx', injectAtMs: 140_000, injectForMs: 12_000 },
];

/** A single scenario strikes this soon in a demo (the simulator's own default waits 330 s). */
export const DEMO_INJECT_AT_MS = 40_000;

/** The simulator schedule for `--demo NAME`; throws for an unknown name. */
export function demoSchedule(name: string): readonly ScenarioRequest[] {
  if (name === SHOWCASE) return SHOWCASE_SCHEDULE;
  if (!isScenarioName(name)) throw new Error(`unknown demo scenario "${name}"`);
  return [name === 'calm' ? { scenario: name } : { scenario: name, injectAtMs: DEMO_INJECT_AT_MS }];
}
