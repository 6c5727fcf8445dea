import { PG_URL_ENV } from '../../shared/config/features-schema';

/** The PostgreSQL URL is missing or unusable; the message never contains the URL's secrets. */
export class PgUrlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PgUrlError';
  }
}

const MASK = '***';

/**
 * The central database URL from `SURVEIL_PG_URL`. It is only ever read from
 * the environment (the app may pass one from the OS keychain instead): a
 * config file is shared, copied and committed, a password in it leaks.
 */
export function pgUrlFromEnv(env: Readonly<Record<string, string | undefined>> = process.env): string {
  const url = env[PG_URL_ENV]?.trim();
  if (!url) {
    throw new PgUrlError(
      `${PG_URL_ENV} is not set: sync reads the PostgreSQL URL only from this environment variable ` +
        `(e.g. ${PG_URL_ENV}=postgres://user:password@host:5432/database), never from a config file`,
    );
  }
  checkPgUrl(url);
  return url;
}

/** Throws a {@link PgUrlError} (without echoing the URL) unless it is a postgres:// URL. */
export function checkPgUrl(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // Echoing an unparsable URL could print a password: say only what is wrong.
    throw new PgUrlError(`${PG_URL_ENV} is not a valid URL; expected postgres://user:password@host:5432/database`);
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new PgUrlError(`${PG_URL_ENV} must start with postgres:// or postgresql://, not ${parsed.protocol}//`);
  }
}

/** The URL with its password (and any `password=` parameter) replaced by `***`. */
export function redactPgUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = MASK;
    for (const key of [...parsed.searchParams.keys()]) {
      if (/pass/i.test(key)) parsed.searchParams.set(key, MASK);
    }
    return parsed.toString();
  } catch {
    return url.replace(/(\/\/[^:/@]*:)[^@]*@/, `$1${MASK}@`).replace(/(pass\w*=)[^&\s]*/gi, `$1${MASK}`);
  }
}

/** Every secret a URL carries, as written and URL-decoded, longest first. */
function secretsOf(url: string): string[] {
  const found = new Set<string>();
  const add = (s: string | null | undefined): void => {
    if (!s) return;
    found.add(s);
    try {
      found.add(decodeURIComponent(s));
    } catch {
      // a malformed escape: the raw form is still masked
    }
  };
  try {
    const parsed = new URL(url);
    add(parsed.password);
    for (const [key, value] of parsed.searchParams) if (/pass/i.test(key)) add(value);
  } catch {
    add(/\/\/[^:/@]*:([^@]*)@/.exec(url)?.[1]);
  }
  return [...found].sort((a, b) => b.length - a.length);
}

/**
 * Masks the URL and its password wherever they occur in `text`. Every
 * message sync prints or returns goes through this: driver errors, DNS
 * errors and our own messages could otherwise quote them.
 */
export function redactSecrets(text: string, url: string | null | undefined): string {
  if (!url) return text;
  let out = text.split(url).join(redactPgUrl(url));
  for (const secret of secretsOf(url)) out = out.split(secret).join(MASK);
  return out;
}

/**
 * `host:port/database` of a URL, without user or password: names the target
 * in logs and keys the local cursors, so pointing a desk at another server
 * starts that server from the beginning instead of from the old server's cursor.
 */
export function describePgTarget(url: string): string {
  try {
    const parsed = new URL(url);
    const host = parsed.searchParams.get('host') ?? (decodeURIComponent(parsed.hostname) || 'localhost');
    const port = parsed.searchParams.get('port') ?? (parsed.port || '5432');
    const database = decodeURIComponent(parsed.pathname.replace(/^\//, '')) || decodeURIComponent(parsed.username) || 'postgres';
    return `${host}:${port}/${database}`;
  } catch {
    return 'postgres';
  }
}

/** One line for an error, with the PostgreSQL error code when there is one, secrets masked. */
export function describePgError(error: unknown, url: string | null | undefined): string {
  const e = error as { message?: unknown; code?: unknown; errors?: unknown };
  let message = error instanceof Error || typeof e?.message === 'string' ? String(e.message) : String(error);
  // Node's AggregateError (IPv4 + IPv6 both refused) has an empty message.
  if (!message && Array.isArray(e?.errors)) message = e.errors.map((x) => (x as Error).message).join('; ');
  const code = typeof e?.code === 'string' && !message.includes(e.code) ? ` (${e.code})` : '';
  return redactSecrets(`${message || 'unknown error'}${code}`, url);
}
