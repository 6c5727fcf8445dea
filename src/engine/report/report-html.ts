/*
 * The market-quality report as one self-contained HTML file: inline CSS,
 * inline SVG, no script, nothing to fetch (a strict CSP says so), so it
 * opens from disk, from the console's web server or printed to PDF alike.
 *
 * Every figure is also in a `data-figure` / `data-value` pair on its cell
 * (the exact number, not the rounded text), so tests and tools can read the
 * report without parsing prose.
 */
import { clock, coverageStrip, escapeXml, lineChart, timelineChart, type LineSeries, type ThresholdLine } from './report-svg';
import { depthOrder, type InstrumentReport, type MarketReport, type SeriesSummary } from './report-model';

export const REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

const CSS = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d232b;margin:24px auto;max-width:980px;padding:0 16px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 6px;padding-top:10px;border-top:2px solid #1d232b}
h3{font-size:15px;margin:18px 0 6px}p{margin:4px 0}.meta{color:#4b5563}.note{color:#4b5563;font-size:12.5px}
.warn{background:#fff4e0;border-left:4px solid #e9a23b;padding:6px 10px;margin:8px 0}
table{border-collapse:collapse;margin:6px 0 10px;font-size:13px}th,td{padding:3px 8px;border-bottom:1px solid #e5e7eb;text-align:right;white-space:nowrap}
th{background:#f3f4f6;font-weight:600}td.l,th.l{text-align:left}
svg.chart{display:block;margin:6px 0 12px;max-width:100%;height:auto}
svg .plot{fill:#fbfbfc;stroke:#d1d5db}svg .grid{stroke:#eceef1}svg .axis{stroke:#9ca3af}
svg text{font:11px system-ui,sans-serif;fill:#374151}svg .ytick{text-anchor:end}svg .xtick{text-anchor:middle}
svg .thr{text-anchor:end;font-size:10.5px}svg .unit{text-anchor:end;fill:#6b7280}svg .nodata{text-anchor:middle;fill:#9ca3af}
section.instrument{page-break-before:always}section.instrument:first-of-type{page-break-before:auto}
@media print{body{margin:0;max-width:none}h2{page-break-after:avoid}svg.chart{page-break-inside:avoid}}
`;

const COLORS = { spread: '#1f6fb2', bid: '#2a9d4b', ask: '#d1495b', thin: '#374151', warning: '#e9a23b', critical: '#b91c1c', other: ['#6d28d9', '#0e7490', '#a16207', '#be185d'] };

/** The whole report as HTML. */
export function renderReportHtml(report: MarketReport): string {
  const title = `Market-quality report ${report.day} (UTC)`;
  const body: string[] = [];
  body.push(`<h1>${escapeXml(title)}</h1>`);
  body.push(
    `<p class="meta">Day ${iso(report.from)} to ${iso(report.to)} (UTC midnight to midnight). Generated ${iso(report.generatedAt)} from <code>${escapeXml(report.history)}</code>; rules and sampling from ${escapeXml(report.configSource)}.</p>`,
  );
  body.push(
    `<p class="note">Figures are time-weighted: each sample counts for the time it held, until the next sample and at most <span data-figure="report|cap_ms" data-value="${report.capMs}">${duration(report.capMs)}</span> (the sampling interval; a longer silence is missing data). Only time with a fresh feed and a valid book is judged; depth only where the book reached the band. Percentiles are the smallest value whose share of the judged time reaches the percentile.</p>`,
  );
  if (report.empty) {
    body.push(
      `<p class="warn" data-empty="true">No data for this day: the history has no sample or rollup between ${iso(report.from)} and ${iso(report.to)}${report.instruments.length > 0 ? ` for ${escapeXml(report.instruments.map((i) => i.key).join(', '))}` : ''}.</p>`,
    );
  }
  if (report.instruments.length > 0) body.push(summaryTable(report));
  for (const i of report.instruments) body.push(instrumentSection(i, report));
  body.push(
    `<p class="note">How each figure is computed, and its limits: docs/report.md in the surveillance console's repository.</p>`,
  );
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${REPORT_CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeXml(title)}</title>
<style>${CSS}</style></head>
<body>
${body.join('\n')}
</body></html>
`;
}

function summaryTable(report: MarketReport): string {
  const rows = report.instruments.map((i) => {
    const k = i.key;
    return `<tr><td class="l">${escapeXml(i.instrumentId)}<br><span class="note">${escapeXml(k)}</span></td><td class="l">${escapeXml(i.source)}</td>
<td>${pct(k, 'coverage|valid_share', i.coverage.validMs / i.coverage.dayMs)}</td>
<td>${num(k, 'series|spread_bps|p50', i.spread?.percentiles[0.5] ?? null, 2)}</td>
<td>${num(k, 'series|spread_bps|p95', i.spread?.percentiles[0.95] ?? null, 2)}</td>
<td>${num(k, 'series|spread_bps|p99', i.spread?.percentiles[0.99] ?? null, 2)}</td>
<td>${num(k, 'alerts|all|fired', i.alertsFired, 0)}</td><td>${num(k, 'feed|incidents|count', i.feedIncidents.length, 0)}</td></tr>`;
  });
  return `<h3>Summary</h3><table><thead><tr><th class="l">instrument</th><th class="l">source</th><th>valid book</th><th>spread p50 (bps)</th><th>p95</th><th>p99</th><th>alerts fired</th><th>feed incidents</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function instrumentSection(i: InstrumentReport, report: MarketReport): string {
  const k = i.key;
  const out: string[] = [];
  out.push(`<section class="instrument" id="${escapeXml(k.replace(/[^A-Za-z0-9_-]/g, '_'))}"><h2>${escapeXml(i.instrumentId)} <span class="meta">${escapeXml(k)}${i.type ? `, ${escapeXml(i.type)}` : ''}</span></h2>`);
  const src =
    i.source === 'samples'
      ? 'Source: raw samples (the day is inside the raw window).'
      : `Source: ${i.source} (the raw samples of the day are gone). Means, minima, maxima and coverage are exact; percentiles and time below a threshold are approximate: they weigh each ${i.source === 'minute rollups' ? 'minute' : 'hour'}'s mean by its time valid, and time below is given with bounds.`;
  out.push(`<p class="${i.source === 'samples' ? 'note' : 'warn'}" data-source="${escapeXml(i.source)}">${escapeXml(src)}</p>`);
  if (i.sampleCount === 0) out.push(`<p class="warn">No samples in this day for ${escapeXml(k)}.</p>`);

  // Coverage
  const c = i.coverage;
  out.push(`<h3>Data coverage</h3>`);
  out.push(
    `<table><thead><tr><th class="l">figure</th><th>value</th><th>share of the day</th></tr></thead><tbody>
<tr><td class="l">valid book (fresh feed, book valid)</td><td>${dur(k, 'coverage|valid_ms', c.validMs)}</td><td>${pct(k, 'coverage|valid_share', c.validMs / c.dayMs)}</td></tr>
<tr><td class="l">sampled (any sample)</td><td>${dur(k, 'coverage|sampled_ms', c.sampledMs)}</td><td>${pct(k, 'coverage|sampled_share', c.sampledMs / c.dayMs)}</td></tr>
<tr><td class="l">${i.source === 'samples' ? 'samples' : 'samples (in the rollups)'}</td><td>${num(k, 'coverage|samples', i.sampleCount, 0)}</td><td></td></tr>
<tr><td class="l">first / last sample</td><td>${c.firstTime === null ? '-' : `${clock(c.firstTime, true)} / ${clock(c.lastTime!, true)}`}</td><td></td></tr>
<tr><td class="l">silences longer than ${duration(report.capMs)} in between</td><td>${num(k, 'coverage|holes', c.holeCount, 0)}</td><td></td></tr>
</tbody></table>`,
  );
  out.push(coverageStrip(`${i.instrumentId}: valid book per quarter-hour of the day`, report.from, report.to, c.buckets));
  out.push(`<p class="note">Per quarter-hour: green a valid book all of it, amber part of it, red sampled but never valid, grey no sample.</p>`);
  if (c.holes.length > 0) {
    out.push(`<p class="note">Longest silences: ${c.holes.map((h) => `${clock(h.start, true)} to ${clock(h.end, true)} (${duration(h.end - h.start)})`).join('; ')}.</p>`);
  }

  // Spread
  out.push(`<h3>Spread (bps)</h3>`);
  if (i.spread) {
    out.push(seriesTable(k, [i.spread], ['mean', 0.5, 0.95, 0.99, 'max'], 3));
    out.push(chart(i, `${i.instrumentId}: spread, time-weighted mean per bucket and min-max band`, [{ metric: 'spread_bps', label: 'spread_bps', color: COLORS.spread }], [], 'bps'));
  } else out.push(`<p class="note">No judged spread in the day.</p>`);

  // Depth
  out.push(`<h3>Depth per band per side (quote notional, USD)</h3>`);
  if (i.depth.length > 0) {
    out.push(seriesTable(k, i.depth, [0.01, 0.05, 0.5, 'mean', 'min'], 0));
    out.push(`<p class="note"><code>depth_10bps</code> is the thinner side within 10 bps (what the default depth rules watch).</p>`);
  } else out.push(`<p class="note">No judged depth in the day.</p>`);
  out.push(`<p><b>Thresholds used</b> (time below each): the depth rules alerts.yaml resolves for this instrument, and any other threshold the day's depth alerts carry in their audit trail. Liquidity-tier profiles are not applied: the history does not record an instrument's tier.</p>`);
  if (i.depthThresholds.length > 0) {
    const rows = i.depthThresholds.map((t) => {
      const id = `below|${t.threshold.rule}|${t.threshold.metric}|${t.threshold.threshold}`;
      const share = t.judgedMs > 0 ? t.belowMs / t.judgedMs : null;
      const bounds = t.belowMsBounds ? ` <span class="note">(${duration(t.belowMsBounds[0])} to ${duration(t.belowMsBounds[1])})</span>` : '';
      return `<tr><td class="l">${escapeXml(t.threshold.rule)}</td><td class="l"><code>${escapeXml(t.threshold.metric)}</code></td><td>${num(k, `${id}|threshold`, t.threshold.threshold, 0)}</td><td class="l">${escapeXml(t.threshold.severity)}</td>
<td>${dur(k, `${id}|below_ms`, t.belowMs)}${bounds}</td><td>${pct(k, `${id}|share`, share)}</td><td class="l note">${escapeXml(t.threshold.source)}</td></tr>`;
    });
    out.push(`<table><thead><tr><th class="l">rule</th><th class="l">metric</th><th>threshold</th><th class="l">severity</th><th>time below</th><th>of judged time</th><th class="l">threshold from</th></tr></thead><tbody>${rows.join('')}</tbody></table>`);
  } else out.push(`<p class="note">No depth rule applies to this instrument.</p>`);
  const bands = [...new Set(i.depth.map((d) => /(\d+(?:\.\d+)?)bps$/.exec(d.metric)?.[1]).filter((b): b is string => b !== undefined))].sort((a, b) => Number(a) - Number(b));
  for (const band of bands) {
    const names = i.depth.map((d) => d.metric).filter((m) => m.endsWith(`_${band}bps`)).sort(depthOrder);
    const lines = names.map((m) => ({ metric: m, label: m, color: m.includes('_bid_') ? COLORS.bid : m.includes('_ask_') ? COLORS.ask : COLORS.thin, dashed: !m.includes('_bid_') && !m.includes('_ask_') }));
    const thresholds = i.depthThresholds.filter((t) => names.includes(t.threshold.metric)).map((t) => ({ value: t.threshold.threshold, label: `${t.threshold.rule} ${t.threshold.threshold}`, color: t.threshold.severity === 'critical' ? COLORS.critical : COLORS.warning }));
    out.push(chart(i, `${i.instrumentId}: depth within ${band} bps per side`, lines, thresholds, `USD within ${band} bps`));
  }

  // Basis and funding
  out.push(`<h3>Basis family and funding</h3>`);
  const pricing = [...i.basis, ...i.funding];
  if (pricing.length > 0) {
    out.push(seriesTable(k, pricing, ['mean', 0.05, 0.5, 0.95, 'min', 'max'], 3));
    const lines = pricing.filter((s) => s.metric !== 'funding_rate').map((s, n) => ({ metric: s.metric, label: s.metric, color: COLORS.other[n % COLORS.other.length]! }));
    if (lines.length > 0) out.push(chart(i, `${i.instrumentId}: basis and funding`, lines, [], 'bps'));
  } else out.push(`<p class="note">No basis or funding series in the day (a spot instrument, or a perpetual recorded without its spot leg, index or mark streams).</p>`);

  // Alerts
  out.push(`<h3>Alerts by rule</h3>`);
  if (i.alertsByRule.length > 0) {
    const rows = i.alertsByRule.map((r) => {
      const id = `alerts|${r.rule}`;
      return `<tr><td class="l">${escapeXml(r.rule)}</td><td class="l"><code>${escapeXml(r.metric)}</code></td><td>${num(k, `${id}|fired`, r.fired, 0)}</td><td>${num(k, `${id}|carried_in`, r.carriedIn, 0)}</td><td>${num(k, `${id}|open_at_end`, r.openAtEnd, 0)}</td><td>${num(k, `${id}|cancelled`, r.cancelled, 0)}</td>
<td>${dur(k, `${id}|firing_ms`, r.firingMs)}</td><td>${dur(k, `${id}|longest_ms`, r.longestMs)}</td><td>${r.thresholds.map((t) => escapeXml(String(t))).join(', ') || '-'}</td></tr>`;
    });
    out.push(`<table><thead><tr><th class="l">rule</th><th class="l">metric</th><th>fired</th><th>since before the day</th><th>open at day end</th><th>pending, never fired</th><th>time firing</th><th>longest</th><th>thresholds</th></tr></thead><tbody>${rows.join('')}</tbody></table>`);
    out.push(`<p class="note">An alert that escalated from one rule to another counts under each for the time it fired under it (its audit trail). Times are clipped to the day; an alert still open counts until the day's end.</p>`);
  } else out.push(`<p class="note">No alert was firing during the day.</p>`);
  const ruleNames = [...new Set(i.alertSpans.map((s) => s.rule))].sort();
  out.push(
    timelineChart(
      `${i.instrumentId}: alerts firing over the day, by rule`,
      report.from,
      report.to,
      ruleNames.map((rule) => ({
        label: rule,
        spans: i.alertSpans.filter((s) => s.rule === rule).map((s) => ({ start: s.start, end: s.end, color: s.severity === 'critical' ? COLORS.critical : COLORS.warning, title: `${s.alertId}: ${clock(s.start, true)} to ${clock(s.end, true)}${s.open ? ' (open)' : ''}` })),
      })),
    ),
  );

  // Feed
  out.push(`<h3>Feed incidents</h3>`);
  const downs = i.feedIncidents.filter((f) => f.kind === 'down');
  const stales = i.feedIncidents.filter((f) => f.kind === 'stale');
  const kinds = Object.keys(i.feedEventCounts).sort();
  const rows = [
    `<tr><td class="l">connection down</td><td>${num(k, 'feed|down|count', downs.length, 0)}</td><td>${dur(k, 'feed|down|ms', downs.reduce((a, f) => a + f.end - f.start, 0))}</td></tr>`,
    `<tr><td class="l">stale (venue or book)</td><td>${num(k, 'feed|stale|count', stales.length, 0)}</td><td>${dur(k, 'feed|stale|ms', stales.reduce((a, f) => a + f.end - f.start, 0))}</td></tr>`,
    ...kinds.map((kind) => `<tr><td class="l">${escapeXml(kind.replace(/_/g, ' '))}</td><td>${num(k, `feed|${kind}|count`, i.feedEventCounts[kind]!, 0)}</td><td>-</td></tr>`),
  ];
  out.push(`<table><thead><tr><th class="l">incident</th><th>count</th><th>duration in the day</th></tr></thead><tbody>${rows.join('')}</tbody></table>`);
  if (i.feedIncidents.length > 0) {
    out.push(
      timelineChart(`${i.instrumentId}: feed incidents over the day`, report.from, report.to, [
        { label: 'down', spans: downs.map((d) => ({ start: d.start, end: d.end, color: COLORS.critical, title: `${d.venue} down ${clock(d.start, true)} to ${clock(d.end, true)}` })) },
        { label: 'stale', spans: stales.map((d) => ({ start: d.start, end: d.end, color: COLORS.warning, title: `${d.key ?? d.venue} stale ${clock(d.start, true)} to ${clock(d.end, true)}` })) },
      ]),
    );
  }
  out.push(`</section>`);
  return out.join('\n');
}

type Column = 'mean' | 'min' | 'max' | 0.01 | 0.05 | 0.5 | 0.95 | 0.99;

function seriesTable(key: string, series: readonly SeriesSummary[], columns: readonly Column[], digits: number): string {
  const head = columns.map((c) => `<th>${typeof c === 'number' ? (c === 0.5 ? 'median' : `p${Math.round(c * 100)}`) : c}${series.some((s) => s.approximate) && typeof c === 'number' ? ' ≈' : ''}</th>`).join('');
  const rows = series.map((s) => {
    const cells = columns.map((c) => {
      const name = typeof c === 'number' ? `p${Math.round(c * 100)}` : c;
      const v = typeof c === 'number' ? s.percentiles[c] : s[c];
      return `<td>${num(key, `series|${s.metric}|${name}`, v, Math.abs(v ?? 0) >= 1000 ? 0 : digits)}</td>`;
    });
    return `<tr><td class="l"><code>${escapeXml(s.metric)}</code></td>${cells.join('')}<td>${dur(key, `series|${s.metric}|judged_ms`, s.judgedMs)}</td></tr>`;
  });
  return `<table><thead><tr><th class="l">series</th>${head}<th>judged time</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function chart(i: InstrumentReport, title: string, lines: readonly { metric: string; label: string; color: string; dashed?: boolean }[], thresholds: readonly ThresholdLine[], unit: string): string {
  const series: LineSeries[] = lines.flatMap((l) => {
    const s = i.chart.series.find((c) => c.metric === l.metric);
    if (!s) return [];
    return [{ label: l.label, color: l.color, ...(l.dashed ? { dashed: true } : {}), values: s.buckets.map((b) => b.mean), ...(lines.length === 1 ? { band: s.buckets.map((b) => [b.min, b.max] as const) } : {}) }];
  });
  const caption = `${clock(i.chart.from, true)} to ${clock(i.chart.to, true)} UTC (the day's data), buckets of ${duration(i.chart.bucketMs)}`;
  return `${lineChart({ title, from: i.chart.from, to: i.chart.to, bucketMs: i.chart.bucketMs, series, thresholds, unit })}<p class="note">${escapeXml(title)}: ${escapeXml(caption)}.</p>`;
}

function figure(key: string, name: string, value: number | null, text: string): string {
  return `<span data-figure="${escapeXml(`${key}|${name}`)}" data-value="${value === null ? '' : String(value)}">${text}</span>`;
}

function num(key: string, name: string, v: number | null, digits: number): string {
  return figure(key, name, v, v === null ? '-' : formatNumber(v, digits));
}

function pct(key: string, name: string, v: number | null): string {
  return figure(key, name, v, v === null ? '-' : `${(v * 100).toFixed(v > 0 && v < 0.001 ? 4 : 2)} %`);
}

function dur(key: string, name: string, ms: number): string {
  return figure(key, name, ms, duration(ms));
}

/** Thousands separated by a thin space, no locale. */
export function formatNumber(v: number, digits: number): string {
  const fixed = Math.abs(v) < 1 && v !== 0 && digits > 0 ? Number(v.toPrecision(Math.max(3, digits))).toString() : v.toFixed(digits);
  const [int, frac] = fixed.split('.');
  const grouped = int!.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return frac === undefined ? grouped : `${grouped}.${frac}`;
}

/** 850 ms, 31 s, 4 min 05 s, 2 h 03 min. */
export function duration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
}

function iso(t: number): string {
  return new Date(t).toISOString().replace('.000Z', 'Z');
}
