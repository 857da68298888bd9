/**
 * `partnerplane apps …` run as a real process (tsx src/cli.ts) against a test server, with
 * credentials from the standard AWS chain: environment variables, or a profile of a shared
 * credentials file. The test's own HOME and AWS files keep the machine's configuration out.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CreatePartnerAppCommand, DescribePartnerAppCommand } from '@aws-sdk/client-sagemaker';
import { startTestServer, tempDir, waitForStatus, type TestServer } from '../helpers/server.js';

const CLI = path.resolve('src/cli.ts');
const ROLE = 'arn:aws:iam::123456789012:role/PartnerAppRole';
const FAST_WAIT = ['--wait', '--poll-interval', '0.05'];

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

let server: TestServer;
let home: string;

/** The environment of a user with nothing configured but what each test gives. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: home,
    AWS_CONFIG_FILE: path.join(home, 'config'),
    AWS_SHARED_CREDENTIALS_FILE: path.join(home, 'credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    ...extra,
  };
}

const LOCAL_ENV = { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_REGION: 'us-east-1' };

function cli(args: string[], env: Record<string, string> = LOCAL_ENV): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', CLI, 'apps', '--endpoint-url', server.url, ...args], { env: cleanEnv(env) }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

const createArgs = (name: string) => ['create', '--name', name, '--type', 'comet', '--admin-user', 'ada', '--tier', 'small', '--execution-role-arn', ROLE];

before(async () => {
  server = await startTestServer({ failCreate: /^doomed/, failUpdate: /^shaky/ });
  home = tempDir('partnerplane-cli-home-');
});
after(() => server.close());

describe('create --wait', () => {
  test('shows Creating then Available and prints the app', async () => {
    const run = await cli([...createArgs('cliapp'), '--maintenance-window-start', 'Sun:02:00', '--tag', 'team=ml', ...FAST_WAIT]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /^cliapp: Creating \(\d+\.\ds\)$/m);
    assert.match(run.stderr, /^cliapp: Available \(\d+\.\ds\)$/m);
    assert.match(run.stdout, /^Status\s+Available$/m);
    assert.match(run.stdout, /^MaintenanceConfig\.MaintenanceWindowStart\s+Sun:02:00$/m);
    const arn = /^Arn\s+(\S+)$/m.exec(run.stdout)![1]!;
    assert.equal((await server.client().send(new DescribePartnerAppCommand({ Arn: arn }))).Status, 'Available');
  });

  test('exits 1 when the app ends Failed', async () => {
    const run = await cli([...createArgs('doomed1'), ...FAST_WAIT, '--output', 'json']);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /^doomed1: Creating/m);
    assert.match(run.stderr, /^doomed1: Failed/m);
    assert.match(run.stderr, /^Failed: doomed1 ended Failed with \w+: .+$/m);
    assert.equal(JSON.parse(run.stdout).Status, 'Failed');
  });

  test('without --wait prints the ARN at once', async () => {
    const run = await cli([...createArgs('nowait'), '--output', 'json']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(JSON.parse(run.stdout).Arn, /^arn:aws:sagemaker:us-east-1:000000000000:partner-app\/app-[A-Z0-9]{12}$/);
    assert.equal(run.stderr, '');
  });
});

describe('list', () => {
  test('as JSON: every app of the region, newest first', async () => {
    const run = await cli(['list', '--output', 'json']);
    assert.equal(run.code, 0, run.stderr);
    const names = (JSON.parse(run.stdout).Summaries as { Name: string }[]).map((app) => app.Name);
    assert.deepEqual(names.slice(0, 3), ['nowait', 'doomed1', 'cliapp']);
  });

  test('as a table: a header and one aligned row per app', async () => {
    const run = await cli(['list']);
    assert.equal(run.code, 0, run.stderr);
    const [header, ...rows] = run.stdout.trimEnd().split('\n');
    assert.match(header!, /^NAME\s+TYPE\s+STATUS\s+CREATIONTIME\s+ARN$/);
    const cliapp = rows.find((row) => row.startsWith('cliapp '));
    assert.match(cliapp!, /^cliapp\s+comet\s+Available\s+\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z\s+arn:aws:sagemaker:/);
    assert.equal(header!.indexOf('TYPE'), cliapp!.indexOf('comet'), 'columns line up');
  });

  test('reads credentials and region from a --profile of the shared files', async () => {
    writeFileSync(path.join(home, 'credentials'), '[ci]\naws_access_key_id = test\naws_secret_access_key = test\n[stale]\naws_access_key_id = test\naws_secret_access_key = old\n');
    writeFileSync(path.join(home, 'config'), '[profile ci]\nregion = eu-west-1\n[profile stale]\nregion = eu-west-1\n');
    const run = await cli(['--profile', 'ci', 'list', '--output', 'json'], {});
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(JSON.parse(run.stdout).Summaries, [], 'eu-west-1 has no apps');

    const refused = await cli(['--profile', 'stale', 'list'], {});
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /^InvalidSignatureException: The request signature we calculated does not match/);
  });
});

describe('describe, update, open, delete by name', () => {
  test('describe prints what the SDK sees', async () => {
    const run = await cli(['describe', 'cliapp', '--output', 'json']);
    assert.equal(run.code, 0, run.stderr);
    const printed = JSON.parse(run.stdout);
    const described = await server.client().send(new DescribePartnerAppCommand({ Arn: printed.Arn }));
    assert.equal(printed.Name, 'cliapp');
    assert.equal(printed.Tier, described.Tier);
    assert.equal(printed.Version, described.Version);
    assert.equal(printed.CreationTime, described.CreationTime!.toISOString());
  });

  test('update --wait goes through Updating and applies the change', async () => {
    const run = await cli(['update', 'cliapp', '--tier', 'medium', '--maintenance-window-start', 'Wed:04:30', ...FAST_WAIT]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /^cliapp: Updating/m);
    assert.match(run.stderr, /^cliapp: Available/m);
    assert.match(run.stdout, /^Tier\s+medium$/m);
    assert.match(run.stdout, /^MaintenanceConfig\.MaintenanceWindowStart\s+Wed:04:30$/m);
  });

  test('update --wait exits 1 when the app ends UpdateFailed', async () => {
    const client = server.client();
    const { Arn } = await client.send(new CreatePartnerAppCommand({ Name: 'shaky1', Type: 'fiddler', ApplicationConfig: { AdminUsers: ['ada'] }, Tier: 'small', ExecutionRoleArn: ROLE, AuthType: 'IAM' }));
    await waitForStatus(() => client.send(new DescribePartnerAppCommand({ Arn })), ['Available']);
    const run = await cli(['update', Arn!, '--tier', 'large', ...FAST_WAIT]);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /^UpdateFailed: .+ ended UpdateFailed/m);
  });

  test("open prints a presigned URL to the app's origin", async () => {
    const run = await cli(['open', 'cliapp', '--expires-in-seconds', '60']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout.trim(), new RegExp(`^http://app-[a-z0-9]{12}\\.localhost:${new URL(server.url).port}/\\?token=\\S+$`));
  });

  test('delete --wait goes through Deleting to Deleted', async () => {
    const run = await cli(['delete', 'cliapp', ...FAST_WAIT, '--output', 'json']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /^cliapp: Deleting/m);
    assert.match(run.stderr, /^cliapp: Deleted/m);
    const { Arn, Status } = JSON.parse(run.stdout);
    assert.equal(Status, 'Deleted');
    assert.equal((await server.client().send(new DescribePartnerAppCommand({ Arn }))).Status, 'Deleted');
  });
});

describe('errors', () => {
  test('an API error prints <Code>: <message> and exits 1', async () => {
    const sdkError = await server
      .client()
      .send(new CreatePartnerAppCommand({ Name: 'bad name', Type: 'comet', Tier: 'small', ExecutionRoleArn: ROLE, AuthType: 'IAM' }))
      .then(() => assert.fail('accepted'), (error: Error) => error);
    const run = await cli(createArgs('bad name'));
    assert.equal(run.code, 1);
    assert.equal(run.stderr.trim(), `ValidationException: ${sdkError.message}`);
    assert.equal(run.stdout, '');
  });

  test('an app that does not exist is ResourceNotFound, exit 1', async () => {
    const byArn = await cli(['describe', 'arn:aws:sagemaker:us-east-1:000000000000:partner-app/app-AAAAAAAAAAAA']);
    assert.equal(byArn.code, 1);
    assert.match(byArn.stderr, /^ResourceNotFound: .*app-AAAAAAAAAAAA/);
    const byName = await cli(['delete', 'nosuchapp']);
    assert.equal(byName.code, 1);
    assert.equal(byName.stderr.trim(), 'ResourceNotFound: No partner app named nosuchapp in region us-east-1.');
  });
});
