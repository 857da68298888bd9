/**
 * A resource model checked against its CloudFormation resource schema (a JSON Schema draft-07
 * subset: type, enum, pattern, min/maxLength, required, properties, patternProperties,
 * additionalProperties, maxProperties, items, min/maxItems, uniqueItems, $ref to #/definitions).
 * Problems are worded as CloudFormation's schema validator words them, one per line, each after
 * the JSON pointer of the value ("#/ApplicationConfig/AdminUsers/0"), as Cloud Control shows them in
 * "Model validation failed (…)".
 */

export interface JsonSchema {
  type?: string;
  $ref?: string;
  enum?: readonly unknown[];
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  required?: readonly string[];
  properties?: Readonly<Record<string, JsonSchema>>;
  patternProperties?: Readonly<Record<string, JsonSchema>>;
  additionalProperties?: boolean;
  maxProperties?: number;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;
  definitions?: Readonly<Record<string, JsonSchema>>;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The Java class name the validator reports for a JSON value. */
function foundType(value: unknown): string {
  if (value === null) return 'Null';
  if (Array.isArray(value)) return 'JSONArray';
  if (typeof value === 'object') return 'JSONObject';
  if (typeof value === 'number') return Number.isInteger(value) ? 'Integer' : 'BigDecimal';
  return typeof value === 'boolean' ? 'Boolean' : 'String';
}

const EXPECTED_TYPE: Record<string, string> = { string: 'String', boolean: 'Boolean', integer: 'Integer', number: 'Number', object: 'JSONObject', array: 'JSONArray' };

function fitsType(type: string, value: unknown): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'boolean':
      return typeof value === 'boolean';
    case 'integer':
      return Number.isInteger(value);
    case 'number':
      return typeof value === 'number';
    case 'object':
      return isObject(value);
    default:
      return Array.isArray(value);
  }
}

const patterns = new Map<string, RegExp>();
/** Schema patterns are searched for, not anchored (ECMA-262 semantics, as JSON Schema says). */
function patternOf(source: string): RegExp {
  let pattern = patterns.get(source);
  if (!pattern) patterns.set(source, (pattern = new RegExp(source, 'u')));
  return pattern;
}

const escapeToken = (token: string) => token.replace(/~/g, '~0').replace(/\//g, '~1');

class Walker {
  readonly problems: string[] = [];

  constructor(private readonly root: JsonSchema) {}

  private add(pointer: string, problem: string): void {
    this.problems.push(`${pointer}: ${problem}`);
  }

  private resolve(schema: JsonSchema): JsonSchema {
    if (schema.$ref === undefined) return schema;
    const name = schema.$ref.replace(/^#\/definitions\//, '');
    const target = this.root.definitions?.[name];
    if (!target) throw new Error(`schema has no definition ${schema.$ref}`);
    return { ...target, ...schema, $ref: undefined };
  }

  check(given: JsonSchema, value: unknown, pointer: string): void {
    const schema = this.resolve(given);
    if (schema.type !== undefined && !fitsType(schema.type, value)) {
      this.add(pointer, `expected type: ${EXPECTED_TYPE[schema.type] ?? schema.type}, found: ${foundType(value)}`);
      return;
    }
    if (schema.enum && !schema.enum.some((allowed) => allowed === value)) this.add(pointer, `${String(value)} is not a valid enum value`);
    if (typeof value === 'string') this.checkString(schema, value, pointer);
    else if (Array.isArray(value)) this.checkArray(schema, value, pointer);
    else if (isObject(value)) this.checkObject(schema, value, pointer);
  }

  private checkString(schema: JsonSchema, value: string, pointer: string): void {
    const length = [...value].length;
    if (schema.minLength !== undefined && length < schema.minLength) this.add(pointer, `expected minLength: ${schema.minLength}, actual: ${length}`);
    if (schema.maxLength !== undefined && length > schema.maxLength) this.add(pointer, `expected maxLength: ${schema.maxLength}, actual: ${length}`);
    if (schema.pattern && !patternOf(schema.pattern).test(value)) this.add(pointer, `string [${value}] does not match pattern ${schema.pattern}`);
  }

  private checkArray(schema: JsonSchema, value: unknown[], pointer: string): void {
    if (schema.minItems !== undefined && value.length < schema.minItems) this.add(pointer, `expected minimum item count: ${schema.minItems}, found: ${value.length}`);
    if (schema.maxItems !== undefined && value.length > schema.maxItems) this.add(pointer, `expected maximum item count: ${schema.maxItems}, found: ${value.length}`);
    if (schema.uniqueItems && new Set(value.map((item) => JSON.stringify(item))).size !== value.length) this.add(pointer, 'array items are not unique');
    if (schema.items) value.forEach((item, index) => this.check(schema.items!, item, `${pointer}/${index}`));
  }

  private checkObject(schema: JsonSchema, value: Record<string, unknown>, pointer: string): void {
    for (const key of schema.required ?? []) if (!Object.hasOwn(value, key)) this.add(pointer, `required key [${key}] not found`);
    const keys = Object.keys(value);
    if (schema.maxProperties !== undefined && keys.length > schema.maxProperties) this.add(pointer, `maximum size: [${schema.maxProperties}], found: [${keys.length}]`);
    for (const key of keys) {
      const memberPointer = `${pointer}/${escapeToken(key)}`;
      const declared = schema.properties && Object.hasOwn(schema.properties, key) ? schema.properties[key] : undefined;
      const patterned = Object.entries(schema.patternProperties ?? {}).filter(([source]) => patternOf(source).test(key));
      if (declared) this.check(declared, value[key], memberPointer);
      for (const [, member] of patterned) this.check(member, value[key], memberPointer);
      if (!declared && patterned.length === 0 && schema.additionalProperties === false) this.add(pointer, `extraneous key [${key}] is not permitted`);
    }
  }
}

/** Every problem of `model` against `schema`, in document order; empty when it conforms. */
export function schemaProblems(schema: JsonSchema, model: unknown): string[] {
  const walker = new Walker(schema);
  walker.check(schema, model, '#');
  return walker.problems;
}
