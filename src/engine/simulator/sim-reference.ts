import { binanceCombined, binanceMarkPrice, binanceStream } from './binance-protocol';
import { MeanReverting, type FairValueProcess, type SimAsset } from './fair-value';
import { okxFundingRate, okxIndexTicker, okxMarkPrice } from './okx-protocol';
import type { Prng } from './prng';
import type { ScenarioEffects } from './scenario-effects';
import type { Emission } from './sim-market';
import { roundedPriceText, SIM_INSTRUMENTS, type SimInstrument, type SimVenue } from './sim-instruments';
import { traitsOf, type SimWire } from './sim-venues';

/**
 * Mean offsets of each set (SimVenueTraits.offsets), bps: a venue's spot
 * vs fair value, its perpetuals' premium over its spot. Binance spot and
 * USD-M share a set; COIN-M and Bybit trade a little apart from them.
 */
const OFFSET_MEANS: Readonly<Record<string, { readonly spot: number; readonly premium: number }>> = {
  binance: { spot: 0, premium: 1.5 },
  okx: { spot: 0.6, premium: 2.2 },
  'binance-coinm': { spot: 0, premium: 1.2 },
  bybit: { spot: -0.3, premium: 1.8 },
};

/** How each wire prints marks, indices and funding rates: Binance with 8 decimals, OKX and Bybit at the tick, rates short. */
const REFERENCE_TEXT: Readonly<Record<SimWire, { readonly price: (i: SimInstrument, p: number) => string; readonly rate: (r: number) => string }>> = {
  binance: { price: (_i, p) => p.toFixed(8), rate: (r) => r.toFixed(8) },
  okx: { price: (i, p) => roundedPriceText(i, p), rate: (r) => String(Number(r.toFixed(8))) },
  bybit: { price: (i, p) => roundedPriceText(i, p), rate: (r) => String(Number(r.toFixed(6))) },
};

/** Funding settles every 8 h at 00:00, 08:00, 16:00 UTC on both venues. */
const FUNDING_INTERVAL_MS = 8 * 3_600_000;
/** OKX pushes `funding-rate` every 30-90 s; once a half minute here. */
const OKX_FUNDING_PUSH_MS = 30_000;

/** Offsets of one exchange for one asset, in bps of the fair value. */
interface Offsets {
  /** Its spot market vs fair value: venues trade a hair apart. */
  readonly spot: MeanReverting;
  /** Its perpetual vs its spot: the premium, a little positive as usual. */
  readonly premium: MeanReverting;
  /** Its index (a composite of other venues' spot) vs fair value. */
  readonly index: MeanReverting;
  /** Smoothed perp-over-index premium: the mark follows the book, slowly (exchanges damp it on purpose). */
  markPremium: number;
}

/** The reference prices one perp publishes at a time, as strings for the wire. */
export interface ReferenceTexts {
  readonly mark: string;
  readonly index: string;
  readonly funding: string;
  readonly nextFunding: number;
}

/**
 * Index, mark and funding consistent with the books: index near fair value,
 * mark = index x (1 + smoothed premium of the perp's book over the index),
 * funding from the premium. A basis dislocation moves the perp's book but
 * not its mark (marks are built to resist that); a mark/index divergence
 * moves only the mark.
 */
export class SimReference {
  private readonly offsets = new Map<string, Offsets>();
  private readonly open = new Map<SimAsset, number>();
  private nextRefAt: number;
  private nextFundingPushAt: number;
  /**
   * Publishes a perpetual's reference where it rides with other fields
   * (Bybit tickers, whose deltas the market builds from what it last sent).
   */
  onReference: ((instrument: SimInstrument, time: number, reference: ReferenceTexts, out: Emission[]) => void) | null = null;

  /** @param instruments the run's listings (perps publish marks, OKX swaps their index); every asset of `fair` gets offsets. */
  constructor(
    private readonly rng: Prng,
    private readonly fair: FairValueProcess,
    private readonly effects: ScenarioEffects,
    startTime: number,
    private readonly instruments: readonly SimInstrument[] = SIM_INSTRUMENTS,
  ) {
    for (const asset of fair.assets) this.open.set(asset, fair.price(asset));
    for (const [group, means] of Object.entries(OFFSET_MEANS)) {
      // Each offset draws from a stream named after its set and asset, so more assets (or sets) shift no one's numbers.
      for (const asset of fair.assets) {
        const r = rng.fork(`${group}/${asset}`);
        const spot = new MeanReverting(r.fork('spot'), means.spot, 0.3, 20);
        const premium = new MeanReverting(r.fork('premium'), means.premium, 0.5, 60);
        const index = new MeanReverting(r.fork('index'), 0, 0.25, 30);
        this.offsets.set(`${group}:${asset}`, { spot, premium, index, markPremium: spot.current + premium.current - index.current });
      }
    }
    this.nextRefAt = startTime + 1_000;
    this.nextFundingPushAt = startTime + 1_000;
  }

  private of(venue: SimVenue, asset: SimAsset): Offsets {
    return this.offsets.get(`${traitsOf(venue).offsets}:${asset}`)!;
  }

  spotOffsetBps(venue: SimVenue, asset: SimAsset): number {
    return this.of(venue, asset).spot.current;
  }

  premiumBps(venue: SimVenue, asset: SimAsset): number {
    return this.of(venue, asset).premium.current;
  }

  /** The price an asset opened the run at (24 h open in tickers). */
  openPrice(asset: SimAsset): number {
    return this.open.get(asset)!;
  }

  indexPrice(venue: SimVenue, asset: SimAsset): number {
    return this.fair.price(asset) * (1 + this.of(venue, asset).index.current / 1e4);
  }

  /** Mark, index and funding of a perpetual at `time`. */
  referenceOf(instrument: SimInstrument, time: number): ReferenceTexts & { readonly markPrice: number; readonly indexPrice: number } {
    const o = this.of(instrument.venue, instrument.base);
    const indexPrice = this.indexPrice(instrument.venue, instrument.base);
    const shift = this.effects.markShiftBps(instrument.venue, instrument.id, time);
    const markPrice = indexPrice * (1 + (o.markPremium + shift) / 1e4);
    // Funding follows the premium: 1 bp per 8 h at the usual premium, a little more or less around it.
    const rate = Math.max(-0.0075, Math.min(0.0075, 0.0001 + (o.premium.current - 1.5) * 0.00002));
    const text = REFERENCE_TEXT[traitsOf(instrument.venue).wire];
    return {
      markPrice,
      indexPrice,
      mark: text.price(instrument, markPrice),
      index: text.price(instrument, indexPrice),
      funding: text.rate(rate),
      nextFunding: (Math.floor(time / FUNDING_INTERVAL_MS) + 1) * FUNDING_INTERVAL_MS,
    };
  }

  /** Once a second: offsets move on, and marks, indices (and now and then funding) are published. */
  step(now: number, out: Emission[]): void {
    while (this.nextRefAt <= now) {
      const t = this.nextRefAt;
      this.nextRefAt += 1_000;
      for (const o of this.offsets.values()) {
        o.spot.step(1_000);
        o.premium.step(1_000);
        o.index.step(1_000);
        o.markPremium += 0.15 * (o.spot.current + o.premium.current - o.index.current - o.markPremium);
      }
      const funding = t >= this.nextFundingPushAt;
      if (funding) this.nextFundingPushAt = t + OKX_FUNDING_PUSH_MS;
      this.publish(t, funding, out);
    }
  }

  private publish(t: number, funding: boolean, out: Emission[]): void {
    const indices = new Set<string>();
    for (const instrument of this.instruments) {
      if (instrument.type !== 'perpetual' || this.effects.silent(instrument.venue, t)) continue;
      const r = this.referenceOf(instrument, t);
      const symbol = instrument.symbol;
      const wire = traitsOf(instrument.venue).wire;
      if (wire === 'binance') {
        // USD-M sends marks on its /market socket, COIN-M on the one dstream socket (same payload).
        const stream = binanceStream(symbol, 'markPrice');
        const text = binanceCombined(stream, binanceMarkPrice(symbol, t, r.mark, r.index, r.index, r.funding, r.nextFunding));
        out.push({ venue: instrument.venue, endpoint: instrument.venue === 'binance-usdm' ? 'market' : 'dstream', stream, symbol, kind: 'mark', time: t, text });
        continue;
      }
      if (wire === 'bybit') {
        this.onReference?.(instrument, t + 2, r, out);
        continue;
      }
      out.push({ venue: 'okx', endpoint: 'okx', stream: `mark-price:${symbol}`, symbol, kind: 'mark', time: t + 3, text: okxMarkPrice(symbol, t + 3, r.mark) });
      const index = instrument.index!;
      if (!indices.has(index)) {
        indices.add(index);
        const open = roundedPriceText(instrument, this.openPrice(instrument.base));
        out.push({ venue: 'okx', endpoint: 'okx', stream: `index-tickers:${index}`, symbol: index, kind: 'index', time: t + 5, text: okxIndexTicker(index, t + 5, r.index, open) });
      }
      if (funding) {
        const text = okxFundingRate(symbol, t + 9, r.funding, r.nextFunding, FUNDING_INTERVAL_MS);
        out.push({ venue: 'okx', endpoint: 'okx', stream: `funding-rate:${symbol}`, symbol, kind: 'funding', time: t + 9, text });
      }
    }
  }
}
