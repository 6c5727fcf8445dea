import type { Prng } from './prng';

/**
 * An asset the simulated markets are built on: `BTC`, `ETH`, or a synthetic
 * `S01`, `S02`, ... added by the `extraAssets` option (scale tests).
 */
export type SimAsset = string;

/** The two majors every run lists; synthetic assets come after them. */
type MajorAsset = 'BTC' | 'ETH';

/** Volatility regimes: `calm` most of the time, `active` spells, `volatile` only when a scenario asks. */
export type VolRegime = 'calm' | 'active' | 'volatile';

/** Volatility of each regime relative to calm. */
const REGIME_VOL: Readonly<Record<VolRegime, number>> = { calm: 1, active: 1.8, volatile: 2.5 };

/** Mean time in a regime before switching (calm <-> active), in seconds. */
const MEAN_STAY_S: Readonly<Record<'calm' | 'active', number>> = { calm: 420, active: 90 };

/** Starting price and calm volatility (bps per sqrt(second)) of each asset. */
const ASSETS: Readonly<Record<MajorAsset, { readonly start: number; readonly volBps: number }>> = {
  BTC: { start: 67_000, volBps: 0.55 },
  ETH: { start: 3_400, volBps: 0.75 },
};

/** How much of ETH's shock is BTC's: crypto majors move together. */
const CORRELATION = 0.8;

/** Price levels synthetic assets are spread over (log-evenly), so ticks and precisions vary by asset. */
const EXTRA_LOW_PRICE = 0.05;
const EXTRA_HIGH_PRICE = 5_000;
/** Most synthetic assets a run may add (the naming and the precision rules are sized for it). */
export const MAX_EXTRA_ASSETS = 999;

/** A synthetic asset: its nominal price level, calm volatility and correlation with BTC. */
export interface ExtraAssetProfile {
  readonly asset: SimAsset;
  /** Nominal starting price (the run starts within 4% of it, seed-dependent). */
  readonly start: number;
  /** Calm volatility, bps per sqrt(second): alts move more than the majors. */
  readonly volBps: number;
  /** Correlation of its shocks with BTC's. */
  readonly correlation: number;
}

/**
 * The profiles of `count` synthetic assets `S01`, `S02`, ... (`S001` past
 * 99): levels spread log-evenly from 0.05 to 5,000, volatility and
 * correlation varied along a golden-ratio sequence. Derived from the index
 * alone, with no random draws, so listing metadata is the same for every seed.
 */
export function extraAssetProfiles(count: number): ExtraAssetProfile[] {
  if (!Number.isInteger(count) || count < 0 || count > MAX_EXTRA_ASSETS) {
    throw new RangeError(`extraAssets must be an integer from 0 to ${MAX_EXTRA_ASSETS}, got ${count}`);
  }
  const width = Math.max(2, String(count).length);
  const out: ExtraAssetProfile[] = [];
  for (let i = 0; i < count; i += 1) {
    const f = count === 1 ? 0.5 : i / (count - 1);
    const level = EXTRA_LOW_PRICE * (EXTRA_HIGH_PRICE / EXTRA_LOW_PRICE) ** f;
    const spread = (i * 0.6180339887498949) % 1;
    out.push({
      asset: `S${String(i + 1).padStart(width, '0')}`,
      start: Number(level.toPrecision(3)),
      volBps: 0.7 + 0.6 * spread,
      correlation: 0.55 + 0.3 * ((i * 0.3819660112501051) % 1),
    });
  }
  return out;
}

/**
 * The one "true" price per asset that every venue's books, indices and marks
 * are built around: a geometric random walk with Markov-switching volatility
 * regimes. Venues add their own small, mean-reverting offsets on top, so the
 * same instrument on two venues is close but never identical.
 */
export class FairValueProcess {
  private readonly prices = new Map<SimAsset, number>();
  /**
   * Synthetic assets draw from their own stream: adding them leaves every
   * number BTC and ETH draw (and so every default capture) unchanged.
   */
  private readonly extraRng: Prng;
  private regimeNow: VolRegime = 'calm';

  /**
   * @param forced a regime held for the whole run (`volatile` for volatile_but_normal).
   * @param extras synthetic assets priced alongside BTC and ETH.
   */
  constructor(
    private readonly rng: Prng,
    private readonly forced: VolRegime | null = null,
    private readonly extras: readonly ExtraAssetProfile[] = [],
  ) {
    // A seed-dependent start so that two seeds do not trade at the same level.
    this.prices.set('BTC', ASSETS.BTC.start * (1 + rng.uniform(-0.04, 0.04)));
    this.prices.set('ETH', ASSETS.ETH.start * (1 + rng.uniform(-0.04, 0.04)));
    this.extraRng = rng.fork('extra');
    for (const extra of extras) this.prices.set(extra.asset, extra.start * (1 + this.extraRng.uniform(-0.04, 0.04)));
    if (forced !== null) this.regimeNow = forced;
  }

  /** BTC, ETH, then the synthetic assets in order. */
  get assets(): SimAsset[] {
    return [...this.prices.keys()];
  }

  get regime(): VolRegime {
    return this.regimeNow;
  }

  /** Current fair price of an asset. */
  price(asset: SimAsset): number {
    const price = this.prices.get(asset);
    if (price === undefined) throw new Error(`unknown simulated asset ${asset}`);
    return price;
  }

  /** Moves the process `dtMs` forward. */
  step(dtMs: number): void {
    if (dtMs <= 0) return;
    const dt = dtMs / 1000;
    if (this.forced === null) {
      const stay = MEAN_STAY_S[this.regimeNow === 'active' ? 'active' : 'calm'];
      if (this.rng.chance(dt / stay)) this.regimeNow = this.regimeNow === 'calm' ? 'active' : 'calm';
    }
    const vol = REGIME_VOL[this.regimeNow];
    const common = this.rng.normal();
    const own = this.rng.normal();
    const shocks: Record<MajorAsset, number> = {
      BTC: common,
      ETH: CORRELATION * common + Math.sqrt(1 - CORRELATION * CORRELATION) * own,
    };
    for (const asset of ['BTC', 'ETH'] as const) this.move(asset, ASSETS[asset].volBps * vol, dt, shocks[asset]);
    // Synthetic assets share BTC's shock in part, as alts follow the majors.
    for (const extra of this.extras) {
      const rho = extra.correlation;
      this.move(extra.asset, extra.volBps * vol, dt, rho * common + Math.sqrt(1 - rho * rho) * this.extraRng.normal());
    }
  }

  /** One geometric step of an asset: `volBps` per sqrt(second) over `dt` seconds. */
  private move(asset: SimAsset, volBps: number, dt: number, shock: number): void {
    const sigma = volBps / 1e4;
    this.prices.set(asset, this.price(asset) * Math.exp(sigma * Math.sqrt(dt) * shock - 0.5 * sigma * sigma * dt));
  }
}

/**
 * A mean-reverting offset in bps (Ornstein-Uhlenbeck, exact discretization):
 * venue basis, premium, index methodology. Bounded in practice by its
 * stationary deviation, so calm markets never look dislocated.
 */
export class MeanReverting {
  private value: number;

  constructor(
    private readonly rng: Prng,
    private readonly mean: number,
    private readonly stationaryStd: number,
    private readonly halfLifeS: number,
  ) {
    this.value = mean + stationaryStd * Math.max(-2, Math.min(2, rng.normal()));
  }

  get current(): number {
    return this.value;
  }

  /** Moves `dtMs` forward; shocks are clipped at 3 sigma so a calm run never sees a freak jump. */
  step(dtMs: number): number {
    const phi = Math.exp((-Math.LN2 * dtMs) / 1000 / this.halfLifeS);
    const shock = Math.max(-3, Math.min(3, this.rng.normal()));
    this.value = this.mean + phi * (this.value - this.mean) + this.stationaryStd * Math.sqrt(1 - phi * phi) * shock;
    return this.value;
  }
}

/** BTC 1, ETH 2, `Snn` 3 and up, spread over the ranks by a golden-ratio stride of its number. */
export function assetRank(asset: string): number {
  if (asset === 'BTC') return 1;
  if (asset === 'ETH') return 2;
  const n = Number(asset.slice(1));
  if (!Number.isFinite(n) || n < 1) return 1000;
  // A multiplicative stride mod a prime larger than any asset count is a permutation: ranks stay distinct.
  return 3 + ((n * 617) % 1009);
}
