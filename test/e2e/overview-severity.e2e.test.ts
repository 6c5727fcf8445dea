/// <reference lib="dom" />
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/engine/config/load-config';
import { SHOWCASE } from '../../src/engine/console/demo-schedule';
import { runConsole, type RunningConsole } from '../../src/engine/console/run-console';
import { repoRoot } from '../support/shared-data';
import { buildRenderer, CHROMIUM_ARGS, CHROMIUM_PATH, SCREENSHOT_DIR } from './browser';

/**
 * The overview of the demo console (`npm run demo`, the showcase schedule)
 * in Chromium at 1280x800: the basis dislocation on binance-usdm BTCUSDT
 * (36 s in, its critical rule needs 60 s) shows PENDING; the spread blowout
 * on binance-usdm ETHUSDT (38 s in) colours its spread cell by severity;
 * problem rows come first; the pointer on the rows holds the order and says
 * how many rows wait; every header fits; no CSP error in the console.
 */
let running: RunningConsole;
let browser: Browser;
let page: Page;
const consoleErrors: string[] = [];

const PROBLEMS = new Set(['critical', 'warning', 'pending', 'invalid', 'stale', 'warming_up']);

beforeAll(async () => {
  buildRenderer();
  running = await runConsole({ config: loadConfig(join(repoRoot, 'config')), demo: SHOWCASE, port: 0, host: '127.0.0.1', feedLog: () => undefined });
  browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(String(e)));
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await running?.stop();
});

const row = (key: string) => page.locator(`[data-testid="overview-row"][data-key="${key}"]`);

/** Statuses of the rows in the DOM, top to bottom. */
const statuses = (): Promise<string[]> =>
  page.$$eval('[data-testid="overview-row"]', (rows) => rows.map((r) => r.getAttribute('data-status') ?? ''));

describe('overview severity, pending, problem order and compact columns (Chromium, showcase demo)', () => {
  it('loads without a CSP error, shows every header at 1280 px and a narrow Instrument column', async () => {
    await page.goto(running.web.url);
    await expect.poll(() => page.getByTestId('overview-row').count(), { timeout: 20_000 }).toBeGreaterThan(5);
    const headers = await page.$$eval('[data-testid="overview"] thead th', (ths) => {
      const scroller = document.querySelector('[data-testid="overview-scroll"]')!.getBoundingClientRect();
      return ths.map((th) => {
        const r = th.getBoundingClientRect();
        return { text: th.textContent ?? '', left: r.left, right: r.right, width: r.width, clipped: th.scrollWidth > th.clientWidth, need: `${th.scrollWidth}/${th.clientWidth}`, edge: Math.min(scroller.right, window.innerWidth) };
      });
    });
    expect(headers.length).toBe(16);
    for (const h of headers) {
      expect(h.right, `${h.text} within the window`).toBeLessThanOrEqual(h.edge);
      expect(h.clipped, `${h.text} not clipped (${h.need})`).toBe(false);
    }
    const instrument = headers.find((h) => h.text.startsWith('Instrument'))!;
    expect(instrument.width).toBeLessThanOrEqual(160);
    expect(headers.find((h) => h.text.startsWith('Alerts'))).toBeDefined();
    // The narrow columns still show their content whole.
    const clippedCells = await page.$$eval('[data-testid="overview-row"] td', (tds) =>
      tds.filter((td) => td.scrollWidth > td.clientWidth).map((td) => `${td.getAttribute('data-col') ?? 'status'}: ${td.textContent ?? ''}`),
    );
    expect(clippedCells).toEqual([]);
    expect(headers.some((h) => h.text.startsWith('X-venue'))).toBe(true);
    expect(headers.some((h) => h.text.startsWith('Fund/8h'))).toBe(true);
    expect(consoleErrors.filter((e) => /content security policy|frame-ancestors/i.test(e))).toEqual([]);
  }, 60_000);

  it('shows PENDING (with its severity) for the pending basis alert', async () => {
    const state = row('binance-usdm:BTCUSDT').getByTestId('status');
    const basis = row('binance-usdm:BTCUSDT').locator('td[data-col="basisSpot"]');
    // The basis crosses the warning bar (120 s persistence) first: a pending warning. The dislocation moves the
    // cross-venue price too (30 s persistence), whose rule may go pending first under load: the State and the
    // basis cell are read together, so that the PENDING checked below is the basis alert's.
    await expect
      .poll(async () => `${await state.textContent()} / basis ${await basis.getAttribute('data-mark')}`, { timeout: 100_000, interval: 500 })
      .toMatch(/^PENDING (crit|warn) \/ basis pending-/);
    const severity = await state.getAttribute('data-severity');
    expect(['critical', 'warning']).toContain(severity);
    expect(await state.textContent()).toBe(`PENDING ${severity === 'critical' ? 'crit' : 'warn'}`);
    expect(await row('binance-usdm:BTCUSDT').getAttribute('data-status')).toBe('pending');
    // Every pending state shows its severity whole: "PENDING warn" is the widest label of the State column.
    const clipped = await page.$$eval('[data-testid="status"][data-severity]', (tds) =>
      tds.filter((td) => td.scrollWidth > td.clientWidth).map((td) => `${td.textContent ?? ''} (${td.scrollWidth}/${td.clientWidth})`),
    );
    expect(clipped).toEqual([]);
    expect(await basis.getAttribute('data-mark')).toMatch(/^pending-/);
    expect(await basis.evaluate((td) => getComputedStyle(td).fontStyle)).toBe('italic');
  }, 110_000);

  it('colours the breaching spread cell by severity while the rest stays plain', async () => {
    const spread = row('binance-usdm:ETHUSDT').locator('td[data-col="spread"]');
    await expect.poll(() => spread.getAttribute('data-mark'), { timeout: 40_000, interval: 500 }).toMatch(/^firing-(critical|warning)$/);
    const mark = (await spread.getAttribute('data-mark'))!;
    const colours = await row('binance-usdm:ETHUSDT').evaluate((tr) => {
      const cell = (col: string) => getComputedStyle(tr.querySelector(`td[data-col="${col}"]`)!).backgroundColor;
      return { spread: cell('spread'), tier: cell('tier') };
    });
    expect(colours.spread).toBe(mark === 'firing-critical' ? 'rgb(90, 26, 29)' : 'rgb(74, 54, 8)');
    expect(colours.tier).not.toBe(colours.spread);
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'overview-severity-1280x800.png') });
  }, 50_000);

  it('puts problem rows first, re-applied live when the pointer is off the rows', async () => {
    await page.mouse.move(5, 5);
    await expect
      .poll(
        async () => {
          const s = await statuses();
          const firstNormal = s.indexOf('normal');
          return s.length > 0 && PROBLEMS.has(s[0]!) && (firstNormal < 0 || s.slice(firstNormal).every((x) => !PROBLEMS.has(x)));
        },
        { timeout: 15_000, interval: 500 },
      )
      .toBe(true);
    const s = await statuses();
    // worst first within the problems
    const rank = (x: string) => ['critical', 'warning', 'pending', 'invalid', 'stale', 'warming_up', 'normal'].indexOf(x);
    const ranks = s.map(rank);
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
  }, 30_000);

  it('holds the order while the pointer is on the rows, says how many rows changed, and re-applies on a click', async () => {
    // Sorting by spread: values move every second, so a held order goes stale.
    await page.getByTestId('sort-spread').click();
    const box = (await page.getByTestId('overview-scroll').boundingBox())!;
    await page.mouse.move(box.x + 300, box.y + 120);
    const hint = page.getByTestId('order-hint');
    await expect.poll(() => hint.getAttribute('data-stale'), { timeout: 20_000, interval: 300 }).toBe('true');
    expect(await hint.getAttribute('data-held')).toBe('true');
    expect(await hint.textContent()).toMatch(/^order paused — \d+ rows? changed/);
    const heldAt = await hint.getAttribute('data-ordered-at');
    await page.waitForTimeout(2500);
    expect(await hint.getAttribute('data-ordered-at')).toBe(heldAt);
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'overview-order-paused-1280x800.png') });
    await hint.click();
    await expect.poll(() => hint.getAttribute('data-ordered-at'), { timeout: 3000 }).not.toBe(heldAt);
    // Off the rows, the live order comes back by itself.
    await page.mouse.move(5, 5);
    await expect.poll(() => hint.getAttribute('data-held'), { timeout: 10_000 }).toBe('false');
    await expect.poll(() => hint.textContent(), { timeout: 10_000 }).toBe('order live');
    await page.getByTestId('sort-status').click();
  }, 60_000);

  it('switches to compact rows and keeps the choice across a reload', async () => {
    const height = () => row('binance-usdm:BTCUSDT').evaluate((tr) => (tr as HTMLElement).offsetHeight);
    const comfortable = await height();
    await page.getByTestId('overview-density').selectOption('compact');
    await expect.poll(height, { timeout: 3000 }).toBeLessThan(comfortable);
    await page.reload();
    await expect.poll(() => page.getByTestId('overview').getAttribute('data-density'), { timeout: 15_000 }).toBe('compact');
    await page.getByTestId('overview-density').selectOption('comfortable');
    expect(consoleErrors.filter((e) => /content security policy|frame-ancestors/i.test(e))).toEqual([]);
  }, 30_000);
});
