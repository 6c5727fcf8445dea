/// <reference lib="dom" />
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/engine/config/load-config';
import { runConsole, type RunningConsole } from '../../src/engine/console/run-console';
import type { Config } from '../../src/shared/config';
import { ApiClient } from '../console/helpers';
import { repoRoot } from '../support/shared-data';
import { buildRenderer, CHROMIUM_ARGS, CHROMIUM_PATH, SCREENSHOT_DIR } from './browser';

/**
 * The alert desk in Chromium, on the demo console (simulator, engine
 * workers, SQLite history) with BTC-USDT-PERP's critical depth bar set out of
 * reach, so that binance-usdm and okx each fire a real critical alert within
 * seconds. binance-usdm is silenced before it fires. The operator, with no
 * name set yet, acknowledges the okx alert in the dialog: the header shows
 * the name at once; the History row turns acknowledged without Refresh; a
 * note and an assignment join the case; the silenced alert is marked and
 * raises no desktop notification while okx's does, until the silence is
 * expired from the Silences tab: still firing, it notifies then, saying so.
 *
 * A notification goes to the clients connected when the alert fires, so the
 * page must be subscribed first: the rule holds PENDING_SECONDS before it
 * fires (the browser is up before the console starts), and the test sees
 * the okx alert pending on the page before it sees it firing.
 */
const PENDING_SECONDS = 15;
let running: RunningConsole;
let browser: Browser;
let page: Page;
let silenceId: string;

function configWithEasyAlert(): Config {
  const config = loadConfig(join(repoRoot, 'config'));
  const btc = config.alerts.thresholds['BTC-USDT-PERP']!;
  const thresholds = { ...config.alerts.thresholds, 'BTC-USDT-PERP': { ...btc, depth_critical: { ...btc.depth_critical!, threshold: 1e15, persistSeconds: PENDING_SECONDS } } };
  // The two alerts of the story: the perpetual on binance-usdm and okx only (its Bybit listing would fire a third).
  const { bybit: _bybit, ...venues } = config.instruments['BTC-USDT-PERP']!.venues;
  const instruments = { ...config.instruments, 'BTC-USDT-PERP': { ...config.instruments['BTC-USDT-PERP']!, venues } };
  return { ...config, instruments, alerts: { ...config.alerts, thresholds } };
}

beforeAll(async () => {
  buildRenderer();
  // Launched before the console: under load, starting Chromium takes seconds the alert's pending time must not pay for.
  browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  running = await runConsole({ config: configWithEasyAlert(), demo: 'calm', port: 0, host: '127.0.0.1', feedLog: () => undefined });
  // Made at once through the API, before the first samples: the alert it silences has not fired yet.
  const api = await ApiClient.connect(`ws://127.0.0.1:${running.web.port}/api`);
  const silence = await api.call('createSilence', { matcher: { kind: 'venue', value: 'binance-usdm' }, createdBy: 'alice', comment: 'binance futures maintenance', endsAt: Date.now() + 3600_000 });
  silenceId = silence.id;
  api.close();
  const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
  await context.grantPermissions(['notifications'], { origin: running.web.url.replace(/\/$/, '') });
  await context.addInitScript(() => {
    const shown: string[] = [];
    (window as unknown as { __notifications: string[] }).__notifications = shown;
    const Real = window.Notification;
    class Recording extends Real {
      constructor(title: string, options?: NotificationOptions) {
        super(title, options);
        shown.push(`${title} | ${options?.body ?? ''}`);
      }
    }
    Object.defineProperty(window, 'Notification', { value: Recording });
  });
  page = await context.newPage();
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await running?.stop();
});

const activeRow = (key: string) => page.locator(`[data-testid="alert-row"][data-alert-id^="${key}/"]`);
const notifications = () => page.evaluate(() => (window as unknown as { __notifications: string[] }).__notifications);

describe('the alert desk in Chromium (demo console)', () => {
  it('shows both real alerts, the binance one marked silenced with its silence and maker, and notifies only okx', async () => {
    await page.goto(running.web.url);
    const enable = page.getByTestId('notify-enable');
    await expect.poll(() => page.getByTestId('nav-alerts').isVisible(), { timeout: 15_000 }).toBe(true);
    if (await enable.isVisible()) await enable.click();
    await page.getByTestId('nav-alerts').click();
    // The History is on screen before the alerts exist: what it shows later came live.
    await expect.poll(() => page.getByTestId('alerts-history').isVisible()).toBe(true);
    await expect.poll(() => activeRow('okx:BTC-USDT-SWAP').count(), { timeout: 60_000 }).toBe(1);
    // Seen pending: the page was subscribed before the alert fired, so its notification is owed to this page.
    expect(await activeRow('okx:BTC-USDT-SWAP').getAttribute('data-state'), 'the okx alert is still pending when the page first shows it').toBe('pending');
    await expect.poll(() => activeRow('binance-usdm:BTCUSDT').count(), { timeout: 30_000 }).toBe(1);
    await expect.poll(() => activeRow('okx:BTC-USDT-SWAP').getAttribute('data-state'), { timeout: 30_000 }).toBe('firing');
    await expect.poll(() => activeRow('binance-usdm:BTCUSDT').getAttribute('data-state'), { timeout: 30_000 }).toBe('firing');

    const silenced = activeRow('binance-usdm:BTCUSDT');
    expect(await silenced.getAttribute('data-silenced')).toBe(silenceId);
    expect(await silenced.getByTestId('alert-silenced').textContent()).toBe(`silenced ${silenceId} · alice`);
    expect(await activeRow('okx:BTC-USDT-SWAP').getByTestId('alert-silenced').count()).toBe(0);
    // At 1600 px the State cell shows the whole mark, not an ellipsis.
    const cell = await silenced.getByTestId('alert-silenced').evaluate((badge) => {
      const td = badge.closest('td')!;
      return { scroll: td.scrollWidth, client: td.clientWidth };
    });
    expect(cell.scroll, 'silenced mark unclipped').toBeLessThanOrEqual(cell.client);
    const silencedId = (await silenced.getAttribute('data-alert-id'))!;
    await expect
      .poll(() => page.locator(`[data-testid="alert-history-row"][data-alert-id="${silencedId}"]`).getByTestId('alert-silenced').textContent(), { timeout: 10_000 })
      .toBe(`silenced ${silenceId} · alice`);
    // Value and z three ways: now, at open, peak.
    for (const id of ['alert-now', 'alert-open', 'alert-peak']) expect(await silenced.getByTestId(id).textContent(), id).toMatch(/\d/);

    await expect.poll(async () => (await notifications()).join('\n'), { timeout: 20_000 }).toMatch(/okx/i);
    expect((await notifications()).filter((n) => /binance/i.test(n))).toEqual([]);
    // A silenced alert is no unacknowledged problem: one of the two is.
    expect(await page.getByTestId('alerts-unhandled').textContent()).toMatch(/^1 unacknowledged/);
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'alert-desk-1600.png') });
  }, 150_000);

  it('the History row turns firing live, and an ack with a name typed in the dialog reaches the header and the History without a reload', async () => {
    const okx = activeRow('okx:BTC-USDT-SWAP');
    const alertId = (await okx.getAttribute('data-alert-id'))!;
    const historyRow = page.locator(`[data-testid="alert-history-row"][data-alert-id="${alertId}"]`);
    await expect.poll(() => historyRow.getByTestId('history-state').textContent(), { timeout: 10_000 }).toBe('firing');
    expect(await page.getByTestId('operator-name').inputValue()).toBe('');

    await okx.getByTestId('ack').click();
    await page.getByTestId('ack-by').fill('desk-e2e');
    await page.getByTestId('ack-note').fill('okx book thin, watching');
    await page.getByTestId('ack-confirm').click();
    await expect.poll(() => page.getByTestId('operator-name').inputValue(), { timeout: 5_000 }).toBe('desk-e2e');
    await expect.poll(() => okx.textContent(), { timeout: 10_000 }).toContain('✓ desk-e2e');
    await expect.poll(() => historyRow.getByTestId('history-ack').textContent(), { timeout: 10_000 }).toBe('desk-e2e');
    expect(await page.getByTestId('alerts-unhandled').textContent()).toMatch(/^0 unacknowledged/);
  }, 60_000);

  it('adds a note and an assignment to the case: the thread, the History row and the Active row show them', async () => {
    const okx = activeRow('okx:BTC-USDT-SWAP');
    const alertId = (await okx.getAttribute('data-alert-id'))!;
    const historyRow = page.locator(`[data-testid="alert-history-row"][data-alert-id="${alertId}"]`);
    await historyRow.click();
    const trail = page.getByTestId('alert-trail');
    await expect.poll(() => trail.locator('[data-testid="trail-event"][data-kind="acknowledged"]').count(), { timeout: 10_000 }).toBe(1);
    await trail.getByTestId('case-note').fill('venue status page quiet; asked okx support');
    await trail.getByTestId('case-note-add').click();
    await expect.poll(() => trail.locator('[data-testid="case-entry"][data-kind="note"]').textContent(), { timeout: 10_000 }).toContain('asked okx support');
    expect(await trail.locator('[data-testid="case-entry"][data-kind="note"]').textContent()).toContain('desk-e2e');
    await trail.getByTestId('case-assignee').fill('carol');
    await trail.getByTestId('case-assign').click();
    await expect.poll(() => trail.locator('[data-testid="case-entry"][data-kind="assigned"]').textContent(), { timeout: 10_000 }).toContain('assigned to carol');
    await expect.poll(() => historyRow.getByTestId('history-case').textContent(), { timeout: 10_000 }).toBe('→ carol 1✎');
    await expect.poll(() => okx.getByTestId('alert-case').textContent(), { timeout: 10_000 }).toBe('→ carol · 1 note');

    // The silenced alert's case says which silence kept it quiet.
    const binanceId = (await activeRow('binance-usdm:BTCUSDT').getAttribute('data-alert-id'))!;
    await page.locator(`[data-testid="alert-history-row"][data-alert-id="${binanceId}"]`).click();
    await expect.poll(() => trail.locator('[data-testid="case-entry"][data-kind="silenced"]').textContent(), { timeout: 10_000 }).toContain(`silence ${silenceId}`);
  }, 60_000);

  it('lists the silence in the Silences tab, expires it, and schedules a maintenance window', async () => {
    await page.getByTestId('tab-silences').click();
    const row = page.locator(`[data-testid="silence-row"][data-silence-id="${silenceId}"]`);
    expect(await row.getAttribute('data-state')).toBe('active');
    expect(await row.textContent()).toContain('alice: binance futures maintenance');
    await row.getByTestId('silence-expire').click();
    await expect.poll(() => row.getAttribute('data-state'), { timeout: 10_000 }).toBe('expired');
    expect(await row.textContent()).toContain('expired early by desk-e2e');
    // Expired: the binance alert is no longer marked, and is an unacknowledged problem again.
    await expect.poll(() => activeRow('binance-usdm:BTCUSDT').getAttribute('data-silenced'), { timeout: 5_000 }).toBeNull();
    expect(await page.getByTestId('alerts-unhandled').textContent()).toMatch(/^1 unacknowledged/);
    // Still firing, nobody on it: the notification the silence held back goes out now, saying so.
    await expect.poll(async () => (await notifications()).filter((n) => /binance/i.test(n)).join('\n'), { timeout: 10_000 }).toContain(`still firing after silence ${silenceId} ended`);
    expect((await notifications()).filter((n) => /binance/i.test(n))).toHaveLength(1);

    const start = new Date(Date.now() + 2 * 3600_000).toISOString().slice(0, 16);
    const end = new Date(Date.now() + 3 * 3600_000).toISOString().slice(0, 16);
    await page.getByTestId('silence-kind').selectOption('instrument');
    await page.getByTestId('silence-value').fill('ETH-USDT-PERP');
    await page.getByTestId('silence-start').fill(start);
    await page.getByTestId('silence-end').fill(end);
    await page.getByTestId('silence-comment').fill('okx upgrade window');
    await page.getByTestId('silence-create').click();
    await expect.poll(() => page.getByTestId('silences-pending').getByTestId('silence-row').count(), { timeout: 10_000 }).toBe(1);
    expect(await page.getByTestId('silences-pending').textContent()).toContain('ETH-USDT-PERP (every venue)');

    // A bad one is refused with the service's words, and nothing is added.
    await page.getByTestId('silence-kind').selectOption('key');
    await page.getByTestId('silence-value').fill('okx:NOPE-USDT');
    await page.getByTestId('silence-start').fill('');
    await page.getByTestId('silence-end').fill('');
    await page.getByTestId('silence-comment').fill('typo');
    await page.getByTestId('silence-create').click();
    await expect.poll(() => page.getByTestId('silence-error').textContent(), { timeout: 10_000 }).toContain('unknown instrument key "okx:NOPE-USDT"');
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'alert-desk-silences-1600.png') });
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.getByTestId('tab-history').click();
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'alert-desk-1280.png') });
  }, 60_000);

  it('shows every value of both tables whole at 1280 and 1600 px, the History from its time to its rule on screen', async () => {
    for (const width of [1280, 1600]) {
      await page.setViewportSize({ width, height: width === 1280 ? 800 : 1000 });
      await expect.poll(() => page.getByTestId('alert-history-row').count(), { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
      const cut = await page.$$eval('[data-testid="alerts-history"] td, [data-testid="alerts-history"] th, [data-testid="alerts-active"] td, [data-testid="alerts-active"] th', (cells) =>
        cells.filter((c) => c.scrollWidth > c.clientWidth).map((c) => `${c.textContent ?? ''} (${c.scrollWidth}/${c.clientWidth})`),
      );
      expect(cut, `cut at ${width} px`).toEqual([]);
      // A free-text detail may end in an ellipsis, with its whole text on hover.
      const untitled = await page.$$eval('[data-testid="alerts-history"] .clip-text', (spans) =>
        spans.filter((s) => s.scrollWidth > s.clientWidth && s.getAttribute('title') !== s.textContent).map((s) => s.textContent ?? ''),
      );
      expect(untitled).toEqual([]);
      // The opening time carries its date on hover; the cell shows month-day and time to the second.
      const time = page.getByTestId('alert-history-row').first().getByTestId('history-opened');
      expect(await time.textContent()).toMatch(/^\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
      expect(await time.getAttribute('title')).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC$/);
      const onScreen = await page.$$eval('[data-testid="alerts-history"] thead th', (ths) => {
        const box = ths[0]!.closest('.table-scroll')!.getBoundingClientRect();
        return ths.slice(0, 4).map((th) => ({ text: th.textContent ?? '', right: th.getBoundingClientRect().right, edge: Math.min(box.right, window.innerWidth) }));
      });
      for (const h of onScreen) expect(h.right, `${h.text} on screen at ${width} px`).toBeLessThanOrEqual(h.edge);
    }
  }, 30_000);
});
