import type { ConsoleEvent, FeedView } from '../../../shared/contract';
import type { Alert, AlertEvent } from '../../../shared/core/model';
import { replacesRow, rowFromSummary, type ShownRow } from '../model/summary-rows';
import type { ConsoleStore, EventBatch } from '../store/console-store';

/** Runs `flush` soon: next animation frame in the page, at once in tests. */
export type FlushScheduler = (flush: () => void) => void;

export interface EventPumpOptions {
  readonly store: ConsoleStore;
  readonly schedule: FlushScheduler;
  /** The engine switched mode: reload the snapshot. */
  readonly onMode: () => void;
  /** A desktop notification the policy asks for. */
  /** `afterSilence`: the silence whose end let a held-back notification go. */
  readonly onNotify: (alert: Alert, event: AlertEvent, afterSilence?: string) => void;
}

export interface EventPump {
  push(event: ConsoleEvent): void;
  /** Applies what is queued now (tests; the scheduler calls it otherwise). */
  flush(): void;
}

/**
 * Gathers engine events between frames and applies them with one store
 * update per frame: overview rows and summaries coalesce per key (only the
 * latest matters to the screen), alert events queue in order and are never dropped, feeds
 * merge by venue, engine, book and replay keep the latest. A burst of events thus
 * costs one render, not one per message.
 */
export function createEventPump(options: EventPumpOptions): EventPump {
  let rows = new Map<string, ShownRow>();
  let alerts: { events: readonly AlertEvent[]; alerts: readonly Alert[] }[] = [];
  let feeds: Map<string, FeedView> | null = null;
  let batch: Omit<EventBatch, 'rows' | 'alerts' | 'feeds'> = { book: null, replay: null, mode: null };
  let cases: NonNullable<EventBatch['cases']>[number][] = [];
  let scheduled = false;

  const flush = (): void => {
    scheduled = false;
    const next: EventBatch = { ...batch, rows: [...rows.values()], alerts, feeds: feeds ? [...feeds.values()] : null, cases };
    cases = [];
    rows = new Map();
    alerts = [];
    feeds = null;
    batch = { book: null, replay: null, mode: null };
    options.store.getState().ingest(next);
  };

  const queue = (row: ShownRow): void => {
    if (replacesRow(rows.get(row.key), row)) rows.set(row.key, row);
  };

  const schedule = (): void => {
    if (scheduled) return;
    scheduled = true;
    options.schedule(flush);
  };

  return {
    push(event) {
      switch (event.type) {
        case 'overview':
          for (const row of event.rows) queue(row);
          break;
        case 'summary':
          for (const summary of event.rows) queue(rowFromSummary(summary));
          break;
        case 'alerts':
          alerts.push({ events: event.events, alerts: event.alerts });
          break;
        case 'feeds':
          feeds ??= new Map();
          for (const feed of event.feeds) feeds.set(feed.venue, feed);
          break;
        case 'engine':
          batch = { ...batch, engine: event.engine };
          break;
        case 'book':
          batch = { ...batch, book: event.ladder };
          break;
        case 'replay':
          batch = { ...batch, replay: event.state };
          break;
        case 'mode':
          batch = { ...batch, mode: { mode: event.mode, simulated: event.simulated } };
          options.onMode();
          break;
        case 'silences':
          batch = { ...batch, silences: event.silences };
          break;
        case 'case':
          cases.push(event.entry);
          break;
        case 'notify':
          options.onNotify(event.alert, event.event, event.afterSilence);
          return;
      }
      schedule();
    },
    flush,
  };
}
