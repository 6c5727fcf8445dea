import { WebSocket, type RawData } from 'ws';
import { ApiRequestError, validateRequest, type ConsoleApi, type ConsoleEvent, type WireMessage } from '../../shared/contract';
import { openClientSession } from './client-session';

/** Past this much unsent data, coalescible events (rows, books, feeds, progress) are skipped for this client. */
const SKIP_BUFFERED = 1 << 20;
/** Past this, the client is not reading at all: drop it rather than hold the engine's memory hostage. */
const DROP_BUFFERED = 64 << 20;

/**
 * One browser connection speaking {@link WireMessage}: every request is
 * validated with `validateRequest`, answered once (a bad one gets an error
 * response, never a crash or a dropped connection), and engine events are
 * pushed through the client's own session (client-session.ts: full rows for
 * what it shows, summaries and feed views at most once a second). Alert
 * events and summaries are never skipped (a summary is a delta: a skipped
 * one would leave rows wrong); full rows, books and feed views are, for a
 * client too slow to take them (the next update replaces them).
 */
export function serveSocket(ws: WebSocket, engine: ConsoleApi): void {
  const api = openClientSession(engine);
  const send = (message: WireMessage): void => {
    if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(message));
  };
  const unsubscribe = api.subscribe((event: ConsoleEvent) => {
    if (ws.bufferedAmount > DROP_BUFFERED) {
      ws.terminate();
      return;
    }
    const essential = event.type === 'alerts' || event.type === 'notify' || event.type === 'mode' || event.type === 'summary' || event.type === 'silences' || event.type === 'case';
    if (!essential && ws.bufferedAmount > SKIP_BUFFERED) return;
    send({ kind: 'event', event });
  });
  const close = (): void => {
    unsubscribe();
    api.close();
  };
  ws.on('close', close);
  ws.on('error', close);
  ws.on('message', (data: RawData, isBinary: boolean) => {
    void answer(data, isBinary).then(send);
  });

  async function answer(data: RawData, isBinary: boolean): Promise<WireMessage> {
    let id = -1;
    try {
      if (isBinary) throw new ApiRequestError('binary frames are not accepted: send JSON text');
      let message: unknown;
      try {
        message = JSON.parse(data.toString());
      } catch {
        throw new ApiRequestError('not JSON');
      }
      if (typeof message !== 'object' || message === null) throw new ApiRequestError('expected a request object');
      const m = message as Record<string, unknown>;
      if (typeof m.id === 'number' && Number.isSafeInteger(m.id)) id = m.id;
      if (m.kind !== 'request' || id === -1) throw new ApiRequestError('expected {kind: "request", id: integer, method, args}');
      const { method, args } = validateRequest(m.method, m.args);
      const call = api[method] as (...a: unknown[]) => Promise<unknown>;
      const result = await call.apply(api, args);
      return { kind: 'response', id, ok: true, result: result ?? null };
    } catch (error) {
      return { kind: 'response', id, ok: false, error: error instanceof Error ? error.message : String(error) };
    }
  }
}
