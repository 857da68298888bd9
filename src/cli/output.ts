/** How `partnerplane apps` prints results: JSON as the AWS CLI prints it, or aligned text tables. */

export type OutputFormat = 'json' | 'table';

export const OUTPUT_FORMATS: readonly OutputFormat[] = ['json', 'table'];

/** The SDK's answer without its transport metadata. */
export function withoutMetadata<T extends object>(output: T): Omit<T, '$metadata'> {
  const { $metadata: _, ...rest } = output as T & { $metadata?: unknown };
  return rest;
}

const cellText = (value: unknown): string => {
  if (value instanceof Date) return value.toISOString().replace(/\.000Z$/, 'Z');
  if (Array.isArray(value)) return value.map(cellText).join(', ');
  if (value === undefined || value === null) return '';
  return String(value);
};

/** Rows of cells as columns padded to their widest cell, the first row as the header. */
function columns(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]!.map((_, index) => Math.max(...rows.map((row) => row[index]!.length)));
  return rows.map((row) => row.map((cell, index) => (index === row.length - 1 ? cell : cell.padEnd(widths[index]!))).join('  ')).join('\n');
}

/** One row per item, one column per listed field. */
export function table<Item extends object>(items: readonly Item[], fields: readonly (keyof Item & string)[]): string {
  if (items.length === 0) return '(none)';
  return columns([fields.map((field) => field.toUpperCase()), ...items.map((item) => fields.map((field) => cellText(item[field])))]);
}

/** Nested members become dotted names: MaintenanceConfig.MaintenanceWindowStart. */
function flatten(value: Record<string, unknown>, prefix = ''): [string, string][] {
  return Object.entries(value).flatMap(([key, member]): [string, string][] => {
    if (member === undefined) return [];
    const name = `${prefix}${key}`;
    const isStructure = typeof member === 'object' && member !== null && !Array.isArray(member) && !(member instanceof Date);
    return isStructure ? flatten(member as Record<string, unknown>, `${name}.`) : [[name, cellText(member)]];
  });
}

/** One object as a two-column table of its members. */
export function record(value: Record<string, unknown>): string {
  return columns(flatten(value)).trimEnd();
}

export const json = (value: unknown): string => JSON.stringify(value, null, 2);
