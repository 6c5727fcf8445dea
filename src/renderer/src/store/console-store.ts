import { createStore, type StoreApi } from 'zustand/vanilla';
import type { AlertCaseEntry, AlertView, BookLadder, ConsoleMode, ConsoleSnapshot, EngineView, FeedView, ReplayState, Silence } from '../../../shared/contract';
import type { AlertEvent } from '../../../shared/core/model';
import { sortOverviewKeys } from '../model/overview-columns';
import { rowFromSummary, type ShownRow } from '../model/summary-rows';
import { createAlertsSlice, reduceAlertEvents, reduceAlertSnapshot, reduceCaseEntries } from './alerts-slice';
import { createFeedsSlice, reduceFeeds } from './feeds-slice';
import { createMarketSlice, reduceOverview } from './market-slice';
import type { Prefs } from './prefs';
import { LIVE_RANGE } from '../model/time-range';
import type { ConsoleState } from './types';
import { createUiSlice } from './ui-slice';

/** Engine events gathered over one frame, applied with one store update. */
export interface EventBatch {
  /** Latest row per key in the frame, full or brief. */
  readonly rows: readonly ShownRow[];
  /** Every alerts event of the frame, in order. */
  readonly alerts: readonly { readonly events: readonly AlertEvent[]; readonly alerts: readonly AlertView[] }[];
  /** The latest silence list of the frame, if one came. */
  readonly silences?: readonly Silence[] | null;
  /** Case entries (notes, assignments) of the frame, in order. */
  readonly cases?: readonly AlertCaseEntry[];
  readonly feeds: readonly FeedView[] | null;
  /** The latest engine report of the frame, if one came. */
  readonly engine?: EngineView | null;
  readonly book: BookLadder | null;
  readonly replay: ReplayState | null;
  readonly mode: { readonly mode: ConsoleMode; readonly simulated: boolean } | null;
}

export interface IngestActions {
  /** Replaces the engine's side of the state with a snapshot (start, reconnect, mode switch). */
  loadSnapshot(snapshot: ConsoleSnapshot, wallNow: number): void;
  ingest(batch: EventBatch): void;
}

export type ConsoleStore = StoreApi<ConsoleState>;

const sameMode = (a: ConsoleMode | null, b: ConsoleMode): boolean => a !== null && JSON.stringify(a) === JSON.stringify(b);

/**
 * What a new mode (another capture, back to live) starts from: its own time
 * range and selection. A range centred on the previous capture's alert would
 * show the next capture's charts blank.
 */
const FRESH_VIEW = { timeRange: LIVE_RANGE, selectedKey: null, overviewSel: null, alertSel: null } as const;

/** The console's one store: market, alerts, feeds and UI slices plus the ingest actions that feed them. */
export function createConsoleStore(prefs: Prefs): ConsoleStore {
  return createStore<ConsoleState>()((set, get, api) => ({
    ...createMarketSlice(set, get, api),
    ...createAlertsSlice(set, get, api),
    ...createFeedsSlice(set, get, api),
    ...createUiSlice(prefs)(set, get, api),
    loadSnapshot: (snapshot, wallNow) => {
      const s = get();
      const rows: Record<string, ShownRow> = {};
      for (const summary of snapshot.summary ?? []) rows[summary.key] = rowFromSummary(summary);
      for (const row of snapshot.overview) rows[row.key] = row;
      const keys = Object.keys(rows);
      // A different mode is a different market: forget the alerts seen in the previous one.
      const same = sameMode(s.mode, snapshot.mode);
      const previous = same ? s : { active: {}, seen: {}, seenOrder: [] };
      const fresh = same ? null : FRESH_VIEW;
      const chosen = fresh ? null : s.selectedKey;
      const selectedKey = chosen !== null && rows[chosen] ? chosen : (keys[0] ?? null);
      set({
        mode: snapshot.mode,
        simulated: snapshot.simulated,
        rules: snapshot.rules,
        rows,
        keys,
        order: sortOverviewKeys(rows, keys, s.sort, s.problemsFirst),
        orderedAt: wallNow,
        clockOffsetMs: snapshot.serverTime - wallNow,
        dataEpoch: s.dataEpoch + 1,
        feeds: snapshot.feeds,
        engine: snapshot.engine ?? null,
        replay: snapshot.replay,
        captureAccess: snapshot.captures ?? null,
        silences: snapshot.silences ?? [],
        ...fresh,
        selectedKey,
        book: s.book !== null && rows[s.book.key] ? s.book : null,
        ...reduceAlertSnapshot(previous, snapshot.alerts),
      });
    },
    ingest: (batch) => {
      const s = get();
      const patch: { -readonly [K in keyof ConsoleState]?: ConsoleState[K] } = {};
      const market = reduceOverview(s, batch.rows);
      if (market) {
        Object.assign(patch, market);
        if (market.keys !== s.keys) {
          const known = new Set(s.order);
          patch.order = [...s.order, ...market.keys.filter((k) => !known.has(k))];
        }
        if (s.selectedKey === null) patch.selectedKey = market.keys[0] ?? null;
      }
      if (batch.alerts.length > 0) {
        let alerts = { active: s.active, seen: s.seen, seenOrder: s.seenOrder };
        for (const a of batch.alerts) alerts = reduceAlertEvents(alerts, a.events, a.alerts);
        Object.assign(patch, alerts);
      }
      if (batch.silences) patch.silences = batch.silences;
      if (batch.cases && batch.cases.length > 0) patch.caseCounts = reduceCaseEntries(s.caseCounts, batch.cases);
      if (batch.feeds) patch.feeds = reduceFeeds(s.feeds, batch.feeds);
      if (batch.engine) patch.engine = batch.engine;
      if (batch.book) patch.book = batch.book;
      if (batch.replay) patch.replay = batch.replay;
      if (batch.mode) {
        // A different mode is a different market: its alerts start from the snapshot that follows.
        if (!sameMode(s.mode, batch.mode.mode)) Object.assign(patch, { active: {}, seen: {}, seenOrder: [] }, FRESH_VIEW);
        patch.mode = batch.mode.mode;
        patch.simulated = batch.mode.simulated;
      }
      if (Object.keys(patch).length > 0) set(patch);
    },
  }));
}
