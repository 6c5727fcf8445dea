import type { EngineView, FeedView, ReplayState } from '../../../shared/contract';
import type { SliceCreator } from './types';

/** Feed health per venue, the live engine's threads and the replay's state: replaced whole by their events. */
export interface FeedsSlice {
  readonly feeds: readonly FeedView[];
  /** Null: no engine report yet (or an engine too old to send one). */
  readonly engine: EngineView | null;
  readonly replay: ReplayState | null;
}

export const createFeedsSlice: SliceCreator<FeedsSlice> = () => ({ feeds: [], engine: null, replay: null });

/** Merges venues by id: an event may carry only the venues that changed; venue order stays as first seen. */
export function reduceFeeds(current: readonly FeedView[], incoming: readonly FeedView[]): FeedView[] {
  const byVenue = new Map(current.map((f) => [f.venue, f]));
  for (const feed of incoming) byVenue.set(feed.venue, feed);
  return [...byVenue.values()];
}
