/**
 * Every constraint of every operation's input, as a table of cases: a request that breaks it, sent
 * through the real SDK (which validates nothing itself) or, where the SDK drops the value, as a
 * signed raw request; and the exact ValidationException message AWS gives. A last test walks the
 * model and fails if any constraint has no case here.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  AddTagsCommand,
  CreatePartnerAppCommand,
  CreatePartnerAppPresignedUrlCommand,
  DeletePartnerAppCommand,
  DeleteTagsCommand,
  DescribePartnerAppCommand,
  ListPartnerAppsCommand,
  ListTagsCommand,
  UpdatePartnerAppCommand,
  type SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { model } from '../../src/protocol/shapes.js';
import type { ShapeDef } from '../../src/protocol/model.js';
import { rawRequest, startTestServer, type TestServer } from '../helpers/server.js';
import { rejectsWith, ROLE_ARN, validationMessage } from '../operations/support.js';

// ---- the wording ------------------------------------------------------------------------------

const isNull = (path: string) => `Value null at '${path}' failed to satisfy constraint: Member must not be null`;
const bad = (value: string, path: string, rule: string) => `Value '${value}' at '${path}' failed to satisfy constraint: ${rule}`;
const minLength = (n: number) => `Member must have length greater than or equal to ${n}`;
const maxLength = (n: number) => `Member must have length less than or equal to ${n}`;
const minValue = (n: number) => `Member must have value greater than or equal to ${n}`;
const maxValue = (n: number) => `Member must have value less than or equal to ${n}`;
const pattern = (source: string) => `Member must satisfy regular expression pattern: ${source}`;
const oneOf = (values: string) => `Member must satisfy enum value set: [${values}]`;

type Kind = 'required' | 'min' | 'max' | 'pattern' | 'enum' | 'keys' | 'values';

/** Which kind of constraint a rule text reports. */
const RULE_KINDS: [RegExp, Kind][] = [
  [/^Member must not be null$/, 'required'],
  [/^Member must have (length|value) greater than or equal to/, 'min'],
  [/^Member must have (length|value) less than or equal to/, 'max'],
  [/^Member must satisfy regular expression pattern: /, 'pattern'],
  [/^Member must satisfy enum value set: /, 'enum'],
  [/^Map keys must satisfy constraint: /, 'keys'],
  [/^Map value must satisfy constraint: /, 'values'],
];

// The model's patterns, exactly as AWS prints them.
const NAME = '[a-zA-Z0-9]+';
const ROLE = String.raw`arn:aws[a-z\-]*:iam::\d{12}:role/?[a-zA-Z_0-9+=,.@\-_/]+`;
const KMS = '[a-zA-Z0-9:/_-]*';
const WINDOW = String.raw`(Mon|Tue|Wed|Thu|Fri|Sat|Sun):([01]\d|2[0-3]):([0-5]\d)`;
const NON_EMPTY = String.raw`(?!\s*$).+`;
const GROUP = String.raw`[\w+=,.@*-]+`;
const INSTANCE = String.raw`arn:aws[a-z\-]*:sso:::instance/(sso)?ins-[a-zA-Z0-9.-]{16}`;
const TOKEN = '[a-zA-Z0-9-]+';
const TAG = String.raw`([\p{L}\p{Z}\p{N}_.:/=+\-@]*)`;
const APP_ARN = String.raw`arn:aws[a-z\-]*:sagemaker:[a-z0-9\-]*:[0-9]{12}:partner-app\/app-[A-Z0-9]{12}`;
const RESOURCE_ARN = String.raw`arn:aws[a-z-]*:sagemaker:[a-z0-9-]*:[0-9]{12}:.+`;
const VERSION = String.raw`\d+\.\d+`;
const TYPES = 'lakera-guard, comet, deepchecks-llm-evaluation, fiddler';

// ---- values -----------------------------------------------------------------------------------

const APP = 'arn:aws:sagemaker:us-east-1:000000000000:partner-app/app-AAAAAAAAAAAA';
/** `head` + x… + `tail`, exactly `length` characters, so only a length rule can fail. */
const padded = (head: string, tail: string, length: number) => head + 'x'.repeat(length - head.length - tail.length) + tail;
const LONG_APP_ARN = padded('arn:aws', ':sagemaker:us-east-1:000000000000:partner-app/app-AAAAAAAAAAAA', 129);
const LONG_RESOURCE_ARN = padded('arn:aws:sagemaker:us-east-1:000000000000:', '', 257);
const LONG_INSTANCE_ARN = padded('arn:aws', ':sso:::instance/ssoins-1234567890abcdef', 129);
const LONG_ROLE_ARN = padded('arn:aws:iam::123456789012:role/', '', 2049);
const times = <T>(count: number, item: (index: number) => T) => Array.from({ length: count }, (_, index) => item(index + 1));

// ---- the cases --------------------------------------------------------------------------------

type Operation =
  | 'CreatePartnerApp'
  | 'DescribePartnerApp'
  | 'ListPartnerApps'
  | 'UpdatePartnerApp'
  | 'DeletePartnerApp'
  | 'CreatePartnerAppPresignedUrl'
  | 'AddTags'
  | 'ListTags'
  | 'DeleteTags';

const COMMANDS: Record<Operation, new (input: any) => any> = {
  CreatePartnerApp: CreatePartnerAppCommand,
  DescribePartnerApp: DescribePartnerAppCommand,
  ListPartnerApps: ListPartnerAppsCommand,
  UpdatePartnerApp: UpdatePartnerAppCommand,
  DeletePartnerApp: DeletePartnerAppCommand,
  CreatePartnerAppPresignedUrl: CreatePartnerAppPresignedUrlCommand,
  AddTags: AddTagsCommand,
  ListTags: ListTagsCommand,
  DeleteTags: DeleteTagsCommand,
};

/** A valid request per operation; each case changes it in one place. */
const VALID: Record<Operation, Record<string, unknown>> = {
  CreatePartnerApp: { Name: 'validation', Type: 'comet', ExecutionRoleArn: ROLE_ARN, Tier: 'small', AuthType: 'IAM' },
  DescribePartnerApp: { Arn: APP },
  ListPartnerApps: {},
  UpdatePartnerApp: { Arn: APP },
  DeletePartnerApp: { Arn: APP },
  CreatePartnerAppPresignedUrl: { Arn: APP },
  AddTags: { ResourceArn: APP, Tags: [{ Key: 'k', Value: 'v' }] },
  ListTags: { ResourceArn: APP },
  DeleteTags: { ResourceArn: APP, TagKeys: ['k'] },
};

interface Case {
  op: Operation;
  /** Merged over VALID[op]; a member set to undefined is left out. */
  input: Record<string, unknown>;
  problems: string[];
  /** The whole request instead of a change to the valid one. */
  replace?: boolean;
  /** Sent as a signed raw request, for values the SDK drops (null items). */
  raw?: boolean;
}

interface Change {
  input: Record<string, unknown>;
  problems: string[];
  raw?: boolean;
}

const config = (ApplicationConfig: Record<string, unknown>) => ({ ApplicationConfig });
const assignment = (overrides: Record<string, unknown>) => config({ RoleGroupAssignments: [{ RoleName: 'ORG_ADMIN', GroupPatterns: ['admins'], ...overrides }] });
const RGA = 'applicationConfig.roleGroupAssignments.1.member';

/** The settings CreatePartnerApp and UpdatePartnerApp share, with the same paths. */
const SETTINGS: Change[] = [
  { input: { MaintenanceConfig: { MaintenanceWindowStart: 'TUE:03:30' } }, problems: [bad('TUE:03:30', 'maintenanceConfig.maintenanceWindowStart', pattern(WINDOW))] },
  {
    input: { MaintenanceConfig: { MaintenanceWindowStart: 'Tue:03:300' } },
    problems: [bad('Tue:03:300', 'maintenanceConfig.maintenanceWindowStart', maxLength(9)), bad('Tue:03:300', 'maintenanceConfig.maintenanceWindowStart', pattern(WINDOW))],
  },
  { input: { Tier: 't'.repeat(65) }, problems: [bad('t'.repeat(65), 'tier', maxLength(64))] },
  { input: { Tier: '   ' }, problems: [bad('   ', 'tier', pattern(NON_EMPTY))] },
  { input: config({ AdminUsers: times(6, (i) => `user${i}`) }), problems: [bad('[user1, user2, user3, user4, user5, user6]', 'applicationConfig.adminUsers', maxLength(5))] },
  { input: config({ AdminUsers: ['admin', ' '] }), problems: [bad(' ', 'applicationConfig.adminUsers.2.member', pattern(NON_EMPTY))] },
  { input: config({ AdminUsers: ['u'.repeat(257)] }), problems: [bad('u'.repeat(257), 'applicationConfig.adminUsers.1.member', maxLength(256))] },
  { input: config({ AdminUsers: ['admin', null] }), problems: [isNull('applicationConfig.adminUsers.2.member')], raw: true },
  {
    input: config({ Arguments: Object.fromEntries(times(6, (i) => [`key${i}`, `v${i}`])) }),
    problems: [bad('{key1=v1, key2=v2, key3=v3, key4=v4, key5=v5, key6=v6}', 'applicationConfig.arguments', maxLength(5))],
  },
  {
    input: config({ Arguments: { good: 'v', ['k'.repeat(257)]: 'v' } }),
    problems: [bad(`{good=v, ${'k'.repeat(257)}=v}`, 'applicationConfig.arguments', `Map keys must satisfy constraint: [${maxLength(256)}, ${minLength(0)}, ${pattern(NON_EMPTY)}]`)],
  },
  {
    input: config({ Arguments: { ' ': 'v' } }),
    problems: [bad('{ =v}', 'applicationConfig.arguments', `Map keys must satisfy constraint: [${maxLength(256)}, ${minLength(0)}, ${pattern(NON_EMPTY)}]`)],
  },
  {
    input: config({ Arguments: { myKey: 'v'.repeat(1025) } }),
    problems: [bad(`{myKey=${'v'.repeat(1025)}}`, 'applicationConfig.arguments', `Map value must satisfy constraint: [${maxLength(1024)}, ${minLength(0)}]`)],
  },
  { input: config({ Arguments: { myKey: null } }), problems: [isNull('applicationConfig.arguments.myKey.member')], raw: true },
  {
    input: config({ AssignedGroupPatterns: times(11, (i) => `group${i}`) }),
    problems: [bad(`[${times(11, (i) => `group${i}`).join(', ')}]`, 'applicationConfig.assignedGroupPatterns', maxLength(10))],
  },
  {
    input: config({ AssignedGroupPatterns: ['admins', ''] }),
    problems: [bad('', 'applicationConfig.assignedGroupPatterns.2.member', minLength(1)), bad('', 'applicationConfig.assignedGroupPatterns.2.member', pattern(GROUP))],
  },
  { input: config({ AssignedGroupPatterns: ['g'.repeat(129)] }), problems: [bad('g'.repeat(129), 'applicationConfig.assignedGroupPatterns.1.member', maxLength(128))] },
  { input: config({ AssignedGroupPatterns: ['data scientists'] }), problems: [bad('data scientists', 'applicationConfig.assignedGroupPatterns.1.member', pattern(GROUP))] },
  {
    input: config({ AssignedGroupPatterns: ['*'], RoleGroupAssignments: times(11, () => ({ RoleName: 'r', GroupPatterns: ['g'] })) }),
    problems: [bad(`[${times(11, () => '{"RoleName":"r","GroupPatterns":["g"]}').join(', ')}]`, 'applicationConfig.roleGroupAssignments', maxLength(10))],
  },
  { input: assignment({ RoleName: undefined }), problems: [isNull(`${RGA}.roleName`)] },
  { input: assignment({ RoleName: ' ' }), problems: [bad(' ', `${RGA}.roleName`, pattern(NON_EMPTY))] },
  { input: assignment({ RoleName: 'r'.repeat(257) }), problems: [bad('r'.repeat(257), `${RGA}.roleName`, maxLength(256))] },
  { input: assignment({ GroupPatterns: undefined }), problems: [isNull(`${RGA}.groupPatterns`)] },
  { input: assignment({ GroupPatterns: [] }), problems: [bad('[]', `${RGA}.groupPatterns`, minLength(1))] },
  { input: assignment({ GroupPatterns: times(11, (i) => `g${i}`) }), problems: [bad(`[${times(11, (i) => `g${i}`).join(', ')}]`, `${RGA}.groupPatterns`, maxLength(10))] },
  { input: assignment({ GroupPatterns: ['admins', 'bad group'] }), problems: [bad('bad group', `${RGA}.groupPatterns.2.member`, pattern(GROUP))] },
  { input: assignment({ GroupPatterns: [''] }), problems: [bad('', `${RGA}.groupPatterns.1.member`, minLength(1)), bad('', `${RGA}.groupPatterns.1.member`, pattern(GROUP))] },
  { input: assignment({ GroupPatterns: ['g'.repeat(129)] }), problems: [bad('g'.repeat(129), `${RGA}.groupPatterns.1.member`, maxLength(128))] },
  { input: { IdcConfig: {} }, problems: [isNull('idcConfig.instanceArn')] },
  { input: { IdcConfig: { InstanceArn: '' } }, problems: [bad('', 'idcConfig.instanceArn', minLength(1)), bad('', 'idcConfig.instanceArn', pattern(INSTANCE))] },
  { input: { IdcConfig: { InstanceArn: LONG_INSTANCE_ARN } }, problems: [bad(LONG_INSTANCE_ARN, 'idcConfig.instanceArn', maxLength(128))] },
  {
    input: { IdcConfig: { InstanceArn: 'arn:aws:sso:::instance/ssoins-short' } },
    problems: [bad('arn:aws:sso:::instance/ssoins-short', 'idcConfig.instanceArn', pattern(INSTANCE))],
  },
  { input: { AuthType: 'SAML' }, problems: [bad('SAML', 'authType', oneOf('IAM, IDC'))] },
  { input: { AuthType: 'iam' }, problems: [bad('iam', 'authType', oneOf('IAM, IDC'))] },
];

const CLIENT_TOKEN: Change[] = [
  { input: { ClientToken: '' }, problems: [bad('', 'clientToken', minLength(1)), bad('', 'clientToken', pattern(TOKEN))] },
  { input: { ClientToken: 'c'.repeat(37) }, problems: [bad('c'.repeat(37), 'clientToken', maxLength(36))] },
  { input: { ClientToken: 'token_with_underscores' }, problems: [bad('token_with_underscores', 'clientToken', pattern(TOKEN))] },
];

const tag = (Key: unknown, Value: unknown) => ({ Key, Value });
const TAGS: Change[] = [
  {
    input: { Tags: times(51, (i) => tag(`k${i}`, 'v')) },
    problems: [bad(`[${times(51, (i) => `{"Key":"k${i}","Value":"v"}`).join(', ')}]`, 'tags', maxLength(50))],
  },
  { input: { Tags: [tag('ok', 'v'), { Value: 'v' }] }, problems: [isNull('tags.2.member.key')] },
  { input: { Tags: [{ Key: 'k' }] }, problems: [isNull('tags.1.member.value')] },
  { input: { Tags: [tag('', 'v')] }, problems: [bad('', 'tags.1.member.key', minLength(1))] },
  { input: { Tags: [tag('k'.repeat(129), 'v')] }, problems: [bad('k'.repeat(129), 'tags.1.member.key', maxLength(128))] },
  { input: { Tags: [tag('bad#key', 'v')] }, problems: [bad('bad#key', 'tags.1.member.key', pattern(TAG))] },
  { input: { Tags: [tag('k', 'v'.repeat(257))] }, problems: [bad('v'.repeat(257), 'tags.1.member.value', maxLength(256))] },
  { input: { Tags: [tag('k', 'bad#value')] }, problems: [bad('bad#value', 'tags.1.member.value', pattern(TAG))] },
  { input: { Tags: [tag('k', 'v'), null] }, problems: [isNull('tags.2.member')], raw: true },
];

/** Arn (PartnerAppArn) of Describe, Update, Delete and CreatePartnerAppPresignedUrl. */
const appArn = (member = 'Arn', path = 'arn'): Change[] => [
  { input: { [member]: '' }, problems: [bad('', path, minLength(1)), bad('', path, pattern(APP_ARN))] },
  { input: { [member]: LONG_APP_ARN }, problems: [bad(LONG_APP_ARN, path, maxLength(128))] },
  { input: { [member]: 'arn:aws:sagemaker:us-east-1:000000000000:partner-app/app-lowercase123' }, problems: [bad('arn:aws:sagemaker:us-east-1:000000000000:partner-app/app-lowercase123', path, pattern(APP_ARN))] },
];

/** ResourceArn of the tagging operations. */
const RESOURCE: Change[] = [
  { input: { ResourceArn: LONG_RESOURCE_ARN }, problems: [bad(LONG_RESOURCE_ARN, 'resourceArn', maxLength(256))] },
  { input: { ResourceArn: 'arn:aws:s3:::my-bucket' }, problems: [bad('arn:aws:s3:::my-bucket', 'resourceArn', pattern(RESOURCE_ARN))] },
];

const NEXT_TOKEN: Change[] = [
  { input: { NextToken: 'n'.repeat(8193) }, problems: [bad('n'.repeat(8193), 'nextToken', maxLength(8192))] },
  { input: { NextToken: 'line\nbreak' }, problems: [bad('line\nbreak', 'nextToken', pattern('.*'))] },
];

const on = (op: Operation, changes: Change[]): Case[] => changes.map((change) => ({ op, ...change }));
const whole = (op: Operation, input: Record<string, unknown>, problems: string[]): Case => ({ op, input, problems, replace: true });

const CASES: Case[] = [
  whole('CreatePartnerApp', {}, [isNull('name'), isNull('type'), isNull('executionRoleArn'), isNull('tier'), isNull('authType')]),
  ...on('CreatePartnerApp', [
    { input: { Name: '' }, problems: [bad('', 'name', minLength(1)), bad('', 'name', pattern(NAME))] },
    { input: { Name: 'a'.repeat(257) }, problems: [bad('a'.repeat(257), 'name', maxLength(256))] },
    { input: { Name: 'my-app' }, problems: [bad('my-app', 'name', pattern(NAME))] },
    { input: { Type: 'Comet' }, problems: [bad('Comet', 'type', oneOf(TYPES))] },
    { input: { ExecutionRoleArn: 'arn:aws:iam::1:role' }, problems: [bad('arn:aws:iam::1:role', 'executionRoleArn', minLength(20)), bad('arn:aws:iam::1:role', 'executionRoleArn', pattern(ROLE))] },
    { input: { ExecutionRoleArn: LONG_ROLE_ARN }, problems: [bad(LONG_ROLE_ARN, 'executionRoleArn', maxLength(2048))] },
    { input: { ExecutionRoleArn: 'arn:aws:iam::123456789012:user/someone' }, problems: [bad('arn:aws:iam::123456789012:user/someone', 'executionRoleArn', pattern(ROLE))] },
    { input: { KmsKeyId: 'k'.repeat(2049) }, problems: [bad('k'.repeat(2049), 'kmsKeyId', maxLength(2048))] },
    { input: { KmsKeyId: 'my key!' }, problems: [bad('my key!', 'kmsKeyId', pattern(KMS))] },
    { input: { Tier: undefined }, problems: [isNull('tier')] },
    ...SETTINGS,
    ...CLIENT_TOKEN,
    ...TAGS,
  ]),

  whole('UpdatePartnerApp', {}, [isNull('arn')]),
  ...on('UpdatePartnerApp', [
    ...appArn(),
    { input: { AppVersion: 'v2' }, problems: [bad('v2', 'appVersion', pattern(VERSION))] },
    { input: { AppVersion: `1.${'1'.repeat(63)}` }, problems: [bad(`1.${'1'.repeat(63)}`, 'appVersion', maxLength(64))] },
    ...SETTINGS,
    ...CLIENT_TOKEN,
    ...TAGS,
  ]),

  whole('DescribePartnerApp', {}, [isNull('arn')]),
  ...on('DescribePartnerApp', appArn()),

  ...on('ListPartnerApps', [
    { input: { MaxResults: 0 }, problems: [bad('0', 'maxResults', minValue(1))] },
    { input: { MaxResults: 101 }, problems: [bad('101', 'maxResults', maxValue(100))] },
    ...NEXT_TOKEN,
  ]),

  whole('DeletePartnerApp', {}, [isNull('arn')]),
  ...on('DeletePartnerApp', [...appArn(), ...CLIENT_TOKEN]),

  whole('CreatePartnerAppPresignedUrl', {}, [isNull('arn')]),
  ...on('CreatePartnerAppPresignedUrl', [
    ...appArn(),
    { input: { ExpiresInSeconds: 4 }, problems: [bad('4', 'expiresInSeconds', minValue(5))] },
    { input: { ExpiresInSeconds: 301 }, problems: [bad('301', 'expiresInSeconds', maxValue(300))] },
    { input: { SessionExpirationDurationInSeconds: 1799 }, problems: [bad('1799', 'sessionExpirationDurationInSeconds', minValue(1800))] },
    { input: { SessionExpirationDurationInSeconds: 43201 }, problems: [bad('43201', 'sessionExpirationDurationInSeconds', maxValue(43200))] },
  ]),

  whole('AddTags', {}, [isNull('resourceArn'), isNull('tags')]),
  ...on('AddTags', [...RESOURCE, ...TAGS]),

  whole('ListTags', {}, [isNull('resourceArn')]),
  ...on('ListTags', [...RESOURCE, ...NEXT_TOKEN, { input: { MaxResults: 49 }, problems: [bad('49', 'maxResults', minValue(50))] }]),

  whole('DeleteTags', {}, [isNull('resourceArn'), isNull('tagKeys')]),
  ...on('DeleteTags', [
    ...RESOURCE,
    { input: { TagKeys: [] }, problems: [bad('[]', 'tagKeys', minLength(1))] },
    { input: { TagKeys: times(51, (i) => `k${i}`) }, problems: [bad(`[${times(51, (i) => `k${i}`).join(', ')}]`, 'tagKeys', maxLength(50))] },
    { input: { TagKeys: ['ok', ''] }, problems: [bad('', 'tagKeys.2.member', minLength(1))] },
    { input: { TagKeys: ['k'.repeat(129)] }, problems: [bad('k'.repeat(129), 'tagKeys.1.member', maxLength(128))] },
    { input: { TagKeys: ['bad#key'] }, problems: [bad('bad#key', 'tagKeys.1.member', pattern(TAG))] },
  ]),
];

const requestOf = (c: Case) => (c.replace ? c.input : { ...VALID[c.op], ...c.input });

// ---- running them -----------------------------------------------------------------------------

let server: TestServer;
let client: SageMakerClient;
before(async () => {
  server = await startTestServer();
  client = server.client();
});
after(() => server.close());

describe('every constraint of the model, in AWS wording', () => {
  for (const c of CASES) {
    const shown = c.problems
      .map((problem) => {
        const [, path, rule] = /at '([^']+)' failed to satisfy constraint: (.*)$/s.exec(problem)!;
        return `${path} ${RULE_KINDS.find(([regex]) => regex.test(rule!))?.[1]}`;
      })
      .join(', ');
    test(`${c.op}${c.raw ? ' (raw)' : ''} ${shown}`, async () => {
      const expected = validationMessage(...c.problems);
      if (c.raw) {
        const response = await rawRequest(server.url, c.op, { body: requestOf(c) });
        assert.equal(response.status, 400);
        assert.deepEqual(response.json, { __type: 'ValidationException', message: expected });
        return;
      }
      await rejectsWith(client.send(new COMMANDS[c.op](requestOf(c))), { name: 'ValidationException', message: expected });
    });
  }
});

describe('several problems in one response', () => {
  test("the issue's own example, word for word", async () => {
    const input = { ...VALID.CreatePartnerApp, Name: 'my app', ExecutionRoleArn: undefined };
    await rejectsWith(client.send(new CreatePartnerAppCommand(input as never)), {
      name: 'ValidationException',
      message:
        "2 validation errors detected: Value 'my app' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9]+; " +
        "Value null at 'executionRoleArn' failed to satisfy constraint: Member must not be null",
    });
  });

  test('problems come in model order, whatever order the JSON members were written in', async () => {
    const body = `{"Tags":[{"Key":"bad#key"}],"AuthType":"SAML","Tier":"   ","Name":"my app","Type":"comet","ExecutionRoleArn":"${ROLE_ARN}"}`;
    const response = await rawRequest(server.url, 'CreatePartnerApp', { body });
    assert.equal(response.json.__type, 'ValidationException');
    assert.equal(
      response.json.message,
      '5 validation errors detected: ' +
        [
          bad('my app', 'name', pattern(NAME)),
          bad('   ', 'tier', pattern(NON_EMPTY)),
          bad('SAML', 'authType', oneOf('IAM, IDC')),
          bad('bad#key', 'tags.1.member.key', pattern(TAG)),
          isNull('tags.1.member.value'),
        ].join('; '),
    );
  });

  test('nested problems follow the model too: list items in order, members of each item in model order', async () => {
    await rejectsWith(
      client.send(
        new AddTagsCommand({ ResourceArn: APP, Tags: [{ Key: '', Value: 'bad#1' }, { Key: 'ok', Value: 'v' }, { Key: 'bad#3', Value: undefined as never }] }),
      ),
      {
        name: 'ValidationException',
        message:
          '4 validation errors detected: ' +
          [bad('', 'tags.1.member.key', minLength(1)), bad('bad#1', 'tags.1.member.value', pattern(TAG)), bad('bad#3', 'tags.3.member.key', pattern(TAG)), isNull('tags.3.member.value')].join('; '),
      },
    );
  });

  test('at most ten problems are reported, the first ten in model order', async () => {
    const problems = times(12, (i) => bad(`bad#${i}`, `tags.${i}.member.key`, pattern(TAG)));
    await rejectsWith(
      client.send(new CreatePartnerAppCommand({ ...VALID.CreatePartnerApp, Name: 'bad name', Tags: times(12, (i) => ({ Key: `bad#${i}`, Value: 'v' })) } as never)),
      { name: 'ValidationException', message: `10 validation errors detected: ${[bad('bad name', 'name', pattern(NAME)), ...problems.slice(0, 9)].join('; ')}` },
    );
  });

  test('one problem is "1 validation error", singular', async () => {
    await rejectsWith(client.send(new ListPartnerAppsCommand({ MaxResults: 0 })), {
      name: 'ValidationException',
      message: "1 validation error detected: Value '0' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 1",
    });
  });

  test('values at the edges of the constraints pass validation (and reach the operation)', async () => {
    // Reaching the operation shows as its own answer: a list, or ResourceNotFound for APP, which names no
    // app (for the tag operations, the ValidationException they answer for a resource that does not exist).
    assert.ok((await client.send(new ListPartnerAppsCommand({ MaxResults: 1 }))).Summaries);
    assert.ok((await client.send(new ListPartnerAppsCommand({ MaxResults: 100, NextToken: '' }))).Summaries);
    for (const [ExpiresInSeconds, SessionExpirationDurationInSeconds] of [
      [5, 1800],
      [300, 43200],
    ]) {
      await rejectsWith(client.send(new CreatePartnerAppPresignedUrlCommand({ Arn: APP, ExpiresInSeconds, SessionExpirationDurationInSeconds })), { name: 'ResourceNotFound' });
    }
    const longestArn = padded('arn:aws', ':sagemaker:us-east-1:000000000000:partner-app/app-AAAAAAAAAAAA', 128);
    await rejectsWith(client.send(new DescribePartnerAppCommand({ Arn: longestArn })), { name: 'ResourceNotFound' });
    const notFound = { name: 'ValidationException', message: `Resource ${APP} does not exist.` };
    await rejectsWith(client.send(new ListTagsCommand({ ResourceArn: APP, MaxResults: 50 })), notFound);
    await rejectsWith(client.send(new DeleteTagsCommand({ ResourceArn: APP, TagKeys: times(50, (i) => `${i}`.padEnd(128, 'k')) })), notFound);
    await rejectsWith(client.send(new AddTagsCommand({ ResourceArn: APP, Tags: times(50, (i) => ({ Key: `ключ ${i}:/=+-@_.`, Value: 'v'.repeat(256) })) })), notFound);
  });
});

// ---- completeness -----------------------------------------------------------------------------

/** Every constraint a request can break, as `path-template kind` (`#` a list index, `$` a map key). */
function constraintsOf(shapeName: string, path: string, out: Set<string>): Set<string> {
  const def = model.shapes[shapeName as keyof typeof model.shapes] as ShapeDef;
  const at = (kind: Kind, where = path) => out.add(`${where} ${kind}`);
  const breakable = (shape: ShapeDef) =>
    (shape.type === 'string' && (shape.max !== undefined || !!shape.min || shape.pattern !== undefined || shape.enum !== undefined)) ||
    (shape.type === 'integer' && (shape.max !== undefined || shape.min !== undefined));
  switch (def.type) {
    case 'structure':
      for (const [name, ref] of Object.entries(def.members)) {
        const memberPath = path ? `${path}.${name[0]!.toLowerCase()}${name.slice(1)}` : `${name[0]!.toLowerCase()}${name.slice(1)}`;
        if (def.required?.includes(name)) at('required', memberPath);
        constraintsOf(ref.shape, memberPath, out);
      }
      break;
    case 'list':
      if (def.min) at('min');
      if (def.max !== undefined) at('max');
      constraintsOf(def.member.shape, `${path}.#.member`, out);
      break;
    case 'map': {
      if (def.min) at('min');
      if (def.max !== undefined) at('max');
      if (breakable(model.shapes[def.key.shape as keyof typeof model.shapes] as ShapeDef)) at('keys');
      const valueShape = model.shapes[def.value.shape as keyof typeof model.shapes] as ShapeDef;
      if (valueShape.type === 'string' || valueShape.type === 'integer') {
        if (breakable(valueShape)) at('values');
      } else constraintsOf(def.value.shape, `${path}.$.member`, out);
      break;
    }
    case 'string':
      if (def.min) at('min');
      if (def.max !== undefined) at('max');
      if (def.pattern !== undefined) at('pattern');
      if (def.enum) at('enum');
      break;
    case 'integer':
      if (def.min !== undefined) at('min');
      if (def.max !== undefined) at('max');
      break;
  }
  return out;
}

/** The model constraint a problem message is about: concrete list indexes and map keys become # and $. */
function constraintOfProblem(problem: string, known: ReadonlySet<string>): string | undefined {
  const match = /^Value (?:null|'.*') at '([^']+)' failed to satisfy constraint: (.*)$/s.exec(problem);
  assert.ok(match, `not an AWS problem: ${problem}`);
  const [, path, rule] = match;
  const kind = RULE_KINDS.find(([regex]) => regex.test(rule!))?.[1];
  assert.ok(kind, `unknown rule: ${rule}`);
  for (const entry of known) {
    const [template, entryKind] = entry.split(' ');
    const regex = new RegExp(`^${template!.replace(/\./g, '\\.').replace(/#/g, '\\d+').replace(/\$/g, '[^.]+')}$`);
    if (entryKind === kind && regex.test(path!)) return entry;
  }
  return undefined;
}

test('the table has a case for every constraint of every operation, and every case names a real constraint', () => {
  const missing: string[] = [];
  for (const [operation, { input }] of Object.entries(model.operations)) {
    const known = constraintsOf(input, '', new Set());
    const covered = new Set<string>();
    for (const c of CASES.filter((c) => c.op === operation)) {
      for (const problem of c.problems) {
        const constraint = constraintOfProblem(problem, known);
        // A null list item or map value breaks no model constraint but is reported all the same.
        if (constraint === undefined) assert.match(problem, /\.member' failed to satisfy constraint: Member must not be null$/, `${operation}: ${problem}`);
        else covered.add(constraint);
      }
    }
    for (const constraint of known) if (!covered.has(constraint)) missing.push(`${operation}: ${constraint}`);
  }
  assert.deepEqual(missing, []);
});
