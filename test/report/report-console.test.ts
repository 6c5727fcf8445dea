import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/engine/config';
import { ConsoleService } from '../../src/engine/console/console-service';
import { startWebServer, type WebServer } from '../../src/engine/console/web-server';
import { openHistoryDb } from '../../src/engine/storage/history-db';
import { SHIPPED_CONFIG } from '../config/helpers';
import { ApiClient, cleanupDirs, fakeRenderer, tempDir } from '../console/helpers';
import { surveil } from '../support/cli';
import { REAL, realRecording } from '../support/shared-data';

const DAY = '2021-07-22';
const KEY = 'binance-usdm:SUSHIUSDT';
let dbPath: string;
let service: ConsoleService;
let server: WebServer;
let client: ApiClient;

beforeAll(async () => {
  dbPath = join(tempDir('surveil-report-'), 'history.sqlite');
  expect(surveil(['replay', realRecording(REAL.binanceUsdm), '--db', dbPath]).code).toBe(0);
  service = new ConsoleService({ config: loadConfig(SHIPPED_CONFIG), mode: { kind: 'live' }, simulated: false, dbPath });
  server = await startWebServer({ api: service, port: 0, rootDir: fakeRenderer().root, reportsDir: join(dirname(dbPath), 'reports') });
  client = await ApiClient.connect(`ws://127.0.0.1:${server.port}/api`);
}, 60_000);

afterAll(async () => {
  client?.close();
  await server?.close();
  await service?.stop();
  cleanupDirs();
});

describe('marketReport over the WebSocket API', () => {
  it("writes the day's report into the history folder's reports/ and the web server serves it under the report's CSP", async () => {
    const result = await client.call('marketReport', { day: DAY, instruments: [KEY] });
    expect(dirname(result.path)).toBe(join(dirname(dbPath), 'reports'));
    expect(result).toMatchObject({ day: DAY, keys: [KEY], empty: false, url: '/reports/market-report_2021-07-22_binance-usdm_SUSHIUSDT.html' });
    const html = readFileSync(result.path, 'utf8');
    expect(html).toContain('data-source="samples"');
    // The figure the CLI test checks against SQL, here against one more SQL: the day's samples.
    const db = openHistoryDb(dbPath, { readonly: true });
    const samples = db.prepare('SELECT count(*) FROM samples s JOIN instruments i ON i.id = s.instrument_id WHERE i.key = ?').pluck().get(KEY) as number;
    db.close();
    expect(html).toContain(`data-figure="${KEY}|coverage|samples" data-value="${samples}"`);

    const response = await fetch(`http://127.0.0.1:${server.port}${result.url}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toBe("default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'; base-uri 'none'");
    expect(await response.text()).toBe(html);
    // Every instrument with history in the day when none is named; a day without data still writes a report.
    const all = await client.call('marketReport', { day: DAY });
    expect(all.keys).toEqual(['binance-usdm:AKROUSDT', KEY]);
    const empty = await client.call('marketReport', { day: '2021-07-21' });
    expect(empty).toMatchObject({ empty: true, keys: [] });
    expect(existsSync(empty.path)).toBe(true);
  });

  it('serves nothing but the reports folder there', async () => {
    expect((await fetch(`http://127.0.0.1:${server.port}/reports/..%2Fhistory.sqlite`)).status).toBe(403);
    expect((await fetch(`http://127.0.0.1:${server.port}/reports/nope.html`)).status).toBe(404);
    expect((await fetch(`http://127.0.0.1:${server.port}/reports/`)).status).toBe(404);
  });

  it('refuses bad requests at the boundary and names an unknown instrument', async () => {
    await expect(client.call('marketReport', { day: '22-07-2021' })).rejects.toThrow(/marketReport: 0.day: expected a UTC day YYYY-MM-DD/);
    await expect(client.call('marketReport', { day: DAY, instruments: ['../../etc/passwd'] })).rejects.toThrow(/marketReport: 0.instruments.0: expected an instrument id/);
    await expect(client.call('marketReport', { day: DAY, path: '/tmp/x.html' })).rejects.toThrow(/marketReport/);
    await expect(client.call('marketReport', { day: '2021-02-30' })).rejects.toThrow('--day must be a date YYYY-MM-DD (a UTC day), got "2021-02-30"');
    await expect(client.call('marketReport', { day: DAY, instruments: ['BTCUSDT'] })).rejects.toThrow(
      'no instrument "BTCUSDT" in this history; known: AKRO-USDT-PERP (binance-usdm:AKROUSDT), SUSHI-USDT-PERP (binance-usdm:SUSHIUSDT)',
    );
  });
});
