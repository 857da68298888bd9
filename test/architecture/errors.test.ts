/** One catalogue of errors: protocol/errors.ts names every error, and the model says which are modeled. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import * as errors from '../../src/protocol/errors.js';
import { model } from '../../src/protocol/shapes.js';
import { sourceFiles, SRC } from './sources.js';

const CATALOGUE = path.join(SRC, 'protocol/errors.ts');

test('no error is made outside the catalogue', () => {
  const elsewhere = sourceFiles()
    .filter((file) => file !== CATALOGUE)
    .flatMap((file) =>
      fs
        .readFileSync(file, 'utf8')
        .split('\n')
        .flatMap((line, index) => (/new ServiceError\b|extends ServiceError\b/.test(line) ? [`${path.relative(SRC, file)}:${index + 1}: ${line.trim()}`] : [])),
    );
  assert.deepEqual(elsewhere, [], 'add a factory to src/protocol/errors.ts instead');
});

test('an error is modeled exactly when the service model declares it', () => {
  const declared = Object.entries(model.shapes).flatMap(([name, shape]) => ('exception' in shape && shape.exception ? [name] : []));
  assert.deepEqual(declared.sort(), ['ConflictException', 'ResourceLimitExceeded', 'ResourceNotFound']);
  for (const code of declared) assert.equal(new errors.ServiceError(code, 400, 'm').modeled, true, code);
  assert.equal(errors.resourceNotFound('m').modeled, true);
  assert.equal(errors.conflict('m').modeled, true);
  assert.equal(errors.resourceLimitExceeded('m').modeled, true);
  for (const made of [errors.validationError('m'), errors.accessDenied('m'), errors.internalFailure(), errors.unrecognizedClient(), errors.adminForbidden()]) {
    assert.equal(made.modeled, false, made.code);
  }
});
