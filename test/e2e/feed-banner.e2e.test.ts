/// <reference lib="dom" />
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/engine/config/load-config';
import { runConsole, type RunningConsole } from '../../src/engine/console/run-console';
import type { Config } from '../../src/shared/config';
import { closedPort } from '../support/loopback-exchange';
import { repoRoot } from '../support/shared-data';
import { buildRenderer, CHROMIUM_ARGS, CHROMIUM_PATH, SCREENSHOT_DIR } from './browser';

/**
 * `npm start` with no network, as the desk sees it in Chromium: the live
 * console with Binance spot on a closed loopback port and USD-M and OKX on
 * host names that do not resolve, shipped feed rules. Within 30 s the header
 * must name an unreachable venue and its error, and the engine dot must not be green.
 */
let running: RunningConsole;
let browser: Browser;
let page: Page;
let startedAt: number;

function unreachable(port: number): Config {
  const config = loadConfig(join(repoRoot, 'config'));
  const { binance, okx, bybit, binancecoinm } = config.exchanges;
  return {
    ...config,
    exchanges: {
      binance: {
        ...binance,
        spot: { websocketUrl: `ws://127.0.0.1:${port}`, restUrl: `http://127.0.0.1:${port}` },
        futures: { websocketPublicUrl: 'ws://fstream.surveil-test.invalid/public', websocketMarketUrl: 'ws://fstream.surveil-test.invalid/market', restUrl: 'http://fapi.surveil-test.invalid' },
      },
      okx: { ...okx, websocketPublicUrl: 'ws://ws.surveil-test.invalid:8443/ws/v5/public', restUrl: 'http://www.surveil-test.invalid' },
      // COIN-M and Bybit have instruments too: never the real hosts.
      bybit: {
        ...bybit,
        websocketUrls: { spot: 'ws://stream.surveil-test.invalid/v5/public/spot', linear: 'ws://stream.surveil-test.invalid/v5/public/linear', inverse: 'ws://stream.surveil-test.invalid/v5/public/inverse' },
        restUrl: 'http://bybit.surveil-test.invalid',
      },
      binancecoinm: { ...binancecoinm, websocketUrl: 'ws://dstream.surveil-test.invalid', restUrl: 'http://dapi.surveil-test.invalid' },
    },
  };
}

beforeAll(async () => {
  buildRenderer();
  const port = await closedPort();
  startedAt = Date.now();
  running = await runConsole({ config: unreachable(port), port: 0, host: '127.0.0.1', db: null });
  browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  page = await (await browser.newContext({ viewport: { width: 1600, height: 900 } })).newPage();
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await running?.stop();
});

describe('the console with every exchange unreachable (Chromium)', () => {
  it('names an unreachable venue and its error in the header banner within 30 s, and the engine dot is not green', async () => {
    await page.goto(running.web.url);
    const banner = page.locator('[data-testid="feed-banner"]');
    // The five venues' alerts fire on their own boundaries: wait for the banner to name one and count the other four.
    const full =
      /^(binance-spot|binance-usdm|okx|binance-coinm|bybit) unreachable: (connect ECONNREFUSED 127\.0\.0\.1:\d+|(ENOTFOUND|EAI_AGAIN) \S+\.invalid), retry #\d+ (in \d+ s|connecting)( \(\d of \d connections\))? \(\+4 more feed alerts\)$/;
    await expect.poll(() => banner.textContent(), { timeout: 30_000 - (Date.now() - startedAt) }).toMatch(full);
    expect(await banner.getAttribute('data-severity')).toBe('critical');
    const dot = page.locator('[data-testid="connection"]');
    expect(await dot.getAttribute('class')).toContain('link-degraded');
    expect(await dot.textContent()).toBe('● engine · 5 feed alerts');
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'feed-banner-unreachable.png') });
  }, 40_000);

  it('shows each connection with its failed attempts and next retry in the Feeds view', async () => {
    await page.keyboard.press('4');
    const retries = page.locator('[data-testid="connection-retry"]');
    await expect.poll(() => retries.count()).toBeGreaterThanOrEqual(3);
    for (const text of await retries.allTextContents()) expect(text).toMatch(/^\d+ failed attempts?, retry #\d+ (in \d+ s|connecting)$/);
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'feeds-unreachable.png') });
  });
});
