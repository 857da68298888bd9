/**
 * Restart durability of the embedded SQLite store: servers started one after another on the same
 * data directory. Every acknowledged write is there after a restart, and a transition that was
 * under way when the server stopped is finished by the next one.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import {
  CreatePartnerAppCommand,
  DeletePartnerAppCommand,
  ListPartnerAppsCommand,
  ListTagsCommand,
  UpdatePartnerAppCommand,
  type SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import type { Config } from '../../src/config.js';
import type { TestAccount } from '../helpers/credentials.js';
import { startTestServer, tempDir, waitForStatus, type TestServer } from '../helpers/server.js';
import { createAvailableApp, createInput, describeApp, rejectsWith, uniqueName, waitFor } from '../operations/support.js';

const dataDir = tempDir('partnerplane-restart-');
after(() => fs.rmSync(dataDir, { recursive: true, force: true }));

/**
 * Always this SQLite file, also in the PostgreSQL run of the suite; and a fixed public URL, so that
 * BaseUrls stay the same whatever port each server gets.
 */
const SAME_STORE: Partial<Config> = {
  dataDir,
  databaseUrl: `sqlite:${path.join(dataDir, 'partnerplane.sqlite')}`,
  publicUrl: 'https://partnerplane.example',
  maxAppsPerAccount: 5,
};

async function withServer<T>(overrides: Partial<Config>, use: (server: TestServer) => Promise<T>): Promise<T> {
  const server = await startTestServer({ ...SAME_STORE, ...overrides });
  try {
    return await use(server);
  } finally {
    await server.close();
  }
}

test('every acknowledged app survives restarts with its state, and transitions under way are finished', { timeout: 60_000 }, async () => {
  // The credentials file lives in the data directory too, so the account is the same on every server.
  let account: TestAccount | undefined;
  const clientOf = (server: TestServer): SageMakerClient => server.client({ credentials: (account ??= server.newAccount()) });
  const token = 'restart-token-0001';
  const input = createInput({ Tags: [{ Key: 'team', Value: 'ml' }], ClientToken: token, Type: 'comet' });

  // 1. Apps in every settled state.
  const settled = await withServer({}, async (server) => {
    const client = clientOf(server);
    const kept = (await client.send(new CreatePartnerAppCommand(input))).Arn!;
    await waitFor(client, kept, 'Available');
    const upgraded = await createAvailableApp(client, { Type: 'lakera-guard' });
    await client.send(new UpdatePartnerAppCommand({ Arn: upgraded, Tier: 'large', AppVersion: '1.5' }));
    await waitFor(client, upgraded, 'Available');
    const deleted = await createAvailableApp(client);
    await client.send(new DeletePartnerAppCommand({ Arn: deleted }));
    await waitFor(client, deleted, 'Deleted');
    const toUpdate = await createAvailableApp(client, { Tier: 'small' });
    const toDelete = await createAvailableApp(client);
    const before = new Map<string, Awaited<ReturnType<typeof describeApp>>>();
    for (const arn of [kept, upgraded, deleted, toUpdate, toDelete]) before.set(arn, await describeApp(client, arn));
    return { kept, upgraded, deleted, toUpdate, toDelete, before };
  });

  // 2. A server whose transitions take a while is stopped with three of them under way.
  const creatingName = uniqueName();
  const creating = await withServer({ createDelayMs: 4000, updateDelayMs: 4000, deleteDelayMs: 4000 }, async (server) => {
    const client = clientOf(server);
    for (const [arn, app] of settled.before) {
      const now = await describeApp(client, arn);
      assert.equal(now.Status, app.Status, `${arn} after a restart`);
      assert.deepEqual({ ...now, $metadata: undefined }, { ...app, $metadata: undefined });
    }
    const { Arn } = await client.send(new CreatePartnerAppCommand(createInput({ Name: creatingName })));
    await client.send(new UpdatePartnerAppCommand({ Arn: settled.toUpdate, Tier: 'xlarge' }));
    await client.send(new DeletePartnerAppCommand({ Arn: settled.toDelete }));
    const statuses = await Promise.all([Arn!, settled.toUpdate, settled.toDelete].map(async (arn) => (await describeApp(client, arn)).Status));
    assert.deepEqual(statuses, ['Creating', 'Updating', 'Deleting'], 'stopped with the transitions under way');
    return Arn!;
  });

  // 3. The next server finishes them, and has everything else as it was.
  await withServer({}, async (server) => {
    const client = clientOf(server);
    const wait = (arn: string, status: string) => waitForStatus(() => describeApp(client, arn), [status], 15_000);
    assert.equal(await wait(creating, 'Available'), 'Available');
    assert.equal(await wait(settled.toUpdate, 'Available'), 'Available');
    assert.equal(await wait(settled.toDelete, 'Deleted'), 'Deleted');

    const created = await describeApp(client, creating);
    assert.equal(created.Name, creatingName);
    assert.equal(created.BaseUrl, `https://${creating.split('/')[1]!.toLowerCase()}.localhost`, "the app's origin: the public URL's scheme and port");
    assert.equal((await describeApp(client, settled.toUpdate)).Tier, 'xlarge');

    const upgraded = await describeApp(client, settled.upgraded);
    assert.deepEqual([upgraded.Status, upgraded.Version, upgraded.Tier], ['Available', '1.5', 'large']);
    assert.equal((await describeApp(client, settled.deleted)).Status, 'Deleted');
    assert.deepEqual((await describeApp(client, settled.kept)).BaseUrl, settled.before.get(settled.kept)!.BaseUrl);
    assert.deepEqual((await client.send(new ListTagsCommand({ ResourceArn: settled.kept }))).Tags, [{ Key: 'team', Value: 'ml' }]);

    const listed = (await client.send(new ListPartnerAppsCommand({ MaxResults: 100 }))).Summaries!.map((summary) => summary.Arn);
    assert.deepEqual(listed, [creating, settled.toDelete, settled.toUpdate, settled.deleted, settled.upgraded, settled.kept]);

    // The ClientToken still answers with its first app, and still refuses a different request.
    assert.equal((await client.send(new CreatePartnerAppCommand(input))).Arn, settled.kept);
    await rejectsWith(client.send(new CreatePartnerAppCommand({ ...input, Tier: 'large' })), { name: 'ConflictException' });

    // The quota still counts the apps not Deleted: kept, upgraded, toUpdate and creating (4 of 5).
    await client.send(new CreatePartnerAppCommand(createInput()));
    await rejectsWith(client.send(new CreatePartnerAppCommand(createInput())), { name: 'ResourceLimitExceeded', message: /current utilization of 5 Apps/ });
  });
});
