/** Where the console keeps the operator's settings: localStorage in the page, a map in tests. */
export interface Prefs {
  get(key: string): string | null;
  set(key: string, value: string): void;
}

/** A Prefs over a Storage-like object; storage errors (quota, disabled) are ignored: prefs are a convenience. */
export function storagePrefs(storage: { getItem(k: string): string | null; setItem(k: string, v: string): void }): Prefs {
  return {
    get: (key) => {
      try {
        return storage.getItem(key);
      } catch {
        return null;
      }
    },
    set: (key, value) => {
      try {
        storage.setItem(key, value);
      } catch {
        // private mode or full: the setting lasts for this session only
      }
    },
  };
}

/** Prefs held in memory (tests, or when storage is unavailable). */
export function memoryPrefs(initial: Record<string, string> = {}): Prefs {
  const values = new Map(Object.entries(initial));
  return { get: (key) => values.get(key) ?? null, set: (key, value) => void values.set(key, value) };
}

export const PREF_OPERATOR = 'surveil.operator';
export const PREF_LAYOUT = 'surveil.layout';
export const PREF_DENSITY = 'surveil.density';
