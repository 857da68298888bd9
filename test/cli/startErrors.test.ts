/**
 * What a user gets wrong at start: one line `partnerplane: …` naming the setting, exit status 2,
 * no stack trace, and no database file created or migrated on the way.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ListPartnerAppsCommand } from '@aws-sdk/client-sagemaker';
import { assertOneLine, cli } from '../helpers/cli.js';
import { startServerProcess } from '../helpers/serverProcess.js';
import { tempDir } from '../helpers/server.js';


let scratch: string;
before(() => {
  scratch = tempDir('partnerplane-errors-');
});
after(() => fs.rmSync(scratch, { recursive: true, force: true }));

/** `serve` on an engine's runtime, with a catalog of one image, DOCKER_HOST naming a socket nothing listens on. */
async function serveWithoutEngine(runtime: 'docker' | 'swarm'): Promise<{ code: number; stderr: string; socket: string }> {
  const file = path.join(scratch, `${runtime}-catalog.json`);
  fs.writeFileSync(file, JSON.stringify({ types: { comet: { versions: [{ version: '1.0', eolDate: '2030-01-01', image: 'comet:1.0', port: 8080 }] } } }));
  const socket = path.join(scratch, `no-${runtime}.sock`);
  const saved = process.env.DOCKER_HOST;
  process.env.DOCKER_HOST = `unix://${socket}`;
  try {
    const { code, stderr } = await cli('serve', '--port', '0', '--data-dir', path.join(scratch, runtime), '--app-runtime', runtime, '--app-catalog', file);
    return { code, stderr, socket };
  } finally {
    if (saved === undefined) delete process.env.DOCKER_HOST;
    else process.env.DOCKER_HOST = saved;
  }
}

describe('serve refuses to start', () => {
  test('on a port in use, before creating the database', async () => {
    const holder = net.createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const { port } = holder.address() as net.AddressInfo;
    const dataDir = path.join(scratch, 'port-in-use');
    try {
      const { code, stderr } = await cli('serve', '--port', String(port), '--data-dir', dataDir);
      assert.equal(code, 2);
      assertOneLine(stderr, `port ${port} on 127.0.0.1 is already in use (--port / PARTNERPLANE_PORT): stop what listens there, or choose another port`);
      assert.equal(fs.existsSync(dataDir), false, 'the data directory was created');
    } finally {
      holder.close();
    }
  });

  test('on a port out of range', async () => {
    const { code, stderr } = await cli('serve', '--port', '99999', '--data-dir', path.join(scratch, 'range'));
    assert.equal(code, 2);
    assertOneLine(stderr, "--port must be a whole number from 0 to 65535, got '99999'");
    assert.equal(fs.existsSync(path.join(scratch, 'range')), false);
  });

  test('on a host that is not this machine', async () => {
    const { code, stderr } = await cli('serve', '--port', '0', '--host', '192.0.2.1', '--data-dir', path.join(scratch, 'host'), '--local-key-anywhere', 'true');
    assert.equal(code, 2);
    assertOneLine(stderr, '192.0.2.1 is not an address of this machine (--host / PARTNERPLANE_HOST): give one of its addresses, 127.0.0.1 or 0.0.0.0');
    assert.equal(fs.existsSync(path.join(scratch, 'host')), false);
  });

  test('on a data directory that is a file, naming its path', async () => {
    const file = path.join(scratch, 'a-file');
    fs.writeFileSync(file, '');
    for (const dataDir of [file, path.join(file, 'data')]) {
      const { code, stderr } = await cli('serve', '--port', '0', '--data-dir', dataDir);
      assert.equal(code, 2, stderr);
      assert.match(stderr, new RegExp(`^partnerplane: cannot use SQLite in ${dataDir}/partnerplane\\.sqlite \\(--data-dir / PARTNERPLANE_DATA_DIR\\): E(EXIST|NOTDIR): [^\\n]*\\n$`));
    }
  });

  test('on a PostgreSQL URL without a user', async () => {
    const { code, stderr } = await cli('serve', '--port', '0', '--database-url', 'postgres://127.0.0.1:5432/partnerplane');
    assert.equal(code, 2);
    assertOneLine(stderr, "--database-url must name the user to connect as, as in postgres://user:password@host:5432/database, got 'postgres://127.0.0.1:5432/partnerplane'");
  });

  test('on a PostgreSQL nobody listens for, without showing the password', async () => {
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as net.AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const { code, stderr } = await cli('serve', '--port', '0', '--database-url', `postgres://pp:s3cret@127.0.0.1:${port}/partnerplane`);
    assert.equal(code, 2);
    assertOneLine(
      stderr,
      `cannot use PostgreSQL at postgres://pp:***@127.0.0.1:${port}/partnerplane (--database-url / PARTNERPLANE_DATABASE_URL): connect ECONNREFUSED 127.0.0.1:${port}`,
    );
  });

  test('on an app catalog with a mistake, naming the file and the entry', async () => {
    const file = path.join(scratch, 'catalog.json');
    fs.writeFileSync(file, JSON.stringify({ types: { comet: { versions: [{ version: '1.0', eolDate: '2030-01-01', image: 'comet:1.0' }] } } }));
    const dataDir = path.join(scratch, 'catalog');
    const { code, stderr } = await cli('serve', '--port', '0', '--data-dir', dataDir, '--app-catalog', file);
    assert.equal(code, 2);
    assertOneLine(stderr, `--app-catalog ${file}: types.comet.versions[0] (1.0): an image needs the port its server listens on (port)`);
    const missing = await cli('serve', '--port', '0', '--data-dir', dataDir, '--app-catalog', path.join(scratch, 'none.json'));
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /^partnerplane: --app-catalog \S+none\.json cannot be read: ENOENT: [^\n]*\n$/);
    assert.equal(fs.existsSync(dataDir), false);
  });

  test('on a runtime it does not know, or one without a catalog saying how to run apps', async () => {
    const unknown = await cli('serve', '--port', '0', '--data-dir', path.join(scratch, 'runtime'), '--app-runtime', 'kubernetes');
    assert.equal(unknown.code, 2);
    assertOneLine(unknown.stderr, "--app-runtime must be one of builtin, process, docker, swarm, got 'kubernetes'");
    const bare = await cli('serve', '--port', '0', '--data-dir', path.join(scratch, 'runtime'), '--app-runtime', 'process');
    assert.equal(bare.code, 2);
    assertOneLine(bare.stderr, "--app-runtime process needs --app-catalog, the file saying how to run each app type's versions (docs/runtimes.md)");
  });

  test('on the docker runtime when no Docker Engine answers, saying where it looked', async () => {
    const { code, stderr, socket } = await serveWithoutEngine('docker');
    assert.equal(code, 2);
    assertOneLine(stderr, `--app-runtime docker: the Docker Engine at unix://${socket} does not answer (connect ENOENT ${socket}); start dockerd, or set DOCKER_HOST to its socket`);
  });
});

describe('serve refuses to start the swarm runtime', () => {
  test('when no Docker Engine answers, saying where it looked', async () => {
    const { code, stderr, socket } = await serveWithoutEngine('swarm');
    assert.equal(code, 2);
    assertOneLine(stderr, `--app-runtime swarm: the Docker Engine at unix://${socket} does not answer (connect ENOENT ${socket}); set DOCKER_HOST to a Swarm manager's socket`);
  });
});

describe('--local-key-anywhere', () => {
  test('serves test/test on every interface, warns, and gives clients an address they can reach', async () => {
    const server = await startServerProcess(['--data-dir', path.join(scratch, 'anywhere'), '--host', '0.0.0.0', '--local-key-anywhere', 'true']);
    try {
      const warning = await server.waitForLog((line) => typeof line.msg === 'string' && line.msg.startsWith('accepting the public local key test/test on 0.0.0.0'));
      assert.equal(warning.level, 40);
      const listening = await server.waitForLog((line) => line.msg === 'partnerplane listening');
      assert.doesNotMatch(String(listening.url), /0\.0\.0\.0/);
      const { Summaries } = await server.client().send(new ListPartnerAppsCommand({}));
      assert.deepEqual(Summaries, []);
    } finally {
      await server.kill();
    }
  });
});

