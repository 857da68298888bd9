/** The catalog_releases table's row shape, shared by every store. */
import type { PartnerAppType } from '../domain/partnerApp.js';
import type { CatalogRelease } from './store.js';

export interface ReleaseRow {
  seq: number | string;
  type: string;
  version: string;
  entry: string;
  released_at: number | string;
}

export const releaseFromRow = (row: ReleaseRow): CatalogRelease => ({
  seq: Number(row.seq),
  type: row.type as PartnerAppType,
  version: row.version,
  entry: row.entry,
  releasedAt: Number(row.released_at),
});
