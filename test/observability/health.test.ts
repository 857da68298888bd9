import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, test } from 'node:test';
import { startTestServer, tempDir, type TestServer } from '../helpers/server.js';

async function getJson(url: string) {
  const response = await fetch(url);
  assert.match(response.headers.get('content-type') ?? '', /^application\/json/);
  assert.ok(response.headers.get('x-amzn-requestid'));
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

let server: TestServer;
before(async () => {
  server = await startTestServer();
});
after(() => server.close());

test('health and readiness answer 200 while the server and its store are up', async () => {
  assert.deepEqual(await getJson(`${server.url}/health`), { status: 200, body: { status: 'ok' } });
  assert.deepEqual(await getJson(`${server.url}/ready`), { status: 200, body: { status: 'ready', store: server.server.store.kind } });
});

test('readiness turns 503 when the store cannot answer, while liveness stays 200', async () => {
  // SQLite here whatever the suite's database: closing the store is how this test makes it unreachable.
  const dir = tempDir();
  const isolated = await startTestServer({ dataDir: dir, databaseUrl: `sqlite:${dir}/ready.sqlite` });
  try {
    assert.equal((await getJson(`${isolated.url}/ready`)).status, 200);
    await isolated.server.store.close();
    assert.deepEqual(await getJson(`${isolated.url}/ready`), {
      status: 503,
      body: { status: 'unavailable', store: 'sqlite', reason: 'the store does not answer' },
    });
    assert.deepEqual(await getJson(`${isolated.url}/health`), { status: 200, body: { status: 'ok' } });
  } finally {
    await isolated.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
