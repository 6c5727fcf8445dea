import type { ConnectionView } from '../../shared/contract';
import type { VenueId } from '../../shared/core/model';
import type { BudgetState } from './request-budget';

/** State and health of one socket of a feed: the console's own view of it (src/shared/contract.ts). */
export type ConnectionStatus = ConnectionView;

export interface FeedStatus {
  readonly venue: VenueId;
  readonly connections: readonly ConnectionStatus[];
  readonly snapshotsRequested: number;
  /** Snapshots that came back with an error status or not at all (also on the REST link, `connections`). */
  readonly snapshotsFailed: number;
  /** Snapshots answered 2xx. */
  readonly snapshotsFetched?: number;
  /** HTTP 429 answers: the venue saw us past its limit (our budget is off, or someone else shares the IP). */
  readonly restThrottled?: number;
  /** HTTP 418 answers: IP banned, no REST to the venue until its Retry-After. */
  readonly restBans?: number;
  /** Each REST budget: the documented limit, our allowance, what is spent in the window, queued, paused. */
  readonly restBudgets?: readonly BudgetState[];
  /** REST bodies and WebSocket messages refused for their size (features.yaml `limits`). */
  readonly tooLarge?: number;
}
