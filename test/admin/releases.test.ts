/**
 * Versions released through the admin API (docs/operations.md) are kept by the store: a server
 * started again on the same data offers them, and the admin API's reset forgets them.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';
import { testPostgresUrl } from '../helpers/postgres.js';
import { startTestServer, tempDir, type TestServer } from '../helpers/server.js';

const ADMIN_TOKEN = 'releases-admin-token';
const RELEASE = { type: 'comet', version: '1.4', eolDate: '2029-03-31', releaseNotes: ['Dashboards as code.'] };

async function admin(server: TestServer, method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const response = await fetch(`${server.url}${path}`, { method, headers: { Authorization: `Bearer ${ADMIN_TOKEN}` }, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: response.status, json: await response.json() };
}

const cometVersions = async (server: TestServer) => (await admin(server, 'GET', '/admin/versions')).json.types.comet.versions.map((v: { version: string }) => v.version);

test('a released version is there after a restart', { skip: testPostgresUrl() ? 'a restart on the same SQLite file; the PostgreSQL run shows replicas sharing releases' : false }, async () => {
  const dataDir = tempDir();
  try {
    const first = await startTestServer({ dataDir, adminToken: ADMIN_TOKEN });
    try {
      assert.equal((await admin(first, 'POST', '/admin/versions', RELEASE)).status, 200);
    } finally {
      await first.close();
    }
    const again = await startTestServer({ dataDir, adminToken: ADMIN_TOKEN });
    try {
      assert.deepEqual(await cometVersions(again), ['1.1', '1.2', '1.3', '1.4']);
      assert.deepEqual((await admin(again, 'GET', '/admin/versions')).json.types.comet.versions[3], { version: '1.4', eolDate: '2029-03-31', releaseNotes: ['Dashboards as code.'] });
    } finally {
      await again.close();
    }
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});

test("the admin API's reset forgets the releases: the catalog is the one the server started with", async () => {
  const server = await startTestServer({ adminToken: ADMIN_TOKEN });
  try {
    assert.equal((await admin(server, 'POST', '/admin/versions', RELEASE)).status, 200);
    assert.deepEqual(await cometVersions(server), ['1.1', '1.2', '1.3', '1.4']);
    assert.equal((await admin(server, 'POST', '/admin/reset')).status, 200);
    assert.deepEqual(await cometVersions(server), ['1.1', '1.2', '1.3']);
    assert.equal((await admin(server, 'POST', '/admin/versions', RELEASE)).status, 200, 'and it can be released again');
  } finally {
    await server.close();
  }
});
