/**
 * The served registry schema against @aws-cdk/aws-service-spec (the CDK's digest of every
 * CloudFormation resource schema, a devDependency): the same properties, types, enums, required
 * properties, create-only properties (those that cause replacement), read-only ones (its
 * attributes), tag property and primary identifier. A newer service spec that disagrees fails here,
 * which is the signal to take the newer schema.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { CREATE_ONLY, partnerAppSchema, READ_ONLY, TAG_PROPERTY, TYPE_NAME, WRITE_ONLY } from '../../src/cloudcontrol/schema.js';
import { schemaProblems } from '../../src/cloudcontrol/schemaValidation.js';

interface SpecProperty {
  type: { type: string; allowedValues?: string[] };
  required?: boolean;
  causesReplacement?: string;
}
interface SpecResource {
  cloudFormationType: string;
  primaryIdentifier: string[];
  attributes: Record<string, SpecProperty>;
  properties: Record<string, SpecProperty>;
  tagInformation?: { tagPropertyName: string };
}

function specResource(): SpecResource {
  const require = createRequire(import.meta.url);
  const database = path.join(path.dirname(require.resolve('@aws-cdk/aws-service-spec/package.json')), 'db.json.gz');
  const { schema } = JSON.parse(gunzipSync(fs.readFileSync(database)).toString('utf8')) as { schema: { resource: { entities: SpecResource[] } } };
  return schema.resource.entities.find((entity) => entity.cloudFormationType === TYPE_NAME)!;
}

test('the schema says what @aws-cdk/aws-service-spec says of AWS::SageMaker::PartnerApp', () => {
  const spec = specResource();
  const properties = partnerAppSchema.properties!;
  assert.deepEqual(Object.keys(properties).sort(), [...Object.keys(spec.properties), ...Object.keys(spec.attributes)].sort());
  assert.deepEqual([...READ_ONLY].sort(), Object.keys(spec.attributes).sort());
  assert.deepEqual(
    [...CREATE_ONLY].sort(),
    Object.entries(spec.properties).filter(([, property]) => property.causesReplacement === 'yes').map(([name]) => name).sort(),
  );
  assert.deepEqual(
    [...partnerAppSchema.required!].sort(),
    Object.entries(spec.properties).filter(([, property]) => property.required).map(([name]) => name).sort(),
  );
  for (const [name, property] of Object.entries(spec.properties)) {
    const allowed = property.type.allowedValues;
    if (allowed) assert.deepEqual(properties[name]!.enum, allowed, name);
  }
  assert.equal(TAG_PROPERTY, spec.tagInformation?.tagPropertyName);
  assert.deepEqual(partnerAppSchema.primaryIdentifier, spec.primaryIdentifier.map((name) => `/properties/${name}`));
  assert.deepEqual([...WRITE_ONLY], ['ClientToken']);
});

test('schema problems are worded as CloudFormation words them', () => {
  const problems = schemaProblems(
    { type: 'object', ...partnerAppSchema },
    {
      Name: '',
      Type: 'comet',
      Tier: 'x'.repeat(65),
      AuthType: 'IAM',
      ExecutionRoleArn: 'role',
      ApplicationConfig: { AdminUsers: ['a', 'a', 'b', 'c', 'd', 'e'], Arguments: { a: '1', b: '2', c: '3', d: '4', e: '5', f: '6' } },
      MaintenanceConfig: {},
      Tags: [{ Key: 'k' }],
      EnableIamSessionBasedIdentity: 'yes',
    },
  );
  assert.deepEqual(problems, [
    '#/Name: expected minLength: 1, actual: 0',
    '#/Name: string [] does not match pattern ^[a-zA-Z0-9]+',
    '#/Tier: expected maxLength: 64, actual: 65',
    '#/ExecutionRoleArn: expected minLength: 20, actual: 4',
    '#/ExecutionRoleArn: string [role] does not match pattern ^arn:aws[a-z\\-]*:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+$',
    '#/ApplicationConfig/AdminUsers: expected maximum item count: 5, found: 6',
    '#/ApplicationConfig/AdminUsers: array items are not unique',
    '#/ApplicationConfig/Arguments: maximum size: [5], found: [6]',
    '#/MaintenanceConfig: required key [MaintenanceWindowStart] not found',
    '#/Tags/0: required key [Value] not found',
    '#/EnableIamSessionBasedIdentity: expected type: Boolean, found: String',
  ]);
});
