/** What the runtime tests share: a catalog of test backends, and ways to reach and wait for them. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DescribePartnerAppCommand, type DescribePartnerAppCommandOutput, type SageMakerClient } from '@aws-sdk/client-sagemaker';
import { openPresignedUrl, presign } from '../gateway/support.js';
import { fetchLocal } from '../helpers/localhost.js';

export const BACKEND = fileURLToPath(new URL('./backend.mjs', import.meta.url));
/** Backends are real processes on a shared machine: waits are bounded generously, and never timed. */
const WAIT_MS = 60_000;

/**
 * comet 1.1 serves; 1.2 crashes at start (a broken upgrade). lakera-guard crashes; fiddler's command
 * does not exist; deepchecks never passes its health check.
 */
export function testCatalog(): object {
  const node = [process.execPath, BACKEND];
  return {
    tiers: { small: { memoryMiB: 512 }, large: { memoryMiB: 1024, cpus: 2 } },
    types: {
      comet: {
        command: node,
        healthPath: '/health',
        env: { GREETING: 'hello' },
        versions: [
          { version: '1.1', eolDate: '2027-05-31' },
          { version: '1.2', eolDate: '2028-01-31', env: { BEHAVIOUR: 'crash' } },
        ],
      },
      'lakera-guard': { command: node, env: { BEHAVIOUR: 'crash' }, versions: [{ version: '1.4', eolDate: '2027-06-30' }] },
      fiddler: { command: ['/nonexistent/fiddler-server', '--port'], versions: [{ version: '1.3', eolDate: '2027-08-31' }] },
      'deepchecks-llm-evaluation': {
        command: node,
        env: { BEHAVIOUR: 'never-healthy' },
        healthPath: '/health',
        startTimeoutSeconds: 1,
        versions: [{ version: '1.0', eolDate: '2027-04-30' }],
      },
    },
  };
}

export function writeCatalog(dir: string): string {
  const file = path.join(dir, 'catalog.json');
  fs.writeFileSync(file, JSON.stringify(testCatalog()));
  return file;
}

/** Polls until `check` returns a value (not undefined), failing after a generous bound. */
export async function eventually<T>(what: string, check: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export function settled(client: SageMakerClient, Arn: string, ...statuses: string[]): Promise<DescribePartnerAppCommandOutput> {
  return eventually(`${Arn} to be ${statuses.join(' or ')}`, async () => {
    const app = await client.send(new DescribePartnerAppCommand({ Arn }));
    return statuses.includes(app.Status!) ? app : undefined;
  });
}

/** What the test backend says of itself (backend.mjs). */
export interface BackendView {
  pid: number;
  cwd: string;
  starts: number;
  env: Record<string, string>;
  headers: Record<string, string>;
}

/** A signed-in gateway session on the app, through a presigned URL. */
export async function gatewaySession(client: SageMakerClient, Arn: string): Promise<{ get(subpath?: string): Promise<Response>; view(): Promise<BackendView> }> {
  const session = await openPresignedUrl(await presign(client, Arn));
  const get = (subpath = '') => fetchLocal(`${session.landing}${subpath}`, { headers: { cookie: session.cookie }, redirect: 'manual' });
  return {
    get,
    async view() {
      const response = await get();
      assert.equal(response.status, 200, await response.clone().text());
      return (await response.json()) as BackendView;
    },
  };
}

/** Whether a process runs (and is not a zombie). */
export function isAlive(pid: number): boolean {
  try {
    const state = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0];
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

/** The test backends running now, by the app each serves (from their environment in /proc). */
export function runningBackends(): Map<string, number[]> {
  const byApp = new Map<string, number[]>();
  for (const entry of fs.readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    let cmdline: string;
    let environ: string;
    try {
      cmdline = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      environ = fs.readFileSync(`/proc/${entry}/environ`, 'utf8');
    } catch {
      continue;
    }
    if (!cmdline.split('\0').includes(BACKEND) || !isAlive(Number(entry))) continue;
    const arn = environ.split('\0').find((line) => line.startsWith('PARTNERPLANE_APP_ARN='))?.slice('PARTNERPLANE_APP_ARN='.length);
    if (arn) byApp.set(arn, [...(byApp.get(arn) ?? []), Number(entry)]);
  }
  return byApp;
}
