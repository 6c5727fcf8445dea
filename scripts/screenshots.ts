/// <reference lib="dom" />
/**
 * `npm run screenshots`: every view of the console at 1600x1000 and 1280x800
 * into docs/images/console/<view>-<width>x<height>.png (docs/screenshots.md).
 *
 * It runs what `npm run demo` runs (the showcase schedule on the simulator,
 * engine workers, a temp SQLite history) and drives Debian's Chromium with
 * playwright-core the way test/e2e does. Each state is shot at both sizes
 * before moving on, so the two images of a view show the same moment. Every
 * wait is bounded and fails with what it waited for: an image of a console
 * that never warmed up or never alerted would document nothing.
 */
import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { loadConfig } from '../src/engine/config/load-config';
import { appBuilt, buildApp } from '../src/engine/console/launch';
import { runConsole, type RunningConsole } from '../src/engine/console/run-console';
import { CHROMIUM_ARGS, chromiumPath } from '../src/engine/report/report-pdf';
import { simulateToCapture } from '../src/engine/simulator';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(ROOT, 'docs', 'images', 'console');
const VIEWPORTS = [
  { width: 1600, height: 1000 },
  { width: 1280, height: 800 },
] as const;
/** Chromium writes PNGs uncompressed-ish; past this the docs get heavy and the run says so. */
const LARGE_PNG = 1024 * 1024;

const written: string[] = [];

function log(line: string): void {
  process.stdout.write(`${line}\n`);
}

/** Polls `probe` until it returns a value, or throws `what` after `timeoutMs`. */
async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | null | undefined | false>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== null && value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`screenshots: gave up after ${Math.round(timeoutMs / 1000)} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** The page at both sizes; `prepare` runs after each resize (a layout may need a scroll or a re-hover). */
async function shoot(page: Page, view: string, prepare?: () => Promise<void>): Promise<void> {
  for (const vp of VIEWPORTS) {
    await page.setViewportSize(vp);
    // Charts and virtual tables re-measure on resize, one or two frames later.
    await page.waitForTimeout(800);
    if (prepare) await prepare();
    const path = join(OUT, `${view}-${vp.width}x${vp.height}.png`);
    await page.screenshot({ path });
    const size = statSync(path).size;
    written.push(path);
    log(`  ${path.slice(ROOT.length + 1)} (${Math.round(size / 1024)} kB)${size > LARGE_PNG ? '  OVER 1 MB' : ''}`);
  }
}

async function waitForLiveDesk(running: RunningConsole): Promise<string> {
  // The showcase's first anomaly strikes 36 s in, after the z windows warmed (demo-schedule.ts).
  await waitFor('every book valid and every z-score warm', 90_000, async () => {
    const { overview } = await running.service.snapshot();
    const warm = (r: (typeof overview)[number]) => Object.values(r.zscores).some((z) => z && z.z !== null);
    return overview.length > 0 && overview.every((r) => r.health.bookValid && warm(r));
  });
  log('books valid, z-scores warm');
  const key = await waitFor('a firing alert (the showcase injects its first anomaly 36 s in)', 120_000, async () => {
    const { alerts } = await running.service.snapshot();
    return alerts.find((a) => a.state === 'firing')?.key;
  });
  log(`firing: ${key}`);
  return key;
}

async function overview(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await waitFor('the overview rows', 20_000, () => page.getByTestId('overview-row').first().isVisible());
  await page.getByTestId('nav-overview').click();
  // Problems first: the alerting rows at the top of the shot.
  await shoot(page, 'overview');
}

async function instrument(page: Page, key: string): Promise<void> {
  await page.getByTestId('nav-instrument').click();
  await page.getByTestId('instrument-select').selectOption(key);
  await waitFor('the instrument charts', 15_000, () => page.getByTestId('chart-spread').first().isVisible());
  await waitFor('the book ladder', 15_000, () => page.getByTestId('book-ladder').first().isVisible());
  await waitFor('the alert episode on a chart', 20_000, async () => (await page.getByTestId('alert-episode').count()) > 0);
  await shoot(page, 'instrument');
}

async function alerts(page: Page, key: string): Promise<void> {
  await page.getByTestId('nav-alerts').click();
  const active = page.locator(`[data-testid="alert-row"][data-alert-id^="${key}/"]`).first();
  await waitFor(`the active alert of ${key}`, 15_000, () => active.isVisible());
  const alertId = (await active.getAttribute('data-alert-id'))!;
  await shoot(page, 'alerts-active');

  // A case as a desk works one: acknowledged with a note, assigned, a note added; the thread open under the History.
  await active.getByTestId('ack').click();
  await page.getByTestId('ack-by').fill('desk-1');
  await page.getByTestId('ack-note').fill('on it: checking the venue book and status page');
  await page.getByTestId('ack-confirm').click();
  const historyRow = page.locator(`[data-testid="alert-history-row"][data-alert-id="${alertId}"]`);
  await waitFor('the History row acknowledged', 15_000, async () => (await historyRow.getByTestId('history-ack').textContent()) === 'desk-1');
  await historyRow.click();
  const trail = page.getByTestId('alert-trail');
  await waitFor('the case thread', 10_000, () => trail.isVisible());
  await trail.getByTestId('case-assignee').fill('carol');
  await trail.getByTestId('case-assign').click();
  await waitFor('the assignment in the thread', 10_000, async () => (await trail.locator('[data-testid="case-entry"][data-kind="assigned"]').count()) > 0);
  await trail.getByTestId('case-note').fill('venue confirms a quoting incident; watching the recovery');
  await trail.getByTestId('case-note-add').click();
  await waitFor('the note in the thread', 10_000, async () => (await trail.locator('[data-testid="case-entry"][data-kind="note"]').count()) > 0);
  await shoot(page, 'alerts-history', () => historyRow.scrollIntoViewIfNeeded());
}

async function report(context: BrowserContext, page: Page, key: string): Promise<void> {
  await page.getByTestId('nav-instrument').click();
  await page.getByTestId('instrument-select').selectOption(key);
  // T+1 by default; the demo's samples are today's.
  await page.getByTestId('report-day').fill(new Date().toISOString().slice(0, 10));
  const [tab] = await Promise.all([context.waitForEvent('page', { timeout: 30_000 }), page.getByTestId('market-report').click()]);
  await tab.waitForLoadState('load');
  await waitFor('the report charts', 10_000, async () => (await tab.locator('svg.chart').count()) > 0);
  await shoot(tab, 'report');
  await tab.close();
}

async function feeds(page: Page, running: RunningConsole): Promise<void> {
  // The showcase's feed faults start 112 s in (a gap, a checksum failure, then binance-spot drops for 15 s at 122 s).
  await waitFor('a dropped feed connection (the showcase disconnects binance-spot 122 s in)', 150_000, async () => {
    const { feeds: views } = await running.service.snapshot();
    return views.some((f) => f.connections.some((c) => c.state === 'reconnecting' || c.state === 'backing_off' || c.state === 'stale'));
  });
  await page.getByTestId('nav-feeds').click();
  await waitFor('the feed rows', 10_000, () => page.getByTestId('feed-row').first().isVisible());
  await shoot(page, 'feeds');
}

async function replay(page: Page, capture: string): Promise<void> {
  await page.getByTestId('nav-replay').click();
  await page.getByTestId('replay-path').fill(capture);
  await page.getByTestId('replay-speed').selectOption({ label: 'max' });
  await page.getByTestId('replay-open').click();
  await waitFor('the replay to finish', 60_000, async () => (await page.getByTestId('replay-state').textContent()) === 'done');
  await waitFor("the replay's alert", 10_000, async () => (await page.getByTestId('replay-alert').count()) > 0);
  // The capture at the instant its first alert fired: the book, metrics and rules then.
  await page.getByTestId('replay-alert-at').first().click();
  await waitFor('the seek panel', 20_000, () => page.getByTestId('seek-ladder').isVisible());
  await shoot(page, 'replay');
}

async function main(): Promise<void> {
  if (!appBuilt(ROOT, true) && !buildApp(ROOT, (line) => log(line))) throw new Error('screenshots: electron-vite build failed');
  mkdirSync(OUT, { recursive: true });
  const scratch = mkdtempSync(join(tmpdir(), 'surveil-screenshots-'));
  const capture = join(scratch, 'spread-blowout.jsonl');
  // A small capture as test/e2e/replay-view.e2e.test.ts writes it: 90 s, the spread blowing out 45 s in.
  await simulateToCapture({ scenario: 'spread_blowout', seed: 3, durationMs: 90_000, injectAtMs: 45_000, injectForMs: 20_000, startTime: Date.UTC(2026, 2, 2), out: capture });

  let running: RunningConsole | null = null;
  let browser: Browser | null = null;
  try {
    running = await runConsole({ config: loadConfig(join(ROOT, 'config')), demo: 'showcase', port: 0, host: '127.0.0.1', feedLog: () => undefined });
    log(`console at ${running.web.url} (showcase demo)`);
    browser = await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS });
    const context = await browser.newContext({ viewport: VIEWPORTS[0] });
    const page = await context.newPage();
    const key = await waitForLiveDesk(running);
    await overview(page, running.web.url);
    await instrument(page, key);
    await alerts(page, key);
    await report(context, page, key);
    await feeds(page, running);
    await replay(page, capture);
    log(`${written.length} screenshots in ${OUT.slice(ROOT.length + 1)}`);
  } finally {
    await browser?.close();
    await running?.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
