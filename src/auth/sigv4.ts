/**
 * AWS Signature Version 4 verification of a raw request, in the header form (`Authorization`) and
 * the query-string form (`X-Amz-Algorithm`, `X-Amz-Credential`, …), so that the API and the app
 * gateway verify the same way. The canonical request's path and query and the derived signing key
 * come from @smithy/signature-v4 (signatureCalculator.ts, which keeps the key per access key and
 * scope, bounded); the canonical headers are read here from the one header map the server keeps;
 * the hashes are node:crypto's (the final HMAC too, built on them in hmac.ts), synchronous because
 * this runs on every request; this file reads the request, applies AWS's checks in AWS's order and
 * wording, and compares signatures in constant time.
 *
 * The order, codes and messages are those of AWS's JSON-protocol front end (DynamoDB, Kinesis and
 * the other `application/x-amz-json` services, SageMaker among them), which answers 400 to all of
 * them, as recorded by the dynalite and kinesalite emulators against the live services:
 *   1. no signature at all                → MissingAuthenticationTokenException
 *   2. both forms, or a part missing      → InvalidSignatureException / IncompleteSignatureException
 *   3. a date that is not ISO-8601 basic  → IncompleteSignatureException
 *   4. outside the 15-minute clock skew   → InvalidSignatureException "Signature expired: …"
 *   5. `host` not signed                  → InvalidSignatureException
 *      an `x-amz-*` header present but not signed → InvalidSignatureException, in the words of S3's
 *      answer (`There were headers present in the request which were not signed`), the one AWS
 *      service that shows one (others document only that every x-amz-* header sent must be signed):
 *      an X-Amz-Target left out of the signature could be swapped, replaying a Describe as a Delete
 *   6. another algorithm, a malformed credential → IncompleteSignatureException
 *   7. a scope of the wrong region (one no AWS partition has, domain/rules/regions.ts), service,
 *      terminator or date             → InvalidSignatureException
 *   8. an unknown access key              → UnrecognizedClientException
 *   9. a signature that does not match    → InvalidSignatureException
 *  10. a security token that does not match the key's → UnrecognizedClientException
 */
import { hash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Caller } from '../operations/context.js';
import { incompleteSignature, invalidSignature, missingAuthenticationToken, unrecognizedClient } from '../protocol/errors.js';
import { headersOf, headerValue, type HeaderMap } from '../protocol/headers.js';
import { partitionOf } from '../domain/rules/regions.js';
import type { AccessKey, Credentials } from './credentials.js';
import type { SignatureCalculator } from './signatureCalculator.js';

/** A request as it arrived, before anything was interpreted. */
export interface RawRequest {
  method: string;
  /** The request target as received: path and query string, still percent-encoded. */
  url: string;
  headers: HeaderMap;
  body: Uint8Array;
}

export interface VerifyOptions {
  /** Epoch ms to judge the signature's date against (default: now). */
  now?: number;
  /** The service the credential scope must name (default `sagemaker`). */
  service?: string;
  /** `x-amz-*` headers (lower-case) that may be left out of the signature. */
  unsignedAllowed?: readonly string[];
}

export const SIGNING_SERVICE = 'sagemaker';
const CLOCK_SKEW_MS = 15 * 60_000;
const MAX_EXPIRES_SECONDS = 7 * 24 * 3600;

const SIGNATURE_MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

const headersNotSigned = (names: readonly string[]) =>
  invalidSignature(`There were headers present in the request which were not signed: ${[...names].sort().join(', ')}`);

const ISO_BASIC_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;
const AUTHORIZATION_SEPARATORS = /[, ]/;
const DECIMAL = /^\d+$/;
const TRAILING_SLASHES = /\/+$/;
// As @smithy/signature-v4 names them (signatureCalculator.ts, loaded with the first signed request).
const ALGORITHM_IDENTIFIER = 'AWS4-HMAC-SHA256';
const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';

export type Query = Record<string, string | string[]>;
const NOTHING: readonly string[] = Object.freeze([]);
const NO_QUERY: Query = Object.freeze(Object.create(null) as Query);

/** What the request claims about its signature, from the header or the query string. */
interface SignatureClaim {
  algorithm: string;
  credential: string;
  signedHeaders: string;
  signature: string;
  /** The signing time as sent, and whether it came from an HTTP `Date` header instead of X-Amz-Date. */
  date: string;
  httpDate: boolean;
  securityToken?: string;
  /** Query form only: how long the signature stays valid. */
  expiresSeconds?: number;
}

const decode = (text: string) => {
  try {
    return decodeURIComponent(text);
  } catch {
    // Not valid percent-encoding: keep it as sent; the signature will not match.
    return text;
  }
};

/** The query string as name → value(s), decoded once, as the signer saw it before encoding. */
function parseQuery(search: string): Query {
  const query: Query = Object.create(null) as Query;
  for (const pair of search.split('&')) {
    if (pair === '') continue;
    const equals = pair.indexOf('=');
    const name = decode(equals < 0 ? pair : pair.slice(0, equals));
    const value = equals < 0 ? '' : decode(pair.slice(equals + 1));
    const existing = query[name];
    query[name] = existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
  return query;
}

const single = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

const AUTHORIZATION_PARAMETERS = ['Credential', 'Signature', 'SignedHeaders'] as const;

function claimFromHeader(authorization: string, headers: RawRequest['headers']): SignatureClaim {
  const [algorithm = '', ...parts] = authorization.trim().split(AUTHORIZATION_SEPARATORS);
  // The parameters read; any other is ignored, and of one given twice the last counts.
  const params: Record<(typeof AUTHORIZATION_PARAMETERS)[number], string> = { Credential: '', Signature: '', SignedHeaders: '' };
  for (const part of parts) {
    if (part === '') continue;
    const equals = part.indexOf('=');
    if (equals < 0) throw incompleteSignature(`'${part}' not a valid key=value pair (missing equal-sign) in Authorization header: '${authorization}'.`);
    const name = part.slice(0, equals);
    if (name === 'Credential' || name === 'Signature' || name === 'SignedHeaders') params[name] = part.slice(equals + 1);
  }
  const amzDate = headerValue(headers, 'x-amz-date');
  const date = amzDate ?? headerValue(headers, 'date');
  let problems = '';
  for (const name of AUTHORIZATION_PARAMETERS) {
    if (!params[name]) problems += `Authorization header requires '${name}' parameter. `;
  }
  if (!date) problems += "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. ";
  if (problems) throw incompleteSignature(`${problems}Authorization=${authorization}`);
  return {
    algorithm,
    credential: params.Credential,
    signedHeaders: params.SignedHeaders,
    signature: params.Signature,
    date: date!,
    httpDate: amzDate === undefined,
    securityToken: headerValue(headers, 'x-amz-security-token'),
  };
}

const QUERY_PARAMETERS = ['X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Signature', 'X-Amz-SignedHeaders', 'X-Amz-Date'] as const;

function claimFromQuery(query: Query): SignatureClaim {
  let problems = '';
  for (const name of QUERY_PARAMETERS) if (!single(query[name])) problems += `AWS query-string parameters must include '${name}'. `;
  if (problems) throw incompleteSignature(`${problems}Re-examine the query-string parameters.`);
  const expires = single(query['X-Amz-Expires']);
  let expiresSeconds: number | undefined;
  if (expires !== undefined) {
    if (!DECIMAL.test(expires)) throw incompleteSignature(`X-Amz-Expires should be a number of seconds, got '${expires}'.`);
    expiresSeconds = Number(expires);
    if (expiresSeconds < 1 || expiresSeconds > MAX_EXPIRES_SECONDS) {
      throw incompleteSignature(`X-Amz-Expires must be between 1 and ${MAX_EXPIRES_SECONDS} seconds (a week), got ${expires}.`);
    }
  }
  return {
    algorithm: single(query['X-Amz-Algorithm'])!,
    credential: single(query['X-Amz-Credential'])!,
    signedHeaders: single(query['X-Amz-SignedHeaders'])!,
    signature: single(query['X-Amz-Signature'])!,
    date: single(query['X-Amz-Date'])!,
    httpDate: false,
    securityToken: single(query['X-Amz-Security-Token']),
    expiresSeconds,
  };
}

/** Which form the request is signed in, and what it claims; the first two of AWS's checks. */
function readClaim(headers: RawRequest['headers'], query: Query): SignatureClaim {
  const authorization = headerValue(headers, 'authorization');
  const presigned = query !== NO_QUERY && 'X-Amz-Algorithm' in query;
  if (presigned && authorization) throw invalidSignature("Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header.");
  if (presigned) return claimFromQuery(query);
  if (authorization?.trimStart().startsWith('AWS4-')) return claimFromHeader(authorization, headers);
  throw missingAuthenticationToken();
}

/** `20150830T123600Z`, the form of X-Amz-Date and of every date in AWS's messages. */
function isoBasic(epochMs: number): string {
  const text = new Date(Math.floor(epochMs / 1000) * 1000).toISOString();
  return `${text.slice(0, 4)}${text.slice(5, 7)}${text.slice(8, 13)}${text.slice(14, 16)}${text.slice(17, 19)}Z`;
}

interface SigningTime {
  epochMs: number;
  /** ISO-8601 basic, as in the string to sign. */
  longDate: string;
}

/** The last date read and what it gave: requests arriving together were mostly signed in the same second. */
let lastSigningTime: { date: string; httpDate: boolean; time: SigningTime } | undefined;

function signingTime(claim: SignatureClaim): SigningTime {
  const last = lastSigningTime;
  if (last !== undefined && last.date === claim.date && last.httpDate === claim.httpDate) return last.time;
  const time = readSigningTime(claim);
  lastSigningTime = { date: claim.date, httpDate: claim.httpDate, time };
  return time;
}

function readSigningTime(claim: SignatureClaim): SigningTime {
  if (claim.httpDate) {
    const epochMs = Date.parse(claim.date);
    if (!Number.isNaN(epochMs)) return { epochMs, longDate: isoBasic(epochMs) };
  } else {
    const parts = ISO_BASIC_DATE.exec(claim.date);
    if (parts) {
      const [, year, month, day, hour, minute, second] = parts.map(Number) as number[];
      const epochMs = Date.UTC(year!, month! - 1, day!, hour!, minute!, second!);
      // Date.UTC would roll 20151332 over into the next year; AWS refuses such a date.
      const valid = new Date(epochMs).getUTCDate() === day && month! >= 1 && month! <= 12 && hour! < 24 && minute! < 60 && second! < 60;
      if (valid) return { epochMs, longDate: claim.date };
    }
  }
  throw incompleteSignature(`Date must be in ISO-8601 'basic format'. Got '${claim.date}'. See http://en.wikipedia.org/wiki/ISO_8601`);
}

const duration = (seconds: number) => (seconds % 60 === 0 ? `${seconds / 60} min` : `${seconds} sec`);

/** Signed more than the allowed skew ago (or, presigned, longer ago than X-Amz-Expires), or in the future. */
function checkClock(claim: SignatureClaim, signedAt: number, now: number): void {
  const windowSeconds = claim.expiresSeconds ?? CLOCK_SKEW_MS / 1000;
  const earliest = now - windowSeconds * 1000;
  if (signedAt < earliest) {
    throw invalidSignature(`Signature expired: ${isoBasic(signedAt)} is now earlier than ${isoBasic(earliest)} (${isoBasic(now)} - ${duration(windowSeconds)}.)`);
  }
  const latest = now + CLOCK_SKEW_MS;
  if (signedAt > latest) {
    throw invalidSignature(`Signature not yet current: ${isoBasic(signedAt)} is still later than ${isoBasic(latest)} (${isoBasic(now)} + ${duration(CLOCK_SKEW_MS / 1000)}.)`);
  }
}

interface Scope {
  accessKeyId: string;
  region: string;
}

/** The last scope read, as for the signing time: one per access key, service and second. */
let lastScope: { credential: string; longDate: string; service: string; scope: Scope } | undefined;

function scopeOf(credential: string, longDate: string, service: string): Scope {
  const last = lastScope;
  if (last !== undefined && last.credential === credential && last.longDate === longDate && last.service === service) return last.scope;
  const scope = readScope(credential, longDate, service);
  lastScope = { credential, longDate, service, scope };
  return scope;
}

/** `<access key>/<yyyymmdd>/<region>/<service>/aws4_request`, checked against the request. */
function readScope(credential: string, longDate: string, service: string): Scope {
  const parts = credential.replace(TRAILING_SLASHES, '').split('/');
  if (parts.length !== 5) {
    throw incompleteSignature(`Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '${credential}'`);
  }
  const [accessKeyId, date, region, scopeService, terminator] = parts as [string, string, string, string, string];
  const problems: string[] = [];
  if (partitionOf(region) === undefined) problems.push(`Credential should be scoped to a valid region, not '${region}'.`);
  if (scopeService !== service) problems.push(`Credential should be scoped to correct service: '${service}'.`);
  if (terminator !== 'aws4_request') problems.push(`Credential should be scoped with a valid terminator: 'aws4_request', not '${terminator}'.`);
  if (date !== longDate.slice(0, 8)) {
    problems.push(`Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${date}' != '${longDate.slice(0, 8)}', from '${longDate}'.`);
  }
  if (problems.length > 0) throw invalidSignature(problems.join(' '));
  return { accessKeyId, region };
}

export const sha256Hex = (data: string | Uint8Array) => hash('sha256', data, 'hex');
/** Whitespace that SigV4 collapses to one space in a header value: a run of it, or any but a space. */
const COLLAPSIBLE_WHITESPACE = /\s\s+|[^\S ]/g;

/** The canonical request's headers: `name:value` lines in name order, and the list of their names. */
export interface CanonicalHeaders {
  lines: string;
  names: string;
}

/** Names as SigV4 orders them, each once; clients send them so already, which costs one pass to see. */
function inCanonicalOrder(names: readonly string[]): readonly string[] {
  for (let i = 1; i < names.length; i++) if (!(names[i - 1]! < names[i]!)) return [...new Set(names)].sort();
  return names;
}

/** The last SignedHeaders list read, as for the scope: a client signs the same headers call after call. */
let lastSignedHeaders: { list: string; names: readonly string[] } | undefined;

/** The header names a SignedHeaders list gives, lower-cased, in SigV4 order, each once. */
function signedHeaderNames(list: string): readonly string[] {
  const last = lastSignedHeaders;
  if (last !== undefined && last.list === list) return last.names;
  const names = inCanonicalOrder(list.toLowerCase().split(';'));
  lastSignedHeaders = { list, names };
  return names;
}

/** The `x-amz-*` headers the request has that the signature does not cover (and may not leave out). */
function unsignedAmzHeaders(headers: HeaderMap, signedHeaders: readonly string[], allowed: readonly string[]): string[] | undefined {
  let unsigned: string[] | undefined;
  for (const name in headers) {
    if (name.startsWith('x-amz-') && !signedHeaders.includes(name) && !allowed.includes(name)) (unsigned ??= []).push(name);
  }
  return unsigned;
}

/** The signed headers the request has, each value as SigV4 canonicalises it (trimmed, inner whitespace collapsed). */
function canonicalHeaders(headers: HeaderMap, signedHeaders: readonly string[]): CanonicalHeaders {
  let lines = '';
  let names = '';
  for (const name of signedHeaders) {
    const value = headerValue(headers, name);
    if (value === undefined) continue;
    lines += `${name}:${value.trim().replace(COLLAPSIBLE_WHITESPACE, ' ')}\n`;
    names = names === '' ? name : `${names};${name}`;
  }
  return { lines, names };
}

/** One calculator per access key, living as long as the key's entry (the credentials never change at run time). */
const calculators = new WeakMap<AccessKey, SignatureCalculator>();

/**
 * The first key's calculator loads @smithy/signature-v4 (with @smithy/core's submodules under it): a
 * twelfth of a server's start-up (docs/performance.md), so it waits for the first signed request.
 */
async function newCalculator(key: AccessKey): Promise<SignatureCalculator> {
  const { SignatureCalculator } = await import('./signatureCalculator.js');
  let calculator = calculators.get(key);
  if (!calculator) calculators.set(key, (calculator = new SignatureCalculator(key)));
  return calculator;
}

/**
 * Whether a secret given equals the expected one, comparing every character whatever differs first,
 * so a mismatch takes as long wherever it is; without the two buffers timingSafeEqual needs, which
 * cost a verification a tenth of a microsecond each.
 */
function sameSecret(given: string, expected: string): boolean {
  if (given.length !== expected.length) return false;
  let difference = 0;
  for (let i = 0; i < expected.length; i++) difference |= given.charCodeAt(i) ^ expected.charCodeAt(i);
  return difference === 0;
}

/**
 * The body's SHA-256 as the signature covers it. A client may say it signed the payload unsigned
 * (UNSIGNED-PAYLOAD); a hash it declares must be the body's, or the body was changed in transit.
 */
function payloadHashOf(request: RawRequest): string {
  const declared = headerValue(request.headers, 'x-amz-content-sha256');
  if (declared === UNSIGNED_PAYLOAD) return declared;
  const actual = sha256Hex(request.body);
  if (declared !== undefined && declared !== actual) throw invalidSignature(SIGNATURE_MISMATCH);
  return actual;
}

/**
 * Verifies the request's SigV4 signature against the credentials and says who is calling, or
 * throws the ServiceError AWS would answer with.
 */
export async function verifyRequest(request: RawRequest, credentials: Credentials, options: VerifyOptions = {}): Promise<Caller> {
  const now = options.now ?? Date.now();
  const service = options.service ?? SIGNING_SERVICE;
  const queryStart = request.url.indexOf('?');
  const query = queryStart < 0 ? NO_QUERY : parseQuery(request.url.slice(queryStart + 1));

  const claim = readClaim(request.headers, query);
  const signedAt = signingTime(claim);
  checkClock(claim, signedAt.epochMs, now);
  const signedHeaders = signedHeaderNames(claim.signedHeaders);
  if (!signedHeaders.includes('host')) throw invalidSignature("'Host' must be a 'SignedHeader' in the AWS Authorization.");
  const unsigned = unsignedAmzHeaders(request.headers, signedHeaders, options.unsignedAllowed ?? NOTHING);
  if (unsigned) throw headersNotSigned(unsigned);
  if (claim.algorithm !== ALGORITHM_IDENTIFIER) {
    throw incompleteSignature(`Unsupported AWS 'algorithm': '${claim.algorithm}' (only ${ALGORITHM_IDENTIFIER} for now). `);
  }
  const scope = scopeOf(claim.credential, signedAt.longDate, service);
  const key = credentials.get(scope.accessKeyId);
  if (!key) throw unrecognizedClient();

  const headers = canonicalHeaders(request.headers, signedHeaders);
  const calculator = calculators.get(key) ?? (await newCalculator(key));
  const expected = await calculator.calculate(request, query, headers, payloadHashOf(request), signedAt.longDate, scope.region, service);
  if (!sameSecret(claim.signature, expected)) throw invalidSignature(SIGNATURE_MISMATCH);

  const token = claim.securityToken;
  const tokenMatches = key.sessionToken === undefined ? token === undefined : token !== undefined && sameSecret(token, key.sessionToken);
  if (!tokenMatches) throw unrecognizedClient();

  const caller: Caller = { accountId: key.accountId, region: scope.region, accessKeyId: key.accessKeyId, principal: key.principal, sessionName: key.sessionName };
  if (key.partnerAppUser !== undefined) caller.partnerAppUser = key.partnerAppUser;
  return caller;
}

/** The raw request of a Node request whose body has been read. */
export const rawRequestOf = (req: IncomingMessage, body: Uint8Array): RawRequest => ({
  method: req.method ?? 'GET',
  url: req.url ?? '/',
  headers: headersOf(req),
  body,
});
