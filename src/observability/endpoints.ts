/** GET /health, /ready and /metrics: what load balancers, orchestrators and Prometheus ask. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Mount } from '../protocol/mounts.js';
import { writeJson } from '../protocol/serialize.js';
import type { Store } from '../store/store.js';
import type { Logger } from '../logger.js';
import type { Metrics } from './metrics.js';

/** A store that takes longer than this to answer `SELECT 1` is as good as unreachable. */
const READY_TIMEOUT_MS = 2000;

const JSON_HEADERS = { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' };


function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export function operationsEndpoints(store: Store, metrics: Metrics, logger: Logger): Mount {
  const json = (res: ServerResponse, requestId: string, status: number, body: object) =>
    writeJson(res, requestId, status, JSON.stringify(body), JSON_HEADERS);

  async function serve(req: IncomingMessage, res: ServerResponse, requestId: string, path: string): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      writeJson(res, requestId, 405, JSON.stringify({ message: `${path} accepts GET only` }), { ...JSON_HEADERS, Allow: 'GET, HEAD' });
      return;
    }
    switch (path) {
      case '/health':
        // Liveness: answering at all is the proof.
        json(res, requestId, 200, { status: 'ok' });
        return;
      case '/ready':
        try {
          await withTimeout(store.ping(), READY_TIMEOUT_MS);
          json(res, requestId, 200, { status: 'ready', store: store.kind });
        } catch (error) {
          logger.warn({ err: error, requestId }, 'not ready: the store does not answer');
          json(res, requestId, 503, { status: 'unavailable', store: store.kind, reason: 'the store does not answer' });
        }
        return;
      case '/metrics': {
        const { contentType, body } = await metrics.scrape();
        res.writeHead(200, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(body), 'x-amzn-RequestId': requestId, 'Cache-Control': 'no-store' });
        res.end(body);
        return;
      }
    }
  }

  return { name: 'operations', paths: new Set(['/health', '/ready', '/metrics']), handle: serve };
}
