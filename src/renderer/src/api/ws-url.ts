/** The parts of `window.location` the socket URL is built from. */
export interface PageLocation {
  readonly protocol: string;
  readonly host: string;
  readonly search: string;
}

/**
 * The engine's WebSocket on the page's own origin: `ws(s)://host/api`,
 * carrying the page's `?token=` when there is one (the server refuses
 * sockets without it when it was started with a token).
 * @example apiSocketUrl({ protocol: 'https:', host: 'h:1', search: '?token=x' }) // 'wss://h:1/api?token=x'
 */
export function apiSocketUrl(location: PageLocation): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const token = new URLSearchParams(location.search).get('token');
  return `${scheme}//${location.host}/api${token ? `?token=${encodeURIComponent(token)}` : ''}`;
}
