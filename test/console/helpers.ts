import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import type { ApiMethod, ApiResults, ConsoleEvent, OverviewRow, WireMessage } from '../../src/shared/contract';

const dirs: string[] = [];

/** A fresh temp folder, removed by {@link cleanupDirs}. */
export function tempDir(prefix = 'surveil-console-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

export function cleanupDirs(): void {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** A stand-in built renderer (index.html + a script) with a secret file beside it, outside the root. */
export function fakeRenderer(): { root: string; secret: string } {
  const base = tempDir('surveil-renderer-');
  const root = join(base, 'renderer');
  mkdirSync(join(root, 'assets'), { recursive: true });
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>console</title><script type="module" src="./assets/app.js"></script>');
  writeFileSync(join(root, 'assets', 'app.js'), 'console.log("console");');
  const secret = join(base, 'secret.txt');
  writeFileSync(secret, 'do not serve');
  return { root, secret };
}

/** A WebSocket client of the console API, as the browser renderer would be. */
export class ApiClient {
  readonly events: ConsoleEvent[] = [];
  readonly rows = new Map<string, OverviewRow>();
  private readonly pending = new Map<number, (message: Extract<WireMessage, { kind: 'response' }>) => void>();
  private readonly anonymous: Extract<WireMessage, { kind: 'response' }>[] = [];
  private nextId = 1;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const message = JSON.parse(data.toString()) as WireMessage;
      if (message.kind === 'event') {
        this.events.push(message.event);
        if (message.event.type === 'overview') for (const row of message.event.rows) this.rows.set(row.key, row);
      } else if (message.kind === 'response') {
        const waiter = this.pending.get(message.id);
        this.pending.delete(message.id);
        if (waiter) waiter(message);
        else this.anonymous.push(message);
      }
    });
  }

  static connect(url: string, options: { origin?: string } = {}): Promise<ApiClient> {
    const ws = new WebSocket(url, options.origin ? { origin: options.origin } : {});
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(new ApiClient(ws)));
      ws.once('unexpected-response', (_req, res) => reject(new Error(`refused: ${res.statusCode}`)));
      ws.once('error', reject);
    });
  }

  /** Calls a method; rejects with the server's error text. */
  async call<M extends ApiMethod>(method: M, ...args: unknown[]): Promise<ApiResults[M]> {
    const response = await this.send({ kind: 'request', id: this.nextId++, method, args });
    if (!response.ok) throw new Error(response.error);
    return response.result as ApiResults[M];
  }

  /** Sends a request object as given (or raw text) and returns its response. */
  send(message: unknown, raw = false): Promise<Extract<WireMessage, { kind: 'response' }>> {
    const id = !raw && typeof (message as { id?: unknown }).id === 'number' ? (message as { id: number }).id : null;
    return new Promise((resolve) => {
      if (id !== null) this.pending.set(id, resolve);
      else {
        const before = this.anonymous.length;
        const poll = setInterval(() => {
          if (this.anonymous.length > before) {
            clearInterval(poll);
            resolve(this.anonymous[before]!);
          }
        }, 5);
      }
      this.ws.send(raw ? String(message) : JSON.stringify(message));
    });
  }

  close(): void {
    this.ws.close();
  }
}
