import { describe, expect, it } from 'vitest';
import { bybit } from '../../../src/engine/venues/bybit';

describe('the Bybit venue', () => {
  it('guesses an instrument it has no metadata for, from the symbol alone', () => {
    expect(bybit.guessInstrument('ETHUSDT-SPOT')).toMatchObject({ id: 'ETH-USDT-SPOT', type: 'spot', base: 'ETH', quote: 'USDT' });
    expect(bybit.guessInstrument('ETHUSDT')).toMatchObject({ id: 'ETH-USDT-PERP', type: 'perpetual', contractKind: 'linear' });
    expect(bybit.guessInstrument('ETHUSD')).toMatchObject({ id: 'ETH-USD-PERP', type: 'perpetual', contractKind: 'inverse' });
    expect(bybit.guessInstrument('ETHUSDH25')).toMatchObject({ type: 'future', contractKind: 'inverse', base: 'ETH', quote: 'USD' });
    expect(bybit.guessInstrument('ETHPERP')).toMatchObject({ id: 'ETH-USDC-PERP', quote: 'USDC' });
  });
});
