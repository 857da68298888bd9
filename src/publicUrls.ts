/**
 * Where clients reach this server: the base URL of the API and console, and each app's BaseUrl.
 * The base is `--public-url` when given, otherwise the address the server listens on, known once
 * it does. Every app has an origin of its own, a host under `--apps-domain` with the base's scheme
 * and port, so that no app's script runs in the console's origin or in another app's; its base
 * URL is derived in appBaseUrl alone and its host read back in appIdOfHost.
 */
import { networkInterfaces } from 'node:os';

/**
 * Where the API endpoint takes an app's signed calls (the partner-app SDK's), for clients that
 * cannot resolve the app's own host, such as Python's under `*.localhost`. Browsers are sent on to
 * the app's origin from there: nothing of an app is ever served to them on the console's.
 */
export const signedCallsPath = (appId: string) => `/gateway/${appId}`;

const hostForUrl = (host: string) => (host.includes(':') ? `[${host}]` : host);

/** 0.0.0.0 and :: listen on every interface, and no client can connect to them. */
export const isEveryInterface = (host: string) => host === '0.0.0.0' || host === '::';

/** A host clients can reach: the one listened on, or for every interface this machine's first external address, else loopback. */
function reachableHost(host: string): string {
  if (!isEveryInterface(host)) return host;
  const external = Object.values(networkInterfaces())
    .flat()
    .find((address) => address && !address.internal && (address.family === 'IPv4' || host === '::'));
  return external?.address ?? (host === '::' ? '::1' : '127.0.0.1');
}

/** What an app's origin has around its app id: the base's scheme, and the apps domain with the base's port. */
function appsOriginOf(base: string, appsDomain: string): { scheme: string; rest: string } {
  const { protocol, port } = new URL(base);
  return { scheme: `${protocol}//`, rest: `.${appsDomain}${port ? `:${port}` : ''}` };
}

export class PublicUrls {
  private known: string | undefined;
  /** Derived from the base once it is known (the gateway asks for every request). */
  private appsOrigin: { scheme: string; rest: string } | undefined;
  /** Every host under the apps domain, as the mount table compares hosts (lower case, no port); a trailing dot names the same host. */
  readonly appsHost: RegExp;
  private readonly appHost: RegExp;

  /** `configured`: the --public-url setting, if any; `appsDomain`: the --apps-domain setting. */
  constructor(
    configured: string | undefined,
    private readonly appsDomain: string,
  ) {
    this.known = configured?.replace(/\/+$/, '');
    const domain = appsDomain.replaceAll('.', '\\.');
    this.appsHost = new RegExp(`\\.${domain}\\.?$`);
    this.appHost = new RegExp(`^app-([a-z0-9]{12})\\.${domain}\\.?$`);
  }

  /** Says where the server listens; the public URL defaults to it (to a reachable address for every interface). Returns the address listened on. */
  listening(host: string, port: number): string {
    this.known ??= `http://${hostForUrl(reachableHost(host))}:${port}`;
    return `http://${hostForUrl(host)}:${port}`;
  }

  /** The base URL, without a trailing slash. */
  get base(): string {
    if (this.known === undefined) throw new Error('the public URL is not known before the server listens');
    return this.known;
  }

  /** Cookies are then marked Secure. */
  get secure(): boolean {
    return this.base.startsWith('https:');
  }

  /**
   * The name of a cookie of this server's. Over https it takes the __Host- prefix, with which
   * browsers accept the cookie only from the host that sets it, Secure, with Path=/ and without
   * Domain: no other host of the site (an app's, beside the console; another app's, beside an
   * app) can write one in its place.
   */
  cookieName(name: string): string {
    return this.secure ? `__Host-${name}` : name;
  }

  /** An app's BaseUrl: its origin, `<scheme>://<app-id>.<apps domain>[:<port>]`, the app id in lower case as browsers show hosts. */
  appBaseUrl(appId: string): string {
    this.appsOrigin ??= appsOriginOf(this.base, this.appsDomain);
    return `${this.appsOrigin.scheme}${appId.toLowerCase()}${this.appsOrigin.rest}`;
  }

  /** The id of the app whose origin `host` (lower case, no port) is, if it is one. */
  appIdOfHost(host: string): string | undefined {
    const id = this.appHost.exec(host)?.[1];
    return id === undefined ? undefined : `app-${id.toUpperCase()}`;
  }
}
