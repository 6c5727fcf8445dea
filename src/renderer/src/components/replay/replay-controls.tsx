import { useState } from 'react';
import type { ReplaySpeed, ReplayState } from '../../../../shared/contract';
import { formatDateTime } from '../../format/format';
import { useClient, useConsole } from '../context';
import { parseSpeed, REPLAY_SPEEDS, speedLabel } from './replay-speed';

/** Path, speed, open, play/pause, stop, progress. The path field is filled by clicking a capture below. */
export function ReplayControls() {
  const client = useClient();
  const replay = useConsole((s) => s.replay);
  const path = useConsole((s) => s.replayPath);
  const setPath = useConsole((s) => s.setReplayPath);
  const [speed, setSpeed] = useState<ReplaySpeed>(replay?.speed ?? 'max');
  const [error, setError] = useState<string | null>(null);
  const run = (p: Promise<unknown>): void => {
    setError(null);
    p.catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)));
  };
  const changeSpeed = (next: ReplaySpeed): void => {
    setSpeed(next);
    if (replay && replay.state !== 'done' && replay.state !== 'error') run(client.controlReplay({ action: 'speed', speed: next }));
  };
  const playing = replay?.state === 'playing';
  return (
    <div className="replay-controls">
      <div className="toolbar">
        <input
          className="input input-path"
          data-testid="replay-path"
          data-filter
          placeholder="capture file path (.jsonl or .jsonl.gz)"
          value={path}
          onChange={(e) => setPath(e.target.value)}
        />
        <select className="select" data-testid="replay-speed" value={String(speed)} onChange={(e) => changeSpeed(parseSpeed(e.target.value))}>
          {REPLAY_SPEEDS.map((s) => (
            <option key={String(s)} value={String(s)}>
              {speedLabel(s)}
            </option>
          ))}
        </select>
        <button
          type="button"
          className="btn btn-primary"
          data-testid="replay-open"
          disabled={path.trim() === ''}
          onClick={() => run(client.openCapture({ path: path.trim(), speed }))}
        >
          Open
        </button>
        <button
          type="button"
          className="btn"
          data-testid="replay-toggle"
          disabled={!replay || replay.state === 'done' || replay.state === 'error'}
          onClick={() => run(client.controlReplay({ action: playing ? 'pause' : 'play' }))}
        >
          {playing ? 'Pause' : 'Play'}
        </button>
        <button type="button" className="btn" data-testid="replay-stop" disabled={!replay} onClick={() => run(client.controlReplay({ action: 'stop' }))}>
          Stop
        </button>
      </div>
      <div className="replay-status">
        <progress className="replay-bar" data-testid="replay-progress" max={1} value={replay?.progress ?? 0} title={replay ? progressTitle(replay) : undefined} />
        <span className="num" data-testid="replay-percent">
          {((replay?.progress ?? 0) * 100).toFixed(1)}%
        </span>
        <span data-testid="replay-state" className={`state-${replay?.state ?? 'none'}`}>
          {replay ? replay.state : 'no replay'}
        </span>
        {replay ? (
          <>
            <span className="muted" data-testid="replay-capture">
              {replay.capture}
            </span>
            <span className="num" data-testid="replay-time">
              {formatDateTime(replay.frameTime)}Z{timeOfRange(replay)}
            </span>
            <span className="num muted" data-testid="replay-frames">
              {replay.frames.toLocaleString('en-US')}
              {replay.framesTotal != null ? ` of ${replay.framesTotal.toLocaleString('en-US')}` : ''} frames
            </span>
            <span className="muted">{speedLabel(replay.speed)}</span>
          </>
        ) : null}
        {replay?.source ? (
          <span className="muted" data-testid="replay-source">
            {replay.source}
          </span>
        ) : null}
        {replay?.error ? <span className="error">{replay.error}</span> : null}
        {replay?.warning ? (
          <span className="warning" data-testid="replay-warning">
            {replay.warning}
          </span>
        ) : null}
        {error ? <span className="error">{error}</span> : null}
      </div>
    </div>
  );
}

/** ` of <first>Z to <last>Z` (the capture time range) when the capture's index gave its range, else nothing. */
function timeOfRange(replay: ReplayState): string {
  if (replay.firstT == null || replay.lastT == null) return '';
  return ` of ${formatDateTime(replay.firstT)}Z to ${formatDateTime(replay.lastT)}Z`;
}

/** What the bar counts: frames of the capture's total (from its index), or bytes of the file while no index gives the total. */
function progressTitle(replay: ReplayState): string {
  return replay.progressBy === 'frames' ? 'frames replayed of the capture total (its index)' : 'bytes of the file read (no index yet: the total is unknown)';
}
