import { Z_CAP, formatSigma } from '../../format/format';

/**
 * A z-score as the alert tables show it: capped at ±{@link Z_CAP}σ so that a
 * +597.9 does not read as a number to compare, with the true value on hover.
 */
export function ZValue({ z, testId }: { z: number | null | undefined; testId?: string }) {
  const capped = typeof z === 'number' && Number.isFinite(z) && Math.abs(z) >= Z_CAP;
  return (
    <span className="zv" data-testid={testId} title={capped ? `z = ${z > 0 ? '+' : ''}${z.toFixed(1)} (shown capped at ±${Z_CAP}σ)` : undefined}>
      {formatSigma(z)}
    </span>
  );
}
