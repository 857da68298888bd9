/**
 * The composition root: createServer() builds every collaborator from the settings and mounts the
 * server's surfaces (protocol/mounts.ts), each with its own requests and the one error path:
 *   <app-id>.<apps domain>  every app's origin, the app gateway: first, so that no other surface
 *                      answers on an app's host
 *   POST /             the Cloud Control API and CloudFormation's DescribeType (api/cloudFormation.ts),
 *                      then the SageMaker API (api/pipeline.ts)
 *   GET /              a redirect to the console
 *   /console           the web console
 *   /gateway/<app-id>  the app gateway's path for signed calls on the API endpoint
 *   /health /ready /metrics
 *   /admin             the admin API, when an admin token is set
 * Nothing happens at import; createServer() opens the store, listen() starts serving.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import os from 'node:os';
import type { AddressInfo } from 'node:net';
import { createAdminApi } from './admin/api.js';
import { CatalogReleases } from './admin/releases.js';
import { appLogsMount, GET_LOGS_ACTION } from './api/appLogs.js';
import { CLOUDFORMATION_ACTIONS, INFRASTRUCTURE_AS_CODE_OPERATIONS, infrastructureAsCodeMounts } from './api/cloudFormation.js';
import { createInvoker, sageMakerOperations, type Invoke } from './api/invoke.js';
import { apiMount, awsJsonProtocol } from './api/pipeline.js';
import { isLoopbackHost, loadCredentials, type Credentials } from './auth/credentials.js';
import { OffsetClock, wallClock, type Clock } from './clock.js';
import type { Config } from './config.js';
import { consoleLanding, createConsole } from './console/console.js';
import { newConsoleSecret } from './console/session.js';
import { transitionDelayMs, type LifecycleSettings } from './domain/lifecycle.js';
import { parseAppArn } from './domain/partnerApp.js';
import { newGatewaySecret } from './domain/presignedUrl.js';
import { CALL_PARTNER_APP_API_ACTION, Gateway } from './gateway/gateway.js';
import { createLogger, type Logger } from './logger.js';
import { AnonymousRefusals } from './observability/anonymousRefusals.js';
import { AuditLog } from './observability/audit.js';
import { AuditRetention } from './observability/auditRetention.js';
import { operationsEndpoints } from './observability/endpoints.js';
import { Metrics } from './observability/metrics.js';
import { RequestObserver } from './observability/requests.js';
import { operations } from './operations/index.js';
import { createDrainableServer } from './protocol/drain.js';
import { mountTable, type ErrorReporting, type Mount } from './protocol/mounts.js';
import { isEveryInterface, PublicUrls } from './publicUrls.js';
import { Reconciler } from './reconciler/reconciler.js';
import { Supervisor } from './reconciler/supervisor.js';
import { createRuntime } from './runtime/index.js';
import type { Runtime } from './runtime/runtime.js';
import { bindPort } from './server/bind.js';
import { openStore } from './store/index.js';
import type { Store } from './store/store.js';

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

const OPERATION_NAMES = Object.keys(operations);
/** The IAM actions a credentials file may name. */
const ACTIONS = [...OPERATION_NAMES.map((operation) => `sagemaker:${operation}`), CALL_PARTNER_APP_API_ACTION, GET_LOGS_ACTION, ...CLOUDFORMATION_ACTIONS];
const KEEP_ALIVE_TIMEOUT_MS = 65_000;

/** What every surface is built from. */
interface Foundation {
  config: Config;
  logger: Logger;
  clock: Clock;
  store: Store;
  credentials: Credentials;
  urls: PublicUrls;
}

export async function createServer(config: Config, options: ServerOptions = {}): Promise<PartnerplaneServer> {
  const { logger = createLogger(config.logLevel), clock = config.movableClock ? new OffsetClock() : wallClock } = options;
  // The admin API changes lifecycle delays at runtime: on this server's copy, not the caller's object.
  config = { ...config };
  const credentials = loadCredentials(config, ACTIONS);
  // The port before the store: a port in use is reported before a database file is created.
  const bound = await bindPort(config.host, config.port);
  if (config.credentialsFile === undefined && !isLoopbackHost(config.host)) {
    logger.warn({ host: config.host }, `accepting the public local key test/test on ${config.host} (--local-key-anywhere): anyone who can reach this server can use it`);
  }
  const store = await openStore(config, { logger, serving: true }).catch((error: unknown) => {
    bound.close();
    throw error;
  });
  const urls = new PublicUrls(config.publicUrl, config.appsDomain);
  const { mounts, reconciler, retention, gateway, reporting, releases } = await assemble({ config, logger, clock, store, credentials, urls });
  const { server, drain } = createDrainableServer(mountTable(mounts, reporting));
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;

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
      releases.stop();
      await Promise.all([drain(), reconciler.stop(), retention?.stop()]);
      gateway.close();
      await store.close();
    },
  };
}

interface Assembled {
  /** The surfaces, in the order they are matched. */
  mounts: Mount[];
  reconciler: Reconciler;
  retention: AuditRetention | undefined;
  gateway: Gateway;
  reporting: ErrorReporting;
  releases: CatalogReleases;
}

/** A client gone before its request was complete: nobody to answer, and no failure of the server. */
function clientAbortReporting(logger: Logger, metrics: Metrics): ErrorReporting {
  return {
    logger,
    clientAborted(req: IncomingMessage, requestId: string): void {
      logger.info({ requestId, method: req.method, path: req.url?.split('?', 1)[0] }, 'client closed the connection before its request was complete');
      metrics.clientAborted();
    },
  };
}

/** What the reconciler applies transitions and maintenance with; `config` is the live copy the admin API changes. */
function lifecycleSettings(config: Config, urls: PublicUrls): LifecycleSettings {
  return {
    deletedRetentionMs: config.deletedRetentionMs,
    gatewayBaseUrl: (app) => urls.appBaseUrl(parseAppArn(app.arn)!.appId),
    versions: (type) => config.catalog.types[type]?.versions ?? [],
    upgradeDelayMs: (type) => transitionDelayMs(config, type, 'updateDelayMs'),
  };
}

/**
 * The supervisor of apps' backends, when a runtime runs them (the runtime labels what it runs with
 * the installation, one id per database). Its claims name this replica by its host and data
 * directory, which stay the same across its restarts, so it takes its apps back at once.
 */
function createSupervisor(base: Foundation, runtime: Runtime, lifecycle: LifecycleSettings, metrics: Metrics): Supervisor {
  const { config, logger, clock, store } = base;
  const owner = `${os.hostname()}/${createHash('sha256').update(config.dataDir).digest('base64url').slice(0, 12)}`;
  return new Supervisor({
    store,
    runtime,
    // Read at each use: a version released at runtime replaces the catalog (admin/releases.ts).
    get catalog() {
      return config.catalog;
    },
    lifecycle,
    delays: config,
    clock,
    logger,
    owner,
    pollIntervalMs: config.reconcileIntervalMs,
    observer: { healthy: (seconds) => metrics.backendHealthy(seconds), restarted: () => metrics.backendRestarted() },
  });
}

async function assemble(base: Foundation): Promise<Assembled> {
  const { config, logger, clock, store, credentials, urls } = base;
  const metrics = new Metrics(store, [...OPERATION_NAMES, ...INFRASTRUCTURE_AS_CODE_OPERATIONS], logger);
  const reporting = clientAbortReporting(logger, metrics);
  const audit = new AuditLog(store, logger, metrics);
  const observer = new RequestObserver(metrics, audit, logger);
  const refusals = new AnonymousRefusals(store, metrics, logger);
  const retention = config.auditRetentionDays === undefined ? undefined : new AuditRetention(store, config.auditRetentionDays, metrics, logger);
  const lifecycle = lifecycleSettings(config, urls);
  const installation = await store.sharedSecret('installation', () => randomUUID());
  const runtime = await createRuntime(config, { installation, dataDir: config.dataDir, logger });
  const supervisor = runtime && createSupervisor(base, runtime, lifecycle, metrics);
  const reconciler = new Reconciler({
    store,
    lifecycle,
    pollIntervalMs: config.reconcileIntervalMs,
    clock,
    logger,
    observeLag: (lateByMs) => metrics.transitionApplied(lateByMs),
    supervisor,
  });
  const releases = new CatalogReleases({ store, config, clock, logger, wakeReconciler: () => reconciler.wake(clock.now()) });
  await releases.start();
  const gatewaySecret = await store.sharedSecret('gateway', newGatewaySecret);
  const invoker = { ...base, gatewaySecret, observer, scheduleTransition: (dueAt: number) => reconciler.wake(dueAt) };
  const invoke: Invoke = createInvoker(invoker, sageMakerOperations);
  const gateway = new Gateway({ store, config, logger, secret: gatewaySecret, urls, clock, credentials, clientAborted: reporting.clientAborted });
  const webConsole = createConsole({
    invoke,
    lookupCredential: (accessKeyId) => credentials.get(accessKeyId),
    sessionKey: await store.sharedSecret('console', newConsoleSecret),
    urls,
    maxBodyBytes: config.maxBodyBytes,
    logger,
    localKey: config.credentialsFile === undefined,
    backendOf: async (arn) => (await store.getApp(arn))?.backend,
  });
  const protocol = awsJsonProtocol('SageMaker', OPERATION_NAMES);
  const front = { credentials, maxBodyBytes: config.maxBodyBytes, observer, refusals, reporting };
  const api = apiMount({ ...front, protocol, invoke });
  // The apps' hosts first: every request there is an app's, whatever its path. Then the Cloud Control
  // API and CloudFormation's DescribeType: the SageMaker API takes every other POST /.
  const logs = appLogsMount({ credentials, store, runtime });
  const mounts = [gateway.origins, ...infrastructureAsCodeMounts(front, invoker), api, consoleLanding(), webConsole, gateway.signedCalls, logs, operationsEndpoints(store, metrics, logger)];
  if (config.adminToken !== undefined) {
    mounts.push(createAdminApi({ token: config.adminToken, store, config, audit, clock, releases, wakeReconciler: () => reconciler.wake(clock.now()) }));
  }
  return { mounts, reconciler, retention, gateway, reporting, releases };
}
