/**
 * Where clients reach this server: the base URL of the API and console, and each app's BaseUrl.
 * The base is `--public-url` when given, otherwise the address the server listens on, known once
 * it does. An app's base URL is derived in appBaseUrl alone, so that where apps are served can
 * change in one place.
 */
import { networkInterfaces } from 'node:os';

/** Where the gateway serves an app, under the public URL; BaseUrl and presigned URLs point under it. */
export const gatewayPath = (appId: string) => `/gateway/${appId}`;

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

export class PublicUrls {
  private known: string | undefined;

  /** `configured`: the --public-url setting, if any. */
  constructor(configured: string | undefined) {
    this.known = configured?.replace(/\/+$/, '');
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

  /** An app's BaseUrl. */
  appBaseUrl(appId: string): string {
    return `${this.base}${gatewayPath(appId)}`;
  }
}
