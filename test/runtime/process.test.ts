/**
 * The process runtime over an app's whole life, through the real SDK and the gateway: Available
 * only once the backend is healthy, failures with their reasons and nothing left behind, an
 * upgrade to a broken version that leaves the old backend serving, a killed backend started again,
 * a delete that leaves nothing, and a server that stops its children when it closes.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { CreatePartnerAppCommand, DeletePartnerAppCommand, DescribePartnerAppCommand, UpdatePartnerAppCommand } from '@aws-sdk/client-sagemaker';
import { parseCatalog } from '../../src/catalog/parse.js';
import { OffsetClock } from '../../src/clock.js';
import { parseWindowStart, windowStartAt } from '../../src/domain/maintenance.js';
import { appIdOf } from '../gateway/support.js';
import { clientEnv } from '../helpers/cliEnv.js';
import type { TestAccount } from '../helpers/credentials.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { accountClient, createInput, IDC_INSTANCE_ARN, ROOT_ADMIN } from '../operations/support.js';
import { BACKEND, eventually, gatewaySession, isAlive, settled, testCatalog } from './support.js';

let server: TestServer;
const appDir = (arn: string) => path.join(server.config.dataDir, 'runtime', 'process', 'apps', appIdOf(arn));

before(async () => {
  const catalog = parseCatalog(JSON.stringify(testCatalog()), 'test catalog', 'command');
  server = await startTestServer({ appRuntime: 'process', catalog, createDelayMs: 0, updateDelayMs: 0, deleteDelayMs: 0 });
});
after(() => server.close());

describe('the process runtime', () => {
  test('an app is Available once its backend passes its health check, and the gateway reaches it with its environment', async () => {
    const client = accountClient(server);
    const { Arn } = await client.send(new CreatePartnerAppCommand(createInput({ Type: 'comet', Tier: 'small', ApplicationConfig: { AdminUsers: [ROOT_ADMIN], Arguments: { mode: 'dev' } } })));
    assert.equal((await client.send(new DescribePartnerAppCommand({ Arn }))).Status, 'Creating');
    const app = await settled(client, Arn!, 'Available', 'Failed');
    assert.equal(app.Status, 'Available', app.Error?.Reason);
    const { env, headers, cwd, starts } = await (await gatewaySession(client, Arn!)).view();
    assert.deepEqual(
      { ...env, PORT: undefined, PARTNERPLANE_APP_DATA: undefined, HOME: undefined },
      {
        PARTNERPLANE_APP_ARN: Arn,
        PARTNERPLANE_APP_NAME: app.Name,
        PARTNERPLANE_APP_TYPE: 'comet',
        PARTNERPLANE_APP_VERSION: '1.1',
        PARTNERPLANE_APP_TIER: 'small',
        PARTNERPLANE_APP_BASE_URL: app.BaseUrl,
        PARTNERPLANE_APP_GENERATION: '1',
        PARTNERPLANE_ADMIN_USERS: JSON.stringify([ROOT_ADMIN]),
        PARTNERPLANE_APP_ARGUMENTS: JSON.stringify({ mode: 'dev' }),
        PARTNERPLANE_AUTH_TYPE: 'IAM',
        GREETING: 'hello',
        PORT: undefined,
        PARTNERPLANE_APP_DATA: undefined,
        HOME: undefined,
      },
    );
    assert.match(env.PORT!, /^\d+$/);
    assert.ok(env.PARTNERPLANE_APP_DATA!.startsWith(appDir(Arn!)), 'the data directory is the app\'s, under the data directory');
    assert.ok(cwd.startsWith(path.join(appDir(Arn!), 'gen-1')), 'the working directory is the generation\'s');
    assert.equal(starts, 1);
    assert.equal(headers['x-partnerplane-app-arn'], Arn);
    assert.ok(headers['x-partnerplane-user'], 'the gateway says who is signed in');
    assert.match(fs.readFileSync(path.join(appDir(Arn!), 'gen-1', 'output.log'), 'utf8'), /backend \S+ 1\.1 starting \(serve\)\nbackend listening on \d+\n/);
  });

  test('an IDC app is told its Identity Center instance and application', async () => {
    const client = accountClient(server);
    const { Arn } = await client.send(new CreatePartnerAppCommand(createInput({ Type: 'comet', Tier: 'small', AuthType: 'IDC', IdcConfig: { InstanceArn: IDC_INSTANCE_ARN } })));
    const app = await settled(client, Arn!, 'Available', 'Failed');
    const { env } = await (await gatewaySession(client, Arn!)).view();
    assert.equal(env.PARTNERPLANE_AUTH_TYPE, 'IDC');
    assert.equal(env.PARTNERPLANE_IDC_INSTANCE_ARN, IDC_INSTANCE_ARN);
    assert.match(env.PARTNERPLANE_IDC_APPLICATION_ARN ?? '', /^arn:aws:sso::\d{12}:application\//);
    assert.equal(env.PARTNERPLANE_IDC_APPLICATION_ARN, app.IdcConfig?.ApplicationArn);
  });

  test('a command that does not exist, one that crashes and one never healthy end Failed with their reasons, leaving nothing', async () => {
    const client = accountClient(server);
    const create = async (Type: 'fiddler' | 'lakera-guard' | 'deepchecks-llm-evaluation') => (await client.send(new CreatePartnerAppCommand(createInput({ Type, Tier: 'small' })))).Arn!;
    const [missing, crashing, unhealthy] = await Promise.all([create('fiddler'), create('lakera-guard'), create('deepchecks-llm-evaluation')]);
    const errorOf = async (Arn: string) => (await settled(client, Arn, 'Failed', 'Available')).Error;
    assert.deepEqual(await errorOf(missing), { Code: 'CommandNotFound', Reason: 'Command /nonexistent/fiddler-server of fiddler 1.3 was not found or is not executable.' });
    assert.deepEqual(await errorOf(crashing), { Code: 'BackendExited', Reason: 'The backend exited with code 3 before passing its health check (GET /).' });
    assert.deepEqual(await errorOf(unhealthy), {
      Code: 'HealthCheckTimeout',
      Reason: 'The backend did not pass its health check (GET /health answering 2xx or 3xx) within 1 s of starting.',
    });
    for (const Arn of [missing, crashing, unhealthy]) assert.equal(fs.existsSync(appDir(Arn)), false, `nothing is left of ${Arn}`);
  });

  test('an upgrade to a broken version ends UpdateFailed, with the old backend still serving through the gateway', async () => {
    const client = accountClient(server);
    const { Arn } = await client.send(new CreatePartnerAppCommand(createInput({ Type: 'comet', Tier: 'small' })));
    await settled(client, Arn!, 'Available');
    const gateway = await gatewaySession(client, Arn!);
    const before = await gateway.view();
    await client.send(new UpdatePartnerAppCommand({ Arn, AppVersion: '1.2', Tier: 'large' }));
    const app = await settled(client, Arn!, 'UpdateFailed', 'Available');
    assert.equal(app.Status, 'UpdateFailed');
    assert.deepEqual(app.Error, { Code: 'BackendExited', Reason: 'The backend exited with code 3 before passing its health check (GET /health).' });
    assert.equal(app.Version, '1.1');
    assert.equal(app.Tier, 'small');
    const after = await gateway.view();
    assert.equal(after.pid, before.pid, 'the old backend serves on');
    assert.deepEqual(fs.readdirSync(appDir(Arn!)).filter((name) => name.startsWith('gen-')), ['gen-1'], 'the failed generation is removed');
  });

  test('an update starts a new generation beside the old, switches once it is healthy, and keeps the data', async () => {
    const client = accountClient(server);
    const { Arn } = await client.send(new CreatePartnerAppCommand(createInput({ Type: 'comet', Tier: 'small' })));
    await settled(client, Arn!, 'Available');
    const gateway = await gatewaySession(client, Arn!);
    const before = await gateway.view();
    await client.send(new UpdatePartnerAppCommand({ Arn, Tier: 'large', ApplicationConfig: { Arguments: { mode: 'prod' } } }));
    assert.equal((await settled(client, Arn!, 'Available', 'UpdateFailed')).Status, 'Available');
    const after = await gateway.view();
    assert.notEqual(after.pid, before.pid);
    assert.equal(after.env.PARTNERPLANE_APP_TIER, 'large');
    assert.equal(after.env.PARTNERPLANE_APP_GENERATION, '2');
    assert.equal(after.env.PARTNERPLANE_APP_ARGUMENTS, JSON.stringify({ mode: 'prod' }));
    assert.equal(after.starts, 2, 'the data directory is the same');
    await eventually('the old generation to be removed', async () => (isAlive(before.pid) ? undefined : true));
  });

  test('a killed backend is started again, and the restart counted', async () => {
    const client = accountClient(server);
    const { Arn } = await client.send(new CreatePartnerAppCommand(createInput({ Type: 'comet', Tier: 'small' })));
    await settled(client, Arn!, 'Available');
    const gateway = await gatewaySession(client, Arn!);
    const first = await gateway.view();
    process.kill(first.pid, 'SIGKILL');
    const again = await eventually('the backend to serve again', async () => {
      const response = await gateway.get();
      if (response.status === 503) assert.ok(Number(response.headers.get('retry-after')) > 0, 'a 503 says when to try again');
      const view = response.status === 200 ? ((await response.json()) as { pid: number; starts: number }) : (await response.text(), undefined);
      return view && view.pid !== first.pid ? view : undefined;
    });
    assert.equal(again.starts, 2);
    assert.equal((await client.send(new DescribePartnerAppCommand({ Arn }))).Status, 'Available');
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    assert.match(metrics, /^partnerplane_backend_restarts_total [1-9]\d*$/m);
    assert.match(metrics, /^partnerplane_backends\{phase="running"\} [1-9]\d*$/m);
    assert.match(metrics, /^partnerplane_backend_start_seconds_count [1-9]\d*$/m);
  });

  test('a delete stops the backend and removes its files', async () => {
    const client = accountClient(server);
    const { Arn } = await client.send(new CreatePartnerAppCommand(createInput({ Type: 'comet', Tier: 'small' })));
    await settled(client, Arn!, 'Available');
    const { pid } = await (await gatewaySession(client, Arn!)).view();
    await client.send(new DeletePartnerAppCommand({ Arn }));
    await settled(client, Arn!, 'Deleted');
    assert.equal(isAlive(pid), false);
    assert.equal(fs.existsSync(appDir(Arn!)), false);
  });
});

describe('partnerplane apps logs', () => {
  const ROOT = fileURLToPath(new URL('../..', import.meta.url));
  const logs = (account: TestAccount, ...args: string[]) =>
    spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'apps', '--endpoint-url', server.url, 'logs', ...args], {
      cwd: ROOT,
      env: { ...clientEnv(), AWS_ACCESS_KEY_ID: account.accessKeyId, AWS_SECRET_ACCESS_KEY: account.secretAccessKey },
    });
  const output = (child: ChildProcess) => {
    const seen = { stdout: '', stderr: '' };
    child.stdout!.on('data', (chunk: Buffer) => (seen.stdout += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (seen.stderr += chunk.toString()));
    return seen;
  };

  test("prints what the app's backend wrote, and with --follow what it writes next", async () => {
    const client = accountClient(server);
    const input = createInput({ Type: 'comet', Tier: 'small' });
    const { Arn } = await client.send(new CreatePartnerAppCommand(input));
    await settled(client, Arn!, 'Available');
    const once = logs(client.account, input.Name!);
    const printed = output(once);
    assert.equal(await new Promise((resolve) => once.on('exit', resolve)), 0, printed.stderr);
    assert.match(printed.stdout, new RegExp(`^backend ${input.Name} 1\\.1 starting \\(serve\\)\nbackend listening on \\d+\n`));

    const following = logs(client.account, input.Name!, '--follow');
    const followed = output(following);
    try {
      await eventually('the log so far', async () => (followed.stdout.includes('backend listening') ? true : undefined));
      const gateway = await gatewaySession(client, Arn!);
      assert.equal((await gateway.get('followed-request')).status, 200);
      await eventually('the new line', async () => (followed.stdout.includes('served /followed-request') ? true : undefined));
    } finally {
      following.kill();
    }
  });

  test("refuses another account's app as one that does not exist", async () => {
    const owner = accountClient(server);
    const { Arn } = await owner.send(new CreatePartnerAppCommand(createInput({ Type: 'comet', Tier: 'small' })));
    const strangerAccount = server.newAccount();
    const stranger = logs(strangerAccount, Arn!);
    const printed = output(stranger);
    assert.equal(await new Promise((resolve) => stranger.on('exit', resolve)), 1);
    const theirs = Arn!.replace(owner.account.accountId, strangerAccount.accountId);
    assert.equal(printed.stderr, `ResourceNotFound: Partner app ${theirs} does not exist.\n`);
  });
});

describe('the console', () => {
  test('shows where a starting app is, and why it failed', async () => {
    const client = accountClient(server);
    const signIn = await fetch(`${server.url}/console/sign-in`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ accessKeyId: client.account.accessKeyId, secretAccessKey: client.account.secretAccessKey }).toString(),
    });
    const cookie = signIn.headers.get('set-cookie')!.split(';')[0]!;
    const row = async (name: string) => {
      const html = await (await fetch(`${server.url}/console/rows?region=us-east-1`, { headers: { Cookie: cookie } })).text();
      return new RegExp(`<tr data-arn="[^"]+" data-name="${name}"[^]*?</tr>`).exec(html)?.[0];
    };
    const input = createInput({ Type: 'deepchecks-llm-evaluation', Tier: 'small' });
    await client.send(new CreatePartnerAppCommand(input));
    await eventually('the console to show the start waiting for health', async () => ((await row(input.Name!))?.includes('<small class="progress">waiting for health</small>') ? true : undefined));
    const failed = await eventually('the console to show the failure', async () => {
      const html = await row(input.Name!);
      return html?.includes('data-status="Failed"') ? html : undefined;
    });
    assert.match(failed, /<small class="reason">HealthCheckTimeout: The backend did not pass its health check \(GET \/health answering 2xx or 3xx\) within 1 s of starting\.<\/small>/);
    assert.doesNotMatch(failed, /class="progress"/);
  });
});

describe('a server that closes', () => {
  test('stops the backends it runs', async () => {
    const catalog = parseCatalog(JSON.stringify(testCatalog()), 'test catalog', 'command');
    const own = await startTestServer({ appRuntime: 'process', catalog, createDelayMs: 0 });
    const client = accountClient(own);
    const { Arn } = await client.send(new CreatePartnerAppCommand(createInput({ Type: 'comet', Tier: 'small' })));
    await settled(client, Arn!, 'Available');
    const { pid } = await (await gatewaySession(client, Arn!)).view();
    await own.close();
    assert.equal(isAlive(pid), false);
  });
});

describe('maintenance with a runtime', () => {
  test('an automatic minor-version upgrade runs as a new generation, started in the window', async () => {
    const catalog = parseCatalog(
      JSON.stringify({ types: { comet: { command: [process.execPath, BACKEND], healthPath: '/health', versions: [{ version: '1.1', eolDate: '2099-01-31' }, { version: '1.2', eolDate: '2099-12-31' }] } } }),
      'maintenance catalog',
      'command',
    );
    const clock = new OffsetClock();
    const own = await startTestServer({ appRuntime: 'process', catalog, createDelayMs: 0, updateDelayMs: 0 }, { clock });
    try {
      const client = accountClient(own);
      const input = createInput({ Type: 'comet', EnableAutoMinorVersionUpgrade: true, MaintenanceConfig: { MaintenanceWindowStart: 'Sun:00:00' } });
      const { Arn } = await client.send(new CreatePartnerAppCommand(input));
      await settled(client, Arn!, 'Available');
      const before = await (await gatewaySession(client, Arn!)).view();
      const opens = windowStartAt(parseWindowStart('Sun:00:00')!, clock.now());
      if (opens > clock.now()) clock.advance(opens - clock.now() + 1000);
      const upgraded = await eventually('the upgrade', async () => {
        const app = await client.send(new DescribePartnerAppCommand({ Arn }));
        return app.Status === 'Available' && app.Version === '1.2' ? app : undefined;
      });
      assert.equal(upgraded.Error, undefined);
      const after = await (await gatewaySession(client, Arn!)).view();
      assert.equal(after.env.PARTNERPLANE_APP_VERSION, '1.2');
      assert.equal(after.env.PARTNERPLANE_APP_GENERATION, '2');
      assert.notEqual(after.pid, before.pid);
      assert.equal(after.starts, 2, 'on the same data');
    } finally {
      await own.close();
    }
  });
});
