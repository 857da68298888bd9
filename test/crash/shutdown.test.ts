/**
 * Graceful shutdown on SIGTERM, on the store under test: the server stops accepting, answers the
 * requests in flight, lets the reconciler finish the transaction it is in (releasing what it
 * claimed), and exits 0.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import { test } from 'node:test';
import { CreatePartnerAppCommand } from '@aws-sdk/client-sagemaker';
import { createTestSchema, holdAppUpdates, testPostgresUrl, withApplicationName, type UpdateHold } from '../helpers/postgres.js';
import { rawRequest, signedRequest } from '../helpers/server.js';
import { freshDataLocation, lifecycleFlags, startServerProcess, type ServerProcess } from '../helpers/serverProcess.js';
import { createInput, describeApp } from '../operations/support.js';

const postgresUrl = testPostgresUrl();
const storeName = postgresUrl ? 'PostgreSQL' : 'SQLite';

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  json: { Arn?: string };
}

test(`${storeName}: SIGTERM stops accepting, answers the request in flight and exits 0`, async (t) => {
  const data = await freshDataLocation();
  let server: ServerProcess | undefined;
  t.after(async () => {
    await server?.kill();
    await data.remove();
  });
  server = await startServerProcess([...data.flags, ...lifecycleFlags()]);
  const stopping = server;

  const input = createInput();
  const signed = await signedRequest(stopping.url, 'CreatePartnerApp', { body: input });
  const body = Buffer.from(signed.body as string);
  // With Expect: 100-continue the server says when it has the request, so the request is in
  // flight, not merely connecting, when the signal arrives.
  const request = http.request(stopping.url, {
    method: 'POST',
    headers: { ...signed.headers, 'content-length': String(body.length), expect: '100-continue' },
  });
  const answer = new Promise<Answer>((resolve, reject) => {
    request.once('response', (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode!, headers: response.headers, json: JSON.parse(text) }));
    });
    request.once('error', reject);
  });
  await new Promise((resolve) => request.once('continue', resolve));
  request.write(body.subarray(0, 10));

  stopping.child.kill('SIGTERM');
  await stopping.waitForLog((line) => line.msg === 'shutting down');
  await assert.rejects(rawRequest(stopping.url, 'ListPartnerApps'), 'a new connection was accepted after SIGTERM');

  request.end(body.subarray(10));
  const { status, headers, json } = await answer;
  assert.equal(status, 200);
  assert.equal(headers.connection, 'close');
  assert.deepEqual(await stopping.exited, { code: 0, signal: null });

  server = await startServerProcess([...data.flags, ...lifecycleFlags()]);
  assert.equal((await describeApp(server.client(), json.Arn!)).Name, input.Name);
});

test('PostgreSQL: SIGTERM while the reconciler is inside a transaction: it commits that transaction, then exits 0', { skip: !postgresUrl && 'needs PostgreSQL' }, async (t) => {
  const schema = await createTestSchema(postgresUrl!);
  let server: ServerProcess | undefined;
  let hold: UpdateHold | undefined;
  t.after(async () => {
    await server?.kill();
    await hold?.end();
    await schema.drop();
  });
  server = await startServerProcess(['--database-url', withApplicationName(schema.url, 'stopping-replica'), ...lifecycleFlags()]);
  hold = await holdAppUpdates(schema, 'stopping-');

  const { Arn } = await server.client().send(new CreatePartnerAppCommand(createInput()));
  // The reconciler has claimed the app and waits, mid-transaction, on the hold.
  assert.equal(await hold.waiter(), 'stopping-replica');
  server.child.kill('SIGTERM');
  await server.waitForLog((line) => line.msg === 'shutting down');
  await hold.release();

  assert.deepEqual(await server.exited, { code: 0, signal: null });
  // Nothing else runs on this schema: the transition was committed by the stopping replica.
  const { rows } = await schema.query<{ status: string }>('SELECT status FROM apps WHERE arn = $1', [Arn]);
  assert.equal(rows[0]?.status, 'Available');
});
