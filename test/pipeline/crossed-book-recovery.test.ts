/**
 * The crossed_book feed alert over its whole life on the real path: Binance
 * USD-M frames through the mapper, book sync and pipeline, history in a real
 * SQLite file. It opens once the book has been crossed past the threshold,
 * is notified per the policy, and resolves once the book is uncrossed.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createNotificationPolicy } from '../../src/shared/notification-policy';
import { pipelineSettingsFrom } from '../../src/engine/pipeline/pipeline-settings';
import { SurveillancePipeline } from '../../src/engine/pipeline/surveillance-pipeline';
import { openHistoryDb } from '../../src/engine/storage/history-db';
import { queryAlerts } from '../../src/engine/storage/history-queries';
import { HistoryWriter } from '../../src/engine/storage/history-writer';
import type { RawFrame } from '../../src/engine/feed/raw-frame';
import type { AlertEvent } from '../../src/shared/core/model';
import { CONFIG } from '../simulator/helpers';

const T0 = Date.UTC(2026, 2, 2);
const WS = 'wss://fstream.binance.com/public/stream';

function frame(t: number, data: unknown, kind: 'ws' | 'rest' = 'ws', url = WS): RawFrame {
  return { t, venue: 'binance-usdm', kind, url, data: JSON.stringify(data) };
}

describe('crossed_book feed alert', () => {
  it('opens after the book is crossed past its threshold, is stored, notified per policy, and resolves once uncrossed', () => {
    const db = openHistoryDb(join(mkdtempSync(join(tmpdir(), 'surveil-crossed-')), 'history.db'));
    const writer = new HistoryWriter(db);
    const events: AlertEvent[] = [];
    const p = new SurveillancePipeline(pipelineSettingsFrom(CONFIG), {
      onEvaluation: (e, i) => writer.onEvaluation(e, i),
      onFeedAlerts: (step) => {
        events.push(...step.events);
        writer.onFeedAlerts(step);
      },
    });
    let u = 1000;
    p.ingest(frame(T0, { lastUpdateId: u, E: T0, T: T0, bids: [['100000', '5']], asks: [['100001', '5']] }, 'rest', 'https://fapi.binance.com/fapi/v1/depth?limit=1000&symbol=BTCUSDT'));
    const diff = (t: number, bids: string[][]) => {
      const U = u + 1;
      u += 2;
      p.ingest(frame(t, { stream: 'btcusdt@depth@100ms', data: { e: 'depthUpdate', E: t, T: t, s: 'BTCUSDT', U, u, pu: U - 1, b: bids, a: [] } }));
    };
    let t = T0;
    const second = (bids: string[][]) => {
      t += 1000;
      diff(t - 500, bids);
      p.advance(t);
    };
    for (let i = 0; i < 10; i++) second([['100000', String(5 + i / 10)]]);
    expect(events).toEqual([]);
    // A bid above the ask: crossed. The shipped rule fires after 5 s.
    second([['100002', '1']]);
    for (let i = 0; i < 8; i++) second([['100000', '6']]);
    const fired = events.filter((e) => e.kind === 'firing');
    expect(fired.map((e) => e.metric)).toEqual(['crossed_seconds']);
    expect(fired[0]!.detail).toMatch(/cross/);
    // Warnings are not notified under the shipped policy; with warnings on, it is.
    const alertOf = () => p.allAlerts().find((a) => a.metric === 'crossed_seconds');
    const shipped = createNotificationPolicy(CONFIG.features.notifications);
    const shown = shipped.offer(alertOf()!, fired[0]!, t);
    expect(shown.kind).toBe(fired[0]!.severity === 'critical' ? 'show' : 'suppress');
    const warnings = createNotificationPolicy({ ...CONFIG.features.notifications, warning: true });
    const notice = warnings.offer(alertOf()!, fired[0]!, t);
    expect(notice.kind).toBe('show');
    if (notice.kind === 'show') expect(notice.notice.body).toContain('cross');
    // The crossing bid is withdrawn: the book is sane again and the alert clears after the clear time.
    second([['100002', '0']]);
    for (let i = 0; i < CONFIG.alerts.lifecycle.clearSeconds + 3; i++) second([['100000', '6']]);
    expect(events.map((e) => e.kind)).toEqual(['firing', 'resolved']);
    writer.close();
    const stored = queryAlerts(db).filter((a) => a.metric === 'crossed_seconds');
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ state: 'resolved', venue: 'binance-usdm' });
    expect(stored[0]!.detail).not.toBeNull();
    db.close();
  });
});
