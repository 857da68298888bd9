/**
 * The web console under /console: server-rendered pages, one small script, and two endpoints the
 * script calls — the table rows (HTML, rendered here like the page) and the API operations the
 * console offers. Every operation runs through the server's own pipeline (`invoke`: validation,
 * authorization, the operation), with the signed-in key as the caller, so the console can do
 * exactly what the API lets that key do and shows the API's own error messages.
 */
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AccessKey } from '../auth/credentials.js';
import type { ObservedBackend, PartnerAppStatus } from '../domain/partnerApp.js';
import type { Invoke } from '../api/invoke.js';
import { partitionOf } from '../domain/rules/regions.js';
import type { Logger } from '../logger.js';
import type { Caller } from '../operations/context.js';
import { parseJsonBody } from '../protocol/awsJson.js';
import { readBody } from '../protocol/body.js';
import { consoleBadRegion, consoleForbidden, consoleNotFound, consoleNotSignedIn, ServiceError } from '../protocol/errors.js';
import type { Mount } from '../protocol/mounts.js';
import { writeResult } from '../protocol/serialize.js';
import type { PublicUrls } from '../publicUrls.js';
import type { SafeHtml } from './html.js';
import { appRows, appsPage, backendProgress, signInPage, type AppRow } from './pages.js';
import { constantTimeEqual } from '../sealed.js';
import { readCookie, SESSION_COOKIE, SESSION_TTL_MS, sessionCookie, SessionSigner, type ConsoleSession } from './session.js';
import { DEVICE_COOKIE, DEVICE_TTL_SECONDS, SignInThrottle } from './signInThrottle.js';

/** What the console needs to know about an access key: the credential store's entry. */
export type ConsoleCredential = Pick<AccessKey, 'accessKeyId' | 'secretAccessKey' | 'sessionToken' | 'accountId' | 'principal' | 'sessionName' | 'partnerAppUser'>;

export interface ConsoleDependencies {
  /** The API pipeline after authentication: validation, authorization, the operation. */
  invoke: Invoke;
  lookupCredential(accessKeyId: string): ConsoleCredential | undefined;
  /** Signs session cookies; the same for every replica. */
  sessionKey: string;
  /** Cookies are marked Secure, and named __Host-, when the console is reached over https. */
  urls: PublicUrls;
  maxBodyBytes: number;
  logger: Logger;
  /** Only the documented local pair `test`/`test` is accepted (no credentials file). */
  localKey: boolean;
  /** What the reconciler observed of an app's backend (none with the builtin runtime): where a start is, why it restarts. */
  backendOf?(arn: string): Promise<ObservedBackend | undefined>;
}

const CONSOLE_PATH = '/console';
const STATIC_PATH = `${CONSOLE_PATH}/static/`;
const SIGN_IN_PATH = `${CONSOLE_PATH}/sign-in`;
/** The API operations the page calls: POST /console/api/<operation>. */
const API_PATH = `${CONSOLE_PATH}/api/`;

/** The operations the page calls; anything else is not the console's business. */
const CONSOLE_OPERATIONS = new Set(['CreatePartnerApp', 'UpdatePartnerApp', 'DeletePartnerApp', 'CreatePartnerAppPresignedUrl']);

const DEFAULT_REGION = 'us-east-1';
/** Pages of ListPartnerApps read for the table; bounds the work of one poll. */
const MAX_LIST_PAGES = 20;
const SIGN_IN_BODY_LIMIT = 8 * 1024;

const STATIC_DIR = new URL('../../src/console/static/', import.meta.url); // the same from src/ and dist/
const STATIC_FILES: Record<string, { type: string; body: Buffer }> = {
  'console.js': { type: 'text/javascript; charset=utf-8', body: readFileSync(new URL('console.js', STATIC_DIR)) },
  'console.css': { type: 'text/css; charset=utf-8', body: readFileSync(new URL('console.css', STATIC_DIR)) },
};

const SECURITY_HEADERS = {
  'Content-Security-Policy': "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'same-origin',
};

function send(res: ServerResponse, requestId: string, status: number, body: string | Buffer, headers: Record<string, string | string[]>): void {
  res.writeHead(status, { 'Content-Length': Buffer.byteLength(body), 'x-amzn-RequestId': requestId, ...SECURITY_HEADERS, ...headers });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

const sendHtml = (res: ServerResponse, requestId: string, status: number, page: SafeHtml, headers: Record<string, string | string[]> = {}) =>
  send(res, requestId, status, page.text, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store', ...headers });

function regionOf(url: URL): string {
  const region = url.searchParams.get('region') ?? DEFAULT_REGION;
  if (partitionOf(region) === undefined) throw consoleBadRegion();
  return region;
}

/**
 * A browser names the page a POST comes from; it must be this console's own origin. (Requests
 * with no Origin do not come from a browser, so no other site can have forged them.)
 */
function assertSameOrigin(req: IncomingMessage): void {
  const origin = req.headers.origin;
  if (origin === undefined) return;
  let host: string | undefined;
  try {
    host = new URL(origin).host;
  } catch {
    host = undefined;
  }
  if (host !== req.headers.host) throw consoleForbidden('Console requests must come from the console itself.');
}

/** A request under /console, as the routes see it. */
interface ConsoleRequest {
  req: IncomingMessage;
  res: ServerResponse;
  requestId: string;
  url: URL;
  /** The path without trailing slashes. */
  path: string;
}

interface Route {
  method: 'GET' | 'POST';
  /** The path served, or (ending in a slash) the prefix of the paths served. */
  path: string;
  handle(request: ConsoleRequest): Promise<void> | void;
}

const callerFor = (credential: ConsoleCredential, region: string): Caller => ({
  accountId: credential.accountId,
  region,
  accessKeyId: credential.accessKeyId,
  principal: credential.principal,
  sessionName: credential.sessionName,
  partnerAppUser: credential.partnerAppUser,
});

/** Forgotten between the list and the describe: no longer there to show. */
function unlessForgotten(error: unknown): undefined {
  if (error instanceof ServiceError && error.code === 'ResourceNotFound') return undefined;
  throw error;
}

class WebConsole {
  private readonly signer: SessionSigner;
  private readonly throttle: SignInThrottle;
  /** One route, one method: GET also answers HEAD. */
  private readonly routes: readonly Route[] = [
    { method: 'GET', path: CONSOLE_PATH, handle: (request) => this.home(request) },
    { method: 'GET', path: `${CONSOLE_PATH}/rows`, handle: (request) => this.rows(request) },
    { method: 'GET', path: STATIC_PATH, handle: (request) => this.staticFile(request) },
    { method: 'POST', path: SIGN_IN_PATH, handle: (request) => this.signIn(request) },
    { method: 'POST', path: `${CONSOLE_PATH}/sign-out`, handle: (request) => this.signOut(request) },
    { method: 'POST', path: API_PATH, handle: (request) => this.callOperation(request) },
  ];

  constructor(private readonly deps: ConsoleDependencies) {
    this.signer = new SessionSigner(deps.sessionKey);
    this.throttle = new SignInThrottle(deps.sessionKey);
  }

  async serve(req: IncomingMessage, res: ServerResponse, requestId: string): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://console.invalid');
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const method = req.method === 'HEAD' ? 'GET' : req.method;
    const route = this.routes.find((candidate) => candidate.method === method && (candidate.path.endsWith('/') ? path.startsWith(candidate.path) : path === candidate.path));
    if (!route) throw consoleNotFound(path);
    await route.handle({ req, res, requestId, url, path });
  }

  /** The apps page, or the sign-in page to whoever is not signed in. */
  private async home({ req, res, requestId, url }: ConsoleRequest): Promise<void> {
    const signedIn = this.sessionOf(req);
    if (!signedIn) return sendHtml(res, requestId, 200, signInPage({ localKey: this.deps.localKey }));
    const region = regionOf(url);
    const { session, credential } = signedIn;
    const apps = await this.listRows(callerFor(credential, region), requestId);
    sendHtml(res, requestId, 200, appsPage({ identity: credential, region, apps, csrfToken: this.signer.csrfToken(session) }));
  }

  /** The table's rows, which the page polls for. */
  private async rows({ req, res, requestId, url }: ConsoleRequest): Promise<void> {
    const { credential } = this.requireSession(req, { mutating: false });
    sendHtml(res, requestId, 200, appRows(await this.listRows(callerFor(credential, regionOf(url)), requestId)));
  }

  private staticFile({ res, requestId, path }: ConsoleRequest): void {
    const file = STATIC_FILES[path.slice(STATIC_PATH.length)];
    if (!file) throw consoleNotFound(path);
    send(res, requestId, 200, file.body, { 'Content-Type': file.type, 'Cache-Control': 'no-cache' });
  }

  private async signIn({ req, res, requestId }: ConsoleRequest): Promise<void> {
    assertSameOrigin(req);
    const form = new URLSearchParams((await readBody(req, Math.min(SIGN_IN_BODY_LIMIT, this.deps.maxBodyBytes))).toString('utf8'));
    const accessKeyId = form.get('accessKeyId')?.trim() ?? '';
    const attempt = this.throttle.attempt(req.socket.remoteAddress, accessKeyId, this.deps.lookupCredential(accessKeyId) !== undefined, readCookie(req.headers.cookie, this.deps.urls.cookieName(DEVICE_COOKIE)));
    if (attempt.retryAfterSeconds !== undefined) {
      this.deps.logger.info({ requestId, accessKeyId, retryAfterSeconds: attempt.retryAfterSeconds }, 'console sign-in throttled');
      const error = `Too many failed sign-ins. Try again in ${attempt.retryAfterSeconds} seconds.`;
      return sendHtml(res, requestId, 429, signInPage({ accessKeyId, error }), { 'Retry-After': String(attempt.retryAfterSeconds) });
    }
    const credential = this.authenticate(accessKeyId, form.get('secretAccessKey') ?? '', form.get('sessionToken')?.trim() ?? '');
    if (!credential) {
      attempt.failed();
      this.deps.logger.info({ requestId, accessKeyId }, 'console sign-in refused');
      sendHtml(res, requestId, 401, signInPage({ accessKeyId, error: 'The access key ID or the secret access key is not valid.', localKey: this.deps.localKey }));
      return;
    }
    this.deps.logger.info({ requestId, accessKeyId, accountId: credential.accountId }, 'console sign-in');
    // 303: the browser follows with a GET, so reloading the page never re-sends the secret.
    const cookies = [this.cookie(this.signer.issue(credential), SESSION_TTL_MS / 1000), this.deviceCookie(accessKeyId)];
    send(res, requestId, 303, '', { Location: CONSOLE_PATH, 'Set-Cookie': cookies, 'Cache-Control': 'no-store' });
  }

  private signOut({ req, res, requestId }: ConsoleRequest): void {
    this.requireSession(req, { mutating: true });
    send(res, requestId, 204, '', { 'Set-Cookie': this.cookie('', 0) });
  }

  /** One of the API operations the page calls, run through the API's pipeline as the signed-in key. */
  private async callOperation({ req, res, requestId, url, path }: ConsoleRequest): Promise<void> {
    const operation = path.slice(API_PATH.length);
    if (!CONSOLE_OPERATIONS.has(operation)) throw consoleNotFound(url.pathname);
    const { credential } = this.requireSession(req, { mutating: true });
    const input = parseJsonBody(await readBody(req, this.deps.maxBodyBytes));
    writeResult(res, requestId, await this.deps.invoke(operation, input, callerFor(credential, regionOf(url)), requestId));
  }

  private cookie(value: string, maxAgeSeconds: number): string {
    return sessionCookie(value, { name: this.deps.urls.cookieName(SESSION_COOKIE), secure: this.deps.urls.secure, maxAgeSeconds });
  }

  /** Marks this browser as one the key signed in from, so the throttle never locks it out. */
  private deviceCookie(accessKeyId: string): string {
    const options = { name: this.deps.urls.cookieName(DEVICE_COOKIE), secure: this.deps.urls.secure, maxAgeSeconds: DEVICE_TTL_SECONDS, path: SIGN_IN_PATH };
    return sessionCookie(this.throttle.deviceCookieValue(accessKeyId), options);
  }

  /**
   * The check of every API request: the key exists, the secret is its secret and, for temporary
   * credentials, the session token is theirs.
   */
  private authenticate(accessKeyId: string, secretAccessKey: string, sessionToken: string): ConsoleCredential | undefined {
    const credential = this.deps.lookupCredential(accessKeyId);
    // Compare even for an unknown key, so the answer takes as long either way.
    const secretMatches = constantTimeEqual(secretAccessKey, credential?.secretAccessKey ?? '\0no such key');
    const tokenMatches = constantTimeEqual(sessionToken, credential?.sessionToken ?? '');
    return credential && secretMatches && tokenMatches ? credential : undefined;
  }

  /** The signed-in identity, as long as the key still exists with the secret it signed in with. */
  private sessionOf(req: IncomingMessage): { session: ConsoleSession; credential: ConsoleCredential } | undefined {
    const value = readCookie(req.headers.cookie, this.deps.urls.cookieName(SESSION_COOKIE));
    const session = value === undefined ? undefined : this.signer.read(value);
    const credential = session && this.deps.lookupCredential(session.accessKeyId);
    if (!session || !credential || !constantTimeEqual(this.signer.fingerprint(credential), session.secretFingerprint)) return undefined;
    return { session, credential };
  }

  private requireSession(req: IncomingMessage, options: { mutating: boolean }): { session: ConsoleSession; credential: ConsoleCredential } {
    const signedIn = this.sessionOf(req);
    if (!signedIn) throw consoleNotSignedIn();
    if (options.mutating) {
      assertSameOrigin(req);
      if (!this.signer.csrfMatches(signedIn.session, req.headers['x-csrf-token'] as string | undefined)) {
        throw consoleForbidden('The request is missing the console page\'s CSRF token; reload the page.');
      }
    }
    return signedIn;
  }

  /** Every app of the caller's region (up to MAX_LIST_PAGES pages), described. */
  private async listRows(caller: Caller, requestId: string): Promise<AppRow[]> {
    const summaries: { Arn: string }[] = [];
    let nextToken: string | undefined;
    for (let page = 0; page < MAX_LIST_PAGES; page++) {
      const input = { MaxResults: 100, ...(nextToken && { NextToken: nextToken }) };
      const output = (await this.deps.invoke('ListPartnerApps', input, caller, requestId)) as { Summaries: { Arn: string }[]; NextToken?: string };
      summaries.push(...output.Summaries);
      nextToken = output.NextToken;
      if (!nextToken) break;
    }
    const described = await Promise.all(
      summaries.map(({ Arn }) => this.deps.invoke('DescribePartnerApp', { Arn }, caller, requestId).then((app) => this.withProgress(toRow(app as DescribedApp)), unlessForgotten)),
    );
    return described.filter((row): row is AppRow => row !== undefined);
  }

  private async withProgress(row: AppRow): Promise<AppRow> {
    const progress = backendProgress(row.status, await this.deps.backendOf?.(row.arn));
    return progress === undefined ? row : { ...row, progress };
  }
}

/** The console as a surface of the server: everything under /console. */
export function createConsole(deps: ConsoleDependencies): Mount {
  const webConsole = new WebConsole(deps);
  return { name: 'console', prefix: CONSOLE_PATH, handle: (req, res, requestId) => webConsole.serve(req, res, requestId) };
}

/** GET / leads to the console: a person who opens the server's address in a browser is looking for it. */
export function consoleLanding(): Mount {
  return {
    name: 'landing',
    methods: ['GET', 'HEAD'],
    paths: new Set(['/']),
    handle: (_req, res, requestId) => {
      res.writeHead(302, { Location: CONSOLE_PATH, 'x-amzn-RequestId': requestId }).end();
    },
  };
}

interface DescribedApp {
  Arn: string;
  Name: string;
  Type: string;
  Tier: string;
  Status: PartnerAppStatus;
  Version: string;
  CreationTime: number;
  MaintenanceConfig?: { MaintenanceWindowStart?: string };
  Error?: { Code: string; Reason: string };
}

/** DescribePartnerApp's output (timestamps in epoch seconds, as on the wire) as a table row. */
const toRow = (app: DescribedApp): AppRow => ({
  arn: app.Arn,
  name: app.Name,
  type: app.Type,
  tier: app.Tier,
  status: app.Status,
  version: app.Version,
  creationTime: app.CreationTime * 1000,
  maintenanceWindowStart: app.MaintenanceConfig?.MaintenanceWindowStart,
  error: app.Error && `${app.Error.Code}: ${app.Error.Reason}`,
});
