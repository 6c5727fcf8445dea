import { z } from 'zod';
import type { VenueId } from '../core/model';
import { positiveInt } from './schema-parts';

/**
 * How deep a selected instrument's book is followed: `full` is the venue's
 * incremental book synced to a REST snapshot, `partial` a self-contained
 * top-of-book stream (no snapshot, shallow), `auto` the choice of the
 * instrument's liquidity tier (alerts.yaml `tiers[].depth`).
 */
export type DepthChoice = 'full' | 'partial' | 'auto';

/** The venues a rule can select from, as capture venue ids. */
export const SELECTABLE_VENUES = ['binance-spot', 'binance-usdm', 'okx'] as const satisfies readonly VenueId[];
export type SelectableVenue = (typeof SELECTABLE_VENUES)[number];

/** One `select:` entry of instruments.yaml: every listing of a venue that passes its filters. */
export interface SelectionRule {
  readonly venue: SelectableVenue;
  /** `future`: dated futures (Binance USD-M quarterlies, OKX FUTURES), each carrying its expiry. */
  readonly type: 'perpetual' | 'spot' | 'future';
  /** Quote assets kept (`USDT`, `USDC`); null keeps every quote. */
  readonly quotes: readonly string[] | null;
  /** 24 h traded notional in USD a listing needs; 0 keeps listings of unknown volume too. */
  readonly minVolume24hUsd: number;
  /** Venue symbols (`BTCDOMUSDT`), base assets (`USDC`) or canonical ids left out. */
  readonly exclude: readonly string[];
  /** Keep only the N most traded; null keeps all. */
  readonly maxInstruments: number | null;
  readonly depth: DepthChoice;
}

/** instruments.yaml `select:` and `discovery:` after validation. */
export interface SelectionConfig {
  readonly rules: readonly SelectionRule[];
  /** How often the venues' listings are fetched again to catch listings, delistings and halts. */
  readonly refreshMinutes: number;
}

/** No rules: the hand-listed instruments are the whole selection. */
export const NO_SELECTION: SelectionConfig = { rules: [], refreshMinutes: 15 };

const asset = z.string().regex(/^[A-Z0-9]+$/, 'expected an upper-case asset such as USDT');

const ruleSchema = z
  .object({
    venue: z.enum(SELECTABLE_VENUES),
    // Binance runs spot apart from USD-M (perpetuals by default, or dated futures); OKX lists all three.
    type: z.enum(['perpetual', 'spot', 'future']).optional(),
    quotes: z.array(asset).min(1).optional(),
    min_volume_24h_usd: z.number().min(0).optional(),
    exclude: z.array(z.string().regex(/^[A-Z0-9-]+$/, 'expected a symbol, asset or instrument id such as BTCDOMUSDT')).optional(),
    max_instruments: positiveInt.optional(),
    depth: z.enum(['full', 'partial', 'auto']).optional(),
  })
  .strict()
  .superRefine((r, ctx) => {
    if (r.venue === 'okx' && r.type === undefined) {
      ctx.addIssue({ code: 'custom', path: ['type'], message: 'missing required key (okx lists all three: perpetual, spot or future)' });
    }
    if (r.venue === 'binance-spot' && r.type !== undefined && r.type !== 'spot') {
      ctx.addIssue({ code: 'custom', path: ['type'], message: `binance-spot lists only spot instruments, got ${r.type}` });
    }
    if (r.venue === 'binance-usdm' && r.type === 'spot') {
      ctx.addIssue({ code: 'custom', path: ['type'], message: 'binance-usdm lists perpetual and future instruments, got spot' });
    }
  })
  .transform(
    (r): SelectionRule => ({
      venue: r.venue,
      type: r.type ?? (r.venue === 'binance-spot' ? 'spot' : 'perpetual'),
      quotes: r.quotes ?? null,
      minVolume24hUsd: r.min_volume_24h_usd ?? 0,
      exclude: r.exclude ?? [],
      maxInstruments: r.max_instruments ?? null,
      depth: r.depth ?? 'auto',
    }),
  );

/** Schema of the `select:` list. */
export const selectRulesSchema = z.array(ruleSchema).min(1);

/** Schema of the `discovery:` section. */
export const discoverySchema = z
  .object({
    // Under a minute would spend the venues' request weight on listings that change a few times a week.
    refresh_minutes: z.number().min(1).max(1440),
  })
  .strict();
