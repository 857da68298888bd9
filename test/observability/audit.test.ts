import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import {
  AddTagsCommand,
  CreatePartnerAppCommand,
  DeletePartnerAppCommand,
  DeleteTagsCommand,
  DescribePartnerAppCommand,
  UpdatePartnerAppCommand,
} from '@aws-sdk/client-sagemaker';
import type { AuditRecord } from '../../src/store/store.js';
import { onDatabase } from '../helpers/database.js';
import { rawRequest, startTestServer, type TestServer } from '../helpers/server.js';
import { createInput, missingArn, rejectsWith, waitFor } from '../operations/support.js';

const run = promisify(execFile);

let server: TestServer;
before(async () => {
  server = await startTestServer();
});
after(() => server.close());

/** Where the server keeps its data, as `partnerplane audit` is told it. */
const storeFlags = () => (server.config.databaseUrl ? ['--database-url', server.config.databaseUrl] : ['--data-dir', server.config.dataDir]);

/** Runs `partnerplane audit` (from source, as a separate process) and returns what it printed. */
async function audit(...flags: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'audit', ...storeFlags(), ...flags], {
    env: { ...process.env, PARTNERPLANE_DATA_DIR: '', PARTNERPLANE_DATABASE_URL: '' },
  });
  return stdout;
}

/** A record as `partnerplane audit --output json` prints it: the time as an ISO string. */
type AuditEntry = Omit<AuditRecord, 'time'> & { time: string };

const auditJson = async (...flags: string[]) => JSON.parse(await audit('--output', 'json', ...flags)) as AuditEntry[];

const requestIdOf = (error: Error) => (error as Error & { $metadata: { requestId: string } }).$metadata.requestId;

test('every mutating call is audited with who, what, when and outcome, and read back with partnerplane audit', async () => {
  const account = server.newAccount();
  const other = server.newAccount();
  const client = server.client({ credentials: account });
  const started = Date.now();
  const expected: Omit<AuditEntry, 'time' | 'accountId' | 'accessKeyId' | 'principal'>[] = [];

  const input = createInput();
  const created = await client.send(new CreatePartnerAppCommand(input));
  const arn = created.Arn!;
  expected.push({ operation: 'CreatePartnerApp', target: arn, requestId: created.$metadata.requestId!, outcome: 'success' });

  const duplicate = await rejectsWith(client.send(new CreatePartnerAppCommand({ ...input })), { name: 'ConflictException' });
  expected.push({ operation: 'CreatePartnerApp', requestId: requestIdOf(duplicate), outcome: 'ConflictException' });

  // Reads are not audited.
  await client.send(new DescribePartnerAppCommand({ Arn: arn }));

  const tagged = await client.send(new AddTagsCommand({ ResourceArn: arn, Tags: [{ Key: 'team', Value: 'ml' }] }));
  expected.push({ operation: 'AddTags', target: arn, requestId: tagged.$metadata.requestId!, outcome: 'success' });
  const untagged = await client.send(new DeleteTagsCommand({ ResourceArn: arn, TagKeys: ['team'] }));
  expected.push({ operation: 'DeleteTags', target: arn, requestId: untagged.$metadata.requestId!, outcome: 'success' });

  const missing = missingArn(account.accountId);
  const notFound = await rejectsWith(client.send(new UpdatePartnerAppCommand({ Arn: missing, Tier: 'large' })), { name: 'ResourceNotFound' });
  expected.push({ operation: 'UpdatePartnerApp', target: missing, requestId: requestIdOf(notFound), outcome: 'ResourceNotFound' });

  await waitFor(client, arn, 'Available');
  const deleted = await client.send(new DeletePartnerAppCommand({ Arn: arn }));
  expected.push({ operation: 'DeletePartnerApp', target: arn, requestId: deleted.$metadata.requestId!, outcome: 'success' });

  // Another account's call, and a call refused before any caller was established (a wrong secret).
  const othersApp = await server.client({ credentials: other }).send(new CreatePartnerAppCommand(createInput()));
  const forged = await rawRequest(server.url, 'CreatePartnerApp', {
    body: createInput(),
    credentials: { accessKeyId: account.accessKeyId, secretAccessKey: 'not-the-secret' },
  });
  assert.ok(forged.status >= 400 && forged.json.__type, 'a bad signature is refused');

  const entries = await auditJson('--account', account.accountId);
  assert.deepEqual(
    entries.map(({ time: _time, accountId: _account, accessKeyId: _key, principal: _principal, ...what }) => what),
    expected,
  );
  for (const entry of entries) {
    assert.equal(entry.accountId, account.accountId);
    assert.equal(entry.accessKeyId, account.accessKeyId);
    assert.match(entry.principal!, new RegExp(`^arn:aws:iam::${account.accountId}:`));
    const time = Date.parse(entry.time);
    assert.ok(time >= started - 1000 && time <= Date.now(), `${entry.time} is when the call was made`);
  }

  // The last hour, every account: a span back from now.
  const everyone = await auditJson('--since', '1h');
  const othersEntry = everyone.find((entry) => entry.requestId === othersApp.$metadata.requestId);
  assert.equal(othersEntry?.accountId, other.accountId);
  assert.equal(othersEntry?.outcome, 'success');
  // Refused before any caller was known: counted (anonymousRefusals.test.ts), not audited.
  assert.equal(forged.json.__type, 'InvalidSignatureException');
  assert.equal(everyone.find((entry) => entry.requestId === forged.headers['x-amzn-requestid']), undefined);
});

test('partnerplane audit selects by time and count, and prints a table', async () => {
  const account = server.newAccount();
  const client = server.client({ credentials: account });
  const arns: string[] = [];
  for (let i = 0; i < 3; i++) arns.push((await client.send(new CreatePartnerAppCommand(createInput()))).Arn!);

  // The newest two, oldest first.
  assert.deepEqual(
    (await auditJson('--account', account.accountId, '--limit', '2')).map((entry) => entry.target),
    arns.slice(1),
  );
  assert.deepEqual(await auditJson('--account', account.accountId, '--since', new Date(Date.now() + 60_000).toISOString()), []);

  const table = (await audit('--account', account.accountId)).trimEnd().split('\n');
  assert.match(table[0]!, /^TIME\s+ACCOUNT\s+ACCESS KEY\s+PRINCIPAL\s+OPERATION\s+TARGET\s+OUTCOME\s+REQUEST ID$/);
  assert.equal(table.length, 4);
  for (const [index, arn] of arns.entries()) {
    assert.match(table[index + 1]!, new RegExp(`${account.accountId}\\s+${account.accessKeyId}\\s+\\S+\\s+CreatePartnerApp\\s+${arn}\\s+success\\s+[0-9a-f-]{36}$`));
  }

  await assert.rejects(audit('--output', 'xml'), (error: Error & { code?: number; stderr?: string }) => {
    assert.equal(error.code, 2);
    assert.match(error.stderr!, /--output must be json or table, got 'xml'/);
    return true;
  });
});

test('the database itself refuses to change or remove audit records', async () => {
  const statements = ['UPDATE audit_log SET outcome = $1', 'DELETE FROM audit_log'];
  await onDatabase(server, {
    sqlite(db) {
      for (const sql of statements) assert.throws(() => db.prepare(sql.replace('$1', "'forged'")).run(), /audit_log is append-only/);
    },
    async postgres(client) {
      for (const sql of [...statements, 'TRUNCATE audit_log']) {
        await assert.rejects(client.query(sql, sql.includes('$1') ? ['forged'] : []), /audit_log is append-only/);
      }
    },
  });
});

/** Makes the database refuse every new audit record, as a full or failing audit table would. */
function refuseAuditRecords(target: TestServer): Promise<void> {
  return onDatabase(target, {
    sqlite(db) {
      db.exec("CREATE TRIGGER audit_refused BEFORE INSERT ON audit_log BEGIN SELECT RAISE(ABORT, 'audit refused by the test'); END");
    },
    async postgres(client) {
      await client.query("CREATE FUNCTION refuse_audit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'audit refused by the test'; END $$");
      await client.query('CREATE TRIGGER audit_refused BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION refuse_audit()');
    },
  });
}

test('a change whose audit record cannot be stored is not made: the caller gets InternalFailure', async () => {
  const refusing = await startTestServer();
  try {
    const account = refusing.newAccount();
    const client = refusing.client({ credentials: account });
    const arn = (await client.send(new CreatePartnerAppCommand(createInput()))).Arn!;
    await refuseAuditRecords(refusing);

    const created = await rawRequest(refusing.url, 'CreatePartnerApp', { body: createInput(), credentials: account });
    assert.equal(created.status, 500);
    assert.equal(created.json.__type, 'InternalFailure');
    const tagged = await rawRequest(refusing.url, 'AddTags', { body: { ResourceArn: arn, Tags: [{ Key: 'team', Value: 'ml' }] }, credentials: account });
    assert.equal(tagged.json.__type, 'InternalFailure');

    const listed = await rawRequest(refusing.url, 'ListPartnerApps', { body: {}, credentials: account });
    assert.deepEqual(
      listed.json.Summaries.map((summary: { Arn: string }) => summary.Arn),
      [arn],
      'the refused Create left no app behind',
    );
    const tags = await rawRequest(refusing.url, 'ListTags', { body: { ResourceArn: arn }, credentials: account });
    assert.deepEqual(tags.json.Tags, [], 'the refused AddTags changed no tag');
  } finally {
    await refusing.close();
  }
});

test('a ClientToken answer replayed is audited as a call of its own', async () => {
  const account = server.newAccount();
  const client = server.client({ credentials: account });
  const input = createInput({ ClientToken: `token-${Date.now()}` });
  const first = await client.send(new CreatePartnerAppCommand(input));
  const replayed = await client.send(new CreatePartnerAppCommand(input));
  assert.equal(replayed.Arn, first.Arn);
  assert.deepEqual(
    (await auditJson('--account', account.accountId)).map(({ operation, target, requestId, outcome }) => ({ operation, target, requestId, outcome })),
    [first, replayed].map((answer) => ({ operation: 'CreatePartnerApp', target: first.Arn, requestId: answer.$metadata.requestId, outcome: 'success' })),
  );
});
