/**
 * The JSON Patch module against the json-patch-tests suite (RFC 6902's examples and the
 * community's edge cases), plus what the suite does not pin down: members named like Object's
 * own properties, atomicity, and the messages a Cloud Control caller reads.
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import { applyPatch, parsePointer, PatchError, type Json } from '../../src/cloudcontrol/jsonPatch.js';

const require = createRequire(import.meta.url);

interface SuiteCase {
  comment?: string;
  doc: Json;
  patch: unknown;
  expected?: Json;
  error?: string;
  disabled?: boolean;
}

for (const file of ['tests.json', 'spec_tests.json']) {
  const cases = require(`json-patch-test-suite/${file}`) as SuiteCase[];
  cases.forEach((testCase, index) => {
    const name = `${file} #${index + 1}: ${testCase.comment ?? testCase.error ?? JSON.stringify(testCase.patch)}`;
    test(name, { skip: testCase.disabled ? 'disabled in the suite itself' : false }, () => {
      if (testCase.error !== undefined) {
        assert.throws(() => applyPatch(testCase.doc, testCase.patch), PatchError);
      } else if (Object.hasOwn(testCase, 'expected')) {
        assert.deepEqual(applyPatch(testCase.doc, testCase.patch), testCase.expected);
      } else {
        // Cases without an expected document only say the patch applies.
        applyPatch(testCase.doc, testCase.patch);
      }
    });
  });
}

test('a failing operation leaves the document as it was and applies none of the patch', () => {
  const document: Json = { Tier: 'small', Tags: [{ Key: 'a', Value: '1' }] };
  const before = structuredClone(document);
  assert.throws(
    () => applyPatch(document, [{ op: 'replace', path: '/Tier', value: 'large' }, { op: 'remove', path: '/Missing' }]),
    /patch operation 2 \(remove \/Missing\): the path does not exist/,
  );
  assert.deepEqual(document, before);
});

test('members named like Object.prototype properties are plain members', () => {
  const patched = applyPatch({}, [{ op: 'add', path: '/__proto__', value: { polluted: true } }]) as Record<string, unknown>;
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  assert.deepEqual(Object.keys(patched), ['__proto__']);
  assert.throws(() => applyPatch({}, [{ op: 'remove', path: '/toString' }]), /the path does not exist/);
  assert.throws(() => applyPatch({}, [{ op: 'test', path: '/constructor', value: null }]), /the path does not exist/);
});

test('each malformed operation is refused with the reason', () => {
  const cases: [unknown, RegExp][] = [
    [{ op: 'add', path: '/a' }, /patch operation 1 \(add \/a\): 'value' is missing/],
    [{ op: 'replace', path: '/a' }, /'value' is missing/],
    [{ op: 'test', path: '/a' }, /'value' is missing/],
    [{ op: 'move', path: '/a' }, /'from' must be a string/],
    [{ op: 'copy', path: '/a', from: 3 }, /'from' must be a string/],
    [{ op: 'merge', path: '/a', value: 1 }, /'op' must be one of add, remove, replace, move, copy, test/],
    [{ path: '/a', value: 1 }, /'op' must be one of/],
    [{ op: 'add', value: 1 }, /'path' must be a string/],
    [{ op: 'add', path: 'a', value: 1 }, /'a' is not a JSON Pointer: it must be empty or start with '\/'/],
    [{ op: 'add', path: '/a~2', value: 1 }, /'~' must be followed by '0' or '1'/],
    ['add', /patch operation 1 is not a JSON object/],
  ];
  for (const [operation, message] of cases) assert.throws(() => applyPatch({ a: 1 }, [operation]), message, JSON.stringify(operation));
  assert.throws(() => applyPatch({}, { op: 'add', path: '/a', value: 1 }), /must be a JSON array of operations/);
});

test('array indexes: decimal, no leading zeros, within bounds; "-" appends', () => {
  assert.deepEqual(applyPatch({ a: [1, 2] }, [{ op: 'add', path: '/a/-', value: 3 }]), { a: [1, 2, 3] });
  assert.deepEqual(applyPatch({ a: [1, 2] }, [{ op: 'add', path: '/a/2', value: 3 }]), { a: [1, 2, 3] });
  assert.throws(() => applyPatch({ a: [1, 2] }, [{ op: 'add', path: '/a/3', value: 3 }]), /index 3 is out of bounds/);
  assert.throws(() => applyPatch({ a: [1, 2] }, [{ op: 'remove', path: '/a/2' }]), /index 2 is out of bounds/);
  assert.throws(() => applyPatch({ a: [1, 2] }, [{ op: 'replace', path: '/a/01', value: 0 }]), /'01' is not an array index/);
  assert.throws(() => applyPatch({ a: [1, 2] }, [{ op: 'remove', path: '/a/-' }]), /'-' is not an array index/);
});

test('move and copy: from must exist, a value cannot move into itself, copies are deep', () => {
  assert.deepEqual(applyPatch({ a: { b: 1 } }, [{ op: 'move', from: '/a', path: '/c' }]), { c: { b: 1 } });
  assert.throws(() => applyPatch({ a: { b: 1 } }, [{ op: 'move', from: '/a', path: '/a/b/c' }]), /cannot be moved into one of its own children/);
  assert.throws(() => applyPatch({}, [{ op: 'copy', from: '/x', path: '/y' }]), /the path does not exist/);
  const copied = applyPatch({ a: { b: [1] } }, [{ op: 'copy', from: '/a', path: '/c' }, { op: 'add', path: '/c/b/-', value: 2 }]);
  assert.deepEqual(copied, { a: { b: [1] }, c: { b: [1, 2] } });
});

test('test compares JSON values: numbers by value, objects without order, arrays in order', () => {
  applyPatch({ a: { x: 1, y: [1, 2] } }, [{ op: 'test', path: '/a', value: { y: [1, 2], x: 1.0 } }]);
  assert.throws(() => applyPatch({ a: [1, 2] }, [{ op: 'test', path: '/a', value: [2, 1] }]), /is not the one tested for/);
  assert.throws(() => applyPatch({ a: '1' }, [{ op: 'test', path: '/a', value: 1 }]), /is not the one tested for/);
});

test('pointers unescape ~1 and ~0', () => {
  assert.deepEqual(parsePointer('/a~1b/m~0n'), ['a/b', 'm~n']);
  assert.deepEqual(parsePointer(''), []);
  assert.deepEqual(parsePointer('/'), ['']);
});
