/**
 * RFC 6902 JSON Patch over RFC 6901 JSON Pointers, strictly: every operation's members are
 * checked, array indexes are decimal without leading zeros, a pointer that does not start with "/"
 * is refused, and the patch is atomic (applied to a copy; the first failing operation fails it
 * all). Members are read with Object.hasOwn and written with defineProperty, so "__proto__" or
 * "toString" are member names like any other. Cloud Control's UpdateResource is built on it; it is
 * checked against the json-patch-tests suite (test/cloudcontrol/jsonPatch.test.ts).
 */

export class PatchError extends Error {}

type Json = null | boolean | number | string | Json[] | { [member: string]: Json };
type Container = Json[] | { [member: string]: Json };

const OPERATIONS = new Set(['add', 'remove', 'replace', 'move', 'copy', 'test']);
const ARRAY_INDEX = /^(?:0|[1-9]\d*)$/;

const isObject = (value: unknown): value is { [member: string]: Json } => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The reference tokens of a pointer ("" is the whole document: no tokens). */
export function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new PatchError(`'${pointer}' is not a JSON Pointer: it must be empty or start with '/'`);
  return pointer
    .slice(1)
    .split('/')
    .map((token) => {
      if (/~(?![01])/.test(token)) throw new PatchError(`'${pointer}' is not a JSON Pointer: '~' must be followed by '0' or '1'`);
      return token.replace(/~1/g, '/').replace(/~0/g, '~');
    });
}

export const formatPointer = (tokens: readonly string[]) => tokens.map((token) => `/${token.replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');

export function deepEqual(a: Json, b: Json): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((item, index) => deepEqual(item, b[index]!));
  if (isObject(a) && isObject(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((key) => Object.hasOwn(b, key) && deepEqual(a[key]!, b[key]!));
  }
  return false;
}

const copyOf = <T extends Json>(value: T): T => structuredClone(value);

function setMember(target: { [member: string]: Json }, key: string, value: Json): void {
  Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
}

/** The array index a token names; `end` allows the index one past the last element (add's insertion point). */
function arrayIndex(array: Json[], token: string, where: string, end: boolean): number {
  if (!ARRAY_INDEX.test(token)) throw new PatchError(`${where}: '${token}' is not an array index`);
  const index = Number(token);
  if (index > array.length || (!end && index === array.length)) throw new PatchError(`${where}: index ${index} is out of bounds (the array has ${array.length} elements)`);
  return index;
}

/** The value at the pointer, or a PatchError naming `where`. */
function valueAt(document: Json, tokens: readonly string[], where: string): Json {
  let current = document;
  for (const token of tokens) {
    if (Array.isArray(current)) current = current[arrayIndex(current, token, where, false)]!;
    else if (isObject(current) && Object.hasOwn(current, token)) current = current[token]!;
    else throw new PatchError(`${where}: the path does not exist`);
  }
  return current;
}

/** The container the last token lives in (which must exist). */
function parentOf(document: Json, tokens: readonly string[], where: string): Container {
  const parent = valueAt(document, tokens.slice(0, -1), where);
  if (Array.isArray(parent) || isObject(parent)) return parent;
  throw new PatchError(`${where}: the parent of the path is not an object or an array`);
}

function add(document: Json, tokens: readonly string[], value: Json, where: string): Json {
  if (tokens.length === 0) return value;
  const parent = parentOf(document, tokens, where);
  const last = tokens[tokens.length - 1]!;
  if (Array.isArray(parent)) parent.splice(last === '-' ? parent.length : arrayIndex(parent, last, where, true), 0, value);
  else setMember(parent, last, value);
  return document;
}

function remove(document: Json, tokens: readonly string[], where: string): Json {
  if (tokens.length === 0) throw new PatchError(`${where}: the whole document cannot be removed`);
  const parent = parentOf(document, tokens, where);
  const last = tokens[tokens.length - 1]!;
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, last, where, false), 1);
  else if (Object.hasOwn(parent, last)) delete parent[last];
  else throw new PatchError(`${where}: the path does not exist`);
  return document;
}

interface Operation {
  op: string;
  path: string[];
  from?: string[];
  value?: Json;
}

/** One operation object, checked: op known, path (and from, value) present and well formed. */
function readOperation(raw: unknown, index: number): Operation {
  const where = `patch operation ${index + 1}`;
  if (!isObject(raw)) throw new PatchError(`${where} is not a JSON object`);
  const { op, path, from } = raw;
  if (typeof op !== 'string' || !OPERATIONS.has(op)) throw new PatchError(`${where}: 'op' must be one of add, remove, replace, move, copy, test`);
  if (typeof path !== 'string') throw new PatchError(`${where} (${op}): 'path' must be a string`);
  const operation: Operation = { op, path: parsePointer(path) };
  if (op === 'add' || op === 'replace' || op === 'test') {
    if (!Object.hasOwn(raw, 'value')) throw new PatchError(`${where} (${op} ${path}): 'value' is missing`);
    operation.value = raw.value;
  }
  if (op === 'move' || op === 'copy') {
    if (typeof from !== 'string') throw new PatchError(`${where} (${op} ${path}): 'from' must be a string`);
    operation.from = parsePointer(from);
  }
  return operation;
}

const isPrefix = (prefix: readonly string[], tokens: readonly string[]) => prefix.length < tokens.length && prefix.every((token, i) => token === tokens[i]);

function applyOperation(document: Json, operation: Operation, where: string): Json {
  const { op, path } = operation;
  switch (op) {
    case 'add':
      return add(document, path, copyOf(operation.value!), where);
    case 'remove':
      return remove(document, path, where);
    case 'replace':
      valueAt(document, path, where);
      return add(path.length === 0 ? document : remove(document, path, where), path, copyOf(operation.value!), where);
    case 'move': {
      if (isPrefix(operation.from!, path)) throw new PatchError(`${where}: a value cannot be moved into one of its own children`);
      const value = valueAt(document, operation.from!, where);
      return add(remove(document, operation.from!, where), path, value, where);
    }
    case 'copy':
      return add(document, path, copyOf(valueAt(document, operation.from!, where)), where);
    default:
      if (!deepEqual(valueAt(document, path, where), operation.value!)) throw new PatchError(`${where}: the value at the path is not the one tested for`);
      return document;
  }
}

/** The document the patch makes of `document` (which is left untouched), or a PatchError. */
export function applyPatch(document: Json, patch: unknown): Json {
  if (!Array.isArray(patch)) throw new PatchError('a JSON Patch document must be a JSON array of operations');
  const operations = patch.map(readOperation);
  let result = copyOf(document);
  operations.forEach((operation, index) => {
    const where = `patch operation ${index + 1} (${operation.op} ${formatPointer(operation.path)})`;
    result = applyOperation(result, operation, where);
  });
  return result;
}

export type { Json };
