import { useConsole } from '../context';
import { useNow } from '../use-now';
import { engineThreadRows } from '../../model/engine-threads';

const HEADERS: readonly { readonly label: string; readonly numeric: boolean; readonly title?: string }[] = [
  { label: 'Thread', numeric: false },
  {
    label: 'State',
    numeric: false,
    title: 'running; starting (no report yet); restarting after a crash; replacing on purpose (a recording, a new selection); no report for 4 s or more in red (reports come every second; history, relayed by analytics, 5 s); history unknown while analytics, which relays it, is silent',
  },
  { label: 'Heap', numeric: true, title: 'V8 heap in use, as the thread last reported' },
  { label: 'Loop delay', numeric: true, title: 'the worst event-loop delay over about the last second: how long a frame, a message or a timer on the thread may have waited' },
  { label: 'Restarts', numeric: true, title: 'unplanned restarts since the engine started' },
  { label: 'Last restart', numeric: false },
  { label: 'Backlog', numeric: false, title: 'analytics: how late the latest boundary was evaluated, boundaries waiting, shed; history: rows not yet committed, behind in its queue, failures' },
  { label: 'Detail', numeric: false },
];

/**
 * The live engine's threads (main, analytics, history, one per venue's
 * feed): whether each runs and reports, its heap and restarts, and what
 * analytics and history have not yet done. During a replay it is still the
 * live engine's: surveillance goes on underneath.
 */
export function EngineTable() {
  const engine = useConsole((s) => s.engine);
  const offset = useConsole((s) => s.clockOffsetMs);
  const replaying = useConsole((s) => s.mode?.kind === 'replay');
  const now = useNow(1000) + offset;
  return (
    <div className="engine-threads" data-testid="engine">
      <div className="panel-title">
        Engine threads{replaying ? <span className="muted"> · the live engine, running under the replay</span> : null}
      </div>
      {engine === null ? (
        <div className="empty">No engine report yet.</div>
      ) : (
        <div className="table-scroll">
          <table className="table table-fit engine-table">
            <thead>
              <tr>
                {HEADERS.map((h) => (
                  <th key={h.label} className={h.numeric ? 'num' : 'txt'} title={h.title}>
                    {h.label}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {engineThreadRows(engine, now).map((r) => (
                <tr key={r.thread} className="row" data-testid="engine-thread" data-thread={r.thread} data-state={r.state} data-restarts={r.restarts}>
                  <td className="txt strong">{r.thread}</td>
                  <td className={`txt thread-${r.state}`} data-testid="engine-thread-state">
                    {r.stateText}
                  </td>
                  <td className="num">{r.heap}</td>
                  <td className={`num${r.loopDelayWarn ? ' warn' : ''}`} data-testid="engine-thread-loop">
                    {r.loopDelay}
                  </td>
                  <td className={`num${r.restarts > 0 ? ' warn' : ''}`}>{r.restarts}</td>
                  <td className="txt muted">
                    <span className="clip-text" title={r.lastRestart}>
                      {r.lastRestart}
                    </span>
                  </td>
                  <td className={`txt${r.backlogWarn ? ' warn' : ''}`} data-testid="engine-thread-backlog">
                    {r.backlog}
                  </td>
                  <td className={`txt${r.detailWarn ? ' error-text' : ' muted'}`}>
                    <span className="clip-text" title={r.detail}>
                      {r.detail}
                    </span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
