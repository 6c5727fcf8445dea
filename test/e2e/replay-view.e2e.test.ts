/// <reference lib="dom" />
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/engine/config/load-config';
import { runConsole, type RunningConsole } from '../../src/engine/console/run-console';
import { simulateToCapture } from '../../src/engine/simulator';
import { repoRoot } from '../support/shared-data';
import { buildRenderer, CHROMIUM_ARGS, CHROMIUM_PATH, SCREENSHOT_DIR } from './browser';

/**
 * The replay view as a new analyst meets it (issue 13): `npm run demo`'s
 * console (no capture folder given, so its folder is an empty one beside the
 * temp database), two captures the simulator wrote somewhere else, their
 * paths typed. The bar must climb from below 100 % to 100 %, and the second
 * capture's charts must draw, threshold lines included, after the first
 * capture's alert centred the range on its own day.
 */
let running: RunningConsole;
let browser: Browser;
let page: Page;
let folder: string;
let first: string;
let second: string;

const DAY = 86_400_000;
const START = Date.UTC(2026, 2, 2);

beforeAll(async () => {
  buildRenderer();
  folder = mkdtempSync(join(tmpdir(), 'surveil-e2e-typed-'));
  first = join(folder, 'blowout-day1.jsonl.gz');
  second = join(folder, 'blowout-day2.jsonl');
  // Gzip: read whole in its first chunk, which is what made the bar say 100 % from the start.
  await simulateToCapture({ scenario: 'spread_blowout', seed: 3, durationMs: 90_000, injectAtMs: 45_000, injectForMs: 20_000, startTime: START, out: first });
  await simulateToCapture({ scenario: 'spread_blowout', seed: 4, durationMs: 90_000, injectAtMs: 45_000, injectForMs: 20_000, startTime: START + DAY, out: second });
  running = await runConsole({ config: loadConfig(join(repoRoot, 'config')), demo: 'showcase', port: 0, host: '127.0.0.1' });
  browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  page = await (await browser.newContext({ viewport: { width: 1600, height: 1000 } })).newPage();
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await running?.stop();
  if (folder) rmSync(folder, { recursive: true, force: true });
});

/** Opens a typed capture path at `speed` (the label in the select). */
async function open(path: string, speed: string): Promise<void> {
  await page.getByTestId('nav-replay').click();
  await page.getByTestId('replay-path').fill(path);
  await page.getByTestId('replay-speed').selectOption({ label: speed });
  await page.getByTestId('replay-open').click();
}

const percent = async (): Promise<number> => Number.parseFloat((await page.getByTestId('replay-percent').textContent()) ?? 'NaN');

/** Per chart canvas: pixels of the data line's colour, and the longest run of a severity colour along one row (a threshold line). */
async function chartPixels(testId: string): Promise<{ line: number; thresholdRow: number; width: number }> {
  return page
    .getByTestId(testId)
    .first()
    .locator('canvas')
    .evaluateAll((canvases) => {
      const near = (d: Uint8ClampedArray, i: number, rgb: readonly number[]) => Math.abs(d[i]! - rgb[0]!) < 24 && Math.abs(d[i + 1]! - rgb[1]!) < 24 && Math.abs(d[i + 2]! - rgb[2]!) < 24 && d[i + 3]! > 100;
      const severities = [
        [0xd2, 0x99, 0x22],
        [0xf8, 0x51, 0x49],
      ];
      let line = 0;
      let thresholdRow = 0;
      let width = 0;
      for (const c of canvases) {
        const canvas = c as HTMLCanvasElement;
        const ctx = canvas.getContext('2d');
        if (!ctx || canvas.width === 0 || canvas.height === 0) continue;
        const d = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
        width = Math.max(width, canvas.width);
        for (let y = 0; y < canvas.height; y++) {
          let row = 0;
          for (let x = 0; x < canvas.width; x++) {
            const i = (y * canvas.width + x) * 4;
            if (severities.some((rgb) => near(d, i, rgb))) row++;
            // The spread line: the palette's first slot (blue, #58a6ff).
            else if (near(d, i, [0x58, 0xa6, 0xff])) line++;
          }
          thresholdRow = Math.max(thresholdRow, row);
        }
      }
      return { line, thresholdRow, width };
    });
}

describe('the replay view in Chromium (npm run demo, typed capture paths)', () => {
  it('says where it looked and opens a typed path outside its folders, the bar climbing to 100 %', async () => {
    await page.goto(running.web.url);
    await page.getByTestId('nav-replay').click();
    // The demo's folder is an empty one beside its temp database: the list says so, and that a typed path opens.
    await expect.poll(() => page.getByTestId('captures-empty').textContent(), { timeout: 15_000 }).toMatch(/^No capture in \/.*captures; type the path of any capture above\.$/);
    await open(first, 'x30');
    const seen: number[] = [];
    const frames: string[] = [];
    for (let i = 0; i < 400; i++) {
      seen.push(await percent());
      frames.push((await page.getByTestId('replay-frames').textContent().catch(() => '')) ?? '');
      if ((await page.getByTestId('replay-state').textContent()) === 'done') break;
      await page.waitForTimeout(50);
    }
    await expect.poll(() => page.getByTestId('replay-state').textContent(), { timeout: 30_000 }).toBe('done');
    expect(await percent()).toBe(100);
    // Real progress on the way: some reading strictly between 0 and 100 %, never down.
    expect(seen.some((p) => p > 0 && p < 100), `progress seen: ${seen.join(' ')}`).toBe(true);
    for (let i = 1; i < seen.length; i++) expect(seen[i]!).toBeGreaterThanOrEqual(seen[i - 1]!);
    // Frames of the capture's total (its index), and the capture's own time range.
    expect(await page.getByTestId('replay-frames').textContent()).toMatch(/^([\d,]+) of \1 frames$/);
    expect(await page.getByTestId('replay-time').textContent()).toMatch(/2026-03-02.* of 2026-03-02.*Z to 2026-03-02.*Z$/);
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'replay-progress.png') });
  }, 60_000);

  it('opens a second capture on its own range: charts drawn, threshold lines included', async () => {
    // The first capture's alert centres the instrument view on day 1.
    await expect.poll(() => page.getByTestId('replay-alert').count(), { timeout: 10_000 }).toBeGreaterThan(0);
    await page.getByTestId('replay-alert').first().click();
    await expect.poll(() => page.getByTestId('range-centred').isVisible(), { timeout: 5_000 }).toBe(true);
    await open(second, 'max');
    await expect.poll(() => page.getByTestId('replay-state').textContent(), { timeout: 30_000 }).toBe('done');
    await page.getByTestId('nav-instrument').click();
    expect(await page.getByTestId('range-centred').count()).toBe(0);
    await page.getByTestId('instrument-select').selectOption('okx:BTC-USDT-SWAP');
    await expect
      .poll(async () => (await chartPixels('chart-spread')).line, { timeout: 15_000, message: 'the spread line of day 2 is drawn' })
      .toBeGreaterThan(50);
    const pixels = await chartPixels('chart-spread');
    // A dotted or dashed threshold line crosses most of the plot on one row of pixels.
    expect(pixels.thresholdRow, JSON.stringify(pixels)).toBeGreaterThan(pixels.width * 0.3);
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'replay-second-capture.png') });
  }, 60_000);
});
