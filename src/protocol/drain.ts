/**
 * Graceful HTTP shutdown. node's server.close() stops accepting connections and closes the idle
 * ones, but a keep-alive connection whose request finishes after close() stays open until its
 * keep-alive timeout. While draining, every answer whose headers are still unsent says
 * `Connection: close` (node then closes its connection after it), and connections that fall idle
 * otherwise are closed by a sweep.
 *
 * Nothing is tracked per request: the server is made with a response class that reads the drain
 * flag when it writes its headers. An earlier version kept every response in flight in a Set;
 * the Set's tables, rebuilt as responses came and went, were promoted to V8's old generation and
 * kept each response they had held, and all it referenced, alive through the young generation's
 * collections until the next full one (measured: docs/performance.md).
 */
import http, { type RequestListener, type Server } from 'node:http';

/** Longest wait for requests in flight; a client that never finishes its request is then cut off. */
const DRAIN_GRACE_MS = 20_000;
/** How often a drain closes the connections whose last answer had its headers out before the drain began. */
const IDLE_SWEEP_MS = 50;

export interface DrainableServer {
  readonly server: Server;
  /** Stops accepting, lets the requests in flight finish, and resolves when every connection is closed. */
  drain(): Promise<void>;
}

export function createDrainableServer(listener: RequestListener): DrainableServer {
  let draining = false;

  class DrainAwareResponse extends http.ServerResponse {
    override writeHead(...args: unknown[]): this {
      if (draining && !this.headersSent) this.setHeader('Connection', 'close');
      return (super.writeHead as (...args: unknown[]) => this).apply(this, args);
    }
  }

  const server = http.createServer({ ServerResponse: DrainAwareResponse }, listener);
  return {
    server,
    async drain() {
      draining = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      const sweep = setInterval(() => server.closeIdleConnections(), IDLE_SWEEP_MS);
      const cutOff = setTimeout(() => server.closeAllConnections(), DRAIN_GRACE_MS);
      try {
        await closed;
      } finally {
        clearInterval(sweep);
        clearTimeout(cutOff);
      }
    },
  };
}
