import type { ReplaySpeed } from '../../../../shared/contract';

/** Speeds offered, real time to as fast as the engine goes. */
export const REPLAY_SPEEDS: readonly ReplaySpeed[] = [1, 2, 5, 10, 30, 60, 120, 600, 'max'];

export const speedLabel = (speed: ReplaySpeed): string => (speed === 'max' ? 'max' : `x${speed}`);

export const parseSpeed = (text: string): ReplaySpeed => (text === 'max' ? 'max' : Number(text));
