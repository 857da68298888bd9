/** The apps table's row shape, shared by every store so both map the domain the same way. */
import type { PartnerApp, PartnerAppStatus, PartnerAppSummary, PartnerAppType, Tag } from '../domain/partnerApp.js';

export interface AppRow {
  arn: string;
  account_id: string;
  region: string;
  name: string;
  type: string;
  status: string;
  settings: string;
  version: string;
  base_url: string | null;
  error_code: string | null;
  error_reason: string | null;
  creation_time: number;
  last_modified_time: number;
  pending_update: string | null;
  due_at: number | null;
  fail_transition: number;
  backend: string | null;
}

export interface SummaryRow {
  seq: number;
  arn: string;
  name: string;
  type: string;
  status: string;
  creation_time: number;
}

/** What never changes once an app is created: a save leaves these columns, and the indexes on them, alone. */
const APP_IDENTITY_COLUMNS = 'arn, account_id, region, name, type, creation_time';
/** What a save writes. */
export const APP_STATE_COLUMNS = 'status, settings, version, base_url, error_code, error_reason, last_modified_time, pending_update, due_at, fail_transition, backend';
export const APP_COLUMNS = `${APP_IDENTITY_COLUMNS}, ${APP_STATE_COLUMNS}`;

export function appFromRow(row: AppRow): PartnerApp {
  return {
    arn: row.arn,
    accountId: row.account_id,
    region: row.region,
    name: row.name,
    type: row.type as PartnerAppType,
    status: row.status as PartnerAppStatus,
    settings: JSON.parse(row.settings),
    version: row.version,
    baseUrl: row.base_url ?? undefined,
    error: row.error_code === null ? undefined : { code: row.error_code, reason: row.error_reason ?? '' },
    creationTime: Number(row.creation_time),
    lastModifiedTime: Number(row.last_modified_time),
    pendingUpdate: row.pending_update === null ? undefined : JSON.parse(row.pending_update),
    dueAt: row.due_at === null ? undefined : Number(row.due_at),
    failTransition: Boolean(row.fail_transition),
    ...(row.backend !== null && { backend: JSON.parse(row.backend) }),
  };
}

/** A row read as values in APP_COLUMNS order. */
type AppRowValues = [string, string, string, string, string, number, string, string, string, string | null, string | null, string | null, number, string | null, number | null, number, string | null];

/** The row from values in APP_COLUMNS order, for a store that reads rows as arrays. */
export function appRowFromValues(values: readonly unknown[]): AppRow {
  const [arn, account_id, region, name, type, creation_time, status, settings, version, base_url, error_code, error_reason, last_modified_time, pending_update, due_at, fail_transition, backend] =
    values as AppRowValues;
  return { arn, account_id, region, name, type, status, settings, version, base_url, error_code, error_reason, creation_time, last_modified_time, pending_update, due_at, fail_transition, backend };
}

/** The app from values in APP_COLUMNS order. */
export const appFromValues = (values: readonly unknown[]): PartnerApp => appFromRow(appRowFromValues(values));

/** Values in APP_COLUMNS order. */
export function appToRow(app: PartnerApp): unknown[] {
  return [app.arn, app.accountId, app.region, app.name, app.type, app.creationTime, ...appStateToRow(app)];
}

/** Values in APP_STATE_COLUMNS order. */
export function appStateToRow(app: PartnerApp): unknown[] {
  return [
    app.status,
    JSON.stringify(app.settings),
    app.version,
    app.baseUrl ?? null,
    app.error?.code ?? null,
    app.error?.reason ?? null,
    app.lastModifiedTime,
    app.pendingUpdate ? JSON.stringify(app.pendingUpdate) : null,
    app.dueAt ?? null,
    app.failTransition ? 1 : 0,
    app.backend ? JSON.stringify(app.backend) : null,
  ];
}

export const summaryFromRow = (row: SummaryRow): PartnerAppSummary => ({
  arn: row.arn,
  name: row.name,
  type: row.type as PartnerAppType,
  status: row.status as PartnerAppStatus,
  creationTime: Number(row.creation_time),
});

/**
 * Tags as a column of keys and one of values. The last value given for a key wins, as if the tags
 * were applied one by one.
 */
export function tagColumns(tags: Tag[]): [string[], string[]] {
  const byKey = new Map(tags.map((tag) => [tag.Key, tag.Value]));
  return [[...byKey.keys()], [...byKey.values()]];
}
