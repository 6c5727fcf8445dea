import { randomBytes, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';

/** True for hosts only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h === '::1') return true;
  return isIP(h) === 4 && h.startsWith('127.');
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

/** Security headers of every response; `wsHost` is the host[:port] the page's WebSocket goes to. */
export function securityHeaders(wsHost: string): Record<string, string> {
  return {
    'content-security-policy': [
      "default-src 'self'",
      `connect-src 'self' ws://${wsHost}`,
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
  };
}
