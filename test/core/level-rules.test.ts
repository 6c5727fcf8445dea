import { describe, expect, it } from 'vitest';
import { checkLevels, priceProblem, sizeProblem } from '../../src/shared/core/level-rules';

describe('the level rule every venue shares', () => {
  it('takes the decimals real venues send', () => {
    for (const text of ['0.35270000', '7.6120', '42280', '.5', '5.', '1e-3', '1.5E+2']) expect(priceProblem(text)).toBeUndefined();
    for (const text of ['0', '0.000', '12.5', '-0', '1e-400']) expect(sizeProblem(text)).toBeUndefined();
  });

  it('refuses a price that is zero, negative, infinite or underflows to zero, however it is written', () => {
    expect(priceProblem('0')).toBe('is not positive');
    expect(priceProblem('0.0e5')).toBe('is not positive');
    expect(priceProblem('-1')).toBe('is not positive');
    expect(priceProblem('1e999')).toBe('is not finite');
    expect(priceProblem(`1${'0'.repeat(400)}`)).toBe('is not finite');
    expect(priceProblem('1e-400')).toBe('is not positive');
    expect(priceProblem(`0.${'0'.repeat(400)}1`)).toBe('is not positive');
    for (const text of ['', 'NaN', 'Infinity', '0x1A', ' 5', '5 ', '1.2.3', '--5', '1e', '.', '-']) {
      expect(priceProblem(text), JSON.stringify(text)).toBe('is not a decimal');
    }
    expect(priceProblem(5)).toBe('is not a string');
  });

  it('refuses a size that is negative or infinite, and tells negative apart', () => {
    expect(sizeProblem('-5')).toEqual({ problem: 'is negative', negative: true });
    expect(sizeProblem('1e999')).toEqual({ problem: 'is not finite', negative: false });
    expect(sizeProblem('NaN')).toEqual({ problem: 'is not a decimal', negative: false });
  });

  it('checks a list whole and names the first bad level', () => {
    expect(checkLevels([['1', '2'], ['1.5', '0']], 'b')).toBeUndefined();
    expect(checkLevels([['1', '2'], ['0', '1']], 'b')).toEqual({ reason: 'bad_number', detail: 'b[1] price "0" is not positive' });
    expect(checkLevels([['1', '-2']], 'asks')).toEqual({ reason: 'negative_size', detail: 'asks[0] size "-2" is negative' });
    expect(checkLevels([['1']], 'b')).toMatchObject({ reason: 'missing_field' });
    expect(checkLevels(undefined, 'b')).toMatchObject({ reason: 'missing_field' });
    expect(checkLevels('x', 'b')).toMatchObject({ reason: 'bad_number' });
    // A nested value is described, never walked (String() of a 5,000-deep array overflows the stack).
    const deep = JSON.parse('['.repeat(5_000) + ']'.repeat(5_000)) as unknown;
    expect(checkLevels([[deep, '1']], 'b')).toEqual({ reason: 'bad_number', detail: 'b[0] price an array of 1 is not a string' });
  });
});
