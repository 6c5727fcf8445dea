import type { Instrument } from '../../src/shared/core/model';

/** A listing as discovery would give it, for analytics tests: tick 0.01, linear unless spot, contract value 1. */
export const listing = (venue: Instrument['venue'], symbol: string, id: string, type: Instrument['type'], quote = 'USDT', extra: Partial<Instrument> = {}): Instrument => ({
  venue,
  symbol,
  id,
  type,
  base: id.split('-')[0]!,
  quote,
  tickSize: 0.01,
  contractKind: type === 'spot' ? 'spot' : 'linear',
  contractValue: 1,
  ...extra,
});
