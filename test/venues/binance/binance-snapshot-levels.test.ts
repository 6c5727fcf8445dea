import { describe, expect, it } from 'vitest';
import { binanceSpot } from '../../../src/engine/venues/binance';

const depthFrame = (body: unknown) => ({
  t: 1,
  venue: 'binance-spot',
  kind: 'rest' as const,
  url: 'https://api.binance.com/api/v3/depth?symbol=NKNUSDT&limit=5000',
  data: JSON.stringify(body),
});

describe('Binance REST snapshot levels', () => {
  it('refuses a snapshot with one bad level whole, naming its book: a book loaded without it would be one the venue never had', () => {
    const body = { lastUpdateId: 100, bids: [['0.35', '10'], ['0.34', 'NaN'], ['0.33', '1']], asks: [['0.36', '5']] };
    const result = binanceSpot.createMapper().map(depthFrame(body));
    expect(result).toEqual({ kind: 'rejected', reason: 'bad_number', detail: 'bids[1] size "NaN" is not a decimal', symbol: 'NKNUSDT' });
  });

  it('refuses a negative size as negative_size', () => {
    const result = binanceSpot.createMapper().map(depthFrame({ lastUpdateId: 100, bids: [['0.33', '-1']], asks: [] }));
    expect(result).toMatchObject({ kind: 'rejected', reason: 'negative_size', symbol: 'NKNUSDT' });
  });

  it('refuses a snapshot whose levels are not [price, size] strings', () => {
    const result = binanceSpot.createMapper().map(depthFrame({ lastUpdateId: 100, bids: [[0.35, 10]], asks: [] }));
    expect(result).toMatchObject({ kind: 'rejected', reason: 'bad_number', symbol: 'NKNUSDT' });
    expect(binanceSpot.createMapper().map(depthFrame({ lastUpdateId: 100, bids: [['0.35']], asks: [] }))).toMatchObject({
      kind: 'rejected',
      reason: 'missing_field',
    });
  });
});
