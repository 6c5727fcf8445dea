import type { ConnectionView } from '../../shared/contract';
import type { ConnectionObservation, VenueFeedObservation } from '../../shared/core/feed-integrity';
import type { VenueId } from '../../shared/core/model';
import type { VenueBooks } from '../pipeline/venue-books';
import type { FeedStatus } from '../feed/feed-status';

/**
 * A live venue's feed-integrity reading at a boundary: what its books saw
 * (counters, staleness, crossed books) and how its connections stand. A venue
 * that never delivered a frame is reported too: "unreachable" is exactly the
 * case where the books have nothing to say.
 */
export function liveFeedObservation(venue: VenueId, books: VenueBooks, statuses: readonly FeedStatus[], time: number): VenueFeedObservation {
  const seen = books.feedObservations(time).find((v) => v.venue === venue);
  const connections = statuses.filter((s) => s.venue === venue).flatMap((s) => s.connections.map(connectionObservation));
  return {
    venue,
    stale: seen?.stale ?? false,
    lastFrameAt: seen?.lastFrameAt ?? null,
    gaps: seen?.gaps ?? 0,
    checksumFailures: seen?.checksumFailures ?? 0,
    resyncs: seen?.resyncs ?? 0,
    rejectedFrames: seen?.rejectedFrames ?? 0,
    bookDrifts: seen?.bookDrifts ?? 0,
    deepMismatches: seen?.deepMismatches ?? 0,
    books: seen?.books ?? [],
    connections,
  };
}

function connectionObservation(c: ConnectionView): ConnectionObservation {
  return {
    id: c.id,
    downSince: c.state === 'stopped' ? null : c.downSince,
    neverConnected: c.lastFrameAt === null,
    lastError: c.lastError,
    failedAttempts: c.failedAttempts,
    nextRetryAt: c.nextRetryAt,
  };
}
