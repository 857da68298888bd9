/**
 * Paging, for every store: a page of `limit` is read as one row more, which only says that a next
 * page exists; the next page starts after the last row kept.
 */
import type { Page } from './store.js';

/** How many rows to read for a page of `limit`. */
export const rowsForPage = (limit: number): number => limit + 1;

/** The page from rows read with rowsForPage (`rows` loses its extra row). */
export function pageOf<Row, Item, Cursor>(rows: Row[], limit: number, item: (row: Row) => Item, cursor: (row: Row) => Cursor): Page<Item, Cursor> {
  const more = rows.length > limit;
  if (more) rows.pop();
  return { items: rows.map(item), next: more ? cursor(rows[rows.length - 1]!) : undefined };
}
