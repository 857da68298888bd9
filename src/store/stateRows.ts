/** Rows of the state the admin API exports, shared by every store so both build the snapshot alike. */
import type { PartnerAppType, Tag } from '../domain/partnerApp.js';
import { requestFromRow, type RequestRow } from './requestRows.js';
import { appFromRow, type AppRow } from './rows.js';
import type { IdempotencyRecord, StateSnapshot } from './store.js';

export interface IdempotencyRow {
  account_id: string;
  region: string;
  operation: string;
  token: string;
  request_hash: string;
  response: string;
  created_at: number;
}

export const idempotencyFromRow = (row: IdempotencyRow): IdempotencyRecord => ({
  accountId: row.account_id,
  region: row.region,
  operation: row.operation,
  token: row.token,
  requestHash: row.request_hash,
  response: row.response,
  createdAt: Number(row.created_at),
});

export interface StateRows {
  /** In insertion order (seq). */
  apps: AppRow[];
  tags: { arn: string; key: string; value: string }[];
  idempotency: IdempotencyRow[];
  usedTokens: { token_id: string; expires_at: number }[];
  failingCreates: string[];
  /** In insertion order (seq). */
  requests: RequestRow[];
}

export function snapshotFromRows(rows: StateRows): StateSnapshot {
  const tagsByArn = new Map<string, Tag[]>();
  for (const row of rows.tags) {
    const tags = tagsByArn.get(row.arn) ?? [];
    tags.push({ Key: row.key, Value: row.value });
    tagsByArn.set(row.arn, tags);
  }
  return {
    apps: rows.apps.map((row) => ({ app: appFromRow(row), tags: tagsByArn.get(row.arn) ?? [] })),
    idempotency: rows.idempotency.map(idempotencyFromRow),
    usedTokens: rows.usedTokens.map((row) => ({ tokenId: row.token_id, expiresAt: Number(row.expires_at) })),
    failingCreates: rows.failingCreates as PartnerAppType[],
    // Without seq: an import gives each its place anew, in the same order.
    resourceRequests: rows.requests.map((row) => {
      const { seq: _seq, ...request } = requestFromRow(row);
      return request;
    }),
  };
}
