import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/engine/config';
import { AlertDesk } from '../../src/engine/console/alert-desk';
import { runConsole, type RunningConsole } from '../../src/engine/console/run-console';
import type { Config } from '../../src/shared/config';
import type { ConsoleEvent, Silence } from '../../src/shared/contract';
import { MAX_SILENCE_MS, silenceState } from '../../src/shared/silences';
import { SHIPPED_CONFIG } from '../config/helpers';
import { waitFor } from '../support/loopback-exchange';
import { ApiClient, cleanupDirs, fakeRenderer, tempDir } from './helpers';

const SHIPPED = loadConfig(SHIPPED_CONFIG);

/** BTC-USDT-PERP's critical depth bar set unreachably high: a critical alert on binance-usdm and okx within seconds of the start. */
function configWithEasyAlert(): Config {
  const btc = SHIPPED.alerts.thresholds['BTC-USDT-PERP']!;
  const thresholds = { ...SHIPPED.alerts.thresholds, 'BTC-USDT-PERP': { ...btc, depth_critical: { ...btc.depth_critical!, threshold: 1e15 } } };
  return { ...SHIPPED, alerts: { ...SHIPPED.alerts, thresholds } };
}

const H = 3600_000;
let running: RunningConsole;
let client: ApiClient;
let dbPath: string;
const renderer = fakeRenderer().root;

const start = async (): Promise<void> => {
  running = await runConsole({ config: configWithEasyAlert(), demo: 'calm', port: 0, rendererDir: renderer, db: dbPath, feedLog: () => undefined });
  client = await ApiClient.connect(`ws://127.0.0.1:${running.web.port}/api`);
};

let silence: Silence;
/** Bybit's BTC perp silenced for its first seconds: its critical alert fires under it and is owed once it runs out. */
let short: Silence;
const SHORT_MS = 30_000;

beforeAll(async () => {
  dbPath = join(tempDir('surveil-silences-'), 'history.sqlite');
  await start();
  // At once, before the first samples: the alert it silences must not have fired yet.
  silence = await client.call('createSilence', {
    matcher: { kind: 'venue', value: 'binance-usdm' },
    createdBy: 'alice',
    comment: 'binance futures maintenance',
    endsAt: Date.now() + H,
  });
  short = await client.call('createSilence', {
    matcher: { kind: 'key', value: 'bybit:BTCUSDT' },
    rule: 'depth_critical',
    createdBy: 'frank',
    comment: 'bybit book known thin during the open',
    endsAt: Date.now() + SHORT_MS,
  });
}, 60_000);

afterAll(async () => {
  client?.close();
  await running?.stop();
  cleanupDirs();
});

const ofType = <T extends ConsoleEvent['type']>(type: T) =>
  client.events.filter((e): e is Extract<ConsoleEvent, { type: T }> => e.type === type);

const refused = async (args: unknown): Promise<string> => {
  const response = await client.send({ kind: 'request', id: Math.floor(Math.random() * 1e9), method: 'createSilence', args: [args] });
  expect(response.ok, JSON.stringify(args)).toBe(false);
  return response.ok ? '' : response.error;
};

describe('silences on the live engine (simulator, engine workers, WebSocket API, SQLite)', () => {
  it('refuses a silence without expiry, ending before it starts, too long, in the past or on an unknown subject, and stores none of them', async () => {
    const now = Date.now();
    const base = { matcher: { kind: 'venue', value: 'binance-usdm' }, createdBy: 'alice', comment: 'maintenance' };
    expect(await refused(base)).toMatch(/createSilence: 0\.endsAt/);
    expect(await refused({ ...base, startsAt: now + H, endsAt: now + H / 2 })).toMatch(/endsAt must be after startsAt/);
    expect(await refused({ ...base, startsAt: now, endsAt: now + MAX_SILENCE_MS + 1 })).toMatch(/at most 168 h/);
    expect(await refused({ ...base, endsAt: now + MAX_SILENCE_MS + 60_000 })).toMatch(/at most 168 h/);
    expect(await refused({ ...base, endsAt: now - 1000 })).toMatch(/in the past/);
    expect(await refused({ ...base, matcher: { kind: 'key', value: 'binance-usdm:NOPEUSDT' }, endsAt: now + H })).toMatch(/unknown instrument key "binance-usdm:NOPEUSDT"/);
    expect(await refused({ ...base, matcher: { kind: 'instrument', value: 'NOPE-USDT-PERP' }, endsAt: now + H })).toMatch(/unknown instrument "NOPE-USDT-PERP"/);
    expect(await refused({ ...base, matcher: { kind: 'venue', value: 'kraken' }, endsAt: now + H })).toMatch(/unknown venue "kraken"/);
    expect(await refused({ ...base, matcher: { kind: 'key', value: 'no key' }, endsAt: now + H })).toMatch(/expected venue:symbol/);
    expect(await refused({ ...base, comment: ' ', endsAt: now + H })).toMatch(/comment/);
    expect(await refused({ ...base, endsAt: now + H, extra: 1 })).toMatch(/createSilence/);
    const expire = await client.send({ kind: 'request', id: 77, method: 'expireSilence', args: [{ id: 'S1; DROP TABLE silences', by: 'x' }] });
    expect(expire).toMatchObject({ ok: false, error: expect.stringContaining('expected a silence id') });
    // Only the two made at the start.
    expect((await client.call('snapshot')).silences!.map((s) => s.id)).toEqual([silence.id, short.id]);
  });

  it('silences binance-usdm: its real critical alert is evaluated, stored and shown, raises no notify event, and its case says which silence held it back; okx still notifies', async () => {
    expect(silence).toMatchObject({ id: expect.stringMatching(/^S\d+$/), createdBy: 'alice', rule: null, expiredBy: null });
    await waitFor(() => ofType('silences').some((e) => e.silences.some((s) => s.id === silence.id)), 'the silences event', 5_000);

    const firingOn = (key: string) => ofType('alerts').flatMap((e) => e.alerts).find((a) => a.key === key && a.state === 'firing');
    await waitFor(() => firingOn('binance-usdm:BTCUSDT') !== undefined && firingOn('okx:BTC-USDT-SWAP') !== undefined, 'both BTC perp depth alerts firing', 30_000);
    const silenced = firingOn('binance-usdm:BTCUSDT')!;
    const loud = firingOn('okx:BTC-USDT-SWAP')!;
    await waitFor(() => ofType('notify').some((n) => n.alert.id === loud.id), 'the okx alert notified', 5_000);
    expect(ofType('notify').filter((n) => n.alert.venue === 'binance-usdm')).toEqual([]);

    // Shown: in the snapshot's open alerts, with its onset.
    const snapshot = await client.call('snapshot');
    const shown = snapshot.alerts.find((a) => a.id === silenced.id);
    expect(shown).toMatchObject({ state: 'firing', severity: 'critical', assignee: null, notes: 0 });
    expect(shown!.openValue).not.toBeUndefined();
    // Recorded: the case names the silence and who made it.
    const entries = await client.call('alertCase', silenced.id);
    expect(entries).toEqual([expect.objectContaining({ kind: 'silenced', by: 'alice', text: expect.stringContaining(`silence ${silence.id} (venue binance-usdm: binance futures maintenance)`) })]);
    expect(ofType('case').some((e) => e.entry.alertId === silenced.id && e.entry.kind === 'silenced')).toBe(true);
    expect(await client.call('alertCase', loud.id)).toEqual([]);
    // Stored: the analytics worker wrote it to the history like any other.
    let rows = await client.call('alertHistory', { key: silenced.key });
    for (let i = 0; i < 50 && !rows.some((r) => r.id === silenced.id); i++) {
      await new Promise((r) => setTimeout(r, 100));
      rows = await client.call('alertHistory', { key: silenced.key });
    }
    expect(rows.find((r) => r.id === silenced.id)).toMatchObject({ state: 'firing', peakSeverity: 'critical' });
  }, 60_000);

  it('adds a note and an assignment to a case, pushes them live, and keeps them in the history rows', async () => {
    const alert = ofType('alerts').flatMap((e) => e.alerts).find((a) => a.key === 'okx:BTC-USDT-SWAP')!;
    const before = ofType('alerts').length;
    const note = await client.call('addNote', { alertId: alert.id, by: 'bob', text: 'okx book thin, checking status page' });
    expect(note).toMatchObject({ kind: 'note', by: 'bob', alertId: alert.id });
    await client.call('assignAlert', { alertId: alert.id, by: 'bob', assignee: 'carol' });
    await waitFor(() => ofType('alerts').slice(before).some((e) => e.alerts.some((a) => a.id === alert.id && a.assignee === 'carol' && a.notes === 1)), 'the case pushed', 5_000);
    const row = (await client.call('alertHistory', { key: alert.key })).find((r) => r.id === alert.id);
    expect(row).toMatchObject({ assignee: 'carol', notes: 1 });
    expect((await client.call('alertCase', alert.id)).map((e) => [e.kind, e.text])).toEqual([
      ['note', 'okx book thin, checking status page'],
      ['assigned', 'carol'],
    ]);
    const unknown = await client.send({ kind: 'request', id: 78, method: 'addNote', args: [{ alertId: 'no-such-alert', by: 'bob', text: 'x' }] });
    expect(unknown).toMatchObject({ ok: false, error: expect.stringContaining('no alert no-such-alert') });
    const empty = await client.send({ kind: 'request', id: 79, method: 'addNote', args: [{ alertId: alert.id, by: 'bob', text: '   ' }] });
    expect(empty).toMatchObject({ ok: false });
  });

  it('a silence that runs out on its own, nobody expiring it: what it held back and still fires is notified within seconds, its case says when it ran out', async () => {
    const firing = () => ofType('alerts').flatMap((e) => e.alerts).find((a) => a.key === 'bybit:BTCUSDT' && a.rule === 'depth_critical' && a.state === 'firing');
    await waitFor(() => firing() !== undefined, 'the bybit BTC depth alert firing', SHORT_MS);
    const held = firing()!;
    expect(Date.now(), 'the alert fired while the silence was on').toBeLessThan(short.endsAt);
    await waitFor(() => ofType('case').some((e) => e.entry.alertId === held.id && e.entry.kind === 'silenced'), 'the held notification in its case', 5_000);
    expect(ofType('notify').filter((n) => n.alert.id === held.id)).toEqual([]);
    // The console looks once a second for silences that ran out: notified within about that of endsAt.
    await waitFor(() => ofType('notify').some((n) => n.alert.id === held.id), 'the held alert notified after its silence ran out', short.endsAt - Date.now() + 5_000);
    const notifiedAt = Date.now();
    expect(notifiedAt).toBeGreaterThanOrEqual(short.endsAt);
    expect(notifiedAt - short.endsAt).toBeLessThan(3_000);
    expect(ofType('notify').filter((n) => n.alert.id === held.id)).toEqual([
      expect.objectContaining({ afterSilence: short.id, alert: expect.objectContaining({ state: 'firing', severity: 'critical' }) }),
    ]);
    // Its maker answers for its end; nobody expired it.
    expect((await client.call('alertCase', held.id)).map((e) => [e.kind, e.by, e.text])).toEqual([
      ['silenced', 'frank', expect.stringContaining(`firing not notified: silence ${short.id}`)],
      ['silenced', 'frank', `still critical, notified: silence ${short.id} is over (ran out at ${new Date(short.endsAt).toISOString()})`],
    ]);
    const listed = (await client.call('snapshot')).silences!.find((s) => s.id === short.id)!;
    expect(listed.expiredBy).toBeNull();
    expect(silenceState(listed, Date.now())).toBe('expired');
  }, 60_000);

  it('expires a silence early, recorded with who did it; silences and cases survive a restart of the console', async () => {
    const expired = await client.call('expireSilence', { id: silence.id, by: 'dave' });
    expect(expired).toMatchObject({ id: silence.id, expiredBy: 'dave' });
    expect(silenceState(expired, Date.now())).toBe('expired');
    await waitFor(() => ofType('silences').some((e) => e.silences.some((s) => s.id === silence.id && s.expiredBy === 'dave')), 'the expired silence pushed', 5_000);
    // What it held back still fires, unacknowledged: it notifies now, saying which silence kept it, and its case says who ended the quiet.
    const held = ofType('alerts').flatMap((e) => e.alerts).find((a) => a.key === 'binance-usdm:BTCUSDT' && a.state === 'firing')!;
    await waitFor(() => ofType('notify').some((n) => n.alert.id === held.id), () => `the held alert notified (notify events so far: ${ofType('notify').length})`, 5_000);
    expect(ofType('notify').filter((n) => n.alert.id === held.id)).toEqual([
      expect.objectContaining({ afterSilence: silence.id, alert: expect.objectContaining({ state: 'firing', severity: 'critical' }), event: expect.objectContaining({ kind: 'firing', severity: 'critical', rule: 'depth_critical' }) }),
    ]);
    expect((await client.call('alertCase', held.id)).map((e) => [e.kind, e.by, e.text])).toEqual([
      ['silenced', 'alice', expect.stringContaining(`firing not notified: silence ${silence.id}`)],
      ['silenced', 'dave', `still critical, notified: silence ${silence.id} is over (expired early by dave)`],
    ]);
    const window = await client.call('createSilence', {
      matcher: { kind: 'instrument', value: 'ETH-USDT-PERP' },
      rule: 'spread_critical',
      createdBy: 'erin',
      comment: 'planned venue upgrade',
      startsAt: Date.now() + 2 * H,
      endsAt: Date.now() + 3 * H,
    });
    expect(silenceState(window, Date.now())).toBe('pending');
    const alert = ofType('alerts').flatMap((e) => e.alerts).find((a) => a.key === 'okx:BTC-USDT-SWAP')!;

    client.close();
    await running.stop();
    await start();
    const after = await client.call('snapshot');
    expect(after.silences!.map((s) => [s.id, s.createdBy, s.expiredBy])).toEqual([
      [silence.id, 'alice', 'dave'],
      [short.id, 'frank', null],
      [window.id, 'erin', null],
    ]);
    expect((await client.call('alertCase', alert.id)).map((e) => e.kind)).toEqual(['note', 'assigned']);
  }, 90_000);
});

describe('a silence expires on its own', () => {
  it('silences until endsAt and not after, without anyone expiring it', () => {
    const desk = new AlertDesk({
      dbPath: null,
      known: () => ({ keys: new Set(['okx:BTC-USDT-SWAP']), instruments: new Set(), venues: new Set(['okx']) }),
      openAlert: () => undefined,
      historyDb: () => null,
    });
    const now = 1_000_000;
    desk.createSilence({ matcher: { kind: 'key', value: 'okx:BTC-USDT-SWAP' }, createdBy: 'a', comment: 'short', endsAt: now + 1000 }, now);
    const alert = { key: 'okx:BTC-USDT-SWAP', instrumentId: 'BTC-USDT-PERP', venue: 'okx', rule: 'depth_critical' } as Parameters<AlertDesk['silencing']>[0];
    expect(desk.silencing(alert, now + 999)?.createdBy).toBe('a');
    expect(desk.silencing(alert, now + 1000)).toBeNull();
    expect(desk.silencing({ ...alert, key: 'okx:ETH-USDT-SWAP' }, now + 10)).toBeNull();
    desk.close();
  });
});
