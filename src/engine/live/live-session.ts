import type { Config } from '../../shared/config';
import { enabledVenueInstruments } from '../venues/venue-instruments';
import { instrumentKey, type VenueId } from '../../shared/core/model';
import type { FeedTuning } from '../feed/feed-tuning';
import type { SurveillancePipeline } from '../pipeline/surveillance-pipeline';
import { venueById } from '../venues/registry';
import type { Feed, FeedOptions, FeedSubscription } from '../feed/feed';
import type { FeedSink } from '../feed/feed-sink';
import type { FeedStatus } from '../feed/feed-status';
import type { RawFrame } from '../feed/raw-frame';

/**
 * What a live session drives: the whole pipeline on one thread, or in a feed
 * worker the books side with a sampler that posts to the analytics worker.
 */
export type LiveTarget = Pick<SurveillancePipeline, 'ingest' | 'booksWantingSnapshot' | 'takeNewlyWanting' | 'resetInstruments' | 'advance'>;

/**
 * Books that still want a snapshot are asked of their feed again this often:
 * an ask the feed could not take (socket not yet up, request failed, OKX's
 * grace) is retried without a walk over every book on every frame.
 */
export const SNAPSHOT_RETRY_MS = 250;

export interface LiveSessionOptions {
  readonly pipeline: LiveTarget;
  /** Makes the feeds, handed the sink that routes their frames to the pipeline. */
  readonly createFeeds: (sink: FeedSink) => readonly Feed[];
  /** `pipeline.advance` runs this often (features.yaml sampling interval). */
  readonly sampleIntervalMs: number;
  /**
   * Gets every frame and disconnect too, after the pipeline has taken it
   * (a recorder, a test watching the books).
   */
  readonly extraSink?: FeedSink;
  readonly now?: () => number;
  /** A frame the pipeline threw on (a bug, not bad data: bad data is counted by the mapper). */
  readonly onError?: (error: unknown, frame: RawFrame) => void;
}

/**
 * Runs live feeds into the pipeline: every frame -> `pipeline.ingest`;
 * after each frame, books that have just started wanting a snapshot are
 * asked of their feed, and every `SNAPSHOT_RETRY_MS` all that still want one
 * (feeds deduplicate and rate-limit, so asking again is cheap and retries a
 * snapshot that failed or turned out too old); a dropped connection resets
 * its books; a timer takes samples every interval.
 */
export class LiveSession {
  private readonly feeds: readonly Feed[];
  private readonly byVenue = new Map<VenueId, Feed>();
  private timer: NodeJS.Timeout | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private readonly now: () => number;
  private errors = 0;

  constructor(private readonly options: LiveSessionOptions) {
    this.now = options.now ?? Date.now;
    const sink: FeedSink = {
      onFrame: (frame) => this.onFrame(frame),
      onDisconnect: (venue, symbols) => this.onDisconnect(venue, symbols),
      onStatus: (status) => options.extraSink?.onStatus?.(status),
    };
    this.feeds = options.createFeeds(sink);
    for (const feed of this.feeds) this.byVenue.set(feed.venue, feed);
  }

  /** Frames the pipeline threw on. */
  get frameErrors(): number {
    return this.errors;
  }

  start(): void {
    if (this.timer) return;
    this.options.pipeline.advance(this.now());
    this.scheduleTick();
    this.retryTimer = setInterval(() => this.askSnapshots(this.options.pipeline.booksWantingSnapshot()), SNAPSHOT_RETRY_MS);
    this.retryTimer.unref?.();
    for (const feed of this.feeds) feed.start();
  }

  /** Ticks just after each sampling boundary, so a sample is taken when it is due, not up to an interval late. */
  private scheduleTick(): void {
    const interval = this.options.sampleIntervalMs;
    const now = this.now();
    const wait = interval - (now % interval) + 5;
    this.timer = setTimeout(() => {
      this.options.pipeline.advance(this.now());
      if (this.timer) this.scheduleTick();
    }, wait);
  }

  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.retryTimer) clearInterval(this.retryTimer);
    this.retryTimer = null;
    await Promise.all(this.feeds.map((feed) => feed.stop()));
  }

  /** Health of every feed and its connections. */
  status(): FeedStatus[] {
    return this.feeds.map((feed) => feed.status());
  }

  private onFrame(frame: RawFrame): void {
    const pipeline = this.options.pipeline;
    try {
      pipeline.ingest(frame);
    } catch (error) {
      // One bad frame must not take the socket handler (and the feed) down with it.
      this.errors += 1;
      this.options.onError?.(error, frame);
    }
    this.options.extraSink?.onFrame(frame);
    this.askSnapshots(pipeline.takeNewlyWanting());
  }

  private askSnapshots(keys: readonly string[]): void {
    for (const key of keys) {
      const colon = key.indexOf(':');
      this.byVenue.get(key.slice(0, colon))?.requestSnapshot(key.slice(colon + 1));
    }
  }

  private onDisconnect(venue: VenueId, symbols: readonly string[]): void {
    this.options.pipeline.resetInstruments(symbols.map((symbol) => instrumentKey(venue, symbol)));
    this.options.extraSink?.onDisconnect?.(venue, symbols);
  }
}

/** What each venue subscribes to, from the enabled instruments of instruments.yaml. */
export function subscriptionsFromConfig(config: Config): Map<VenueId, FeedSubscription[]> {
  const out = new Map<VenueId, FeedSubscription[]>();
  for (const { venue, listing } of enabledVenueInstruments(config)) {
    let list = out.get(venue);
    if (!list) out.set(venue, (list = []));
    if (list.some((s) => s.symbol === listing.symbol)) continue;
    list.push({ symbol: listing.symbol, depthStream: listing.depthStream, index: listing.index });
  }
  return out;
}

/** One feed per venue with enabled instruments, through the venue registry. */
export function createConfiguredFeeds(config: Config, sink: FeedSink, tuning?: Partial<FeedTuning>, now?: () => number): Feed[] {
  const feeds: Feed[] = [];
  for (const [venueId, subscriptions] of subscriptionsFromConfig(config)) {
    const venue = venueById(venueId);
    if (!venue) continue;
    const options: FeedOptions & { tuning?: Partial<FeedTuning> } = {
      subscriptions,
      exchanges: config.exchanges,
      limits: config.features.limits,
      sink,
      now,
      tuning,
    };
    feeds.push(venue.createFeed(options));
  }
  return feeds;
}
