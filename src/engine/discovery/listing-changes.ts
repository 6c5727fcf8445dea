import type { VenueId } from '../../shared/core/model';
import type { ListedMarket, VenueListings } from './listed-market';
import type { SelectedListing, SelectionResult } from './resolve-selection';
import { keyOf } from './usd-volume';

/**
 * What a refresh found, for the operator:
 * - `listed`: a new listing the rules take (subscribed);
 * - `delisted`: gone from the venue's listings or closing (SETTLING, CLOSE);
 * - `halted`: listed but not trading (BREAK, suspend, back to pending);
 * - `resumed`: trading again after a halt.
 * Rule-selected listings are subscribed or unsubscribed with the change; a
 * hand-listed one stays subscribed (the hand list is the operator's word)
 * and the change is only reported.
 */
export type ListingChangeKind = 'listed' | 'delisted' | 'halted' | 'resumed';

export interface ListingChange {
  readonly kind: ListingChangeKind;
  readonly key: string;
  readonly venue: VenueId;
  readonly symbol: string;
  readonly id: string;
  /** The venue's status now (`BREAK`, `live`); null when the listing is gone. */
  readonly venueStatus: string | null;
  readonly handListed: boolean;
}

/**
 * The changes between two resolutions of the same rules. `everSelected`:
 * listings a rule took at some point this session, so that one coming back
 * from a halt is `resumed`, not a new listing.
 */
export function listingChanges(before: SelectionResult, after: SelectionResult, markets: VenueListings, everSelected: ReadonlySet<string>): ListingChange[] {
  const now = new Map<string, ListedMarket>();
  for (const list of markets.values()) for (const m of list) now.set(keyOf(m), m);
  const changes: ListingChange[] = [];
  const change = (kind: ListingChangeKind, l: SelectedListing, market: ListedMarket | undefined): void => {
    changes.push({ kind, key: l.key, venue: l.venue, symbol: l.symbol, id: l.id, venueStatus: market?.venueStatus ?? null, handListed: l.rule === null });
  };
  const ofRules = (r: SelectionResult) => new Map(r.listings.filter((l) => l.rule !== null).map((l) => [l.key, l]));
  const was = ofRules(before);
  const is = ofRules(after);
  for (const [key, l] of was) {
    if (is.has(key)) continue;
    const market = now.get(key);
    change(market === undefined || market.status === 'closed' ? 'delisted' : 'halted', l, market);
  }
  for (const [key, l] of is) if (!was.has(key)) change(everSelected.has(key) ? 'resumed' : 'listed', l, now.get(key));

  const handBefore = new Map(before.listings.filter((l) => l.rule === null).map((l) => [l.key, l]));
  for (const l of after.listings.filter((x) => x.rule === null)) {
    const prior = handBefore.get(l.key);
    handBefore.delete(l.key);
    if (!prior || prior.status === l.status) continue;
    const market = now.get(l.key);
    if (l.status === 'trading') change('resumed', l, market);
    else if (prior.status === 'trading') change(l.status === 'closed' ? 'delisted' : 'halted', l, market);
  }
  // A hand-listed symbol the venue no longer lists at all.
  for (const l of handBefore.values()) change('delisted', l, undefined);
  return changes;
}

/** `listed BTCUSDT (BTC-USDT-PERP)`, `halted XYZUSDT (BREAK)`: one phrase per change. */
export function describeChange(c: ListingChange): string {
  const status = c.venueStatus === null ? 'no longer listed' : c.venueStatus;
  const what = c.kind === 'listed' || c.kind === 'resumed' ? `${c.kind} ${c.symbol} (${c.id})` : `${c.kind} ${c.symbol} (${status})`;
  return c.handListed ? `${what}, hand-listed: subscription kept` : what;
}
