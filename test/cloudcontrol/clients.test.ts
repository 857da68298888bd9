/**
 * The Cloud Control API and DescribeType with the clients people use: boto3 (its cloudcontrol
 * client, paginators and the resource_request_success waiter, and cloudformation's describe_type)
 * and the AWS CLI (`aws cloudcontrol …`), over the whole life of an app, and their errors as
 * botocore parses them (each modeled error as its own exception class; the waiter failing on FAILED
 * and CANCEL_COMPLETE; the CLI's waiter and the errors it prints). Child processes against a real server.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { clientEnv } from '../helpers/cliEnv.js';
import { testPostgresUrl } from '../helpers/postgres.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { ROLE_ARN, ROOT_ADMIN, uniqueName } from '../operations/support.js';
import { TYPE_NAME } from './support.js';

const run = promisify(execFile);
const once = { skip: testPostgresUrl() ? 'wire compatibility is checked in the SQLite run' : false };

let server: TestServer;
before(async () => {
  // Updates last long enough for a CLI call (a Python start) to cancel one.
  server = await startTestServer({ failCreate: /^broken/, updateDelayMs: 6000 });
});
after(() => server.close());


async function aws(...args: string[]): Promise<any> {
  const { stdout } = await run('aws', ['cloudcontrol', ...args, '--endpoint-url', server.url, '--output', 'json'], { env: clientEnv(), timeout: 60_000 });
  return stdout.trim() ? JSON.parse(stdout) : {};
}

/** Runs a boto3 script with the server's URL as `url`; what it prints (one JSON document) is the result. */
async function boto3(script: string): Promise<any> {
  const prelude = `
import boto3, json, sys
from botocore.config import Config
from botocore.exceptions import ClientError
url = sys.argv[1]
cfg = Config(retries={'max_attempts': 1})
cc = boto3.client('cloudcontrol', endpoint_url=url, region_name='us-east-1', config=cfg)
cf = boto3.client('cloudformation', endpoint_url=url, region_name='us-east-1', config=cfg)
T = '${TYPE_NAME}'
def error(call, **kwargs):
    try:
        call(**kwargs)
    except ClientError as e:
        return {'code': e.response['Error']['Code'], 'message': e.response['Error']['Message'], 'status': e.response['ResponseMetadata']['HTTPStatusCode']}
    return None
`;
  const { stdout } = await run('python3', ['-c', prelude + script, server.url], { env: clientEnv(), timeout: 120_000 });
  return JSON.parse(stdout);
}

test('boto3: create, wait with resource_request_success, get, paginate, update, delete; DescribeType', { ...once, timeout: 120_000 }, async () => {
  const name = uniqueName('boto');
  const result = await boto3(`
desired = {'Name': '${name}', 'Type': 'comet', 'Tier': 'small', 'AuthType': 'IAM', 'ExecutionRoleArn': '${ROLE_ARN}', 'ApplicationConfig': {'AdminUsers': ['${ROOT_ADMIN}']}, 'Tags': [{'Key': 'team', 'Value': 'ml'}]}
out = {}
created = cc.create_resource(TypeName=T, DesiredState=json.dumps(desired), ClientToken='boto-create')['ProgressEvent']
out['created'] = created['OperationStatus']
waiter = cc.get_waiter('resource_request_success')
waiter.wait(RequestToken=created['RequestToken'], WaiterConfig={'Delay': 1, 'MaxAttempts': 20})
arn = created['Identifier']
out['arn'] = arn
out['model'] = json.loads(cc.get_resource(TypeName=T, Identifier=arn)['ResourceDescription']['Properties'])
out['listed'] = [d['Identifier'] for page in cc.get_paginator('list_resources').paginate(TypeName=T) for d in page['ResourceDescriptions']]
updated = cc.update_resource(TypeName=T, Identifier=arn, PatchDocument=json.dumps([{'op': 'replace', 'path': '/Tier', 'value': 'large'}]))['ProgressEvent']
waiter.wait(RequestToken=updated['RequestToken'], WaiterConfig={'Delay': 1, 'MaxAttempts': 20})
out['tier'] = json.loads(cc.get_resource(TypeName=T, Identifier=arn)['ResourceDescription']['Properties'])['Tier']
deleted = cc.delete_resource(TypeName=T, Identifier=arn)['ProgressEvent']
waiter.wait(RequestToken=deleted['RequestToken'], WaiterConfig={'Delay': 1, 'MaxAttempts': 20})
out['requests'] = [(e['Operation'], e['OperationStatus']) for page in cc.get_paginator('list_resource_requests').paginate(PaginationConfig={'PageSize': 1}) for e in page['ResourceRequestStatusSummaries']]
out['gone'] = error(cc.get_resource, TypeName=T, Identifier=arn)
out['conflict'] = error(cc.create_resource, TypeName=T, DesiredState=json.dumps({**desired, 'Tier': 'medium'}), ClientToken='boto-create')
out['notUpdatable'] = error(cc.update_resource, TypeName=T, Identifier=arn, PatchDocument='[]')
out['typeNotFound'] = error(cc.list_resources, TypeName='AWS::S3::Bucket')
out['validation'] = error(cc.create_resource, TypeName=T, DesiredState='{}')
unchecked = boto3.client('cloudcontrol', endpoint_url=url, region_name='us-east-1', config=Config(retries={'max_attempts': 1}, parameter_validation=False))
out['modelValidation'] = error(unchecked.get_resource_request_status, RequestToken='')
broken = cc.create_resource(TypeName=T, DesiredState=json.dumps({**desired, 'Name': 'broken${name}'}))['ProgressEvent']
try:
    waiter.wait(RequestToken=broken['RequestToken'], WaiterConfig={'Delay': 1, 'MaxAttempts': 20})
    out['waiterFailure'] = None
except Exception as e:
    out['waiterFailure'] = str(e)
described = cf.describe_type(Type='RESOURCE', TypeName=T)
out['describeType'] = {k: described[k] for k in ('Arn', 'Type', 'TypeName', 'DefaultVersionId', 'ProvisioningType', 'DeprecatedStatus', 'Visibility')}
out['schema'] = json.loads(described['Schema'])
out['otherType'] = error(cf.describe_type, Type='RESOURCE', TypeName='AWS::S3::Bucket')
print(json.dumps(out))
`);
  assert.equal(result.created, 'IN_PROGRESS');
  assert.equal(result.model.Name, name);
  assert.equal(result.model.Tier, 'small');
  assert.deepEqual(result.model.Tags, [{ Key: 'team', Value: 'ml' }]);
  assert.deepEqual(result.listed, [result.arn]);
  assert.equal(result.tier, 'large');
  assert.deepEqual(result.requests, [['DELETE', 'SUCCESS'], ['UPDATE', 'SUCCESS'], ['CREATE', 'SUCCESS']]);
  assert.equal(result.gone.code, 'ResourceNotFoundException');
  assert.deepEqual(result.conflict, { code: 'ClientTokenConflictException', message: 'Client token boto-create has already been used in another resource request.', status: 400 });
  assert.equal(result.notUpdatable.code, 'ResourceNotFoundException');
  assert.deepEqual(result.typeNotFound, { code: 'TypeNotFoundException', message: "The type 'AWS::S3::Bucket' cannot be found.", status: 400 });
  assert.equal(result.validation.code, 'ValidationException');
  assert.match(result.validation.message, /^Model validation failed \(#: required key \[Name\] not found\n/);
  assert.deepEqual(result.modelValidation, {
    code: 'ValidationException',
    message:
      "2 validation errors detected: Value '' at 'requestToken' failed to satisfy constraint: Member must have length greater than or equal to 1; Value '' at 'requestToken' failed to satisfy constraint: Member must satisfy regular expression pattern: [-A-Za-z0-9+/=]+",
    status: 400,
  });
  assert.match(result.waiterFailure, /Waiter ResourceRequestSuccess failed: Waiter encountered a terminal failure state/);
  assert.deepEqual(result.describeType, {
    Arn: 'arn:aws:cloudformation:us-east-1::type/resource/AWS-SageMaker-PartnerApp',
    Type: 'RESOURCE',
    TypeName: TYPE_NAME,
    DefaultVersionId: '00000001',
    ProvisioningType: 'FULLY_MUTABLE',
    DeprecatedStatus: 'LIVE',
    Visibility: 'PUBLIC',
  });
  assert.equal(result.schema.typeName, TYPE_NAME);
  assert.deepEqual(result.schema.readOnlyProperties, ['/properties/Arn', '/properties/BaseUrl', '/properties/CurrentVersionEolDate']);
  assert.deepEqual(result.otherType, { code: 'TypeNotFoundException', message: "The type 'AWS::S3::Bucket' cannot be found.", status: 404 });
});

test('the AWS CLI: create-resource, get-resource-request-status, get-resource, list-resources, update-resource, list-resource-requests, cancel, delete-resource', { ...once, timeout: 180_000 }, async () => {
  const name = uniqueName('cli');
  const desired = JSON.stringify({ Name: name, Type: 'fiddler', Tier: 'small', AuthType: 'IAM', ExecutionRoleArn: ROLE_ARN, ApplicationConfig: { AdminUsers: [ROOT_ADMIN] } });
  const { ProgressEvent: created } = await aws('create-resource', '--type-name', TYPE_NAME, '--desired-state', desired);
  assert.equal(created.OperationStatus, 'IN_PROGRESS');
  const arn = created.Identifier;
  // CLI v1 shows timestamps as the service sent them: epoch seconds.
  assert.equal(typeof created.EventTime, 'number');
  let status = created;
  for (let i = 0; i < 100 && status.OperationStatus === 'IN_PROGRESS'; i++) {
    status = (await aws('get-resource-request-status', '--request-token', created.RequestToken)).ProgressEvent;
  }
  assert.equal(status.OperationStatus, 'SUCCESS');
  assert.equal(JSON.parse(status.ResourceModel).Name, name);
  const [described, listed] = await Promise.all([
    aws('get-resource', '--type-name', TYPE_NAME, '--identifier', arn),
    aws('list-resources', '--type-name', TYPE_NAME),
  ]);
  assert.equal(JSON.parse(described.ResourceDescription.Properties).Type, 'fiddler');
  assert.ok(listed.ResourceDescriptions.some((description: { Identifier: string }) => description.Identifier === arn));

  const { ProgressEvent: updating } = await aws('update-resource', '--type-name', TYPE_NAME, '--identifier', arn, '--patch-document', '[{"op":"add","path":"/Tags","value":[{"Key":"k","Value":"v"}]}]');
  const { ProgressEvent: canceled } = await aws('cancel-resource-request', '--request-token', updating.RequestToken);
  assert.equal(canceled.OperationStatus, 'CANCEL_IN_PROGRESS');
  const requests = await aws('list-resource-requests', '--resource-request-status-filter', 'Operations=UPDATE');
  assert.ok(requests.ResourceRequestStatusSummaries.some((event: { RequestToken: string }) => event.RequestToken === updating.RequestToken));
  for (let i = 0; i < 100; i++) {
    if ((await aws('get-resource-request-status', '--request-token', updating.RequestToken)).ProgressEvent.OperationStatus === 'CANCEL_COMPLETE') break;
  }
  assert.deepEqual(JSON.parse((await aws('get-resource', '--type-name', TYPE_NAME, '--identifier', arn)).ResourceDescription.Properties).Tags, [{ Key: 'k', Value: 'v' }]);

  await assert.rejects(aws('update-resource', '--type-name', TYPE_NAME, '--identifier', arn, '--patch-document', '[{"op":"replace","path":"/Name","value":"x"}]'), (error: Error & { stderr?: string }) => {
    assert.match(error.stderr ?? '', /\(NotUpdatableException\) when calling the UpdateResource operation: Invalid patch update: createOnlyProperties \[\/properties\/Name\] cannot be updated/);
    return true;
  });

  const { ProgressEvent: deleting } = await aws('delete-resource', '--type-name', TYPE_NAME, '--identifier', arn);
  assert.equal(deleting.Operation, 'DELETE');
  status = deleting;
  for (let i = 0; i < 100 && status.OperationStatus === 'IN_PROGRESS'; i++) {
    status = (await aws('get-resource-request-status', '--request-token', deleting.RequestToken)).ProgressEvent;
  }
  assert.equal(status.OperationStatus, 'SUCCESS');
  await assert.rejects(aws('get-resource', '--type-name', TYPE_NAME, '--identifier', arn), /ResourceNotFoundException/);
});

test('boto3: botocore reads each Cloud Control error as its modeled exception; the waiter fails on CANCEL_COMPLETE', { ...once, timeout: 120_000 }, async () => {
  const name = uniqueName('boterr');
  const result = await boto3(`
desired = {'Name': '${name}', 'Type': 'comet', 'Tier': 'small', 'AuthType': 'IAM', 'ExecutionRoleArn': '${ROLE_ARN}', 'ApplicationConfig': {'AdminUsers': ['${ROOT_ADMIN}']}}
def caught(call, **kwargs):
    try:
        call(**kwargs)
    except ClientError as e:
        return {'class': type(e).__name__, 'code': e.response['Error']['Code'], 'status': e.response['ResponseMetadata']['HTTPStatusCode']}
    return None
out = {}
waiter = cc.get_waiter('resource_request_success')
created = cc.create_resource(TypeName=T, DesiredState=json.dumps(desired), ClientToken='boto-errors')['ProgressEvent']
waiter.wait(RequestToken=created['RequestToken'], WaiterConfig={'Delay': 1, 'MaxAttempts': 20})
arn = created['Identifier']
patch = lambda ops: json.dumps(ops)
out['TypeNotFoundException'] = caught(cc.get_resource, TypeName='AWS::S3::Bucket', Identifier=arn)
out['ResourceNotFoundException'] = caught(cc.get_resource, TypeName=T, Identifier=arn + 'X')
out['NotUpdatableException'] = caught(cc.update_resource, TypeName=T, Identifier=arn, PatchDocument=patch([{'op': 'replace', 'path': '/Name', 'value': 'other'}]))
out['ClientTokenConflictException'] = caught(cc.create_resource, TypeName=T, DesiredState=json.dumps({**desired, 'Tier': 'large'}), ClientToken='boto-errors')
out['RequestTokenNotFoundException'] = caught(cc.get_resource_request_status, RequestToken='no-such-request')
out['InvalidRequestException'] = caught(cc.list_resources, TypeName=T, ResourceModel=json.dumps({'Name': 'x'}))
out['ConcurrentModificationException'] = caught(cc.cancel_resource_request, RequestToken=created['RequestToken'])
out['ValidationException'] = caught(cc.update_resource, TypeName=T, Identifier=arn, PatchDocument=patch([{'op': 'remove', 'path': '/Arn'}]))
updating = cc.update_resource(TypeName=T, Identifier=arn, PatchDocument=patch([{'op': 'replace', 'path': '/Tier', 'value': 'large'}]))['ProgressEvent']
out['ConcurrentOperationException'] = caught(cc.delete_resource, TypeName=T, Identifier=arn)
out['canceled'] = cc.cancel_resource_request(RequestToken=updating['RequestToken'])['ProgressEvent']['OperationStatus']
try:
    waiter.wait(RequestToken=updating['RequestToken'], WaiterConfig={'Delay': 1, 'MaxAttempts': 30})
    out['waiter'] = None
except Exception as e:
    out['waiter'] = str(e)
print(json.dumps(out))
`);
  const modeled = [
    ['TypeNotFoundException', 400],
    ['ResourceNotFoundException', 400],
    ['NotUpdatableException', 400],
    ['ClientTokenConflictException', 400],
    ['RequestTokenNotFoundException', 400],
    ['InvalidRequestException', 400],
    ['ConcurrentModificationException', 500],
    ['ConcurrentOperationException', 400],
  ] as const;
  for (const [code, status] of modeled) assert.deepEqual(result[code], { class: code, code, status }, code);
  // Not in Cloud Control's model: botocore's generic ClientError, with the code.
  assert.deepEqual(result.ValidationException, { class: 'ClientError', code: 'ValidationException', status: 400 });
  assert.equal(result.canceled, 'CANCEL_IN_PROGRESS');
  assert.match(result.waiter, /Waiter ResourceRequestSuccess failed: Waiter encountered a terminal failure state: For expression "ProgressEvent\.OperationStatus" we matched expected path: "CANCEL_COMPLETE"/);
});

test('the AWS CLI: its waiter, and the errors it prints', { ...once, timeout: 180_000 }, async () => {
  const desired = (name: string) => JSON.stringify({ Name: name, Type: 'comet', Tier: 'small', AuthType: 'IAM', ExecutionRoleArn: ROLE_ARN, ApplicationConfig: { AdminUsers: [ROOT_ADMIN] } });
  const [{ ProgressEvent: created }, { ProgressEvent: broken }] = await Promise.all([
    aws('create-resource', '--type-name', TYPE_NAME, '--desired-state', desired(uniqueName('cliwait')), '--client-token', 'cli-errors'),
    aws('create-resource', '--type-name', TYPE_NAME, '--desired-state', desired(uniqueName('broken'))),
  ]);
  // `aws cloudcontrol wait resource-request-success` prints nothing and exits 0 on SUCCESS, 255 on FAILED (CLI v1's code for any error).
  assert.deepEqual(await aws('wait', 'resource-request-success', '--request-token', created.RequestToken), {});
  await assert.rejects(aws('wait', 'resource-request-success', '--request-token', broken.RequestToken), (error: Error & { code?: number; stderr?: string }) => {
    assert.equal(error.code, 255);
    assert.match(error.stderr ?? '', /Waiter ResourceRequestSuccess failed: Waiter encountered a terminal failure state: For expression "ProgressEvent\.OperationStatus" we matched expected path: "FAILED"/);
    return true;
  });
  const failures: [string[], RegExp][] = [
    [['get-resource', '--type-name', 'AWS::S3::Bucket', '--identifier', created.Identifier], /An error occurred \(TypeNotFoundException\) when calling the GetResource operation: The type 'AWS::S3::Bucket' cannot be found\./],
    [['get-resource-request-status', '--request-token', 'no-such-request'], /An error occurred \(RequestTokenNotFoundException\) when calling the GetResourceRequestStatus operation: Request with token no-such-request was not found/],
    [['create-resource', '--type-name', TYPE_NAME, '--desired-state', '{}'], /An error occurred \(ValidationException\) when calling the CreateResource operation: Model validation failed \(#: required key \[Name\] not found/],
    [['create-resource', '--type-name', TYPE_NAME, '--desired-state', desired(uniqueName('cli')), '--client-token', 'cli-errors'], /An error occurred \(ClientTokenConflictException\) when calling the CreateResource operation: Client token cli-errors has already been used in another resource request\./],
    [['list-resources', '--type-name', TYPE_NAME, '--resource-model', '{"Name":"x"}'], /An error occurred \(InvalidRequestException\) when calling the ListResources operation: AWS::SageMaker::PartnerApp is listed without a resource model/],
    [['update-resource', '--type-name', TYPE_NAME, '--identifier', created.Identifier, '--patch-document', '[{"op":"remove","path":"/BaseUrl"}]'], /An error occurred \(ValidationException\) when calling the UpdateResource operation: Invalid patch update: readOnlyProperties \[\/properties\/BaseUrl\] cannot be updated/],
  ];
  await Promise.all(
    failures.map(([args, expected]) =>
      assert.rejects(aws(...args), (error: Error & { code?: number; stderr?: string }) => {
        assert.equal(error.code, 255, `aws cloudcontrol ${args[0]}: ${error.stderr}`);
        assert.match(error.stderr ?? '', expected);
        return true;
      }),
    ),
  );
});
