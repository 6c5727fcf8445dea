/* global process */
// Stand-in for the console's renderer in the live latency bench: a WebSocket
// client of `surveil serve`'s API in a process of its own (so its JSON parsing
// does not share the engine's main thread), showing `SHOWN` rows in full as a
// screen of the overview would. Prints one line per alert event received:
// {"k":"<alertId>|<kind>|<time>","at":<epoch ms, sub-ms>}.
// Usage: node bench/screen-client.mjs ws://127.0.0.1:PORT/api
import { performance } from 'node:perf_hooks';
import { WebSocket } from 'ws';

const SHOWN = 40;
const ws = new WebSocket(process.argv[2]);
let asked = false;
ws.on('message', (data) => {
  const at = performance.timeOrigin + performance.now();
  const message = JSON.parse(data.toString());
  if (message.kind !== 'event') return;
  const event = message.event;
  if (event.type === 'alerts') {
    const lines = event.events.map((e) => JSON.stringify({ k: `${e.alertId}|${e.kind}|${e.time}`, at }));
    if (lines.length > 0) process.stdout.write(`${lines.join('\n')}\n`);
  } else if (event.type === 'overview' && !asked) {
    asked = true;
    const keys = event.rows.slice(0, SHOWN).map((r) => r.key);
    ws.send(JSON.stringify({ kind: 'request', id: 1, method: 'setInterest', args: [{ keys }] }));
  }
});
ws.on('open', () => process.stderr.write('screen client connected\n'));
ws.on('error', (error) => {
  process.stderr.write(`screen client: ${error.message}\n`);
  process.exit(1);
});
ws.on('close', () => process.exit(0));
