import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertSameOperations } from '../../src/api/invoke.js';
import { operations } from '../../src/operations/index.js';
import { model } from '../../src/protocol/shapes.js';
import { cloudControlOperations, cloudFormationOperations } from '../../src/cloudcontrol/operations/index.js';
import { cloudControlModel, cloudFormationModel } from '../../src/protocol/cloudControlShapes.js';

test('the operation registry and the model name the same operations, for every front', () => {
  assert.doesNotThrow(() => assertSameOperations(Object.keys(operations), Object.keys(model.operations)));
  assert.doesNotThrow(() => assertSameOperations(Object.keys(cloudControlOperations), Object.keys(cloudControlModel.operations)));
  assert.doesNotThrow(() => assertSameOperations(Object.keys(cloudFormationOperations), Object.keys(cloudFormationModel.operations)));
});

test('a server whose registry and model differ refuses to start, naming the difference', () => {
  assert.throws(
    () => assertSameOperations(['DescribePartnerApp', 'ListPartnerApps', 'RebootPartnerApp'], ['DescribePartnerApp', 'ListPartnerApps', 'DeleteTags']),
    { message: 'the operation registry and the model name different operations: only in the registry [RebootPartnerApp], only in the model [DeleteTags]' },
  );
});
