import { useMemo, useState } from 'react';
import { metricLine, zLine, type LineDef } from '../../model/chart-series';
import { SLOT } from '../../model/palette';
import { sigmaLines, thresholdLines } from '../../model/threshold-lines';
import { useConsole } from '../context';
import { ChartPanel } from './chart-panel';
import { WarmupIndicator } from './warmup-indicator';

const { blue: C0, orange: C1, purple: C2, green: C3 } = SLOT;

const SPREAD_LINES: readonly LineDef[] = [metricLine('spread_bps', 'spread bps', C0)];
const CROSS_VENUE_LINE = metricLine('cross_venue_bps', 'vs other venue', C3);
const BASIS_LINES: readonly LineDef[] = [
  metricLine('basis_perp_spot_bps', 'perp vs spot', C0),
  metricLine('basis_perp_index_bps', 'perp vs index', C1),
  metricLine('basis_mark_index_bps', 'mark vs index', C2),
  CROSS_VENUE_LINE,
];
// A spot market has no basis, but it can still drift from the same pair on another venue.
const SPOT_BASIS_LINES: readonly LineDef[] = [CROSS_VENUE_LINE];
const Z_LINES: readonly LineDef[] = [
  zLine('spread_bps', 'z spread', C0),
  zLine('depth_10bps', 'z depth 10bp', C1),
  zLine('basis_perp_spot_bps', 'z perp-spot', C2),
  zLine('basis_mark_index_bps', 'z mark-idx', C3),
];
const Z_METRICS = ['spread_bps', 'depth_10bps', 'basis_perp_spot_bps', 'basis_mark_index_bps'];

/** The rules of one instrument (stable until the next snapshot). */
const useRules = (rowKey: string | null) => useConsole((s) => (rowKey === null ? undefined : s.rules[rowKey]));

export function SpreadPanel({ rowKey }: { rowKey: string | null }) {
  const rules = useRules(rowKey);
  const thresholds = useMemo(() => thresholdLines(rules, ['spread_bps']), [rules]);
  return <ChartPanel testId="chart-spread" rowKey={rowKey} lines={SPREAD_LINES} thresholds={thresholds} />;
}

/** Perpetual pricing (perp vs spot and index, mark vs index) and cross-venue divergence, in bps. */
export function BasisPanel({ rowKey }: { rowKey: string | null }) {
  const rules = useRules(rowKey);
  const spot = useConsole((s) => rowKey !== null && s.rows[rowKey]?.type === 'spot');
  const lines = spot ? SPOT_BASIS_LINES : BASIS_LINES;
  const thresholds = useMemo(() => thresholdLines(rules, lines.map((l) => l.series)), [rules, lines]);
  const note = spot ? 'spot market: cross-venue only, no basis (pin a perpetual for basis)' : null;
  return <ChartPanel testId="chart-basis" rowKey={rowKey} lines={lines} thresholds={thresholds} note={note} />;
}

export function ZScorePanel({ rowKey }: { rowKey: string | null }) {
  const rules = useRules(rowKey);
  const thresholds = useMemo(() => sigmaLines(rules, Z_METRICS), [rules]);
  return (
    <>
      <WarmupIndicator rowKey={rowKey} />
      <ChartPanel testId="chart-zscore" rowKey={rowKey} lines={Z_LINES} thresholds={thresholds} />
    </>
  );
}

/** Depth bands the instrument reports (`depth_bid_<n>bps`), as a stable string for the selector. */
const bandsOf = (values: Readonly<Record<string, number | undefined>> | undefined): string =>
  Object.keys(values ?? {})
    .map((m) => /^depth_bid_(\d+)bps$/.exec(m)?.[1])
    .filter((b): b is string => b !== undefined)
    .sort((a, b) => Number(a) - Number(b))
    .join(',');

export function DepthPanel({ rowKey }: { rowKey: string | null }) {
  const rules = useRules(rowKey);
  const bandList = useConsole((s) => bandsOf(rowKey === null ? undefined : s.rows[rowKey]?.values));
  const bands = useMemo(() => (bandList ? bandList.split(',') : ['10']), [bandList]);
  const [band, setBand] = useState('10');
  // Bid green, ask red: the book ladder's convention.
  const lines = useMemo(
    () => [
      metricLine(`depth_bid_${Number(band)}bps`, `bid ${band}bp`, SLOT.green),
      metricLine(`depth_ask_${Number(band)}bps`, `ask ${band}bp`, SLOT.red),
    ],
    [band],
  );
  const thresholds = useMemo(() => {
    // The depth rule watches the thinner side within 10 bps (`depth_10bps`): draw it on the 10 bp band only.
    const metrics = [`depth_bid_${band}bps`, `depth_ask_${band}bps`, ...(band === '10' ? ['depth_10bps'] : [])];
    return thresholdLines(rules, metrics);
  }, [rules, band]);
  return (
    <>
      <div className="panel-sub">
        band
        {bands.map((b) => (
          <button key={b} type="button" className={b === band ? 'chip active' : 'chip'} onClick={() => setBand(b)} data-testid={`depth-band-${b}`}>
            {b}bp
          </button>
        ))}
      </div>
      <ChartPanel testId="chart-depth" rowKey={rowKey} lines={lines} thresholds={thresholds} valueFormat="notional" />
    </>
  );
}
