import { z } from 'zod';
import type { VenueId } from '../core/model';
import { positiveInt } from './schema-parts';
import { typesOfVenue, venueIdsOf, type VenueConfigPlugin } from './venue-config';

/**
 * How deep a selected instrument's book is followed: `full` is the venue's
 * incremental book synced to a REST snapshot, `partial` a self-contained
 * top-of-book stream (no snapshot, shallow), `auto` the choice of the
 * instrument's liquidity tier (alerts.yaml `tiers[].depth`).
 */
export type DepthChoice = 'full' | 'partial' | 'auto';

/** A venue a rule selects from, as its capture venue id: any venue plug-in's. */
export type SelectableVenue = VenueId;

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

/** `perpetual, spot or future` / `perpetual and future`, for a venue's types. */
function listed(types: readonly string[], last: 'or' | 'and'): string {
  return types.length < 2 ? types.join('') : `${types.slice(0, -1).join(', ')} ${last} ${types.at(-1)!}`;
}

function ruleSchemaOf(plugins: readonly VenueConfigPlugin[]) {
  const venues = venueIdsOf(plugins);
  const typesOf = new Map(venues.map((v) => [v, typesOfVenue(plugins, v)]));
  // A venue listing spot beside other types needs the rule to say which; else its own default.
  const defaultType = (venue: VenueId): SelectionRule['type'] | undefined => {
    const types = typesOf.get(venue) ?? [];
    if (types.length > 1 && types.includes('spot')) return undefined;
    return types.includes('perpetual') ? 'perpetual' : types[0];
  };
  return z
  .object({
    venue: z.enum(venues as [string, ...string[]]),
    // An exchange may run spot apart from its derivatives (Binance: perpetuals by default, or dated futures); OKX lists all three.
    type: z.enum(['perpetual', 'spot', 'future']).optional(),
    quotes: z.array(asset).min(1).optional(),
    min_volume_24h_usd: z.number().min(0).optional(),
    exclude: z.array(z.string().regex(/^[A-Z0-9-]+$/, 'expected a symbol, asset or instrument id such as BTCDOMUSDT')).optional(),
    max_instruments: positiveInt.optional(),
    depth: z.enum(['full', 'partial', 'auto']).optional(),
  })
  .strict()
  .superRefine((r, ctx) => {
    const types = typesOf.get(r.venue) ?? [];
    if (r.type === undefined && defaultType(r.venue) === undefined) {
      const all = types.length === 3 ? 'all three: ' : '';
      ctx.addIssue({ code: 'custom', path: ['type'], message: `missing required key (${r.venue} lists ${all}${listed(types, 'or')})` });
    }
    if (r.type !== undefined && !types.includes(r.type)) {
      const only = types.length === 1 ? `only ${types[0]!}` : listed(types, 'and');
      ctx.addIssue({ code: 'custom', path: ['type'], message: `${r.venue} lists ${only} instruments, got ${r.type}` });
    }
  })
  .transform(
    (r): SelectionRule => ({
      venue: r.venue,
      type: r.type ?? defaultType(r.venue) ?? 'perpetual',
      quotes: r.quotes ?? null,
      minVolume24hUsd: r.min_volume_24h_usd ?? 0,
      exclude: r.exclude ?? [],
      maxInstruments: r.max_instruments ?? null,
      depth: r.depth ?? 'auto',
    }),
  );
}

/** Schema of the `select:` list: rules over the plug-ins' venue ids. */
export function selectRulesSchemaOf(plugins: readonly VenueConfigPlugin[]) {
  return z.array(ruleSchemaOf(plugins)).min(1);
}

/** Schema of the `discovery:` section. */
export const discoverySchema = z
  .object({
    // Under a minute would spend the venues' request weight on listings that change a few times a week.
    refresh_minutes: z.number().min(1).max(1440),
  })
  .strict();
