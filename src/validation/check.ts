/**
 * One checker for every operation, driven by the model in protocol/shapes.ts, worded the way
 * AWS's JSON front end words it (see shared/spec/VALIDATION_WORDING.md):
 *   1. types first: the first mismatch is a SerializationException;
 *   2. then every constraint, in model order, collected (at most 10) into one ValidationException.
 * Inputs are compiled once into a tree of nodes so the hot path does no model lookups.
 */
import { serializationError, validationError } from '../protocol/errors.js';
import type { Model, ShapeDef } from '../protocol/model.js';

interface Member {
  readonly name: string;
  readonly pathName: string;
  readonly required: boolean;
  node: Node;
}
type Node =
  | { kind: 'structure'; members: Member[]; byName: Map<string, Member> }
  | { kind: 'list'; member: Node; min?: number; max?: number }
  | { kind: 'map'; key: Node; value: Node; min?: number; max?: number }
  | { kind: 'string'; min?: number; max?: number; pattern?: { regex: RegExp; source: string }; enumValues?: ReadonlySet<string>; enumText?: string; allRules: string }
  | { kind: 'integer'; min?: number; max?: number; allRules: string }
  | { kind: 'boolean' }
  | { kind: 'timestamp' };

const MAX_REPORTED_PROBLEMS = 10;

const lowerFirst = (name: string) => name.charAt(0).toLowerCase() + name.slice(1);

/**
 * Every constraint of a scalar shape, in the order AWS lists them when it reports a map's keys or
 * values as a whole (`Map keys must satisfy constraint: [...]`), whether or not each one failed.
 */
function allRulesText(def: ShapeDef): string {
  const rules: string[] = [];
  const unit = def.type === 'integer' ? 'value' : 'length';
  if ((def.type === 'string' || def.type === 'integer') && def.max !== undefined) rules.push(`Member must have ${unit} less than or equal to ${def.max}`);
  if ((def.type === 'string' || def.type === 'integer') && def.min !== undefined) rules.push(`Member must have ${unit} greater than or equal to ${def.min}`);
  if (def.type === 'string' && def.pattern !== undefined) rules.push(`Member must satisfy regular expression pattern: ${def.pattern}`);
  if (def.type === 'string' && def.enum) rules.push(`Member must satisfy enum value set: [${def.enum.join(', ')}]`);
  return rules.join(', ');
}

/** Model patterns are not anchored, but AWS requires the whole value to match. */
const fullMatch = (pattern: string) => new RegExp(`^(?:${pattern})$`, 'u');

function compileShapes(model: Model): (shapeName: string) => Node {
  const compiled = new Map<string, Node>();
  const compile = (shapeName: string): Node => {
    const existing = compiled.get(shapeName);
    if (existing) return existing;
    const def: ShapeDef | undefined = model.shapes[shapeName];
    if (!def) throw new Error(`model has no shape ${shapeName}`);
    let node: Node;
    switch (def.type) {
      case 'structure': {
        const structure: Node = { kind: 'structure', members: [], byName: new Map() };
        compiled.set(shapeName, structure); // registered before members so recursive shapes terminate
        const required = new Set(def.required ?? []);
        for (const [name, ref] of Object.entries(def.members)) {
          const member: Member = { name, pathName: lowerFirst(name), required: required.has(name), node: compile(ref.shape) };
          structure.members.push(member);
          structure.byName.set(name, member);
        }
        return structure;
      }
      case 'list':
        node = { kind: 'list', member: compile(def.member.shape), min: def.min, max: def.max };
        break;
      case 'map':
        node = { kind: 'map', key: compile(def.key.shape), value: compile(def.value.shape), min: def.min, max: def.max };
        break;
      case 'string':
        node = {
          kind: 'string',
          min: def.min,
          max: def.max,
          pattern: def.pattern === undefined ? undefined : { regex: fullMatch(def.pattern), source: def.pattern },
          enumValues: def.enum ? new Set(def.enum) : undefined,
          enumText: def.enum ? `[${def.enum.join(', ')}]` : undefined,
          allRules: allRulesText(def),
        };
        break;
      case 'integer':
        node = { kind: 'integer', min: def.min, max: def.max, allRules: allRulesText(def) };
        break;
      default:
        node = { kind: def.type };
    }
    compiled.set(shapeName, node);
    return node;
  };
  return compile;
}

// ---- phase 1: types ---------------------------------------------------------------------------

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** How Jackson names a JSON number that Coral tried to bind. */
function javaNumberClass(value: number): string {
  if (!Number.isInteger(value)) return 'java.lang.Double';
  return value >= -(2 ** 31) && value < 2 ** 31 ? 'java.lang.Integer' : 'java.lang.Long';
}

function javaClassOf(value: unknown): string {
  if (typeof value === 'number') return javaNumberClass(value);
  if (typeof value === 'boolean') return 'java.lang.Boolean';
  return 'java.lang.String';
}

const cannotConvert = (value: unknown, target: string) =>
  serializationError(`class ${javaClassOf(value)} can not be converted to an ${target}`);

/**
 * Throws a SerializationException on the first value whose JSON type does not fit its shape.
 * Also drops null and unknown members from structures, so later code sees "absent" one way only.
 */
function checkTypes(node: Node, value: unknown): void {
  switch (node.kind) {
    case 'structure':
      if (Array.isArray(value)) throw serializationError('Start of list found where not expected');
      if (!isPlainObject(value)) throw serializationError('Expected null');
      for (const key of Object.keys(value)) {
        const member = node.byName.get(key);
        const memberValue = value[key];
        if (!member || memberValue === null) delete value[key];
        else checkTypes(member.node, memberValue);
      }
      return;
    case 'list':
      if (isPlainObject(value)) throw serializationError('Start of structure or map found where not expected.');
      if (!Array.isArray(value)) throw serializationError('Expected list or null');
      for (const item of value) if (item !== null) checkTypes(node.member, item);
      return;
    case 'map':
      if (Array.isArray(value)) throw serializationError('Start of list found where not expected');
      if (!isPlainObject(value)) throw serializationError('Expected map or null');
      for (const key of Object.keys(value)) if (value[key] !== null) checkTypes(node.value, value[key]);
      return;
    default:
      checkScalarType(node.kind, value);
  }
}

const SCALAR_TARGET = { string: 'String', integer: 'Integer', boolean: 'Boolean', timestamp: 'Date' } as const;

function checkScalarType(kind: 'string' | 'integer' | 'boolean' | 'timestamp', value: unknown): void {
  if (Array.isArray(value)) throw serializationError('Start of list found where not expected');
  if (typeof value === 'object') throw serializationError('Start of structure or map found where not expected.');
  const fits =
    kind === 'string' ? typeof value === 'string'
    : kind === 'boolean' ? typeof value === 'boolean'
    : kind === 'integer' ? typeof value === 'number' && javaNumberClass(value) === 'java.lang.Integer'
    : typeof value === 'number';
  if (!fits) throw cannotConvert(value, SCALAR_TARGET[kind]);
}

// ---- phase 2: constraints ---------------------------------------------------------------------

/** How Coral prints a value inside `Value ... at`. */
function display(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((item) => (isPlainObject(item) ? JSON.stringify(item) : String(item))).join(', ')}]`;
  if (isPlainObject(value)) return JSON.stringify(value);
  return String(value);
}

/** A map as Java prints it, which is how AWS shows a map that broke a rule: `{key=value, other=value}`. */
const displayMap = (map: unknown) =>
  `{${Object.entries(map as Record<string, unknown>).map(([key, entry]) => `${key}=${display(entry)}`).join(', ')}}`;

class Problems {
  readonly messages: string[] = [];
  get full(): boolean {
    return this.messages.length >= MAX_REPORTED_PROBLEMS;
  }
  add(value: unknown, path: string, rule: string, render: (value: unknown) => string = display): void {
    if (this.full) return;
    const shown = value === null || value === undefined ? 'null' : `'${render(value)}'`;
    this.messages.push(`Value ${shown} at '${path}' failed to satisfy constraint: ${rule}`);
  }
}

function lengthRules(length: number, min: number | undefined, max: number | undefined): string[] {
  const rules: string[] = [];
  if (min !== undefined && length < min) rules.push(`Member must have length greater than or equal to ${min}`);
  if (max !== undefined && length > max) rules.push(`Member must have length less than or equal to ${max}`);
  return rules;
}

function scalarRules(node: Node, value: unknown): string[] {
  if (node.kind === 'string' && typeof value === 'string') {
    const rules = lengthRules(value.length, node.min, node.max);
    if (node.pattern && !node.pattern.regex.test(value)) rules.push(`Member must satisfy regular expression pattern: ${node.pattern.source}`);
    if (node.enumValues && !node.enumValues.has(value)) rules.push(`Member must satisfy enum value set: ${node.enumText}`);
    return rules;
  }
  if (node.kind === 'integer' && typeof value === 'number') {
    const rules: string[] = [];
    if (node.min !== undefined && value < node.min) rules.push(`Member must have value greater than or equal to ${node.min}`);
    if (node.max !== undefined && value > node.max) rules.push(`Member must have value less than or equal to ${node.max}`);
    return rules;
  }
  return [];
}

const allRulesOf = (node: Node) => (node.kind === 'string' || node.kind === 'integer' ? node.allRules : '');

function checkConstraints(node: Node, value: unknown, path: string, problems: Problems): void {
  switch (node.kind) {
    case 'structure': {
      const record = value as Record<string, unknown>;
      for (const member of node.members) {
        if (problems.full) return;
        const memberPath = path ? `${path}.${member.pathName}` : member.pathName;
        const memberValue = record[member.name];
        if (memberValue === undefined) {
          if (member.required) problems.add(null, memberPath, 'Member must not be null');
        } else {
          checkConstraints(member.node, memberValue, memberPath, problems);
        }
      }
      return;
    }
    case 'list': {
      const items = value as unknown[];
      for (const rule of lengthRules(items.length, node.min, node.max)) problems.add(items, path, rule);
      items.forEach((item, index) => {
        const itemPath = `${path}.${index + 1}.member`;
        if (item === null) problems.add(null, itemPath, 'Member must not be null');
        else checkConstraints(node.member, item, itemPath, problems);
      });
      return;
    }
    case 'map': {
      const entries = Object.entries(value as Record<string, unknown>);
      for (const rule of lengthRules(entries.length, node.min, node.max)) problems.add(value, path, rule, displayMap);
      // AWS reports bad keys once and bad scalar values once for the whole map, listing every
      // constraint of the key or value shape; only nested members get a path of their own.
      const { key: keyNode, value: valueNode } = node;
      if (entries.some(([key]) => scalarRules(keyNode, key).length)) {
        problems.add(value, path, `Map keys must satisfy constraint: [${allRulesOf(keyNode)}]`, displayMap);
      }
      const scalarValues = valueNode.kind === 'string' || valueNode.kind === 'integer';
      if (scalarValues && entries.some(([, entryValue]) => entryValue !== null && scalarRules(valueNode, entryValue).length)) {
        problems.add(value, path, `Map value must satisfy constraint: [${allRulesOf(valueNode)}]`, displayMap);
      }
      for (const [key, entryValue] of entries) {
        const valuePath = `${path}.${key}.member`;
        if (entryValue === null) problems.add(null, valuePath, 'Member must not be null');
        else if (!scalarValues) checkConstraints(valueNode, entryValue, valuePath, problems);
      }
      return;
    }
    default:
      for (const rule of scalarRules(node, value)) problems.add(value, path, rule);
  }
}

export type InputValidator = (body: unknown) => Record<string, unknown>;

/** Builds one validator per operation of the model. */
export function compileValidators(model: Model): ReadonlyMap<string, InputValidator> {
  const compile = compileShapes(model);
  const validators = new Map<string, InputValidator>();
  for (const [operation, { input }] of Object.entries(model.operations)) {
    const root = compile(input);
    validators.set(operation, (body) => {
      checkTypes(root, body);
      const problems = new Problems();
      checkConstraints(root, body, '', problems);
      const count = problems.messages.length;
      if (count) {
        throw validationError(`${count} validation error${count === 1 ? '' : 's'} detected: ${problems.messages.join('; ')}`);
      }
      return body as Record<string, unknown>;
    });
  }
  return validators;
}
