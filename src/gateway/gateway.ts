/**
 * The app gateway: every app's origin, `<scheme>://<app-id>.<apps domain>:<port>`, where BaseUrl
 * and presigned URLs lead, so that an app's script shares an origin with neither the console nor
 * another app (publicUrls.ts).
 *
 * Three ways in, each ending with the request forwarded to the app's backend as a known identity:
 * - a presigned URL (`?token=`): verified, admitted once, and turned into a signed session cookie;
 * - that session cookie, host-only, on every later request from the browser;
 * - a SigV4-signed request, as the SageMaker Python SDK's PartnerAppAuthProvider sends them
 *   (`X-Amz-Target: SageMaker.CallPartnerAppApi`, `X-SageMaker-Partner-App-Server-Arn`, the app's
 *   own credentials moved to `X-Amz-Partner-App-Authorization`), at the app's origin or at
 *   `/gateway/<app-id>/` on the API endpoint, for clients that cannot resolve the app's host.
 * The backend is the built-in app page, or the real upstream configured for the app's type.
 * Whatever stops a request is a ServiceError of the gateway's (protocol/errors.ts): an HTML page
 * under its title for browsers, an AWS JSON error for signed requests.
 */
import type { IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { assertAllowed, type Credentials } from '../auth/credentials.js';
import { rawRequestOf, verifyRequest } from '../auth/sigv4.js';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import { parseAppArn, type PartnerApp } from '../domain/partnerApp.js';
import { verifyToken, type GatewayIdentity } from '../domain/presignedUrl.js';
import { appUserIdentity } from '../domain/rules/identity.js';
import type { Logger } from '../logger.js';
import { readBody } from '../protocol/body.js';
import {
  accessDenied,
  gatewayAppFailed,
  gatewayAppGone,
  gatewayAppNotFound,
  gatewayAppUnavailable,
  gatewayDenied,
  gatewayFailure,
  gatewayNoSuchApp,
  gatewayNotAnAppRequest,
  gatewayWrongApp,
} from '../protocol/errors.js';
import { requestHost, type ErrorRenderer, type Mount } from '../protocol/mounts.js';
import { writeError } from '../protocol/serialize.js';
import type { Store } from '../store/store.js';
import { builtInAppPage, errorPage, writeHtml, type BuiltInAppView } from './pages.js';
import { endToEndHeaders, UpstreamProxy, type UpstreamFailure } from './proxy.js';
import { signedCallsPath, type PublicUrls } from '../publicUrls.js';
import { destinationOf, servesRequests } from './routing.js';
import { signSession, verifySession, type GatewaySession } from './session.js';

export const SESSION_COOKIE = 'partnerplane_session';

/** Headers the gateway sets for the backend; a client's own copies are dropped so none can be forged. */
export const IDENTITY_HEADERS = {
  user: 'x-partnerplane-user',
  principal: 'x-partnerplane-principal',
  appArn: 'x-partnerplane-app-arn',
  via: 'x-partnerplane-via',
} as const;

const CALL_PARTNER_APP_API = 'SageMaker.CallPartnerAppApi';
/** The IAM action a signed gateway request needs; credentials files may name it in allowedActions. */
export const CALL_PARTNER_APP_API_ACTION = 'sagemaker:CallPartnerAppApi';
const APP_SERVER_ARN_HEADER = 'x-sagemaker-partner-app-server-arn';
const APP_AUTHORIZATION_HEADER = 'x-amz-partner-app-authorization';
/** The signed request's own credentials; the backend gets the app's Authorization instead. */
const SIGV4_HEADERS = ['authorization', 'x-amz-date', 'x-amz-security-token', 'x-amz-content-sha256', 'x-amz-target', APP_AUTHORIZATION_HEADER];

const SIGNED_CALLS_PATH = /^\/gateway\/(app-[A-Z0-9]{12})(\/.*)?$/;

export interface GatewayOptions {
  store: Store;
  config: Config;
  logger: Logger;
  /** Signs presigned tokens and session cookies. */
  secret: string;
  /** Where this server is reached (known once it listens). */
  urls: PublicUrls;
  /** Presigned URLs and sessions expire by the service's clock, which issued them. */
  clock: Clock;
  /** The keys that may sign requests, as for the API. */
  credentials: Credentials;
  /** Told of a client that went away before its request was complete (no failure of the gateway). */
  clientAborted(req: IncomingMessage, requestId: string): void;
}

/** Where a request reached an app: its own origin, or the API endpoint's signed-calls path. */
interface Place {
  appId: string;
  /** The app's own path and query, as its backend is asked for them. */
  pathAndQuery: string;
  /** The origin the client reached, and the path before the app's own: the backend's X-Forwarded-Host, -Proto and -Prefix. */
  origin: string;
  prefix: string;
}

/** Who a request that got through is, and how it proved it. */
interface Admission {
  app: PartnerApp;
  who: GatewayIdentity;
  via: BuiltInAppView['via'];
}

export class Gateway {
  private readonly proxy = new UpstreamProxy();
  /** Every host under the apps domain, each an app's origin: mounted before any other surface, so that neither the console nor the API answers there. */
  readonly origins: Mount;
  /** /gateway/ on every other host: the API endpoint's path for apps' signed calls. */
  readonly signedCalls: Mount;

  constructor(private readonly options: GatewayOptions) {
    const renderError: ErrorRenderer = (res, requestId, refusal, headers) => {
      this.options.logger.info({ requestId, code: refusal.code, status: refusal.statusCode }, 'gateway refused a request');
      if (isSigned(res.req.headers)) writeError(res, requestId, refusal, headers);
      else writeHtml(res, refusal.statusCode, errorPage(refusal.title ?? refusal.code, refusal.message, requestId), headers);
    };
    const surface = (serve: (req: IncomingMessage, res: ServerResponse, requestId: string) => Promise<void>): Mount => ({
      name: 'gateway',
      handle: (req, res, requestId) => {
        res.setHeader('x-amzn-RequestId', requestId);
        return serve(req, res, requestId);
      },
      renderError,
      unexpectedError: gatewayFailure,
    });
    this.origins = { ...surface((req, res, requestId) => this.serveOrigin(req, res, requestId)), host: options.urls.appsHost };
    this.signedCalls = { ...surface((req, res, requestId) => this.serveSignedCallsPath(req, res, requestId)), prefix: '/gateway/' };
  }

  close(): void {
    this.proxy.close();
  }

  /** A request to an app's own origin: a signed call, a presigned URL, or a browser with its session. */
  private async serveOrigin(req: IncomingMessage, res: ServerResponse, requestId: string): Promise<void> {
    const appId = this.options.urls.appIdOfHost(requestHost(req));
    if (appId === undefined) throw gatewayNoSuchApp(`No partner app is served at ${req.headers.host}: app addresses are the BaseUrl that DescribePartnerApp gives.`);
    const { path, query } = splitTarget(req.url);
    const place: Place = { appId, pathAndQuery: path + query, origin: this.options.urls.appBaseUrl(appId), prefix: '' };
    if (isSigned(req.headers)) return this.serveSigned(req, res, requestId, place);
    const params = new URLSearchParams(query);
    const token = params.get('token');
    if (token !== null) {
      params.delete('token');
      const rest = params.toString();
      // Absolute: a path such as //elsewhere.example would otherwise send the browser to another host.
      return this.openPresignedUrl(res, appId, token, `${place.origin}${path}${rest === '' ? '' : `?${rest}`}`);
    }
    this.forward(req, res, requestId, await this.admitSession(req, appId), place, undefined);
  }

  /**
   * /gateway/<app-id>/… on the API endpoint: signed calls only. A browser is sent on to the app's
   * origin, so that nothing an app serves ever runs in the console's (and links from before apps
   * had origins of their own keep working).
   */
  private async serveSignedCallsPath(req: IncomingMessage, res: ServerResponse, requestId: string): Promise<void> {
    const { path, query } = splitTarget(req.url);
    const match = SIGNED_CALLS_PATH.exec(path);
    if (!match) throw gatewayNoSuchApp("An app's signed calls go to /gateway/<app-id>/ on the API endpoint, or to its BaseUrl.");
    const appId = match[1]!;
    const appPath = match[2] || '/';
    if (!isSigned(req.headers)) {
      res.writeHead(302, { Location: `${this.options.urls.appBaseUrl(appId)}${appPath}${query}`, 'Content-Length': 0 }).end();
      return;
    }
    await this.serveSigned(req, res, requestId, { appId, pathAndQuery: appPath + query, origin: this.options.urls.base, prefix: signedCallsPath(appId) });
  }

  private async serveSigned(req: IncomingMessage, res: ServerResponse, requestId: string, place: Place): Promise<void> {
    const body = await readBody(req, this.options.config.maxBodyBytes);
    const admission = await this.admitSigned(req, body, place.appId);
    this.forward(req, res, requestId, admission, place, body);
  }

  /** A presigned URL: checked, admitted once, and exchanged for a session cookie. */
  private async openPresignedUrl(res: ServerResponse, appId: string, text: string, landing: string): Promise<void> {
    const token = verifyToken(this.options.secret, text);
    if (!token) {
      throw gatewayDenied('This link is not valid', 'The sign-in link was altered or was not issued by this server. Create a new presigned URL with CreatePartnerAppPresignedUrl.');
    }
    if (parseAppArn(token.arn)?.appId !== appId) {
      throw gatewayDenied('This link is for a different app', `The sign-in link opens ${token.arn}, not app ${appId}.`);
    }
    if (this.options.clock.now() >= token.expiresAt) {
      throw gatewayDenied('This link has expired', `The sign-in link was valid until ${new Date(token.expiresAt).toISOString()}. Presigned URLs are valid for ExpiresInSeconds (5 to 300 seconds) after they are created; create a new one.`);
    }
    // Checked before the token is spent, so a link opened while the app is still starting works once it is up.
    const app = await this.availableApp(token.arn);
    appUserIdentity(app, token);
    if (!(await this.options.store.consumeOnce(token.id, token.expiresAt))) {
      throw gatewayDenied('This link has already been used', 'A presigned URL signs in only once. Create a new one with CreatePartnerAppPresignedUrl.');
    }
    const { principal, sessionName, partnerAppUser } = token;
    const identity = partnerAppUser === undefined ? { principal, sessionName } : { principal, sessionName, partnerAppUser };
    const session: GatewaySession = { arn: app.arn, ...identity, expiresAt: this.options.clock.now() + token.sessionSeconds * 1000 };
    res.writeHead(302, {
      Location: landing,
      'Set-Cookie': this.sessionCookie(signSession(this.options.secret, session), token.sessionSeconds),
      'Cache-Control': 'no-store',
      'Referrer-Policy': 'no-referrer',
      'Content-Length': 0,
    });
    res.end();
  }

  /** __Host- over https, so that no other app's host can write one for the whole apps domain. */
  private get sessionCookieName(): string {
    return this.options.urls.cookieName(SESSION_COOKIE);
  }

  /** Host-only (no Domain): the browser sends it back to this app's origin alone. */
  private sessionCookie(value: string, maxAgeSeconds: number): string {
    const secure = this.options.urls.secure ? '; Secure' : '';
    return `${this.sessionCookieName}=${value}; Path=/; Max-Age=${maxAgeSeconds}; HttpOnly; SameSite=Lax${secure}`;
  }

  private async admitSession(req: IncomingMessage, appId: string): Promise<Admission> {
    const value = cookieValues(req.headers.cookie).get(this.sessionCookieName);
    const signIn = 'Open a presigned URL from CreatePartnerAppPresignedUrl to sign in.';
    if (value === undefined) throw gatewayDenied('Sign-in required', `There is no session for app ${appId}. ${signIn}`);
    const clearCookie = { 'Set-Cookie': this.sessionCookie('', 0) };
    const session = verifySession(this.options.secret, value);
    if (!session) throw gatewayDenied('Session not valid', `The session cookie was altered or was not issued by this server. ${signIn}`, clearCookie);
    if (parseAppArn(session.arn)?.appId !== appId) {
      throw gatewayDenied('Session is for a different app', `The session belongs to ${session.arn}, not app ${appId}. ${signIn}`);
    }
    if (this.options.clock.now() >= session.expiresAt) {
      throw gatewayDenied('Session expired', `The session ended at ${new Date(session.expiresAt).toISOString()}. ${signIn}`, clearCookie);
    }
    return { app: await this.availableApp(session.arn), who: session, via: 'session' };
  }

  /** A request signed the way the SageMaker Python SDK's PartnerAppAuthProvider signs them. */
  private async admitSigned(req: IncomingMessage, body: Buffer, appId: string): Promise<Admission> {
    // The app's own credential is the app's business: partnerplane forwards it without reading it.
    const caller = await verifyRequest(rawRequestOf(req, body), this.options.credentials, { unsignedAllowed: [APP_AUTHORIZATION_HEADER] });
    const target = req.headers['x-amz-target'];
    const arn = req.headers[APP_SERVER_ARN_HEADER];
    if (target !== CALL_PARTNER_APP_API || typeof arn !== 'string') {
      throw gatewayNotAnAppRequest(`Signed gateway requests carry X-Amz-Target: ${CALL_PARTNER_APP_API} and X-SageMaker-Partner-App-Server-Arn.`);
    }
    const parts = parseAppArn(arn);
    if (parts?.appId !== appId) {
      throw gatewayWrongApp(`X-SageMaker-Partner-App-Server-Arn ${arn} does not name app ${appId}, which this URL serves.`);
    }
    assertAllowed(this.options.credentials, caller, CALL_PARTNER_APP_API_ACTION, () => arn);
    // Another account's or region's app is refused without saying whether it exists.
    if (parts.accountId !== caller.accountId || parts.region !== caller.region) {
      throw accessDenied(
        `User: ${caller.principal} is not authorized to perform: ${CALL_PARTNER_APP_API_ACTION} on resource: ${arn} because no resource-based policy allows the ${CALL_PARTNER_APP_API_ACTION} action`,
      );
    }
    return { app: await this.availableApp(arn), who: caller, via: 'signed-request' };
  }

  /** The app if it serves requests (routing.ts); otherwise a refusal saying what state it is in. */
  private async availableApp(arn: string): Promise<PartnerApp> {
    const app = await this.options.store.getApp(arn);
    if (app && servesRequests(app)) return app;
    switch (app?.status) {
      case 'Available':
        return app;
      case undefined:
        throw gatewayAppNotFound(arn);
      case 'Creating':
        throw gatewayAppUnavailable('App is starting', `Partner app ${app.name} is still being created. Try again in a moment.`);
      case 'Updating':
        throw gatewayAppUnavailable('App is updating', `Partner app ${app.name} is being updated. Try again in a moment.`);
      case 'Deleting':
      case 'Deleted':
        throw gatewayAppGone(`Partner app ${app.name} is ${app.status === 'Deleting' ? 'being deleted' : 'deleted'}.`);
      case 'Failed':
      case 'UpdateFailed':
        throw gatewayAppFailed(
          app.status === 'Failed' ? 'App failed to start' : 'App update failed',
          `Partner app ${app.name} is in status ${app.status}${app.error ? `: ${app.error.reason}` : ''}.`,
        );
    }
  }


  private forward(req: IncomingMessage, res: ServerResponse, requestId: string, admission: Admission, place: Place, body: Buffer | undefined): void {
    const { app, who, via } = admission;
    const identity = appUserIdentity(app, who);
    const destination = destinationOf(app, this.options.config.appUpstreams);
    if (destination.kind === 'builtin') {
      serveBuiltInApp(req, res, { name: app.name, type: app.type, tier: app.settings.Tier, version: app.version, arn: app.arn, identity, via });
      return;
    }
    const upstream = destination.base;
    const target = new URL(upstream.href);
    const { path, query } = splitTarget(place.pathAndQuery);
    // Assigned, never resolved against the upstream, so a path like //elsewhere cannot change its host.
    target.pathname = upstream.pathname.replace(/\/$/, '') + path;
    target.search = query;
    const headers = this.backendHeaders(req, admission, identity, place);
    this.proxy.forward(req, res, target, headers, body, (failure) => this.upstreamFailed(res, requestId, app, failure));
  }

  private backendHeaders(req: IncomingMessage, { app, who, via }: Admission, identity: string, place: Place): OutgoingHttpHeaders {
    const headers: OutgoingHttpHeaders = endToEndHeaders(req.headers);
    for (const name of Object.values(IDENTITY_HEADERS)) delete headers[name];
    if (via === 'signed-request') {
      const appAuthorization = req.headers[APP_AUTHORIZATION_HEADER];
      for (const name of SIGV4_HEADERS) delete headers[name];
      if (typeof appAuthorization === 'string') headers.authorization = appAuthorization;
    }
    const appCookies = (req.headers.cookie ?? '')
      .split(';')
      .map((pair) => pair.trim())
      .filter((pair) => pair !== '' && cookieName(pair) !== this.sessionCookieName);
    if (appCookies.length > 0) headers.cookie = appCookies.join('; ');
    else delete headers.cookie;
    const origin = new URL(place.origin);
    Object.assign(headers, {
      [IDENTITY_HEADERS.user]: identity,
      [IDENTITY_HEADERS.principal]: who.principal,
      [IDENTITY_HEADERS.appArn]: app.arn,
      [IDENTITY_HEADERS.via]: via,
      'x-forwarded-for': [req.headers['x-forwarded-for'], req.socket.remoteAddress].filter(Boolean).join(', '),
      'x-forwarded-host': origin.host,
      'x-forwarded-proto': origin.protocol.slice(0, -1),
      'x-forwarded-prefix': place.prefix,
    });
    // At its own origin an app's paths are its own: no prefix, and none a client could forge.
    if (place.prefix === '') delete headers['x-forwarded-prefix'];
    return headers;
  }

  private upstreamFailed(res: ServerResponse, requestId: string, app: PartnerApp, failure: UpstreamFailure): void {
    if (failure.kind === 'client-aborted') return this.options.clientAborted(res.req, requestId);
    this.options.logger.warn({ requestId, app: app.arn, err: failure.error }, 'app backend failed');
    const [status, title] = failure.kind === 'timeout' ? [504, 'App did not answer'] : [502, 'App unreachable'];
    writeHtml(res, status, errorPage(title, `The backend of partner app ${app.name} (${app.type}) could not be reached. Try again later.`, requestId));
  }
}

/** Signed the SigV4 way (as API clients and the partner-app SDK sign), rather than a browser's. */
const isSigned = (headers: IncomingHttpHeaders) =>
  (headers.authorization ?? '').startsWith('AWS4-HMAC-SHA256') || headers['x-amz-target'] !== undefined || headers[APP_SERVER_ARN_HEADER] !== undefined;

/** A request target split at its query, taken as it is: `//host/x` stays a path, as it is on the wire. */
function splitTarget(target = '/'): { path: string; query: string } {
  const mark = target.indexOf('?');
  return mark < 0 ? { path: target, query: '' } : { path: target.slice(0, mark), query: target.slice(mark) };
}

const cookieName = (pair: string) => (pair.includes('=') ? pair.slice(0, pair.indexOf('=')) : pair).trim();

/** Cookie name → value, first occurrence winning (browsers send the most specific path first). */
function cookieValues(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const pair of (header ?? '').split(';')) {
    const name = cookieName(pair);
    if (pair.includes('=') && name !== '' && !cookies.has(name)) cookies.set(name, pair.slice(pair.indexOf('=') + 1).trim());
  }
  return cookies;
}

/** The default backend: a page about the app and who is signed in (JSON for API clients). */
function serveBuiltInApp(req: IncomingMessage, res: ServerResponse, view: BuiltInAppView): void {
  req.resume();
  if ((req.headers.accept ?? '').includes('application/json')) {
    const json = JSON.stringify(view);
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(json), 'Cache-Control': 'no-store' });
    res.end(req.method === 'HEAD' ? undefined : json);
    return;
  }
  writeHtml(res, 200, builtInAppPage(view));
}
