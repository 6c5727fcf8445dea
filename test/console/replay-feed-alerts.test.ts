import { afterAll, describe, expect, it } from 'vitest';
import { ReplaySession } from '../../src/engine/console/replay-session';
import { queryAlerts } from '../../src/engine/storage/history-queries';
import type { FeedAlertStep } from '../../src/shared/core/feed-integrity';
import { cleanupFeedFaults, replayFeedFaults } from '../support/feed-fault-capture';

afterAll(cleanupFeedFaults);

describe('feed alerts in a console replay', () => {
  it('reach the replay view and its history as they would live', async () => {
    const { capture, config, result } = await replayFeedFaults();
    const steps: FeedAlertStep[] = [];
    const session = new ReplaySession(capture, 'max', config, { onEvaluation: () => undefined, onFeedAlerts: (s) => steps.push(s), onState: () => undefined });
    try {
      await session.start();
      const fired = steps.flatMap((s) => s.events).filter((e) => e.kind === 'firing');
      // The same feed alerts as `surveil replay` on the same capture and config.
      expect(fired.map((e) => e.alertId).sort()).toEqual(result.report.feedAlerts.map((a) => a.id).sort());
      const stored = queryAlerts(session.db).filter((a) => a.detail !== null);
      expect(stored.map((a) => a.id).sort()).toEqual(result.report.feedAlerts.map((a) => a.id).sort());
    } finally {
      await session.close();
    }
  }, 60_000);
});
