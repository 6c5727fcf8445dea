import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { loadConfig } from '../../src/engine/config';
import { pipelineSettingsFrom } from '../../src/engine/pipeline/pipeline-settings';
import { SurveillancePipeline } from '../../src/engine/pipeline/surveillance-pipeline';
import type { RawFrame } from '../../src/engine/feed/raw-frame';
import type { BookSync, Venue } from '../../src/engine/venues/venue';
import type { Config, ConnectionSettings, ExchangesConfig } from '../../src/shared/config';
import type { Instrument } from '../../src/shared/core/model';
import type { OrderBook } from '../../src/shared/core/order-book';
import { SHIPPED_CONFIG } from '../config/helpers';

/** What a REST route answers. */
export interface RestReply {
  readonly status?: number;
  readonly body: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/** One socket the server accepted. */
export interface LoopbackConnection {
  /** Path and query the client connected to: `/stream?streams=...`. */
  readonly path: string;
  /** Text frames the client sent, in order, with their receive time. */
  readonly received: { readonly t: number; readonly text: string }[];
  pongs: number;
  closed: boolean;
  send(text: string): void;
  /** Drops the TCP connection without a close frame (a network failure). */
  kill(): void;
  ping(): void;
}

/**
 * A tiny exchange on 127.0.0.1: REST routes answered by a handler, WebSocket
 * connections accepted on any path and recorded. OKX's text `ping` is
 * answered with `pong` unless `answerTextPings` is off. Tests drive it.
 */
export class LoopbackExchange {
  readonly connections: LoopbackConnection[] = [];
  /** REST requests: path and query. */
  readonly requests: { readonly t: number; readonly path: string }[] = [];
  answerTextPings = true;
  rest: (url: URL) => RestReply | undefined = () => undefined;
  /** Answers a request itself (a hostile server streaming without end); true when it did. */
  restRaw: (url: URL, res: ServerResponse) => boolean = () => false;
  onConnection: (connection: LoopbackConnection) => void = () => {};
  onMessage: (connection: LoopbackConnection, text: string) => void = () => {};

  private constructor(
    private readonly server: Server,
    private readonly wss: WebSocketServer,
    readonly port: number,
  ) {}

  static async start(): Promise<LoopbackExchange> {
    const server = createServer();
    const wss = new WebSocketServer({ server });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const exchange = new LoopbackExchange(server, wss, (server.address() as AddressInfo).port);
    server.on('request', (req, res) => {
      const url = new URL(req.url ?? '/', exchange.httpBase);
      exchange.requests.push({ t: Date.now(), path: `${url.pathname}${url.search}` });
      if (exchange.restRaw(url, res)) return;
      const reply = exchange.rest(url) ?? { status: 404, body: '{"code":-1,"msg":"not found"}' };
      res.writeHead(reply.status ?? 200, { 'content-type': 'application/json', ...reply.headers });
      res.end(reply.body);
    });
    wss.on('connection', (ws, req) => exchange.accept(ws, req.url ?? '/'));
    return exchange;
  }

  get wsBase(): string {
    return `ws://127.0.0.1:${this.port}`;
  }

  get httpBase(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Open connections whose path starts with `prefix`. */
  open(prefix = ''): LoopbackConnection[] {
    return this.connections.filter((c) => !c.closed && c.path.startsWith(prefix));
  }

  async close(): Promise<void> {
    for (const client of this.wss.clients) client.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(ws: WebSocket, path: string): void {
    const connection: LoopbackConnection = {
      path,
      received: [],
      pongs: 0,
      closed: false,
      send: (text) => {
        if (ws.readyState === WebSocket.OPEN) ws.send(text);
      },
      kill: () => ws.terminate(),
      ping: () => ws.ping(),
    };
    this.connections.push(connection);
    ws.on('pong', () => (connection.pongs += 1));
    ws.on('close', () => (connection.closed = true));
    ws.on('message', (data) => {
      const text = data.toString();
      connection.received.push({ t: Date.now(), text });
      if (text === 'ping' && this.answerTextPings) ws.send('pong');
      this.onMessage(connection, text);
    });
    this.onConnection(connection);
  }
}

/**
 * Plays frames to whoever is connected, like an exchange publishing: every
 * `intervalMs`, the next `perTick` frames go to every open target; frames
 * published while nobody is connected are lost.
 */
export class Broadcaster {
  cursor = 0;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private finish: () => void = () => {};
  readonly done: Promise<void>;

  constructor(
    private readonly frames: readonly string[],
    private readonly targets: () => LoopbackConnection[],
    private readonly options: { readonly intervalMs: number; readonly perTick: number; readonly onPublish?: (index: number) => void },
  ) {
    this.done = new Promise((resolve) => (this.finish = resolve));
  }

  /** Starts publishing (again a no-op once stopped: the exchange went quiet for good). */
  start(): void {
    if (this.timer || this.stopped) return;
    this.timer = setInterval(() => this.tick(), this.options.intervalMs);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.finish();
  }

  private tick(): void {
    const targets = this.targets();
    for (let n = 0; n < this.options.perTick && this.cursor < this.frames.length; n += 1) {
      this.options.onPublish?.(this.cursor);
      for (const target of targets) target.send(this.frames[this.cursor]!);
      this.cursor += 1;
    }
    if (this.cursor >= this.frames.length) this.stop();
  }
}

/**
 * Resolves when `predicate` holds, polling; rejects after `timeoutMs` saying
 * what it waited for (a function: read at the timeout, so it can show the state then).
 */
export async function waitFor(predicate: () => boolean, what: string | (() => string), timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${typeof what === 'function' ? what() : what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A port nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

// ---------------------------------------------------------------------------
// Server-side truth for a recording, and the harness the feed tests share.

/** Top of a book and its size, as the conformance table states it. */
export interface BookSummary {
  readonly bestBid: string | undefined;
  readonly bestAsk: string | undefined;
  readonly bids: number;
  readonly asks: number;
}

/** The summary of a book. */
export function summarize(book: OrderBook): BookSummary {
  return { bestBid: book.bestBid()?.priceText, bestAsk: book.bestAsk()?.priceText, bids: book.levelCount('bid'), asks: book.levelCount('ask') };
}

/** Levels of one side as `[price, size]` text pairs, best first. */
export function levelsOf(book: OrderBook, side: 'bid' | 'ask'): [string, string][] {
  const out: [string, string][] = [];
  book.forEachOutward(side, (level) => {
    out.push([level.priceText, level.sizeText]);
    return true;
  });
  return out;
}

/**
 * A Binance recording as an exchange: ws frames are published in order
 * and the exchange's own book follows them (the recording replayed through
 * the real mapper and sync), so a REST depth request gets the book as of
 * now, as a real exchange would answer. Before the exchange's book is
 * built, the recorded snapshot is served.
 */
export class RecordedBinanceExchange {
  readonly wsFrames: string[] = [];
  /** `${symbol}|${u}` -> the exchange's book right after that diff. */
  readonly truth = new Map<string, BookSummary>();
  private readonly steps: RawFrame[];
  private readonly wsStep: number[] = [];
  private applied = 0;
  private readonly mapper;
  private readonly syncs = new Map<string, BookSync>();
  private readonly lastU = new Map<string, number>();
  private readonly recordedDepth = new Map<string, string>();
  private exchangeInfo = '{}';

  constructor(
    private readonly venue: Venue,
    frames: readonly RawFrame[],
  ) {
    this.mapper = venue.createMapper();
    this.steps = [...frames];
    this.steps.forEach((frame, i) => {
      if (frame.kind === 'ws') {
        this.wsFrames.push(frame.data);
        this.wsStep.push(i);
      } else if (frame.url.includes('exchangeInfo')) {
        this.exchangeInfo = frame.data;
      } else {
        const symbol = new URL(frame.url).searchParams.get('symbol')!;
        if (!this.recordedDepth.has(symbol)) this.recordedDepth.set(symbol, frame.data);
      }
    });
  }

  /** Brings the exchange's books up to ws frame `index` (called as it is published). */
  publish(index: number): void {
    const upTo = this.wsStep[index]!;
    for (; this.applied <= upTo; this.applied += 1) this.apply(this.steps[this.applied]!);
  }

  /** Summary of the exchange's final book for a symbol (after every frame). */
  finalSummary(symbol: string): BookSummary {
    this.publish(this.wsFrames.length - 1);
    return summarize(this.syncs.get(symbol)!.book);
  }

  /** REST routes: exchangeInfo and depth, spot or USD-M paths alike. */
  reply(url: URL): RestReply | undefined {
    if (url.pathname.endsWith('/exchangeInfo')) return { body: this.exchangeInfo };
    if (!url.pathname.endsWith('/depth')) return undefined;
    const symbol = url.searchParams.get('symbol') ?? '';
    const sync = this.syncs.get(symbol);
    if (sync?.valid) {
      const body = { lastUpdateId: this.lastU.get(symbol), bids: levelsOf(sync.book, 'bid'), asks: levelsOf(sync.book, 'ask') };
      return { body: JSON.stringify(body) };
    }
    const recorded = this.recordedDepth.get(symbol);
    return recorded === undefined ? { status: 400, body: '{"code":-1121,"msg":"Invalid symbol."}' } : { body: recorded };
  }

  private apply(frame: RawFrame): void {
    const result = this.mapper.map(frame);
    if (result.kind !== 'events') return;
    for (const event of result.events) {
      if (event.type !== 'book_snapshot' && event.type !== 'book_delta') continue;
      let sync = this.syncs.get(event.symbol);
      if (!sync) this.syncs.set(event.symbol, (sync = this.venue.createBookSync({ symbol: event.symbol } as Instrument)));
      sync.apply(event);
      if (!sync.valid) continue;
      const u = event.seq.last!;
      this.lastU.set(event.symbol, Math.max(u, this.lastU.get(event.symbol) ?? 0));
      if (event.type === 'book_delta') this.truth.set(`${event.symbol}|${u}`, summarize(sync.book));
    }
  }
}

/** The shipped config with every venue pointed at the loopback exchange and short timings. */
export function loopbackConfig(exchange: LoopbackExchange, connection: Partial<ConnectionSettings> = {}): Config {
  const config = loadConfig(SHIPPED_CONFIG);
  const fast: ConnectionSettings = {
    rateLimitPerSecond: 50,
    restRateLimitPerSecond: 50,
    reconnectDelaySeconds: 0.02,
    maxReconnectAttempts: 10,
    pingIntervalSeconds: 5,
    staleTimeoutSeconds: 5,
    ...connection,
  };
  const ws = exchange.wsBase;
  const http = exchange.httpBase;
  const exchanges: ExchangesConfig = {
    binance: {
      enabled: true,
      spot: { websocketUrl: ws, restUrl: http },
      futures: { websocketPublicUrl: `${ws}/public`, websocketMarketUrl: `${ws}/market`, restUrl: http },
      connection: fast,
    },
    okx: { enabled: true, websocketPublicUrl: `${ws}/ws/v5/public`, restUrl: http, connection: fast },
    bybit: { enabled: true, websocketUrls: { spot: `${ws}/v5/public/spot`, linear: `${ws}/v5/public/linear`, inverse: `${ws}/v5/public/inverse` }, restUrl: http, connection: fast },
    binancecoinm: { enabled: true, websocketUrl: ws, restUrl: http, connection: fast },
  };
  return { ...config, exchanges };
}

/** A pipeline over the shipped config's settings. */
export function loopbackPipeline(config: Config): SurveillancePipeline {
  return new SurveillancePipeline(pipelineSettingsFrom(config));
}

/** The sync of a venue symbol in a pipeline, if it has a book. */
export function syncOf(pipeline: SurveillancePipeline, venue: string, symbol: string): BookSync | null {
  return pipeline.instrumentStates().find((s) => s.key === `${venue}:${symbol}`)?.sync ?? null;
}
