import { describe, expect, it } from 'vitest';
import { driftSummary } from '../../src/renderer/src/model/feed-health';
import { feed } from '../renderer/fixtures';

/** Deep verification counters where an operator reads the book-top ones: the Feeds view's drift cell. */
describe('Feeds view: deep verification next to the book-top cross-check', () => {
  it('adds a line for deep checks, flags a deep mismatch or a verification not made', () => {
    const summary = driftSummary(feed('okx', { driftChecks: 3832, driftMismatches: 4, bookDrifts: 2, deepChecks: 3, deepMismatches: 1 }));
    expect(summary).toMatchObject({ text: '2 drifts', warn: true });
    expect(summary.title.split('\n')).toEqual([
      "3,832 checks of book tops against the venue's own top of book",
      '4 mismatches',
      '2 sustained drifts (each forced a resync)',
      '3 deep checks of whole books against REST snapshots: 1 mismatch (counted as drifts)',
    ]);
    const unverified = driftSummary(feed('okx', { driftChecks: 100, deepChecks: 1, deepUnverified: 2 }));
    expect(unverified.warn).toBe(true);
    expect(unverified.title.split('\n').at(-1)).toBe('1 deep check of whole books against REST snapshots: 0 mismatches (counted as drifts), 2 verifications not made');
  });

  it('says nothing of deep checks while there were none, and a clean deep check does not warn', () => {
    expect(driftSummary(feed('okx', { driftChecks: 10 })).title.split('\n')).toHaveLength(3);
    expect(driftSummary(feed('okx', { driftChecks: 10, deepChecks: 2 }))).toMatchObject({ text: '0/10', warn: false });
  });
});
