import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { readParquet } from 'parquet-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/engine/config';
import { ConsoleService } from '../../src/engine/console/console-service';
import { startWebServer, type WebServer } from '../../src/engine/console/web-server';
import { openHistoryDb } from '../../src/engine/storage/history-db';
import { SHIPPED_CONFIG } from '../config/helpers';
import { csvObjects } from '../export/csv-parse';
import { surveil } from '../support/cli';
import { REAL, realRecording } from '../support/shared-data';
import { ApiClient, cleanupDirs, fakeRenderer, tempDir } from './helpers';

const KEY = 'binance-usdm:SUSHIUSDT';
let dbPath: string;
let service: ConsoleService;
let server: WebServer;
let client: ApiClient;

beforeAll(async () => {
  dbPath = join(tempDir('surveil-export-'), 'history.sqlite');
  expect(surveil(['replay', realRecording(REAL.binanceUsdm), '--db', dbPath]).code).toBe(0);
  service = new ConsoleService({ config: loadConfig(SHIPPED_CONFIG), mode: { kind: 'live' }, simulated: false, dbPath });
  server = await startWebServer({ api: service, port: 0, rootDir: fakeRenderer().root });
  client = await ApiClient.connect(`ws://127.0.0.1:${server.port}/api`);
}, 120_000);

afterAll(async () => {
  client?.close();
  await server?.close();
  await service?.stop();
  cleanupDirs();
});

function count(query: string, ...params: unknown[]): number {
  const db = openHistoryDb(dbPath, { readonly: true });
  try {
    return db.prepare(query).pluck().get(...params) as number;
  } finally {
    db.close();
  }
}

describe('exportHistory over the WebSocket API', () => {
  it("writes a CSV of the instrument's samples into the history folder's exports/ and says how many rows", async () => {
    const result = await client.call('exportHistory', { instrument: KEY, what: 'series', metrics: ['mid', 'spread_bps'] });
    expect(dirname(result.path)).toBe(join(dirname(dbPath), 'exports'));
    expect(result).toMatchObject({ format: 'csv', what: 'series', keys: [KEY], resolution: 'sample' });
    const samples = count('SELECT count(*) FROM samples s JOIN instruments i ON i.id = s.instrument_id WHERE i.key = ?', KEY);
    expect(result.rows).toBe(samples);
    const { header, rows } = csvObjects(readFileSync(result.path, 'utf8'));
    expect(header).toEqual(['key', 'instrument_id', 'time', 'time_ms', 'stale', 'book_invalid', 'mid', 'spread_bps']);
    expect(rows).toHaveLength(samples);
  });

  it('writes the audit trail as Parquet for a time range', async () => {
    const events = count('SELECT count(*) FROM alert_events e JOIN alerts a ON a.alert_id = e.alert_id JOIN instruments i ON i.id = a.instrument_id WHERE i.key = ?', KEY);
    expect(events).toBeGreaterThan(0);
    const result = await client.call('exportHistory', { instrument: 'SUSHI-USDT-PERP', what: 'alerts', format: 'parquet', from: 0, to: 4_102_444_800_000 });
    expect(result.rows).toBe(events);
    expect(result.path.endsWith('.parquet')).toBe(true);
    const table = tableFromIPC(readParquet(readFileSync(result.path)).intoIPCStream());
    expect(table.numRows).toBe(events);
    expect(table.getChild('key')!.toArray()).toEqual(Array(events).fill(KEY));
  });

  it('refuses bad arguments at the boundary and names an unknown instrument with the known ones', async () => {
    await expect(client.call('exportHistory', { instrument: KEY, what: 'trades' })).rejects.toThrow(/exportHistory: 0.what: Invalid option/);
    await expect(client.call('exportHistory', { instrument: '../../etc/passwd', what: 'series' })).rejects.toThrow(/exportHistory: 0.instrument: expected an instrument id/);
    await expect(client.call('exportHistory', { instrument: KEY, what: 'series', path: '/tmp/x.csv' })).rejects.toThrow(/exportHistory/);
    await expect(client.call('exportHistory', { instrument: 'BTCUSDT', what: 'series' })).rejects.toThrow(
      'no instrument "BTCUSDT" in this history; known: AKRO-USDT-PERP (binance-usdm:AKROUSDT), SUSHI-USDT-PERP (binance-usdm:SUSHIUSDT)',
    );
  });
});
