import { MAX_INTEREST_KEYS } from '../../../shared/contract';
import type { Alert } from '../../../shared/core/model';
import type { PanelLayout } from './panel-layout';

/** What the console shows, as far as which instruments need their full rows. */
export interface InterestInputs {
  readonly view: string;
  readonly selectedKey: string | null;
  /** Overview rows in the DOM (the visible window and its overscan). */
  readonly shownKeys: readonly string[];
  readonly layout: PanelLayout;
  readonly active: Readonly<Record<string, Alert>>;
}

/**
 * What the console tells the engine it shows (`setInterest`), at most
 * MAX_INTEREST_KEYS each. `keys`, wanted in full, most needed first: the
 * selected instrument, the instrument view's panels, then instruments with
 * open alerts (the alerts views show their current value and z, which a
 * summary does not carry for every metric); feed alerts are keyed by venue
 * and left out. `shown`: the overview rows in the DOM, which the overview
 * draws from summaries.
 */
export function interestKeys(s: InterestInputs): { keys: string[]; shown: string[] } {
  const keys = new Set<string>();
  const add = (key: string | null | undefined): void => {
    if (key && key.includes(':') && keys.size < MAX_INTEREST_KEYS) keys.add(key);
  };
  add(s.selectedKey);
  if (s.view === 'instrument') for (const panel of s.layout.panels) add(panel.key);
  for (const alert of Object.values(s.active)) add(alert.key);
  const shown = s.view === 'overview' ? s.shownKeys.filter((k) => !keys.has(k)).slice(0, MAX_INTEREST_KEYS) : [];
  return { keys: [...keys], shown };
}

/** Same keys, any order. */
export function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const set = new Set(a);
  return b.every((k) => set.has(k));
}
