import { describe, expect, it } from 'vitest';
import { clampInstant, formatInstant, formatOffset, parseInstant } from '../../src/renderer/src/model/seek-time';

const FIRST = Date.UTC(2026, 2, 2, 0, 0, 0, 42.6);

describe('the replay view seek instant', () => {
  it('reads UTC times to the ms, offsets from the capture start and epoch ms', () => {
    expect(parseInstant('2026-03-02 00:01:15.250', FIRST)).toBe(Date.UTC(2026, 2, 2, 0, 1, 15, 250));
    expect(parseInstant('2026-03-02T00:01:15.25Z', FIRST)).toBe(Date.UTC(2026, 2, 2, 0, 1, 15, 250));
    expect(parseInstant(' 2026-03-02 00:01 ', FIRST)).toBe(Date.UTC(2026, 2, 2, 0, 1));
    expect(parseInstant('+45s', FIRST)).toBe(FIRST + 45_000);
    expect(parseInstant('+45.5', FIRST)).toBe(FIRST + 45_500);
    expect(parseInstant('+1500ms', FIRST)).toBe(FIRST + 1500);
    expect(parseInstant('+2m', FIRST)).toBe(FIRST + 120_000);
    expect(parseInstant('1772409640000', FIRST)).toBe(1_772_409_640_000);
  });

  it('refuses what is not a time, and a date that does not exist', () => {
    for (const text of ['', 'noon', '+', '-5s', '2026-02-31 00:00:00', '2026-03-02 25:00:00', '2026-03-02 00:01:15.2500']) expect(parseInstant(text, FIRST), text).toBeNull();
    expect(parseInstant('+45s', null)).toBeNull();
  });

  it('shows instants to the ms and offsets from the start; clamps into the range', () => {
    expect(formatInstant(Date.UTC(2026, 2, 2, 0, 1, 15, 250) + 0.7)).toBe('2026-03-02 00:01:15.250');
    expect(parseInstant(formatInstant(Date.UTC(2026, 2, 2, 0, 1, 15, 250)), FIRST)).toBe(Date.UTC(2026, 2, 2, 0, 1, 15, 250));
    expect(formatOffset(FIRST + 45_250, FIRST)).toBe('+45.250 s');
    expect(clampInstant(FIRST - 1, FIRST, FIRST + 10)).toEqual({ at: FIRST, clamped: 'start' });
    expect(clampInstant(FIRST + 11, FIRST, FIRST + 10)).toEqual({ at: FIRST + 10, clamped: 'end' });
    expect(clampInstant(FIRST + 5, FIRST, null)).toEqual({ at: FIRST + 5, clamped: null });
  });
});
