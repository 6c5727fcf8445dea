/**
 * Seeded pseudo-random numbers for the simulator. Every random consumer gets
 * its own stream forked by name, so adding a consumer (a new instrument, a new
 * scenario) does not shift the numbers every other one draws: a capture stays
 * byte-identical for a seed unless the part that changed is the one drawing.
 */

/** 32-bit FNV-1a of a string: turns a stream name into seed material. */
function hashText(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** splitmix32 step: spreads a seed over the four words of sfc32's state. */
function splitmix(state: { s: number }): number {
  state.s = (state.s + 0x9e3779b9) | 0;
  let z = state.s;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** A seeded generator (sfc32): fast, small state, good enough for market noise. */
export class Prng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spareNormal: number | null = null;

  constructor(
    readonly seed: number,
    readonly name = '',
  ) {
    const state = { s: (Math.floor(seed) ^ hashText(name)) | 0 };
    this.a = splitmix(state);
    this.b = splitmix(state);
    this.c = splitmix(state);
    this.d = splitmix(state);
    for (let i = 0; i < 12; i += 1) this.next();
  }

  /** An independent stream for `name`, from the same seed. */
  fork(name: string): Prng {
    return new Prng(this.seed, `${this.name}/${name}`);
  }

  /** Uniform in [0, 1). */
  next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return (t >>> 0) / 4294967296;
  }

  /** Uniform in [lo, hi). */
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  /** Integer in [lo, hi] inclusive. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** Standard normal (Box-Muller, the second value kept for the next call). */
  normal(): number {
    if (this.spareNormal !== null) {
      const spare = this.spareNormal;
      this.spareNormal = null;
      return spare;
    }
    let u = 0;
    while (u === 0) u = this.next();
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** Log-normal factor with median 1: sizes that are mostly ordinary and sometimes large. */
  lognormal(sigma: number): number {
    return Math.exp(sigma * this.normal());
  }

  /** Exponential with the given mean. */
  exponential(mean: number): number {
    return -mean * Math.log(1 - this.next());
  }
}
