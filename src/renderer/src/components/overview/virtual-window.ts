/** Rows rendered above and below the viewport, so a fast scroll does not show blank rows for a frame. */
export const OVERSCAN_ROWS = 8;

/** The slice of rows to render: `[start, end)`, and the blank heights standing in for the rest. */
export interface VirtualWindow {
  readonly start: number;
  readonly end: number;
  readonly padTop: number;
  readonly padBottom: number;
}

/**
 * Which of `count` rows of `rowHeight` px a viewport of `viewport` px
 * scrolled to `scrollTop` shows, with overscan. Pure, so the windowing is
 * tested without a browser.
 */
export function virtualWindow(count: number, rowHeight: number, scrollTop: number, viewport: number, overscan = OVERSCAN_ROWS): VirtualWindow {
  const h = Math.max(1, rowHeight);
  const first = Math.floor(Math.max(0, scrollTop) / h);
  const visible = Math.ceil(Math.max(0, viewport) / h) + 1;
  const start = Math.max(0, Math.min(count, first - overscan));
  const end = Math.max(start, Math.min(count, first + visible + overscan));
  return { start, end, padTop: start * h, padBottom: (count - end) * h };
}

/**
 * The scrollTop that brings row `index` into a viewport (below a sticky
 * header of `headerHeight` px), moving as little as possible; null when it
 * is already in view.
 */
export function scrollToRow(index: number, rowHeight: number, scrollTop: number, viewport: number, headerHeight: number): number | null {
  const top = index * rowHeight;
  const bottom = top + rowHeight;
  const visibleTop = scrollTop;
  const visibleBottom = scrollTop + viewport - headerHeight;
  if (top < visibleTop) return top;
  if (bottom > visibleBottom) return bottom - (viewport - headerHeight);
  return null;
}
