import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimServer, type SimServer } from '../../src/engine/simulator';
import { CONFIG } from './helpers';

type Row = Record<string, string | number>;

async function getJson(url: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url);
  return { status: response.status, body: await response.json() };
}

describe('simulated 24 h statistics (discovery and liquidity tiers read them)', () => {
  let server: SimServer;
  beforeAll(async () => {
    server = await startSimServer({ scenario: 'calm', extraAssets: 30, alerts: CONFIG.alerts, staleTimeoutMs: 5_000 });
  });
  afterAll(async () => {
    await server.close();
  });

  it('Binance spot and USD-M serve every symbol, or one by ?symbol=, with the documented fields', async () => {
    for (const [venue, path] of [['binance-spot', '/api/v3/ticker/24hr'], ['binance-usdm', '/fapi/v1/ticker/24hr']] as const) {
      const all = await getJson(`${server.urls[venue].http}${path}`);
      expect(all.status).toBe(200);
      const rows = all.body as Row[];
      expect(rows).toHaveLength(32);
      for (const key of ['symbol', 'lastPrice', 'volume', 'quoteVolume', 'openPrice', 'highPrice', 'lowPrice', 'priceChangePercent', 'count']) {
        expect(rows[0], `${venue} ${key}`).toHaveProperty(key);
      }
      const one = await getJson(`${server.urls[venue].http}${path}?symbol=BTCUSDT`);
      expect((one.body as Row).symbol).toBe('BTCUSDT');
      // volume * lastPrice is the quote volume (within rounding of the 24 h average).
      const btc = one.body as Row;
      expect(Number(btc.volume) * Number(btc.lastPrice)).toBeCloseTo(Number(btc.quoteVolume), -6);
      const bad = await getJson(`${server.urls[venue].http}${path}?symbol=NOPEUSDT`);
      expect(bad.status).toBe(400);
      expect((bad.body as Row).code).toBe(-1121);
    }
  });

  it('volumes differ by asset: BTC far above ETH, the long tail far below both', async () => {
    const rows = (await getJson(`${server.urls['binance-usdm'].http}/fapi/v1/ticker/24hr`)).body as Row[];
    const volume = new Map(rows.map((r) => [r.symbol as string, Number(r.quoteVolume)]));
    const btc = volume.get('BTCUSDT')!;
    const eth = volume.get('ETHUSDT')!;
    const tail = rows.filter((r) => String(r.symbol).startsWith('S')).map((r) => Number(r.quoteVolume));
    expect(btc).toBeGreaterThan(1e10);
    expect(eth).toBeLessThan(btc);
    expect(Math.max(...tail)).toBeLessThan(eth);
    expect(Math.min(...tail)).toBeLessThan(Math.max(...tail) / 10);
    expect(new Set(tail).size).toBe(tail.length);
  });

  it('OKX market/tickers per instType, SPOT volCcy24h in quote, SWAP vol24h in contracts', async () => {
    const spot = (await getJson(`${server.urls.okx.http}/api/v5/market/tickers?instType=SPOT`)).body as { code: string; data: Row[] };
    const swap = (await getJson(`${server.urls.okx.http}/api/v5/market/tickers?instType=SWAP`)).body as { code: string; data: Row[] };
    expect(spot.code).toBe('0');
    expect(spot.data).toHaveLength(32);
    expect(swap.data.every((r) => r.instType === 'SWAP' && String(r.instId).endsWith('-SWAP'))).toBe(true);
    const btcSpot = spot.data.find((r) => r.instId === 'BTC-USDT')!;
    expect(Number(btcSpot.vol24h) * Number(btcSpot.last)).toBeCloseTo(Number(btcSpot.volCcy24h), -4);
    const btcSwap = swap.data.find((r) => r.instId === 'BTC-USDT-SWAP')!;
    // 0.01 BTC per contract: contracts are 100 times the base amount.
    expect(Number(btcSwap.vol24h) / Number(btcSwap.volCcy24h)).toBeCloseTo(100, 0);
    const missing = (await getJson(`${server.urls.okx.http}/api/v5/market/tickers`)).body as { code: string };
    expect(missing.code).toBe('50014');
  });
});
