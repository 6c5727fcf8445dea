import WebSocket from 'ws';
import type { VenueId } from '../../shared/core/model';
import type { ConnectionState } from '../../shared/contract';
import type { ConnectionStatus } from './feed-status';
import type { RawFrame } from './raw-frame';
import type { SocketSettings } from './feed-tuning';
import type { StreamPosition } from './frame-peek';
import { MessageRate } from './message-rate';
import { ReconnectPolicy } from './reconnect-policy';

/** One physical socket of a managed connection; `conn` tells it apart in captures. */
export interface SocketLink {
  readonly conn: string;
  readonly url: string;
  /** Sends if this socket is still open (a paced subscribe may fire after it closed). */
  send(text: string): void;
}

/** What a venue feed plugs into a managed socket. */
export interface ManagedSocketHooks {
  onFrame(frame: RawFrame): void;
  /** The books this connection carries are no longer in sync. */
  onDisconnect(symbols: readonly string[]): void;
  /** Every time a socket opens (first connect, reconnect, overlap): subscribe on it. */
  onOpen?(link: SocketLink): void;
  onStateChange?(): void;
  /** Exchange event time of a frame, for `lagMs`. */
  eventTime?(text: string): number | undefined;
  /** Stream and position of a frame, to drop duplicates while two sockets overlap. */
  position?(text: string): StreamPosition | undefined;
  /** The venue announced a disconnect (OKX `notice`): replace the socket early, with overlap. */
  wantsRotation?(text: string): boolean;
}

export interface ManagedSocketOptions {
  /** Stable id of this connection slot (status); sockets get `<id>.<n>`. */
  readonly id: string;
  readonly venue: VenueId;
  readonly url: string;
  /** Every symbol with a stream on this connection (status). */
  readonly symbols: readonly string[];
  /** Symbols whose books this connection carries: reset when it drops. */
  readonly bookSymbols: readonly string[];
  readonly settings: SocketSettings;
  readonly hooks: ManagedSocketHooks;
  /** Paces connection attempts (OKX: 3 per second per IP). */
  readonly pace?: (task: () => void) => void;
  /**
   * The keepalive sent every `textPingIntervalMs`: by default the text
   * `ping` after that much silence (OKX); Bybit wants `{"op":"ping"}` every
   * 20 s whatever the traffic (`always`).
   */
  readonly ping?: { readonly text: string; readonly always: boolean };
  readonly now?: () => number;
}

interface Link extends SocketLink {
  readonly ws: WebSocket;
  open: boolean;
  dead: boolean;
  openedAt: number;
  lastFrameAt: number;
  pingSentAt: number | null;
  /** When the last keepalive went out (the socket's opening before the first). */
  lastPingAt: number;
  /** Why we closed it ourselves, when the close code alone would not say. */
  closeReason?: string;
}

/**
 * One logical venue connection: keeps a socket open, reconnects with backoff,
 * detects stale sockets and missing pongs, and replaces the socket before the
 * venue's maximum age with an overlap so the books never see a hole: the new
 * socket opens, both run for `overlapMs` (frames already forwarded from one
 * are dropped from the other by stream position), then the old one closes.
 * A frame is forwarded as text; what it means is the mapper's business.
 */
export class ManagedSocket {
  readonly id: string;
  private state: ConnectionState = 'stopped';
  private current: Link | null = null;
  private incoming: Link | null = null;
  private generation = 0;
  private since: number;
  private messages = 0;
  private readonly rate = new MessageRate();
  private lastFrameAt: number | null = null;
  /** Messages refused for their size (each closed its socket). */
  tooLarge = 0;
  private lagMs: number | null = null;
  private reconnects = 0;
  private failedAttempts = 0;
  private lastError: string | null = null;
  /** Since when no socket has delivered: the feed-down alert's clock. */
  private downSince: number | null = null;
  private nextRetryAt: number | null = null;
  private everOpened = false;
  /** onDisconnect was sent and no socket has delivered since: do not repeat it per failed attempt. */
  private downReported = false;
  private rotationDueAt = Infinity;
  private duplicates = 0;
  private readonly positions = new Map<string, number>();
  private readonly policy: ReconnectPolicy;
  private watchdog: NodeJS.Timeout | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private stopping = false;
  private readonly now: () => number;

  constructor(private readonly options: ManagedSocketOptions) {
    this.id = options.id;
    this.now = options.now ?? Date.now;
    this.since = this.now();
    this.policy = new ReconnectPolicy(options.settings.reconnect);
  }

  /** The socket is open (frames may still be on their way). */
  get isConnected(): boolean {
    return this.current?.open === true;
  }

  /** Frames dropped as already forwarded from the other socket during an overlap. */
  get duplicateFrames(): number {
    return this.duplicates;
  }

  start(): void {
    if (this.watchdog) return;
    this.stopping = false;
    const s = this.options.settings;
    const shortest = Math.min(s.staleTimeoutMs, s.textPingIntervalMs ?? Infinity, s.pongTimeoutMs, s.overlapMs, s.maxAgeMs);
    this.watchdog = setInterval(() => this.check(), Math.min(1000, Math.max(10, shortest / 4)));
    this.downSince = this.now();
    this.setState('connecting');
    this.connect();
  }

  /** Replaces the socket now, with overlap (venue notice, or a test). */
  rotate(): void {
    if (this.stopping || this.incoming || !this.current?.open) return;
    this.incoming = this.openLink();
  }

  /** Closes every socket and timer; resolves once the sockets are closed. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.watchdog) clearInterval(this.watchdog);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.watchdog = null;
    this.retryTimer = null;
    const links = [this.current, this.incoming].filter((l): l is Link => l !== null);
    this.current = null;
    this.incoming = null;
    this.nextRetryAt = null;
    this.setState('stopped');
    await Promise.all(links.map(closeLink));
  }

  status(): ConnectionStatus {
    const now = this.now();
    return {
      id: this.id,
      url: this.current?.url ?? this.options.url,
      state: this.state,
      symbols: this.options.symbols,
      since: this.since,
      messages: this.messages,
      messageRate: this.rate.perSecond(now),
      lastFrameAt: this.lastFrameAt,
      lagMs: this.lagMs,
      reconnects: this.reconnects,
      failedAttempts: this.failedAttempts,
      lastError: this.lastError,
      downSince: this.downSince,
      nextRetryAt: this.nextRetryAt,
    };
  }

  private connect(): void {
    const start = (): void => {
      if (this.stopping || this.current) return;
      this.current = this.openLink();
    };
    if (this.options.pace) this.options.pace(start);
    else start();
  }

  private openLink(): Link {
    this.generation += 1;
    const url = this.options.url;
    // ws would otherwise buffer a message of up to 100 MiB before we see any of it.
    const maxPayload = this.options.settings.maxPayloadBytes;
    const ws = new WebSocket(url, { handshakeTimeout: this.options.settings.connectTimeoutMs, maxPayload });
    const link: Link = {
      conn: `${this.id}.${this.generation}`,
      url,
      ws,
      open: false,
      dead: false,
      openedAt: 0,
      lastFrameAt: 0,
      pingSentAt: null,
      lastPingAt: 0,
      send: (text) => {
        if (!link.dead && ws.readyState === WebSocket.OPEN) ws.send(text);
      },
    };
    ws.on('open', () => this.onOpen(link));
    ws.on('message', (data: WebSocket.RawData, isBinary: boolean) => {
      if (!isBinary) this.onMessage(link, rawText(data));
    });
    ws.on('error', (error: Error) => {
      if (link.dead) return;
      if ((error as { code?: string }).code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') {
        // ws has closed the socket (1009); it reconnects like after any drop, and the books resync.
        this.tooLarge += 1;
        link.closeReason = `message over ${maxPayload} bytes (limits.ws_max_payload_bytes), connection closed`;
        this.lastError = link.closeReason;
        return;
      }
      this.lastError = error.message || String(error);
    });
    ws.on('close', (code: number) => this.onClosed(link, link.closeReason ?? `closed (${code})`));
    return link;
  }

  private onOpen(link: Link): void {
    if (link.dead) return;
    const now = this.now();
    link.open = true;
    link.openedAt = now;
    link.lastFrameAt = now;
    link.lastPingAt = now;
    if (link === this.current) {
      if (this.everOpened) this.reconnects += 1;
      this.everOpened = true;
      this.since = now;
      this.rotationDueAt = now + this.options.settings.maxAgeMs;
      // A fresh socket restarts every stream: positions of the old one mean nothing now.
      this.positions.clear();
      this.setState('connected');
    }
    this.options.hooks.onOpen?.(link);
  }

  private onMessage(link: Link, text: string): void {
    if (link.dead || (link !== this.current && link !== this.incoming)) return;
    const t = this.now();
    link.lastFrameAt = t;
    link.pingSentAt = null;
    const hooks = this.options.hooks;
    if (link === this.current && this.failedAttempts > 0) {
      // Only a frame proves the socket works: a socket that opens and drops at once keeps backing off.
      this.failedAttempts = 0;
      this.setState('connected');
    }
    this.downReported = false;
    if (link === this.current) this.downSince = null;
    const position = hooks.position?.(text);
    if (position !== undefined) {
      const last = this.positions.get(position.stream);
      if (this.incoming !== null && last !== undefined && position.position <= last) {
        this.duplicates += 1;
        return;
      }
      this.positions.set(position.stream, position.position);
    }
    this.messages += 1;
    this.rate.add(t);
    this.lastFrameAt = t;
    const eventTime = hooks.eventTime?.(text);
    if (eventTime !== undefined) this.lagMs = t - eventTime;
    hooks.onFrame({ t, venue: this.options.venue, kind: 'ws', url: link.url, data: text, conn: link.conn });
    if (hooks.wantsRotation?.(text)) this.rotate();
  }

  private onClosed(link: Link, reason: string): void {
    if (link.dead) return;
    link.dead = true;
    link.open = false;
    if (this.stopping) return;
    if (link === this.incoming) {
      // The replacement failed: keep the old socket and try again after a delay.
      this.incoming = null;
      this.lastError = `replacement socket: ${this.lastError ?? reason}`;
      this.rotationDueAt = this.now() + this.policy.delayMs(1);
      return;
    }
    if (link !== this.current) return;
    if (this.incoming) {
      // The replacement takes over. If it is already open nothing was lost.
      this.current = this.incoming;
      this.incoming = null;
      if (this.current.open) {
        this.reconnects += 1;
        this.rotationDueAt = this.current.openedAt + this.options.settings.maxAgeMs;
        return;
      }
      this.reportDown();
      this.downSince ??= this.now();
      this.setState('reconnecting');
      return;
    }
    this.current = null;
    // A socket that never opened keeps the error event's text (ECONNREFUSED, 429 on upgrade...).
    if (link.openedAt > 0) this.lastError = reason;
    else this.lastError ??= reason;
    this.reportDown();
    this.downSince ??= this.now();
    this.failedAttempts += 1;
    const slow = this.policy.isSlow(this.failedAttempts);
    const delay = this.policy.delayMs(this.failedAttempts);
    this.nextRetryAt = this.now() + delay;
    if (this.state !== 'stale') this.setState(slow ? 'backing_off' : 'reconnecting');
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.nextRetryAt = null;
      this.setState(slow ? 'backing_off' : 'reconnecting');
      this.connect();
    }, delay);
  }

  private reportDown(): void {
    if (this.downReported) return;
    this.downReported = true;
    if (this.options.bookSymbols.length > 0) this.options.hooks.onDisconnect(this.options.bookSymbols);
  }

  /** Kills a socket now (stale, no pong) and handles it as closed. */
  private kill(link: Link, reason: string): void {
    this.lastError = reason;
    link.ws.terminate();
    this.onClosed(link, reason);
  }

  private check(): void {
    if (this.stopping) return;
    const now = this.now();
    const s = this.options.settings;
    const incoming = this.incoming;
    if (incoming?.open) {
      if (now - incoming.lastFrameAt >= s.staleTimeoutMs) this.kill(incoming, 'replacement socket stale');
      else if (now - incoming.openedAt >= s.overlapMs) this.promote();
    }
    const link = this.current;
    if (!link?.open) return;
    const silent = now - link.lastFrameAt;
    if (silent >= s.staleTimeoutMs) {
      this.setState('stale');
      this.kill(link, `stale: no frame for ${silent} ms`);
      return;
    }
    if (s.textPingIntervalMs !== null) {
      if (link.pingSentAt !== null && now - link.pingSentAt >= s.pongTimeoutMs) {
        this.kill(link, `no pong within ${s.pongTimeoutMs} ms`);
        return;
      }
      // OKX: "ping" when nothing came for a while; any frame (normally "pong") answers it.
      // https://www.okx.com/docs-v5/en/#overview-websocket-connect
      const ping = this.options.ping;
      const due = ping?.always ? now - link.lastPingAt >= s.textPingIntervalMs : silent >= s.textPingIntervalMs;
      if (link.pingSentAt === null && due) {
        link.pingSentAt = now;
        link.lastPingAt = now;
        link.send(ping?.text ?? 'ping');
      }
    }
    if (!this.incoming && now >= this.rotationDueAt) this.rotate();
  }

  /** The overlap is over: the new socket becomes the connection, the old one closes. */
  private promote(): void {
    const old = this.current;
    const next = this.incoming!;
    this.current = next;
    this.incoming = null;
    this.rotationDueAt = next.openedAt + this.options.settings.maxAgeMs;
    if (old) {
      old.dead = true;
      old.open = false;
      void closeLink(old);
    }
  }

  private setState(state: ConnectionState): void {
    if (this.state === state) return;
    this.state = state;
    this.options.hooks.onStateChange?.();
  }
}

function rawText(data: WebSocket.RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}

/** Closes a socket politely, terminating it if the close handshake takes too long. */
function closeLink(link: Link): Promise<void> {
  const ws = link.ws;
  link.dead = true;
  if (ws.readyState === WebSocket.CLOSED) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      ws.terminate();
      resolve();
    }, 1000);
    ws.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
    if (ws.readyState === WebSocket.CONNECTING) ws.terminate();
    else ws.close(1000);
  });
}
