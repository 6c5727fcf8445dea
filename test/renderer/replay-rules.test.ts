import { describe, expect, it, vi } from 'vitest';
import { followReplayRules } from '../../src/renderer/src/live/replay-rules';
import { createConsoleStore, type EventBatch } from '../../src/renderer/src/store/console-store';
import { memoryPrefs } from '../../src/renderer/src/store/prefs';
import { row, snapshot } from './fixtures';

const batch = (patch: Partial<EventBatch>): EventBatch => ({ rows: [], alerts: [], feeds: null, book: null, replay: null, mode: null, ...patch });

describe('rules of a replay instrument the configuration does not list', () => {
  it('asks for a snapshot (which brings its rules) once per new key, not for keys with rules or outside a replay', () => {
    vi.useFakeTimers();
    try {
      const store = createConsoleStore(memoryPrefs());
      const reload = vi.fn();
      followReplayRules(store, reload, 100);
      store.getState().loadSnapshot(snapshot({ overview: [row('okx:A')], rules: { 'okx:A': [] } }), 0);
      store.getState().ingest(batch({ rows: [row('okx:LIVE')] }));
      vi.advanceTimersByTime(200);
      expect(reload).not.toHaveBeenCalled();
      const replay = { kind: 'replay', capture: '/c.jsonl' } as const;
      store.getState().loadSnapshot(snapshot({ mode: replay, overview: [row('okx:A')], rules: { 'okx:A': [] } }), 0);
      store.getState().ingest(batch({ rows: [row('okx:NEW')] }));
      store.getState().ingest(batch({ rows: [row('okx:NEW2')] }));
      vi.advanceTimersByTime(200);
      expect(reload).toHaveBeenCalledTimes(1);
      // The snapshot came back without one of them (the engine knows no rule): not asked again for it.
      store.getState().loadSnapshot(snapshot({ mode: replay, overview: [row('okx:A'), row('okx:NEW')], rules: { 'okx:A': [] } }), 0);
      store.getState().ingest(batch({ rows: [row('okx:NEW2')] }));
      vi.advanceTimersByTime(200);
      expect(reload).toHaveBeenCalledTimes(1);
    } finally {
      vi.useRealTimers();
    }
  });
});
