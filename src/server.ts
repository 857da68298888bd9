/**
 * The HTTP server: routes requests and runs the API pipeline
 *   operation (X-Amz-Target) → body → SigV4 (caller) → JSON → IAM actions → validation → operation → response
 * with every error, expected or not, turned into the wire response in one place (fail()).
 * Nothing happens at import; createServer() opens the store, listen() starts serving.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ADMIN_PATH, createAdminApi } from './admin/api.js';
import { assertAllowed, isLoopbackHost, loadCredentials, requestedResource } from './auth/credentials.js';
import { rawRequestOf, verifyRequest } from './auth/sigv4.js';
import { wallClock, type Clock } from './clock.js';
import type { Config } from './config.js';
import { CONSOLE_PATH, createConsole } from './console/console.js';
import { newConsoleSecret } from './console/session.js';
import { parseAppArn } from './domain/partnerApp.js';
import { newGatewaySecret } from './domain/presignedUrl.js';
import { CALL_PARTNER_APP_API_ACTION, Gateway } from './gateway/gateway.js';
import { AnonymousRefusals } from './observability/anonymousRefusals.js';
import { AUDITED_OPERATIONS, AuditLog } from './observability/audit.js';
import { AuditRetention } from './observability/auditRetention.js';
import { OPERATIONS_PATHS, operationsEndpoints } from './observability/endpoints.js';
import { createLogger, type Logger } from './logger.js';
import { Metrics } from './observability/metrics.js';
import { auditRecordOf, errorCodeOf, newApiCall, RequestObserver, type ApiCall } from './observability/requests.js';
import type { CallAudit, Caller, OperationContext } from './operations/context.js';
import { operations } from './operations/index.js';
import { bindPort } from './server/bind.js';
import { createDrainableServer } from './protocol/drain.js';
import { operationResolver, parseJsonBody } from './protocol/awsJson.js';
import { ClientAbort, readBody, writeRefusal } from './protocol/body.js';
import { internalFailure, ServiceError } from './protocol/errors.js';
import { writeError, writeJson, writeResult } from './protocol/serialize.js';
import { isEveryInterface, PublicUrls } from './publicUrls.js';
import { Reconciler } from './reconciler/reconciler.js';
import { openStore } from './store/index.js';
import type { Store } from './store/store.js';
import { model } from './validation/shapes.js';
import { compileValidators } from './validation/check.js';

export interface PartnerplaneServer {
  /** Starts serving (on the port createServer took); resolves to the base URL once listening. */
  listen(): Promise<string>;
  /** The URL clients are given (BaseUrl, presigned URLs, the console), once listening. */
  publicUrl(): string;
  /** Stops accepting, finishes requests in flight, stops the reconciler and closes the store. */
  close(): Promise<void>;
  readonly store: Store;
  readonly logger: Logger;
}

export interface ServerOptions {
  /** Where the server logs (default: JSON on stderr at the configured level). */
  logger?: Logger;
  /** The service's time (default: the wall clock). */
  clock?: Clock;
}

export async function createServer(config: Config, options: ServerOptions = {}): Promise<PartnerplaneServer> {
  const { logger = createLogger(config.logLevel), clock = wallClock } = options;
  const actions = [...Object.keys(operations).map((operation) => `sagemaker:${operation}`), CALL_PARTNER_APP_API_ACTION];
  const credentials = loadCredentials(config, actions);
  // The port before the store: a port in use is reported before a database file is created.
  const bound = await bindPort(config.host, config.port);
  if (config.credentialsFile === undefined && !isLoopbackHost(config.host)) {
    logger.warn({ host: config.host }, `accepting the public local key test/test on ${config.host} (--local-key-anywhere): anyone who can reach this server can use it`);
  }
  const store = await openStore(config, { logger, serving: true }).catch((error: unknown) => {
    bound.close();
    throw error;
  });
  const gatewaySecret = await store.sharedSecret('gateway', newGatewaySecret);
  const validators = compileValidators(model);
  const resolveOperation = operationResolver(Object.keys(operations));
  // The admin API changes lifecycle delays at runtime: on this server's copy, not the caller's object.
  config = { ...config };
  const metrics = new Metrics(store, Object.keys(operations), logger);
  const audit = new AuditLog(store, logger, metrics);
  const observer = new RequestObserver(metrics, audit, logger);
  const refusals = new AnonymousRefusals(store, metrics, logger);
  const retention = config.auditRetentionDays === undefined ? undefined : new AuditRetention(store, config.auditRetentionDays, metrics, logger);
  const serveOperationsEndpoint = operationsEndpoints(store, metrics, logger);
  const urls = new PublicUrls(config.publicUrl);

  const reconciler = new Reconciler({
    store,
    lifecycle: {
      deletedRetentionMs: config.deletedRetentionMs,
      gatewayBaseUrl: (app) => urls.appBaseUrl(parseAppArn(app.arn)!.appId),
    },
    pollIntervalMs: config.reconcileIntervalMs,
    clock,
    logger,
    observeLag: (lateByMs) => metrics.transitionApplied(lateByMs),
  });

  const admin =
    config.adminToken === undefined
      ? undefined
      : createAdminApi({ token: config.adminToken, store, config, audit, wakeReconciler: () => reconciler.wake(clock.now()) });

  const gateway = new Gateway({
    store,
    config,
    logger,
    secret: gatewaySecret,
    urls,
    clock,
    credentials,
    clientAborted,
  });

  const webConsole = createConsole({
    invoke,
    lookupCredential: (accessKeyId) => credentials.get(accessKeyId),
    sessionKey: await store.sharedSecret('console', newConsoleSecret),
    secureCookies: () => urls.secure,
    maxBodyBytes: config.maxBodyBytes,
    logger,
    localKey: config.credentialsFile === undefined,
  });

  /** A client gone before its request was complete: nobody to answer, and no failure of the server. */
  function clientAborted(req: IncomingMessage, requestId: string): void {
    logger.info({ requestId, method: req.method, path: req.url?.split('?', 1)[0] }, 'client closed the connection before its request was complete');
    metrics.clientAborted();
  }

  /** Writes the error response; `written` is told the error as the caller was given it, once it is written. */
  function fail(res: ServerResponse, requestId: string, error: unknown, written?: (given: ServiceError) => void): void {
    if (error instanceof ClientAbort) return clientAborted(res.req, requestId);
    if (!(error instanceof ServiceError)) {
      logger.error({ err: error, requestId }, 'request failed unexpectedly');
      error = internalFailure();
    }
    const serviceError = error as ServiceError;
    writeRefusal(res.req, (headers) => writeError(res, requestId, serviceError, headers, written && (() => written(serviceError))));
  }

  /**
   * The pipeline once the caller is known; the API and the console both run operations through it.
   * A mutating call is answered only once its audit record is stored: with its change, in the
   * same transaction, or here when it changed nothing.
   */
  function invoke(operation: string, body: unknown, caller: Caller, requestId: string): Promise<object> {
    // A read goes straight to execute(): one promise fewer to settle on the hot path.
    return AUDITED_OPERATIONS.has(operation) ? invokeAudited(operation, body, caller, requestId) : execute(operation, body, caller, requestId);
  }

  async function invokeAudited(operation: string, body: unknown, caller: Caller, requestId: string): Promise<object> {
    const call = { operation, caller, input: body, requestId };
    let storedWithChange = false;
    const audit: CallAudit = {
      record: (target) => auditRecordOf(call, undefined, target),
      stored: () => {
        storedWithChange = true;
      },
    };
    let output: object;
    try {
      output = await execute(operation, body, caller, requestId, audit);
    } catch (error) {
      await observer.audited(call, errorCodeOf(error));
      throw error;
    }
    if (!storedWithChange) await observer.audited(call, undefined, output);
    return output;
  }

  async function execute(operation: string, body: unknown, caller: Caller, requestId: string, audit?: CallAudit): Promise<object> {
    assertAllowed(credentials, caller, `sagemaker:${operation}`, () => requestedResource(body, caller));
    const input = validators.get(operation)!(body);
    const context: OperationContext = {
      caller,
      store,
      config,
      logger,
      requestId,
      clock,
      urls,
      gatewaySecret,
      scheduleTransition: (dueAt) => reconciler.wake(dueAt),
      audit,
    };
    return operations[operation]!(input as never, context);
  }

  /** The answer to an API request, or the error to answer with. */
  async function handleApi(req: IncomingMessage, call: ApiCall): Promise<object> {
    let input: unknown;
    try {
      call.operation = resolveOperation(req.headers['x-amz-target'] as string | undefined);
      const body = await readBody(req, config.maxBodyBytes);
      call.caller = await verifyRequest(rawRequestOf(req, body), credentials);
      input = call.input = parseJsonBody(body);
    } catch (error) {
      // Refused before the operation ran: audited when a known caller asked for a change, counted
      // when nobody is known yet (anonymousRefusals.ts); a client gone mid-request asked for nothing.
      if (error instanceof ClientAbort) throw error;
      if (call.caller === undefined) refusals.refused(req.socket.remoteAddress, errorCodeOf(error));
      else await observer.audited(call, errorCodeOf(error));
      throw error;
    }
    return invoke(call.operation, input, call.caller, call.requestId);
  }

  const { server, drain } = createDrainableServer((req, res) => {
    const requestId = randomUUID();
    if (req.method === 'POST' && (req.url === '/' || req.url?.startsWith('/?'))) {
      const call = newApiCall(requestId);
      // Counted once written: an answer waits for the end of its turn of the event loop (serialize.ts).
      handleApi(req, call).then(
        (output) => writeResult(res, requestId, output, () => observer.answered(call, 200, undefined)),
        (error: unknown) => fail(res, requestId, error, (given) => observer.answered(call, given.statusCode, given.code)),
      );
      return;
    }
    if (req.url === CONSOLE_PATH || req.url?.startsWith(`${CONSOLE_PATH}/`) || req.url?.startsWith(`${CONSOLE_PATH}?`)) {
      webConsole(req, res, requestId).catch((error: unknown) => fail(res, requestId, error));
      return;
    }
    if (req.url?.startsWith('/gateway/')) {
      gateway.handle(req, res, requestId);
      return;
    }
    const path = (req.url ?? '/').split('?', 1)[0]!;
    if (path === '/' && (req.method === 'GET' || req.method === 'HEAD')) {
      // A person who opens the server's address in a browser is looking for the console.
      res.writeHead(302, { Location: CONSOLE_PATH, 'x-amzn-RequestId': requestId }).end();
      return;
    }
    if (OPERATIONS_PATHS.has(path)) {
      serveOperationsEndpoint(req, res, requestId, path).catch((error: unknown) => fail(res, requestId, error));
      return;
    }
    if (admin && (path === ADMIN_PATH || path.startsWith(`${ADMIN_PATH}/`))) {
      admin(req, res, requestId, path).catch((error: unknown) => fail(res, requestId, error));
      return;
    }
    writeJson(res, requestId, 404, JSON.stringify({ message: `No route for ${req.method} ${req.url}` }));
  });
  server.keepAliveTimeout = 65_000;

  return {
    store,
    logger,
    publicUrl: () => urls.base,
    listen: () =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        bound.serve(server, () => {
          const local = urls.listening(config.host, (server.address() as AddressInfo).port);
          if (config.publicUrl === undefined && isEveryInterface(config.host)) {
            logger.warn({ url: urls.base }, `listening on every interface (${config.host}) without --public-url: BaseUrl and presigned URLs use ${urls.base}; set --public-url to the address clients use`);
          }
          reconciler.start();
          retention?.start();
          logger.info({ url: urls.base, store: store.kind }, 'partnerplane listening');
          resolve(local);
        });
      }),
    close: async () => {
      // The reconciler finishes its current transaction (releasing what it claimed) while the
      // requests in flight finish; the store closes only when neither needs it any more.
      await Promise.all([drain(), reconciler.stop(), retention?.stop()]);
      await refusals.flush();
      gateway.close();
      await store.close();
    },
  };
}
