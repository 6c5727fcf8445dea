import type { SocketFactory } from './ws-client';

/** The DOM WebSocket behind the ws client: text frames in, close reasons out. */
export const browserSocket: SocketFactory = (url, handlers) => {
  const socket = new WebSocket(url);
  let closed = false;
  const close = (reason: string): void => {
    if (closed) return;
    closed = true;
    handlers.close(reason);
  };
  socket.addEventListener('open', () => handlers.open());
  socket.addEventListener('message', (event: MessageEvent) => {
    if (typeof event.data === 'string') handlers.message(event.data);
  });
  // Browsers always follow 'error' with 'close', whose code and reason say more: report the close only.
  // 1006 is the browser's code for a socket that dropped without a close frame (server gone, network down, handshake refused).
  socket.addEventListener('close', (event: CloseEvent) => close(event.reason || (event.code === 1006 ? 'connection dropped' : `code ${event.code}`)));
  return {
    send: (data) => socket.send(data),
    close: () => socket.close(),
  };
};
