import { describe, expect, it } from 'vitest';
import { bpsDecimals, compactNotional, quoteOf, seriesUnit, tickDecimals } from '../../src/renderer/src/model/chart-units';

describe('chart units and decimals', () => {
  it('gives every metric its unit on the axis label', () => {
    expect(seriesUnit('spread_bps').format(3.254)).toBe('3.25 bps');
    expect(seriesUnit('basis_perp_spot_bps').format(1.2)).toBe('+1.20 bps');
    expect(seriesUnit('cross_venue_bps').format(-0.001)).toBe('0.00 bps');
    expect(seriesUnit('depth_bid_10bps').format(5_382_000)).toBe('5.38M USD');
    expect(seriesUnit('depth_ask_10bps').format(24_000_000)).toBe('24.00M USD');
    expect(seriesUnit('z_spread_bps').format(2)).toBe('+2.0σ');
    expect(seriesUnit('z_spread_bps').format(-597.94)).toBe('-597.9σ');
    expect(seriesUnit('funding_rate').format(0.0001)).toBe('0.0100%');
    expect(seriesUnit('mid', { tickSize: 0.1, instrumentId: 'BTC-USDT-PERP' }).format(68203)).toBe('68203.0 USDT');
    expect(seriesUnit('spread_bps').format(Number.NaN)).toBe('–');
  });

  it('takes bps decimals from the tick size at the price, within [0, 3]', () => {
    expect(bpsDecimals(0.1, 68_000)).toBe(2); // 0.015 bps a tick
    expect(bpsDecimals(0.01, 68_000)).toBe(3); // 0.0015 bps: capped at 3
    expect(bpsDecimals(0.0001, 0.5)).toBe(0); // 2 bps a tick
    expect(bpsDecimals(0.01, 300)).toBe(1); // 0.33 bps a tick
    expect(bpsDecimals(undefined, 68_000)).toBe(2);
    expect(bpsDecimals(0.1, undefined)).toBe(2);
    const unit = seriesUnit('spread_bps', { tickSize: 0.0001, mid: 0.5 });
    expect(unit.decimals).toBe(0);
    expect(unit.minMove).toBe(1);
    expect(unit.format(12.4)).toBe('12 bps');
    expect(seriesUnit('spread_bps', { bpsDecimals: 1 }).format(3.25)).toBe('3.3 bps');
    // Axis labels never carry more decimals than the unit says.
    for (const v of [0.1234567, 5.5, 123.456]) expect(seriesUnit('spread_bps', { tickSize: 0.1, mid: 68_000 }).format(v)).toMatch(/^\d+\.\d{2} bps$/);
  });

  it('quotes prices to the tick', () => {
    expect(tickDecimals(0.01)).toBe(2);
    expect(tickDecimals(0.5)).toBe(1);
    expect(tickDecimals(1)).toBe(0);
    expect(tickDecimals(0.0001)).toBe(4);
    expect(quoteOf('ETH-USDC-SPOT')).toBe('USDC');
  });

  it('writes compact notional with fixed decimals per magnitude', () => {
    expect(compactNotional(950)).toBe('950');
    expect(compactNotional(12_345)).toBe('12.3k');
    expect(compactNotional(5_000_000)).toBe('5.00M');
    expect(compactNotional(1.2e9)).toBe('1.20B');
  });
});
