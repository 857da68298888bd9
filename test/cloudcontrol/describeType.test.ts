/**
 * DescribeType's wire, raw: the Query protocol's XML answers and errors, the signature checks for
 * the signing name cloudformation (and Cloud Control's for cloudcontrolapi), IAM, other Actions.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { randomAccount, writeCredentialsFile } from '../helpers/credentials.js';
import { rawRequest, startTestServer, tempDir, type TestServer } from '../helpers/server.js';
import { TYPE_NAME } from './support.js';

const limited = { ...randomAccount(), allowedActions: ['sagemaker:*'] };
let server: TestServer;
before(async () => {
  const dir = tempDir();
  server = await startTestServer({ dataDir: dir, credentialsFile: writeCredentialsFile(dir, [{ accessKeyId: 'test', secretAccessKey: 'test', accountId: '000000000000' }, limited]) });
});
after(() => server.close());

const form = (parameters: Record<string, string>) => new URLSearchParams(parameters).toString();
const describeType = (parameters: Record<string, string>, options: Parameters<typeof rawRequest>[2] = {}) =>
  rawRequest(server.url, null, {
    body: form({ Action: 'DescribeType', Version: '2010-05-15', ...parameters }),
    headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
    signing: { service: 'cloudformation' },
    ...options,
  });

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const unescape = (text: string | undefined) => text?.replace(/&(amp|lt|gt|quot|apos);/g, (_, name: string) => ENTITIES[name]!);

const errorOf = (text: string) => ({
  type: /<Type>(.*?)<\/Type>/.exec(text)?.[1],
  code: /<Code>(.*?)<\/Code>/.exec(text)?.[1],
  message: unescape(/<Message>([\s\S]*?)<\/Message>/.exec(text)?.[1]),
});

test('DescribeType answers the type in XML, its schema escaped', async () => {
  const response = await describeType({ Type: 'RESOURCE', TypeName: TYPE_NAME });
  assert.equal(response.status, 200);
  assert.equal(response.headers['content-type'], 'text/xml');
  assert.match(response.text, /^<DescribeTypeResponse xmlns="http:\/\/cloudformation\.amazonaws\.com\/doc\/2010-05-15\/"><DescribeTypeResult><Arn>arn:aws:cloudformation:us-east-1::type\/resource\/AWS-SageMaker-PartnerApp<\/Arn>/);
  assert.match(response.text, /<Schema>\{\n {2}&quot;typeName&quot;: &quot;AWS::SageMaker::PartnerApp&quot;/);
  assert.match(response.text, /<ResponseMetadata><RequestId>[0-9a-f-]{36}<\/RequestId><\/ResponseMetadata><\/DescribeTypeResponse>$/);
  const byArn = await describeType({ Arn: 'arn:aws:cloudformation:us-east-1::type/resource/AWS-SageMaker-PartnerApp' });
  assert.equal(byArn.status, 200);
});

test('other types, versions, Actions and parameters answer as CloudFormation answers', async () => {
  const other = await describeType({ Type: 'RESOURCE', TypeName: 'AWS::S3::Bucket' });
  assert.equal(other.status, 404);
  assert.deepEqual(errorOf(other.text), { type: 'Sender', code: 'TypeNotFoundException', message: "The type 'AWS::S3::Bucket' cannot be found." });
  assert.equal((await describeType({ Type: 'RESOURCE', TypeName: TYPE_NAME, VersionId: '00000002' })).status, 404);
  assert.equal((await describeType({ Type: 'MODULE', TypeName: TYPE_NAME })).status, 404);
  const invalid = await describeType({ Type: 'WIDGET', TypeName: TYPE_NAME });
  assert.equal(invalid.status, 400);
  assert.deepEqual(errorOf(invalid.text), {
    type: 'Sender',
    code: 'ValidationError',
    message: "1 validation error detected: Value 'WIDGET' at 'type' failed to satisfy constraint: Member must satisfy enum value set: [RESOURCE, MODULE, HOOK]",
  });
  const neither = await describeType({});
  assert.deepEqual(errorOf(neither.text).code, 'CFNRegistryException');
  const action = await describeType({ Action: 'ListStacks' });
  assert.equal(action.status, 400);
  assert.deepEqual(errorOf(action.text), { type: 'Sender', code: 'InvalidAction', message: 'Could not find operation ListStacks for version 2010-05-15' });
  const version = await describeType({ Version: '2010-05-16', Type: 'RESOURCE', TypeName: TYPE_NAME });
  assert.deepEqual(errorOf(version.text), { type: 'Sender', code: 'InvalidAction', message: 'Could not find operation DescribeType for version 2010-05-16' });
  const noAction = await rawRequest(server.url, null, {
    body: form({ Version: '2010-05-15', Type: 'RESOURCE', TypeName: TYPE_NAME }),
    headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
    signing: { service: 'cloudformation' },
  });
  assert.equal(noAction.status, 400);
  assert.deepEqual(errorOf(noAction.text), { type: 'Sender', code: 'MissingAction', message: 'Missing Action' });
});

test('signatures: for cloudformation, in the Query protocol\'s words', async () => {
  const unsigned = await describeType({ Type: 'RESOURCE', TypeName: TYPE_NAME }, { credentials: null });
  assert.equal(unsigned.status, 403);
  assert.deepEqual(errorOf(unsigned.text), { type: 'Sender', code: 'MissingAuthenticationToken', message: 'Missing Authentication Token' });
  const wrongService = await describeType({ Type: 'RESOURCE', TypeName: TYPE_NAME }, { signing: { service: 'sagemaker' } });
  assert.equal(wrongService.status, 403);
  assert.deepEqual(errorOf(wrongService.text), { type: 'Sender', code: 'SignatureDoesNotMatch', message: "Credential should be scoped to correct service: 'cloudformation'." });
  const incomplete = await describeType({ Type: 'RESOURCE', TypeName: TYPE_NAME }, { credentials: null, headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', authorization: 'AWS4-' } });
  assert.equal(incomplete.status, 400);
  assert.equal(errorOf(incomplete.text).code, 'IncompleteSignature');
  assert.match(errorOf(incomplete.text).message!, /^Authorization header requires 'Credential' parameter\./);
  const wrongSecret = await describeType({ Type: 'RESOURCE', TypeName: TYPE_NAME }, { credentials: { accessKeyId: 'test', secretAccessKey: 'wrong' } });
  assert.equal(errorOf(wrongSecret.text).code, 'SignatureDoesNotMatch');
  const unknownKey = await describeType({ Type: 'RESOURCE', TypeName: TYPE_NAME }, { credentials: { accessKeyId: 'AKIANOBODY', secretAccessKey: 'x' } });
  assert.equal(unknownKey.status, 403);
  assert.deepEqual(errorOf(unknownKey.text).code, 'InvalidClientTokenId');
  const denied = await describeType({ Type: 'RESOURCE', TypeName: TYPE_NAME }, { credentials: limited });
  assert.equal(denied.status, 403);
  assert.deepEqual(errorOf(denied.text), {
    type: 'Sender',
    code: 'AccessDenied',
    message: `User: arn:aws:iam::${limited.accountId}:user/${limited.accessKeyId} is not authorized to perform: cloudformation:DescribeType because no identity-based policy allows the cloudformation:DescribeType action`,
  });
});

test('Cloud Control requests are signed for cloudcontrolapi and answered in AWS JSON 1.0', async () => {
  const target = 'CloudApiService.ListResources';
  const headers = { 'content-type': 'application/x-amz-json-1.0' };
  const ok = await rawRequest(server.url, target, { body: { TypeName: TYPE_NAME }, headers, signing: { service: 'cloudcontrolapi' } });
  assert.equal(ok.status, 200);
  assert.equal(ok.headers['content-type'], 'application/x-amz-json-1.0');
  assert.deepEqual(ok.json, { TypeName: TYPE_NAME, ResourceDescriptions: [] });
  const wrong = await rawRequest(server.url, target, { body: { TypeName: TYPE_NAME }, headers, signing: { service: 'sagemaker' } });
  assert.equal(wrong.status, 400);
  assert.deepEqual(wrong.json, { __type: 'InvalidSignatureException', message: "Credential should be scoped to correct service: 'cloudcontrolapi'." });
  const unknown = await rawRequest(server.url, 'CloudApiService.DescribeEverything', { headers, signing: { service: 'cloudcontrolapi' } });
  assert.equal(unknown.status, 400);
  assert.equal(unknown.json.__type, 'UnknownOperationException');
  const denied = await rawRequest(server.url, target, { body: { TypeName: TYPE_NAME }, headers, credentials: limited, signing: { service: 'cloudcontrolapi' } });
  assert.equal(denied.json.__type, 'AccessDeniedException');
  // And the SageMaker API still wants its own signing name.
  const sagemaker = await rawRequest(server.url, 'SageMaker.ListPartnerApps', { signing: { service: 'cloudcontrolapi' } });
  assert.equal(sagemaker.json.message, "Credential should be scoped to correct service: 'sagemaker'.");
});
