/**
 * partnerplane inside a JavaScript or TypeScript test suite, as moto's `mock_aws` is for Python:
 *
 *   import { startPartnerplane } from 'partnerplane/testing';
 *   const partnerplane = await startPartnerplane();
 *   const sagemaker = new SageMakerClient(partnerplane.clientConfig);
 *   …
 *   await partnerplane.reset();   // between tests
 *   await partnerplane.close();   // after them
 *
 * It is the real server (signatures, validation, lifecycle, gateway) on a free loopback port, in
 * this process, with its data in memory unless asked otherwise.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { loadConfig, type Config } from './config.js';
import { createServer, type PartnerplaneServer } from './server.js';

export interface StartOptions {
  /** Milliseconds an app spends in Creating, Updating, Deleting: 0 (the default) settles at once. */
  createDelayMs?: number;
  updateDelayMs?: number;
  deleteDelayMs?: number;
  /**
   * Where the data lives: `memory` (the default: gone at close), `temporary` (a SQLite file in a
   * new temporary directory, removed at close), or a `postgres://` URL (migrated, and kept).
   */
  storage?: 'memory' | 'temporary' | `postgres://${string}` | `postgresql://${string}`;
  /** The region clientConfig signs for (default us-east-1); apps are kept per region, as on AWS. */
  region?: string;
  /** Any other setting of `partnerplane serve` (docs/settings.md), named as in camel case: `{ maxAppsPerAccount: 5 }`. */
  settings?: Partial<Omit<Config, 'host' | 'port' | 'dataDir' | 'databaseUrl' | 'adminToken'>>;
}

export interface PartnerplaneTestServer {
  /** The API's URL: the SDK's `endpoint`, the AWS CLI's `--endpoint-url`. */
  readonly endpoint: string;
  readonly region: string;
  /** The local access key the server accepts. */
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  /** `new SageMakerClient(server.clientConfig)`: endpoint, region and credentials. */
  readonly clientConfig: { endpoint: string; region: string; credentials: { accessKeyId: string; secretAccessKey: string } };
  /** Forgets every app, tag, ClientToken and armed failure, and puts the lifecycle delays back (the audit log stays). */
  reset(): Promise<void>;
  /** Stops the server and removes what it stored. */
  close(): Promise<void>;
}

const LOCAL_CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' } as const;

function storageSettings(storage: NonNullable<StartOptions['storage']>): { databaseUrl?: string; temporaryDir?: string } {
  if (storage === 'memory') return { databaseUrl: 'sqlite::memory:' };
  if (storage === 'temporary') return { temporaryDir: fs.mkdtempSync(path.join(os.tmpdir(), 'partnerplane-')) };
  return { databaseUrl: storage };
}

/** Starts a partnerplane server for a test suite; resolves once it answers. */
export async function startPartnerplane(options: StartOptions = {}): Promise<PartnerplaneTestServer> {
  const { databaseUrl, temporaryDir } = storageSettings(options.storage ?? 'memory');
  // The admin API's reset, behind a token only this object knows.
  const adminToken = randomBytes(24).toString('hex');
  const config: Config = {
    ...loadConfig({ host: '127.0.0.1', port: '0', logLevel: 'silent' }, {}),
    createDelayMs: options.createDelayMs ?? 0,
    updateDelayMs: options.updateDelayMs ?? 0,
    deleteDelayMs: options.deleteDelayMs ?? 0,
    ...options.settings,
    dataDir: temporaryDir ?? os.tmpdir(),
    databaseUrl,
    adminToken,
  };
  const removeTemporary = () => temporaryDir && fs.rmSync(temporaryDir, { recursive: true, force: true });
  let server: PartnerplaneServer;
  try {
    server = await createServer(config);
  } catch (error) {
    removeTemporary();
    throw error;
  }
  const endpoint = await server.listen();
  const region = options.region ?? 'us-east-1';
  return {
    endpoint,
    region,
    credentials: LOCAL_CREDENTIALS,
    clientConfig: { endpoint, region, credentials: { ...LOCAL_CREDENTIALS } },
    async reset() {
      const response = await fetch(`${endpoint}/admin/reset`, { method: 'POST', headers: { authorization: `Bearer ${adminToken}` } });
      if (!response.ok) throw new Error(`partnerplane reset failed: ${response.status} ${await response.text()}`);
    },
    async close() {
      await server.close();
      removeTemporary();
    },
  };
}
