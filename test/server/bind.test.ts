/** createServer takes its port first; a client that connects before listen() is answered once it is called. */
import assert from 'node:assert/strict';
import net from 'node:net';
import { test } from 'node:test';
import { testConfig } from '../../src/config.js';
import { createServer } from '../../src/server.js';
import { tempDir } from '../helpers/server.js';

async function freePort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

test('a request sent between createServer and listen is answered, not left hanging', async () => {
  const port = await freePort();
  const server = await createServer(testConfig({ port, dataDir: tempDir(), databaseUrl: 'sqlite::memory:' }));
  try {
    const early = fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(10_000) });
    await new Promise((resolve) => setTimeout(resolve, 200));
    await server.listen();
    const response = await early;
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { status: 'ok' });
  } finally {
    await server.close();
  }
});
