import type { Config, SelectableVenue } from '../../shared/config';
import { NO_SELECTION } from '../../shared/config';
import type { VenueId } from '../../shared/core/model';
import { fetchVenueListings, discoveryRestGet, okxInstTypes, type VenueFetch } from '../discovery/fetch-listings';
import type { ListedMarket } from '../discovery/listed-market';
import { describeChange, listingChanges, type ListingChange } from '../discovery/listing-changes';
import { nextExpiry, resolveSelection, type SelectionInput, type SelectionResult } from '../discovery/resolve-selection';

/** What a refresh hands the engine: the new config and, per venue that changed, why. */
export interface SelectionTarget {
  resubscribe(config: Config, reasons: ReadonlyMap<VenueId, string>): Promise<unknown>;
}

export interface LiveSelectionOptions {
  /** One terminal line per problem and per listing change (the feed log). */
  readonly log?: (line: string) => void;
  /** Tests: another fetch (the simulator is reached over real HTTP either way). */
  readonly fetch?: typeof fetch;
  /** Attempts per venue at start before running without its listings (default 3). */
  readonly attempts?: number;
  /** Attempts per venue at each refresh (default 2: a keep-alive socket the venue closed meanwhile fails once). */
  readonly refreshAttempts?: number;
  readonly retryDelayMs?: number;
  /**
   * Observed median resting depth of a listing (alerts.yaml tiers with
   * `min_depth_usd`), e.g. from the local history's hourly rollups
   * (`restingDepthMedians`); without it tiers go by 24 h volume alone.
   */
  readonly restingDepth?: (key: string, bandBps: number) => number | null;
}

/**
 * The live engine's instrument selection: instruments.yaml's `select:` rules
 * resolved against the venues' listings at start, then refreshed every
 * `discovery.refresh_minutes`. A config without rules passes through
 * untouched and nothing is fetched.
 */
export class LiveSelection {
  private everSelected = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private refreshing: Promise<ListingChange[]> | null = null;

  private constructor(
    private current: Config,
    private result: SelectionResult | null,
    private markets: Map<VenueId, readonly ListedMarket[]>,
    /** Venues whose last fetch failed: their rules chose nothing (or kept the last good listings). */
    private failed: Set<VenueId>,
    private readonly base: Config,
    private readonly options: LiveSelectionOptions,
  ) {
    for (const l of result?.listings ?? []) if (l.rule !== null) this.everSelected.add(l.key);
  }

  /** Resolves the rules once (with retries per venue); never throws for a venue that cannot be reached. */
  static async start(config: Config, options: LiveSelectionOptions = {}): Promise<LiveSelection> {
    const rules = config.selection?.rules ?? [];
    if (rules.length === 0) return new LiveSelection(config, null, new Map(), new Set(), config, options);
    const fetched = await fetchAll(config, options, options.attempts ?? 3);
    const markets = new Map<VenueId, readonly ListedMarket[]>();
    const failed = new Set<VenueId>();
    for (const f of fetched) {
      if (f.problems.length > 0) report(options, f);
      if (f.markets.length === 0 && f.problems.length > 0) failed.add(f.venue);
      else markets.set(f.venue, f.markets);
    }
    const result = resolveSelection(selectionInput(config, options), markets);
    const resolved = { ...config, instruments: result.instruments };
    const selection = new LiveSelection(resolved, result, markets, failed, config, options);
    options.log?.(selection.summary());
    return selection;
  }

  /** The config the engine runs: hand-listed plus rule-selected instruments. */
  get config(): Config {
    return this.current;
  }

  /** The last resolution; null without rules. */
  get selection(): SelectionResult | null {
    return this.result;
  }

  /** Venues whose listings could not be fetched the last time. */
  get failedVenues(): readonly VenueId[] {
    return [...this.failed];
  }

  /** `discovery: 412 instruments by rule (binance-usdm 240, okx 172), 3 not trading; tiers major 12, liquid 80, long_tail 320` */
  summary(): string {
    const r = this.result;
    if (r === null) return 'discovery: no select: rules';
    const byRule = r.listings.filter((l) => l.rule !== null);
    const count = (values: string[]) => [...new Set(values)].map((v) => `${v} ${values.filter((x) => x === v).length}`).join(', ');
    const tiers = count(r.listings.map((l) => l.tier ?? 'none'));
    const failed = this.failed.size > 0 ? `; NO LISTINGS from ${[...this.failed].join(', ')}` : '';
    return `discovery: ${byRule.length} listings by rule (${count(byRule.map((l) => l.venue)) || 'none'}), ${r.notTrading.length} not trading; tiers ${tiers || 'none'}${failed}`;
  }

  /**
   * Fetches the listings again and applies what changed: rule-selected
   * listings that were listed, delisted, halted or resumed are subscribed or
   * unsubscribed through `target` (one worker restart per venue that
   * changed), and every change is logged. A venue whose fetch fails keeps its
   * last listings: an outage of the REST API is not a delisting.
   */
  refresh(target: SelectionTarget | null): Promise<ListingChange[]> {
    this.refreshing ??= this.doRefresh(target).finally(() => (this.refreshing = null));
    return this.refreshing;
  }

  /** Refreshes every `discovery.refresh_minutes` (a minute after a failed fetch) until the returned stop. */
  startRefresh(target: SelectionTarget): () => void {
    if (this.result === null) return () => {};
    const minutes = this.base.selection?.refreshMinutes ?? NO_SELECTION.refreshMinutes;
    const schedule = (): void => {
      const every = this.failed.size > 0 ? Math.min(60_000, minutes * 60_000) : minutes * 60_000;
      // A dated future is unsubscribed at its delivery, not up to refresh_minutes later (a few seconds after, once the venue says so).
      const expiry = this.result ? nextExpiry(this.result, Date.now()) : null;
      const ms = expiry === null ? every : Math.max(1_000, Math.min(every, expiry - Date.now() + 5_000));
      this.timer = setTimeout(() => {
        void this.refresh(target)
          .catch((error: unknown) => this.options.log?.(`discovery: refresh failed: ${error instanceof Error ? error.message : String(error)}`))
          .finally(() => {
            if (this.timer) schedule();
          });
      }, ms);
      this.timer.unref();
    };
    schedule();
    return () => {
      if (this.timer) clearTimeout(this.timer);
      this.timer = null;
    };
  }

  private async doRefresh(target: SelectionTarget | null): Promise<ListingChange[]> {
    if (this.result === null) return [];
    const fetched = await fetchAll(this.base, this.options, this.options.refreshAttempts ?? 2);
    const markets = new Map(this.markets);
    this.failed = new Set();
    for (const f of fetched) {
      if (f.problems.length > 0) report(this.options, f);
      if (f.markets.length === 0 && f.problems.length > 0) this.failed.add(f.venue);
      else markets.set(f.venue, f.markets);
    }
    const keep = new Set([...this.everSelected, ...this.result.listings.filter((l) => l.rule !== null).map((l) => l.key)]);
    // Tiers so far go through the hysteresis: a book near a bar does not flap between rule sets.
    const previousTiers = new Map(this.result.listings.flatMap((l) => (l.tier === null ? [] : [[l.key, l.tier] as const])));
    const next = resolveSelection(selectionInput(this.base, this.options, previousTiers), markets, keep);
    const changes = listingChanges(this.result, next, markets, this.everSelected);
    for (const l of next.listings) if (l.rule !== null) this.everSelected.add(l.key);
    this.result = next;
    this.markets = markets;
    this.current = { ...this.current, instruments: next.instruments };
    // A venue back after a failed start lists everything at once: a screenful, not hundreds of lines.
    const shown = new Map<VenueId, number>();
    for (const c of changes) {
      const n = (shown.get(c.venue) ?? 0) + 1;
      shown.set(c.venue, n);
      if (n <= MAX_LINES_PER_VENUE) this.options.log?.(`${clock()} ${c.venue} discovery: ${describeChange(c)}`);
    }
    for (const [venue, n] of shown) {
      if (n > MAX_LINES_PER_VENUE) this.options.log?.(`${clock()} ${venue} discovery: ... and ${n - MAX_LINES_PER_VENUE} more changes (${n} in all)`);
    }
    const subscribing = changes.filter((c) => !c.handListed);
    if (target && subscribing.length > 0) {
      const reasons = new Map<VenueId, string>();
      for (const c of subscribing) reasons.set(c.venue, [reasons.get(c.venue), describeChange(c)].filter(Boolean).join('; '));
      for (const [venue, text] of reasons) reasons.set(venue, `instrument selection: ${text}`);
      await target.resubscribe(this.current, reasons);
    }
    return changes;
  }
}

const MAX_LINES_PER_VENUE = 20;

function selectionInput(config: Config, options: LiveSelectionOptions, previousTiers?: ReadonlyMap<string, string>): SelectionInput {
  return {
    instruments: config.instruments,
    rules: config.selection?.rules ?? [],
    tiers: config.alerts.tiers,
    ...(options.restingDepth && { restingDepth: options.restingDepth }),
    ...(previousTiers && { previousTiers }),
  };
}

/** One fetch per venue with rules, all venues at once, each retried on failure. */
async function fetchAll(config: Config, options: LiveSelectionOptions, attempts: number): Promise<VenueFetch[]> {
  const rules = config.selection?.rules ?? [];
  const venues = [...new Set(rules.map((r) => r.venue))];
  return Promise.all(
    venues.map(async (venue) => {
      const okxTypes = okxInstTypes(rules);
      const rest = discoveryRestGet(venue as SelectableVenue, config.features.limits, options.fetch);
      try {
        let last: VenueFetch | null = null;
        for (let attempt = 1; attempt <= attempts; attempt += 1) {
          last = await fetchVenueListings(venue, config.exchanges, rest.get, okxTypes);
          if (last.problems.length === 0) return last;
          if (attempt < attempts) await new Promise((resolve) => setTimeout(resolve, (options.retryDelayMs ?? 2_000) * attempt));
        }
        return last!;
      } finally {
        rest.close();
      }
    }),
  );
}

function report(options: LiveSelectionOptions, f: VenueFetch): void {
  const what = f.markets.length === 0 ? 'NO LISTINGS, its select: rules chose nothing' : 'listings read, some data missing';
  options.log?.(`${clock()} ${f.venue} discovery: ${what}: ${f.problems.join('; ')}`);
}

/** UTC, as the feed log. */
function clock(): string {
  return new Date().toISOString().slice(11, 19);
}
