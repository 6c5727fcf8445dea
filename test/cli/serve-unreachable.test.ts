import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, cleanupDirs, tempDir } from '../console/helpers';
import { cleanupTempDirs, copyShippedConfig } from '../config/helpers';
import { closedPort, waitFor } from '../support/loopback-exchange';
import { surveilCommand } from '../support/cli';
import { repoRoot } from '../support/shared-data';

/**
 * `surveil serve` with no way to reach any exchange, as on a desk machine
 * whose network is down: Binance spot on a closed loopback port, USD-M,
 * COIN-M, OKX and Bybit on host names that do not resolve. Shipped feed rules (feed_down after
 * 10 s). The terminal must say so, and the console must carry the alert the
 * header banner shows, within 30 s.
 */
let child: ChildProcess;
let port: number;
const lines: string[] = [];
let started: number;

beforeAll(async () => {
  port = await closedPort();
  const dir = copyShippedConfig();
  const file = join(dir, 'exchanges.yaml');
  const text = readFileSync(file, 'utf8')
    .replace('wss://stream.binance.com:9443', `ws://127.0.0.1:${port}`)
    .replace('https://api.binance.com', `http://127.0.0.1:${port}`)
    .replaceAll('wss://fstream.binance.com', 'ws://fstream.surveil-test.invalid')
    .replace('https://fapi.binance.com', 'http://fapi.surveil-test.invalid')
    .replace('wss://ws.okx.com:8443', 'ws://ws.surveil-test.invalid:8443')
    .replace('https://www.okx.com', 'http://www.surveil-test.invalid')
    .replaceAll('wss://stream.bybit.com', 'ws://stream.bybit.surveil-test.invalid')
    .replace('https://api.bybit.com', 'http://api.bybit.surveil-test.invalid')
    .replace('wss://dstream.binance.com', 'ws://dstream.surveil-test.invalid')
    .replace('https://dapi.binance.com', 'http://dapi.surveil-test.invalid');
  // Every venue the shipped config runs, pointed nowhere: none may reach a real exchange from a test.
  if (/wss?:\/\/[^\s]*(binance|okx|bybit)\.com/.test(text)) throw new Error(`a shipped venue URL was not redirected:\n${text}`);
  writeFileSync(file, text);
  started = Date.now();
  child = spawn(...surveilCommand(['serve', '--config', dir, '--port', '0', '--db', join(tempDir('surveil-unreachable-'), 'history.sqlite')]), {
    cwd: repoRoot,
    env: { ...process.env, SURVEIL_DEBUG: '' },
  });
  let buffer = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    buffer += chunk.toString('utf8');
    const parts = buffer.split('\n');
    buffer = parts.pop()!;
    lines.push(...parts);
  });
}, 30_000);

afterAll(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
  cleanupTempDirs();
  cleanupDirs();
});

const text = () => lines.join('\n');

describe('surveil serve with every exchange unreachable', () => {
  it('prints a line per venue as it fails, then a critical feed_down line with the error and the next retry, within 30 s', async () => {
    const dns = '(ENOTFOUND|EAI_AGAIN)';
    // The detail is the venue's latest failure: its stream host or its REST host (instruments, snapshots), whichever failed last.
    const expected = [
      new RegExp(`\\d\\d:\\d\\d:\\d\\d binance-spot CRIT feed_down: unreachable: connect ECONNREFUSED 127\\.0\\.0\\.1:${port}, retry #\\d+ (in \\d+ s|connecting)`),
      new RegExp(`\\d\\d:\\d\\d:\\d\\d binance-usdm CRIT feed_down: unreachable: ${dns} (fstream|fapi)\\.surveil-test\\.invalid, retry #\\d+`),
      new RegExp(`\\d\\d:\\d\\d:\\d\\d okx CRIT feed_down: unreachable: ${dns} (ws|www)\\.surveil-test\\.invalid, retry #\\d+`),
      new RegExp(`\\d\\d:\\d\\d:\\d\\d bybit CRIT feed_down: unreachable: ${dns} (stream|api)\\.bybit\\.surveil-test\\.invalid, retry #\\d+`),
      new RegExp(`\\d\\d:\\d\\d:\\d\\d binance-coinm CRIT feed_down: unreachable: ${dns} (dstream|dapi)\\.surveil-test\\.invalid, retry #\\d+`),
    ];
    await waitFor(() => expected.every((re) => re.test(text())), () => `a feed_down line per venue; got:\n${text()}`, 30_000);
    const elapsed = Date.now() - started;
    expect(elapsed).toBeLessThan(30_000);
    // Before the alert, the link change itself was said.
    expect(text()).toMatch(/binance-spot (unreachable|reconnecting): connect ECONNREFUSED/);
  }, 40_000);

  it('serves the open feed alerts the header banner shows, with their detail', async () => {
    const url = /console served at (http:\/\/\S+)/.exec(text())![1]!;
    const client = await ApiClient.connect(`${url.replace('http', 'ws').replace(/\/$/, '')}/api`);
    try {
      const snapshot = await client.call('snapshot');
      const down = snapshot.alerts.filter((a) => a.metric === 'feed_down_seconds');
      expect(down.map((a) => a.key).sort()).toEqual(['binance-coinm', 'binance-spot', 'binance-usdm', 'bybit', 'okx']);
      for (const alert of down) {
        expect(alert).toMatchObject({ severity: 'critical', state: 'firing' });
        expect(alert.detail).toMatch(/^unreachable: .+, retry #\d+/);
      }
      expect(snapshot.feeds.every((f) => f.connections.every((c) => c.failedAttempts > 0 && c.downSince !== null))).toBe(true);
    } finally {
      client.close();
    }
  });
});
