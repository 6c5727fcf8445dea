/**
 * Engine-to-UI bytes per second per client at scale, over the real
 * WebSocket API, engine and simulator, per 10 s window: what the service
 * emits (what a client that never declares its interest is offered, as
 * before issue 11; past 1 MB unsent its rows are skipped), such a client's
 * socket, and a client that shows a screenful (60 rows, one selected) as the
 * console does. Not a test: a measurement for
 * docs/console-scale.md.
 *
 *   npx tsx test/console/measure-traffic.ts [extraAssets=620] [seconds=60]
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { loadConfig } from '../../src/engine/config/load-config';
import { runConsole } from '../../src/engine/console/run-console';
import type { WireMessage } from '../../src/shared/contract';

interface Tally {
  bytes: number;
  byType: Record<string, number>;
  keys: Set<string>;
}

function listen(ws: WebSocket, tally: Tally): void {
  ws.on('message', (data) => {
    const text = data.toString();
    tally.bytes += Buffer.byteLength(text);
    const message = JSON.parse(text) as WireMessage;
    if (message.kind === 'response' && !message.ok) console.log('request refused:', message.error);
    if (message.kind !== 'event') return;
    const { event } = message;
    tally.byType[event.type] = (tally.byType[event.type] ?? 0) + Buffer.byteLength(text);
    if (event.type === 'overview' || event.type === 'summary') for (const r of event.rows) tally.keys.add(r.key);
  });
}

async function open(url: string): Promise<WebSocket> {
  const ws = new WebSocket(url);
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  return ws;
}

async function main(): Promise<void> {
  const extraAssets = Number(process.argv[2] ?? 620);
  const seconds = Number(process.argv[3] ?? 60);
  const renderer = mkdtempSync(join(tmpdir(), 'surveil-traffic-'));
  writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>console</title>');
  const running = await runConsole({ config: loadConfig(join(process.cwd(), 'config')), demo: 'calm', extraAssets, port: 0, host: '127.0.0.1', rendererDir: renderer });
  const url = `ws://127.0.0.1:${running.web.port}/api`;
  // What a client that never declared its interest is offered: every event, as the service makes it.
  const engine: Tally = { bytes: 0, byType: {}, keys: new Set() };
  running.service.subscribe((event) => {
    const bytes = Buffer.byteLength(JSON.stringify({ kind: 'event', event }));
    engine.bytes += bytes;
    engine.byType[event.type] = (engine.byType[event.type] ?? 0) + bytes;
    if (event.type === 'overview') for (const r of event.rows) engine.keys.add(r.key);
  });
  const plain: Tally = { bytes: 0, byType: {}, keys: new Set() };
  const screen: Tally = { bytes: 0, byType: {}, keys: new Set() };
  const [a, b] = await Promise.all([open(url), open(url)]);
  listen(a, plain);
  listen(b, screen);
  // The console's start: interest first (nothing on screen yet), then the snapshot (main.tsx).
  b.send(JSON.stringify({ kind: 'request', id: 1, method: 'setInterest', args: [{ keys: [], shown: [] }] }));
  b.send(JSON.stringify({ kind: 'request', id: 2, method: 'snapshot', args: [] }));
  let interestSet = false;
  const rate = (name: string, t: Tally, secs: number) =>
    `${name}: ${Math.round(t.bytes / secs).toLocaleString('en-US')} B/s ${JSON.stringify(Object.fromEntries(Object.entries(t.byType).map(([k, v]) => [k, Math.round(v / secs)])))}`;
  const reset = (t: Tally) => {
    t.bytes = 0;
    t.byType = {};
  };
  let windowStart = Date.now();
  for (let elapsed = 0; elapsed < seconds; elapsed += 10) {
    await new Promise((r) => setTimeout(r, 10_000));
    if (!interestSet && engine.keys.size > 0) {
      // As the console on its overview: one selected instrument in full, a screenful of rows on screen.
      const shown = [...engine.keys].slice(0, 60);
      b.send(JSON.stringify({ kind: 'request', id: 3, method: 'setInterest', args: [{ keys: shown.slice(0, 1), shown }] }));
      interestSet = true;
    }
    const secs = (Date.now() - windowStart) / 1000;
    console.log(`t=${elapsed + 10}s instruments reporting ${engine.keys.size}`);
    console.log(`  ${rate('engine (uncoalesced)', engine, secs)}`);
    console.log(`  ${rate('plain socket', plain, secs)}`);
    console.log(`  ${rate('console socket', screen, secs)}`);
    for (const t of [engine, plain, screen]) reset(t);
    windowStart = Date.now();
  }
  a.close();
  b.close();
  await running.stop();
  process.exit(0);
}

void main();
