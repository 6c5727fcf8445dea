/** The panels the instrument view can show. */
export type PanelKind = 'spread' | 'depth' | 'basis' | 'zscore' | 'book';

export const PANEL_KINDS: readonly { readonly kind: PanelKind; readonly label: string }[] = [
  { kind: 'spread', label: 'Spread' },
  { kind: 'depth', label: 'Depth' },
  { kind: 'basis', label: 'Basis · cross-venue' },
  { kind: 'zscore', label: 'Z-scores' },
  { kind: 'book', label: 'Book' },
];

/** A panel in the grid; `key` null follows the instrument selected in the view. */
export interface PanelSpec {
  readonly id: string;
  readonly kind: PanelKind;
  readonly key: string | null;
}

export interface PanelLayout {
  readonly columns: number;
  readonly panels: readonly PanelSpec[];
}

export const MAX_PANELS = 16;
export const MAX_COLUMNS = 4;

export const DEFAULT_LAYOUT: PanelLayout = {
  columns: 3,
  panels: [
    { id: 'p1', kind: 'spread', key: null },
    { id: 'p2', kind: 'depth', key: null },
    { id: 'p3', kind: 'book', key: null },
    { id: 'p4', kind: 'basis', key: null },
    { id: 'p5', kind: 'zscore', key: null },
  ],
};

const isKind = (v: unknown): v is PanelKind => PANEL_KINDS.some((k) => k.kind === v);

/** A saved layout, or the default when it is missing or does not parse (an older or hand-edited value). */
export function parseLayout(text: string | null): PanelLayout {
  if (!text) return DEFAULT_LAYOUT;
  try {
    const raw = JSON.parse(text) as { columns?: unknown; panels?: unknown };
    if (!Array.isArray(raw.panels)) return DEFAULT_LAYOUT;
    const panels: PanelSpec[] = [];
    for (const p of raw.panels as { id?: unknown; kind?: unknown; key?: unknown }[]) {
      if (typeof p?.id !== 'string' || !isKind(p.kind)) continue;
      panels.push({ id: p.id, kind: p.kind, key: typeof p.key === 'string' ? p.key : null });
    }
    const columns = typeof raw.columns === 'number' ? clampColumns(raw.columns) : DEFAULT_LAYOUT.columns;
    return { columns, panels: panels.slice(0, MAX_PANELS) };
  } catch {
    return DEFAULT_LAYOUT;
  }
}

export const clampColumns = (n: number): number => Math.max(1, Math.min(MAX_COLUMNS, Math.round(n)));

/** A new panel at the end, with an id not in use. */
export function addPanel(layout: PanelLayout, kind: PanelKind, key: string | null = null): PanelLayout {
  if (layout.panels.length >= MAX_PANELS) return layout;
  let n = layout.panels.length + 1;
  while (layout.panels.some((p) => p.id === `p${n}`)) n++;
  return { ...layout, panels: [...layout.panels, { id: `p${n}`, kind, key }] };
}

export function removePanel(layout: PanelLayout, id: string): PanelLayout {
  return { ...layout, panels: layout.panels.filter((p) => p.id !== id) };
}

/** Moves a panel `delta` places (clamped): how the user arranges the grid. */
export function movePanel(layout: PanelLayout, id: string, delta: number): PanelLayout {
  const from = layout.panels.findIndex((p) => p.id === id);
  if (from < 0) return layout;
  const to = Math.max(0, Math.min(layout.panels.length - 1, from + delta));
  if (to === from) return layout;
  const panels = [...layout.panels];
  const [panel] = panels.splice(from, 1);
  panels.splice(to, 0, panel!);
  return { ...layout, panels };
}

export function setPanelKey(layout: PanelLayout, id: string, key: string | null): PanelLayout {
  return { ...layout, panels: layout.panels.map((p) => (p.id === id ? { ...p, key } : p)) };
}
