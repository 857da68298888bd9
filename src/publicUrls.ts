/**
 * Where clients reach this server: the base URL of the API and console, and each app's BaseUrl.
 * The base is `--public-url` when given, otherwise the address the server listens on, known once
 * it does. An app's base URL is derived in appBaseUrl alone, so that where apps are served can
 * change in one place.
 */

/** Where the gateway serves an app, under the public URL; BaseUrl and presigned URLs point under it. */
export const gatewayPath = (appId: string) => `/gateway/${appId}`;

const hostForUrl = (host: string) => (host.includes(':') ? `[${host}]` : host);

export class PublicUrls {
  private known: string | undefined;

  /** `configured`: the --public-url setting, if any. */
  constructor(configured: string | undefined) {
    this.known = configured?.replace(/\/+$/, '');
  }

  /** Says where the server listens; the public URL defaults to it. Returns the address listened on. */
  listening(host: string, port: number): string {
    const local = `http://${hostForUrl(host)}:${port}`;
    this.known ??= local;
    return local;
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
