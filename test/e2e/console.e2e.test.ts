/// <reference lib="dom" />
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runConsole, type RunningConsole } from '../../src/engine/console/run-console';
import { loadConfig } from '../../src/engine/config/load-config';
import { simulateToCapture } from '../../src/engine/simulator';
import { buildRenderer, CHROMIUM_ARGS, CHROMIUM_PATH, SCREENSHOT_DIR } from './browser';
import { repoRoot } from '../support/shared-data';

/**
 * The console as a desk sees it: `npm run demo`'s console (the showcase
 * schedule on the simulator, real engine workers, real history database) in
 * Debian's Chromium. Screenshots of the main views land in test-results/.
 */
let running: RunningConsole;
let browser: Browser;
let page: Page;
let capturePath: string;

beforeAll(async () => {
  buildRenderer();
  const captures = mkdtempSync(join(tmpdir(), 'surveil-e2e-captures-'));
  capturePath = join(captures, 'spread-blowout.jsonl');
  // A short recorded market for the replay view: the blowout 45 s in, after the z-score warmup.
  await simulateToCapture({ scenario: 'spread_blowout', seed: 3, durationMs: 120_000, injectAtMs: 45_000, injectForMs: 20_000, out: capturePath });
  running = await runConsole({
    config: loadConfig(join(repoRoot, 'config')),
    demo: 'showcase',
    port: 0,
    host: '127.0.0.1',
    captureDirs: [captures],
  });
  browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
  await context.grantPermissions(['notifications'], { origin: running.web.url.replace(/\/$/, '') });
  // Record desktop notifications as the page raises them, and name the operator once.
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
    localStorage.setItem('surveil.operator', 'e2e-desk');
  });
  page = await context.newPage();
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await running?.stop();
});

const shot = (name: string) => page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`) });

describe('the console in Chromium (npm run demo)', () => {
  it('fills the overview with every simulated instrument and says the data is simulated', async () => {
    await page.goto(running.web.url);
    await expect.poll(() => page.getByTestId('simulated-banner').isVisible(), { timeout: 15_000 }).toBe(true);
    await expect.poll(() => page.getByTestId('overview-row').count(), { timeout: 20_000 }).toBe(14);
    const keys = await page.getByTestId('overview-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-key')));
    expect(keys).toEqual(expect.arrayContaining(['binance-usdm:BTCUSDT', 'okx:BTC-USDT-SWAP', 'binance-spot:ETHUSDT', 'okx:ETH-USDT']));
    await shot('overview');
  }, 60_000);

  it('draws the charts and counts the z-score warmup up', async () => {
    await page.locator('[data-testid="overview-row"][data-key="okx:BTC-USDT-SWAP"]').click();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('chart-spread').first().isVisible(), { timeout: 10_000 }).toBe(true);
    const warmup = page.getByTestId('zscore-warmup').first();
    const first = await warmup.textContent();
    expect(first).toMatch(/Z-Score: warming up \((\d+)\/30\)/);
    const count = (text: string | null) => Number(/\((\d+)\/30\)/.exec(text ?? '')?.[1] ?? 99);
    await expect.poll(async () => count(await warmup.textContent()), { timeout: 10_000 }).toBeGreaterThan(count(first));
    // The Rules panel says, per rule of the selected instrument, why it is not alerting: here, still warming up.
    const rules = page.getByTestId('rules-panel');
    expect(await rules.getAttribute('data-key')).toBe('okx:BTC-USDT-SWAP');
    await expect.poll(() => rules.getByTestId('rule-status').count(), { timeout: 10_000 }).toBeGreaterThan(0);
    const lines = await rules.getByTestId('rule-status').evaluateAll((items) =>
      items.map((li) => ({ kind: li.getAttribute('data-kind'), rule: li.getAttribute('data-rule'), text: li.querySelector('.rule-text')?.textContent ?? '' })),
    );
    expect(lines.map((l) => l.rule)).toContain('spread_warning');
    // Every line's words agree with its kind; this early in the demo some window is still short of samples.
    const WORDS: Record<string, RegExp> = {
      warming_up: /^warming up \d+\/30: /,
      armed: /^armed: /,
      pending: /^pending \d+ of \d+ s: /,
      active: /^firing: /,
      paused: /^paused: /,
      blind: /^not judged: /,
    };
    for (const l of lines) expect(l.text, `${l.rule} (${l.kind})`).toMatch(WORDS[l.kind ?? ''] ?? /^never$/);
    expect(lines.some((l) => l.kind === 'warming_up')).toBe(true);
    // A chart draws onto canvases: at least one with pixels painted.
    const painted = await page.getByTestId('chart-spread').first().locator('canvas').evaluateAll((canvases) =>
      canvases.some((c) => {
        const canvas = c as HTMLCanvasElement;
        const ctx = canvas.getContext('2d');
        if (!ctx || canvas.width === 0) return false;
        const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
        for (let i = 3; i < data.length; i += 4) if (data[i] !== 0) return true;
        return false;
      }),
    );
    expect(painted).toBe(true);
    await shot('instrument');
  }, 60_000);

  it('raises an injected alert in the table and as a desktop notification', async () => {
    const enable = page.getByTestId('notify-enable');
    if (await enable.isVisible()) await enable.click();
    await page.getByTestId('nav-alerts').click();
    // The showcase injects its first anomalies 36-42 s after start.
    await expect.poll(() => page.getByTestId('alert-row').count(), { timeout: 90_000 }).toBeGreaterThan(0);
    await expect
      .poll(() => page.evaluate(() => (window as unknown as { __notifications: string[] }).__notifications.length), { timeout: 30_000 })
      .toBeGreaterThan(0);
    const notes = await page.evaluate(() => (window as unknown as { __notifications: string[] }).__notifications);
    expect(notes.join('\n')).toMatch(/critical/i);
    // An active alert shows its value now (from the instrument's row) and the episode's peak with its z, capped at 10σ.
    const firstRow = page.getByTestId('alert-row').first();
    expect(await firstRow.getByTestId('alert-now').textContent()).toMatch(/\d.* vs /);
    expect(await firstRow.getByTestId('alert-peak').textContent()).toMatch(/\d.*(σ|–)$/);
    await shot('alerts');
  }, 120_000);

  it('keeps an acknowledgement across a page reload', async () => {
    const row = page.getByTestId('alert-row').first();
    const alertId = await row.getAttribute('data-alert-id');
    await row.getByTestId('ack').click();
    await page.getByTestId('ack-note').fill('e2e: seen, watching the book');
    await page.getByTestId('ack-confirm').click();
    const acked = page.locator(`[data-testid="alert-row"][data-alert-id="${alertId}"]`);
    await expect.poll(() => acked.textContent(), { timeout: 10_000 }).toContain('e2e-desk');
    await page.reload();
    await page.getByTestId('nav-alerts').click();
    await expect.poll(() => page.locator(`[data-testid="alert-row"][data-alert-id="${alertId}"]`).textContent(), { timeout: 15_000 }).toContain('e2e-desk');
  }, 60_000);

  it('shows feed health per venue', async () => {
    await page.getByTestId('nav-feeds').click();
    await expect.poll(() => page.getByTestId('feed-row').count(), { timeout: 10_000 }).toBe(5);
    await shot('feeds');
  }, 30_000);

  it('replays a recorded capture into the same views', async () => {
    await page.getByTestId('nav-replay').click();
    await page.getByTestId('replay-path').fill(capturePath);
    await page.getByTestId('replay-speed').selectOption({ label: 'max' }).catch(() => page.getByTestId('replay-speed').fill('max'));
    await page.getByTestId('replay-open').click();
    await expect.poll(() => page.getByTestId('replay-state').textContent(), { timeout: 60_000 }).toMatch(/done/);
    await expect.poll(() => page.getByTestId('replay-alert').count(), { timeout: 10_000 }).toBeGreaterThan(0);
    await shot('replay');
  }, 90_000);
});
