import { useCallback, useEffect, useRef, useState } from 'react';
import type { ReplaySeekView } from '../../../../shared/contract';
import { clampInstant } from '../../model/seek-time';
import { useClient, useConsole } from '../context';

/** Levels per side the seek panel asks for and shows. */
export const SEEK_PANEL_LEVELS = 10;

/** What the seek panel shows: the last answer, what is under way, and what went wrong (never silent). */
export interface ReplaySeekState {
  /** The capture open in the replay (null: none). */
  readonly capture: string | null;
  readonly instrument: string | null;
  readonly view: ReplaySeekView | null;
  /** What is under way, in words (`seeking to …`, `stepping to the next frame…`); null when idle. */
  readonly loading: string | null;
  readonly error: string | null;
  /** Something the operator should know about the last seek (clamped to the capture, no frame further). */
  readonly note: string | null;
  setInstrument(key: string): void;
  /** Seeks to `at` (clamped into the capture's range, with a note) for `instrument` (default: the one chosen). */
  seekTo(at: number, instrument?: string, note?: string | null): void;
  /** The previous or next frame touching the chosen instrument's book, from the instant shown. */
  step(direction: 'previous' | 'next'): void;
}

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** The replay view's seek and step, against the engine's `seekReplay` and `stepReplay`. */
export function useReplaySeek(): ReplaySeekState {
  const client = useClient();
  const replay = useConsole((s) => s.replay);
  const selectedKey = useConsole((s) => s.selectedKey);
  const capture = replay?.capture ?? null;
  const [instrument, setInstrument] = useState<string | null>(null);
  const [view, setView] = useState<ReplaySeekView | null>(null);
  const [loading, setLoading] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [note, setNote] = useState<string | null>(null);
  // Answers to an older request (a click since, another capture) are dropped.
  const generation = useRef(0);

  useEffect(() => {
    generation.current++;
    setView(null);
    setError(null);
    setNote(null);
    setLoading(null);
  }, [capture]);

  const chosen = instrument ?? selectedKey;
  const firstT = view?.firstT ?? replay?.firstT ?? null;
  const lastT = view?.lastT ?? replay?.lastT ?? null;

  const seekTo = useCallback(
    (target: number, key?: string, withNote: string | null = null) => {
      if (capture === null) return setError('open a capture first');
      const wanted = key ?? chosen;
      if (wanted === null || wanted === undefined) return setError('choose an instrument to seek');
      if (key !== undefined) setInstrument(key);
      const { at, clamped } = clampInstant(target, firstT, lastT);
      const run = ++generation.current;
      setLoading(`seeking to ${new Date(at).toISOString()}…`);
      setError(null);
      setNote(clamped === 'start' ? `${withNote ? `${withNote}: ` : ''}before the capture's first frame; shown at its start` : clamped === 'end' ? 'past the capture\'s last frame; shown at its end' : withNote);
      client
        .seekReplay({ capture, at, instrument: wanted, levels: SEEK_PANEL_LEVELS })
        .then((answer) => {
          if (run !== generation.current) return;
          setView(answer);
          setLoading(null);
        })
        .catch((e: unknown) => {
          if (run !== generation.current) return;
          setError(message(e));
          setLoading(null);
        });
    },
    [capture, chosen, client, firstT, lastT],
  );

  const step = useCallback(
    (direction: 'previous' | 'next') => {
      if (capture === null || view === null) return setError('seek to an instant first');
      const key = view.instruments[0]?.key;
      if (key === undefined) return setError('no instrument at this instant to step through');
      const run = ++generation.current;
      setLoading(`stepping to the ${direction} frame of ${key}…`);
      setError(null);
      client
        .stepReplay({ capture, at: view.at, instrument: key, direction })
        .then((answer) => {
          if (run !== generation.current) return;
          if (answer.time === null) {
            setLoading(null);
            setNote(`no ${direction === 'next' ? 'later' : 'earlier'} frame of ${key}'s book in this capture`);
            return;
          }
          setLoading(null);
          seekTo(answer.time, key, `${direction} frame of ${key}'s book`);
        })
        .catch((e: unknown) => {
          if (run !== generation.current) return;
          setError(message(e));
          setLoading(null);
        });
    },
    [capture, client, seekTo, view],
  );

  return { capture, instrument: chosen ?? null, view, loading, error, note, setInstrument, seekTo, step };
}
