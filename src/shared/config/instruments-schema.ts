import { z } from 'zod';
import type { InstrumentType } from '../core/model';
import { instrumentIdSchema, nonEmptyString, positiveNumber } from './schema-parts';
import { discoverySchema, NO_SELECTION, selectRulesSchemaOf, type SelectionConfig } from './selection-schema';
import { toVenueListing, type RawListing, type VenueConfigPlugin } from './venue-config';

/**
 * Book stream of a listing: `diff` is an incremental book kept in sync
 * against a REST snapshot; `partial20` a self-contained top-of-book
 * snapshot per message (no resync, but shallow). Each venue says which it
 * offers (its listing schema) and which is its default.
 */
export type DepthStream = 'diff' | 'partial20';

/** How one instrument is listed on one venue. */
export interface VenueListing {
  /** The venue's own symbol: `BTCUSDT`, `BTC-USDT-SWAP`, `BTC-USDT`. */
  readonly symbol: string;
  /**
   * `diff` or `partial20` where the venue's listing schema offers the
   * choice; null where the venue has one incremental stream (OKX `books`;
   * `partial20` is then set by discovery for the long tail, `books5`).
   */
  readonly depthStream: DepthStream | null;
  /**
   * Index the instrument is compared with (basis_perp_index_bps,
   * basis_mark_index_bps) when the venue publishes it apart, as
   * `Instrument.indexSymbol` (OKX's index-tickers instId, `BTC-USDT`).
   * Null where the venue's mark stream carries the symbol's own index
   * (Binance), and for spot.
   */
  readonly index: string | null;
  /** Fallback when venue metadata is not fetched (replay, simulation); null means fetch it. */
  readonly tickSize: number | null;
  /** Quantity step of the book's sizes (`Instrument.lotSize`); fallback like `tickSize`, absent or null when unknown. */
  readonly lotSize?: number | null;
  /** Base units (linear) per contract; fallback like `tickSize`. */
  readonly contractValue: number | null;
  /**
   * Liquidity tier (alerts.yaml `tiers`) whose profile this listing is judged
   * by: pinned in instruments.yaml or derived from its 24 h volume at start;
   * absent or null when unknown (then only `default` applies).
   */
  readonly tier?: string | null;
}

/** One canonical instrument from instruments.yaml. */
export interface InstrumentConfig {
  /** Canonical id, the key in instruments.yaml: `BTC-USDT-PERP`. */
  readonly id: string;
  readonly type: InstrumentType;
  readonly base: string;
  readonly quote: string;
  readonly enabled: boolean;
  /** Tier pinned by hand for every venue of the instrument; absent when left to the 24 h volume. */
  readonly tier?: string | null;
  /**
   * Perpetuals and futures: canonical id of the spot instrument their basis is
   * measured against; null when there is none (perp vs spot basis is then not measured).
   */
  readonly spot: string | null;
  /**
   * Dated futures: delivery / expiry, epoch ms (from the venue's listing
   * for rule-selected ones, `expiry:` for hand-listed ones); null otherwise.
   * Discovery treats a future past it as delisted.
   */
  readonly expiry?: number | null;
  /** How it is listed per exchange (`binance`, `okx`: the venue plug-ins' keys). */
  readonly venues: Readonly<Record<string, VenueListing>>;
}

/** instruments.yaml after validation, keyed by canonical id, in file order. */
export type InstrumentsConfig = Readonly<Record<string, InstrumentConfig>>;

/** Fields every venue's listing schema starts from (its `symbol` rule replaces the first). */
export const listingFields = {
  symbol: nonEmptyString,
  index: nonEmptyString.optional(),
  tick_size: positiveNumber.optional(),
  lot_size: positiveNumber.optional(),
  contract_value: positiveNumber.optional(),
};

function instrumentSchemaOf(plugins: readonly VenueConfigPlugin[]) {
  const names = plugins.map((p) => p.exchange).join(', ');
  return z
  .object({
    type: z.enum(['spot', 'perpetual', 'future']),
    base: z.string().regex(/^[A-Z0-9]+$/, 'expected an upper-case asset such as BTC'),
    quote: z.string().regex(/^[A-Z0-9]+$/, 'expected an upper-case asset such as USDT'),
    enabled: z.boolean(),
    tier: z.string().regex(/^[a-z][a-z0-9_]*$/, 'expected a tier name from alerts.yaml tiers, such as major').optional(),
    spot: instrumentIdSchema.optional(),
    // ISO 8601 in UTC: 2025-06-27T08:00:00Z (Binance and OKX deliver at 08:00 UTC).
    expiry: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2})?Z$/, 'expected a UTC time such as 2025-06-27T08:00:00Z').optional(),
    venues: z
      .object(Object.fromEntries(plugins.map((p) => [p.exchange, p.listingSchema.optional()])))
      .strict()
      .refine((v) => Object.values(v).some((l) => l !== undefined), `expected at least one venue (${names})`),
  })
  .strict();
}

interface RawInstrument {
  readonly type: InstrumentType;
  readonly base: string;
  readonly quote: string;
  readonly enabled: boolean;
  readonly tier?: string | undefined;
  readonly spot?: string | undefined;
  readonly expiry?: string | undefined;
  readonly venues: Readonly<Record<string, RawListing | undefined>>;
}

/** instruments.yaml as a whole: the hand-listed instruments and the selection rules. */
export interface InstrumentsFile {
  readonly instruments: InstrumentsConfig;
  readonly selection: SelectionConfig;
}

/** Top-level keys that are not instrument ids; lower-case, so they can never collide with one. */
const SECTION_KEYS = ['select', 'discovery'] as const;
const ID_PATTERN = /^[A-Z0-9]+(?:-[A-Z0-9]+)+$/;

/**
 * Schema of instruments.yaml: canonical id -> instrument, cross-checked within
 * the file, plus `select:` rules that pick instruments from the venues'
 * listings at start (resolved by the engine, src/engine/discovery).
 */
export function instrumentsSchemaOf(plugins: readonly VenueConfigPlugin[]) {
  const instrumentSchema = instrumentSchemaOf(plugins);
  const read = (value: unknown): RawInstrument => instrumentSchema.parse(value) as RawInstrument;
  return z
  .object({ select: selectRulesSchemaOf(plugins).optional(), discovery: discoverySchema.optional() })
  // Instruments are checked key by key below, so a misspelled section name is
  // reported as a bad key rather than as a malformed instrument.
  .catchall(z.unknown())
  .superRefine((file, ctx) => {
    const all: Record<string, RawInstrument> = {};
    let malformed = false;
    for (const [key, value] of Object.entries(file)) {
      if ((SECTION_KEYS as readonly string[]).includes(key)) continue;
      if (!ID_PATTERN.test(key)) {
        ctx.addIssue({ code: 'custom', path: [key], message: 'expected an instrument id such as BTC-USDT-PERP, or select: / discovery:' });
        continue;
      }
      const parsed = instrumentSchema.safeParse(value);
      if (parsed.success) all[key] = parsed.data as RawInstrument;
      else {
        malformed = true;
        for (const issue of parsed.error.issues) ctx.addIssue({ ...issue, path: [key, ...issue.path] } as Parameters<typeof ctx.addIssue>[0]);
      }
    }
    // References are checked once every instrument reads: a leg with a typo in it is not "unknown".
    if (malformed) return;
    if (Object.keys(all).length === 0 && file.select === undefined) {
      ctx.addIssue({ code: 'custom', path: [], message: 'expected at least one instrument or a select: rule' });
    }
    for (const [id, inst] of Object.entries(all)) checkInstrument(plugins, id, inst, all, ctx);
  })
  .transform((file): InstrumentsFile => {
    const instruments: Record<string, InstrumentConfig> = {};
    for (const [id, raw] of Object.entries(file)) {
      if ((SECTION_KEYS as readonly string[]).includes(id)) continue;
      instruments[id] = toInstrument(plugins, id, read(raw));
    }
    return {
      instruments,
      selection: {
        rules: file.select ?? NO_SELECTION.rules,
        refreshMinutes: file.discovery?.refresh_minutes ?? NO_SELECTION.refreshMinutes,
      },
    };
  });
}

function checkInstrument(
  plugins: readonly VenueConfigPlugin[],
  id: string,
  inst: RawInstrument,
  all: Record<string, RawInstrument>,
  ctx: z.RefinementCtx,
): void {
  const issue = (path: readonly (string | number)[], message: string): void =>
    ctx.addIssue({ code: 'custom', path: [id, ...path], message });

  if (inst.expiry !== undefined && inst.type !== 'future') issue(['expiry'], `only dated futures expire; this is a ${inst.type}`);
  if (inst.expiry !== undefined && !Number.isFinite(Date.parse(inst.expiry))) issue(['expiry'], `not a date: ${inst.expiry}`);

  for (const plugin of plugins) {
    const listing = inst.venues[plugin.exchange];
    if (listing === undefined) continue;
    const at = (path: readonly (string | number)[], message: string): void => issue(['venues', plugin.exchange, ...path], message);
    if (inst.type === 'spot' && listing.index !== undefined) at(['index'], 'spot instruments have no index');
    plugin.checkListing?.(inst.type, listing, at);
  }
  if (inst.type === 'spot') {
    if (inst.spot !== undefined) issue(['spot'], 'only perpetuals and futures have a spot leg');
    return;
  }
  // A perpetual's `spot` may be left out: an inverse swap (BTC-USD) has no spot market in its quote
  // currency, and then only perp-vs-index and mark-vs-index basis are measured.
  if (inst.spot !== undefined) {
    const leg = all[inst.spot];
    if (leg === undefined) issue(['spot'], `unknown instrument "${inst.spot}" (not in this file)`);
    else if (leg.type !== 'spot') issue(['spot'], `"${inst.spot}" is a ${leg.type}, expected a spot instrument`);
  }
}

function toInstrument(plugins: readonly VenueConfigPlugin[], id: string, raw: RawInstrument): InstrumentConfig {
  const venues: Record<string, VenueListing> = {};
  for (const plugin of plugins) {
    const listing = raw.venues[plugin.exchange];
    if (listing !== undefined) venues[plugin.exchange] = toVenueListing(plugin, listing, raw.type, raw.tier);
  }
  return {
    id,
    type: raw.type,
    base: raw.base,
    quote: raw.quote,
    enabled: raw.enabled,
    ...(raw.tier !== undefined && { tier: raw.tier }),
    spot: raw.spot ?? null,
    ...(raw.expiry !== undefined && { expiry: Date.parse(raw.expiry) }),
    venues,
  };
}
