/*
 * Inline SVG charts for the market-quality report: plain markup, no script,
 * no font or image to fetch, readable from a file or printed.
 */

export interface LineSeries {
  readonly label: string;
  readonly color: string;
  /** One value per bucket (null: no data there). */
  readonly values: readonly (number | null)[];
  /** Optional min/max per bucket, drawn as a band behind the line. */
  readonly band?: readonly (readonly [number | null, number | null])[];
  readonly dashed?: boolean;
}

export interface ThresholdLine {
  readonly value: number;
  readonly label: string;
  readonly color: string;
}

export interface LineChartSpec {
  readonly title: string;
  readonly from: number;
  readonly to: number;
  readonly bucketMs: number;
  readonly series: readonly LineSeries[];
  readonly thresholds?: readonly ThresholdLine[];
  readonly unit: string;
  readonly width?: number;
  readonly height?: number;
}

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const MARGIN = { left: 64, right: 12, top: 22, bottom: 28 };

/** About `count` round tick values covering [lo, hi]. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [];
  if (hi === lo) {
    const d = Math.abs(lo) > 0 ? Math.abs(lo) * 0.1 : 1;
    lo -= d;
    hi += d;
  }
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.floor(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  if (out[out.length - 1]! < hi) out.push(Number((out[out.length - 1]! + step).toPrecision(12)));
  return out;
}

/** A number short enough for an axis: 1.2M, 35k, 4.5, 0.012. */
export function shortNumber(v: number): string {
  const a = Math.abs(v);
  if (a >= 1e9) return `${trim(v / 1e9)}G`;
  if (a >= 1e6) return `${trim(v / 1e6)}M`;
  if (a >= 1e4) return `${trim(v / 1e3)}k`;
  if (a >= 100) return v.toFixed(0);
  if (a >= 1) return trim(v);
  if (a === 0) return '0';
  return Number(v.toPrecision(2)).toString();
}

function trim(v: number): string {
  return Number(v.toFixed(2)).toString();
}

/** hh:mm or hh:mm:ss (UTC) depending on the span. */
export function clock(t: number, seconds: boolean): string {
  const iso = new Date(t).toISOString();
  return seconds ? iso.slice(11, 19) : iso.slice(11, 16);
}

function timeTicks(from: number, to: number, width: number): number[] {
  const span = to - from;
  const steps = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600].map((s) => s * 1000);
  const most = Math.max(2, Math.floor(width / 80));
  const step = steps.find((s) => span / s <= most) ?? 21_600_000;
  const out: number[] = [];
  // The end itself is left out: its label would run off the chart.
  for (let t = Math.ceil(from / step) * step; t < to; t += step) out.push(t);
  return out;
}

/** A line chart of bucketed values over time, with optional min-max bands and threshold lines. */
export function lineChart(spec: LineChartSpec): string {
  const width = spec.width ?? 720;
  const height = spec.height ?? 190;
  const plotW = width - MARGIN.left - MARGIN.right;
  const plotH = height - MARGIN.top - MARGIN.bottom;
  const values: number[] = [];
  for (const s of spec.series) {
    for (const v of s.values) if (v !== null) values.push(v);
    for (const [a, b] of s.band ?? []) {
      if (a !== null) values.push(a);
      if (b !== null) values.push(b);
    }
  }
  for (const t of spec.thresholds ?? []) values.push(t.value);
  const lo0 = values.length > 0 ? Math.min(...values) : 0;
  const hi0 = values.length > 0 ? Math.max(...values) : 1;
  const ticks = niceTicks(Math.min(lo0, lo0 >= 0 ? 0 : lo0), hi0);
  const lo = ticks[0] ?? 0;
  const hi = ticks[ticks.length - 1] ?? 1;
  const x = (t: number) => MARGIN.left + ((t - spec.from) / Math.max(1, spec.to - spec.from)) * plotW;
  const y = (v: number) => MARGIN.top + plotH - ((v - lo) / Math.max(1e-12, hi - lo)) * plotH;
  const mid = (i: number) => x(spec.from + (i + 0.5) * spec.bucketMs);
  const parts: string[] = [];
  parts.push(`<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${plotW}" height="${plotH}" class="plot"/>`);
  for (const v of ticks) {
    parts.push(`<line x1="${MARGIN.left}" x2="${MARGIN.left + plotW}" y1="${f(y(v))}" y2="${f(y(v))}" class="grid"/>`);
    parts.push(`<text x="${MARGIN.left - 6}" y="${f(y(v) + 4)}" class="ytick">${escapeXml(shortNumber(v))}</text>`);
  }
  const seconds = spec.to - spec.from <= 2 * 3_600_000;
  for (const t of timeTicks(spec.from, spec.to, plotW)) {
    parts.push(`<line x1="${f(x(t))}" x2="${f(x(t))}" y1="${MARGIN.top + plotH}" y2="${MARGIN.top + plotH + 4}" class="axis"/>`);
    parts.push(`<text x="${f(x(t))}" y="${height - 8}" class="xtick">${clock(t, seconds)}</text>`);
  }
  for (const s of spec.series) {
    if (s.band) parts.push(bandPath(s.band, mid, y, s.color));
  }
  for (const s of spec.series) {
    const d = linePath(s.values, mid, y);
    if (d) parts.push(`<path d="${d}" fill="none" stroke="${s.color}" stroke-width="1.6"${s.dashed ? ' stroke-dasharray="4 3"' : ''}/>`);
    // A lone bucket between gaps has no segment: a dot shows it.
    s.values.forEach((v, i) => {
      if (v !== null && (s.values[i - 1] ?? null) === null && (s.values[i + 1] ?? null) === null) parts.push(`<circle cx="${f(mid(i))}" cy="${f(y(v))}" r="2" fill="${s.color}"/>`);
    });
  }
  for (const t of spec.thresholds ?? []) {
    parts.push(`<line x1="${MARGIN.left}" x2="${MARGIN.left + plotW}" y1="${f(y(t.value))}" y2="${f(y(t.value))}" stroke="${t.color}" stroke-dasharray="6 4" stroke-width="1.2"/>`);
    parts.push(`<text x="${MARGIN.left + plotW - 4}" y="${f(y(t.value) - 3)}" class="thr" fill="${t.color}">${escapeXml(t.label)}</text>`);
  }
  let lx = MARGIN.left;
  const legend = spec.series.map((s) => {
    const item = `<rect x="${lx}" y="6" width="10" height="10" fill="${s.color}"/><text x="${lx + 14}" y="15" class="legend">${escapeXml(s.label)}</text>`;
    lx += 24 + s.label.length * 6.2;
    return item;
  });
  parts.push(...legend);
  parts.push(`<text x="${width - MARGIN.right}" y="15" class="unit">${escapeXml(spec.unit)}</text>`);
  if (values.length === 0) parts.push(`<text x="${MARGIN.left + plotW / 2}" y="${MARGIN.top + plotH / 2}" class="nodata">no data</text>`);
  return `<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeXml(spec.title)}"><title>${escapeXml(spec.title)}</title>${parts.join('')}</svg>`;
}

function f(v: number): string {
  return Number(v.toFixed(1)).toString();
}

function linePath(values: readonly (number | null)[], x: (i: number) => number, y: (v: number) => number): string {
  let d = '';
  let pen = false;
  values.forEach((v, i) => {
    if (v === null) {
      pen = false;
      return;
    }
    d += `${pen ? 'L' : 'M'}${f(x(i))},${f(y(v))}`;
    pen = true;
  });
  return d;
}

function bandPath(band: readonly (readonly [number | null, number | null])[], x: (i: number) => number, y: (v: number) => number, color: string): string {
  const out: string[] = [];
  let run: { i: number; lo: number; hi: number }[] = [];
  const flush = () => {
    if (run.length > 0) {
      const top = run.map((p) => `${f(x(p.i))},${f(y(p.hi))}`);
      const bottom = run.map((p) => `${f(x(p.i))},${f(y(p.lo))}`).reverse();
      const pts = run.length === 1 ? [`${f(x(run[0]!.i) - 2)},${f(y(run[0]!.hi))}`, `${f(x(run[0]!.i) + 2)},${f(y(run[0]!.hi))}`, `${f(x(run[0]!.i) + 2)},${f(y(run[0]!.lo))}`, `${f(x(run[0]!.i) - 2)},${f(y(run[0]!.lo))}`] : [...top, ...bottom];
      out.push(`<polygon points="${pts.join(' ')}" fill="${color}" fill-opacity="0.15" stroke="none"/>`);
    }
    run = [];
  };
  band.forEach(([lo, hi], i) => {
    if (lo === null || hi === null) flush();
    else run.push({ i, lo, hi });
  });
  flush();
  return out.join('');
}

export interface TimelineRow {
  readonly label: string;
  readonly spans: readonly { readonly start: number; readonly end: number; readonly color: string; readonly title: string }[];
}

/** Rows of time spans over [from, to) (alert firing, feed incidents); a span is at least 2 px wide so a short one shows. */
export function timelineChart(title: string, from: number, to: number, rows: readonly TimelineRow[], width = 720): string {
  const rowH = 18;
  const left = 150;
  const plotW = width - left - MARGIN.right;
  const height = MARGIN.top + Math.max(1, rows.length) * rowH + MARGIN.bottom;
  const x = (t: number) => left + ((t - from) / Math.max(1, to - from)) * plotW;
  const parts: string[] = [`<rect x="${left}" y="${MARGIN.top}" width="${plotW}" height="${Math.max(1, rows.length) * rowH}" class="plot"/>`];
  rows.forEach((r, n) => {
    const top = MARGIN.top + n * rowH;
    parts.push(`<text x="${left - 6}" y="${top + 13}" class="ytick">${escapeXml(r.label)}</text>`);
    for (const s of r.spans) {
      const a = x(Math.max(from, s.start));
      const w = Math.max(2, x(Math.min(to, s.end)) - a);
      parts.push(`<rect x="${f(a)}" y="${top + 3}" width="${f(w)}" height="${rowH - 6}" fill="${s.color}"><title>${escapeXml(s.title)}</title></rect>`);
    }
  });
  if (rows.length === 0) parts.push(`<text x="${left + plotW / 2}" y="${MARGIN.top + 13}" class="nodata">none</text>`);
  const seconds = to - from <= 2 * 3_600_000;
  for (const t of timeTicks(from, to, plotW)) {
    parts.push(`<text x="${f(x(t))}" y="${height - 8}" class="xtick">${clock(t, seconds)}</text>`);
  }
  return `<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeXml(title)}"><title>${escapeXml(title)}</title>${parts.join('')}</svg>`;
}

/** The day as a strip of cells (valid-book share per quarter-hour): green full, amber partial, grey none. */
export function coverageStrip(title: string, from: number, to: number, cells: readonly { readonly start: number; readonly valid: number; readonly sampled: number }[], width = 720): string {
  const left = MARGIN.left;
  const plotW = width - left - MARGIN.right;
  const height = 64;
  const cw = plotW / Math.max(1, cells.length);
  const parts: string[] = [];
  cells.forEach((c, i) => {
    const color = c.valid >= 0.999 ? '#2a9d4b' : c.valid > 0 ? '#e9a23b' : c.sampled > 0 ? '#d1495b' : '#e4e4e4';
    const label = `${clock(c.start, false)} UTC: valid book ${(c.valid * 100).toFixed(1)} %, sampled ${(c.sampled * 100).toFixed(1)} %`;
    parts.push(`<rect x="${f(left + i * cw)}" y="14" width="${f(Math.max(0.5, cw - 0.6))}" height="22" fill="${color}"><title>${escapeXml(label)}</title></rect>`);
  });
  for (const t of timeTicks(from, to, plotW)) {
    parts.push(`<text x="${f(left + ((t - from) / (to - from)) * plotW)}" y="${height - 12}" class="xtick">${clock(t, false)}</text>`);
  }
  return `<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeXml(title)}"><title>${escapeXml(title)}</title>${parts.join('')}</svg>`;
}
