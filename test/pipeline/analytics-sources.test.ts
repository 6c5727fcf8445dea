/**
 * The pipeline's per-source data health, funding normalization and
 * cross-venue divergence on the real path: venue frames through the real
 * mappers, book syncs and VenueBooks, then Analytics with the shipped rules.
 */
import { describe, expect, it } from 'vitest';
import { fundingBpsPer8h } from '../../src/engine/pipeline/analytics';
import { pipelineSettingsFrom } from '../../src/engine/pipeline/pipeline-settings';
import { SurveillancePipeline } from '../../src/engine/pipeline/surveillance-pipeline';
import type { RawFrame } from '../../src/engine/feed/raw-frame';
import type { SampleEvaluation } from '../../src/shared/core/surveillance-evaluator';
import { CONFIG } from '../simulator/helpers';

const T0 = Date.UTC(2026, 2, 2);
const USDM = 'wss://fstream.binance.com/public/stream';
const MARKET = 'wss://fstream.binance.com/market/stream';
const OKX = 'wss://ws.okx.com:8443/ws/v5/public';

function frame(venue: string, url: string, t: number, data: unknown, kind: 'ws' | 'rest' = 'ws'): RawFrame {
  return { t, venue, kind, url, data: JSON.stringify(data) };
}

/** A pipeline on the shipped config whose evaluations are kept per key. */
function pipeline(): { p: SurveillancePipeline; last: Map<string, SampleEvaluation> } {
  const last = new Map<string, SampleEvaluation>();
  const p = new SurveillancePipeline(pipelineSettingsFrom(CONFIG), { onEvaluation: (e) => last.set(e.sample.key, e) });
  return { p, last };
}

/** BTCUSDT on USD-M: a REST snapshot then one diff per second around `mid`, and a markPrice per second. */
class UsdmBook {
  constructor(
    private readonly p: SurveillancePipeline,
    private readonly mid = 100_000,
    private u = 1000,
  ) {}
  snapshot(t: number): void {
    this.p.ingest(
      frame('binance-usdm', 'https://fapi.binance.com/fapi/v1/depth?limit=1000&symbol=BTCUSDT', t, {
        lastUpdateId: this.u,
        E: t,
        T: t,
        bids: [[String(this.mid - 0.5), '5'], [String(this.mid - 1), '50']],
        asks: [[String(this.mid + 0.5), '5'], [String(this.mid + 1), '50']],
      }, 'rest'),
    );
  }
  /** One diff chained on the last; `crossed` puts a bid above the ask. */
  diff(t: number, crossed = false): void {
    const U = this.u + 1;
    this.u += 2;
    const bids = crossed ? [[String(this.mid + 5), '1']] : [[String(this.mid - 0.5), String(5 + (t % 7) / 10)]];
    this.p.ingest(frame('binance-usdm', USDM, t, { stream: 'btcusdt@depth@100ms', data: { e: 'depthUpdate', E: t, T: t, s: 'BTCUSDT', U, u: this.u, pu: U - 1, b: bids, a: [] } }));
  }
  uncross(t: number): void {
    const U = this.u + 1;
    this.u += 2;
    this.p.ingest(frame('binance-usdm', USDM, t, { stream: 'btcusdt@depth@100ms', data: { e: 'depthUpdate', E: t, T: t, s: 'BTCUSDT', U, u: this.u, pu: U - 1, b: [[String(this.mid + 5), '0']], a: [] } }));
  }
  mark(t: number, markBps: number, funding: string, next: number): void {
    const mark = this.mid * (1 + markBps / 1e4);
    this.p.ingest(frame('binance-usdm', MARKET, t, { stream: 'btcusdt@markPrice@1s', data: { e: 'markPriceUpdate', E: t, s: 'BTCUSDT', p: mark.toFixed(2), i: String(this.mid), P: String(this.mid), r: funding, T: next } }));
  }
}

describe('per-source health on the pipeline', () => {
  it('a crossed book blinds the book rules but not mark vs index; a quiet mark-price stream blinds only mark vs index', () => {
    const { p, last } = pipeline();
    const book = new UsdmBook(p);
    book.snapshot(T0);
    let t = T0;
    for (let i = 1; i <= 60; i++) {
      t = T0 + i * 1000;
      book.diff(t - 500);
      book.mark(t - 400, ((i * 7) % 5) * 0.1, '0.0001', T0 + 8 * 3_600_000);
      p.advance(t);
    }
    const key = 'binance-usdm:BTCUSDT';
    const reason = (rule: string) => {
      const o = last.get(key)!.outcomes.find((x) => x.rule.name === rule)!;
      return o.status === 'skipped' ? o.reason : 'judged';
    };
    expect(reason('mark_index_critical')).toBe('judged');
    expect(reason('spread_critical')).toBe('judged');
    // Crossed: the book is invalid, mark vs index is still judged.
    book.diff(t + 200, true);
    book.mark(t + 300, 0.2, '0.0001', T0 + 8 * 3_600_000);
    p.advance(t + 1000);
    expect(last.get(key)!.sample.health.sources?.book).toEqual({ state: 'invalid', gap: false });
    expect(reason('spread_critical')).toBe('book_invalid');
    expect(reason('mark_index_critical')).toBe('judged');
    book.uncross(t + 1200);
    t += 2000;
    // The mark-price stream goes quiet for longer than reference_stale_seconds while the book carries on.
    for (let i = 0; i < CONFIG.features.referenceStaleSeconds + 2; i++) {
      t += 1000;
      book.diff(t - 500);
      p.advance(t);
    }
    expect(reason('mark_index_critical')).toBe('reference_stale');
    expect(reason('spread_critical')).toBe('judged');
    const status = last.get(key)!.rules.find((r) => r.rule === 'mark_index_critical')!;
    expect(status).toMatchObject({ kind: 'blind', reason: 'reference_stale' });
  });

  it('funding is normalized to bps per 8 h; the interval comes from two settlement times', () => {
    expect(fundingBpsPer8h(0.0001, undefined)).toBeCloseTo(1, 9);
    expect(fundingBpsPer8h(0.0001, 3_600_000)).toBeCloseTo(8, 9);
    expect(fundingBpsPer8h(0.0001, 4 * 3_600_000)).toBeCloseTo(2, 9);
    expect(fundingBpsPer8h(Number.NaN, 3_600_000)).toBeUndefined();

    const { p, last } = pipeline();
    const book = new UsdmBook(p);
    book.snapshot(T0);
    const firstSettlement = T0 + 3_600_000;
    for (let i = 1; i <= 3; i++) {
      book.diff(T0 + i * 1000 - 500);
      book.mark(T0 + i * 1000 - 400, 0, '0.0001', firstSettlement);
      p.advance(T0 + i * 1000);
    }
    // Binance sends only the next settlement: 8 h assumed until a settlement passes.
    const before = last.get('binance-usdm:BTCUSDT')!.sample;
    expect(before.values.funding_bps_8h).toBeCloseTo(1, 9);
    expect(before.funding).toEqual({ nextTime: firstSettlement, intervalMs: null });
    // The next settlement an hour later: a 1 h perpetual.
    book.diff(T0 + 4000 - 500);
    book.mark(T0 + 4000 - 400, 0, '0.0001', firstSettlement + 3_600_000);
    p.advance(T0 + 4000);
    const after = last.get('binance-usdm:BTCUSDT')!.sample;
    expect(after.values.funding_bps_8h).toBeCloseTo(8, 9);
    expect(after.values.funding_rate).toBeCloseTo(0.0001, 12);
    expect(after.funding).toEqual({ nextTime: firstSettlement + 3_600_000, intervalMs: 3_600_000 });
  });

  it('OKX says its funding interval: the step between fundingTime and nextFundingTime', () => {
    const { p, last } = pipeline();
    const ft = T0 + 3_600_000;
    p.ingest(frame('okx', OKX, T0 + 100, { arg: { channel: 'funding-rate', instId: 'BTC-USDT-SWAP' }, data: [{ instId: 'BTC-USDT-SWAP', instType: 'SWAP', fundingRate: '0.0002', fundingTime: String(ft), nextFundingTime: String(ft + 4 * 3_600_000), ts: String(T0) }] }));
    p.ingest(frame('okx', OKX, T0 + 200, { arg: { channel: 'tickers', instId: 'BTC-USDT-SWAP' }, data: [{ instId: 'BTC-USDT-SWAP', bidPx: '99999.9', bidSz: '1', askPx: '100000.1', askSz: '1', last: '100000', ts: String(T0 + 200) }] }));
    p.advance(T0);
    p.advance(T0 + 1000);
    const sample = last.get('okx:BTC-USDT-SWAP')!.sample;
    expect(sample.funding).toEqual({ nextTime: ft, intervalMs: 4 * 3_600_000 });
    expect(sample.values.funding_bps_8h).toBeCloseTo(4, 9);
  });
});

describe('a gap re-warms only what it touched', () => {
  it('a sequence gap and resync of the book re-warms spread and depth, not mark vs index', () => {
    const { p, last } = pipeline();
    const book = new UsdmBook(p);
    book.snapshot(T0);
    let t = T0;
    for (let i = 1; i <= 40; i++) {
      t = T0 + i * 1000;
      book.diff(t - 500);
      book.mark(t - 400, ((i * 7) % 5) * 0.1, '0.0001', T0 + 8 * 3_600_000);
      p.advance(t);
    }
    // A diff that does not chain (pu off by 10): a gap; the book waits for a snapshot.
    p.ingest(frame('binance-usdm', USDM, t + 100, { stream: 'btcusdt@depth@100ms', data: { e: 'depthUpdate', E: t, T: t, s: 'BTCUSDT', U: 5000, u: 5001, pu: 4990, b: [], a: [] } }));
    book.mark(t + 200, 0.1, '0.0001', T0 + 8 * 3_600_000);
    p.advance(t + 1000);
    const key = 'binance-usdm:BTCUSDT';
    expect(last.get(key)!.sample.health.sources?.book?.state).toBe('invalid');
    expect(last.get(key)!.outcomes.find((o) => o.rule.name === 'mark_index_critical')!.status).toBe('judged');
    // The resync: a fresh snapshot, then the stream carries on from it.
    const resynced = new UsdmBook(p, 100_000, 6000);
    resynced.snapshot(t + 1100);
    resynced.diff(t + 1500);
    book.mark(t + 1600, 0.1, '0.0001', T0 + 8 * 3_600_000);
    p.advance(t + 2000);
    const after = last.get(key)!;
    expect(after.sample.health.sources?.book?.state).toBe('ok');
    expect(after.reset).toBe(true);
    expect(after.zscores.spread_bps).toMatchObject({ ready: true, rewarm: { samples: 0 } });
    expect(after.zscores.basis_mark_index_bps).toMatchObject({ ready: true });
    expect(after.zscores.basis_mark_index_bps).not.toHaveProperty('rewarm');
  });
});

describe('cross-venue divergence on the pipeline', () => {
  it('is computed against the same canonical instrument on the other exchange, and blinded by its book', () => {
    const { p, last } = pipeline();
    const book = new UsdmBook(p, 100_000);
    book.snapshot(T0);
    const okxTicker = (t: number, mid: number) =>
      p.ingest(frame('okx', OKX, t, { arg: { channel: 'tickers', instId: 'BTC-USDT-SWAP' }, data: [{ instId: 'BTC-USDT-SWAP', bidPx: String(mid - 0.1), bidSz: '1', askPx: String(mid + 0.1), askSz: '1', last: String(mid), ts: String(t) }] }));
    for (let i = 1; i <= 5; i++) {
      book.diff(T0 + i * 1000 - 500);
      okxTicker(T0 + i * 1000 - 300, 100_030); // 3 bps above Binance
      p.advance(T0 + i * 1000);
    }
    const binance = last.get('binance-usdm:BTCUSDT')!;
    const okx = last.get('okx:BTC-USDT-SWAP')!;
    expect(binance.sample.values.cross_venue_bps).toBeCloseTo(((100_000 - 100_030) / 100_030) * 1e4, 6);
    expect(okx.sample.values.cross_venue_bps).toBeCloseTo(((100_030 - 100_000) / 100_000) * 1e4, 6);
    expect(okx.sample.health.sources?.peer).toEqual({ state: 'ok', gap: false });
    // Binance's book crosses: OKX's cross-venue rule is blinded by its peer, not by its own book.
    book.diff(T0 + 5600, true);
    okxTicker(T0 + 5700, 100_030);
    p.advance(T0 + 6000);
    const blinded = last.get('okx:BTC-USDT-SWAP')!;
    const o = blinded.outcomes.find((x) => x.rule.name === 'cross_venue_critical')!;
    expect(o).toMatchObject({ status: 'skipped', reason: 'leg_invalid' });
    expect(blinded.outcomes.find((x) => x.rule.name === 'spread_critical')).toMatchObject({ status: 'skipped', reason: 'zscore_warmup' });
  });
});
