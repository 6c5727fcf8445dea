/**
 * Engine-to-UI bytes per second per client at scale, over the real
 * WebSocket API, engine and simulator: one client that never declares its
 * interest (every row in full, as before issue 11) and one that shows a
 * screenful (60 rows, one selected) as the console does. Not a test: a measurement for
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
  const plain: Tally = { bytes: 0, byType: {}, keys: new Set() };
  const screen: Tally = { bytes: 0, byType: {}, keys: new Set() };
  const [a, b] = await Promise.all([open(url), open(url)]);
  listen(a, plain);
  listen(b, screen);
  // The console's start: interest first, then the snapshot (main.tsx); the 60 rows are picked once rows exist.
  let interestSet = false;
  let start = Date.now();
  const line = (name: string, t: Tally, secs: number) =>
    `${name}: ${Math.round(t.bytes / secs).toLocaleString('en-US')} B/s, keys seen ${t.keys.size}, by type ${JSON.stringify(Object.fromEntries(Object.entries(t.byType).map(([k, v]) => [k, Math.round(v / secs)])))}`;
  for (let elapsed = 0; elapsed < seconds; elapsed += 10) {
    await new Promise((r) => setTimeout(r, 10_000));
    if (!interestSet && plain.keys.size > 0) {
      // As the console on its overview: one selected instrument in full, a screenful of rows on screen.
      const shown = [...plain.keys].slice(0, Math.min(60, Math.ceil(plain.keys.size / 4)));
      const keys = shown.slice(0, 1);
      b.send(JSON.stringify({ kind: 'request', id: 1, method: 'setInterest', args: [{ keys, shown }] }));
      b.send(JSON.stringify({ kind: 'request', id: 2, method: 'snapshot', args: [] }));
      interestSet = true;
      // Count from here: both clients over the same window.
      plain.bytes = 0;
      plain.byType = {};
      screen.bytes = 0;
      screen.byType = {};
      start = Date.now();
      console.log(`instruments reporting: ${plain.keys.size}; interest set: ${keys.length} in full, ${shown.length} on screen`);
      continue;
    }
    const secs = (Date.now() - start) / 1000;
    console.log(`${secs.toFixed(0)} s  ${line('plain', plain, secs)}`);
    console.log(`${secs.toFixed(0)} s  ${line('screen', screen, secs)}`);
  }
  a.close();
  b.close();
  await running.stop();
  process.exit(0);
}

void main();
