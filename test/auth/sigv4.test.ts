/**
 * SigV4 on the wire: the real JS SDK, boto3 and the AWS CLI are accepted; every way a signature
 * can be missing, incomplete, stale, for the wrong scope, by an unknown key or simply wrong gets
 * AWS's error code, message and status, in AWS's order of checks.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import { CreatePartnerAppCommand, DescribePartnerAppCommand } from '@aws-sdk/client-sagemaker';
import type { HttpRequest } from '@smithy/protocol-http';
import { rawRequest, sendRequest, signedRequest, startTestServer, type RawRequestOptions, type RawResponse, type TestServer } from '../helpers/server.js';
import type { TestAccount } from '../helpers/credentials.js';

const run = promisify(execFile);

let server: TestServer;
let account: TestAccount;
before(async () => {
  server = await startTestServer();
  account = server.newAccount();
});
after(() => server.close());

const LIST = 'ListPartnerApps';
const ROLE_ARN = 'arn:aws:iam::123456789012:role/PartnerAppRole';
const SIGNATURE_MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

function assertError(response: RawResponse, code: string, message: string): void {
  assert.equal(response.status, 400, response.text);
  assert.equal(response.json.__type, code, response.text);
  assert.equal(response.json.message, message);
  assert.equal(response.headers['x-amzn-errortype'], code);
  assert.ok(response.headers['x-amzn-requestid']);
}

/** Signs a ListPartnerApps call, lets the test change the signed request, and sends it. */
async function alteredAfterSigning(alter: (request: HttpRequest) => void, options: RawRequestOptions = {}): Promise<RawResponse> {
  const request = await signedRequest(server.url, LIST, options);
  alter(request);
  return sendRequest(server.url, request);
}

const replaceInAuthorization = (from: string | RegExp, to: string) => (request: HttpRequest) => {
  request.headers.authorization = request.headers.authorization!.replace(from, to);
};

const isoBasic = (date: Date) => date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');
const parseIsoBasic = (text: string) => Date.parse(text.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z'));
const MINUTE = 60_000;

describe('real clients are accepted', () => {
  test('the JS SDK, in the region of its choice', async () => {
    const client = server.client({ credentials: account, region: 'eu-west-1' });
    const { Arn } = await client.send(new CreatePartnerAppCommand({ Name: 'jsapp', Type: 'lakera-guard', Tier: 'small', AuthType: 'IAM', ExecutionRoleArn: ROLE_ARN }));
    assert.equal(Arn!.split(':').slice(3, 5).join(':'), `eu-west-1:${account.accountId}`);
    assert.equal((await client.send(new DescribePartnerAppCommand({ Arn }))).Name, 'jsapp');
  });

  test('boto3', async () => {
    const script = `
import boto3, json, sys
sm = boto3.client("sagemaker", endpoint_url=sys.argv[1], region_name="ap-southeast-2",
                  aws_access_key_id=sys.argv[2], aws_secret_access_key=sys.argv[3])
arn = sm.create_partner_app(Name="botoapp", Type="deepchecks-llm-evaluation", Tier="small", AuthType="IAM", ExecutionRoleArn="${ROLE_ARN}")["Arn"]
print(json.dumps({"arn": arn, "names": [s["Name"] for s in sm.list_partner_apps()["Summaries"]]}))
`;
    const { stdout } = await run('python3', ['-c', script, server.url, account.accessKeyId, account.secretAccessKey], { timeout: 60_000 });
    const { arn, names } = JSON.parse(stdout) as { arn: string; names: string[] };
    assert.ok(arn.startsWith(`arn:aws:sagemaker:ap-southeast-2:${account.accountId}:partner-app/`));
    assert.deepEqual(names, ['botoapp']);
  });

  test('the AWS CLI', async () => {
    const env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      AWS_ACCESS_KEY_ID: account.accessKeyId,
      AWS_SECRET_ACCESS_KEY: account.secretAccessKey,
      AWS_DEFAULT_REGION: 'us-west-2',
      AWS_CONFIG_FILE: '/dev/null',
      AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    };
    const aws = (...args: string[]) => run('aws', ['sagemaker', ...args, '--endpoint-url', server.url, '--output', 'json'], { env, timeout: 60_000 });
    const created = JSON.parse((await aws('create-partner-app', '--name', 'cliapp', '--type', 'lakera-guard', '--tier', 'small', '--auth-type', 'IAM', '--execution-role-arn', ROLE_ARN)).stdout);
    assert.ok(created.Arn.startsWith(`arn:aws:sagemaker:us-west-2:${account.accountId}:partner-app/`));
    const listed = JSON.parse((await aws('list-partner-apps')).stdout);
    assert.deepEqual(listed.Summaries.map((summary: { Name: string }) => summary.Name), ['cliapp']);
  });

  test('a request presigned in the query string', async () => {
    const response = await rawRequest(server.url, LIST, { credentials: account, signing: { presignExpiresIn: 300 } });
    assert.equal(response.status, 200, response.text);
    assert.ok(Array.isArray(response.json.Summaries));
  });

  test('a body declared UNSIGNED-PAYLOAD, and a body whose declared hash is its own', async () => {
    const body = JSON.stringify({ MaxResults: 3 });
    for (const declared of ['UNSIGNED-PAYLOAD', createHash('sha256').update(body).digest('hex')]) {
      const response = await rawRequest(server.url, LIST, { body, headers: { 'x-amz-content-sha256': declared } });
      assert.equal(response.status, 200, response.text);
    }
  });
});

describe('each failure has AWS code, message and status', () => {
  test('no signature at all is MissingAuthenticationTokenException', async () => {
    assertError(await rawRequest(server.url, LIST, { credentials: null }), 'MissingAuthenticationTokenException', 'Missing Authentication Token');
  });

  test('an Authorization header that is not AWS4- is a missing token too', async () => {
    const response = await rawRequest(server.url, LIST, { credentials: null, headers: { authorization: 'Bearer abc' } });
    assertError(response, 'MissingAuthenticationTokenException', 'Missing Authentication Token');
  });

  test('an empty AWS4- header lists every missing part', async () => {
    assertError(
      await rawRequest(server.url, LIST, { credentials: null, headers: { authorization: 'AWS4-' } }),
      'IncompleteSignatureException',
      "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. " +
        "Authorization header requires 'SignedHeaders' parameter. Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. " +
        'Authorization=AWS4-',
    );
  });

  test('a part without its value is named', async () => {
    const authorization = 'AWS4-HMAC-SHA256 Signature=b, Credential, SignedHeaders=host';
    assertError(
      await rawRequest(server.url, LIST, { credentials: null, headers: { authorization } }),
      'IncompleteSignatureException',
      `'Credential' not a valid key=value pair (missing equal-sign) in Authorization header: '${authorization}'.`,
    );
  });

  test('both forms at once is an InvalidSignatureException', async () => {
    const response = await rawRequest(server.url, LIST, { credentials: account, path: '/?X-Amz-Algorithm=AWS4-HMAC-SHA256' });
    assertError(response, 'InvalidSignatureException', "Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header.");
  });

  test('an incomplete query-string signature lists every missing parameter', async () => {
    const response = await rawRequest(server.url, LIST, { credentials: null, path: '/?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=20250101T000000Z' });
    assertError(
      response,
      'IncompleteSignatureException',
      "AWS query-string parameters must include 'X-Amz-Credential'. AWS query-string parameters must include 'X-Amz-Signature'. " +
        "AWS query-string parameters must include 'X-Amz-SignedHeaders'. Re-examine the query-string parameters.",
    );
  });

  test('a date not in ISO-8601 basic format', async () => {
    const response = await alteredAfterSigning((request) => {
      request.headers['x-amz-date'] = '201';
    });
    assertError(response, 'IncompleteSignatureException', "Date must be in ISO-8601 'basic format'. Got '201'. See http://en.wikipedia.org/wiki/ISO_8601");
  });

  test('signed more than 15 minutes ago: Signature expired', async () => {
    const signedAt = new Date(Date.now() - 20 * MINUTE);
    const response = await rawRequest(server.url, LIST, { credentials: account, signing: { date: signedAt } });
    assert.equal(response.json?.__type, 'InvalidSignatureException', response.text);
    const [, date, earliest, now] = /^Signature expired: (\w+) is now earlier than (\w+) \((\w+) - 15 min\.\)$/.exec(response.json.message) ?? [];
    assert.equal(date, isoBasic(signedAt).replace(/\.\d+/, ''));
    assert.equal(parseIsoBasic(now!) - parseIsoBasic(earliest!), 15 * MINUTE);
    assert.ok(Math.abs(parseIsoBasic(now!) - Date.now()) < MINUTE);
    assert.equal(response.status, 400);
  });

  test('signed more than 15 minutes ahead: Signature not yet current', async () => {
    const signedAt = new Date(Date.now() + 20 * MINUTE);
    const response = await rawRequest(server.url, LIST, { credentials: account, signing: { date: signedAt } });
    assert.equal(response.json?.__type, 'InvalidSignatureException', response.text);
    const [, date, latest, now] = /^Signature not yet current: (\w+) is still later than (\w+) \((\w+) \+ 15 min\.\)$/.exec(response.json.message) ?? [];
    assert.equal(date, isoBasic(signedAt));
    assert.equal(parseIsoBasic(latest!) - parseIsoBasic(now!), 15 * MINUTE);
  });

  test('a presigned request past its X-Amz-Expires', async () => {
    const response = await rawRequest(server.url, LIST, { credentials: account, signing: { presignExpiresIn: 60, date: new Date(Date.now() - 2 * MINUTE) } });
    assert.equal(response.json?.__type, 'InvalidSignatureException', response.text);
    assert.match(response.json.message, /^Signature expired: \w+ is now earlier than \w+ \(\w+ - 1 min\.\)$/);
  });

  test('host not among the signed headers', async () => {
    const response = await alteredAfterSigning(replaceInAuthorization('SignedHeaders=content-type;host;', 'SignedHeaders=content-type;'));
    assertError(response, 'InvalidSignatureException', "'Host' must be a 'SignedHeader' in the AWS Authorization.");
  });

  test('another algorithm', async () => {
    const response = await alteredAfterSigning(replaceInAuthorization('AWS4-HMAC-SHA256', 'AWS4-HMAC-SHA512'));
    assertError(response, 'IncompleteSignatureException', "Unsupported AWS 'algorithm': 'AWS4-HMAC-SHA512' (only AWS4-HMAC-SHA256 for now). ");
  });

  test('a credential that is not five elements', async () => {
    const response = await alteredAfterSigning(replaceInAuthorization('/aws4_request', ''), { credentials: account });
    const today = isoBasic(new Date()).slice(0, 8);
    assertError(
      response,
      'IncompleteSignatureException',
      `Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '${account.accessKeyId}/${today}/us-east-1/sagemaker'`,
    );
  });

  test('a scope for another service', async () => {
    const response = await rawRequest(server.url, LIST, { credentials: account, signing: { service: 'sts' } });
    assertError(response, 'InvalidSignatureException', "Credential should be scoped to correct service: 'sagemaker'.");
  });

  test('a scope of the wrong region, terminator and date names each', async () => {
    let amzDate = '';
    const response = await alteredAfterSigning((request) => {
      amzDate = request.headers['x-amz-date']!;
      request.headers.authorization = request.headers.authorization!.replace(/Credential=test\/\d{8}\/us-east-1\/sagemaker\/aws4_request/, 'Credential=test/20000101/moon/sagemaker/aws5_request');
    });
    assertError(
      response,
      'InvalidSignatureException',
      "Credential should be scoped to a valid region, not 'moon'. Credential should be scoped with a valid terminator: 'aws4_request', not 'aws5_request'. " +
        `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20000101' != '${amzDate.slice(0, 8)}', from '${amzDate}'.`,
    );
  });

  test('an unknown access key is UnrecognizedClientException', async () => {
    const response = await rawRequest(server.url, LIST, { credentials: { accessKeyId: 'AKIANOSUCHKEY', secretAccessKey: 'x' } });
    assertError(response, 'UnrecognizedClientException', 'The security token included in the request is invalid.');
  });

  test('the wrong secret is InvalidSignatureException', async () => {
    const response = await rawRequest(server.url, LIST, { credentials: { ...account, secretAccessKey: `${account.secretAccessKey}x` } });
    assertError(response, 'InvalidSignatureException', SIGNATURE_MISMATCH);
  });

  test('a body changed after signing, or a declared hash that is not the body’s', async () => {
    const changed = await alteredAfterSigning((request) => {
      request.body = '{"MaxResults":5}';
    });
    assertError(changed, 'InvalidSignatureException', SIGNATURE_MISMATCH);
    const wrongHash = await rawRequest(server.url, LIST, { headers: { 'x-amz-content-sha256': createHash('sha256').update('other').digest('hex') } });
    assertError(wrongHash, 'InvalidSignatureException', SIGNATURE_MISMATCH);
  });

  test('a header added after signing is ignored, a signed one changed is not', async () => {
    const added = await alteredAfterSigning((request) => {
      request.headers['x-unsigned-extra'] = 'anything';
    });
    assert.equal(added.status, 200, added.text);
    const changed = await alteredAfterSigning((request) => {
      request.headers['x-amz-target'] = 'SageMaker.ListPartnerApps'.toLowerCase();
    });
    assertError(changed, 'InvalidSignatureException', SIGNATURE_MISMATCH);
  });

  test('signed headers listed out of order, or one twice, are read in SigV4 order, each once', async () => {
    const response = await alteredAfterSigning((request) => {
      request.headers.authorization = request.headers.authorization!.replace(/SignedHeaders=([^,]+)/, (_, list: string) => {
        const reversed = list.split(';').reverse();
        return `SignedHeaders=${[...reversed, reversed[0]].join(';')}`;
      });
    });
    assert.equal(response.status, 200, response.text);
  });
});

describe('checks run in AWS order', () => {
  test('the clock before the key: an expired request of an unknown key is expired', async () => {
    const response = await rawRequest(server.url, LIST, { credentials: { accessKeyId: 'AKIANOSUCHKEY', secretAccessKey: 'x' }, signing: { date: new Date(Date.now() - 30 * MINUTE) } });
    assert.match(response.json.message, /^Signature expired: /);
  });

  test('the scope before the key, the key before the signature', async () => {
    const unknown = { accessKeyId: 'AKIANOSUCHKEY', secretAccessKey: 'x' };
    const wrongService = await rawRequest(server.url, LIST, { credentials: unknown, signing: { service: 'sts' } });
    assert.equal(wrongService.json.__type, 'InvalidSignatureException');
    const badSignature = await alteredAfterSigning(replaceInAuthorization(/Signature=\w+/, 'Signature=0000'), { credentials: unknown });
    assert.equal(badSignature.json.__type, 'UnrecognizedClientException');
  });

  test('the operation is known before anything is verified, as AWS JSON services answer', async () => {
    const response = await rawRequest(server.url, 'NoSuchOperation', { credentials: null });
    assert.equal(response.json.__type, 'UnknownOperationException');
  });
});
