import type { WebSocket } from 'ws';
import { BYBIT_SIM_DEPTH, bybitOpReply, bybitPong } from './bybit-protocol';
import { okxError, okxSubscribeAck } from './okx-protocol';
import type { SimBybitCategory, SimVenue } from './sim-instruments';
import type { Endpoint, SimListing, SimMarket } from './sim-market';

/** One accepted socket and what it is subscribed to. */
export interface SimClient {
  readonly ws: WebSocket;
  readonly venue: SimVenue;
  /** Endpoint of the path it connected to; null takes every stream (pre-2026 USD-M `/stream`). */
  readonly endpoint: Endpoint | null;
  /** Binance stream names, OKX `channel:instId`, or Bybit topics. */
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

/** The Bybit category a socket endpoint serves. */
export function bybitCategoryOf(endpoint: Endpoint | null): SimBybitCategory {
  return endpoint === 'bybit-spot' ? 'spot' : endpoint === 'inverse' ? 'inverse' : 'linear';
}

/** The listing a Bybit topic names on a socket of `category`, or undefined (unknown topic, symbol, depth or another category's symbol). */
function bybitTopicListing(topic: string, category: SimBybitCategory, market: SimMarket): SimListing | undefined {
  const parts = topic.split('.');
  const [channel] = parts;
  const wire = channel === 'orderbook' && parts.length === 3 && parts[1] === String(BYBIT_SIM_DEPTH) ? parts[2] : channel === 'tickers' && parts.length === 2 ? parts[1] : undefined;
  if (wire === undefined) return undefined;
  const listing = market.listing('bybit', category === 'spot' ? `${wire}-SPOT` : wire);
  return listing?.instrument.category === category ? listing : undefined;
}

/**
 * Bybit v5 public socket: `{"op":"ping"}` answered with a pong,
 * `{"op":"subscribe"|"unsubscribe","args":[topics]}` answered with one
 * reply per request. A subscribe to a topic the venue does not have, or
 * one already followed, is refused in that reply (`success: false`, the
 * topic named); the others are taken. Each book subscribed gets its
 * snapshot and each ticker its snapshot at once.
 * https://bybit-exchange.github.io/docs/v5/ws/connect
 */
export function handleBybitMessage(client: SimClient, text: string, market: SimMarket, now: number): void {
  const category = bybitCategoryOf(client.endpoint);
  let request: { op?: unknown; args?: unknown; req_id?: unknown };
  try {
    request = JSON.parse(text) as typeof request;
  } catch {
    client.ws.send(bybitOpReply('', false, `error:request not a JSON object: ${text.slice(0, 60)}`, client.connId, ''));
    return;
  }
  const reqId = typeof request.req_id === 'string' ? request.req_id : '';
  const op = typeof request.op === 'string' ? request.op : '';
  if (op === 'ping') {
    client.ws.send(bybitPong(category, client.connId, reqId, now));
    return;
  }
  if ((op !== 'subscribe' && op !== 'unsubscribe') || !Array.isArray(request.args)) {
    client.ws.send(bybitOpReply(op, false, `error:unknown op or args: ${text.slice(0, 60)}`, client.connId, reqId));
    return;
  }
  const topics = request.args.filter((a): a is string => typeof a === 'string');
  const refused: string[] = [];
  const taken: [string, SimListing][] = [];
  for (const topic of topics) {
    const listing = bybitTopicListing(topic, category, market);
    if (listing === undefined) refused.push(`handler not found,topic:${topic}`);
    else if (op === 'subscribe' && client.streams.has(topic)) refused.push(`already subscribed,topic:${topic}`);
    else taken.push([topic, listing]);
  }
  for (const [topic] of taken) {
    if (op === 'subscribe') client.streams.add(topic);
    else client.streams.delete(topic);
  }
  client.ws.send(bybitOpReply(op, refused.length === 0, refused.length === 0 ? '' : `error:${refused.join(';')}`, client.connId, reqId));
  if (op !== 'subscribe') return;
  for (const [topic, listing] of taken) {
    client.ws.send(topic.startsWith('orderbook.') ? market.bybitSnapshotText(listing, now) : market.bybitTickerSnapshotText(listing, now));
  }
}
