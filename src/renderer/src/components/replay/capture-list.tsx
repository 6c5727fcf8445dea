import { useCallback, useEffect, useState } from 'react';
import type { CaptureAccess, CaptureInfo } from '../../../../shared/contract';
import { formatBytes, formatDateTime } from '../../format/format';
import { useClient, useConsole } from '../context';

/** Captures the engine knows of; a click puts the path in the path field. */
export function CaptureList() {
  const client = useClient();
  const path = useConsole((s) => s.replayPath);
  const setPath = useConsole((s) => s.setReplayPath);
  const access = useConsole((s) => s.captureAccess);
  const [captures, setCaptures] = useState<readonly CaptureInfo[]>([]);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(() => {
    setError(null);
    client
      .listCaptures()
      .then(setCaptures)
      .catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)));
  }, [client]);
  useEffect(load, [load]);
  return (
    <div className="pane">
      <div className="toolbar">
        <span className="pane-title">Captures</span>
        <button type="button" className="btn" onClick={load}>
          Refresh
        </button>
        {error ? <span className="error">{error}</span> : null}
      </div>
      <div className="table-scroll">
        <table className="table captures-table" data-testid="replay-captures">
          <colgroup>
            <col className="col-path" />
            <col className="col-bytes" />
            <col className="col-time" />
          </colgroup>
          <tbody>
            {captures.map((c) => (
              <tr key={c.path} className={`row${c.path === path ? ' selected' : ''}`} data-testid="capture-row" onClick={() => setPath(c.path)}>
                <td className="txt" title={c.path}>
                  {c.path}
                </td>
                <td className="num">{formatBytes(c.bytes)}</td>
                <td className="num">{formatDateTime(c.modified)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {captures.length === 0 && !error ? (
          <div className="empty" data-testid="captures-empty">
            {emptyText(access)}
          </div>
        ) : null}
      </div>
    </div>
  );
}

/** The empty list in true words: which folders were looked in, and whether a typed path opens here. */
export function emptyText(access: CaptureAccess | null): string {
  if (access === null) return 'No capture found.';
  const where = access.folders.length > 0 ? `No capture in ${access.folders.join(', ')}` : 'No capture folder configured';
  return access.anyPath
    ? `${where}; type the path of any capture above.`
    : `${where}. This console is not on loopback: it opens only captures in its folders (serve --captures DIR).`;
}
