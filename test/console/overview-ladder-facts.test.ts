import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/engine/config';
import { overviewRow, rowContext } from '../../src/engine/console/overview';
import type { SampleEvaluation } from '../../src/shared/core/surveillance-evaluator';
import { SHIPPED_CONFIG } from '../config/helpers';

const context = rowContext(loadConfig(SHIPPED_CONFIG));

function evaluation(key: string, tickSize?: number, lotSize?: number): SampleEvaluation {
  return {
    sample: { key, instrumentId: 'BTC-USDT-PERP', venue: 'okx', time: 1_000, values: { spread_bps: 1 }, covered: {}, health: { stale: false, bookValid: true }, ...(tickSize === undefined ? {} : { tickSize }), ...(lotSize === undefined ? {} : { lotSize }) },
    zscores: {},
    outcomes: [],
    rules: [],
    events: [],
    alerts: [],
    reset: false,
  };
}

describe('overview rows carry what the book ladder is drawn with', () => {
  it("the sample's tick size and the configured contract value", () => {
    const swap = overviewRow(evaluation('okx:BTC-USDT-SWAP', 0.1, 0.01), [], context);
    expect(swap.tickSize).toBe(0.1);
    expect(swap.lotSize).toBe(0.01);
    // instruments.yaml: contract_value 0.01 BTC per OKX swap contract.
    expect(swap.contractValue).toBe(0.01);
  });

  it('leaves out a tick size that is unknown (NaN, absent) and a contract value nobody configured', () => {
    expect('tickSize' in overviewRow(evaluation('okx:BTC-USDT-SWAP', Number.NaN), [], context)).toBe(false);
    expect('lotSize' in overviewRow(evaluation('okx:BTC-USDT-SWAP', 0.1, Number.NaN), [], context)).toBe(false);
    expect('lotSize' in overviewRow(evaluation('okx:BTC-USDT-SWAP', 0.1), [], context)).toBe(false);
    const other = overviewRow(evaluation('okx:NOPE-USDT-SWAP'), [], context);
    expect('tickSize' in other).toBe(false);
    expect('contractValue' in other).toBe(false);
  });
});
