import { copyFileSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { runCli } from '../../src/cli/index';
import { openHistoryDb } from '../../src/engine/storage/history-db';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../e2e/browser';
import { tempDir } from '../storage/helpers';
import { surveil } from '../support/cli';
import { REAL, realRecording, repoRoot } from '../support/shared-data';

/*
 * The whole `surveil report` on a history replayed from real recordings
 * (Binance USD-M SUSHI and AKRO on 2021-07-22, Binance spot on 2021-10-12,
 * both in one file), every figure of the HTML checked against SQL written
 * here over the same database, not through the report's reader.
 */

const DAY = '2021-07-22';
const FROM = Date.UTC(2021, 6, 22);
const TO = FROM + 86_400_000;
const SCREENSHOT = '/tmp/report-screenshot.png';
let dir: string;
let dbPath: string;
let html: string;
let htmlPath: string;
let pdfPath: string;
let run: { code: number | null; stdout: string; stderr: string };

const alertsYaml = parseYaml(readFileSync(join(repoRoot, 'config/alerts.yaml'), 'utf8')) as { thresholds: Record<string, Record<string, { metric: string; threshold: number }>> };
const featuresYaml = parseYaml(readFileSync(join(repoRoot, 'config/features.yaml'), 'utf8')) as { sampling: { interval_ms: number } };
const CAP = featuresYaml.sampling.interval_ms;

function sql<T>(query: string, params: Record<string, unknown> = {}): T[] {
  const db = openHistoryDb(dbPath, { readonly: true });
  try {
    return db.prepare(query).all(params) as T[];
  } finally {
    db.close();
  }
}

async function cli(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(['report', ...args], { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

/** Every `data-figure` of the page: name -> the exact values it shows (a figure may appear twice, in the summary and its section). */
function figures(page: string): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const m of page.matchAll(/data-figure="([^"]+)" data-value="([^"]*)"/g)) {
    const name = m[1]!.replace(/&amp;/g, '&');
    const list = out.get(name) ?? [];
    list.push(m[2] === '' ? Number.NaN : Number(m[2]));
    out.set(name, list);
  }
  return out;
}

/**
 * Each sample of the instrument in the day with the ms it held: until the
 * next sample, at most CAP, clipped to the day (the sample before the day
 * included for the part of it that reaches into the day).
 */
const HELD = `WITH s AS (
    SELECT s.*, LEAD(s.time) OVER (ORDER BY s.time) AS next_time FROM samples s JOIN instruments i ON i.id = s.instrument_id
    WHERE i.key = @key AND s.time >= @from - ${CAP} AND s.time < @to),
  h AS (SELECT s.*, max(0, min(coalesce(next_time, time + ${CAP}), time + ${CAP}, @to) - max(time, @from)) AS w FROM s)`;

/** The column's bit in samples.covered, for depth (schema v1: bit i = the i-th depth column). */
const DEPTH_COLUMNS = ['depth_bid_10bps', 'depth_ask_10bps', 'depth_10bps', 'depth_bid_25bps', 'depth_ask_25bps', 'depth_bid_50bps', 'depth_ask_50bps', 'depth_bid_100bps', 'depth_ask_100bps'];
const judged = (metric: string) => {
  const bit = DEPTH_COLUMNS.indexOf(metric);
  return `(flags & 3) = 0 AND ${metric} IS NOT NULL AND w > 0${bit >= 0 ? ` AND (covered & ${1 << bit}) != 0` : ''}`;
};

function seriesFigure(key: string, metric: string, stat: string): number | null {
  const p = { key, from: FROM, to: TO };
  if (stat === 'judged_ms') return sql<{ v: number | null }>(`${HELD} SELECT coalesce(sum(w), 0) AS v FROM h WHERE ${judged(metric)}`, p)[0]!.v;
  if (stat === 'mean') return sql<{ v: number | null }>(`${HELD} SELECT sum(${metric} * w) / sum(w) AS v FROM h WHERE ${judged(metric)}`, p)[0]!.v;
  if (stat === 'min' || stat === 'max') return sql<{ v: number | null }>(`${HELD} SELECT ${stat}(${metric}) AS v FROM h WHERE ${judged(metric)}`, p)[0]!.v;
  const q = Number(stat.slice(1)) / 100;
  // The time-weighted percentile: the smallest value whose running share of the judged time reaches q.
  return sql<{ v: number | null }>(
    `${HELD}, c AS (SELECT ${metric} AS v, sum(w) OVER (ORDER BY ${metric} ROWS UNBOUNDED PRECEDING) AS cum, sum(w) OVER () AS total FROM h WHERE ${judged(metric)})
     SELECT min(v) AS v FROM c WHERE cum >= ${q} * total`,
    p,
  )[0]!.v;
}

interface Span {
  alert_id: string;
  rule: string;
  start: number;
  next_time: number | null;
  ms: number;
}

/** Firing spans per rule from the audit trail: from a firing or escalation until the alert's next such event or its resolution. */
function alertSpans(key: string): Span[] {
  return sql<Span>(
    `WITH e AS (
       SELECT e.alert_id, e.kind, e.rule, e.time, LEAD(e.time) OVER (PARTITION BY e.alert_id ORDER BY e.time, e.id) AS next_time
       FROM alert_events e JOIN alerts a ON a.alert_id = e.alert_id JOIN instruments i ON i.id = a.instrument_id
       WHERE i.key = @key AND e.kind IN ('firing', 'escalated', 'deescalated', 'resolved'))
     SELECT alert_id, rule, time AS start, next_time, min(coalesce(next_time, @to), @to) - max(time, @from) AS ms FROM e
     WHERE kind != 'resolved' AND time < @to AND coalesce(next_time, @to) >= @from`,
    { key, from: FROM, to: TO },
  );
}

function alertFigure(key: string, rule: string, stat: string): number {
  const spans = alertSpans(key);
  if (rule === 'all') return new Set(spans.map((s) => s.alert_id)).size;
  const mine = spans.filter((s) => s.rule === rule);
  const perAlert = new Map<string, number>();
  for (const s of mine) perAlert.set(s.alert_id, (perAlert.get(s.alert_id) ?? 0) + s.ms);
  switch (stat) {
    case 'fired':
      return perAlert.size;
    case 'carried_in':
      return new Set(mine.filter((s) => s.start < FROM).map((s) => s.alert_id)).size;
    case 'open_at_end':
      return new Set(mine.filter((s) => s.next_time === null || s.next_time >= TO).map((s) => s.alert_id)).size;
    case 'firing_ms':
      return mine.reduce((a, s) => a + s.ms, 0);
    case 'longest_ms':
      return Math.max(0, ...perAlert.values());
    case 'cancelled':
      return sql<{ n: number }>(
        `SELECT count(DISTINCT e.alert_id) AS n FROM alert_events e JOIN alerts a ON a.alert_id = e.alert_id JOIN instruments i ON i.id = a.instrument_id
         WHERE i.key = @key AND e.kind = 'cancelled' AND e.rule = @rule AND e.time >= @from AND e.time < @to`,
        { key, rule, from: FROM, to: TO },
      )[0]!.n;
    default:
      throw new Error(`no SQL for alert figure ${stat}`);
  }
}

function feedFigure(key: string, kind: string, stat: string): number {
  const venue = key.slice(0, key.indexOf(':'));
  const scope = `f.venue = @venue AND (f.instrument_id IS NULL OR f.instrument_id = (SELECT id FROM instruments WHERE key = @key))`;
  const p = { key, venue, from: FROM, to: TO };
  if (kind === 'incidents' || kind === 'stale' || kind === 'down') {
    const [open, close] = kind === 'down' ? ['disconnect', 'connect'] : ['stale', 'fresh'];
    const kinds = kind === 'incidents' ? `('stale', 'disconnect')` : `('${open}')`;
    // Each opening event of the day (or the latest before it, still in force) until its scope's next closing event.
    const rows = sql<{ start: number; end: number | null }>(
      `SELECT f.time AS start, (SELECT min(g.time) FROM feed_events g WHERE g.venue = f.venue AND g.instrument_id IS f.instrument_id AND g.time > f.time
          AND g.kind = CASE f.kind WHEN 'stale' THEN 'fresh' ELSE 'connect' END) AS end
       FROM feed_events f WHERE ${scope} AND f.kind IN ${kinds} AND f.time < @to`,
      p,
    ).filter((r) => r.end === null || r.end > FROM);
    void close;
    if (stat === 'count') return rows.length;
    return rows.reduce((a, r) => a + Math.min(r.end ?? TO, TO) - Math.max(r.start, FROM), 0);
  }
  return sql<{ n: number }>(`SELECT count(*) AS n FROM feed_events f WHERE ${scope} AND f.kind = @kind AND f.time >= @from AND f.time < @to`, { ...p, kind })[0]!.n;
}

function coverageFigure(key: string, stat: string): number {
  const p = { key, from: FROM, to: TO };
  switch (stat) {
    case 'valid_ms':
      return sql<{ v: number }>(`${HELD} SELECT coalesce(sum(w), 0) AS v FROM h WHERE (flags & 3) = 0`, p)[0]!.v;
    case 'valid_share':
      return coverageFigure(key, 'valid_ms') / 86_400_000;
    case 'sampled_ms':
      return sql<{ v: number }>(`${HELD} SELECT coalesce(sum(w), 0) AS v FROM h`, p)[0]!.v;
    case 'sampled_share':
      return coverageFigure(key, 'sampled_ms') / 86_400_000;
    case 'samples':
      return sql<{ v: number }>(`SELECT count(*) AS v FROM samples s JOIN instruments i ON i.id = s.instrument_id WHERE i.key = @key AND s.time >= @from AND s.time < @to`, p)[0]!.v;
    case 'holes':
      return sql<{ v: number }>(`${HELD} SELECT count(*) AS v FROM h WHERE time >= @from AND next_time < @to AND next_time - time > ${CAP}`, p)[0]!.v;
    default:
      throw new Error(`no SQL for coverage figure ${stat}`);
  }
}

/** The threshold a rule had: its audit trail's where the day's alerts carry it, else alerts.yaml's default profile. */
function thresholdOf(key: string, rule: string, metric: string): number[] {
  const trail = sql<{ t: number }>(
    `SELECT DISTINCT e.threshold AS t FROM alert_events e JOIN alerts a ON a.alert_id = e.alert_id JOIN instruments i ON i.id = a.instrument_id
     WHERE i.key = @key AND e.rule = @rule AND a.metric = @metric AND e.time >= @from AND e.time < @to`,
    { key, rule, metric, from: FROM, to: TO },
  ).map((r) => r.t);
  const yaml = alertsYaml.thresholds.default![rule];
  return [...trail, ...(yaml && yaml.metric === metric ? [yaml.threshold] : [])];
}

function belowFigure(key: string, metric: string, threshold: number, stat: string): number {
  const p = { key, from: FROM, to: TO };
  const below = sql<{ v: number }>(`${HELD} SELECT coalesce(sum(w), 0) AS v FROM h WHERE ${judged(metric)} AND ${metric} < ${threshold}`, p)[0]!.v;
  if (stat === 'below_ms') return below;
  return below / seriesFigure(key, metric, 'judged_ms')!;
}

/** The figure's expected value by SQL over the same file. */
function expected(name: string): number | null {
  const [key, group, ...rest] = name.split('|');
  if (key === 'report' && group === 'cap_ms') return CAP;
  if (group === 'coverage') return coverageFigure(key!, rest[0]!);
  if (group === 'series') return seriesFigure(key!, rest[0]!, rest[1]!);
  if (group === 'alerts') return alertFigure(key!, rest[0]!, rest[1]!);
  if (group === 'feed') return feedFigure(key!, rest[0]!, rest[1]!);
  if (group === 'below') {
    const [rule, metric, threshold, stat] = rest as [string, string, string, string];
    if (stat === 'threshold') {
      expect(thresholdOf(key!, rule, metric), `${name}: the rule's threshold`).toContain(Number(threshold));
      return Number(threshold);
    }
    return belowFigure(key!, metric, Number(threshold), stat);
  }
  throw new Error(`no SQL check for figure ${name}`);
}

let browser: Browser;

beforeAll(async () => {
  dir = tempDir();
  dbPath = join(dir, 'history.sqlite');
  expect(surveil(['replay', realRecording(REAL.binanceUsdm), '--db', dbPath]).code).toBe(0);
  expect(surveil(['replay', realRecording(REAL.binanceSpot), '--db', dbPath]).code).toBe(0);
  htmlPath = join(dir, 'report.html');
  pdfPath = join(dir, 'report.pdf');
  run = surveil(['report', '--db', dbPath, '--day', DAY, '--out', htmlPath, '--pdf', pdfPath]);
  html = readFileSync(htmlPath, 'utf8');
  browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('surveil report on a replayed real day', () => {
  it('reports the instruments with history in the day, from raw samples, and says so', () => {
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`report of ${DAY} (2 instruments: binance-usdm:AKROUSDT, binance-usdm:SUSHIUSDT; source samples) written to ${htmlPath}`);
    expect(run.stdout).toContain(`PDF written to ${pdfPath}`);
    // The spot instruments of 2021-10-12 have no history in this day.
    expect(html).not.toContain('NKNUSDT');
    expect(html.match(/data-source="samples"/g)).toHaveLength(2);
    expect(html).toContain('Source: raw samples (the day is inside the raw window).');
  });

  it('every figure in the report equals SQL over the same database', () => {
    const all = figures(html);
    const names = [...all.keys()];
    // Each part of the report is there for both instruments.
    for (const key of ['binance-usdm:SUSHIUSDT', 'binance-usdm:AKROUSDT']) {
      for (const part of ['coverage|valid_ms', 'series|spread_bps|p99', 'series|depth_bid_25bps|p5', 'series|depth_10bps|mean', 'alerts|depth_critical|firing_ms', 'feed|stale|count']) {
        expect(names, `${key}|${part}`).toContain(`${key}|${part}`);
      }
      expect(names.filter((n) => n.startsWith(`${key}|below|`) && n.endsWith('|below_ms'))).toHaveLength(2);
    }
    expect(names.length).toBeGreaterThan(150);
    let checked = 0;
    for (const [name, values] of all) {
      const want = expected(name);
      for (const got of values) {
        if (want === null) expect(got, name).toBeNaN();
        else if (Number.isInteger(want)) expect(got, name).toBe(want);
        else expect(got, name).toBeCloseTo(want, 9);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(150);
    // Real figures, not zeros: SUSHI's 10 bps book was below the critical bar part of the time, and its alert escalated.
    const sushi = (n: string) => all.get(`binance-usdm:SUSHIUSDT|${n}`)![0]!;
    expect(sushi('below|depth_critical|depth_10bps|20000|below_ms')).toBeGreaterThan(0);
    expect(sushi('below|depth_critical|depth_10bps|20000|below_ms')).toBeLessThan(sushi('series|depth_10bps|judged_ms'));
    expect(sushi('alerts|depth_warning|fired')).toBe(1);
    expect(sushi('alerts|depth_critical|open_at_end')).toBe(1);
    expect(sushi('alerts|all|fired')).toBe(1);
    expect(sushi('series|spread_bps|p99')).toBeGreaterThan(sushi('series|spread_bps|p50'));
  });

  it('renders in Chromium with no console error, its SVG charts drawn with a size; screenshot saved', async () => {
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('requestfailed', (r) => problems.push(`request ${r.url()}`));
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(`file://${htmlPath}`);
    const charts = await page.locator('svg.chart').evaluateAll((nodes) => nodes.map((n) => ({ w: n.getBoundingClientRect().width, h: n.getBoundingClientRect().height, paths: n.querySelectorAll('path, rect, circle').length })));
    // Per instrument: coverage strip, spread, 4 depth bands, alert timeline.
    expect(charts.length).toBeGreaterThanOrEqual(14);
    for (const c of charts) {
      expect(c.w).toBeGreaterThan(100);
      expect(c.h).toBeGreaterThan(30);
      expect(c.paths).toBeGreaterThan(0);
    }
    // Lines were drawn: the spread chart of each instrument has a path with points.
    expect(await page.locator('svg.chart path[d^="M"]').count()).toBeGreaterThanOrEqual(10);
    expect(await page.title()).toBe(`Market-quality report ${DAY} (UTC)`);
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(problems).toEqual([]);
    expect(requests).toEqual([`file://${htmlPath}`]);
    await page.close();
    expect(existsSync(SCREENSHOT)).toBe(true);
  });

  it('printed a PDF of it', () => {
    const pdf = readFileSync(pdfPath);
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.length).toBeGreaterThan(10_000);
  });

  it('reads minute rollups where the raw rows of the day are gone, and says the percentiles are approximate', async () => {
    const pruned = join(dir, 'pruned.sqlite');
    copyFileSync(dbPath, pruned);
    const db = openHistoryDb(pruned);
    // Retention as it runs: the raw rows of the closed minutes go, the rollups stay.
    const firstMinute = db.prepare('SELECT min(minute) FROM rollups').pluck().get() as number;
    db.prepare('DELETE FROM samples WHERE time < ?').run(firstMinute + 60_000);
    const rollups = db
      .prepare(`SELECT i.key, sum(r.book_ms) AS book, sum(r.samples) AS n FROM rollups r JOIN instruments i ON i.id = r.instrument_id
        WHERE r.minute >= ? AND r.minute < ? GROUP BY i.key ORDER BY i.key`)
      .all(FROM, TO) as { key: string; book: number; n: number }[];
    db.close();
    const out = join(dir, 'minutes.html');
    const r = await cli(['--db', pruned, '--day', DAY, '--instrument', 'SUSHIUSDT,AKRO-USDT-PERP', '--out', out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/source minute rollups/);
    const page = readFileSync(out, 'utf8');
    expect(page.match(/data-source="minute rollups"/g)).toHaveLength(2);
    expect(page).toMatch(/percentiles and time below a threshold are approximate/);
    const f = figures(page);
    expect(rollups).toHaveLength(2);
    for (const { key, book, n } of rollups) {
      expect(f.get(`${key}|coverage|valid_ms`)).toEqual([book]);
      expect(f.get(`${key}|coverage|samples`)).toEqual([n]);
    }
  });

  it('a day without data still writes the report, saying so', async () => {
    const out = join(dir, 'empty.html');
    const r = await cli(['--db', dbPath, '--day', '2021-07-21', '--out', out]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(`surveil report: no data in ${dbPath} for 2021-07-21: the report says so`);
    expect(readFileSync(out, 'utf8')).toMatch(/data-empty="true">No data for this day/);
    // Named instruments that exist but have nothing that day.
    const named = await cli(['--db', dbPath, '--day', DAY, '--instrument', 'NKNUSDT', '--out', out]);
    expect(named.code).toBe(0);
    expect(named.stderr).toMatch(/no data in .* for 2021-07-22 \(NKNUSDT\)/);
    expect(readFileSync(out, 'utf8')).toMatch(/No samples in this day for binance-spot:NKNUSDT/);
  });

  it('refuses a missing database, a bad day and unknown instruments (named), and writes the HTML when Chromium is missing', async () => {
    const out = join(dir, 'bad.html');
    const missing = await cli(['--db', join(dir, 'nope.sqlite'), '--day', DAY, '--out', out]);
    expect(missing).toMatchObject({ code: 1, stderr: `surveil report: ${join(dir, 'nope.sqlite')}: no such file` });
    for (const day of ['2021-02-30', '22-07-2021', 'yesterday']) {
      const bad = await cli(['--db', dbPath, '--day', day, '--out', out]);
      expect(bad.code, day).toBe(2);
      expect(bad.stderr).toBe(`surveil report: --day must be a date YYYY-MM-DD (a UTC day), got "${day}"`);
    }
    const unknown = await cli(['--db', dbPath, '--day', DAY, '--instrument', 'BTCUSDT', '--instrument', 'SUSHIUSDT', '--instrument', 'ETH-USDT-PERP', '--out', out]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^surveil report: no instrument "BTCUSDT", "ETH-USDT-PERP" in this history; known: BLZ-ETH-SPOT \(binance-spot:BLZETH\), .*AKRO-USDT-PERP \(binance-usdm:AKROUSDT\), SUSHI-USDT-PERP \(binance-usdm:SUSHIUSDT\)$/);
    expect((await cli(['--db', dbPath, '--out', out])).stderr).toBe('surveil report: --day YYYY-MM-DD is required');
    expect((await cli(['--db', dbPath, '--day', DAY, '--out', join(dir, 'missing', 'x.html')])).stderr).toMatch(/does not exist/);

    const noChromium = join(dir, 'no-chromium.html');
    process.env.SURVEIL_CHROMIUM = join(dir, 'no-chromium');
    try {
      const r = await cli(['--db', dbPath, '--day', DAY, '--instrument', 'SUSHIUSDT', '--out', noChromium, '--pdf', join(dir, 'no.pdf')]);
      expect(r.code).toBe(0);
      expect(r.stderr.split('\n')).toEqual([`surveil report: no PDF: Chromium not found at ${join(dir, 'no-chromium')} (apt-get install chromium, or set SURVEIL_CHROMIUM); the HTML is written`]);
      expect(existsSync(noChromium)).toBe(true);
      expect(existsSync(join(dir, 'no.pdf'))).toBe(false);
    } finally {
      delete process.env.SURVEIL_CHROMIUM;
    }
  });
});
