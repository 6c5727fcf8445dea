import { MAX_INTEREST_KEYS } from '../../../shared/contract';
import type { Alert } from '../../../shared/core/model';
import type { PanelLayout } from './panel-layout';

/** What the console shows, as far as which instruments need their full rows. */
export interface InterestInputs {
  readonly view: string;
  readonly selectedKey: string | null;
  readonly overviewSel: string | null;
  /** Overview rows in the DOM (the visible window and its overscan). */
  readonly shownKeys: readonly string[];
  readonly layout: PanelLayout;
  readonly active: Readonly<Record<string, Alert>>;
}

/**
 * The keys whose full rows the console needs now, most needed first and at
 * most MAX_INTEREST_KEYS: the selected instrument and row, the instrument
 * view's panels, the overview's visible rows, then instruments with open
 * alerts (the alerts views show their current value and z, which a summary
 * does not carry for every metric). Feed alerts are keyed by venue, not by
 * instrument, and are left out.
 */
export function interestKeys(s: InterestInputs): string[] {
  const keys = new Set<string>();
  const add = (key: string | null | undefined): void => {
    if (key && key.includes(':') && keys.size < MAX_INTEREST_KEYS) keys.add(key);
  };
  add(s.selectedKey);
  add(s.overviewSel);
  if (s.view === 'instrument') for (const panel of s.layout.panels) add(panel.key);
  if (s.view === 'overview') for (const key of s.shownKeys) add(key);
  for (const alert of Object.values(s.active)) add(alert.key);
  return [...keys];
}

/** Same keys, any order. */
export function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const set = new Set(a);
  return b.every((k) => set.has(k));
}
