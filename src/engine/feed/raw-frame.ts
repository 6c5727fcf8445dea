import type { VenueId } from '../../shared/core/model';

/**
 * A frame exactly as received: a capture line's frame, or what a live feed
 * hands over (see docs/capture-format.md).
 */
export interface RawFrame {
  /** Local receive time, epoch ms. */
  readonly t: number;
  readonly venue: VenueId;
  readonly kind: 'ws' | 'rest';
  /** Websocket endpoint, or the full REST request URL with its query. */
  readonly url: string;
  /** Frame text or response body, byte for byte. */
  readonly data: string;
  readonly conn?: string;
  /** HTTP status of a REST frame; absent means 200. */
  readonly status?: number;
}
