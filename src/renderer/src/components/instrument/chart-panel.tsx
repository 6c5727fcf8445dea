import { useRef } from 'react';
import type { LineDef } from '../../model/chart-series';
import type { ThresholdLine } from '../../model/threshold-lines';
import { useConsole } from '../context';
import { useLineChart } from './use-line-chart';

export interface ChartPanelProps {
  readonly testId: string;
  readonly rowKey: string | null;
  readonly lines: readonly LineDef[];
  readonly thresholds: readonly ThresholdLine[];
  readonly valueFormat?: 'notional' | 'decimal';
  /** Shown over the chart when the instrument has no such data (basis of a spot market). */
  readonly note?: string | null;
}

/** The body of a chart panel: legend, the canvas (fixed height in CSS), a load error if any. */
export function ChartPanel({ testId, rowKey, lines, thresholds, valueFormat, note }: ChartPanelProps) {
  const container = useRef<HTMLDivElement>(null);
  const range = useConsole((s) => s.timeRange);
  const error = useLineChart({ container, rowKey, lines, thresholds, range, valueFormat });
  return (
    <div className="chart-body">
      <div className="legend">
        {lines.map((l) => (
          <span key={l.series} className="legend-item">
            <span className={`swatch swatch-${l.color}`} />
            {l.label}
          </span>
        ))}
        {thresholds.length > 0 ? <span className="legend-item muted">- - thresholds</span> : null}
      </div>
      <div ref={container} className="chart" data-testid={testId} data-key={rowKey ?? ''} />
      {error ? <div className="chart-error">{error}</div> : null}
      {note ? <div className="chart-error">{note}</div> : null}
      {rowKey === null ? <div className="chart-error">no instrument selected</div> : null}
    </div>
  );
}
