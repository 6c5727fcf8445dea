/// <reference lib="dom" />
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/engine/config/load-config';
import { runConsole, type RunningConsole } from '../../src/engine/console/run-console';
import { readCapture } from '../../src/engine/capture/capture-reader';
import { pipelineSettingsFrom } from '../../src/engine/pipeline/pipeline-settings';
import { replayCapture } from '../../src/engine/replay/replay-capture';
import { simulateToCapture } from '../../src/engine/simulator';
import { venueById } from '../../src/engine/venues/registry';
import type { VenueMapper } from '../../src/engine/venues/venue';
import type { Alert } from '../../src/shared/core/model';
import { repoRoot } from '../support/shared-data';
import { wholeBooks } from '../support/whole-books';
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
  // The state and the alert list of the capture open before are shown until this one replaces them.
  const name = path.slice(path.lastIndexOf('/') + 1);
  await expect.poll(() => page.getByTestId('replay-capture').textContent().catch(() => null), { timeout: 15_000 }).toContain(name);
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

/** The engine's own reconstruction: a full replay of `path` to `at`, the book of `key` whole (levels as `price@size`, best first). */
async function bookByFullReplay(path: string, key: string, at: number): Promise<{ bids: string[]; asks: string[] }> {
  const full = await replayCapture(path, { speed: 'max', settings: pipelineSettingsFrom(loadConfig(join(repoRoot, 'config'))), until: { time: at } });
  return wholeBooks(full.pipeline)[key] as { bids: string[]; asks: string[] };
}

/** Every alert of a full replay of `path`, by id. */
async function alertsByFullReplay(path: string): Promise<Map<string, Alert>> {
  const full = await replayCapture(path, { speed: 'max', settings: pipelineSettingsFrom(loadConfig(join(repoRoot, 'config'))) });
  return new Map(full.pipeline.allAlerts().map((a) => [a.id, a]));
}

/** Times of the frames touching `key`'s book, read from the capture's start through the venue's mapper. */
async function bookFrameTimes(path: string, key: string): Promise<number[]> {
  const venue = key.slice(0, key.indexOf(':'));
  const symbol = key.slice(key.indexOf(':') + 1);
  const mappers = new Map<string, VenueMapper>();
  const times: number[] = [];
  for await (const { frame } of readCapture(path)) {
    let mapper = mappers.get(frame.venue);
    if (!mapper) mappers.set(frame.venue, (mapper = venueById(frame.venue)!.createMapper()));
    const result = mapper.map(frame);
    if (result.kind === 'events' && result.events.some((e) => (e.type === 'book_snapshot' || e.type === 'book_delta') && e.venue === venue && e.symbol === symbol)) times.push(frame.t);
    else if (result.kind === 'rejected' && result.symbol === symbol && frame.venue === venue) times.push(frame.t);
  }
  return times;
}

/** The seek panel's ladder as shown: levels per side as `price@size`, best first. */
async function shownLadder(): Promise<{ bids: string[]; asks: string[] }> {
  return page.getByTestId('seek-ladder').evaluate((table) => {
    const side = (name: string) =>
      [...table.querySelectorAll(`tr[data-testid="seek-level"][data-side="${name}"]`)].map((tr) => {
        const cells = tr.querySelectorAll('td');
        return `${cells[0]!.textContent}@${cells[1]!.textContent}`;
      });
    // Asks are drawn best-last (above the middle row).
    return { bids: side('bid'), asks: side('ask').reverse() };
  });
}

const shownAt = async (): Promise<number> => Number(await page.getByTestId('seek-result').getAttribute('data-at'));

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
    // The chart is rebuilt when the instrument's rules or units arrive, so the line and the
    // threshold are read from one drawing: a dotted or dashed threshold line crosses most
    // of the plot on one row of pixels, beside the spread line of day 2.
    let pixels = { line: 0, thresholdRow: 0, width: 0 };
    await expect
      .poll(
        async () => {
          pixels = await chartPixels('chart-spread');
          return pixels.line > 50 && pixels.width > 100 && pixels.thresholdRow > pixels.width * 0.3;
        },
        { timeout: 15_000, message: 'the spread line of day 2 and its threshold line are drawn' },
      )
      .toBe(true);
    expect(pixels.thresholdRow, JSON.stringify(pixels)).toBeGreaterThan(pixels.width * 0.3);
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'replay-second-capture.png') });
  }, 60_000);

  it('seeks to 30 s before an alert fired and shows the book then, steps one frame on, and shows the firing', async () => {
    await open(first, 'max');
    await expect.poll(() => page.getByTestId('replay-state').textContent(), { timeout: 30_000 }).toBe('done');
    await expect.poll(() => page.getByTestId('replay-alert').count(), { timeout: 10_000 }).toBeGreaterThan(0);
    const row = page.getByTestId('replay-alert').first();
    const id = (await row.getAttribute('data-alert-id'))!;
    const alert = (await alertsByFullReplay(first)).get(id);
    expect(alert, `alert ${id} in the full replay`).toBeDefined();
    const firedAt = alert!.firedAt!;
    expect(firedAt).not.toBeNull();

    // 30 s before it fired: the panel names the instant and shows the book a full replay has then.
    await row.getByTestId('replay-alert-before').click();
    await expect.poll(() => page.getByTestId('seek-result').getAttribute('data-at').catch(() => null), { timeout: 30_000 }).toBe(String(firedAt - 30_000));
    expect(await page.getByTestId('seek-result').getAttribute('data-key')).toBe(alert!.key);
    const before = new Date(firedAt - 30_000).toISOString().replace('T', ' ').replace('Z', '');
    expect(await page.getByTestId('seek-instant').textContent()).toContain(`at ${before}Z`);
    expect(await page.getByTestId('seek-note').textContent()).toBe(`30 s before ${alert!.rule} fired`);
    const times = await bookFrameTimes(first, alert!.key);
    const asOf = times.filter((t) => t <= firedAt - 30_000).at(-1)!;
    expect(await page.getByTestId('seek-asof').getAttribute('data-asof')).toBe(String(asOf));
    expect(await page.getByTestId('seek-instant').textContent()).toContain(`book as of ${new Date(asOf).toISOString().replace('T', ' ')}`);
    const engine = await bookByFullReplay(first, alert!.key, firedAt - 30_000);
    const shown = await shownLadder();
    expect(shown.bids.length).toBe(10);
    expect(shown).toEqual({ bids: engine.bids.slice(0, 10), asks: engine.asks.slice(0, 10) });
    expect(await page.getByTestId('seek-book-status').textContent()).toMatch(/^book in sync/);
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'replay-seek-before-alert.png') });

    // One frame on: the next frame that touched this book, and the book after it.
    await page.getByTestId('seek-next').click();
    const next = times.find((t) => t > firedAt - 30_000)!;
    await expect.poll(shownAt, { timeout: 30_000 }).toBe(next);
    expect(await page.getByTestId('seek-instant').textContent()).toContain(`at ${new Date(next).toISOString().replace('T', ' ').replace('Z', '')}Z`);
    expect(await page.getByTestId('seek-asof').getAttribute('data-asof')).toBe(String(next));
    const afterStep = await bookByFullReplay(first, alert!.key, next);
    expect(await shownLadder()).toEqual({ bids: afterStep.bids.slice(0, 10), asks: afterStep.asks.slice(0, 10) });
    // And back.
    await page.getByTestId('seek-prev').click();
    await expect.poll(shownAt, { timeout: 30_000 }).toBe(asOf);

    // At firing: the rule that fired is shown firing.
    await row.getByTestId('replay-alert-at').click();
    await expect.poll(shownAt, { timeout: 30_000 }).toBe(firedAt);
    await expect.poll(() => page.locator(`[data-testid="seek-rule"][data-rule="${alert!.rule}"]`).getAttribute('data-kind'), { timeout: 5_000 }).toBe('active');
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'replay-seek-at-firing.png') });
  }, 120_000);

  it('keeps the header on one line and every alert of the run whole at 1280 px', async () => {
    await page.setViewportSize({ width: 1280, height: 800 });
    await expect.poll(() => page.getByTestId('replay-alert').count(), { timeout: 10_000 }).toBeGreaterThan(0);
    const header = await page.evaluate(() => {
      const bar = document.querySelector('.header')!;
      const items = [...bar.querySelectorAll<HTMLElement>('.nav-btn, [data-testid="mode"], [data-testid="notify-enable"], [data-testid="notify-state"], .operator, .link')];
      return {
        items: items.map((e) => ({ text: e.textContent ?? '', height: e.offsetHeight, right: e.getBoundingClientRect().right, cut: e.scrollWidth > e.clientWidth })),
        width: window.innerWidth,
        // The capture's name may end in an ellipsis: the badge's title holds the whole path.
        mode: { text: bar.querySelector<HTMLElement>('[data-testid="mode"]')?.innerText ?? '', title: bar.querySelector('[data-testid="mode"]')?.getAttribute('title') ?? '' },
      };
    });
    expect(header.items.length).toBeGreaterThanOrEqual(8);
    for (const item of header.items) {
      expect(item.height, `${item.text} on one line`).toBeLessThanOrEqual(26);
      expect(item.right, `${item.text} within the window`).toBeLessThanOrEqual(header.width);
    }
    expect(header.items.filter((i) => i.cut && !i.text.startsWith('REPLAY')).map((i) => i.text)).toEqual([]);
    expect(header.mode.text).toMatch(/^REPLAY .+ @ \d{2}:\d{2}:\d{2}Z$/);
    expect(header.mode.title).toContain(first);
    expect(header.mode.title).toMatch(/ at \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}Z$/);
    const cut = await page.$$eval('[data-testid="replay-alerts"] td', (tds) => tds.filter((td) => td.scrollWidth > td.clientWidth).map((td) => `${td.textContent ?? ''} (${td.scrollWidth}/${td.clientWidth})`));
    expect(cut).toEqual([]);
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'replay-1280.png') });
    await page.setViewportSize({ width: 1600, height: 1000 });
  }, 30_000);
});
