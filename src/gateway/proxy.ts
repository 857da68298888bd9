/**
 * Forwarding a gateway request to an app's real backend with node:http(s): bodies stream both
 * ways, hop-by-hop headers stay on their own hop, and a backend that cannot be reached or answers
 * too slowly becomes a page instead of a hung or crashed request.
 */
import http, { type IncomingHttpHeaders, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import https from 'node:https';
import { pipeline } from 'node:stream';

/** Headers that describe one connection, not the message (RFC 9110 §7.6.1). */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

/** `headers` without hop-by-hop ones, including any the Connection header names. */
export function endToEndHeaders(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const named = new Set(
    String(headers.connection ?? '')
      .split(',')
      .map((name) => name.trim().toLowerCase())
      .filter(Boolean),
  );
  const kept: IncomingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name) && !named.has(name)) kept[name] = value;
  }
  return kept;
}

/** Longest wait for the backend to answer or to send more of its answer. */
const UPSTREAM_IDLE_TIMEOUT_MS = 60_000;

/** Why no answer came back: the backend failed, or the client went away before it came. */
export type UpstreamFailure = { kind: 'unreachable' | 'timeout'; error: Error } | { kind: 'client-aborted' };

export class UpstreamProxy {
  private readonly agents = {
    'http:': new http.Agent({ keepAlive: true }),
    'https:': new https.Agent({ keepAlive: true }),
  };

  /**
   * Sends the request to `target` with `headers` and the body (`body` when it was already read,
   * otherwise streamed from `req`), and streams the answer back. `onFailure` is called, at most
   * once, when the backend fails or the client goes away before the answer starts; a failure after
   * that can only cut the response short.
   */
  forward(
    req: IncomingMessage,
    res: ServerResponse,
    target: URL,
    headers: OutgoingHttpHeaders,
    body: Buffer | undefined,
    onFailure: (failure: UpstreamFailure) => void,
  ): void {
    const secure = target.protocol === 'https:';
    const outgoing = (secure ? https : http).request(target, {
      method: req.method,
      headers: { ...headers, host: target.host },
      agent: this.agents[secure ? 'https:' : 'http:'],
    });
    let failed = false;
    const fail = (failure: UpstreamFailure) => {
      if (failed) return;
      failed = true;
      if (!res.headersSent) onFailure(failure);
      else if (failure.kind !== 'client-aborted') res.destroy(failure.error);
    };
    outgoing.setTimeout(UPSTREAM_IDLE_TIMEOUT_MS, () => {
      const error = new Error(`no answer from ${target.origin} within ${UPSTREAM_IDLE_TIMEOUT_MS} ms`);
      fail({ kind: 'timeout', error });
      outgoing.destroy(error);
    });
    outgoing.on('error', (error) => fail({ kind: 'unreachable', error }));
    outgoing.on('response', (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.statusMessage, endToEndHeaders(answer.headers));
      pipeline(answer, res, (error) => {
        if (error) outgoing.destroy();
      });
    });
    // The client going away abandons the backend request too; the backend did not fail.
    res.on('close', () => {
      if (res.writableFinished) return;
      fail({ kind: 'client-aborted' });
      outgoing.destroy();
    });
    if (body) outgoing.end(body);
    // pipe, not pipeline: a failing backend must not destroy the client's socket, which still
    // has to carry the error page.
    else req.pipe(outgoing);
  }

  close(): void {
    this.agents['http:'].destroy();
    this.agents['https:'].destroy();
  }
}
