/** The audit_log table's row shape, shared by every store. */
import type { AuditRecord } from './store.js';

export interface AuditRow {
  time: number | string;
  account_id: string | null;
  access_key_id: string | null;
  principal: string | null;
  operation: string;
  target: string | null;
  request_id: string;
  outcome: string;
}

export const AUDIT_COLUMNS = 'time, account_id, access_key_id, principal, operation, target, request_id, outcome';

/** Values in AUDIT_COLUMNS order. */
export const auditToRow = (record: AuditRecord): unknown[] => [
  record.time,
  record.accountId ?? null,
  record.accessKeyId ?? null,
  record.principal ?? null,
  record.operation,
  record.target ?? null,
  record.requestId,
  record.outcome,
];

export const auditFromRow = (row: AuditRow): AuditRecord => ({
  time: Number(row.time),
  accountId: row.account_id ?? undefined,
  accessKeyId: row.access_key_id ?? undefined,
  principal: row.principal ?? undefined,
  operation: row.operation,
  target: row.target ?? undefined,
  requestId: row.request_id,
  outcome: row.outcome,
});
