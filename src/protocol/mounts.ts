/**
 * The mount table: each surface of the server (the API, the console, the gateway, the operations
 * endpoints, the admin API) declares which requests are its own, by host, path or method, and how
 * its errors look; every error of every surface is answered through answerError, the one place an
 * error becomes a response. Routes are declared apart from dispatch, as in hono.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { Logger } from '../logger.js';
import { ClientAbort, writeRefusal } from './body.js';
import { internalFailure, ServiceError } from './errors.js';
import { writeError, writeJson } from './serialize.js';

/** Writes an error response: `headers` are the error's own and those the error path adds. */
export type ErrorRenderer = (res: ServerResponse, requestId: string, error: ServiceError, headers: Readonly<Record<string, string>>, written?: () => void) => void;

export interface Mount {
  /** Names the surface in logs. */
  readonly name: string;
  /** Only requests for this host (the Host header without its port, in lower case), or hosts it matches. */
  readonly host?: string | RegExp;
  /** Only requests whose path (without the query) is this prefix or under it. */
  readonly prefix?: string;
  /** Only requests whose path (without the query) is one of these. */
  readonly paths?: ReadonlySet<string>;
  /** Only requests with one of these methods. */
  readonly methods?: readonly string[];
  /** Only requests it accepts, by their headers: which protocol of several on one path (the API's fronts). */
  accepts?(req: IncomingMessage): boolean;
  /** Serves a request; what it throws or rejects with is answered by answerError. */
  handle(req: IncomingMessage, res: ServerResponse, requestId: string, path: string): void | Promise<void>;
  /** How this surface's errors look; AWS JSON (protocol/serialize.ts) when absent. */
  readonly renderError?: ErrorRenderer;
  /** What this surface answers for an error it did not expect; InternalFailure when absent. */
  readonly unexpectedError?: () => ServiceError;
}

/** Where the error path reports what is not an answer: unexpected errors, and clients gone mid-request. */
export interface ErrorReporting {
  logger: Logger;
  /** A client went away before its request was complete: nobody to answer, and no failure of the server. */
  clientAborted(req: IncomingMessage, requestId: string): void;
}

export interface ErrorPathOptions extends ErrorReporting {
  /** The surface, named in the log line of an unexpected error. */
  surface: string;
  render?: ErrorRenderer;
  unexpected?: () => ServiceError;
  /** Told the error as the caller was given it, once it is written. */
  written?: (given: ServiceError) => void;
}

/**
 * The one way an error becomes a response. A client gone mid-request is reported, not answered.
 * Anything that is not a ServiceError is logged with the request id and answered as
 * InternalFailure, without its internals. A response already under way is cut off. The rest of a
 * body refused before it was all received is read first, within a bound (writeRefusal).
 */
export function answerError(res: ServerResponse, requestId: string, error: unknown, options: ErrorPathOptions): void {
  if (error instanceof ClientAbort) {
    options.clientAborted(res.req, requestId);
    return;
  }
  if (!(error instanceof ServiceError)) {
    options.logger.error({ err: error, requestId, surface: options.surface }, 'request failed unexpectedly');
    error = (options.unexpected ?? internalFailure)();
  }
  const given = error as ServiceError;
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const { written, render = writeError } = options;
  writeRefusal(res.req, (connection) => render(res, requestId, given, connection ? { ...given.headers, ...connection } : given.headers, written && (() => written(given))));
}

/** The Host header without its port, in lower case: what `Mount.host` is compared with. */
export const requestHost = (req: IncomingMessage) => (req.headers.host ?? '').replace(/:\d*$/, '').toLowerCase();

function matches(mount: Mount, req: IncomingMessage, path: string): boolean {
  if (mount.methods && !mount.methods.includes(req.method!)) return false;
  if (mount.paths && !mount.paths.has(path)) return false;
  if (mount.prefix !== undefined && path !== mount.prefix && !path.startsWith(mount.prefix.endsWith('/') ? mount.prefix : `${mount.prefix}/`)) return false;
  if (mount.host !== undefined) {
    const host = requestHost(req);
    if (typeof mount.host === 'string' ? host !== mount.host : !mount.host.test(host)) return false;
  }
  return mount.accepts === undefined || mount.accepts(req);
}

/** The server's request listener: the first mount that matches serves; none is a 404. */
export function mountTable(mounts: readonly Mount[], reporting: ErrorReporting): RequestListener {
  return (req, res) => {
    const requestId = randomUUID();
    const url = req.url ?? '/';
    const query = url.indexOf('?');
    const path = query < 0 ? url : url.slice(0, query);
    const mount = mounts.find((candidate) => matches(candidate, req, path));
    if (!mount) {
      writeJson(res, requestId, 404, JSON.stringify({ message: `No route for ${req.method} ${req.url}` }));
      return;
    }
    const fail = (error: unknown) => answerError(res, requestId, error, { ...reporting, surface: mount.name, render: mount.renderError, unexpected: mount.unexpectedError });
    try {
      mount.handle(req, res, requestId, path)?.catch(fail);
    } catch (error) {
      fail(error);
    }
  };
}
