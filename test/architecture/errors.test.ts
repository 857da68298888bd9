/** One catalogue of errors: protocol/errors.ts (and Cloud Control's beside it) names every error, and the models say which are modeled. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import * as cloudControlErrors from '../../src/protocol/cloudControlErrors.js';
import { cloudControlModel } from '../../src/protocol/cloudControlShapes.js';
import * as errors from '../../src/protocol/errors.js';
import type { Model } from '../../src/protocol/model.js';
import { model } from '../../src/protocol/shapes.js';
import { sourceFiles, SRC } from './sources.js';

const CATALOGUE = [path.join(SRC, 'protocol/errors.ts'), path.join(SRC, 'protocol/cloudControlErrors.ts')];

test('no error is made outside the catalogue', () => {
  const elsewhere = sourceFiles()
    .filter((file) => !CATALOGUE.includes(file))
    .flatMap((file) =>
      fs
        .readFileSync(file, 'utf8')
        .split('\n')
        .flatMap((line, index) => (/new ServiceError\b|extends ServiceError\b/.test(line) ? [`${path.relative(SRC, file)}:${index + 1}: ${line.trim()}`] : [])),
    );
  assert.deepEqual(elsewhere, [], 'add a factory to src/protocol/errors.ts instead');
});

const declaredBy = (serviceModel: Model) => Object.entries(serviceModel.shapes).flatMap(([name, shape]) => ('exception' in shape && shape.exception ? [name] : []));

test('an error is modeled exactly when the service model declares it', () => {
  const declared = declaredBy(model);
  assert.deepEqual(declared.sort(), ['ConflictException', 'ResourceLimitExceeded', 'ResourceNotFound']);
  for (const code of declared) assert.equal(new errors.ServiceError(code, 400, 'm').modeled, true, code);
  assert.equal(errors.resourceNotFound('m').modeled, true);
  assert.equal(errors.conflict('m').modeled, true);
  assert.equal(errors.resourceLimitExceeded('m').modeled, true);
  for (const made of [errors.validationError('m'), errors.accessDenied('m'), errors.internalFailure(), errors.unrecognizedClient(), errors.adminForbidden()]) {
    assert.equal(made.modeled, false, made.code);
  }
});

test("the Cloud Control API's errors are modeled when its model declares them, and only then", () => {
  const declared = declaredBy(cloudControlModel);
  assert.ok(declared.includes('TypeNotFoundException') && declared.length > 15, `the Cloud Control model's errors (${declared.length})`);
  assert.ok(!declared.some((name) => declaredBy(model).includes(name)), 'no name is declared by both models');
  for (const made of [cloudControlErrors.typeNotFound('T'), cloudControlErrors.clientTokenConflict('t'), cloudControlErrors.createOnlyChanged(['Name'])]) {
    assert.equal(made.modeled, true, made.code);
  }
  // Cloud Control's model declares no ValidationException: its schema checks answer as the front end does.
  assert.equal(cloudControlErrors.modelValidationFailed(['p']).modeled, false);
  assert.equal(cloudControlErrors.asQueryError(errors.invalidSignature('m')).code, 'SignatureDoesNotMatch');
});
