import { describe, expect, it } from 'vitest';
import { driftSummary } from '../../src/renderer/src/model/feed-health';
import { feed } from './fixtures';

describe('Feeds view: book-top cross-check cell', () => {
  it('shows mismatches of checks, a dash before any check, and flags any mismatch', () => {
    expect(driftSummary(feed('okx'))).toMatchObject({ text: '–', warn: false });
    expect(driftSummary(feed('okx', { driftChecks: 3129 }))).toMatchObject({ text: '0/3,129', warn: false });
    expect(driftSummary(feed('okx', { driftChecks: 3129, driftMismatches: 1 }))).toMatchObject({ text: '1/3,129', warn: true });
  });

  it('shows sustained drifts (forced resyncs) first, with every count in the hover text', () => {
    const summary = driftSummary(feed('okx', { driftChecks: 3832, driftMismatches: 4, bookDrifts: 1 }));
    expect(summary).toMatchObject({ text: '1 drift', warn: true });
    expect(summary.title.split('\n')).toEqual([
      "3,832 checks of book tops against the venue's own top of book",
      '4 mismatches',
      '1 sustained drift (each forced a resync)',
    ]);
  });
});
