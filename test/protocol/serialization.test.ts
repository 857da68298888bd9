/**
 * SerializationException: JSON that does not fit the shapes' types, found before any constraint is
 * checked, worded as AWS's JSON front end words it (shared/spec/VALIDATION_WORDING.md §1). These
 * bodies are ones no SDK would send, so they go out as signed raw requests.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ListPartnerAppsCommand, ListTagsCommand } from '@aws-sdk/client-sagemaker';
import { rawRequest, startTestServer, type TestServer } from '../helpers/server.js';
import { createInput, describeApp, ROLE_ARN } from '../operations/support.js';

let server: TestServer;
before(async () => {
  server = await startTestServer();
});
after(() => server.close());

const APP = 'arn:aws:sagemaker:us-east-1:000000000000:partner-app/app-AAAAAAAAAAAA';
const LIST = 'Start of list found where not expected';
const OBJECT = 'Start of structure or map found where not expected.';

/** [what the row of the table is, operation, body, message] */
const ROWS: [string, string, string, string][] = [
  ['an integer where a string belongs', 'DescribePartnerApp', '{"Arn": 5}', 'class java.lang.Integer can not be converted to an String'],
  ['a number above 2^31 where a string belongs', 'DescribePartnerApp', '{"Arn": 2147483648}', 'class java.lang.Long can not be converted to an String'],
  ['a fraction where a string belongs', 'DescribePartnerApp', '{"Arn": 1.5}', 'class java.lang.Double can not be converted to an String'],
  ['true where a string belongs', 'CreatePartnerApp', '{"Name": true}', 'class java.lang.Boolean can not be converted to an String'],
  ['false where a string belongs, inside a list item', 'AddTags', `{"ResourceArn": "${APP}", "Tags": [{"Key": false, "Value": "v"}]}`, 'class java.lang.Boolean can not be converted to an String'],
  ['a number where a string list item belongs', 'DeleteTags', `{"ResourceArn": "${APP}", "TagKeys": ["k", 7]}`, 'class java.lang.Integer can not be converted to an String'],
  ['a number where a map value belongs', 'CreatePartnerApp', '{"ApplicationConfig": {"Arguments": {"k": 1}}}', 'class java.lang.Integer can not be converted to an String'],
  ['a string where an integer belongs', 'ListPartnerApps', '{"MaxResults": "10"}', 'class java.lang.String can not be converted to an Integer'],
  ['a boolean where an integer belongs', 'CreatePartnerAppPresignedUrl', `{"Arn": "${APP}", "ExpiresInSeconds": true}`, 'class java.lang.Boolean can not be converted to an Integer'],
  ['a fraction where an integer belongs', 'ListPartnerApps', '{"MaxResults": 10.5}', 'class java.lang.Double can not be converted to an Integer'],
  ['a number above 2^31 where an integer belongs', 'ListTags', `{"ResourceArn": "${APP}", "MaxResults": 2147483648}`, 'class java.lang.Long can not be converted to an Integer'],
  ['a list where a string belongs', 'DescribePartnerApp', '{"Arn": ["a"]}', LIST],
  ['a list where an integer belongs', 'ListPartnerApps', '{"MaxResults": [1]}', LIST],
  ['a list where a boolean belongs', 'DescribePartnerApp', `{"Arn": "${APP}", "IncludeAvailableUpgrade": []}`, LIST],
  ['a list where a structure belongs', 'CreatePartnerApp', '{"MaintenanceConfig": []}', LIST],
  ['a list where a map belongs', 'CreatePartnerApp', '{"ApplicationConfig": {"Arguments": [["k", "v"]]}}', LIST],
  ['an object where a string belongs', 'CreatePartnerApp', '{"Tier": {"size": "small"}}', OBJECT],
  ['an object where an integer belongs', 'CreatePartnerAppPresignedUrl', `{"Arn": "${APP}", "SessionExpirationDurationInSeconds": {}}`, OBJECT],
  ['an object where a boolean belongs', 'UpdatePartnerApp', `{"Arn": "${APP}", "EnableAutoMinorVersionUpgrade": {"value": true}}`, OBJECT],
  ['an object where a list belongs', 'AddTags', `{"ResourceArn": "${APP}", "Tags": {"Key": "k", "Value": "v"}}`, OBJECT],
  ['a string where a list belongs', 'DeleteTags', `{"ResourceArn": "${APP}", "TagKeys": "k"}`, 'Expected list or null'],
  ['a number where a list belongs', 'CreatePartnerApp', '{"ApplicationConfig": {"AdminUsers": 3}}', 'Expected list or null'],
  ['a string where a map belongs', 'CreatePartnerApp', '{"ApplicationConfig": {"Arguments": "k=v"}}', 'Expected map or null'],
  ['a string where a structure belongs', 'CreatePartnerApp', '{"IdcConfig": "arn:aws:sso:::instance/ssoins-1234567890abcdef"}', 'Expected null'],
  ['a boolean where a structure list item belongs', 'CreatePartnerApp', '{"Tags": [true]}', 'Expected null'],
  ['a list as the whole body', 'ListPartnerApps', '[]', LIST],
  ['a string as the whole body', 'ListPartnerApps', '"ListPartnerApps"', 'Expected null'],
];

describe('a JSON type that does not fit the shape is a SerializationException', () => {
  for (const [row, operation, body, message] of ROWS) {
    test(`${row} (${operation})`, async () => {
      const response = await rawRequest(server.url, operation, { body });
      assert.equal(response.status, 400);
      assert.equal(response.headers['x-amzn-errortype'], 'SerializationException');
      assert.deepEqual(response.json, { __type: 'SerializationException', message });
    });
  }
});

describe('bodies that are not JSON', () => {
  for (const [what, body] of [
    ['broken JSON', '{"MaxResults": '],
    ['trailing garbage', '{} {}'],
    ['form encoding', 'MaxResults=10'],
    ['single quotes', "{'MaxResults': 10}"],
  ]) {
    test(`${what} is a SerializationException with a clear message`, async () => {
      const response = await rawRequest(server.url, 'ListPartnerApps', { body });
      assert.equal(response.status, 400);
      assert.equal(response.json.__type, 'SerializationException');
      assert.match(response.json.message, /^The request body is not valid JSON: .+/);
    });
  }
});

describe('types are checked before constraints, and the first mismatch in the document wins', () => {
  test('a type problem hides constraint problems', async () => {
    const response = await rawRequest(server.url, 'ListPartnerApps', { body: '{"MaxResults": 0, "NextToken": 5}' });
    assert.deepEqual(response.json, { __type: 'SerializationException', message: 'class java.lang.Integer can not be converted to an String' });
  });

  test('of two type problems, the one written first is reported', async () => {
    const first = await rawRequest(server.url, 'ListPartnerApps', { body: '{"NextToken": 5, "MaxResults": "x"}' });
    assert.equal(first.json.message, 'class java.lang.Integer can not be converted to an String');
    const second = await rawRequest(server.url, 'ListPartnerApps', { body: '{"MaxResults": "x", "NextToken": 5}' });
    assert.equal(second.json.message, 'class java.lang.String can not be converted to an Integer');
  });

  test('the largest and smallest 32-bit integers are integers (and then fail the range)', async () => {
    for (const [value, rule] of [
      ['2147483647', 'Member must have value less than or equal to 100'],
      ['-2147483648', 'Member must have value greater than or equal to 1'],
    ]) {
      const response = await rawRequest(server.url, 'ListPartnerApps', { body: `{"MaxResults": ${value}}` });
      assert.deepEqual(response.json, {
        __type: 'ValidationException',
        message: `1 validation error detected: Value '${value}' at 'maxResults' failed to satisfy constraint: ${rule}`,
      });
    }
  });
});

describe('absent, null and unknown members', () => {
  test('an empty body is {}', async () => {
    const list = await rawRequest(server.url, 'ListPartnerApps', { body: '' });
    assert.equal(list.status, 200);
    assert.ok(Array.isArray(list.json.Summaries));
    const create = await rawRequest(server.url, 'CreatePartnerApp', { body: '' });
    assert.equal(create.json.__type, 'ValidationException');
    assert.match(create.json.message, /^5 validation errors detected: Value null at 'name'/);
  });

  test('a body of null is {} too', async () => {
    const response = await rawRequest(server.url, 'ListPartnerApps', { body: 'null' });
    assert.equal(response.status, 200);
    assert.ok(Array.isArray(response.json.Summaries));
  });

  test('null for a member is the same as leaving it out', async () => {
    const optional = await rawRequest(server.url, 'ListPartnerApps', { body: '{"MaxResults": null, "NextToken": null}' });
    assert.equal(optional.status, 200);
    const required = await rawRequest(server.url, 'DescribePartnerApp', { body: '{"Arn": null, "IncludeAvailableUpgrade": null}' });
    assert.deepEqual(required.json, {
      __type: 'ValidationException',
      message: "1 validation error detected: Value null at 'arn' failed to satisfy constraint: Member must not be null",
    });
    const nested = await rawRequest(server.url, 'CreatePartnerApp', {
      body: { ...createInput({ Type: 'lakera-guard' }), MaintenanceConfig: null, ApplicationConfig: { AdminUsers: null, Arguments: null }, IdcConfig: null, Tags: null },
    });
    assert.equal(nested.status, 200, nested.text);
  });

  test('members the shape does not know are ignored, at the top and nested', async () => {
    const client = server.client({ region: 'eu-south-2' });
    const top = await rawRequest(server.url, 'ListPartnerApps', { body: '{"MaxResults": 5, "Filter": {"Status": ["Available"]}, "maxresults": "x"}' });
    assert.equal(top.status, 200, top.text);

    const input = createInput({ Tags: [{ Key: 'team', Value: 'ml' }] });
    const created = await rawRequest(server.url, 'CreatePartnerApp', {
      region: 'eu-south-2',
      body: { ...input, Colour: 'blue', ApplicationConfig: { AdminUsers: ['ada'], Unknown: [1, 2] }, Tags: [{ Key: 'team', Value: 'ml', Extra: true }] },
    });
    assert.equal(created.status, 200, created.text);
    const app = await describeApp(client, created.json.Arn);
    assert.deepEqual(app.ApplicationConfig, { AdminUsers: ['ada'] });
    assert.equal(app.ExecutionRoleArn, ROLE_ARN);
    assert.deepEqual((await client.send(new ListTagsCommand({ ResourceArn: created.json.Arn }))).Tags, [{ Key: 'team', Value: 'ml' }]);
    assert.ok((await client.send(new ListPartnerAppsCommand({}))).Summaries!.some((summary) => summary.Arn === created.json.Arn));
  });
});
