import { useMemo, useRef } from 'react';
import type { LineDef } from '../../model/chart-series';
import { bpsDecimals, seriesUnit } from '../../model/chart-units';
import type { ThresholdLine } from '../../model/threshold-lines';
import { useConsole } from '../context';
import { useLineChart } from './use-line-chart';

export interface ChartPanelProps {
  readonly testId: string;
  readonly rowKey: string | null;
  readonly lines: readonly LineDef[];
  readonly thresholds: readonly ThresholdLine[];
  /** Shown over the chart when the instrument has no such data (basis of a spot market). */
  readonly note?: string | null;
}

/**
 * The body of a chart panel: legend with the unit, the chart (fixed height in
 * CSS) between its shading layer (alert episodes, empty parts of the range)
 * and its threshold labels, the crosshair readout, a load error if any.
 */
export function ChartPanel({ testId, rowKey, lines, thresholds, note }: ChartPanelProps) {
  const container = useRef<HTMLDivElement>(null);
  const shade = useRef<HTMLDivElement>(null);
  const labels = useRef<HTMLDivElement>(null);
  const readout = useRef<HTMLDivElement>(null);
  const range = useConsole((s) => s.timeRange);
  // What fixes the axis decimals, as a stable string: the tick, the bps one tick is at the current mid, the quote.
  const unitKey = useConsole((s) => {
    const row = rowKey === null ? undefined : s.rows[rowKey];
    return row ? `${row.tickSize ?? ''}|${bpsDecimals(row.tickSize, row.values.mid)}|${row.instrumentId}` : '';
  });
  const series = lines[0]?.series ?? '';
  const unit = useMemo(() => {
    const [tick, decimals, instrumentId] = unitKey.split('|');
    // The mid only matters through the decimals it gives one tick: the chart is not rebuilt as it moves.
    return seriesUnit(series, { tickSize: tick ? Number(tick) : undefined, bpsDecimals: decimals ? Number(decimals) : undefined, instrumentId });
  }, [series, unitKey]);
  const error = useLineChart({ container, shade, labels, readout, rowKey, lines, thresholds, range, unit });
  return (
    <div className="chart-body">
      <div className="legend">
        {unit.unit ? (
          <span className="legend-item chart-unit" data-testid="chart-unit" data-decimals={unit.decimals}>
            {unit.unit}
          </span>
        ) : null}
        {lines.map((l) => (
          <span key={l.series} className="legend-item">
            <span className={`swatch swatch-${l.color}`} />
            {l.label}
          </span>
        ))}
        {thresholds.length > 0 ? <span className="legend-item muted">- - thresholds</span> : null}
      </div>
      <div className="chart-wrap">
        <div ref={shade} className="chart-shade" />
        <div ref={container} className="chart" data-testid={testId} data-key={rowKey ?? ''} data-unit={unit.unit} data-decimals={unit.decimals} />
        <div ref={labels} className="chart-labels" />
      </div>
      <div ref={readout} className="chart-readout" data-testid={`${testId}-readout`} />
      {error ? <div className="chart-error">{error}</div> : null}
      {note ? <div className="chart-error">{note}</div> : null}
      {rowKey === null ? <div className="chart-error">no instrument selected</div> : null}
    </div>
  );
}
