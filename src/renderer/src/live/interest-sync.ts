import type { ConsoleApi } from '../../../shared/contract';
import { interestKeys, sameKeys } from '../model/interest-keys';
import type { ConsoleStore } from '../store/console-store';

/** Scrolling changes the visible rows every frame: the engine hears of it at most this often. */
export const INTEREST_THROTTLE_MS = 150;

export interface InterestSync {
  /** Sends the current interest now (before a snapshot: the engine shapes it by what the console shows). */
  send(): Promise<void>;
  stop(): void;
}

/**
 * Keeps the engine told which instruments the console shows in detail
 * (`setInterest`): on every store change that alters the key set, at most
 * once per throttle interval, the last change always sent. A failed call is
 * logged and retried by the next change or snapshot; until then the engine
 * keeps the previous interest, which only costs traffic.
 */
export function startInterestSync(store: ConsoleStore, client: Pick<ConsoleApi, 'setInterest'>): InterestSync {
  let sent: { readonly keys: readonly string[]; readonly shown: readonly string[] } | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let lastSentAt = -Infinity;

  const send = async (): Promise<void> => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    const interest = interestKeys(store.getState());
    sent = interest;
    lastSentAt = Date.now();
    try {
      await client.setInterest(interest);
    } catch (error) {
      sent = null;
      console.error('setInterest failed', error);
    }
  };

  const onChange = (): void => {
    if (timer !== null) return;
    const next = interestKeys(store.getState());
    if (sent !== null && sameKeys(sent.keys, next.keys) && sameKeys(sent.shown, next.shown)) return;
    const wait = Math.max(0, lastSentAt + INTEREST_THROTTLE_MS - Date.now());
    timer = setTimeout(() => void send(), wait);
  };

  const unsubscribe = store.subscribe((s, previous) => {
    if (
      s.shownKeys !== previous.shownKeys ||
      s.view !== previous.view ||
      s.selectedKey !== previous.selectedKey ||
      s.layout !== previous.layout ||
      s.active !== previous.active
    ) {
      onChange();
    }
  });
  return {
    send,
    stop() {
      unsubscribe();
      if (timer !== null) clearTimeout(timer);
    },
  };
}
