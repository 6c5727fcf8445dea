import type { Prng } from './prng';

/** Assets the simulated markets are built on. */
export type SimAsset = 'BTC' | 'ETH';

/** Volatility regimes: `calm` most of the time, `active` spells, `volatile` only when a scenario asks. */
export type VolRegime = 'calm' | 'active' | 'volatile';

/** Volatility of each regime relative to calm. */
const REGIME_VOL: Readonly<Record<VolRegime, number>> = { calm: 1, active: 1.8, volatile: 2.5 };

/** Mean time in a regime before switching (calm <-> active), in seconds. */
const MEAN_STAY_S: Readonly<Record<'calm' | 'active', number>> = { calm: 420, active: 90 };

/** Starting price and calm volatility (bps per sqrt(second)) of each asset. */
const ASSETS: Readonly<Record<SimAsset, { readonly start: number; readonly volBps: number }>> = {
  BTC: { start: 67_000, volBps: 0.55 },
  ETH: { start: 3_400, volBps: 0.75 },
};

/** How much of ETH's shock is BTC's: crypto majors move together. */
const CORRELATION = 0.8;

/**
 * The one "true" price per asset that every venue's books, indices and marks
 * are built around: a geometric random walk with Markov-switching volatility
 * regimes. Venues add their own small, mean-reverting offsets on top, so the
 * same instrument on two venues is close but never identical.
 */
export class FairValueProcess {
  private readonly prices: Record<SimAsset, number>;
  private regimeNow: VolRegime = 'calm';

  /** @param forced a regime held for the whole run (`volatile` for volatile_but_normal). */
  constructor(
    private readonly rng: Prng,
    private readonly forced: VolRegime | null = null,
  ) {
    // A seed-dependent start so that two seeds do not trade at the same level.
    this.prices = {
      BTC: ASSETS.BTC.start * (1 + rng.uniform(-0.04, 0.04)),
      ETH: ASSETS.ETH.start * (1 + rng.uniform(-0.04, 0.04)),
    };
    if (forced !== null) this.regimeNow = forced;
  }

  get regime(): VolRegime {
    return this.regimeNow;
  }

  /** Current fair price of an asset. */
  price(asset: SimAsset): number {
    return this.prices[asset];
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
    const shocks: Record<SimAsset, number> = {
      BTC: common,
      ETH: CORRELATION * common + Math.sqrt(1 - CORRELATION * CORRELATION) * own,
    };
    for (const asset of ['BTC', 'ETH'] as const) {
      const sigma = (ASSETS[asset].volBps * vol) / 1e4;
      this.prices[asset] *= Math.exp(sigma * Math.sqrt(dt) * shocks[asset] - 0.5 * sigma * sigma * dt);
    }
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
