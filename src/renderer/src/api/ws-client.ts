import type { ApiArgs, ApiMethod, ApiResults, ConsoleEvent, WireMessage } from '../../../shared/contract';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from './backoff';
import type { ConsoleClient, LinkState } from './connection';

/** Callbacks a socket reports to; the client never touches the DOM WebSocket itself (see browser-socket.ts). */
export interface SocketHandlers {
  open(): void;
  message(data: string): void;
  close(reason: string): void;
}

export interface SocketHandle {
  send(data: string): void;
  close(): void;
}

/** Opens a socket to `url`; the browser passes a WebSocket wrapper, tests a fake. */
export type SocketFactory = (url: string, handlers: SocketHandlers) => SocketHandle;

export interface WsClientOptions {
  readonly url: string;
  readonly connect: SocketFactory;
  readonly backoff?: BackoffOptions;
  /** A request with no answer after this long is rejected. */
  readonly requestTimeoutMs?: number;
  readonly now?: () => number;
  readonly random?: () => number;
}

interface Pending {
  readonly frame: string;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
  readonly timer: ReturnType<typeof setTimeout>;
  sent: boolean;
}

/**
 * The ConsoleApi over the browser WebSocket (`surveil serve`, WireMessage
 * frames). Requests carry ids and wait for their response; requests made
 * while the link is down wait in order and go out when it is back. After a
 * reconnect the client re-sends the last `watchBook` and `setInterest` (the
 * server forgot them with the old socket) and reports `reconnected` so the shell reloads the
 * snapshot: events sent while the link was down are lost.
 */
export function createWsClient(options: WsClientOptions): ConsoleClient {
  const backoff = options.backoff ?? DEFAULT_BACKOFF;
  const timeoutMs = options.requestTimeoutMs ?? 20_000;
  const now = options.now ?? Date.now;
  const pending = new Map<number, Pending>();
  const listeners = new Set<(event: ConsoleEvent) => void>();
  const linkListeners = new Set<(state: LinkState, reconnected: boolean) => void>();
  let socket: SocketHandle | null = null;
  let isOpen = false;
  let everOpened = false;
  let closed = false;
  let attempt = 0;
  let nextId = 1;
  let watched: string | null = null;
  let interest: readonly unknown[] | null = null;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  let link: LinkState = { status: 'connecting', attempt: 0 };

  const setLink = (state: LinkState, reconnected = false): void => {
    link = state;
    for (const listener of linkListeners) listener(state, reconnected);
  };

  const connect = (): void => {
    retryTimer = null;
    if (closed) return;
    socket = options.connect(options.url, { open: onOpen, message: onMessage, close: onClose });
  };

  function onOpen(): void {
    isOpen = true;
    const reconnected = everOpened;
    everOpened = true;
    attempt = 0;
    if (reconnected && watched !== null) void request('watchBook', [watched]).catch(() => undefined);
    // Before anything else: a server session without it streams every row in full.
    if (reconnected && interest !== null) void request('setInterest', interest).catch(() => undefined);
    for (const entry of pending.values()) {
      if (entry.sent) continue;
      entry.sent = true;
      socket?.send(entry.frame);
    }
    setLink({ status: 'open', since: now() }, reconnected);
  }

  function onMessage(data: string): void {
    let message: WireMessage;
    try {
      message = JSON.parse(data) as WireMessage;
    } catch {
      return; // not ours to crash on; the server only sends JSON
    }
    if (message.kind === 'event') {
      for (const listener of listeners) listener(message.event);
    } else if (message.kind === 'response') {
      const entry = pending.get(message.id);
      if (!entry) return;
      pending.delete(message.id);
      clearTimeout(entry.timer);
      if (message.ok) entry.resolve(message.result);
      else entry.reject(new Error(message.error));
    }
  }

  function onClose(reason: string): void {
    isOpen = false;
    socket = null;
    // A request already on the wire may or may not have run: say so instead of re-sending it.
    for (const [id, entry] of pending) {
      if (!entry.sent) continue;
      pending.delete(id);
      clearTimeout(entry.timer);
      entry.reject(new Error(`connection lost: ${reason || 'closed'}`));
    }
    if (closed) return;
    attempt += 1;
    const delay = backoffDelay(attempt, backoff, options.random);
    setLink({ status: 'reconnecting', attempt, retryAt: now() + delay, reason: reason || 'closed' });
    retryTimer = setTimeout(connect, delay);
  }

  function request(method: ApiMethod, args: readonly unknown[]): Promise<unknown> {
    if (method === 'watchBook') watched = (args[0] as string | null) ?? null;
    if (method === 'setInterest') interest = args;
    const id = nextId++;
    const frame = JSON.stringify({ kind: 'request', id, method, args } satisfies WireMessage);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new Error(`${method}: no answer after ${timeoutMs} ms`));
      }, timeoutMs);
      const entry: Pending = { frame, resolve, reject, timer, sent: false };
      pending.set(id, entry);
      if (isOpen && socket) {
        entry.sent = true;
        socket.send(frame);
      }
    });
  }

  const call =
    <M extends ApiMethod>(method: M) =>
    (...args: ApiArgs<M>): Promise<ApiResults[M]> =>
      request(method, args as readonly unknown[]) as Promise<ApiResults[M]>;

  connect();
  return {
    kind: 'browser',
    snapshot: call('snapshot'),
    series: call('series'),
    alertHistory: call('alertHistory'),
    alertTrail: call('alertTrail'),
    acknowledge: call('acknowledge'),
    alertCase: call('alertCase'),
    addNote: call('addNote'),
    assignAlert: call('assignAlert'),
    createSilence: call('createSilence'),
    expireSilence: call('expireSilence'),
    watchBook: call('watchBook'),
    setInterest: call('setInterest'),
    listCaptures: call('listCaptures'),
    openCapture: call('openCapture'),
    controlReplay: call('controlReplay'),
    startRecording: call('startRecording'),
    stopRecording: call('stopRecording'),
    exportHistory: call('exportHistory'),
    marketReport: call('marketReport'),
    seekReplay: call('seekReplay'),
    stepReplay: call('stepReplay'),
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    link: () => link,
    onLink(listener) {
      linkListeners.add(listener);
      return () => linkListeners.delete(listener);
    },
    close() {
      closed = true;
      if (retryTimer !== null) clearTimeout(retryTimer);
      socket?.close();
    },
  };
}
