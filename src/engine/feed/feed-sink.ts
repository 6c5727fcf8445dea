import type { VenueId } from '../../shared/core/model';
import type { FeedStatus } from './feed-status';
import type { RawFrame } from './raw-frame';

/** What a live feed reports to whoever runs it (the engine, `surveil record`, tests). */
export interface FeedSink {
  /** Every frame received (websocket text or REST body), exactly as received. */
  onFrame(frame: RawFrame): void;
  /**
   * A connection dropped or went stale: the books of these symbols are no
   * longer in sync and must wait for a new snapshot.
   */
  onDisconnect?(venue: VenueId, symbols: readonly string[]): void;
  onStatus?(status: FeedStatus): void;
}
