import type { Severity } from '../../../shared/core/model';

/**
 * Chart colours. Lines are drawn on canvas, so they are given in code; the
 * legend swatches use the matching `.swatch-<n>` classes in styles.css.
 */
export const LINE_COLORS = ['#58a6ff', '#f0883e', '#a371f7', '#3fb950', '#ff7b72'] as const;

/** Palette slots by meaning, so a legend swatch and its line always agree. */
export const SLOT = { blue: 0, orange: 1, purple: 2, green: 3, red: 4 } as const;

export const lineColor = (slot: number): string => LINE_COLORS[slot % LINE_COLORS.length]!;

export const SEVERITY_COLORS: Readonly<Record<Severity, string>> = {
  warning: '#d29922',
  critical: '#f85149',
};

export const CHART_THEME = {
  background: '#0d1117',
  text: '#8b949e',
  grid: '#161b22',
  border: '#30363d',
} as const;
