/**
 * partnerplane killed (SIGKILL) while its process runtime runs backends, and started again on the
 * same data: it adopts the backends that kept running (no second copy is started), finishes a
 * create that was under way, and removes what belongs to no live app.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { CreatePartnerAppCommand, DeletePartnerAppCommand } from '@aws-sdk/client-sagemaker';
import { freshDataLocation, startServerProcess, type DataLocation, type ServerProcess } from '../helpers/serverProcess.js';
import { tempDir } from '../helpers/server.js';
import { createInput } from '../operations/support.js';
import { appIdOf } from '../gateway/support.js';
import { eventually, gatewaySession, isAlive, runningBackends, settled, writeCatalog } from './support.js';

let scratch: string;
let data: DataLocation;
let flags: string[];
const servers: ServerProcess[] = [];

before(async () => {
  scratch = tempDir('partnerplane-adoption-');
  data = await freshDataLocation();
  flags = [...data.flags, '--data-dir', path.join(scratch, 'data'), '--app-runtime', 'process', '--app-catalog', writeCatalog(scratch), '--reconcile-interval-ms', '25'];
});
after(async () => {
  for (const server of servers) await server.kill();
  await data.remove();
  fs.rmSync(scratch, { recursive: true, force: true });
});

async function start(): Promise<ServerProcess> {
  const server = await startServerProcess(flags);
  servers.push(server);
  return server;
}

test('a partnerplane killed and started again adopts its backends without starting duplicates', async () => {
  const first = await start();
  const client = first.client();
  const { Arn: running } = await client.send(new CreatePartnerAppCommand(createInput({ Type: 'comet', Tier: 'small' })));
  await settled(client, running!, 'Available');
  const { pid } = await (await gatewaySession(client, running!)).view();
  const { Arn: starting } = await client.send(new CreatePartnerAppCommand(createInput({ Type: 'comet', Tier: 'small' })));
  await first.kill();
  assert.ok(isAlive(pid), 'the backend outlives the partnerplane that started it');
  // As a partnerplane killed between starting a backend and writing its pid file leaves it.
  const work = path.join(scratch, 'data', 'runtime', 'process', 'apps', appIdOf(starting!), 'gen-7', 'work');
  fs.mkdirSync(work, { recursive: true });
  const untracked = spawn('sleep', ['600'], { cwd: work, detached: true, stdio: 'ignore' });
  untracked.unref();

  const second = await start();
  const again = second.client();
  await settled(again, running!, 'Available');
  await settled(again, starting!, 'Available');
  const view = await (await gatewaySession(again, running!)).view();
  assert.equal(view.pid, pid, 'the running backend was adopted');
  assert.equal(view.starts, 1, 'and not started again');
  await eventually('the process no pid file names to be killed', async () => (isAlive(untracked.pid!) ? undefined : true));
  const backends = runningBackends();
  assert.deepEqual(backends.get(running!), [pid]);
  assert.equal(backends.get(starting!)?.length, 1, 'the create under way was finished with one backend');

  await again.send(new DeletePartnerAppCommand({ Arn: running }));
  await again.send(new DeletePartnerAppCommand({ Arn: starting }));
  await settled(again, running!, 'Deleted');
  await settled(again, starting!, 'Deleted');
  assert.equal(isAlive(pid), false);
  assert.equal(runningBackends().get(starting!), undefined);
});
