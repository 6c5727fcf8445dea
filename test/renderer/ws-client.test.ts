import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { WireMessage } from '../../src/shared/contract';
import type { LinkState } from '../../src/renderer/src/api/connection';
import { createWsClient, type SocketHandlers } from '../../src/renderer/src/api/ws-client';
import { snapshot } from './fixtures';

/** A fake server end: records frames sent, lets the test open, answer and drop the socket. */
class FakeLink {
  sockets: { handlers: SocketHandlers; sent: WireMessage[]; url: string }[] = [];
  connect = (url: string, handlers: SocketHandlers) => {
    const socket = { handlers, sent: [] as WireMessage[], url };
    this.sockets.push(socket);
    return { send: (data: string) => socket.sent.push(JSON.parse(data) as WireMessage), close: () => handlers.close('closed by client') };
  };
  get current() {
    return this.sockets[this.sockets.length - 1]!;
  }
  reply(id: number, result: unknown) {
    this.current.handlers.message(JSON.stringify({ kind: 'response', id, ok: true, result }));
  }
}

const requests = (sent: WireMessage[]) => sent.flatMap((m) => (m.kind === 'request' ? [{ id: m.id, method: m.method, args: m.args }] : []));

describe('ws client', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('queues requests until the socket opens, then matches responses by id', async () => {
    const link = new FakeLink();
    const client = createWsClient({ url: 'ws://h/api?token=t', connect: link.connect, random: () => 0.5 });
    expect(link.current.url).toBe('ws://h/api?token=t');
    const snap = client.snapshot();
    const trail = client.alertTrail('a1');
    expect(link.current.sent).toEqual([]);
    link.current.handlers.open();
    const sent = requests(link.current.sent);
    expect(sent.map((r) => r.method)).toEqual(['snapshot', 'alertTrail']);
    expect(sent[1]!.args).toEqual(['a1']);
    link.reply(sent[1]!.id, []);
    link.reply(sent[0]!.id, snapshot());
    await expect(trail).resolves.toEqual([]);
    await expect(snap).resolves.toMatchObject({ apiVersion: 1 });
  });

  it('rejects a request the server refused', async () => {
    const link = new FakeLink();
    const client = createWsClient({ url: 'ws://h/api', connect: link.connect });
    link.current.handlers.open();
    const p = client.acknowledge({ alertId: 'x', by: 'me', note: '' });
    const [req] = requests(link.current.sent);
    link.current.handlers.message(JSON.stringify({ kind: 'response', id: req!.id, ok: false, error: 'acknowledge: unknown alert' }));
    await expect(p).rejects.toThrow('unknown alert');
  });

  it('delivers events to subscribers until they unsubscribe', () => {
    const link = new FakeLink();
    const client = createWsClient({ url: 'ws://h/api', connect: link.connect });
    link.current.handlers.open();
    const seen: string[] = [];
    const off = client.subscribe((e) => seen.push(e.type));
    link.current.handlers.message(JSON.stringify({ kind: 'event', event: { type: 'feeds', feeds: [] } }));
    link.current.handlers.message('not json');
    off();
    link.current.handlers.message(JSON.stringify({ kind: 'event', event: { type: 'feeds', feeds: [] } }));
    expect(seen).toEqual(['feeds']);
  });

  it('reconnects with backoff, re-sends watchBook and reports the reconnect', async () => {
    const link = new FakeLink();
    const client = createWsClient({ url: 'ws://h/api', connect: link.connect, random: () => 0.5, backoff: { baseMs: 100, maxMs: 1000, jitter: 0 } });
    const states: [LinkState['status'], boolean][] = [];
    client.onLink((state, reconnected) => states.push([state.status, reconnected]));
    link.current.handlers.open();
    void client.watchBook('okx:BTC-USDT-SWAP').catch(() => undefined); // in flight when the link drops
    const inFlight = client.snapshot();
    link.current.handlers.close('server restart');
    await expect(inFlight).rejects.toThrow('connection lost');
    expect(client.link()).toMatchObject({ status: 'reconnecting', attempt: 1 });
    vi.advanceTimersByTime(99);
    expect(link.sockets).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(link.sockets).toHaveLength(2);
    link.current.handlers.close('refused');
    vi.advanceTimersByTime(200);
    expect(link.sockets).toHaveLength(3);
    link.current.handlers.open();
    expect(requests(link.current.sent)).toEqual([expect.objectContaining({ method: 'watchBook', args: ['okx:BTC-USDT-SWAP'] })]);
    expect(states).toEqual([
      ['open', false],
      ['reconnecting', false],
      ['reconnecting', false],
      ['open', true],
    ]);
  });

  it('does not re-watch a book the console stopped watching', () => {
    const link = new FakeLink();
    const client = createWsClient({ url: 'ws://h/api', connect: link.connect, random: () => 0.5 });
    link.current.handlers.open();
    void client.watchBook('okx:X').catch(() => undefined);
    void client.watchBook(null).catch(() => undefined);
    link.current.handlers.close('x');
    vi.runOnlyPendingTimers();
    link.current.handlers.open();
    expect(link.current.sent).toEqual([]);
  });

  it('times out a request without an answer and stops after close()', async () => {
    const link = new FakeLink();
    const client = createWsClient({ url: 'ws://h/api', connect: link.connect, requestTimeoutMs: 1000 });
    link.current.handlers.open();
    const p = client.listCaptures();
    vi.advanceTimersByTime(1000);
    await expect(p).rejects.toThrow('no answer');
    client.close();
    vi.runAllTimers();
    expect(link.sockets).toHaveLength(1);
  });
});
