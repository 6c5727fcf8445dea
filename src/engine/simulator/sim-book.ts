import type { Prng } from './prng';
import { lotValue, priceText, sizeText, tickOf, type SimInstrument } from './sim-instruments';

/** A level change: price in ticks, size in lots (0 deletes the level). */
export type LevelChange = readonly [ticks: number, lots: number];

/** What one book update changed, per side, in the order applied. */
export interface BookChanges {
  readonly bids: LevelChange[];
  readonly asks: LevelChange[];
}

/** Where the book should be after this update. */
export interface BookTarget {
  /** Mid price in ticks (fractional). */
  readonly midTicks: number;
  /** Best ask minus best bid, in ticks (>= 1). */
  readonly spreadTicks: number;
  /**
   * Liquidity multiplier for levels within `DRAIN_BAND_BPS` of the mid
   * (1 normally; a drain scenario sets it far below 1).
   */
  readonly nearDepthFactor: number;
  /** Probability of ordinary size churn on this update. */
  readonly churn: number;
}

/** Levels this close to the mid are the ones a liquidity drain empties. */
const DRAIN_BAND_BPS = 14;
/** The book reaches this far from the mid (past the 100 bps band, so every band is covered). */
const MAX_DISTANCE_BPS = 130;
const KEEP_DISTANCE_BPS = 150;
/** Gap filling stops here: far levels change slowly, as in a real book. */
const FILL_DISTANCE_BPS = 30;
/**
 * Upkeep starts here: nearer in, churn keeps the book fresh (and quotes
 * between levels on purpose), and a drain caps and restores its own band.
 */
const UPKEEP_FROM_BPS = 5;
/** A level closer than this share of the spacing at its distance to the level inside it is pulled. */
const CROWDED_SPACING = 0.6;
/** A level whose size is off the profile for its distance by more than this factor is requoted. */
const OFF_PROFILE_FACTOR = 4;
/** Levels pulled or requoted per side and update, at most: the book mends a few orders at a time. */
const UPKEEP_PER_UPDATE = 3;

/** Typical gap between levels `d` bps from the mid, in bps: tight at the top, wider further out. */
function spacingBps(d: number): number {
  return 0.15 * (1 + d / 6);
}

/**
 * One simulated order book with a realistic shape: levels spaced more widely
 * and sized larger away from the mid, so quote depth per bps grows with the
 * distance (`notional per bps ~ depth10/8 x (0.3 + d/10)`, which integrates
 * to `depth10` within 10 bps). Prices and sizes are integers (ticks, lots);
 * strings are made only when a message is encoded.
 */
export class SimBook {
  readonly bids = new Map<number, number>();
  readonly asks = new Map<number, number>();
  /** Prices of each side, best first, kept sorted as levels come and go (books change a few levels at a time). */
  private readonly bidPrices: number[] = [];
  private readonly askPrices: number[] = [];
  private readonly tick: number;
  private drained = false;

  constructor(
    readonly instrument: SimInstrument,
    private readonly rng: Prng,
    midTicks: number,
    spreadTicks: number,
  ) {
    this.tick = tickOf(instrument);
    const bestBid = Math.floor(midTicks - spreadTicks / 2);
    this.seedSide('bid', bestBid, midTicks);
    this.seedSide('ask', bestBid + spreadTicks, midTicks);
  }

  /** Levels of a side, best first, at most `limit` (a 5-level push need not copy the whole side). */
  sorted(side: 'bid' | 'ask', limit = Infinity): [number, number][] {
    const map = side === 'bid' ? this.bids : this.asks;
    const prices = this.prices(side);
    return (limit < prices.length ? prices.slice(0, limit) : prices).map((p) => [p, map.get(p)!]);
  }

  /** Prices of a side, best first (the live array: do not modify). */
  prices(side: 'bid' | 'ask'): readonly number[] {
    return side === 'bid' ? this.bidPrices : this.askPrices;
  }

  bestBid(): number {
    return this.bidPrices[0] ?? -Infinity;
  }

  bestAsk(): number {
    return this.askPrices[0] ?? Infinity;
  }

  /** Sets a level (lots <= 0 deletes it); returns whether anything changed. */
  private put(side: 'bid' | 'ask', ticks: number, lots: number): boolean {
    const map = side === 'bid' ? this.bids : this.asks;
    const prices = side === 'bid' ? this.bidPrices : this.askPrices;
    const old = map.get(ticks);
    if (lots <= 0) {
      if (old === undefined) return false;
      map.delete(ticks);
      prices.splice(this.position(side, ticks), 1);
      return true;
    }
    if (old === lots) return false;
    if (old === undefined) prices.splice(this.position(side, ticks), 0, ticks);
    map.set(ticks, lots);
    return true;
  }

  /** Index of `ticks` in its side's best-first array, or where it would go. */
  private position(side: 'bid' | 'ask', ticks: number): number {
    const prices = side === 'bid' ? this.bidPrices : this.askPrices;
    let lo = 0;
    let hi = prices.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const before = side === 'bid' ? prices[mid]! > ticks : prices[mid]! < ticks;
      if (before) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Levels as the venue's strings, best first, at most `limit` per side. */
  textLevels(side: 'bid' | 'ask', limit = Infinity): [string, string][] {
    const prices = this.prices(side);
    const map = side === 'bid' ? this.bids : this.asks;
    const n = Math.min(limit, prices.length);
    const out: [string, string][] = new Array(n);
    for (let i = 0; i < n; i += 1) out[i] = [priceText(this.instrument, prices[i]!), sizeText(this.instrument, map.get(prices[i]!)!)];
    return out;
  }

  /** Moves the book towards `target` and returns what changed (empty when nothing did). */
  update(target: BookTarget): BookChanges {
    const changes = { bids: new Map<number, number>(), asks: new Map<number, number>() };
    const mid = target.midTicks;
    const bestBid = Math.floor(mid - target.spreadTicks / 2);
    const bestAsk = bestBid + target.spreadTicks;
    const set = (side: 'bid' | 'ask', ticks: number, lots: number): void => {
      if (this.put(side, ticks, lots)) (side === 'bid' ? changes.bids : changes.asks).set(ticks, Math.max(0, lots));
    };
    // Quotes inside the new spread are pulled (or lifted): the spread is exactly the target.
    while (this.bidPrices.length > 0 && this.bidPrices[0]! > bestBid) set('bid', this.bidPrices[0]!, 0);
    while (this.askPrices.length > 0 && this.askPrices[0]! < bestAsk) set('ask', this.askPrices[0]!, 0);
    if (!this.bids.has(bestBid)) set('bid', bestBid, this.drawLots(0, target.nearDepthFactor));
    if (!this.asks.has(bestAsk)) set('ask', bestAsk, this.drawLots(0, target.nearDepthFactor));

    const drain = target.nearDepthFactor < 1;
    for (const side of ['bid', 'ask'] as const) {
      this.fillGaps(side, mid, target.nearDepthFactor, set);
      this.trimFar(side, mid, set);
      this.upkeep(side, mid, target.nearDepthFactor, set);
      if (drain) this.capNear(side, mid, target.nearDepthFactor, set);
      else if (this.drained) this.restoreNear(side, mid, set);
      if (this.rng.chance(target.churn)) this.churn(side, mid, target.nearDepthFactor, set);
    }
    this.drained = drain;
    return { bids: [...changes.bids.entries()], asks: [...changes.asks.entries()] };
  }

  /** Distance from the mid in bps of a price in ticks. */
  private distanceBps(ticks: number, mid: number): number {
    return (Math.abs(ticks - mid) / mid) * 1e4;
  }

  /** Spacing between levels at `d` bps from the mid, in ticks (at least one). */
  private spacingTicks(d: number, mid: number): number {
    return Math.max(1, (spacingBps(d) * mid) / 1e4);
  }

  /** Lots for a new level at `d` bps: the profile's notional for one spacing, with log-normal noise. */
  private drawLots(d: number, nearFactor: number): number {
    const perBps = (this.instrument.depth10 / 8) * (0.3 + d / 10);
    const factor = d < DRAIN_BAND_BPS ? nearFactor : 1;
    const notional = perBps * spacingBps(d) * factor * this.rng.lognormal(0.45) * 0.9;
    const price = this.midPrice();
    return Math.max(1, Math.round(notional / lotValue(this.instrument, price)));
  }

  /** Median lots of a new level at `d` bps (drawLots without its noise). */
  private profileLots(d: number, nearFactor: number): number {
    const perBps = (this.instrument.depth10 / 8) * (0.3 + d / 10);
    const factor = d < DRAIN_BAND_BPS ? nearFactor : 1;
    return (perBps * spacingBps(d) * factor * 0.9) / lotValue(this.instrument, this.midPrice());
  }

  private midPrice(): number {
    const bid = this.bestBid();
    const ask = this.bestAsk();
    const ticks = Number.isFinite(bid) && Number.isFinite(ask) ? (bid + ask) / 2 : Number.isFinite(bid) ? bid : ask;
    return ticks * this.tick;
  }

  private seedSide(side: 'bid' | 'ask', best: number, mid: number): void {
    const dir = side === 'bid' ? -1 : 1;
    let p = best;
    while (this.distanceBps(p, mid) < MAX_DISTANCE_BPS) {
      const d = this.distanceBps(p, mid);
      this.put(side, p, this.drawLotsAt(d, mid));
      p += dir * Math.max(1, Math.round(this.spacingTicks(d, mid) * this.rng.uniform(0.5, 1.5)));
    }
  }

  /** drawLots before the book has a mid of its own (seeding). */
  private drawLotsAt(d: number, mid: number): number {
    const perBps = (this.instrument.depth10 / 8) * (0.3 + d / 10);
    const notional = perBps * spacingBps(d) * this.rng.lognormal(0.45) * 0.9;
    return Math.max(1, Math.round(notional / lotValue(this.instrument, mid * this.tick)));
  }

  /**
   * Refills holes left by a moving mid. Near the mid a hole is filled at
   * once (market makers requote within the update: a jump of the mid must
   * not read as a liquidity drain); further out a few levels per update, as
   * limit orders arrive over time.
   */
  private fillGaps(side: 'bid' | 'ask', mid: number, nearFactor: number, set: (s: 'bid' | 'ask', t: number, l: number) => void): void {
    const levels = this.prices(side).slice(0, 120);
    const dir = side === 'bid' ? -1 : 1;
    let farInserts = 0;
    for (let i = 0; i + 1 < levels.length; i += 1) {
      let here = levels[i]!;
      const next = levels[i + 1]!;
      if (this.distanceBps(here, mid) > FILL_DISTANCE_BPS) break;
      for (;;) {
        const d = this.distanceBps(here, mid);
        const spacing = this.spacingTicks(d, mid);
        if (Math.abs(next - here) <= 2.2 * spacing) break;
        if (d > DRAIN_BAND_BPS + 2 && farInserts++ >= 4) return;
        here += dir * Math.max(1, Math.round(spacing * this.rng.uniform(0.7, 1.3)));
        set(side, here, this.drawLots(this.distanceBps(here, mid), nearFactor));
      }
    }
  }

  /** Keeps the far end between MAX_DISTANCE_BPS and KEEP_DISTANCE_BPS. */
  private trimFar(side: 'bid' | 'ask', mid: number, set: (s: 'bid' | 'ask', t: number, l: number) => void): void {
    const prices = this.prices(side);
    while (prices.length > 1 && this.distanceBps(prices[prices.length - 1]!, mid) > KEEP_DISTANCE_BPS) set(side, prices[prices.length - 1]!, 0);
    const farthest = prices[prices.length - 1] ?? NaN;
    if (Number.isFinite(farthest) && this.distanceBps(farthest, mid) < MAX_DISTANCE_BPS) {
      const d = this.distanceBps(farthest, mid);
      const at = farthest + (side === 'bid' ? -1 : 1) * Math.max(1, Math.round(this.spacingTicks(d, mid)));
      set(side, at, this.drawLots(this.distanceBps(at, mid), 1));
    }
  }

  /**
   * Keeps the book's shape stationary as the mid wanders. A level is placed
   * with the spacing and size of its distance at the time; once the mid has
   * moved away from it, it sits among levels that should be spaced more
   * widely and sized larger, and once the mid has come towards it, it is too
   * large for where it now is. Filling only adds levels and trimming only
   * cuts past the far end, so without this the book gains levels for as long
   * as the price moves (a BTC book grew from ~250 to ~1,200 levels in four
   * simulated hours) and walls drift into the top 10 bps. Beyond
   * UPKEEP_FROM_BPS, a few levels per update: one crowded against the level
   * inside it is pulled, one whose size is off its distance's profile by
   * more than OFF_PROFILE_FACTOR is requoted at the profile.
   */
  private upkeep(side: 'bid' | 'ask', mid: number, nearFactor: number, set: (s: 'bid' | 'ask', t: number, l: number) => void): void {
    const prices = this.prices(side);
    const map = side === 'bid' ? this.bids : this.asks;
    let changed = 0;
    let i = this.position(side, side === 'bid' ? Math.floor(mid * (1 - UPKEEP_FROM_BPS / 1e4)) : Math.ceil(mid * (1 + UPKEEP_FROM_BPS / 1e4)));
    i = Math.max(1, i);
    while (i < prices.length && changed < UPKEEP_PER_UPDATE) {
      const p = prices[i]!;
      const d = this.distanceBps(p, mid);
      if (Math.abs(p - prices[i - 1]!) < CROWDED_SPACING * this.spacingTicks(d, mid)) {
        // Pulled: the next level is now compared with the one inside this.
        set(side, p, 0);
        changed += 1;
        continue;
      }
      const lots = map.get(p)!;
      const profile = this.profileLots(d, nearFactor);
      // A level is at least one lot: a profile under a lot judges nothing too large.
      if (lots > OFF_PROFILE_FACTOR * Math.max(1, profile) || lots * OFF_PROFILE_FACTOR < profile) {
        const fresh = this.drawLots(d, nearFactor);
        if (fresh !== lots) {
          set(side, p, fresh);
          changed += 1;
        }
      }
      i += 1;
    }
  }

  /** During a drain: no level near the mid keeps more than the drained profile allows. */
  private capNear(side: 'bid' | 'ask', mid: number, factor: number, set: (s: 'bid' | 'ask', t: number, l: number) => void): void {
    const map = side === 'bid' ? this.bids : this.asks;
    for (const p of [...this.prices(side)]) {
      const d = this.distanceBps(p, mid);
      if (d >= DRAIN_BAND_BPS) break;
      const lots = map.get(p)!;
      const perBps = (this.instrument.depth10 / 8) * (0.3 + d / 10);
      const cap = Math.max(1, Math.floor((perBps * spacingBps(d) * factor) / lotValue(this.instrument, mid * this.tick)));
      if (lots > cap) set(side, p, cap);
    }
  }

  /** After a drain: liquidity providers come back, all at once. */
  private restoreNear(side: 'bid' | 'ask', mid: number, set: (s: 'bid' | 'ask', t: number, l: number) => void): void {
    for (const p of [...this.prices(side)]) {
      const d = this.distanceBps(p, mid);
      if (d >= DRAIN_BAND_BPS + 2) break;
      set(side, p, this.drawLots(d, 1));
    }
  }

  /** Ordinary activity: a few sizes change, now and then a level is pulled or added, mostly near the top. */
  private churn(side: 'bid' | 'ask', mid: number, nearFactor: number, set: (s: 'bid' | 'ask', t: number, l: number) => void): void {
    const prices = this.prices(side);
    const map = side === 'bid' ? this.bids : this.asks;
    if (prices.length < 3) return;
    const count = this.rng.int(1, 4);
    for (let k = 0; k < count; k += 1) {
      const i = Math.min(prices.length - 1, Math.floor(this.rng.exponential(6)));
      const p = prices[i]!;
      const lots = map.get(p)!;
      const d = this.distanceBps(p, mid);
      const roll = this.rng.next();
      if (roll < 0.12 && i > 0) set(side, p, 0);
      else if (roll < 0.25) {
        const dir = side === 'bid' ? -1 : 1;
        const at = p + dir * this.rng.int(1, Math.max(1, Math.round(this.spacingTicks(d, mid) / 2)));
        if (!map.has(at)) set(side, at, this.drawLots(this.distanceBps(at, mid), nearFactor));
      } else {
        const factor = d < DRAIN_BAND_BPS ? nearFactor : 1;
        const fresh = this.drawLots(d, nearFactor);
        // Sizes wander around the profile rather than away from it.
        const next = Math.max(1, Math.round(0.5 * lots * this.rng.lognormal(0.3) + 0.5 * fresh));
        set(side, p, factor < 1 ? Math.min(next, fresh) : next);
      }
    }
  }
}
