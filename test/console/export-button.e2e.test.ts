/// <reference lib="dom" />
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/engine/config/load-config';
import { runConsole, type RunningConsole } from '../../src/engine/console/run-console';
import { buildRenderer, CHROMIUM_ARGS, CHROMIUM_PATH } from '../e2e/browser';
import { repoRoot } from '../support/shared-data';
import { cleanupDirs, tempDir } from './helpers';

/**
 * The Export control of the browser console (the demo on the simulator, its
 * real history): the engine writes the selected instrument's history over
 * the range shown into the history folder's exports/, and the browser
 * downloads it from the web server's /exports/.
 */
const KEY = 'okx:BTC-USDT-SWAP';
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
  cleanupDirs();
});

describe('the Export control', () => {
  it("downloads the selected instrument's series over the range shown, the file the engine wrote", async () => {
    const context = await browser.newContext({ viewport: { width: 1700, height: 900 }, acceptDownloads: true });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(running.web.url);
    const row = page.locator(`[data-testid="overview-row"][data-key="${KEY}"]`);
    await row.waitFor({ timeout: 20_000 });
    await row.click();
    await page.keyboard.press('Enter');
    const button = page.getByTestId('export');
    await button.waitFor({ timeout: 10_000 });
    await expect.poll(async () => (await running.service.snapshot()).overview.find((r) => r.key === KEY)?.time ?? 0, { timeout: 10_000 }).toBeGreaterThan(0);
    // The analytics worker writes samples to the history in batches.
    await page.waitForTimeout(2500);
    expect(await page.getByTestId('export-what').inputValue()).toBe('series');
    expect(await page.getByTestId('export-format').inputValue()).toBe('csv');
    const clickedAt = Date.now();
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 20_000 }), button.click()]);
    const exports = join(dirname(running.dbPath!), 'exports');
    const written = readdirSync(exports);
    expect(written).toHaveLength(1);
    const name = written[0]!;
    // The range shown: the last 15 minutes (Live 15m) up to now.
    const match = /^okx_BTC-USDT-SWAP_series_(\d{8}T\d{6}Z)_(\d{8}T\d{6}Z)\.csv$/.exec(name);
    expect(match).not.toBeNull();
    const stamp = (s: string) => Date.parse(`${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}T${s.slice(9, 11)}:${s.slice(11, 13)}:${s.slice(13, 15)}Z`);
    const from = stamp(match![1]!);
    const to = stamp(match![2]!);
    expect(to - from).toBeGreaterThanOrEqual(15 * 60_000 - 1000);
    expect(to - from).toBeLessThanOrEqual(15 * 60_000 + 1000);
    expect(Math.abs(to - clickedAt)).toBeLessThan(10_000);
    expect(download.suggestedFilename()).toBe(name);
    expect(new URL(download.url()).pathname).toBe(`/exports/${name}`);
    const saved = join(tempDir('surveil-download-'), name);
    await download.saveAs(saved);
    const body = readFileSync(saved);
    expect(body.equals(readFileSync(join(exports, name)))).toBe(true);
    const lines = body.toString('utf8').split('\r\n').filter((l) => l !== '');
    expect(lines[0]!.startsWith('key,instrument_id,time,time_ms,stale,book_invalid,')).toBe(true);
    expect(lines.length).toBeGreaterThan(1);
    expect(lines[1]!.startsWith(`${KEY},`)).toBe(true);
    await expect.poll(() => page.getByTestId('export-rows').textContent()).toBe(`${lines.length - 1} rows (sample)`);
    expect(await page.getByTestId('export-link').getAttribute('href')).toBe(`/exports/${name}`);

    // Alerts as Parquet: another file, downloaded the same way.
    await page.getByTestId('export-what').selectOption('alerts');
    await page.getByTestId('export-format').selectOption('parquet');
    const [parquet] = await Promise.all([page.waitForEvent('download', { timeout: 20_000 }), button.click()]);
    expect(parquet.suggestedFilename()).toMatch(/^okx_BTC-USDT-SWAP_alerts_\d{8}T\d{6}Z_\d{8}T\d{6}Z\.parquet$/);
    const savedParquet = join(tempDir('surveil-download-'), parquet.suggestedFilename());
    await parquet.saveAs(savedParquet);
    expect(readFileSync(savedParquet).equals(readFileSync(join(exports, parquet.suggestedFilename())))).toBe(true);
    expect(readFileSync(savedParquet).subarray(0, 4).toString('latin1')).toBe('PAR1');
    expect(await page.getByTestId('export-error').count()).toBe(0);
    expect(errors).toEqual([]);
    await context.close();
  }, 90_000);
});
