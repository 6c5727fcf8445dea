import type { StateCreator } from 'zustand/vanilla';
import type { AlertsSlice } from './alerts-slice';
import type { FeedsSlice } from './feeds-slice';
import type { MarketSlice } from './market-slice';
import type { UiSlice } from './ui-slice';
import type { IngestActions } from './console-store';

/** The whole console state: one store from slices. */
export type ConsoleState = MarketSlice & AlertsSlice & FeedsSlice & UiSlice & IngestActions;

export type SliceCreator<T> = StateCreator<ConsoleState, [], [], T>;
