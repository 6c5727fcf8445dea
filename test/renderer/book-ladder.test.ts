import { describe, expect, it } from 'vitest';
import type { BookLadder } from '../../src/shared/contract';
import { bookTop, bookTopText, clockMs, ladderInstrument, ladderView, sampleTopText, stepDecimals, textDecimals } from '../../src/renderer/src/model/book-ladder';
import { formatBps } from '../../src/renderer/src/format/format';
import { row } from './fixtures';

const T = Date.UTC(2026, 2, 1, 14, 3, 7, 250);

function ladder(bids: [string, string][], asks: [string, string][], time = T): BookLadder {
  return { key: 'okx:BTC-USDT-SWAP', time, bids, asks, bidLevels: bids.length, askLevels: asks.length, valid: true };
}

/** Every cell of a column has the same number of decimals: their decimal points line up in a monospace, right-aligned column. */
const decimalsOf = (texts: readonly string[]) => new Set(texts.map((t) => (t.includes('.') ? t.length - t.indexOf('.') - 1 : 0)));

describe('book ladder decimals', () => {
  it('takes decimals from a step: 0.1 -> 1, 0.00001 -> 5, 0.25 -> 2, 1 and 10 -> 0, unknown -> null', () => {
    expect(stepDecimals(0.1)).toBe(1);
    expect(stepDecimals(0.00001)).toBe(5);
    expect(stepDecimals(1e-8)).toBe(8);
    expect(stepDecimals(0.25)).toBe(2);
    expect(stepDecimals(0.5)).toBe(1);
    expect(stepDecimals(1)).toBe(0);
    expect(stepDecimals(10)).toBe(0);
    expect(stepDecimals(undefined)).toBeNull();
    expect(stepDecimals(Number.NaN)).toBeNull();
    expect(stepDecimals(0)).toBeNull();
  });

  it('reads the decimals an exchange string needs, its padding dropped', () => {
    expect(textDecimals('68203.10000000')).toBe(1);
    expect(textDecimals('68203')).toBe(0);
    expect(textDecimals('17.9')).toBe(1);
    expect(textDecimals('0.00120')).toBe(4);
    expect(textDecimals('5.')).toBe(0);
  });

  it('shows prices to the tick with trailing zeros kept, one precision per column', () => {
    const view = ladderView(
      ladder(
        [
          ['68203', '17.9'],
          ['68202.5', '0.25'],
        ],
        [
          ['68203.1', '2'],
          ['68204', '0.001'],
        ],
      ),
      { tickSize: 0.1, contractValue: 1, quote: 'USDT' },
      10,
    );
    expect(view.priceFrom).toBe('tick');
    expect(view.bids.map((r) => r.price)).toEqual(['68203.0', '68202.5']);
    // Asks are drawn best-last, next to the middle row.
    expect(view.asks.map((r) => r.price)).toEqual(['68204.0', '68203.1']);
    // No lot size known: the finest decimals the exchange sent, for every size.
    expect(view.sizeFrom).toBe('text');
    expect(view.bids.map((r) => r.size)).toEqual(['17.900', '0.250']);
    expect(view.asks.map((r) => r.size)).toEqual(['0.001', '2.000']);
    for (const column of [view.bids.map((r) => r.price), [...view.asks, ...view.bids].map((r) => r.size), [...view.asks, ...view.bids].map((r) => r.cum)]) {
      expect(decimalsOf(column).size).toBe(1);
    }
  });

  it('takes sizes to the lot size when it is known', () => {
    const view = ladderView(ladder([['100.00', '3']], [['100.01', '0.5']]), { tickSize: 0.01, lotSize: 0.001, contractValue: 1 }, 10);
    expect(view.sizeFrom).toBe('lot');
    expect(view.bids[0]!.size).toBe('3.000');
    expect(view.asks[0]!.size).toBe('0.500');
  });

  it('falls back to the exchange strings when the tick size is unknown, padding dropped', () => {
    const view = ladderView(ladder([['68203.10000000', '1.00000000']], [['68203.20000000', '0.00120000']]), {}, 10);
    expect(view.priceFrom).toBe('text');
    expect(view.bids[0]!.price).toBe('68203.1');
    expect(view.asks[0]!.size).toBe('0.0012');
    expect(view.bids[0]!.size).toBe('1.0000');
  });
});

describe('book ladder cumulative notional and size bars', () => {
  it('cumulates quote notional (price x size x contract value) from the best price, in one unit for the column', () => {
    // OKX swap: 0.01 BTC per contract.
    const view = ladderView(
      ladder(
        [
          ['50000.0', '100'],
          ['49999.0', '300'],
        ],
        [['50001.0', '40']],
      ),
      { tickSize: 0.1, contractValue: 0.01, quote: 'USDT' },
      10,
    );
    // 100 * 0.01 * 50000 = 50,000; + 300 * 0.01 * 49999 = 199,997 -> 199.997k
    expect(view.cumLabel).toBe('cum k USDT');
    expect(view.bids.map((r) => r.cum)).toEqual(['50.0', '200.0']);
    expect(view.asks.map((r) => r.cum)).toEqual(['20.0']);
    expect(view.cumNotional).toBe(true);
  });

  it('keeps small notionals in quote units with two decimals, large ones in millions', () => {
    expect(ladderView(ladder([['1.0000', '10']], [['1.0001', '5']]), { tickSize: 0.0001, contractValue: 1, quote: 'USDT' }, 10).bids[0]!.cum).toBe('10.00');
    const big = ladderView(ladder([['50000', '300']], [['50001', '1']]), { tickSize: 1, contractValue: 1, quote: 'USDT' }, 10);
    expect(big.cumLabel).toBe('cum M USDT');
    expect(big.bids[0]!.cum).toBe('15.00');
    expect(big.asks[0]!.cum).toBe('0.05');
  });

  it('says the column is in sizes when the contract value is unknown', () => {
    const view = ladderView(ladder([['10.0', '1.5'], ['9.9', '2']], [['10.1', '1']]), { tickSize: 0.1 }, 10);
    expect(view.cumNotional).toBe(false);
    expect(view.cumLabel).toBe('cum size');
    expect(view.bids.map((r) => r.cum)).toEqual(['1.5', '3.5']);
  });

  it('draws size bars against the largest size shown on either side, levels beyond the depth left out', () => {
    const view = ladderView(ladder([['10.0', '2'], ['9.9', '1'], ['9.8', '100']], [['10.1', '4']]), { tickSize: 0.1 }, 2);
    expect(view.bids.map((r) => r.bar)).toEqual([50, 25]);
    expect(view.asks.map((r) => r.bar)).toEqual([100]);
  });

  it('takes a spot row as one base unit per contract, a derivative only with its contract value', () => {
    expect(ladderInstrument(row('binance-spot:BTCUSDT', { type: 'spot', instrumentId: 'BTC-USDT-SPOT', tickSize: 0.01 }))).toEqual({ tickSize: 0.01, contractValue: 1, quote: 'USDT' });
    expect(ladderInstrument(row('okx:BTC-USDT-SWAP', { contractValue: 0.01 }))).toEqual({ contractValue: 0.01, quote: 'USDT' });
    expect(ladderInstrument(row('okx:BTC-USDT-SWAP'))).toEqual({ quote: 'USDT' });
  });

  it("prints an overview row's sizes to its lot size, trailing zeros kept and decimals aligned", () => {
    // OKX sends "1.5" and "17" for a swap whose lot is 0.01 contracts; the exchange's strings alone would give 1 decimal.
    const instrument = ladderInstrument(row('okx:BTC-USDT-SWAP', { tickSize: 0.1, lotSize: 0.01, contractValue: 0.01 }));
    expect(instrument.lotSize).toBe(0.01);
    const view = ladderView(ladder([['68203.1', '1.5'], ['68203', '17']], [['68203.2', '0.3']]), instrument, 10);
    expect(view.sizeFrom).toBe('lot');
    expect(view.sizeDecimals).toBe(2);
    expect([...view.asks, ...view.bids].map((r) => r.size)).toEqual(['0.30', '1.50', '17.00']);
    expect(decimalsOf([...view.asks, ...view.bids].map((r) => r.size))).toEqual(new Set([2]));
    // Without the lot size: the exchange's own finest decimals (the documented fallback).
    const unknown = ladderView(ladder([['68203.1', '1.5'], ['68203', '17']], [['68203.2', '0.3']]), ladderInstrument(row('okx:BTC-USDT-SWAP', { tickSize: 0.1 })), 10);
    expect(unknown.sizeFrom).toBe('text');
    expect(unknown.bids.map((r) => r.size)).toEqual(['1.5', '17.0']);
  });
});

describe('book ladder spread and mid against the metrics', () => {
  it('computes spread and mid with the metrics formula and formats the bp like the summary', () => {
    const l = ladder([['68174.2', '1']], [['68174.4', '1']]);
    const top = bookTop(l)!;
    const mid = (68174.2 + 68174.4) / 2;
    expect(top.mid).toBe(mid);
    expect(top.spreadBps).toBe(((68174.4 - 68174.2) / mid) * 1e4);
    // The summary prints formatBps(spread_bps): a sample of this same book must read the same.
    const summary = `${formatBps(top.spreadBps)} bp`;
    expect(summary).toBe('0.029 bp');
    expect(bookTopText(top, 1)).toBe(`book 14:03:07.250Z · spread 0.2 = ${summary} · mid 68174.30`);
  });

  it('shows the latest sample the summary shows, with its time, next to the book at its own instant', () => {
    const sample = row('okx:BTC-USDT-SWAP', { time: Date.UTC(2026, 2, 1, 14, 3, 7), values: { spread_bps: 0.0147, mid: 68174.25 } });
    expect(sampleTopText(sample, 1)).toBe(`sample 14:03:07Z · spread ${formatBps(0.0147)} bp · mid 68174.25`);
    expect(sampleTopText(undefined, 1)).toBe('');
    expect(bookTopText(null, 1)).toBe('');
    expect(clockMs(Date.UTC(2026, 2, 1, 0, 0, 1, 5))).toBe('00:00:01.005');
  });
});
