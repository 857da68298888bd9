/**
 * The credentials file: what it may say (checked at start, mistakes named), session tokens,
 * principals and session names, allowed actions (AccessDeniedException), and the no-file mode:
 * the local pair only, and only on loopback — the CLI refuses anything else with status 2.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import {
  AddTagsCommand,
  CreatePartnerAppCommand,
  DescribePartnerAppCommand,
  ListPartnerAppsCommand,
  ListTagsCommand,
  type SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { isLoopbackHost, loadCredentials, parseCredentials } from '../../src/auth/credentials.js';
import { ConfigError, testConfig } from '../../src/config.js';
import { createServer } from '../../src/server.js';
import { LOCAL_ENTRY, randomAccount, writeCredentialsFile, type CredentialsEntry } from '../helpers/credentials.js';
import { LOCAL_CREDENTIALS, rawRequest, startTestServer, tempDir, type TestServer } from '../helpers/server.js';

const run = promisify(execFile);
const ACTIONS = ['sagemaker:CreatePartnerApp', 'sagemaker:DescribePartnerApp', 'sagemaker:ListPartnerApps', 'sagemaker:AddTags', 'sagemaker:ListTags'];
const ROLE_ARN = 'arn:aws:iam::123456789012:role/PartnerAppRole';

const parse = (document: unknown) => parseCredentials(JSON.stringify(document), '/etc/partnerplane/credentials.json', ACTIONS);
const ASSUMED = 'arn:aws:sts::111122223333:assumed-role/PartnerRole/alice';
const entry = (overrides: Partial<CredentialsEntry> & Record<string, unknown> = {}) => ({ ...randomAccount(), accessKeyId: 'AKIAEXAMPLE', ...overrides });

describe('the file is checked at start, and a mistake names its entry', () => {
  const cases: [string, unknown, string][] = [
    ['not JSON', '{', 'credentials file /etc/partnerplane/credentials.json is not valid JSON'],
    ['not an object of accessKeys', [entry()], 'credentials file /etc/partnerplane/credentials.json must be a JSON object {"accessKeys": [ … ]}'],
    ['no keys', { accessKeys: [] }, 'credentials file /etc/partnerplane/credentials.json lists no access keys, so nobody could call'],
    ['an unknown field', { accessKeys: [entry({ allowedAction: ['*'] })] }, "entry 1 (AKIAEXAMPLE): unknown field 'allowedAction'"],
    ['an account id that is not 12 digits', { accessKeys: [entry(), entry({ accessKeyId: 'AKIASECOND', accountId: '1234' })] }, 'entry 2 (AKIASECOND): accountId must be a string of 12 digits, got "1234"'],
    ['no secret', { accessKeys: [entry({ secretAccessKey: '' })] }, 'entry 1 (AKIAEXAMPLE): secretAccessKey must be a non-empty string'],
    ['a key id with a slash', { accessKeys: [entry({ accessKeyId: 'AKIA/X' })] }, 'entry 1 (AKIA/X): accessKeyId must be 1 to 128 letters, digits, _ . or -'],
    ['a key listed twice', { accessKeys: [entry(), entry()] }, 'entry 2 (AKIAEXAMPLE): accessKeyId AKIAEXAMPLE is listed twice'],
    ['a principal of another account', { accessKeys: [entry({ accountId: '111122223333', principal: 'arn:aws:iam::999988887777:user/eve' })] }, 'principal arn:aws:iam::999988887777:user/eve is not in account 111122223333'],
    ['a principal that is neither a name nor an ARN', { accessKeys: [entry({ principal: 'not a name' })] }, "principal must be an IAM user name or the ARN of a user, role, assumed-role session or root of account"],
    ['an action of another service', { accessKeys: [entry({ allowedActions: ['s3:GetObject'] })] }, `allowedActions entry "s3:GetObject" is not '*', 'sagemaker:<Action>' or 'cloudformation:<Action>' (wildcards * and ?)`],
    ['an action this server does not have', { accessKeys: [entry({ allowedActions: ['sagemaker:CreatePartnerAp'] })] }, 'allowedActions names sagemaker:CreatePartnerAp, which is not an action of this server'],
    ['an empty list of actions', { accessKeys: [entry({ allowedActions: [] })] }, 'allowedActions, when given, must be a non-empty list'],
    ['session tags on an IAM user', { accessKeys: [entry({ principal: 'alice', sessionTags: { SageMakerPartnerAppUser: 'alice' } })] }, 'sessionTags need a role or assumed-role principal: only an STS session has session tags'],
    ['session tags that are not an object', { accessKeys: [entry({ accountId: '111122223333', principal: ASSUMED, sessionTags: ['SageMakerPartnerAppUser'] as unknown as Record<string, string> })] }, 'sessionTags must be an object of tag key → value'],
    ['a session tag key of the reserved prefix', { accessKeys: [entry({ accountId: '111122223333', principal: ASSUMED, sessionTags: { 'aws:x': 'v' } })] }, 'sessionTags key "aws:x" must be 1 to 128 letters'],
    ['a session tag value that is not a string', { accessKeys: [entry({ accountId: '111122223333', principal: ASSUMED, sessionTags: { SageMakerPartnerAppUser: 7 } as unknown as Record<string, string> })] }, 'sessionTags value of SageMakerPartnerAppUser must be a string of up to 256'],
    ['a session tag value with a character STS refuses', { accessKeys: [entry({ accountId: '111122223333', principal: ASSUMED, sessionTags: { team: 'a;b' } })] }, 'sessionTags value of team must be a string of up to 256'],
  ];
  for (const [name, document, message] of cases) {
    test(name, () => {
      const error = (() => {
        try {
          typeof document === 'string' ? parseCredentials(document, '/etc/partnerplane/credentials.json', ACTIONS) : parse(document);
        } catch (thrown) {
          return thrown;
        }
        return assert.fail('the file was accepted');
      })();
      assert.ok(error instanceof ConfigError);
      assert.ok(error.message.includes(message), error.message);
      if (message.startsWith('entry')) assert.ok(error.message.startsWith('credentials file /etc/partnerplane/credentials.json: entry'), error.message);
    });
  }

  test('the secret never appears in a message', () => {
    const secret = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';
    assert.throws(() => parse({ accessKeys: [entry({ secretAccessKey: secret, accountId: 'x' })] }), (error: Error) => !error.message.includes(secret));
  });
});

describe('principals and session names', () => {
  const keyOf = (overrides: Partial<CredentialsEntry>) => parse({ accessKeys: [entry({ accountId: '111122223333', ...overrides })] }).get('AKIAEXAMPLE')!;

  test('by default a user named after the access key', () => {
    const key = keyOf({});
    assert.equal(key.principal, 'arn:aws:iam::111122223333:user/AKIAEXAMPLE');
    assert.equal(key.sessionName, 'AKIAEXAMPLE');
  });

  test('a user name becomes a user ARN of the account, and the session name', () => {
    const key = keyOf({ principal: 'alice' });
    assert.equal(key.principal, 'arn:aws:iam::111122223333:user/alice');
    assert.equal(key.sessionName, 'alice');
  });

  test('an assumed-role session gives its session name; an explicit one wins', () => {
    const principal = 'arn:aws:sts::111122223333:assumed-role/PartnerRole/alice@example.com';
    assert.equal(keyOf({ principal }).sessionName, 'alice@example.com');
    assert.equal(keyOf({ principal, sessionName: 'alice' }).sessionName, 'alice');
  });

  test('a role session may carry session tags; SageMakerPartnerAppUser is the identity apps see', () => {
    const key = keyOf({ principal: ASSUMED, sessionTags: { SageMakerPartnerAppUser: 'alice@example.com', team: 'ml' } });
    assert.deepEqual(key.sessionTags, { SageMakerPartnerAppUser: 'alice@example.com', team: 'ml' });
    assert.equal(key.partnerAppUser, 'alice@example.com');
    assert.equal(keyOf({ principal: ASSUMED }).partnerAppUser, undefined);
    assert.equal(keyOf({ principal: 'arn:aws:iam::111122223333:role/Analyst', sessionTags: { team: 'ml' } }).partnerAppUser, undefined);
  });

  test('a principal may be of another partition', () => {
    assert.equal(keyOf({ principal: 'arn:aws-cn:iam::111122223333:user/li' }).principal, 'arn:aws-cn:iam::111122223333:user/li');
  });

  test('allowed actions match like IAM: wildcards, any case', () => {
    const key = keyOf({ allowedActions: ['sagemaker:Describe*', 'sagemaker:List?artnerApps'] });
    assert.ok(key.allows('sagemaker:DescribePartnerApp'));
    assert.ok(key.allows('SageMaker:describepartnerapp'));
    assert.ok(key.allows('sagemaker:ListPartnerApps'));
    assert.ok(!key.allows('sagemaker:ListTags'));
    assert.ok(!key.allows('sagemaker:CreatePartnerApp'));
    assert.ok(keyOf({ allowedActions: ['sagemaker:*'] }).allows('sagemaker:DeleteTags'));
    assert.ok(keyOf({}).allows('sagemaker:DeleteTags'));
  });
});

describe('a server with a credentials file', () => {
  const alice = { ...randomAccount(), sessionToken: 'FwoGZXIvYXdzEXAMPLETOKEN', principal: 'arn:aws:sts::%ACCOUNT%:assumed-role/PartnerRole/alice@example.com' };
  const reader = { ...randomAccount(), principal: 'bob', allowedActions: ['sagemaker:Describe*', 'sagemaker:ListPartnerApps', 'sagemaker:ListTags'] };
  let dir: string;
  let server: TestServer;
  let readerClient: SageMakerClient;

  before(async () => {
    dir = tempDir();
    alice.principal = alice.principal.replace('%ACCOUNT%', alice.accountId);
    server = await startTestServer({ credentialsFile: writeCredentialsFile(dir, [LOCAL_ENTRY, alice, reader]) });
    readerClient = server.client({ credentials: reader });
  });
  after(async () => {
    await server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('temporary credentials work with their session token, in both signature forms', async () => {
    const client = server.client({ credentials: alice, region: 'eu-central-1' });
    const { Arn } = await client.send(new CreatePartnerAppCommand({ Name: 'temp', Type: 'lakera-guard', Tier: 'small', AuthType: 'IAM', ExecutionRoleArn: ROLE_ARN }));
    assert.ok(Arn!.startsWith(`arn:aws:sagemaker:eu-central-1:${alice.accountId}:`));
    const presigned = await rawRequest(server.url, 'ListPartnerApps', { credentials: alice, region: 'eu-central-1', signing: { presignExpiresIn: 60 } });
    assert.deepEqual(presigned.json.Summaries.map((app: { Arn: string }) => app.Arn), [Arn]);
  });

  test('temporary credentials without their token, or with another, are refused', async () => {
    for (const credentials of [{ ...alice, sessionToken: undefined }, { ...alice, sessionToken: `${alice.sessionToken}x` }]) {
      const response = await rawRequest(server.url, 'ListPartnerApps', { credentials });
      assert.equal(response.status, 400);
      assert.equal(response.json.__type, 'UnrecognizedClientException');
      assert.equal(response.json.message, 'The security token included in the request is invalid.');
    }
  });

  test('long-term credentials sent with a session token are refused', async () => {
    const response = await rawRequest(server.url, 'ListPartnerApps', { credentials: { ...reader, sessionToken: 'made-up' } });
    assert.equal(response.json.__type, 'UnrecognizedClientException');
  });

  test('an action the key is not allowed is AccessDeniedException, worded as SageMaker words it', async () => {
    const error = await readerClient
      .send(new CreatePartnerAppCommand({ Name: 'nope', Type: 'lakera-guard', Tier: 'small', AuthType: 'IAM', ExecutionRoleArn: ROLE_ARN }))
      .then(() => assert.fail('created'), (thrown: Error & { $metadata: { httpStatusCode?: number } }) => thrown);
    assert.equal(error.name, 'AccessDeniedException');
    assert.equal(error.$metadata.httpStatusCode, 400);
    assert.equal(
      error.message,
      `User: arn:aws:iam::${reader.accountId}:user/bob is not authorized to perform: sagemaker:CreatePartnerApp on resource: ` +
        `arn:aws:sagemaker:us-east-1:${reader.accountId}:partner-app/* because no identity-based policy allows the sagemaker:CreatePartnerApp action`,
    );
  });

  test('AccessDenied names the ARN the request gives', async () => {
    const arn = `arn:aws:sagemaker:us-east-1:${reader.accountId}:partner-app/app-AAAAAAAAAAAA`;
    const error = await readerClient.send(new AddTagsCommand({ ResourceArn: arn, Tags: [{ Key: 'k', Value: 'v' }] })).then(
      () => assert.fail('tagged'),
      (thrown: Error) => thrown,
    );
    assert.equal(error.name, 'AccessDeniedException');
    assert.ok(error.message.includes(`sagemaker:AddTags on resource: ${arn} because`), error.message);
  });

  test('allowed actions go through to the operation', async () => {
    assert.deepEqual((await readerClient.send(new ListPartnerAppsCommand({}))).Summaries, []);
    const missing = `arn:aws:sagemaker:us-east-1:${reader.accountId}:partner-app/app-AAAAAAAAAAAA`;
    await assert.rejects(readerClient.send(new DescribePartnerAppCommand({ Arn: missing })), { name: 'ResourceNotFound' });
    await assert.rejects(readerClient.send(new ListTagsCommand({ ResourceArn: missing })), { name: 'ValidationException' });
  });

  test('a key that is not in the file is refused, even the 12-digit kind', async () => {
    const stranger = randomAccount();
    for (const accessKeyId of [stranger.accessKeyId, stranger.accountId]) {
      const response = await rawRequest(server.url, 'ListPartnerApps', { credentials: { accessKeyId, secretAccessKey: 'test' } });
      assert.equal(response.json.__type, 'UnrecognizedClientException');
    }
  });
});

describe('without a credentials file', () => {
  test('only the local pair is accepted', async () => {
    const dataDir = tempDir();
    const server = await createServer(testConfig({ dataDir, host: '127.0.0.1' }));
    try {
      const url = await server.listen();
      const local = await rawRequest(url, 'ListPartnerApps', { credentials: LOCAL_CREDENTIALS });
      assert.equal(local.status, 200, local.text);
      const other = await rawRequest(url, 'ListPartnerApps', { credentials: { accessKeyId: '123456789012', secretAccessKey: 'test' } });
      assert.equal(other.json.__type, 'UnrecognizedClientException');
    } finally {
      await server.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  test('loopback hosts are the only ones allowed', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', '::1', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1', 'localhost']) {
      assert.ok(isLoopbackHost(host), host);
      assert.equal(loadCredentials({ host }, ACTIONS).size, 1);
    }
    for (const host of ['0.0.0.0', '::', '10.1.2.3', '192.0.2.1', '::ffff:10.0.0.1', 'example.com']) {
      assert.ok(!isLoopbackHost(host), host);
      assert.throws(() => loadCredentials({ host }, ACTIONS), (error: Error) => error instanceof ConfigError && error.message.startsWith(`refusing to serve on ${host} without --credentials-file`));
    }
  });

  test('a file that cannot be read is an error, not a fallback to the local pair', () => {
    assert.throws(() => loadCredentials({ host: '127.0.0.1', credentialsFile: '/nonexistent/credentials.json' }, ACTIONS), /cannot read credentials file \/nonexistent\/credentials.json/);
  });
});

describe('the CLI refuses to start, with status 2 and the reason', () => {
  const serve = async (...args: string[]) => {
    const dataDir = tempDir();
    try {
      await run(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'serve', '--port', '0', '--data-dir', dataDir, ...args], { timeout: 60_000 });
      return assert.fail('the server started');
    } catch (error) {
      return error as { code: number; stderr: string };
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  };

  test('a non-loopback address without a credentials file', async () => {
    // An address this machine does not have: should the check fail, listening fails too, with another status.
    const { code, stderr } = await serve('--host', '192.0.2.1');
    assert.equal(code, 2);
    assert.match(stderr, /^partnerplane: refusing to serve on 192\.0\.2\.1 without --credentials-file/);
  });

  test('a credentials file with a mistake', async () => {
    const dir = tempDir();
    try {
      const file = writeCredentialsFile(dir, [LOCAL_ENTRY, { ...randomAccount(), accessKeyId: 'AKIABROKEN', accountId: '42' }]);
      const { code, stderr } = await serve('--credentials-file', file);
      assert.equal(code, 2);
      assert.equal(stderr.trim(), `partnerplane: credentials file ${path.resolve(file)}: entry 2 (AKIABROKEN): accountId must be a string of 12 digits, got "42"`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
