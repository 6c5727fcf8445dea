import { useState } from 'react';
import { formatDateTime } from '../../format/format';
import { MAX_COLUMNS, PANEL_KINDS, type PanelKind } from '../../model/panel-layout';
import { LIVE_RANGE, presetId, RANGE_PRESETS } from '../../model/time-range';
import { useConsole } from '../context';
import { ExportButton } from './export-button';
import { MarketReportButton } from './market-report-button';

/** Instrument choice, time range (live to days, or centred on an alert), and the grid's layout controls. */
export function InstrumentToolbar() {
  const keys = useConsole((s) => s.keys);
  const selectedKey = useConsole((s) => s.selectedKey);
  const selectInstrument = useConsole((s) => s.selectInstrument);
  const range = useConsole((s) => s.timeRange);
  const setRange = useConsole((s) => s.setTimeRange);
  const columns = useConsole((s) => s.layout.columns);
  const setColumns = useConsole((s) => s.setColumns);
  const addPanel = useConsole((s) => s.addPanel);
  const resetLayout = useConsole((s) => s.resetLayout);
  const [kind, setKind] = useState<PanelKind>('spread');
  const active = presetId(range);
  return (
    <div className="toolbar">
      <select
        className="select select-instrument"
        data-testid="instrument-select"
        data-filter
        value={selectedKey ?? ''}
        onChange={(e) => selectInstrument(e.target.value || null)}
      >
        {selectedKey === null ? <option value="">choose an instrument</option> : null}
        {keys.map((k) => (
          <option key={k} value={k}>
            {k}
          </option>
        ))}
      </select>
      <span className="group">
        {RANGE_PRESETS.map((p) => (
          <button
            key={p.id}
            type="button"
            className={p.id === active ? 'chip active' : 'chip'}
            data-testid={`range-${p.id}`}
            onClick={() => setRange({ kind: 'last', spanMs: p.spanMs })}
          >
            {p.label}
          </button>
        ))}
      </span>
      {range.kind === 'centred' ? (
        <span className="centred" data-testid="range-centred">
          centred on {formatDateTime(range.centre)}Z
          <button type="button" className="chip" onClick={() => setRange(LIVE_RANGE)}>
            back to live
          </button>
        </span>
      ) : null}
      <MarketReportButton />
      <ExportButton />
      <span className="spacer" />
      <label className="muted">
        columns
        <select className="select select-small" data-testid="grid-columns" value={columns} onChange={(e) => setColumns(Number(e.target.value))}>
          {Array.from({ length: MAX_COLUMNS }, (_, i) => i + 1).map((n) => (
            <option key={n} value={n}>
              {n}
            </option>
          ))}
        </select>
      </label>
      <select className="select select-small" data-testid="panel-kind" value={kind} onChange={(e) => setKind(e.target.value as PanelKind)}>
        {PANEL_KINDS.map((k) => (
          <option key={k.kind} value={k.kind}>
            {k.label}
          </option>
        ))}
      </select>
      <button type="button" className="btn" data-testid="panel-add" onClick={() => addPanel(kind)}>
        Add panel
      </button>
      <button type="button" className="btn" onClick={resetLayout}>
        Reset layout
      </button>
    </div>
  );
}
