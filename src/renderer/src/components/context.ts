import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import type { ConsoleClient } from '../api/connection';
import type { ConsoleStore } from '../store/console-store';
import type { ConsoleState } from '../store/types';

/** The store and the API client, created once in main.tsx and handed down (no module singletons). */
export const StoreContext = createContext<ConsoleStore | null>(null);
export const ClientContext = createContext<ConsoleClient | null>(null);

export function useStoreApi(): ConsoleStore {
  const store = useContext(StoreContext);
  if (!store) throw new Error('StoreContext missing');
  return store;
}

export function useClient(): ConsoleClient {
  const client = useContext(ClientContext);
  if (!client) throw new Error('ClientContext missing');
  return client;
}

/** Selects one field (or a derived value with a stable identity) of the console state. */
export function useConsole<T>(selector: (state: ConsoleState) => T): T {
  return useStore(useStoreApi(), selector);
}
