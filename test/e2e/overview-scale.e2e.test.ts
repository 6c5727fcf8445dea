/// <reference lib="dom" />
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/engine/config/load-config';
import { runConsole, type RunningConsole } from '../../src/engine/console/run-console';
import { repoRoot } from '../support/shared-data';
import { buildRenderer, CHROMIUM_ARGS, CHROMIUM_PATH, SCREENSHOT_DIR } from './browser';

/**
 * The overview at scale: the simulator with synthetic assets through the
 * real engine into Chromium. The suite runs 100 extra assets (408 listings):
 * on a 2-core CI machine the in-process simulator and engine at 2,488
 * listings starve Chromium and the run takes minutes. The whole market is
 * `SURVEIL_E2E_EXTRA_ASSETS=620 npx vitest run test/e2e/overview-scale.e2e.test.ts`;
 * docs/console-scale.md has its figures. Rows are in
 * the DOM only for the visible window; filter, sort and keyboard work on
 * every instrument; frame times (requestAnimationFrame) and the bytes the
 * page's socket receives go to test-results/e2e/overview-scale.json. The
 * engine bootstraps 2,488 books within the venues' request weights, so the
 * test takes the instruments that have reported after a bounded wait and
 * says how many that was.
 */
/** SURVEIL_E2E_EXTRA_ASSETS=620 runs the whole market (the figures say how many reported). */
const EXTRA_ASSETS = Number(process.env.SURVEIL_E2E_EXTRA_ASSETS ?? 100);
const WAIT_FOR_ROWS_MS = 30_000;

let running: RunningConsole;
let browser: Browser;
let page: Page;
let received = 0;

interface FrameStats {
  readonly frames: number;
  readonly fps: number;
  readonly medianMs: number;
  readonly p95Ms: number;
  readonly longestMs: number;
}

/** Frame intervals over `ms`, from requestAnimationFrame; `scroll` px per frame scrolls the overview meanwhile. */
function measureFrames(target: Page, ms: number, scroll = 0): Promise<FrameStats> {
  return target.evaluate(
    ({ duration, step }) =>
      new Promise<FrameStats>((resolve) => {
        const scroller = document.querySelector<HTMLElement>('[data-testid="overview-scroll"]');
        const gaps: number[] = [];
        let last = performance.now();
        const start = last;
        const tick = (now: number) => {
          gaps.push(now - last);
          last = now;
          if (scroller && step > 0) scroller.scrollTop = (scroller.scrollTop + step) % Math.max(1, scroller.scrollHeight - scroller.clientHeight);
          if (now - start < duration) requestAnimationFrame(tick);
          else {
            const sorted = [...gaps].sort((a, b) => a - b);
            const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
            resolve({ frames: gaps.length, fps: (gaps.length / (now - start)) * 1000, medianMs: at(0.5), p95Ms: at(0.95), longestMs: sorted[sorted.length - 1]! });
          }
        };
        requestAnimationFrame(tick);
      }),
    { duration: ms, step: scroll },
  );
}

const domRows = () => page.getByTestId('overview-row').count();
const listed = async () => Number(await page.getByTestId('overview').getAttribute('data-rows'));

beforeAll(async () => {
  buildRenderer();
  running = await runConsole({ config: loadConfig(join(repoRoot, 'config')), demo: 'calm', extraAssets: EXTRA_ASSETS, port: 0, host: '127.0.0.1' });
  browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  page = await (await browser.newContext({ viewport: { width: 1920, height: 1080 } })).newPage();
  page.on('websocket', (ws) => ws.on('framereceived', (frame) => (received += typeof frame.payload === 'string' ? Buffer.byteLength(frame.payload) : frame.payload.length)));
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await running?.stop();
}, 120_000);

describe('overview with every simulated listing', () => {
  it('keeps only a screenful of rows in the DOM, near 60 fps, with bounded traffic', async () => {
    await page.goto(running.web.url);
    await page.getByTestId('overview').waitFor({ timeout: 60_000 });
    const everyListing = EXTRA_ASSETS * 4 + 8;
    const deadline = Date.now() + WAIT_FOR_ROWS_MS;
    while (Date.now() < deadline && (await listed()) < everyListing) await page.waitForTimeout(1000);
    const instruments = await listed();
    expect(instruments).toBeGreaterThan(100);
    // 1080 px of 23 px rows plus overscan: about 60, never the whole market.
    expect(await domRows()).toBeLessThan(80);

    const before = received;
    const t0 = Date.now();
    const still = await measureFrames(page, 4_000);
    const bytesPerSecond = Math.round(((received - before) * 1000) / (Date.now() - t0));
    const scrolling = await measureFrames(page, 2_000, 40);
    expect(await domRows()).toBeLessThan(80);

    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'overview-scale.png') });
    writeFileSync(join(SCREENSHOT_DIR, 'overview-scale.json'), JSON.stringify({ listings: everyListing, instruments, domRows: await domRows(), bytesPerSecond, still, scrolling }, null, 2));
    // The target is 60 fps; the guard fails only a run that drops below 40 on the median frame.
    expect(still.medianMs).toBeLessThan(25);
    // Scrolling repaints the whole viewport every frame, in software here (no GPU): recorded, guarded loosely.
    expect(scrolling.medianMs).toBeLessThan(100);
  }, 120_000);

  it('filters and sorts every instrument, not just the rows in the DOM', async () => {
    const all = await listed();
    // One instrument's listings, on both venues: the filter runs over every row, not the DOM's.
    const someKey = (await page.getByTestId('overview-row').nth(20).getAttribute('data-key'))!;
    const base = someKey.slice(someKey.indexOf(':') + 1).replace(/-?USDT.*$/, '').toLowerCase();
    await page.getByTestId('overview-filter').fill(`${base}-usdt`);
    await expect.poll(listed).toBeLessThan(all);
    await expect.poll(domRows).toBeGreaterThan(0);
    const ids = await page.getByTestId('overview-row').evaluateAll((rows) => rows.map((r) => r.textContent ?? ''));
    for (const text of ids) expect(text.toLowerCase()).toContain(`${base}-usdt`);

    await page.getByTestId('overview-filter').fill('');
    await page.getByTestId('problems-first').uncheck();
    await page.getByTestId('sort-venue').click();
    await page.getByTestId('sort-venue').click(); // descending: the far end of the list comes to the top
    const top = await page.getByTestId('overview-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-key') ?? ''));
    expect(top).toEqual([...top].sort().reverse());
    expect(top[0]!.startsWith('okx:')).toBe(true);
  }, 90_000);

  it('moves the selection with the keyboard past the rendered window', async () => {
    // Out of the filter field (Esc), then down past the window.
    await page.keyboard.press('Escape');
    // 50 rows: past the 45 a 1080 px viewport shows.
    for (let i = 0; i < 50; i += 1) await page.keyboard.press('j');
    const selected = page.locator('[data-testid="overview-row"][aria-selected="true"]');
    await expect.poll(() => selected.count()).toBe(1);
    expect(await selected.isVisible()).toBe(true);
    expect(await domRows()).toBeLessThan(80);
  }, 90_000);
});
