/**
 * End to end with the clients people use: the AWS CLI (v1) through a whole app's life, and
 * boto3, whose error parsing (botocore, which the CLI shares) differs from the JS SDK's. Both are
 * child processes talking to a real server; the JS SDK only waits for transitions in between.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { clientEnv } from '../helpers/cliEnv.js';
import { testPostgresUrl } from '../helpers/postgres.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { describeApp, ROLE_ARN, uniqueName, waitFor } from '../operations/support.js';

const run = promisify(execFile);

// What these clients prove is on the wire, whatever the store; each of their calls starts Python,
// so they run once, in the SQLite run of the suite.
const once = { skip: testPostgresUrl() ? 'wire compatibility is checked in the SQLite run' : false };

let server: TestServer;
before(async () => {
  server = await startTestServer();
});
after(() => server.close());


async function aws(...args: string[]): Promise<any> {
  const { stdout } = await run('aws', ['sagemaker', ...args, '--endpoint-url', server.url, '--output', 'json'], { env: clientEnv(), timeout: 30_000 });
  return stdout.trim() ? JSON.parse(stdout) : {};
}

test('the AWS CLI creates, describes, lists, updates, tags and deletes an app', { ...once, timeout: 120_000 }, async () => {
  const sdk = server.client();
  const name = uniqueName('cli');
  const { Arn } = await aws(
    'create-partner-app',
    '--name', name,
    '--type', 'comet',
    '--tier', 'small',
    '--auth-type', 'IAM',
    '--execution-role-arn', ROLE_ARN,
    '--application-config', JSON.stringify({ AdminUsers: ['ada'], Arguments: { workspace: 'ml' } }),
    '--tags', 'Key=team,Value=ml',
  );
  assert.match(Arn, /^arn:aws:sagemaker:us-east-1:000000000000:partner-app\/app-[A-Z0-9]{12}$/);
  await waitFor(sdk, Arn, 'Available');

  // Calls that do not depend on each other run side by side: each CLI start costs a Python start.
  const [described, listed] = await Promise.all([
    aws('describe-partner-app', '--arn', Arn, '--include-available-upgrade'),
    aws('list-partner-apps'),
    aws('add-tags', '--resource-arn', Arn, '--tags', 'Key=stage,Value=prod', 'Key=team,Value=research'),
  ]);
  assert.equal(described.Name, name);
  assert.equal(described.Status, 'Available');
  assert.deepEqual(described.ApplicationConfig, { AdminUsers: ['ada'], Arguments: { workspace: 'ml' } });
  assert.equal(described.AvailableUpgrade.Version, '1.2');
  // CLI v1 shows timestamps as the service sent them (cli_timestamp_format "none"): epoch seconds.
  assert.equal(typeof described.CreationTime, 'number');
  assert.ok(Math.abs(described.CreationTime * 1000 - Date.now()) < 3_600_000);
  assert.deepEqual(
    listed.Summaries.map((summary: { Arn: string; Name: string }) => [summary.Arn, summary.Name]),
    [[Arn, name]],
  );

  const [updateAnswer] = await Promise.all([
    aws('update-partner-app', '--arn', Arn, '--tier', 'large', '--app-version', '1.2'),
    aws('delete-tags', '--resource-arn', Arn, '--tag-keys', 'stage'),
  ]);
  assert.deepEqual(updateAnswer, { Arn });
  await waitFor(sdk, Arn, 'Available');
  const updated = await describeApp(sdk, Arn);
  assert.deepEqual([updated.Tier, updated.Version], ['large', '1.2']);
  assert.deepEqual((await aws('list-tags', '--resource-arn', Arn)).Tags, [{ Key: 'team', Value: 'research' }]);

  assert.deepEqual(await aws('delete-partner-app', '--arn', Arn), { Arn });
  assert.equal(await waitFor(sdk, Arn, 'Deleted'), 'Deleted');
});

test('boto3 reads the answers and the modeled errors (botocore parses __type and Message)', { ...once, timeout: 60_000 }, async () => {
  const script = `
import json, sys, boto3
from botocore.exceptions import ClientError
sm = boto3.client("sagemaker", endpoint_url=sys.argv[1], region_name="eu-west-1",
                  aws_access_key_id="test", aws_secret_access_key="test")
out = {}
arn = sm.create_partner_app(Name=sys.argv[2], Type="fiddler", Tier="small", AuthType="IAM", ApplicationConfig={"AdminUsers": ["ada"]},
                            ExecutionRoleArn="${ROLE_ARN}")["Arn"]
described = sm.describe_partner_app(Arn=arn)
out["arn"] = arn
out["status"] = described["Status"]
out["creation_time_type"] = type(described["CreationTime"]).__name__
out["request_id"] = described["ResponseMetadata"]["RequestId"]
for call in (lambda: sm.create_partner_app(Name=sys.argv[2], Type="lakera-guard", Tier="small", AuthType="IAM", ExecutionRoleArn="${ROLE_ARN}"),
             lambda: sm.describe_partner_app(Arn=arn[:-12] + "ZZZZZZZZZZZZ"),
             lambda: sm.list_partner_apps(MaxResults=101)):
    try:
        call()
        out.setdefault("errors", []).append(None)
    except ClientError as error:
        err = error.response["Error"]
        out.setdefault("errors", []).append([err["Code"], err["Message"], error.response["ResponseMetadata"]["HTTPStatusCode"],
                                             bool(error.response["ResponseMetadata"].get("RequestId"))])
print(json.dumps(out))
`;
  const name = uniqueName('boto');
  const { stdout } = await run('python3', ['-c', script, server.url, name], { env: clientEnv(), timeout: 30_000 });
  const out = JSON.parse(stdout) as { arn: string; status: string; creation_time_type: string; request_id: string; errors: [string, string, number, boolean][] };
  assert.match(out.arn, /^arn:aws:sagemaker:eu-west-1:000000000000:partner-app\/app-[A-Z0-9]{12}$/);
  assert.ok(['Creating', 'Available'].includes(out.status), out.status);
  assert.equal(out.creation_time_type, 'datetime');
  assert.match(out.request_id, /^[0-9a-f-]{36}$/);
  assert.deepEqual(out.errors, [
    ['ConflictException', `A partner app named ${name} already exists in account 000000000000 and region eu-west-1.`, 400, true],
    ['ResourceNotFound', `Partner app ${out.arn.slice(0, -12)}ZZZZZZZZZZZZ does not exist.`, 400, true],
    [
      'ValidationException',
      "1 validation error detected: Value '101' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 100",
      400,
      true,
    ],
  ]);
});
