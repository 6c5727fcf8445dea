import { existsSync, statSync } from 'node:fs';
import { isAbsolute } from 'node:path';

/**
 * Environment variable naming the better-sqlite3 addon to load instead of
 * the package's own build. The Electron main process sets it before the
 * engine starts: the package's build is compiled for Node's ABI, which
 * Electron's main process cannot load, so Electron gets a second build
 * (docs/desktop.md). An environment variable rather than an argument because
 * the engine's worker threads open SQLite too, and a worker gets a copy of
 * the environment it was started with.
 */
export const SQLITE_BINDING_ENV = 'SURVEIL_SQLITE_BINDING';

export interface SqliteBindingOptions {
  /** A path given by the caller: wins over the environment. */
  readonly explicit?: string | null;
  /** Injected for tests; default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** A binding was named but cannot be what better-sqlite3 loads. */
export class SqliteBindingError extends Error {
  constructor(
    readonly path: string,
    reason: string,
  ) {
    super(`SQLite native binding ${path} (${SQLITE_BINDING_ENV}): ${reason}`);
    this.name = 'SqliteBindingError';
  }
}

/**
 * The addon better-sqlite3 should load (its `nativeBinding` option), or
 * undefined for the package's own build (Node: the CLI, tests, workers under
 * Node). A path that is named but unusable is an error, never a silent
 * fallback to the Node build: in Electron that build fails later with an
 * ABI message that does not say which file was meant.
 */
export function resolveSqliteBinding(options: SqliteBindingOptions = {}): string | undefined {
  const env = options.env ?? process.env;
  const named = options.explicit || env[SQLITE_BINDING_ENV] || undefined;
  if (named === undefined) return undefined;
  if (!isAbsolute(named)) throw new SqliteBindingError(named, 'not an absolute path');
  if (!named.endsWith('.node')) throw new SqliteBindingError(named, 'not a .node addon');
  if (!existsSync(named)) throw new SqliteBindingError(named, 'no such file');
  if (!statSync(named).isFile()) throw new SqliteBindingError(named, 'not a file');
  return named;
}
