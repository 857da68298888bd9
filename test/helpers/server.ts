/**
 * Starts a real partnerplane server in this process on a free port, with its own data directory,
 * and hands out clients that talk to it over HTTP: the real AWS SDK, and signed raw requests for
 * what the SDK refuses to send.
 *
 * PARTNERPLANE_TEST_DATABASE_URL, when set, points every test server at that database instead of
 * a fresh SQLite file (the PostgreSQL run of the suite uses it); on PostgreSQL each server gets a
 * fresh schema of its own, dropped at close.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import { HttpRequest } from '@smithy/protocol-http';
import { testConfig, type Config } from '../../src/config.js';
import type { Clock } from '../../src/clock.js';
import type { Logger } from '../../src/logger.js';
import { createServer, type PartnerplaneServer } from '../../src/server.js';
import { testCredentials, type TestAccount } from './credentials.js';
import { createTestSchema, isPostgresUrl, type TestSchema } from './postgres.js';

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** The documented local pair, account 000000000000. */
export const LOCAL_CREDENTIALS: Credentials = { accessKeyId: 'test', secretAccessKey: 'test' };

export interface TestServer {
  url: string;
  config: Config;
  server: PartnerplaneServer;
  /** An SDK client for this server; defaults to the local credentials in us-east-1. */
  client(options?: { credentials?: Credentials; region?: string }): SageMakerClient;
  /** An account of its own from the server's credentials file, so a test sees only its own apps. */
  newAccount(): TestAccount;
  close(): Promise<void>;
}

/** Fast lifecycle delays so tests can watch transitions without waiting seconds. */
export const FAST_LIFECYCLE: Partial<Config> = {
  createDelayMs: 150,
  updateDelayMs: 150,
  deleteDelayMs: 150,
  reconcileIntervalMs: 25,
};

/** Every directory tempDir made in this process; node:test runs each test file in a process of its own. */
const tempDirs: string[] = [];
// Removed when the test file's process ends, so that one made for a credentials file or a scratch
// path, and one whose test failed before its own clean-up, does not stay behind in the system's tmp.
process.on('exit', () => {
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
});

export function tempDir(prefix = 'partnerplane-test-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

/** `logger` lets a test read what the server logs (by default tests log nothing); `clock` moves its time. */
export async function startTestServer(overrides: Partial<Config> = {}, options: { logger?: Logger; clock?: Clock } = {}): Promise<TestServer> {
  const dataDir = overrides.dataDir ?? tempDir();
  const suiteDatabaseUrl = process.env.PARTNERPLANE_TEST_DATABASE_URL;
  let schema: TestSchema | undefined;
  if (overrides.databaseUrl === undefined && isPostgresUrl(suiteDatabaseUrl)) schema = await createTestSchema(suiteDatabaseUrl);
  const databaseUrl = overrides.databaseUrl ?? schema?.url ?? suiteDatabaseUrl;
  // Without a credentials file only the local pair could call: unless a test brings its own, each
  // server gets one with a pool of accounts.
  const accounts = overrides.credentialsFile === undefined ? testCredentials(dataDir) : undefined;
  const config = testConfig({ ...FAST_LIFECYCLE, dataDir, credentialsFile: accounts?.file, ...overrides, databaseUrl });
  const server = await createServer(config, options).catch(async (error: unknown) => {
    await schema?.drop();
    throw error;
  });
  const url = await server.listen();
  const clients: SageMakerClient[] = [];
  return {
    url,
    config,
    server,
    client(options = {}) {
      const client = new SageMakerClient({
        endpoint: url,
        region: options.region ?? 'us-east-1',
        credentials: options.credentials ?? LOCAL_CREDENTIALS,
        maxAttempts: 1,
      });
      clients.push(client);
      return client;
    },
    newAccount() {
      if (!accounts) throw new Error('this server was started with a credentials file of its own; take accounts from that');
      return accounts.pool.take();
    },
    async close() {
      for (const client of clients) client.destroy();
      await server.close();
      await schema?.drop();
      if (!overrides.dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: any;
}

export interface RawRequestOptions {
  /** Sent as is when a string or Buffer; JSON-encoded otherwise. */
  body?: unknown;
  target?: string | null;
  headers?: Record<string, string>;
  credentials?: Credentials | null;
  region?: string;
  method?: string;
  path?: string;
  /**
   * How to sign (default: now, for sagemaker, in the Authorization header); `presignExpiresIn` signs
   * in the query string; `unsigned` names headers sent but left out of the signature.
   */
  signing?: { date?: Date; service?: string; presignExpiresIn?: number; unsigned?: string[] };
}

/**
 * A SigV4-signed request (unless credentials is null) built by hand, for bodies and headers the
 * SDK would never send.
 */
export async function rawRequest(url: string, target: string | null, options: RawRequestOptions = {}): Promise<RawResponse> {
  return sendRequest(url, await signedRequest(url, target, options));
}

/** Sends a request built (and perhaps altered after signing) by the test, query string included. */
export async function sendRequest(url: string, request: HttpRequest): Promise<RawResponse> {
  const query = Object.entries(request.query)
    .flatMap(([name, values]) => [values ?? ''].flat().map((value) => `${encodeURIComponent(name)}=${encodeURIComponent(value ?? '')}`))
    .join('&');
  const response = await fetch(`${url}${request.path}${query ? `?${query}` : ''}`, {
    method: request.method,
    headers: Object.fromEntries(Object.entries(request.headers).filter(([name]) => name !== 'host')),
    body: request.method === 'GET' || request.method === 'HEAD' ? undefined : (request.body as string | Uint8Array<ArrayBuffer>),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: Object.fromEntries(response.headers.entries()), text, json };
}

/** The request rawRequest sends, for tests that send it themselves (e.g. the body in parts). */
export async function signedRequest(url: string, target: string | null, options: RawRequestOptions = {}): Promise<HttpRequest> {
  const { hostname, port } = new URL(url);
  const body = options.body === undefined ? '{}' : typeof options.body === 'string' || Buffer.isBuffer(options.body) ? options.body : JSON.stringify(options.body);
  const headers: Record<string, string> = {
    host: `${hostname}:${port}`,
    'content-type': 'application/x-amz-json-1.1',
    ...(target === null ? {} : { 'x-amz-target': target.includes('.') ? target : `SageMaker.${target}` }),
    ...options.headers,
  };
  let request = new HttpRequest({ method: options.method ?? 'POST', protocol: 'http:', hostname, port: Number(port), path: options.path ?? '/', headers, body });
  const credentials = options.credentials === undefined ? LOCAL_CREDENTIALS : options.credentials;
  if (credentials) {
    const { date: signingDate, service = 'sagemaker', presignExpiresIn, unsigned } = options.signing ?? {};
    const signer = new SignatureV4({ service, region: options.region ?? 'us-east-1', credentials, sha256: Hash.bind(null, 'sha256') });
    request = (presignExpiresIn === undefined
      ? await signer.sign(request, { signingDate, unsignableHeaders: new Set(unsigned) })
      : await signer.presign(request, { signingDate, expiresIn: presignExpiresIn, unhoistableHeaders: new Set(['x-amz-target']) })) as HttpRequest;
  }
  return request;
}

/** Polls Describe until the app reaches one of `statuses` (or fails the test after `timeoutMs`). */
export async function waitForStatus(
  describe: () => Promise<{ Status?: string }>,
  statuses: readonly string[],
  timeoutMs = 5000,
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { Status } = await describe();
    if (Status && statuses.includes(Status)) return Status;
    if (Date.now() > deadline) throw new Error(`status stayed ${Status}, expected one of ${statuses.join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
