import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** ../shared beside the repository (CI lays it there), or SURVEIL_SHARED. */
export const sharedDir = process.env.SURVEIL_SHARED ?? resolve(repoRoot, '../shared');

/** Path of a real recording in ../shared/data/real/. */
export function realRecording(name: string): string {
  const path = resolve(sharedDir, 'data/real', name);
  if (!existsSync(path)) throw new Error(`missing real recording ${path}: is ../shared beside the repository?`);
  return path;
}

export const REAL = {
  binanceSpot: 'binance-spot-2021-10-12.jsonl',
  binanceUsdm: 'binance-usdm-2021-07-22-sushi-akro.jsonl',
  okx: 'okx-2022-05-13-uni-usd-swap.jsonl',
} as const;

/** The real recordings with Binance COIN-M's (cryptofeed's BINANCE_DELIVERY sample), which tests that predate the venue leave out of REAL. */
export const RECORDINGS = { ...REAL, binanceCoinm: 'binance-coinm-2021-07-22.jsonl' } as const;

export { repoRoot };
