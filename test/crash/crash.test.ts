/**
 * Durability through kill -9, on the store under test (SQLite, or PostgreSQL in the PostgreSQL run
 * of the suite): a server process under a concurrent load of creates and updates is killed with
 * SIGKILL, restarted on the same data, and every write it acknowledged must be there, whole, with
 * its audit record.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { test } from 'node:test';
import { promisify } from 'node:util';
import {
  CreatePartnerAppCommand,
  ListPartnerAppsCommand,
  ListTagsCommand,
  UpdatePartnerAppCommand,
  type PartnerAppSummary,
  type SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { testPostgresUrl } from '../helpers/postgres.js';
import { freshDataLocation, lifecycleFlags, startServerProcess, type ServerProcess } from '../helpers/serverProcess.js';
import { createInput, describeApp, waitFor } from '../operations/support.js';

const storeName = testPostgresUrl() ? 'PostgreSQL' : 'SQLite';

const WORKERS = 8;
const CREATES_PER_WORKER = 100;
/** The server is killed once this many writes have been acknowledged. */
const KILL_AFTER_ACKS = 60;
const STATUSES = ['Creating', 'Updating', 'Deleting', 'Available', 'Failed', 'UpdateFailed', 'Deleted'];

const createTags = (name: string, worker: number) => [
  { Key: 'name', Value: name },
  { Key: 'worker', Value: String(worker) },
  { Key: 'purpose', Value: 'crash-test' },
];
const UPDATE_TAG = { Key: 'updated', Value: 'medium' };

interface Acknowledged {
  name: string;
  worker: number;
  updated: boolean;
}

async function allTags(client: SageMakerClient, arn: string): Promise<Record<string, string>> {
  const { Tags } = await client.send(new ListTagsCommand({ ResourceArn: arn, MaxResults: 100 }));
  return Object.fromEntries((Tags ?? []).map((tag) => [tag.Key!, tag.Value!]));
}

/** `partnerplane audit`'s successful records of `operation`, by target ARN: how many each has. */
async function auditedSuccesses(dataFlags: string[], operation: string): Promise<Map<string, number>> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'audit', ...dataFlags, '--limit', '100000', '--output', 'json'], {
    env: { ...process.env, PARTNERPLANE_DATA_DIR: '', PARTNERPLANE_DATABASE_URL: '' },
  });
  const counts = new Map<string, number>();
  for (const record of JSON.parse(stdout) as { operation: string; target?: string; outcome: string }[]) {
    if (record.operation === operation && record.outcome === 'success') counts.set(record.target!, (counts.get(record.target!) ?? 0) + 1);
  }
  return counts;
}

async function allApps(client: SageMakerClient): Promise<PartnerAppSummary[]> {
  const apps: PartnerAppSummary[] = [];
  let NextToken: string | undefined;
  do {
    const page = await client.send(new ListPartnerAppsCommand({ MaxResults: 100, NextToken }));
    apps.push(...(page.Summaries ?? []));
    NextToken = page.NextToken;
  } while (NextToken);
  return apps;
}

test(`${storeName}: SIGKILL under a write load loses no acknowledged write and leaves no app half-written`, async (t) => {
  const data = await freshDataLocation();
  let server: ServerProcess | undefined;
  t.after(async () => {
    await server?.kill();
    await data.remove();
  });
  const flags = [...data.flags, '--max-apps-per-account', '10000', ...lifecycleFlags({ createDelayMs: 0, updateDelayMs: 200 })];

  server = await startServerProcess(flags);
  const client = server.client();
  const first = server;

  const acknowledged = new Map<string, Acknowledged>();
  let acks = 0;
  let killed = false;
  const acknowledge = () => {
    acks += 1;
    if (acks === KILL_AFTER_ACKS) {
      killed = true;
      first.child.kill('SIGKILL');
    }
  };
  // Before the kill every request must succeed (an update may find its app still Creating);
  // after it, failures are expected and those writes are simply not acknowledged.
  const unlessKilled = (error: unknown, allowed: string[] = []) => {
    if (!killed && !allowed.includes((error as Error).name)) throw error;
  };

  async function worker(index: number): Promise<void> {
    let previous: string | undefined;
    for (let i = 0; i < CREATES_PER_WORKER && !killed; i++) {
      const name = `crash${index}x${i}`;
      try {
        const { Arn } = await client.send(new CreatePartnerAppCommand(createInput({ Name: name, Tags: createTags(name, index) })));
        acknowledged.set(Arn!, { name, worker: index, updated: false });
        acknowledge();
        if (previous) {
          await client.send(new UpdatePartnerAppCommand({ Arn: previous, Tier: 'medium', Tags: [UPDATE_TAG] }));
          acknowledged.get(previous)!.updated = true;
          acknowledge();
        }
        previous = Arn;
      } catch (error) {
        unlessKilled(error, ['ConflictException']);
      }
    }
  }
  await Promise.all(Array.from({ length: WORKERS }, (_, index) => worker(index)));
  assert.ok(killed, 'the load ended before the server was killed');
  assert.equal((await first.exited).signal, 'SIGKILL');

  server = await startServerProcess(flags);
  const restarted = server.client();

  await Promise.all(
    [...acknowledged].map(async ([arn, expected]) => {
      const app = await describeApp(restarted, arn);
      assert.equal(app.Name, expected.name);
      assert.ok(STATUSES.includes(app.Status!), `${arn} has status ${app.Status}`);
      const { [UPDATE_TAG.Key]: updateTag, ...tags } = await allTags(restarted, arn);
      assert.deepEqual(tags, Object.fromEntries(createTags(expected.name, expected.worker).map((tag) => [tag.Key, tag.Value])));
      // An update in flight at the kill may have been applied as well; an acknowledged one must have been.
      if (expected.updated) assert.equal(updateTag, UPDATE_TAG.Value, `${arn} lost its acknowledged update`);
    }),
  );

  // Apps whose create was in flight at the kill may exist too, but only whole.
  const listed = await allApps(restarted);
  const listedArns = new Set(listed.map((app) => app.Arn));
  for (const arn of acknowledged.keys()) assert.ok(listedArns.has(arn), `${arn} is missing from ListPartnerApps`);
  assert.equal(new Set(listed.map((app) => app.Name)).size, listed.length, 'a Name appears twice');
  await Promise.all(
    listed.map(async (app) => {
      // Created with all its tags, and finished by the restarted reconciler.
      assert.equal(await waitFor(restarted, app.Arn!, 'Available'), 'Available');
      const tags = await allTags(restarted, app.Arn!);
      assert.equal(tags.name, app.Name, `${app.Arn} lacks its create-time tags`);
      assert.equal(tags.purpose, 'crash-test');
      // An update is whole: its tag and its new Tier were written together.
      const updated = tags[UPDATE_TAG.Key] === UPDATE_TAG.Value;
      assert.equal((await describeApp(restarted, app.Arn!)).Tier, updated ? 'medium' : 'small', `${app.Arn} is half-updated`);
    }),
  );

  // A change and its audit record are written together: every app, acknowledged or caught in
  // flight, has exactly one record of its create, and every acknowledged update has its record.
  const creates = await auditedSuccesses(data.flags, 'CreatePartnerApp');
  assert.deepEqual(new Set(creates.keys()), listedArns, 'apps and their create records differ');
  for (const [arn, count] of creates) assert.equal(count, 1, `${arn} has ${count} create records`);
  const updates = await auditedSuccesses(data.flags, 'UpdatePartnerApp');
  for (const [arn, expected] of acknowledged) if (expected.updated) assert.ok(updates.has(arn), `${arn} lost the record of its acknowledged update`);
});
