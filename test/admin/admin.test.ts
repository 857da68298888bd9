import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  CreatePartnerAppCommand,
  DeletePartnerAppCommand,
  ListPartnerAppsCommand,
  ListTagsCommand,
  UpdatePartnerAppCommand,
  type SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { CloudControlClient, CreateResourceCommand, GetResourceRequestStatusCommand } from '@aws-sdk/client-cloudcontrol';
import { get, presign } from '../gateway/support.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { createInput, describeApp, rejectsWith, waitFor } from '../operations/support.js';

const ADMIN_TOKEN = 'test-admin-token-0123456789';

let server: TestServer;
before(async () => {
  server = await startTestServer({ adminToken: ADMIN_TOKEN });
});
after(() => server.close());

interface AdminResponse {
  status: number;
  headers: Headers;
  json: any;
}

async function admin(method: string, path: string, body?: unknown, authorization: string | null = `Bearer ${ADMIN_TOKEN}`): Promise<AdminResponse> {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: authorization === null ? {} : { Authorization: authorization },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  assert.ok(response.headers.get('x-amzn-requestid'), 'every response carries a request id');
  return { status: response.status, headers: response.headers, json: await response.json() };
}

/** An admin call that must succeed; its JSON answer. */
async function adminOk(method: string, path: string, body?: unknown): Promise<any> {
  const response = await admin(method, path, body);
  assert.equal(response.status, 200, JSON.stringify(response.json));
  return response.json;
}

const exportState = () => adminOk('GET', '/admin/state');

/** The newest audit records of admin actions, newest first. */
async function adminAudit() {
  return (await server.server.store.listAudit({ limit: 100 })).filter((record) => record.operation.startsWith('Admin'));
}

async function newClient(): Promise<SageMakerClient> {
  return server.client({ credentials: server.newAccount() });
}

test('without an admin token the admin API does not exist', async () => {
  const plain = await startTestServer();
  try {
    for (const [method, path] of [['POST', '/admin/reset'], ['GET', '/admin/state']] as const) {
      const response = await fetch(`${plain.url}${path}`, { method, headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } });
      assert.equal(response.status, 404);
      await response.body?.cancel();
    }
  } finally {
    await plain.close();
  }
});

test('the admin API answers only its bearer token, and audits refused changes', async () => {
  for (const authorization of [null, `Basic ${Buffer.from(`admin:${ADMIN_TOKEN}`).toString('base64')}`, 'Bearer']) {
    const response = await admin('POST', '/admin/reset', undefined, authorization);
    assert.equal(response.status, 401, String(authorization));
    assert.equal(response.headers.get('www-authenticate'), 'Bearer realm="partnerplane-admin"');
    assert.equal(response.json.__type, 'UnauthorizedException');
  }
  for (const token of [`${ADMIN_TOKEN}x`, ADMIN_TOKEN.slice(0, -1), ADMIN_TOKEN.toUpperCase()]) {
    const response = await admin('GET', '/admin/lifecycle', undefined, `Bearer ${token}`);
    assert.equal(response.status, 403);
    assert.equal(response.json.__type, 'AccessDeniedException');
  }
  const refused = await admin('PUT', '/admin/lifecycle', { createDelayMs: 1 }, 'Bearer not-the-admin-token');
  assert.equal(refused.status, 403);
  const [record] = await adminAudit();
  assert.equal(record!.operation, 'AdminSetLifecycleDelays');
  assert.equal(record!.outcome, 'AccessDeniedException');
  assert.equal(record!.principal, undefined);
  assert.equal(record!.accountId, undefined);
  assert.deepEqual(await adminOk('GET', '/admin/lifecycle'), { createDelayMs: 150, updateDelayMs: 150, deleteDelayMs: 150, types: {} });

  assert.equal((await admin('GET', '/admin/nothing-here')).status, 404);
  const wrongMethod = await admin('DELETE', '/admin/state');
  assert.equal(wrongMethod.status, 405);
  assert.equal(wrongMethod.json.__type, 'MethodNotAllowedException');
});

test('reset forgets every app, tag and client token, keeps the audit log and restores the configured delays', async () => {
  const client = await newClient();
  const input = createInput({ ClientToken: 'reset-token', Tags: [{ Key: 'k', Value: 'v' }] });
  const { Arn } = await client.send(new CreatePartnerAppCommand(input));
  await adminOk('PUT', '/admin/lifecycle', { createDelayMs: 5 });

  const answer = await adminOk('POST', '/admin/reset');
  assert.deepEqual(answer, { reset: true, lifecycle: { createDelayMs: 150, updateDelayMs: 150, deleteDelayMs: 150, types: {} } });
  assert.deepEqual((await client.send(new ListPartnerAppsCommand({}))).Summaries, []);
  await rejectsWith(describeApp(client, Arn!), { name: 'ResourceNotFound' });
  const state = await exportState();
  assert.deepEqual([state.apps, state.idempotencyRecords, state.usedTokens, state.failingCreates], [[], [], [], []]);
  // The name and the client token are free again: the same request makes a new app.
  const again = await client.send(new CreatePartnerAppCommand(input));
  assert.notEqual(again.Arn, Arn);

  const [record] = await adminAudit();
  const { principal, accountId, operation, target, outcome } = record!;
  assert.deepEqual({ principal, accountId, operation, target, outcome }, {
    principal: 'admin',
    accountId: undefined,
    operation: 'AdminReset',
    target: '/admin/reset',
    outcome: 'success',
  });
  assert.ok((await server.server.store.listAudit({ limit: 1000 })).some((entry) => entry.target === Arn), 'the audit log survives a reset');
});

test('lifecycle delays change at runtime for the transitions started afterwards', async () => {
  const client = await newClient();
  assert.deepEqual(await adminOk('PUT', '/admin/lifecycle', { createDelayMs: 3_600_000 }), {
    createDelayMs: 3_600_000,
    updateDelayMs: 150,
    deleteDelayMs: 150,
    types: {},
  });
  const slow = await client.send(new CreatePartnerAppCommand(createInput()));
  const exported = (await exportState()).apps.find((app: any) => app.arn === slow.Arn);
  assert.equal(exported.dueAt - exported.creationTime, 3_600_000);

  await adminOk('PUT', '/admin/lifecycle', { createDelayMs: 0, updateDelayMs: 0, deleteDelayMs: 0 });
  const fast = await client.send(new CreatePartnerAppCommand(createInput()));
  await waitFor(client, fast.Arn!, 'Available');
  await client.send(new UpdatePartnerAppCommand({ Arn: fast.Arn, Tier: 'large' }));
  await waitFor(client, fast.Arn!, 'Available');
  await client.send(new DeletePartnerAppCommand({ Arn: fast.Arn }));
  await waitFor(client, fast.Arn!, 'Deleted');
  assert.equal((await describeApp(client, slow.Arn!)).Status, 'Creating');

  for (const body of [{ createDelayMs: -1 }, { updateDelayMs: 1.5 }, { deleteDelayMs: '10' }, { createDelayMs: 1, bogus: 1 }, [1]]) {
    const refused = await admin('PUT', '/admin/lifecycle', body);
    assert.equal(refused.status, 400, JSON.stringify(body));
    assert.equal(refused.json.__type, 'ValidationException');
  }
  assert.equal((await admin('PUT', '/admin/lifecycle', '{not json')).json.__type, 'SerializationException');
  assert.deepEqual(await adminOk('GET', '/admin/lifecycle'), { createDelayMs: 0, updateDelayMs: 0, deleteDelayMs: 0, types: {} });
  await adminOk('POST', '/admin/reset');
});

test('lifecycle delays can be set per app type, over the defaults, until reset', async () => {
  const client = await newClient();
  await adminOk('PUT', '/admin/lifecycle', { createDelayMs: 3_600_000 });
  assert.deepEqual(await adminOk('PUT', '/admin/lifecycle', { types: { comet: { createDelayMs: 0 } } }), {
    createDelayMs: 3_600_000,
    updateDelayMs: 150,
    deleteDelayMs: 150,
    types: { comet: { createDelayMs: 0 } },
  });
  const comet = await client.send(new CreatePartnerAppCommand(createInput({ Type: 'comet' })));
  const fiddler = await client.send(new CreatePartnerAppCommand(createInput({ Type: 'fiddler' })));
  await waitFor(client, comet.Arn!, 'Available');
  const exported = (await exportState()).apps.find((app: any) => app.arn === fiddler.Arn);
  assert.equal(exported.dueAt - exported.creationTime, 3_600_000, 'other types keep the default delay');

  for (const body of [{ types: { nope: { createDelayMs: 1 } } }, { types: { comet: { createDelayMs: -1 } } }, { types: { comet: 5 } }, { types: [1] }]) {
    const refused = await admin('PUT', '/admin/lifecycle', body);
    assert.equal(refused.status, 400, JSON.stringify(body));
    assert.equal(refused.json.__type, 'ValidationException');
  }
  assert.deepEqual((await adminOk('GET', '/admin/lifecycle')).types, { comet: { createDelayMs: 0 } }, 'a refused change changes nothing');
  assert.deepEqual((await adminOk('POST', '/admin/reset')).lifecycle.types, {});
});

test('a forced failure fails the next transition of an app, or of every app of a type and the next one created', async () => {
  const client = await newClient();
  const settled = await client.send(new CreatePartnerAppCommand(createInput()));
  await waitFor(client, settled.Arn!, 'Available');
  assert.deepEqual(await adminOk('POST', '/admin/failures', { arn: settled.Arn }), { armedApps: 1 });
  await client.send(new UpdatePartnerAppCommand({ Arn: settled.Arn, Tier: 'large' }));
  assert.equal(await waitFor(client, settled.Arn!, 'Available', 'UpdateFailed'), 'UpdateFailed');
  assert.equal((await describeApp(client, settled.Arn!)).Error?.Code, 'UpdateFailed');
  // Once only: the next update goes through.
  await client.send(new UpdatePartnerAppCommand({ Arn: settled.Arn, Tier: 'large' }));
  assert.equal(await waitFor(client, settled.Arn!, 'Available', 'UpdateFailed'), 'Available');

  // A transition in progress fails when it completes (made due now by editing an export).
  await adminOk('PUT', '/admin/lifecycle', { createDelayMs: 3_600_000 });
  const inFlight = await client.send(new CreatePartnerAppCommand(createInput()));
  await adminOk('POST', '/admin/failures', { arn: inFlight.Arn });
  const state = await exportState();
  const app = state.apps.find((candidate: any) => candidate.arn === inFlight.Arn);
  assert.equal(app.failTransition, true);
  app.dueAt = Date.now();
  await adminOk('PUT', '/admin/state', state);
  assert.equal(await waitFor(client, inFlight.Arn!, 'Available', 'Failed'), 'Failed');
  await adminOk('PUT', '/admin/lifecycle', { createDelayMs: 150 });

  const fiddler = await client.send(new CreatePartnerAppCommand(createInput({ Type: 'fiddler' })));
  await waitFor(client, fiddler.Arn!, 'Available');
  const otherTypes = await client.send(new CreatePartnerAppCommand(createInput({ Type: 'comet' })));
  assert.deepEqual(await adminOk('POST', '/admin/failures', { type: 'fiddler' }), { armedApps: 1, nextCreateFails: true });
  const failedCreate = await client.send(new CreatePartnerAppCommand(createInput({ Type: 'fiddler' })));
  assert.equal(await waitFor(client, failedCreate.Arn!, 'Available', 'Failed'), 'Failed');
  assert.equal((await describeApp(client, failedCreate.Arn!)).Error?.Code, 'ProvisioningFailed');
  await client.send(new UpdatePartnerAppCommand({ Arn: fiddler.Arn, Tier: 'large' }));
  assert.equal(await waitFor(client, fiddler.Arn!, 'Available', 'UpdateFailed'), 'UpdateFailed');
  assert.equal(await waitFor(client, otherTypes.Arn!, 'Available', 'Failed'), 'Available');
  const nextCreate = await client.send(new CreatePartnerAppCommand(createInput({ Type: 'fiddler' })));
  assert.equal(await waitFor(client, nextCreate.Arn!, 'Available', 'Failed'), 'Available');

  const missing = await admin('POST', '/admin/failures', { arn: nextCreate.Arn!.replace(/app-\w+$/, 'app-ZZZZZZZZZZZZ') });
  assert.equal(missing.status, 400);
  assert.equal(missing.json.__type, 'ResourceNotFound');
  for (const body of [{}, { arn: settled.Arn, type: 'comet' }, { type: 'nope' }, { arn: 7 }]) {
    assert.equal((await admin('POST', '/admin/failures', body)).status, 400, JSON.stringify(body));
  }
  const targets = (await adminAudit()).filter((record) => record.operation === 'AdminForceFailure' && record.outcome === 'success').map((record) => record.target);
  assert.deepEqual(targets.slice(0, 3), ['type:fiddler', inFlight.Arn, settled.Arn]);
  await adminOk('POST', '/admin/reset');
});

test('export, reset and import bring back every app, tag, client token and armed failure', async () => {
  const client = await newClient();
  const tagged = createInput({ ClientToken: 'round-trip-token', Tags: [{ Key: 'team', Value: 'ml' }, { Key: 'env', Value: 'test' }] });
  const kept = await client.send(new CreatePartnerAppCommand(tagged));
  const gone = await client.send(new CreatePartnerAppCommand(createInput({ Type: 'lakera-guard' })));
  await waitFor(client, kept.Arn!, 'Available');
  await waitFor(client, gone.Arn!, 'Available');
  await client.send(new UpdatePartnerAppCommand({ Arn: kept.Arn, Tier: 'large', Tags: [{ Key: 'added', Value: 'later' }] }));
  await waitFor(client, kept.Arn!, 'Available');
  await client.send(new DeletePartnerAppCommand({ Arn: gone.Arn }));
  await waitFor(client, gone.Arn!, 'Deleted');
  await adminOk('POST', '/admin/failures', { type: 'deepchecks-llm-evaluation' });
  const openedOnce = await presign(client, kept.Arn!);
  const opened = await get(openedOnce);
  assert.equal(opened.status, 302);
  await opened.body?.cancel();

  const seen = async () => ({
    list: (await client.send(new ListPartnerAppsCommand({}))).Summaries,
    kept: { ...(await describeApp(client, kept.Arn!)), $metadata: undefined },
    gone: { ...(await describeApp(client, gone.Arn!)), $metadata: undefined },
    tags: (await client.send(new ListTagsCommand({ ResourceArn: kept.Arn }))).Tags,
  });
  const before = await seen();
  const exported = await exportState();
  assert.equal(exported.format, 'partnerplane-state');
  assert.equal(exported.version, 1);
  assert.deepEqual(
    exported.apps.map((app: any) => [app.arn, app.status]),
    [[kept.Arn, 'Available'], [gone.Arn, 'Deleted']],
  );
  // The SDK gives Create, Update and Delete a client token of its own when the caller does not.
  assert.equal(exported.idempotencyRecords.length, 4);
  assert.ok(exported.idempotencyRecords.some((record: any) => record.token === 'round-trip-token'));
  assert.deepEqual(exported.failingCreates, ['deepchecks-llm-evaluation']);
  assert.equal(exported.usedTokens.length, 1);

  await adminOk('POST', '/admin/reset');
  assert.deepEqual((await client.send(new ListPartnerAppsCommand({}))).Summaries, []);

  assert.deepEqual(await adminOk('PUT', '/admin/state', exported), {
    imported: { apps: 2, idempotencyRecords: 4, usedTokens: 1, failingCreates: 1, resourceRequests: 0 },
  });
  assert.deepEqual(await seen(), before);
  assert.deepEqual({ ...(await exportState()), exportedAt: undefined }, { ...exported, exportedAt: undefined });

  // The presigned URL stays spent; the client token replays the first answer; the live name is
  // taken again; the armed create fails.
  const reopened = await get(openedOnce);
  assert.equal(reopened.status, 403);
  await reopened.body?.cancel();
  assert.equal((await client.send(new CreatePartnerAppCommand(tagged))).Arn, kept.Arn);
  await rejectsWith(client.send(new CreatePartnerAppCommand({ ...tagged, ClientToken: undefined })), { name: 'ConflictException' });
  const armed = await client.send(new CreatePartnerAppCommand(createInput({ Type: 'deepchecks-llm-evaluation' })));
  assert.equal(await waitFor(client, armed.Arn!, 'Available', 'Failed'), 'Failed');

  const [record] = await adminAudit();
  assert.equal(record!.operation, 'AdminImportState');
  assert.equal(record!.outcome, 'success');
  await adminOk('POST', '/admin/reset');
});

test('export and import carry Cloud Control\'s requests: their statuses read as before, their ClientTokens replay them', async () => {
  const account = server.newAccount();
  const cloudControl = new CloudControlClient({ endpoint: server.url, region: 'us-east-1', credentials: account, maxAttempts: 1 });
  const DesiredState = JSON.stringify({ Name: 'ccstate', Type: 'comet', Tier: 'small', AuthType: 'IAM', ExecutionRoleArn: 'arn:aws:iam::123456789012:role/R', ApplicationConfig: { AdminUsers: ['admin@example.com'] } });
  const create = () => cloudControl.send(new CreateResourceCommand({ TypeName: 'AWS::SageMaker::PartnerApp', DesiredState, ClientToken: 'state-token' }));
  const { ProgressEvent: created } = await create();
  await waitFor(server.client({ credentials: account }), created!.Identifier!, 'Available');
  const status = async () => (await cloudControl.send(new GetResourceRequestStatusCommand({ RequestToken: created!.RequestToken }))).ProgressEvent!;
  const before = await status();
  assert.equal(before.OperationStatus, 'SUCCESS');

  const exported = await exportState();
  assert.deepEqual(exported.resourceRequests.map((request: any) => [request.token, request.operation, request.identifier]), [[created!.RequestToken, 'CREATE', created!.Identifier]]);
  await adminOk('POST', '/admin/reset');
  await rejectsWith(status(), { name: 'RequestTokenNotFoundException' });
  assert.equal((await adminOk('PUT', '/admin/state', exported)).imported.resourceRequests, 1);
  assert.deepEqual(await status(), before);
  assert.equal((await create()).ProgressEvent!.RequestToken, created!.RequestToken, 'the ClientToken replays the imported request');
  // An export made before resourceRequests existed imports too, with none.
  const { resourceRequests: _requests, ...older } = exported;
  assert.equal((await adminOk('PUT', '/admin/state', older)).imported.resourceRequests, 0);
  await adminOk('POST', '/admin/reset');
});

test('an import that is not a valid state document is refused and changes nothing', async () => {
  const client = await newClient();
  const { Arn } = await client.send(new CreatePartnerAppCommand(createInput()));
  await waitFor(client, Arn!, 'Available');
  const current = await exportState();
  const [app] = current.apps;
  const refusals: [unknown, RegExp][] = [
    [{ ...current, format: 'something-else' }, /^Invalid state document: format must be "partnerplane-state"\.$/],
    [{ ...current, version: 2 }, /^Invalid state document: version must be 1/],
    [{ ...current, apps: [app, app] }, /^Invalid state document: apps\[1\] repeats an ARN\.$/],
    [{ ...current, apps: [{ ...app, status: 'Sleeping' }] }, /^Invalid state document: apps\[0\]\.status must be one of /],
    [{ ...current, apps: [{ ...app, accountId: '111111111111' }] }, /^Invalid state document: apps\[0\]\.arn does not match accountId and region\.$/],
    [{ ...current, apps: [{ ...app, tags: [{ Key: 'a', Value: 'b' }, { Key: 'a', Value: 'c' }] }] }, /apps\[0\]\.tags\[1\] repeats a tag key/],
    [{ ...current, failingCreates: ['comet', 'comet'] }, /failingCreates\[1\] repeats an app type/],
    [{ ...current, idempotencyRecords: undefined }, /idempotencyRecords must be an array/],
    [{ ...current, resourceRequests: [{ token: 't', accountId: 'a', region: 'us-east-1', typeName: 'T', operation: 'PATCH', eventTime: 1 }] }, /resourceRequests\[0\]\.operation must be one of CREATE, UPDATE, DELETE/],
    [{ ...current, resourceRequests: [{ token: 't', accountId: 'a', region: 'us-east-1', typeName: 'T', operation: 'CREATE', eventTime: -1 }] }, /resourceRequests\[0\]\.eventTime must be epoch milliseconds/],
  ];
  for (const [document, message] of refusals) {
    const refused = await admin('PUT', '/admin/state', document);
    assert.equal(refused.status, 400);
    assert.equal(refused.json.__type, 'ValidationException');
    assert.match(refused.json.message, message);
  }
  assert.deepEqual({ ...(await exportState()), exportedAt: undefined }, { ...current, exportedAt: undefined });
  await adminOk('POST', '/admin/reset');
});

test('the clock: read always; moved forward only on a server started with a movable clock', async () => {
  const wall = await adminOk('GET', '/admin/clock');
  assert.equal(wall.movable, false);
  assert.ok(Math.abs(Date.parse(wall.now) - Date.now()) < 60_000);
  const refused = await admin('POST', '/admin/clock', { advanceMs: 1000 });
  assert.equal(refused.status, 400);
  assert.deepEqual(refused.json, {
    __type: 'ValidationException',
    message: 'The service runs on the wall clock, which the admin API never moves; start the server with --movable-clock true to move its time.',
  });

  const movable = await startTestServer({ adminToken: ADMIN_TOKEN, movableClock: true });
  try {
    const call = (body: unknown) =>
      fetch(`${movable.url}/admin/clock`, { method: 'POST', headers: { Authorization: `Bearer ${ADMIN_TOKEN}` }, body: JSON.stringify(body) }).then(async (r) => ({ status: r.status, json: await r.json() }));
    const week = 7 * 24 * 3600_000;
    const moved = await call({ advanceMs: week });
    assert.equal(moved.status, 200);
    assert.equal(moved.json.movable, true);
    assert.ok(Math.abs(Date.parse(moved.json.now) - (Date.now() + week)) < 60_000, 'a week ahead, and flowing');
    // A presigned URL issued now expires by the moved clock: in 5 seconds of service time.
    const client = movable.client({ credentials: movable.newAccount() });
    const { Arn } = await client.send(new CreatePartnerAppCommand(createInput()));
    await waitFor(client, Arn!, 'Available');
    const url = await presign(client, Arn!, { ExpiresInSeconds: 5 });
    await call({ advanceMs: 10_000 });
    assert.equal((await get(url)).status, 403, 'expired by the service clock');
    for (const body of [{ advanceMs: -1 }, { advanceMs: 1.5 }, { advanceMs: '10' }, {}, { advanceMs: 1, to: 'x' }]) {
      const bad = await call(body);
      assert.equal(bad.status, 400, JSON.stringify(body));
      assert.match(bad.json.message, /^The body must be \{"advanceMs": N\}/);
    }
    const audited = (await movable.server.store.listAudit({ limit: 100 })).filter((record) => record.operation === 'AdminAdvanceClock');
    assert.deepEqual(audited.map((record) => record.outcome).sort(), ['ValidationException', 'ValidationException', 'ValidationException', 'ValidationException', 'ValidationException', 'success', 'success']);
  } finally {
    await movable.close();
  }
});
