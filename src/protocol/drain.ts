/**
 * Graceful HTTP shutdown. node's server.close() stops accepting connections and waits for the open
 * ones to end, but a keep-alive connection whose request finishes after close() stays open until
 * its keep-alive timeout. While draining, every response therefore says `Connection: close`, and
 * connections left idle are closed as soon as their response is done.
 */
import type { Server, ServerResponse } from 'node:http';

/** Longest wait for requests in flight; a client that never finishes its request is then cut off. */
const DRAIN_GRACE_MS = 20_000;

export interface Drainable {
  /** Stops accepting, lets the requests in flight finish, and resolves when every connection is closed. */
  drain(): Promise<void>;
}

export function drainable(server: Server): Drainable {
  const inFlight = new Set<ServerResponse>();
  let draining = false;
  const closeIdleSoon = () => setImmediate(() => server.closeIdleConnections());

  server.prependListener('request', (_req, res: ServerResponse) => {
    if (draining) res.setHeader('Connection', 'close');
    inFlight.add(res);
    res.once('close', () => {
      inFlight.delete(res);
      if (draining) closeIdleSoon();
    });
  });

  return {
    async drain() {
      draining = true;
      for (const res of inFlight) if (!res.headersSent) res.setHeader('Connection', 'close');
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const cutOff = setTimeout(() => server.closeAllConnections(), DRAIN_GRACE_MS);
      try {
        await closed;
      } finally {
        clearTimeout(cutOff);
      }
    },
  };
}
