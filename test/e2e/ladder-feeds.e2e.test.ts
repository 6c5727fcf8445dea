/// <reference lib="dom" />
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/engine/config/load-config';
import { DEMO_INJECT_AT_MS } from '../../src/engine/console/demo-schedule';
import { runConsole, type RunningConsole } from '../../src/engine/console/run-console';
import { repoRoot } from '../support/shared-data';
import { buildRenderer, CHROMIUM_ARGS, CHROMIUM_PATH, SCREENSHOT_DIR } from './browser';

/**
 * The book ladder and the Feeds view of the demo console in Chromium
 * (`npm run demo stale_feed`: every OKX instrument goes silent 40 s in, for
 * 20 s): prices to the tick with aligned decimals, size bars, the ladder's
 * sample spread the summary's, sizes to the lot size; every Feeds cell under its header, the
 * silent OKX connection in red with its age, and the engine's threads under the feeds.
 */
let running: RunningConsole;
let browser: Browser;
let page: Page;
let startedAt: number;

beforeAll(async () => {
  buildRenderer();
  startedAt = Date.now();
  running = await runConsole({ config: loadConfig(join(repoRoot, 'config')), demo: 'stale_feed', port: 0, host: '127.0.0.1', feedLog: () => undefined });
  browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  page = await (await browser.newContext({ viewport: { width: 1600, height: 1000 } })).newPage();
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await running?.stop();
});

/** x of the decimal point of each cell of a ladder column (by class), and the cells' texts. */
function decimalPoints(column: 'price' | 'size-text' | 'cum'): Promise<{ texts: string[]; points: number[] }> {
  return page.evaluate((cls) => {
    const selector = cls === 'cum' ? '[data-testid="ladder-level"] td:nth-child(3)' : `[data-testid="ladder-level"] .${cls}`;
    const cells = [...document.querySelectorAll<HTMLElement>(selector)];
    const texts = cells.map((c) => c.textContent ?? '');
    const points = cells.map((c) => {
      const node = [...c.childNodes].find((n) => n.nodeType === Node.TEXT_NODE && (n.textContent ?? '').includes('.')) ?? c.firstChild;
      const text = node?.textContent ?? '';
      const at = text.indexOf('.');
      if (!node || at < 0) return Number.NaN;
      const range = document.createRange();
      range.setStart(node, at);
      range.setEnd(node, at + 1);
      return range.getBoundingClientRect().left;
    });
    return { texts, points };
  }, column);
}

describe('book ladder and feeds in the demo console (Chromium)', () => {
  it('shows ladder prices to the tick with trailing zeros, decimals aligned per column, size bars, and the summary spread', async () => {
    await page.goto(running.web.url);
    const row = page.locator('[data-testid="overview-row"][data-key="okx:BTC-USDT-SWAP"]');
    await expect.poll(() => row.count(), { timeout: 20_000 }).toBe(1);
    await row.click();
    await page.keyboard.press('Enter');
    const ladder = page.getByTestId('book-ladder');
    await expect.poll(() => page.getByTestId('ladder-level').count(), { timeout: 15_000 }).toBe(20);
    await expect.poll(() => ladder.getAttribute('data-price-from'), { timeout: 10_000 }).toBe('tick');
    const decimals = Number(await ladder.getAttribute('data-price-decimals'));
    expect(decimals).toBeGreaterThan(0);
    // Some price of the ladder ends in 0 (a tenth of them do): it keeps its zero.
    await expect
      .poll(async () => (await decimalPoints('price')).texts.some((t) => t.endsWith('0')), { timeout: 15_000 })
      .toBe(true);
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'book-ladder.png') });

    const prices = await decimalPoints('price');
    for (const t of prices.texts) expect(t).toMatch(new RegExp(`^\\d+\\.\\d{${decimals}}$`));
    // Sizes to the lot size the simulator's public/instruments publishes for the swap (lotSz "0.01" contracts),
    // not to the decimals of the strings it sends (it trims trailing zeros, as OKX does).
    expect(await ladder.getAttribute('data-size-from')).toBe('lot');
    expect(await ladder.getAttribute('data-size-decimals')).toBe('2');
    for (const t of (await decimalPoints('size-text')).texts) expect(t).toMatch(/^\d+\.\d{2}$/);
    for (const column of ['price', 'size-text', 'cum'] as const) {
      const { texts, points } = column === 'price' ? prices : await decimalPoints(column);
      expect(texts.length).toBe(20);
      const lengths = new Set(texts.map((t) => t.length - t.indexOf('.')));
      expect(lengths.size, `${column}: ${texts.join(' ')}`).toBe(1);
      // Right-aligned, same decimals: every decimal point at the same x.
      expect(Math.max(...points) - Math.min(...points), `${column} decimal points at ${points.join(', ')}`).toBeLessThan(0.5);
    }
    // OKX swap: 0.01 BTC per contract, the cumulative column is USDT notional.
    expect(await page.getByTestId('ladder-cum-label').textContent()).toMatch(/^cum (k |M )?USDT$/);

    const bars = await page.getByTestId('size-bar').evaluateAll((els) => els.map((e) => parseFloat((e as HTMLElement).style.width)));
    expect(bars.length).toBe(20);
    expect(Math.max(...bars)).toBe(100);
    expect(bars.every((w) => w > 0 && w <= 100)).toBe(true);
    const barPixels = await page.getByTestId('size-bar').evaluateAll((els) => els.map((e) => e.getBoundingClientRect().width));
    expect(Math.max(...barPixels)).toBeGreaterThan(20);

    // The ladder's sample line and the summary read the same sample: same time, same spread text.
    await expect
      .poll(
        async () => {
          const [sampleText, sampleTime, summaryText, summaryTime] = await Promise.all([
            page.getByTestId('ladder-sample').textContent(),
            page.getByTestId('ladder-sample').getAttribute('data-time'),
            page.getByTestId('summary-spread').textContent(),
            page.getByTestId('summary-spread').getAttribute('data-time'),
          ]);
          const ladderSpread = /spread (\S+ bp)/.exec(sampleText ?? '')?.[1];
          const summarySpread = /spread (\S+ bp)/.exec(summaryText ?? '')?.[1];
          return sampleTime === summaryTime && ladderSpread !== undefined && ladderSpread === summarySpread;
        },
        { timeout: 10_000 },
      )
      .toBe(true);
    // The book's own line says its instant to the millisecond.
    expect(await page.getByTestId('ladder-top').textContent()).toMatch(/^book \d\d:\d\d:\d\d\.\d{3}Z · spread [\d.]+ = [\d.]+ bp · mid [\d.]+$/);
  }, 60_000);

  it('shows every figure of the summary line at 1280x800, open alerts included, none clipped', async () => {
    await page.setViewportSize({ width: 1280, height: 800 });
    try {
      await expect.poll(() => page.getByTestId('instrument-summary').isVisible(), { timeout: 5_000 }).toBe(true);
      const { box, figures } = await page.getByTestId('instrument-summary').evaluate((summary) => {
        const r = summary.getBoundingClientRect();
        return {
          box: { right: r.right, bottom: r.bottom },
          figures: [...summary.querySelectorAll<HTMLElement>('.figure')].map((f) => {
            const b = f.getBoundingClientRect();
            return { text: f.textContent ?? '', right: b.right, bottom: b.bottom };
          }),
        };
      });
      // A perpetual: spread, depth both sides, three bases, funding three ways, cross-venue and open alerts.
      expect(figures.map((f) => f.text.split(' ')[0])).toContain('open');
      for (const f of figures) {
        expect(f.right, `"${f.text}" within the line`).toBeLessThanOrEqual(Math.min(box.right, 1280) + 0.5);
        expect(f.bottom, `"${f.text}" not cut below`).toBeLessThanOrEqual(box.bottom + 0.5);
      }
      await page.screenshot({ path: join(SCREENSHOT_DIR, 'instrument-summary-1280x800.png') });
    } finally {
      await page.setViewportSize({ width: 1600, height: 1000 });
    }
  }, 30_000);

  it('keeps every Feeds cell under its header, connection rows included', async () => {
    await page.keyboard.press('4');
    await expect.poll(() => page.getByTestId('connection-row').count(), { timeout: 10_000 }).toBeGreaterThanOrEqual(6);
    const layout = await page.evaluate(() => {
      const table = document.querySelector('.feeds-table')!;
      const headers = [...table.querySelectorAll('thead th')].map((h) => ({ id: h.getAttribute('data-col'), ...h.getBoundingClientRect().toJSON() }));
      const rows = [...table.querySelectorAll('tbody tr')].map((r) => ({
        id: r.getAttribute('data-connection') ?? r.getAttribute('data-venue'),
        cells: [...r.querySelectorAll('td')].map((c) => ({ text: c.textContent ?? '', colSpan: (c as HTMLTableCellElement).colSpan, ...c.getBoundingClientRect().toJSON() })),
      }));
      return { headers, rows };
    });
    const reconnects = layout.headers.findIndex((h) => h.id === 'reconnects');
    const symbols = layout.headers.findIndex((h) => h.id === 'symbols');
    for (const row of layout.rows) {
      expect(row.cells.length, `${row.id} cells`).toBe(layout.headers.length);
      row.cells.forEach((cell, i) => {
        expect(cell.colSpan).toBe(1);
        expect(Math.abs(cell.left - layout.headers[i]!.left), `${row.id} cell ${i} "${cell.text}" under ${layout.headers[i]!.id}`).toBeLessThan(1);
        expect(Math.abs(cell.right - layout.headers[i]!.right), `${row.id} cell ${i} "${cell.text}" under ${layout.headers[i]!.id}`).toBeLessThan(1);
      });
      // Counts are bare numbers under their headers (no "0 reconnects" or "2 sym" drifting elsewhere).
      expect(row.cells[reconnects]!.text).toMatch(/^\d+$/);
      expect(row.cells[symbols]!.text).toMatch(/^[\d,]+$/);
    }
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'feeds-aligned.png') });
  }, 30_000);

  it('shows every Feeds header and figure whole at 1600 and 1280 px, the columns to Restarts on screen', async () => {
    for (const width of [1600, 1280]) {
      await page.setViewportSize({ width, height: width === 1280 ? 800 : 1000 });
      const measured = await page.evaluate(() => {
        const table = document.querySelector('.feeds-table')!;
        const box = table.closest('.table-scroll')!.getBoundingClientRect();
        const edge = Math.min(box.right, window.innerWidth);
        const cells = [...table.querySelectorAll('th, td')];
        return {
          cut: cells.filter((c) => c.scrollWidth > c.clientWidth).map((c) => `${c.textContent ?? ''} (${c.scrollWidth}/${c.clientWidth})`),
          // An error message may end in an ellipsis, with the whole text on hover.
          untitled: [...table.querySelectorAll('.clip-text')].filter((s) => s.scrollWidth > s.clientWidth && !(s.getAttribute('title') ?? '').includes(s.textContent ?? '')).map((s) => s.textContent ?? ''),
          offScreen: [...table.querySelectorAll('thead th')]
            .filter((th) => th.getAttribute('data-col') !== 'warm' && th.getAttribute('data-col') !== 'detail')
            .filter((th) => th.getBoundingClientRect().right > edge)
            .map((th) => th.textContent ?? ''),
        };
      });
      expect(measured.cut, `cut at ${width} px`).toEqual([]);
      expect(measured.untitled, `untitled ellipsis at ${width} px`).toEqual([]);
      expect(measured.offScreen, `off screen at ${width} px`).toEqual([]);
    }
    // At 1280 px the last column is a sideways scroll away, and the Feed column stays beside it.
    const scrolled = await page.evaluate(() => {
      const scroller = document.querySelector<HTMLElement>('.view-feeds .table-scroll')!;
      scroller.scrollLeft = scroller.scrollWidth;
      const box = scroller.getBoundingClientRect();
      const edge = Math.min(box.right, window.innerWidth);
      const th = (id: string) => scroller.querySelector(`thead th[data-col="${id}"]`)!.getBoundingClientRect();
      const firstCells = [...scroller.querySelectorAll('tbody tr td:first-child')].map((td) => td.getBoundingClientRect().left - box.left);
      const out = { detailRight: th('detail').right, edge, feedLeft: th('feed').left - box.left, firstCells, scrolledBy: scroller.scrollLeft };
      scroller.scrollLeft = 0;
      return out;
    });
    expect(scrolled.detailRight).toBeLessThanOrEqual(scrolled.edge);
    expect(Math.abs(scrolled.feedLeft)).toBeLessThan(1);
    for (const left of scrolled.firstCells) expect(Math.abs(left)).toBeLessThan(1);
    await page.setViewportSize({ width: 1600, height: 1000 });
  }, 30_000);

  it('shows the silent OKX connection in red with its age', async () => {
    const link = page.locator('[data-testid="connection-row"][data-connection="okx-0"] [data-testid="connection-link"]');
    // Silent from 40 s after start; stale after features.yaml's 5 s.
    const deadline = DEMO_INJECT_AT_MS + 40_000 - (Date.now() - startedAt);
    await expect.poll(() => link.textContent(), { timeout: Math.max(10_000, deadline) }).toMatch(/^stale \d+ s$/);
    const color = await link.evaluate((e) => getComputedStyle(e).color);
    expect(color).toBe('rgb(248, 81, 73)');
    const age = Number(await link.getAttribute('data-stale-ms'));
    expect(age).toBeGreaterThan(0);
    // The age counts up while the venue stays silent.
    await expect.poll(async () => Number(await link.getAttribute('data-stale-ms')), { timeout: 5_000 }).toBeGreaterThanOrEqual(age + 1000);
    const shown = Number(/^stale (\d+) s$/.exec((await link.textContent()) ?? '')?.[1]);
    expect(Math.abs(shown * 1000 - Number(await link.getAttribute('data-stale-ms')))).toBeLessThan(2000);
    // The REST link answers when asked: it is not stale.
    expect(await page.locator('[data-testid="connection-row"][data-connection="okx-rest"] [data-testid="connection-link"]').textContent()).not.toMatch(/stale/);
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'feeds-stale.png') });
  }, 90_000);
  it("shows the engine's threads under the feeds: each running with its heap, and a crashed thread's restart on its own row", async () => {
    const row = (thread: string) => page.locator(`[data-testid="engine-thread"][data-thread="${thread}"]`);
    await expect.poll(() => page.getByTestId('engine-thread').count(), { timeout: 10_000 }).toBeGreaterThanOrEqual(4);
    const threads = await page.getByTestId('engine-thread').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-thread')));
    expect(threads.slice(0, 3)).toEqual(['main', 'analytics', 'history']);
    expect(threads.slice(3)).toEqual(running.service.engine.venues.map((v) => `feed:${v}`).sort());
    for (const thread of threads) {
      await expect.poll(() => row(thread!).getAttribute('data-state'), { timeout: 5_000 }).toBe('running');
      expect(await row(thread!).locator('td').nth(2).textContent(), `${thread} heap`).toMatch(/^\d+\.\d (KB|MB|GB)$/);
      await expect.poll(() => row(thread!).getByTestId('engine-thread-loop').textContent(), { timeout: 5_000 }).toMatch(/^\d+ ms$|^\d+\.\d s$/);
    }
    await expect.poll(() => row('analytics').getByTestId('engine-thread-backlog').textContent(), { timeout: 5_000 }).toMatch(/^lag \d+ ms · \d+ waiting/);
    // On screen below the feeds at 1600x1000, not pushed out of sight by them.
    const box = await page.getByTestId('engine').boundingBox();
    expect(box!.y + box!.height).toBeLessThanOrEqual(1000);

    const venue = running.service.engine.venues.find((v) => v !== 'okx')!;
    running.service.engine.crash(venue);
    await expect.poll(() => row(`feed:${venue}`).getAttribute('data-restarts'), { timeout: 15_000 }).toBe('1');
    await expect.poll(() => row(`feed:${venue}`).getAttribute('data-state'), { timeout: 15_000 }).toBe('running');
    expect(await row(`feed:${venue}`).locator('td').nth(5).textContent()).toMatch(/^\d\d:\d\d:\d\dZ (error|exit code)/);
    running.service.engine.testHistory({ type: 'crash' });
    await expect.poll(() => row('history').getAttribute('data-restarts'), { timeout: 15_000 }).toBe('1');
    await expect.poll(() => row('history').getAttribute('data-state'), { timeout: 15_000 }).toBe('running');
    expect(await row('history').locator('td').nth(5).textContent()).toMatch(/^\d\d:\d\d:\d\dZ error: history thread crash requested$/);
    // What the crash cost is in its detail, in red: the rows it had not committed, what came while it was down, or a slow start with rows waiting.
    expect(await row('history').locator('td').nth(7).textContent()).toMatch(/^\d\d:\d\d:\d\dZ (history thread stopped|the history thread was restarting|the history thread has not answered)/);
    // The other threads count none.
    for (const thread of ['main', 'analytics']) expect(await row(thread).getAttribute('data-restarts')).toBe('0');
    await page.getByTestId('engine').screenshot({ path: join(SCREENSHOT_DIR, 'feeds-engine-threads.png') });
  }, 60_000);
});
