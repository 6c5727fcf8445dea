/// <reference lib="dom" />
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/engine/config/load-config';
import { runConsole, type RunningConsole } from '../../src/engine/console/run-console';
import { buildRenderer, CHROMIUM_ARGS, CHROMIUM_PATH } from '../e2e/browser';
import { repoRoot } from '../support/shared-data';

/**
 * The Market report button of the browser console (the demo on the
 * simulator, its real history): the engine writes today's report of the
 * selected instrument into the history folder's reports/, and a new tab
 * opens it from the web server.
 */
let running: RunningConsole;
let browser: Browser;

beforeAll(async () => {
  buildRenderer();
  running = await runConsole({ config: loadConfig(join(repoRoot, 'config')), demo: 'calm', port: 0, host: '127.0.0.1' });
  browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await running?.stop();
});

describe('the Market report button', () => {
  it("opens the selected instrument's report for the day in a new tab", async () => {
    const context = await browser.newContext({ viewport: { width: 1500, height: 900 } });
    const page = await context.newPage();
    await page.goto(running.web.url);
    const row = page.locator('[data-testid="overview-row"][data-key="okx:BTC-USDT-SWAP"]');
    await row.waitFor({ timeout: 20_000 });
    await row.click();
    await page.keyboard.press('Enter');
    const button = page.getByTestId('market-report');
    await button.waitFor({ timeout: 10_000 });
    // Yesterday by default (T+1); today has the demo's samples.
    expect(await page.getByTestId('report-day').inputValue()).toBe(new Date(Date.now() - 86_400_000).toISOString().slice(0, 10));
    const today = new Date().toISOString().slice(0, 10);
    await expect.poll(async () => (await running.service.snapshot()).overview.find((r) => r.key === 'okx:BTC-USDT-SWAP')?.time ?? 0, { timeout: 10_000 }).toBeGreaterThan(0);
    await page.waitForTimeout(2500);
    await page.getByTestId('report-day').fill(today);
    const [tab] = await Promise.all([context.waitForEvent('page', { timeout: 15_000 }), button.click()]);
    await tab.waitForLoadState('load');
    expect(new URL(tab.url()).pathname).toBe(`/reports/market-report_${today}_okx_BTC-USDT-SWAP.html`);
    expect(await tab.title()).toBe(`Market-quality report ${today} (UTC)`);
    expect(await tab.locator('[data-source="samples"]').count()).toBe(1);
    expect(await tab.locator('svg.chart').count()).toBeGreaterThanOrEqual(4);
    expect(await page.getByTestId('market-report-link').getAttribute('href')).toBe(new URL(tab.url()).pathname);
    const reports = join(dirname(running.dbPath!), 'reports');
    expect(existsSync(reports) && readdirSync(reports)).toEqual([`market-report_${today}_okx_BTC-USDT-SWAP.html`]);
    await context.close();
  }, 60_000);
});
