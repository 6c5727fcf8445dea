import { useMemo, useState } from 'react';
import { metricLine, zLine, type LineDef } from '../../model/chart-series';
import { Z_CAP } from '../../format/format';
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
const zLines = (cap: number): readonly LineDef[] => [
  zLine('spread_bps', 'z spread', C0, cap),
  zLine('depth_10bps', 'z depth 10bp', C1, cap),
  zLine('basis_perp_spot_bps', 'z perp-spot', C2, cap),
  zLine('basis_mark_index_bps', 'z mark-idx', C3, cap),
];
/** Display caps of the z chart (σ): the true value is in the crosshair readout. */
export const Z_CAPS = [5, 10, 20, 50] as const;
const Z_CAP_STORAGE = 'surveil.chart.zCap';

function storedCap(): number {
  try {
    const v = Number(globalThis.localStorage?.getItem(Z_CAP_STORAGE));
    return (Z_CAPS as readonly number[]).includes(v) ? v : Z_CAP;
  } catch {
    return Z_CAP;
  }
}
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
  const [cap, setCap] = useState(storedCap);
  const lines = useMemo(() => zLines(cap), [cap]);
  const choose = (c: number): void => {
    setCap(c);
    try {
      globalThis.localStorage?.setItem(Z_CAP_STORAGE, String(c));
    } catch {
      // no storage: the cap holds for this view
    }
  };
  return (
    <>
      <WarmupIndicator rowKey={rowKey} />
      <div className="panel-sub" title="z is drawn capped at this many σ; the crosshair readout shows the true value">
        cap ±
        {Z_CAPS.map((c) => (
          <button key={c} type="button" className={c === cap ? 'chip active' : 'chip'} onClick={() => choose(c)} data-testid={`z-cap-${c}`}>
            {c}σ
          </button>
        ))}
      </div>
      <ChartPanel testId="chart-zscore" rowKey={rowKey} lines={lines} thresholds={thresholds} />
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
      <ChartPanel testId="chart-depth" rowKey={rowKey} lines={lines} thresholds={thresholds} />
    </>
  );
}
