import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, test } from 'node:test';
import Database from 'better-sqlite3';
import { CreatePartnerAppCommand, DescribePartnerAppCommand, UpdatePartnerAppCommand } from '@aws-sdk/client-sagemaker';
import { createLogger } from '../../src/logger.js';
import { sqlitePathFrom } from '../../src/store/sqlite.js';
import { startTestServer, tempDir } from '../helpers/server.js';
import { createInput, missingArn, rejectsWith } from '../operations/support.js';
import { sampleValue, scrape } from './prometheus.js';

type LogLine = Record<string, any>;

/** A server whose debug-level log lines are kept, parsed, in `lines` (and as written, in `text()`). */
async function loggedServer(overrides: Parameters<typeof startTestServer>[0] = {}) {
  const written: string[] = [];
  const logger = createLogger('debug', { write: (line: string) => void written.push(line) });
  const server = await startTestServer(overrides, { logger });
  return { server, lines: () => written.map((line) => JSON.parse(line) as LogLine), text: () => written.join('') };
}

/** A server on a SQLite file of its own, whatever the suite's database, so a test can break its store. */
async function sqliteServer() {
  const dir = tempDir();
  const logged = await loggedServer({ dataDir: dir, databaseUrl: `sqlite:${dir}/logs.sqlite` });
  const close = async () => {
    await logged.server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  };
  return { ...logged, file: sqlitePathFrom(`sqlite:${dir}/logs.sqlite`, dir), close };
}

const ADMIN_TOKEN = 'admin-token-that-must-never-be-logged';

let logged: Awaited<ReturnType<typeof loggedServer>>;
before(async () => {
  logged = await loggedServer({ adminToken: ADMIN_TOKEN });
});
after(() => logged.server.close());

test('each API request is logged once at debug level with its request id, and no secret is', async () => {
  const account = logged.server.newAccount();
  const client = logged.server.client({ credentials: account });
  const created = await client.send(new CreatePartnerAppCommand(createInput()));
  const failed = await rejectsWith(client.send(new DescribePartnerAppCommand({ Arn: missingArn(account.accountId) })), { name: 'ResourceNotFound' });
  await fetch(`${logged.server.url}/admin/lifecycle`, { headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } });
  await fetch(`${logged.server.url}/admin/lifecycle`, { headers: { Authorization: `Bearer ${ADMIN_TOKEN}-wrong` } });

  const requestLine = (requestId: string) => {
    const found = logged.lines().filter((line) => line.msg === 'request' && line.requestId === requestId);
    assert.equal(found.length, 1, `one line for request ${requestId}`);
    return found[0]!;
  };
  const success = requestLine(created.$metadata.requestId!);
  assert.equal(success.level, 20);
  assert.equal(success.operation, 'CreatePartnerApp');
  assert.equal(success.status, 200);
  assert.equal(success.code, undefined);
  assert.equal(success.accountId, account.accountId);
  assert.equal(success.accessKeyId, account.accessKeyId);
  assert.equal(typeof success.durationMs, 'number');
  const failure = requestLine((failed as Error & { $metadata: { requestId: string } }).$metadata.requestId);
  assert.equal(failure.operation, 'DescribePartnerApp');
  assert.equal(failure.status, 400);
  assert.equal(failure.code, 'ResourceNotFound');

  const text = logged.text();
  assert.ok(!text.includes(account.secretAccessKey), 'the secret key is never logged');
  assert.ok(!/Signature=|AWS4-HMAC-SHA256/.test(text), 'no Authorization header is logged');
  assert.ok(!text.includes(ADMIN_TOKEN), 'the admin token is never logged');
});

test('an unexpected failure is logged at error level with its request id', async () => {
  const { server, lines, close } = await sqliteServer();
  try {
    const account = server.newAccount();
    const client = server.client({ credentials: account });
    await server.server.store.close();
    const error = await rejectsWith(client.send(new DescribePartnerAppCommand({ Arn: missingArn(account.accountId) })), {
      name: 'InternalFailure',
      status: 500,
    });
    const requestId = (error as Error & { $metadata: { requestId: string } }).$metadata.requestId;
    const logged = lines().filter((line) => line.level === 50 && line.requestId === requestId);
    assert.equal(logged.length, 1);
    assert.equal(logged[0]!.msg, 'request failed unexpectedly');
    assert.ok(logged[0]!.err?.message, 'the cause is logged');
  } finally {
    await close();
  }
});

test('the audit record of a call that changed nothing, if it cannot be stored, is logged in full at error level and counted', async () => {
  const { server, lines, file, close } = await sqliteServer();
  try {
    const account = server.newAccount();
    const client = server.client({ credentials: account });
    // Dropping the table is the one way to make appends fail: the database refuses UPDATE and DELETE on it.
    const db = new Database(file);
    db.exec('DROP TABLE audit_log');
    db.close();
    // A change would fail with its record (test/observability/audit.test.ts); a refused call still gets its own answer.
    const missing = missingArn(account.accountId);
    const refused = await rejectsWith(client.send(new UpdatePartnerAppCommand({ Arn: missing, Tier: 'large' })), { name: 'ResourceNotFound' });
    const requestId = (refused as Error & { $metadata: { requestId: string } }).$metadata.requestId;
    const logged = lines().filter((line) => line.level === 50 && line.msg === 'audit record could not be stored');
    assert.equal(logged.length, 1);
    assert.equal(logged[0]!.audit.requestId, requestId);
    assert.equal(logged[0]!.audit.operation, 'UpdatePartnerApp');
    assert.equal(logged[0]!.audit.target, missing);
    assert.equal(logged[0]!.audit.accountId, account.accountId);
    assert.equal(logged[0]!.audit.outcome, 'ResourceNotFound');
    assert.equal(sampleValue(await scrape(server.url), 'partnerplane_audit_write_failures_total'), 1);
  } finally {
    await close();
  }
});
