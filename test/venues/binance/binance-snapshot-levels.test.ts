import { describe, expect, it } from 'vitest';
import { binanceSpot } from '../../../src/engine/venues/binance';
import type { BookSnapshotEvent, Instrument } from '../../../src/shared/core/model';

const nkn: Instrument = {
  venue: 'binance-spot',
  symbol: 'NKNUSDT',
  id: 'NKN-USDT-SPOT',
  type: 'spot',
  base: 'NKN',
  quote: 'USDT',
  tickSize: 0.0001,
  contractKind: 'spot',
  contractValue: 1,
};

describe('Binance REST snapshot levels', () => {
  it('keeps the good levels of a snapshot with a bad one and counts the bad one', () => {
    const body = { lastUpdateId: 100, bids: [['0.35', '10'], ['0.34', 'NaN'], ['0.33', '-1']], asks: [['0.36', '5']] };
    const result = binanceSpot.createMapper().map({
      t: 1,
      venue: 'binance-spot',
      kind: 'rest',
      url: 'https://api.binance.com/api/v3/depth?symbol=NKNUSDT&limit=5000',
      data: JSON.stringify(body),
    });
    if (result.kind !== 'events') throw new Error(`expected events, got ${JSON.stringify(result)}`);
    const sync = binanceSpot.createBookSync(nkn);
    sync.apply(result.events[0] as BookSnapshotEvent);
    expect(sync.stats.rejectedLevels).toBe(2);
    expect(sync.book.levelCount('bid')).toBe(1);
    expect(sync.book.bestAsk()?.priceText).toBe('0.36');
  });

  it('refuses a snapshot whose levels are not [price, size] strings', () => {
    const result = binanceSpot.createMapper().map({
      t: 1,
      venue: 'binance-spot',
      kind: 'rest',
      url: 'https://api.binance.com/api/v3/depth?symbol=NKNUSDT&limit=5000',
      data: JSON.stringify({ lastUpdateId: 100, bids: [[0.35, 10]], asks: [] }),
    });
    expect(result).toMatchObject({ kind: 'rejected', reason: 'missing_field' });
  });
});
