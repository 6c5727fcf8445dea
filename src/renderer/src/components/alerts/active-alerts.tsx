import { useShallow } from 'zustand/react/shallow';
import type { Severity } from '../../../../shared/core/model';
import { isUnhandled } from '../../store/alerts-slice';
import { consoleNow, visibleAlertIds } from '../../store/selectors';
import { useConsole } from '../context';
import { useNow } from '../use-now';
import { AlertRow } from './alert-row';

/** Filters and the table of alerts pending or firing, critical first, oldest first within a severity. */
export function ActiveAlerts() {
  const ids = useConsole(useShallow(visibleAlertIds));
  const total = useConsole((s) => Object.keys(s.active).length);
  const filter = useConsole((s) => s.alertFilter);
  const setFilter = useConsole((s) => s.setAlertFilter);
  const wall = useNow(1000);
  // "since" is measured on the engine's clock (the replay's during a replay), not this machine's.
  const now = useConsole((s) => consoleNow(s, wall));
  // Silenced and acknowledged alerts are handled: what is left needs someone. Silences run on the engine's wall clock.
  const unhandled = useConsole((s) => Object.values(s.active).filter((a) => isUnhandled(a, s.silences, wall + s.clockOffsetMs)).length);
  return (
    <div className="pane">
      <div className="toolbar">
        <span className="pane-title">Active alerts</span>
        <input
          className="input input-filter"
          data-filter
          data-testid="alerts-filter"
          placeholder="filter  ( / )"
          value={filter.text}
          onChange={(e) => setFilter({ text: e.target.value })}
        />
        <select className="select" value={filter.severity} onChange={(e) => setFilter({ severity: e.target.value as '' | Severity })}>
          <option value="">all severities</option>
          <option value="critical">critical</option>
          <option value="warning">warning</option>
        </select>
        <select className="select" value={filter.state} onChange={(e) => setFilter({ state: e.target.value as '' | 'pending' | 'firing' })}>
          <option value="">pending + firing</option>
          <option value="firing">firing</option>
          <option value="pending">pending</option>
        </select>
        <label className="muted">
          <input type="checkbox" checked={filter.unackedOnly} onChange={(e) => setFilter({ unackedOnly: e.target.checked })} /> unacknowledged
        </label>
        <span className="muted count" data-testid="alerts-unhandled">
          {unhandled} unacknowledged · {ids.length} / {total}
        </span>
      </div>
      <div className="table-scroll">
        <table className="table table-fit alerts-table" data-testid="alerts-active">
          <colgroup>
            <col className="col-sev" />
            <col className="col-inst" />
            <col className="col-rule" />
            <col className="col-value" />
            <col className="col-z" />
            <col className="col-peak" />
            <col className="col-peak" />
            <col className="col-since" />
            <col className="col-state" />
            <col className="col-case" />
            <col className="col-ack" />
          </colgroup>
          <thead>
            <tr>
              <th className="txt">Sev</th>
              <th className="txt">Instrument</th>
              <th className="txt">Rule</th>
              <th className="num">Now vs threshold</th>
              <th className="num">z now</th>
              <th className="num">At open (z)</th>
              <th className="num">Peak (z)</th>
              <th className="num">Since (UTC)</th>
              <th className="txt">State</th>
              <th className="txt">Case</th>
              <th className="txt">Ack</th>
            </tr>
          </thead>
          <tbody>
            {ids.map((id) => (
              <AlertRow key={id} alertId={id} now={now} />
            ))}
          </tbody>
        </table>
        {ids.length === 0 ? <div className="empty">{total === 0 ? 'No active alerts.' : 'No alert matches the filters.'}</div> : null}
      </div>
    </div>
  );
}
