import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import type { ExchangesConfig } from '../../shared/config';
import { loadConfig } from '../config/load-config';
import { simulatorExchanges } from '../venues/registry';
import { coinmExchangeInfo, coinmTicker24h } from './binance-coinm-protocol';
import { binanceExchangeInfo } from './binance-protocol';
import { bybitBookTopic, bybitInstrumentsPage, bybitRest, bybitRestTicker } from './bybit-protocol';
import type { SimLabels } from './labels';
import { okxInstruments, type OkxProtocol } from './okx-protocol';
import { Prng } from './prng';
import { ScenarioEffects } from './scenario-effects';
import { defaultOkxProtocol, mergePlans, type ScenarioRequest } from './scenarios';
import { planSimulation, type SimulateOptions } from './sim-capture';
import { SIM_VENUES, type SimBybitCategory, type SimVenue } from './sim-instruments';
import { binancePartialStream, bookEndpoint, SimMarket, type Emission, type Endpoint, type SimListing } from './sim-market';
import { SimRestLimits } from './sim-rest-limits';
import { SimSubscribers } from './sim-subscribers';
import { handleBinanceMessage, handleBybitMessage, handleOkxMessage, type SimClient } from './sim-server-sockets';
import { traitsOf, type SimWire } from './sim-venues';
import { binanceTicker24h, okxTicker24h } from './sim-tickers';

/** Options of a live simulated exchange. */
export interface SimServerOptions extends Omit<SimulateOptions, 'startTime' | 'scenario'> {
  readonly scenario?: SimulateOptions['scenario'];
  /** Interface to listen on (loopback by default: the simulator has no authentication). */
  readonly host?: string;
  /** Fixed ports per venue; 0 or absent picks a free one. */
  readonly ports?: Partial<Record<SimVenue, number>>;
  /** How often the market moves and messages go out (ms, default 50). */
  readonly tickMs?: number;
  /** Binance sends a WebSocket ping this often (spot: every 20 s). */
  readonly pingIntervalMs?: number;
  /**
   * Several scenarios in one run, each with its own timing (a live demo);
   * replaces `scenario` and its timing options when given.
   */
  readonly schedule?: readonly ScenarioRequest[];
  /**
   * Bybit `instruments-info` pages hold at most this many entries whatever
   * the `limit` asked (default: the venue's 1000), so a test can make a
   * client follow `nextPageCursor` with a handful of listings.
   */
  readonly bybitPageSize?: number;
}

/** Base URLs of one simulated venue. */
export interface SimVenueUrls {
  readonly http: string;
  readonly ws: string;
  readonly port: number;
}

interface VenueServer {
  readonly venue: SimVenue;
  readonly http: Server;
  readonly wss: WebSocketServer;
  readonly clients: Set<SimClient>;
  readonly port: number;
  /** Request weights and limits per client IP, as the venue enforces them. */
  readonly limits: SimRestLimits;
  readonly subscribers: SimSubscribers;
  cut: boolean;
}

/** WebSocket paths per venue and the endpoint each serves (`null`: every stream, the pre-2026 USD-M path). */
const WS_PATHS: Readonly<Record<SimVenue, Readonly<Record<string, Endpoint | null>>>> = {
  'binance-spot': { '/stream': 'spot', '/ws': 'spot' },
  'binance-usdm': { '/public/stream': 'public', '/market/stream': 'market', '/public/ws': 'public', '/market/ws': 'market', '/stream': null, '/ws': null },
  okx: { '/ws/v5/public': 'okx' },
  // COIN-M kept one dstream base for every public stream (+ /ws/<stream> raw streams).
  'binance-coinm': { '/stream': 'dstream', '/ws': 'dstream' },
  bybit: { '/v5/public/spot': 'bybit-spot', '/v5/public/linear': 'linear', '/v5/public/inverse': 'inverse' },
};

/** What a socket's text messages are handed to, per wire family. */
const MESSAGE_HANDLERS: Readonly<Record<SimWire, (client: SimClient, text: string, market: SimMarket, now: number) => void>> = {
  binance: (client, text) => handleBinanceMessage(client, text),
  okx: handleOkxMessage,
  bybit: handleBybitMessage,
};

/** Binance services by venue: their REST prefix and the market name their weights and bodies go by. */
const BINANCE_REST: Readonly<Partial<Record<SimVenue, { readonly prefix: string; readonly market: 'spot' | 'usdm' | 'coinm' }>>> = {
  'binance-spot': { prefix: '/api/v3', market: 'spot' },
  'binance-usdm': { prefix: '/fapi/v1', market: 'usdm' },
  'binance-coinm': { prefix: '/dapi/v1', market: 'coinm' },
};

/**
 * Binance spot, USD-M and COIN-M, OKX and Bybit on loopback ports, speaking
 * their real protocols (REST metadata and book snapshots, combined streams
 * and SUBSCRIBE, OKX and Bybit subscribe/ping), fed by the same simulated market and
 * scenarios as the captures. Point exchanges.yaml at {@link exchangesConfig}
 * and the live feeds connect to it as to the venues.
 */
export class SimServer {
  private timer: NodeJS.Timeout | null = null;
  private pinger: NodeJS.Timeout | null = null;
  private tickMs = 50;
  private bybitPageSize = 1000;
  /** USD-M partial depth: the `u` each symbol's last push carried (the next one's `pu`). */
  private readonly partialIds = new Map<string, number>();

  private constructor(
    readonly market: SimMarket,
    readonly effects: ScenarioEffects,
    readonly labels: SimLabels,
    private readonly venues: Map<SimVenue, VenueServer>,
    private readonly host: string,
    private readonly rng: Prng,
  ) {}

  /** Starts every venue; the scenario clock starts now. */
  static async start(options: SimServerOptions = {}): Promise<SimServer> {
    const startTime = Date.now();
    const okxProtocol: OkxProtocol = options.okxProtocol ?? defaultOkxProtocol(options.schedule?.length ? options.schedule.map((r) => r.scenario) : [options.scenario]);
    const { plan, labels } = options.schedule?.length
      ? planSchedule(options, options.schedule, startTime, okxProtocol)
      : planSimulation({ ...options, scenario: options.scenario ?? 'calm', startTime, okxProtocol });
    const effects = new ScenarioEffects(plan);
    const seed = options.seed ?? 1;
    const market = new SimMarket({ seed, startTime, effects, okxProtocol, extraAssets: options.extraAssets ?? 0 });
    const host = options.host ?? '127.0.0.1';
    const venues = new Map<SimVenue, VenueServer>();
    const server = new SimServer(market, effects, labels, venues, host, new Prng(seed, 'server'));
    for (const venue of SIM_VENUES) venues.set(venue, await server.listen(venue, host, options.ports?.[venue] ?? 0));
    server.tickMs = options.tickMs ?? 50;
    server.bybitPageSize = Math.max(1, options.bybitPageSize ?? 1000);
    server.timer = setInterval(() => server.tick(), server.tickMs);
    server.pinger = setInterval(() => server.pingBinance(), options.pingIntervalMs ?? 20_000);
    return server;
  }

  /** Base URLs per venue. */
  get urls(): Record<SimVenue, SimVenueUrls> {
    const out = {} as Record<SimVenue, SimVenueUrls>;
    for (const [venue, v] of this.venues) out[venue] = { http: `http://${this.host}:${v.port}`, ws: `ws://${this.host}:${v.port}`, port: v.port };
    return out;
  }

  /** REST limits of a venue: what each IP spent and how many requests were refused (429, 418). */
  restLimits(venue: SimVenue): SimRestLimits {
    return this.venues.get(venue)!.limits;
  }

  /** Open sockets per venue (tests watch disconnects with it). */
  connections(venue: SimVenue): number {
    return this.venues.get(venue)!.clients.size;
  }

  /**
   * exchanges.yaml pointed at this server: the base config's connection
   * settings (default: the shipped config) with every URL replaced.
   */
  exchangesConfig(base: ExchangesConfig = loadConfig().exchanges): ExchangesConfig {
    const urls: Readonly<Record<string, SimVenueUrls | undefined>> = this.urls;
    // Each venue's module says where in its block the URLs go (venues/<venue>/config.ts simulatorBlock).
    return simulatorExchanges(base, (venue) => urls[venue]);
  }

  /**
   * Holds the market still: nothing moves or is published until
   * {@link resume}, while sockets and REST keep answering. A test compares a
   * client's books with the venue's own once the client has caught up.
   */
  pause(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Moves the market on again after {@link pause} (from now: the paused time is skipped, not replayed). */
  resume(): void {
    if (this.timer === null) this.timer = setInterval(() => this.tick(), this.tickMs);
  }

  /**
   * Bybit re-sends a book's snapshot to its subscribers, as the venue may
   * at any time ("if there is a problem on Bybit's end"): the book it
   * carries replaces the client's.
   */
  resendBybitSnapshot(symbol: string): number {
    const listing = this.market.listing('bybit', symbol);
    if (listing === undefined) throw new Error(`bybit lists no ${symbol}`);
    const venue = this.venues.get('bybit')!;
    const topic = bybitBookTopic(listing.instrument);
    const text = this.market.bybitSnapshotText(listing, Date.now());
    let sent = 0;
    for (const client of venue.subscribers.of(topic)) {
      if (client.endpoint !== bookEndpoint(listing.instrument) || client.ws.readyState !== WebSocket.OPEN) continue;
      client.ws.send(text);
      sent += 1;
    }
    return sent;
  }

  /** Stops the clock, closes every socket and server. */
  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    if (this.pinger) clearInterval(this.pinger);
    this.timer = null;
    this.pinger = null;
    await Promise.all(
      [...this.venues.values()].map(async (v) => {
        for (const client of v.clients) client.ws.terminate();
        await new Promise<void>((resolve) => v.wss.close(() => resolve()));
        v.http.closeAllConnections();
        await new Promise<void>((resolve) => v.http.close(() => resolve()));
      }),
    );
  }

  private async listen(venue: SimVenue, host: string, port: number): Promise<VenueServer> {
    const http = createServer((req, res) => this.rest(venue, req, res));
    const wss = new WebSocketServer({ noServer: true });
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen(port, host, () => resolve());
    });
    const state: VenueServer = { venue, http, wss, clients: new Set(), port: (http.address() as AddressInfo).port, limits: new SimRestLimits(), subscribers: new SimSubscribers(), cut: false };
    http.on('upgrade', (req, socket, head) => this.upgrade(state, req, socket, head));
    return state;
  }

  private upgrade(state: VenueServer, req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://sim');
    const paths = WS_PATHS[state.venue];
    // Binance raw streams: `/ws/<stream>` (and `/public/ws/<stream>`) is the `/ws` endpoint.
    const raw = traitsOf(state.venue).wire === 'binance' && url.pathname.includes('/ws/');
    const path = raw ? url.pathname.slice(0, url.pathname.indexOf('/ws/') + 3) : url.pathname;
    if (!(path in paths) || this.effects.disconnected(state.venue, Date.now())) {
      // Unknown path, or the venue is "down": refuse the handshake as a load balancer would.
      socket.end(`HTTP/1.1 ${path in paths ? '503 Service Unavailable' : '404 Not Found'}\r\nConnection: close\r\n\r\n`);
      return;
    }
    state.wss.handleUpgrade(req, socket, head, (ws) => {
      const connId = Math.floor(this.rng.uniform(0, 0xffffffff)).toString(16).padStart(8, '0');
      const initial = (url.searchParams.get('streams') ?? '').split('/').filter((s) => s !== '');
      const client: SimClient = { ws, venue: state.venue, endpoint: paths[path] ?? null, streams: state.subscribers.streamsFor(() => client), connId };
      for (const stream of initial) client.streams.add(stream);
      state.clients.add(client);
      const gone = () => {
        state.clients.delete(client);
        client.streams.clear();
      };
      ws.on('close', gone);
      ws.on('error', gone);
      ws.on('message', (data, isBinary) => {
        if (isBinary) return;
        MESSAGE_HANDLERS[traitsOf(state.venue).wire](client, data.toString(), this.market, Date.now());
      });
    });
  }

  private tick(): void {
    const now = Date.now();
    for (const v of this.venues.values()) {
      const down = this.effects.disconnected(v.venue, now);
      if (down && !v.cut) for (const client of v.clients) client.ws.terminate();
      v.cut = down;
    }
    for (const emission of this.market.step(now)) if (!emission.dropped) this.broadcast(emission);
  }

  private broadcast(emission: Emission): void {
    // A book update also moves the partial picture (Binance depth20, OKX books5), built once if anyone follows it.
    const partial = emission.kind === 'depth' ? partialStreamOf(traitsOf(emission.venue).wire, emission.symbol) : null;
    const subscribers = this.venues.get(emission.venue)!.subscribers;
    const send = (client: SimClient, text: () => string): void => {
      if (client.endpoint !== null && client.endpoint !== emission.endpoint) return;
      if (client.ws.readyState === WebSocket.OPEN) client.ws.send(text());
    };
    for (const client of subscribers.of(emission.stream)) send(client, () => emission.text);
    if (partial === null) return;
    let partialText: string | undefined;
    for (const client of subscribers.of(partial)) send(client, () => (partialText ??= this.partialText(emission)));
  }

  private partialText(emission: Emission): string {
    const listing = this.market.listing(emission.venue, emission.symbol)!;
    if (emission.venue === 'okx') return this.market.okxBooks5Text(listing, emission.time);
    const key = `${emission.venue}:${emission.symbol}`;
    const prev = this.partialIds.get(key) ?? listing.lastId;
    this.partialIds.set(key, listing.lastId);
    return this.market.binancePartialText(listing, emission.time, prev);
  }

  private pingBinance(): void {
    for (const v of this.venues.values()) if (traitsOf(v.venue).serverPings) for (const client of v.clients) client.ws.ping();
  }

  private rest(venue: SimVenue, req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://sim');
    const now = Date.now();
    const ip = req.socket.remoteAddress ?? 'unknown';
    const limits = this.venues.get(venue)!.limits;
    const binance = BINANCE_REST[venue];
    const wire = traitsOf(venue).wire;
    const verdict =
      wire === 'okx' ? limits.judgeOkx(ip, url.pathname, now) : wire === 'bybit' ? limits.judgeBybit(ip, now) : limits.judgeBinance(binance!.market, ip, url.pathname, url.searchParams, now);
    if (!verdict.ok) {
      res.writeHead(verdict.status, { 'content-type': 'application/json', ...verdict.headers });
      res.end(verdict.body);
      return;
    }
    const reply = (status: number, body: string): void => {
      res.writeHead(status, { 'content-type': 'application/json', ...verdict.headers });
      res.end(body);
    };
    if (wire === 'okx') return this.okxRest(url, now, reply);
    if (wire === 'bybit') return this.bybitRest(url, now, reply);
    const { prefix, market } = binance!;
    const spot = market === 'spot';
    const listings = this.market.instrumentsOf(venue);
    const invalid = () => reply(400, JSON.stringify({ code: -1121, msg: 'Invalid symbol.' }));
    switch (url.pathname) {
      case `${prefix}/ping`:
        return reply(200, '{}');
      case `${prefix}/time`:
        return reply(200, JSON.stringify({ serverTime: now }));
      case `${prefix}/exchangeInfo`: {
        const one = url.searchParams.get('symbol');
        const many = url.searchParams.get('symbols');
        let wanted: string[] | null = one !== null ? [one] : null;
        if (many !== null) {
          try {
            wanted = JSON.parse(many) as string[];
          } catch {
            return reply(400, JSON.stringify({ code: -1100, msg: "Illegal characters found in parameter 'symbols'." }));
          }
        }
        const chosen = wanted === null ? listings : listings.filter((i) => wanted.includes(i.symbol));
        if (wanted !== null && chosen.length !== wanted.length) return invalid();
        return reply(200, market === 'coinm' ? coinmExchangeInfo(chosen, now) : binanceExchangeInfo(market, chosen, now));
      }
      case `${prefix}/ticker/24hr`: {
        const one = url.searchParams.get('symbol');
        const many = url.searchParams.get('symbols');
        const body = (listing: SimListing) => (market === 'coinm' ? coinmTicker24h : binanceTicker24h)(this.market.tickerInputs(listing), now);
        if (one !== null) {
          const listing = this.market.listing(venue, one.toUpperCase());
          return listing === undefined ? invalid() : reply(200, JSON.stringify(body(listing)));
        }
        let chosen = listings;
        if (many !== null && spot) {
          try {
            const wanted = JSON.parse(many) as string[];
            chosen = listings.filter((i) => wanted.includes(i.symbol));
            if (chosen.length !== wanted.length) return invalid();
          } catch {
            return reply(400, JSON.stringify({ code: -1100, msg: "Illegal characters found in parameter 'symbols'." }));
          }
        }
        return reply(200, JSON.stringify(chosen.map((i) => body(this.market.listing(venue, i.symbol)!))));
      }
      case `${prefix}/depth`: {
        const listing = this.market.listing(venue, (url.searchParams.get('symbol') ?? '').toUpperCase());
        if (listing === undefined) return invalid();
        const limit = Number(url.searchParams.get('limit') ?? 100);
        return reply(200, this.market.binanceSnapshot(listing, now, Number.isFinite(limit) && limit > 0 ? limit : 100));
      }
      default:
        return reply(404, JSON.stringify({ code: -1000, msg: `unknown path ${url.pathname}` }));
    }
  }

  /**
   * Bybit v5 market REST: instruments-info (paged), orderbook, tickers, time.
   * Errors come back as HTTP 200 with a non-zero retCode, as the venue does
   * (https://bybit-exchange.github.io/docs/v5/error).
   */
  private bybitRest(url: URL, now: number, reply: (status: number, body: string) => void): void {
    const params = url.searchParams;
    const fail = (retCode: number, retMsg: string) => reply(200, bybitRest({}, now, retCode, retMsg));
    if (url.pathname === '/v5/market/time') {
      return reply(200, bybitRest({ timeSecond: String(Math.floor(now / 1000)), timeNano: `${now}000000` }, now));
    }
    const category = params.get('category') as SimBybitCategory | null;
    if (category !== 'spot' && category !== 'linear' && category !== 'inverse') return fail(10001, 'params error: category is invalid');
    const listings = this.market.instrumentsOf('bybit').filter((i) => i.category === category);
    const bySymbol = (wire: string | null) => (wire === null ? undefined : listings.find((i) => i.wireSymbol === wire));
    switch (url.pathname) {
      case '/v5/market/instruments-info': {
        const wanted = params.get('symbol');
        const chosen = wanted === null ? listings : listings.filter((i) => i.wireSymbol === wanted);
        // A cursor is the offset it resumes at, opaque to the client as the venue's are.
        const cursor = params.get('cursor');
        const from = cursor === null || cursor === '' ? 0 : Number(Buffer.from(cursor, 'base64').toString('utf8').replace(/^offset=/, ''));
        if (!Number.isInteger(from) || from < 0) return fail(10001, 'params error: cursor is invalid');
        const limit = Math.min(1000, Math.max(1, Number(params.get('limit') ?? 500) || 500), this.bybitPageSize);
        const page = chosen.slice(from, from + limit);
        const next = from + limit < chosen.length ? Buffer.from(`offset=${from + limit}`).toString('base64') : '';
        return reply(200, bybitInstrumentsPage(category, page, next, now));
      }
      case '/v5/market/orderbook': {
        const instrument = bySymbol(params.get('symbol'));
        if (instrument === undefined) return fail(10001, 'params error: symbol invalid');
        // Spot returns 1-200 levels (default 1), linear and inverse 1-500 (default 25).
        const max = category === 'spot' ? 200 : 500;
        const limit = Math.min(max, Math.max(1, Number(params.get('limit') ?? (category === 'spot' ? 1 : 25)) || 1));
        return reply(200, this.market.bybitRestBookText(this.market.listing('bybit', instrument.symbol)!, now, limit));
      }
      case '/v5/market/tickers': {
        const wanted = params.get('symbol');
        const chosen = wanted === null ? listings : listings.filter((i) => i.wireSymbol === wanted);
        if (wanted !== null && chosen.length === 0) return fail(10001, 'params error: symbol invalid');
        const list = chosen.map((i) => bybitRestTicker(i, this.market.bybitTickerFieldsOf(this.market.listing('bybit', i.symbol)!)));
        return reply(200, bybitRest({ category, list }, now));
      }
      default:
        return reply(404, JSON.stringify({ retCode: 10404, retMsg: `unknown path ${url.pathname}` }));
    }
  }

  private okxRest(url: URL, now: number, reply: (status: number, body: string) => void): void {
    const fail = (code: string, msg: string) => reply(200, JSON.stringify({ code, msg, data: [] }));
    switch (url.pathname) {
      case '/api/v5/public/time':
        return reply(200, JSON.stringify({ code: '0', msg: '', data: [{ ts: String(now) }] }));
      case '/api/v5/public/instruments': {
        const type = url.searchParams.get('instType');
        if (type === null) return fail('50014', 'Parameter instType can not be empty.');
        const listings = this.market.instrumentsOf('okx').filter((i) => (type === 'SPOT' ? i.type === 'spot' : type === 'SWAP' && i.type === 'perpetual'));
        return reply(200, okxInstruments(listings));
      }
      case '/api/v5/market/tickers': {
        const type = url.searchParams.get('instType');
        if (type === null) return fail('50014', 'Parameter instType can not be empty.');
        const listings = this.market.instrumentsOf('okx').filter((i) => (type === 'SPOT' ? i.type === 'spot' : type === 'SWAP' && i.type === 'perpetual'));
        const data = listings.map((i) => okxTicker24h(this.market.tickerInputs(this.market.listing('okx', i.symbol)!), now));
        return reply(200, JSON.stringify({ code: '0', msg: '', data }));
      }
      case '/api/v5/market/books': {
        const listing = this.market.listing('okx', url.searchParams.get('instId') ?? '');
        if (listing === undefined) return fail('51001', "Instrument ID, Instrument ID code, or Spread ID doesn't exist.");
        const size = Math.min(400, Number(url.searchParams.get('sz') ?? 1) || 1);
        return reply(200, this.market.okxRestSnapshot(listing, now, size));
      }
      default:
        return reply(404, JSON.stringify({ code: '50000', msg: `unknown path ${url.pathname}`, data: [] }));
    }
  }
}

/** Plans every request of a schedule from the same start and merges plans and labels. */
function planSchedule(
  options: SimServerOptions,
  schedule: readonly ScenarioRequest[],
  startTime: number,
  okxProtocol: OkxProtocol,
): { plan: ReturnType<typeof planSimulation>['plan']; labels: SimLabels } {
  const planned = schedule.map((request) => planSimulation({ ...options, ...request, startTime, okxProtocol }));
  const plan = mergePlans(planned.map((p) => p.plan));
  const labels: SimLabels = {
    ...planned[0]!.labels,
    scenario: schedule.map((r) => r.scenario).join('+'),
    captureEnd: plan.endTime,
    injections: planned.flatMap((p) => p.labels.injections),
  };
  return { plan, labels };
}

/** Starts a simulated exchange server (see {@link SimServer}). */
export function startSimServer(options: SimServerOptions = {}): Promise<SimServer> {
  return SimServer.start(options);
}


/** The partial stream a book update also moves (Binance `@depth20`, OKX `books5`); Bybit publishes one depth here. */
function partialStreamOf(wire: SimWire, symbol: string): string | null {
  if (wire === 'okx') return `books5:${symbol}`;
  return wire === 'binance' ? binancePartialStream(symbol) : null;
}
