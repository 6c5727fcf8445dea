import { randomBytes, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';

/**
 * True for hosts only this machine can reach, in every spelling: `localhost`,
 * 127.0.0.0/8, `::1` however it is written (`0:0:0:0:0:0:0:1`, `::0001`,
 * `[::1]`, with a zone `%lo`), and IPv4-mapped `::ffff:127.x.x.x` (also in hex,
 * `::ffff:7f00:1`). A spelling missed here would make the server think it is
 * on a loopback bind, not require the token and check Host against loopback names.
 */
export function isLoopbackHost(host: string): boolean {
  let h = host.trim().toLowerCase();
  if (h.startsWith('[') && h.endsWith(']')) h = h.slice(1, -1);
  if (h === 'localhost' || h === 'localhost.') return true;
  if (isIP(h) === 4) return Number(h.split('.')[0]) === 127;
  const zone = h.indexOf('%');
  if (zone >= 0) h = h.slice(0, zone);
  const groups = ipv6Groups(h);
  if (groups === null) return false;
  if (groups.slice(0, 7).every((g) => g === 0) && groups[7] === 1) return true;
  return groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff && groups[6]! >> 8 === 127;
}

/** The eight 16-bit groups of an IPv6 address (`::` expanded, a dotted IPv4 tail folded in), or null if it is not one. */
function ipv6Groups(text: string): number[] | null {
  if (isIP(text) !== 6) return null;
  let body = text;
  const tail: number[] = [];
  const lastColon = body.lastIndexOf(':');
  if (body.slice(lastColon + 1).includes('.')) {
    const [a, b, c, d] = body.slice(lastColon + 1).split('.').map(Number) as [number, number, number, number];
    tail.push((a << 8) | b, (c << 8) | d);
    body = body.slice(0, lastColon + 1);
    // `::ffff:` ends in a colon that belonged to the IPv4 part; `::` must stay `::`.
    if (body.endsWith(':') && !body.endsWith('::')) body = body.slice(0, -1);
  }
  const hex = (part: string) => (part === '' ? [] : part.split(':').map((g) => parseInt(g, 16)));
  const double = body.indexOf('::');
  const head = double < 0 ? hex(body) : hex(body.slice(0, double));
  const rest = double < 0 ? [] : hex(body.slice(double + 2));
  const fill = 8 - tail.length - head.length - rest.length;
  if (fill < 0 || (double < 0 && fill !== 0)) return null;
  return [...head, ...new Array<number>(fill).fill(0), ...rest, ...tail];
}

/** A fresh access token: 32 random bytes, hex. */
export function newAccessToken(): string {
  return randomBytes(32).toString('hex');
}

/** Compares a presented token with the expected one in constant time (no early exit on the first differing byte). */
export function tokenMatches(expected: string, presented: string | null | undefined): boolean {
  if (typeof presented !== 'string') return false;
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(presented, 'utf8');
  // timingSafeEqual needs equal lengths; compare against itself so a wrong length costs the same time.
  return timingSafeEqual(a, b.length === a.length ? b : a) && b.length === a.length;
}

/** The token cookie the page sets, so its own script and asset requests are let in without a token in every URL. */
export const TOKEN_COOKIE = 'surveil_token';

/** A cookie's value from a Cookie header. */
export function cookieValue(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}

/** A Host header is safe to echo into a header when it is a plain host[:port]. */
export function saneHost(host: string | undefined): string | null {
  return host !== undefined && /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/.test(host) ? host : null;
}

/** The Set-Cookie value that carries the token; `Secure` whenever the page reached the browser over TLS. */
export function tokenCookie(token: string, secure: boolean): string {
  return `${TOKEN_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/${secure ? '; Secure' : ''}`;
}

/**
 * Security headers of every response; `wsHost` is the host[:port] the page's
 * WebSocket goes to, over `wss:` when `secure` (TLS here, or at a reverse proxy).
 */
export function securityHeaders(wsHost: string, secure = false): Record<string, string> {
  return {
    'content-security-policy': [
      "default-src 'self'",
      `connect-src 'self' ${secure ? 'wss' : 'ws'}://${wsHost}`,
      "script-src 'self'",
      "style-src 'self' 'unsafe-inline'",
      "img-src 'self' data:",
      "object-src 'none'",
      "frame-ancestors 'none'",
      "base-uri 'none'",
    ].join('; '),
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
    'cache-control': 'no-store',
    // Once a browser reached the console over TLS it must not be talked into plain HTTP for it again.
    ...(secure ? { 'strict-transport-security': 'max-age=31536000' } : {}),
  };
}
