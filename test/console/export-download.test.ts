import { readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { basename, dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/engine/config';
import { ConsoleService } from '../../src/engine/console/console-service';
import { startWebServer, type WebServer } from '../../src/engine/console/web-server';
import { SHIPPED_CONFIG } from '../config/helpers';
import { surveil } from '../support/cli';
import { REAL, realRecording } from '../support/shared-data';
import { ApiClient, cleanupDirs, fakeRenderer, tempDir } from './helpers';

/**
 * An export the console wrote is served by the loopback web server under
 * /exports/<file> as a download, byte for byte the file in the history
 * folder's exports/; nothing else is served from there.
 */
const KEY = 'binance-usdm:SUSHIUSDT';
let dbPath: string;
let service: ConsoleService;
let server: WebServer;
let client: ApiClient;
let secret: string;

beforeAll(async () => {
  dbPath = join(tempDir('surveil-export-dl-'), 'history.sqlite');
  expect(surveil(['replay', realRecording(REAL.binanceUsdm), '--db', dbPath]).code).toBe(0);
  service = new ConsoleService({ config: loadConfig(SHIPPED_CONFIG), mode: { kind: 'live' }, simulated: false, dbPath });
  const renderer = fakeRenderer();
  secret = renderer.secret;
  server = await startWebServer({ api: service, port: 0, rootDir: renderer.root, exportsDir: join(dirname(dbPath), 'exports') });
  client = await ApiClient.connect(`ws://127.0.0.1:${server.port}/api`);
}, 120_000);

afterAll(async () => {
  client?.close();
  await server?.close();
  await service?.stop();
  cleanupDirs();
});

/** A GET with the path sent as written (fetch would fold `..` away before it left). */
function rawGet(path: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path, method: 'GET' }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('exports served by the web server', () => {
  it('serves a CSV export at the url the answer gives, as an attachment equal to the file written', async () => {
    const result = await client.call('exportHistory', { instrument: KEY, what: 'series', metrics: ['mid', 'spread_bps'] });
    expect(result.url).toBe(`/exports/${encodeURIComponent(basename(result.path))}`);
    expect(result.url).toBe('/exports/binance-usdm_SUSHIUSDT_series_start_end.csv');
    const response = await fetch(`http://127.0.0.1:${server.port}${result.url}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toBe(
      `attachment; filename="binance-usdm_SUSHIUSDT_series_start_end.csv"; filename*=UTF-8''binance-usdm_SUSHIUSDT_series_start_end.csv`,
    );
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'; base-uri 'none'; sandbox");
    const body = Buffer.from(await response.arrayBuffer());
    expect(body.length).toBeGreaterThan(1000);
    expect(body.equals(readFileSync(result.path))).toBe(true);
  });

  it('serves a Parquet export of the audit trail for a range, byte for byte', async () => {
    const result = await client.call('exportHistory', { instrument: 'SUSHI-USDT-PERP', what: 'alerts', format: 'parquet', from: 0, to: 4_102_444_800_000 });
    expect(result.rows).toBeGreaterThan(0);
    const response = await fetch(`http://127.0.0.1:${server.port}${result.url}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/vnd.apache.parquet');
    expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename="SUSHI-USDT-PERP_alerts_19700101T000000Z_21000101T000000Z\.parquet"/);
    const body = Buffer.from(await response.arrayBuffer());
    expect(body.subarray(0, 4).toString('latin1')).toBe('PAR1');
    expect(body.equals(readFileSync(result.path))).toBe(true);
  });

  it('refuses .., encoded .., symlinks out of exports/, other files and folders', async () => {
    const exportsDir = join(dirname(dbPath), 'exports');
    await client.call('exportHistory', { instrument: KEY, what: 'feed-events' });
    writeFileSync(join(exportsDir, 'notes.html'), '<script>alert(1)</script>');
    symlinkSync(secret, join(exportsDir, 'leak.csv'));
    symlinkSync(dbPath, join(exportsDir, 'history.csv'));
    expect((await rawGet('/exports/../history.sqlite')).status).toBe(403);
    expect((await rawGet('/exports/%2e%2e/history.sqlite')).status).toBe(403);
    expect((await rawGet('/exports/..%2fhistory.sqlite')).status).toBe(403);
    expect((await rawGet('/exports/leak.csv')).status).toBe(403);
    expect((await rawGet('/exports/history.csv')).status).toBe(403);
    const html = await rawGet('/exports/notes.html');
    expect(html.status).toBe(404);
    expect(html.body.toString()).not.toContain('script');
    expect((await rawGet('/exports/')).status).toBe(404);
    expect((await rawGet('/exports/nothing.csv')).status).toBe(404);
    // The feed events export is there all the same.
    expect((await rawGet('/exports/binance-usdm_SUSHIUSDT_feed-events_start_end.csv')).status).toBe(200);
  });
});
