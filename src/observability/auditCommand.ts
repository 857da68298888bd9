/** `partnerplane audit`: reads the audit log back from the store, as a table or as JSON. */
import type { Config } from '../config.js';
import { ConfigError } from '../config.js';
import { openStoreReader } from '../store/index.js';
import type { AuditRecord } from '../store/store.js';

export interface AuditCommandOptions {
  account?: string;
  since?: string;
  limit?: string;
  output?: string;
}

export const DEFAULT_AUDIT_LIMIT = 100;
const MAX_AUDIT_LIMIT = 100_000;
const DURATION_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** `--since` is a point in time (ISO 8601, or epoch milliseconds) or a span back from now (`30m`, `2h`, `7d`). */
export function parseSince(text: string, now: number): number {
  const span = /^(\d+)([smhd])$/.exec(text);
  if (span) return now - Number(span[1]) * DURATION_MS[span[2] as keyof typeof DURATION_MS];
  if (/^\d+$/.test(text)) return Number(text);
  const time = Date.parse(text);
  if (Number.isNaN(time)) throw new ConfigError(`--since must be a time (2026-01-31T12:00:00Z) or a span back from now (30m, 2h, 7d), got '${text}'`);
  return time;
}

function parseQuery(options: AuditCommandOptions, now: number) {
  if (options.account !== undefined && !/^\d{12}$/.test(options.account)) {
    throw new ConfigError(`--account must be a 12-digit account id, got '${options.account}'`);
  }
  const limit = options.limit === undefined ? DEFAULT_AUDIT_LIMIT : Number(options.limit);
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_AUDIT_LIMIT) {
    throw new ConfigError(`--limit must be a whole number from 1 to ${MAX_AUDIT_LIMIT}, got '${options.limit}'`);
  }
  const output = options.output ?? 'table';
  if (output !== 'table' && output !== 'json') throw new ConfigError(`--output must be json or table, got '${output}'`);
  return { accountId: options.account, since: options.since === undefined ? undefined : parseSince(options.since, now), limit, output };
}

/** A record as the command shows it: the time in ISO 8601. */
const shown = (record: AuditRecord) => ({ ...record, time: new Date(record.time).toISOString() });

const COLUMNS = [
  ['TIME', 'time'],
  ['ACCOUNT', 'accountId'],
  ['ACCESS KEY', 'accessKeyId'],
  ['PRINCIPAL', 'principal'],
  ['OPERATION', 'operation'],
  ['TARGET', 'target'],
  ['OUTCOME', 'outcome'],
  ['REQUEST ID', 'requestId'],
] as const;

export function auditTable(records: readonly AuditRecord[]): string {
  const rows = [COLUMNS.map(([title]) => title), ...records.map(shown).map((record) => COLUMNS.map(([, key]) => record[key] ?? '-'))];
  const widths = COLUMNS.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd()).join('\n');
}

/**
 * Prints the newest `--limit` records matching the options, oldest first. Throws ConfigError for
 * a bad option.
 */
export async function printAuditLog(config: Config, options: AuditCommandOptions, write: (text: string) => void): Promise<void> {
  const query = parseQuery(options, Date.now());
  const store = await openStoreReader(config);
  try {
    const records = (await store.listAudit(query)).reverse();
    write(query.output === 'json' ? JSON.stringify(records.map(shown), null, 2) : auditTable(records));
  } finally {
    await store.close();
  }
}
