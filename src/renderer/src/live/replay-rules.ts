import type { ConsoleStore } from '../store/console-store';

/**
 * A replay brings instruments the configuration does not list: the engine
 * resolves their rules (the charts' thresholds) in its next snapshot. Asks
 * for one (`reload`) when such a row arrives, once per key and at most once
 * per `delayMs`; returns the unsubscribe.
 */
export function followReplayRules(store: ConsoleStore, reload: () => void, delayMs = 1000): () => void {
  const asked = new Set<string>();
  let timer: ReturnType<typeof setTimeout> | null = null;
  const missing = (): string[] => {
    const s = store.getState();
    return s.mode?.kind === 'replay' ? s.keys.filter((k) => s.rules[k] === undefined && !asked.has(k)) : [];
  };
  const unsubscribe = store.subscribe((s, prev) => {
    if (s.keys === prev.keys || timer !== null || missing().length === 0) return;
    timer = setTimeout(() => {
      timer = null;
      // Every key without rules by now goes in this one request.
      const keys = missing();
      if (keys.length === 0) return;
      for (const k of keys) asked.add(k);
      reload();
    }, delayMs);
  });
  return () => {
    unsubscribe();
    if (timer !== null) clearTimeout(timer);
  };
}
