import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/engine/config';
import { ConsoleService } from '../../src/engine/console/console-service';
import { appPages } from '../../src/main/app-pages';
import { handleRequest } from '../../src/main/request-handler';
import { SHIPPED_CONFIG } from '../config/helpers';
import { cleanupDirs, tempDir } from '../console/helpers';

/**
 * The Electron IPC path of the desk's requests: the main process's request
 * handler validates with the contract's schemas, then calls the real
 * ConsoleService (its engine not started: silences and cases need only its
 * history file).
 */
const DEV = 'http://localhost:5173';
const pages = appPages('/opt/surveil/out/renderer/index.html', DEV);
const H = 3600_000;
let service: ConsoleService;

beforeAll(() => {
  service = new ConsoleService({ config: loadConfig(SHIPPED_CONFIG), mode: { kind: 'live' }, simulated: false, dbPath: join(tempDir('surveil-ipc-'), 'history.sqlite') });
});
afterAll(async () => {
  await service.stop();
  cleanupDirs();
});

const ask = (method: string, args: unknown[]) => handleRequest(`${DEV}/`, method, args, service, pages);

describe('silences and cases over IPC', () => {
  it('refuses bad silences at the boundary or in the service, and accepts a maintenance window', async () => {
    const base = { matcher: { kind: 'key', value: 'okx:BTC-USDT-SWAP' }, createdBy: 'alice', comment: 'upgrade' };
    await expect(ask('createSilence', [base])).rejects.toThrow(/createSilence: 0\.endsAt/);
    await expect(ask('createSilence', [{ ...base, startsAt: Date.now() + 2 * H, endsAt: Date.now() + H }])).rejects.toThrow(/endsAt must be after startsAt/);
    await expect(ask('createSilence', [{ ...base, startsAt: Date.now(), endsAt: Date.now() + 8 * 24 * H }])).rejects.toThrow(/at most 168 h/);
    await expect(ask('createSilence', [{ ...base, matcher: { kind: 'key', value: 'okx:DOGE-USDT-SWAP' }, endsAt: Date.now() + H }])).rejects.toThrow(/unknown instrument key/);
    await expect(ask('createSilence', [{ ...base, matcher: { kind: 'everything', value: '*' }, endsAt: Date.now() + H }])).rejects.toThrow(/createSilence/);
    const window = (await ask('createSilence', [{ ...base, startsAt: Date.now() + H, endsAt: Date.now() + 2 * H }])) as { id: string };
    expect((await service.snapshot()).silences!.map((s) => s.id)).toEqual([window.id]);
    await expect(ask('expireSilence', [{ id: 'S404', by: 'bob' }])).rejects.toThrow(/no silence S404/);
    await expect(ask('expireSilence', [{ id: window.id, by: '' }])).rejects.toThrow(/expireSilence: 0\.by/);
    expect(await ask('expireSilence', [{ id: window.id, by: 'bob' }])).toMatchObject({ expiredBy: 'bob' });
  });

  it('refuses a note on an alert that does not exist, and an empty one', async () => {
    await expect(ask('addNote', [{ alertId: 'okx:BTC-USDT-SWAP/depth_10bps/1', by: 'bob', text: 'x' }])).rejects.toThrow(/no alert/);
    await expect(ask('addNote', [{ alertId: 'a', by: 'bob', text: '' }])).rejects.toThrow(/addNote: 0\.text/);
    await expect(ask('assignAlert', [{ alertId: 'a', by: 'bob' }])).rejects.toThrow(/assignAlert: 0\.assignee/);
  });
});
