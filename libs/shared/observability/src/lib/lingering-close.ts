import type { IncomingMessage, ServerResponse } from 'node:http';

/** How long, and how much, an unread request body is discarded after an early reply. */
const LINGER_MS = 1_000;
const LINGER_MAX_BYTES = 8 * 1024 * 1024;

/**
 * Call before writing an answer (every HTTP front that may answer before reading the body: EWS,
 * Autodiscover, the HTTP voicemail drop). When the request body was not read in full (an early 401, 413,
 * 415 or 408), the answer goes out with `Connection: close` and the connection closes right after
 * it, instead of Node draining the rest of the body for keep-alive (which would read an oversized
 * body after all, and let a client trickling its body hold the connection for minutes).
 *
 * The close is a lingering one: the client may still be sending, and destroying a socket with
 * unread input makes the kernel send a reset that can wipe the answer before the client has read
 * it. So the socket is only half-closed (FIN after the answer), and what still arrives is read and
 * discarded for a short, bounded while (time and bytes) before the socket is destroyed.
 */
export function closeIfBodyUnread(req: IncomingMessage, res: ServerResponse): void {
  if (req.complete) return;
  res.setHeader('Connection', 'close');
  const socket = req.socket;
  const lingering = socket as typeof socket & { destroySoon?: () => void };
  // Node ends a `Connection: close` response with destroySoon(); only half-close instead.
  lingering.destroySoon = () => socket.end();
  res.once('finish', () => {
    let discarded = 0;
    const timer = setTimeout(() => socket.destroy(), LINGER_MS);
    timer.unref();
    socket.once('close', () => clearTimeout(timer));
    socket.once('end', () => socket.destroy());
    req.on('data', (chunk: Buffer) => {
      discarded += chunk.length;
      if (discarded > LINGER_MAX_BYTES) socket.destroy();
    });
    req.resume();
  });
}
