/// <reference lib="dom" />
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/engine/config/load-config';
import { runConsole, type RunningConsole } from '../../src/engine/console/run-console';
import { simInstruments } from '../../src/engine/simulator/sim-instruments';
import { repoRoot } from '../support/shared-data';
import { buildRenderer, CHROMIUM_ARGS, CHROMIUM_PATH, SCREENSHOT_DIR } from './browser';

/**
 * Frame timing of the console under load: 58 live instruments (the simulator
 * with 11 synthetic assets beside the shipped listings) through the real engine, and
 * 12 live chart panels. Measured with requestAnimationFrame in the page;
 * the figures go to test-results/e2e/frame-rate.json for the issue note.
 */
let running: RunningConsole;
let browser: Browser;
let page: Page;

const PANEL_KEYS = ['okx:BTC-USDT-SWAP', 'binance-usdm:ETHUSDT', 'okx:S05-USDT-SWAP'];
const LAYOUT = {
  columns: 4,
  panels: PANEL_KEYS.flatMap((key, i) =>
    (['spread', 'depth', 'basis', 'zscore'] as const).map((kind, j) => ({ id: `p${i * 4 + j}`, kind, key })),
  ),
};

interface FrameStats {
  readonly frames: number;
  readonly fps: number;
  readonly medianMs: number;
  readonly p95Ms: number;
  readonly p99Ms: number;
  readonly longestMs: number;
  readonly over20Ms: number;
}

/** Frame intervals over `ms` of wall time, from requestAnimationFrame. */
function measureFrames(target: Page, ms: number): Promise<FrameStats> {
  return target.evaluate((duration) => {
    return new Promise<FrameStats>((resolve) => {
      const gaps: number[] = [];
      let last = performance.now();
      const start = last;
      const step = (now: number) => {
        gaps.push(now - last);
        last = now;
        if (now - start < duration) requestAnimationFrame(step);
        else {
          const sorted = [...gaps].sort((a, b) => a - b);
          const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
          resolve({
            frames: gaps.length,
            fps: (gaps.length / (now - start)) * 1000,
            medianMs: at(0.5),
            p95Ms: at(0.95),
            p99Ms: at(0.99),
            longestMs: sorted[sorted.length - 1]!,
            over20Ms: gaps.filter((g) => g > 20).length,
          });
        }
      };
      requestAnimationFrame(step);
    });
  }, ms);
}

beforeAll(async () => {
  buildRenderer();
  running = await runConsole({ config: loadConfig(join(repoRoot, 'config')), demo: 'calm', extraAssets: EXTRA_ASSETS, port: 0, host: '127.0.0.1' });
  browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  const context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
  await context.addInitScript((layout) => localStorage.setItem('surveil.layout', layout), JSON.stringify(LAYOUT));
  page = await context.newPage();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await running?.stop();
});

const EXTRA_ASSETS = 11;
/** The shipped listings and four per synthetic asset, as the simulator lists them. */
const INSTRUMENTS = simInstruments(EXTRA_ASSETS).length;

describe(`frame rate with ${INSTRUMENTS} instruments and 12 live panels`, () => {
  it('keeps the overview and the instrument grid near 60 frames per second', async () => {
    await page.goto(running.web.url);
    // The overview is windowed: every instrument is listed, only a screenful is in the DOM.
    await expect.poll(async () => Number(await page.getByTestId('overview').getAttribute('data-rows')), { timeout: 30_000 }).toBe(INSTRUMENTS);
    await expect.poll(() => page.getByTestId('overview-row').count(), { timeout: 10_000 }).toBeGreaterThan(40);
    const overview = await measureFrames(page, 5_000);

    await page.getByTestId('nav-instrument').click();
    await expect.poll(() => page.getByTestId('panel').count(), { timeout: 10_000 }).toBe(12);
    // Let every panel load its history and start taking live points.
    await page.waitForTimeout(3_000);
    const grid = await measureFrames(page, 5_000);
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'instrument-12-panels.png') });
    writeFileSync(join(SCREENSHOT_DIR, 'frame-rate.json'), JSON.stringify({ instruments: INSTRUMENTS, panels: 12, overview, grid }, null, 2));

    // The target is 60 fps; the guard fails a run that drops below 40 on the median frame.
    expect(overview.medianMs).toBeLessThan(25);
    expect(grid.medianMs).toBeLessThan(25);
    expect(grid.frames).toBeGreaterThan(150);
  }, 120_000);
});
