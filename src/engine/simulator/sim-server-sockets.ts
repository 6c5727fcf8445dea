import type { WebSocket } from 'ws';
import { okxError, okxSubscribeAck } from './okx-protocol';
import type { SimVenue } from './sim-instruments';
import type { Endpoint, SimMarket } from './sim-market';

/** One accepted socket and what it is subscribed to. */
export interface SimClient {
  readonly ws: WebSocket;
  readonly venue: SimVenue;
  /** Endpoint of the path it connected to; null takes every stream (pre-2026 USD-M `/stream`). */
  readonly endpoint: Endpoint | null;
  /** Binance stream names, or OKX `channel:instId`. */
  readonly streams: Set<string>;
  readonly connId: string;
}

/**
 * Binance live subscription requests:
 * `{"method":"SUBSCRIBE"|"UNSUBSCRIBE"|"LIST_SUBSCRIPTIONS","params":[...],"id":N}`.
 * https://developers.binance.com/docs/binance-spot-api-docs/web-socket-streams#live-subscribingunsubscribing-to-streams
 */
export function handleBinanceMessage(client: SimClient, text: string): void {
  let request: { method?: unknown; params?: unknown; id?: unknown };
  try {
    request = JSON.parse(text) as typeof request;
  } catch {
    client.ws.send(JSON.stringify({ error: { code: 3, msg: 'Invalid JSON' }, id: null }));
    return;
  }
  const id = typeof request.id === 'number' || typeof request.id === 'string' ? request.id : null;
  const params = Array.isArray(request.params) ? request.params.filter((p): p is string => typeof p === 'string') : [];
  switch (request.method) {
    case 'SUBSCRIBE':
      for (const p of params) client.streams.add(p);
      client.ws.send(JSON.stringify({ result: null, id }));
      return;
    case 'UNSUBSCRIBE':
      for (const p of params) client.streams.delete(p);
      client.ws.send(JSON.stringify({ result: null, id }));
      return;
    case 'LIST_SUBSCRIPTIONS':
      client.ws.send(JSON.stringify({ result: [...client.streams], id }));
      return;
    default:
      client.ws.send(JSON.stringify({ error: { code: 2, msg: `Invalid request: unknown method ${String(request.method)}` }, id }));
  }
}

const OKX_CHANNELS = new Set(['books', 'books5', 'tickers', 'mark-price', 'funding-rate', 'index-tickers']);

/**
 * OKX public socket: text `ping` -> `pong`; `{"op":"subscribe"|"unsubscribe","args":[...]}`
 * acked per arg. Under the legacy protocol a `books` subscription is followed
 * by a socket snapshot; under 2026 the client fetches REST.
 * https://www.okx.com/docs-v5/en/#overview-websocket-subscribe
 */
export function handleOkxMessage(client: SimClient, text: string, market: SimMarket, now: number): void {
  if (text === 'ping') {
    client.ws.send('pong');
    return;
  }
  let request: { op?: unknown; args?: unknown };
  try {
    request = JSON.parse(text) as typeof request;
  } catch {
    client.ws.send(okxError('60012', `Invalid request: ${text.slice(0, 60)}`, client.connId));
    return;
  }
  if ((request.op !== 'subscribe' && request.op !== 'unsubscribe') || !Array.isArray(request.args)) {
    client.ws.send(okxError('60012', `Invalid request: ${text.slice(0, 60)}`, client.connId));
    return;
  }
  const indices = new Set(market.instrumentsOf('okx').flatMap((i) => (i.index === undefined ? [] : [i.index])));
  for (const raw of request.args as unknown[]) {
    const arg = (typeof raw === 'object' && raw !== null ? raw : {}) as { channel?: unknown; instId?: unknown };
    const channel = typeof arg.channel === 'string' ? arg.channel : '';
    const instId = typeof arg.instId === 'string' ? arg.instId : '';
    const listing = market.listing('okx', instId);
    const known = OKX_CHANNELS.has(channel) && (channel === 'index-tickers' ? indices.has(instId) : listing !== undefined);
    if (!known) {
      client.ws.send(okxError('60018', `Wrong URL or channel:${channel},instId:${instId} doesn't exist.`, client.connId));
      continue;
    }
    const key = `${channel}:${instId}`;
    if (request.op === 'unsubscribe') {
      client.streams.delete(key);
      client.ws.send(JSON.stringify({ event: 'unsubscribe', arg: { channel, instId }, connId: client.connId }));
      continue;
    }
    client.streams.add(key);
    client.ws.send(okxSubscribeAck({ channel, instId }, client.connId));
    if (channel === 'books' && listing !== undefined && market.okxProtocol === 'legacy') client.ws.send(market.okxSocketSnapshot(listing, now));
    // books5 starts with the current picture, under every protocol.
    if (channel === 'books5' && listing !== undefined) client.ws.send(market.okxBooks5Text(listing, now));
  }
}
