/**
 * The signature an access key would have made for a request (sigv4.ts verifies with it). Its own
 * module so that @smithy/signature-v4, and the @smithy/core submodules it loads, are loaded with the
 * first signed request rather than at start-up.
 */
import { Hash } from '@smithy/hash-node';
import { ALGORITHM_IDENTIFIER, createScope, getSigningKey, SignatureV4 } from '@smithy/signature-v4';
import type { HttpRequest } from '@smithy/types';
import type { AccessKey } from './credentials.js';
import { HmacSha256Key } from './hmac.js';
import { sha256Hex, SIGNING_SERVICE, type CanonicalHeaders, type Query, type RawRequest } from './sigv4.js';

const sha256 = Hash.bind(null, 'sha256');
const MAX_SIGNING_KEYS_PER_KEY = 32;

interface SigningScope {
  shortDate: string;
  region: string;
  service: string;
  credentialScope: string;
  signingKey: HmacSha256Key;
}

/**
 * The signature the key would have made. The library canonicalises the request's path and query
 * (once per distinct method and target: API calls all POST to `/`) and derives the signing key. The
 * canonical headers are made and laid out here, after the library's lines, as the library lays them
 * out, since its canonicaliser is made for signing and its layout takes the target and a record of
 * the headers every time (their cost: docs/performance.md). The key is kept here per scope (the
 * library's own cache costs an HMAC of the credentials on every lookup, and even a lookup here
 * builds and hashes a string, so the last scope is kept at hand), and the payload and string to
 * sign are hashed with node:crypto's one-shot hash, and the string to sign HMAC'd with the key's
 * padded blocks kept (hmac.ts), synchronously.
 */
export class SignatureCalculator extends SignatureV4 {
  /** Signing keys by credential scope (`<yyyymmdd>/<region>/<service>/aws4_request`). */
  private readonly signingKeys = new Map<string, HmacSha256Key>();
  /** The scope of the last calculation: requests arriving together were mostly signed for the same one. */
  private lastScope: SigningScope | undefined;
  /** The canonical request's method, path and query lines for the last method and target seen. */
  private lastTarget: { method: string; url: string; lines: string } | undefined;

  constructor(private readonly key: AccessKey) {
    // Region and service are given with each calculation; these are only the library's defaults.
    super({
      credentials: { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey },
      region: 'us-east-1',
      service: SIGNING_SERVICE,
      sha256,
      applyChecksum: false,
    });
  }

  async calculate(request: RawRequest, query: Query, headers: CanonicalHeaders, payloadHash: string, longDate: string, region: string, service: string): Promise<string> {
    const shortDate = longDate.slice(0, 8);
    const last = this.lastScope;
    const scope = last !== undefined && last.shortDate === shortDate && last.region === region && last.service === service ? last : await this.scopeFor(shortDate, region, service);
    const canonicalRequest = `${this.targetLines(request, query)}${headers.lines}\n${headers.names}\n${payloadHash}`;
    const stringToSign = `${ALGORITHM_IDENTIFIER}\n${longDate}\n${scope.credentialScope}\n${sha256Hex(canonicalRequest)}`;
    return scope.signingKey.hex(stringToSign);
  }

  /** The scope's text and signing key, kept as the last scope used. */
  private async scopeFor(shortDate: string, region: string, service: string): Promise<SigningScope> {
    const credentialScope = createScope(shortDate, region, service);
    const signingKey = this.signingKeys.get(credentialScope) ?? (await this.deriveSigningKey(credentialScope, shortDate, region, service));
    return (this.lastScope = { shortDate, region, service, credentialScope, signingKey });
  }

  /** `<method>\n<canonical path>\n<canonical query>\n`, as the library begins a canonical request. */
  private targetLines({ method, url }: RawRequest, query: Query): string {
    const last = this.lastTarget;
    if (last !== undefined && last.method === method && last.url === url) return last.lines;
    const queryStart = url.indexOf('?');
    // The path stays as received: the client signed its encoded path, encoded once more (SigV4's double encoding).
    const path = queryStart < 0 ? url : url.slice(0, queryStart);
    // Without headers or payload the library's canonical request is these lines and three more line feeds.
    const target: HttpRequest = { method, protocol: 'http:', hostname: '', path, query, headers: {} };
    const lines = this.createCanonicalRequest(target, {}, '').slice(0, -3);
    this.lastTarget = { method, url, lines };
    return lines;
  }

  private async deriveSigningKey(credentialScope: string, shortDate: string, region: string, service: string): Promise<HmacSha256Key> {
    const signingKey = new HmacSha256Key(await getSigningKey(sha256, { accessKeyId: this.key.accessKeyId, secretAccessKey: this.key.secretAccessKey }, shortDate, region, service));
    // A key is valid for one day, region and service: few scopes are live at once.
    if (this.signingKeys.size >= MAX_SIGNING_KEYS_PER_KEY) this.signingKeys.clear();
    this.signingKeys.set(credentialScope, signingKey);
    return signingKey;
  }
}
