/**
 * Reading and writing the rows of sqlite_schema (the table B-tree rooted at page 1):
 * type TEXT, name TEXT, tbl_name TEXT, rootpage INTEGER, sql TEXT.
 * Internal tables of heliosdb (`_helios_*`) are ordinary rows here; the SQL layer hides them.
 */
import { sqliteError } from '../common/errors.js';
import type { SqlValue } from '../common/value.js';
import type { PageView, Rowid, WriteTxn } from '../storage/api.js';
import { Schema } from './schema.js';
import type { SchemaRow } from './types.js';
import { attachVectorCatalog } from '../vector/catalog.js'; // vector: declared vector indexes

export const SCHEMA_ROOT_PAGE = 1;

export function readSchemaRows(view: PageView): { rows: SchemaRow[]; rowids: Rowid[] } {
  const t = view.openTable(SCHEMA_ROOT_PAGE);
  const c = t.cursor();
  const rows: SchemaRow[] = [];
  const rowids: Rowid[] = [];
  for (let ok = c.first(); ok; ok = c.next()) {
    const r = c.record();
    const rootpage = r[3];
    rows.push({
      type: String(r[0] ?? ''),
      name: String(r[1] ?? ''),
      tblName: String(r[2] ?? ''),
      rootpage: typeof rootpage === 'number' ? rootpage : typeof rootpage === 'bigint' ? Number(rootpage) : 0,
      sql: typeof r[4] === 'string' ? r[4] : null,
    });
    rowids.push(c.rowid());
  }
  return { rows, rowids };
}

/** The schema of the database `view` belongs to (`temp`: the connection's TEMP database, read through its own page numbers). */
export function loadSchema(view: PageView, temp = false): Schema {
  const { rows } = readSchemaRows(view);
  try {
    const schema = new Schema(rows, view.header.schemaCookie, temp);
    if (!temp) attachVectorCatalog(schema, view); // vector: declared vector indexes live in _helios_vector_indexes (engine/vector/catalog.ts)
    return schema;
  } catch (e) {
    if (e instanceof Error && 'code' in e && (e as { code: string }).code === 'SQLITE_CORRUPT') throw e;
    throw sqliteError(`malformed database schema - ${(e as Error).message}`, 'SQLITE_CORRUPT');
  }
}

export function insertSchemaRow(tx: WriteTxn, row: SchemaRow): void {
  const t = tx.openTable(SCHEMA_ROOT_PAGE);
  const max = t.maxRowid();
  const rowid = typeof max === 'bigint' ? max + 1n : max + 1;
  const rec: SqlValue[] = [row.type, row.name, row.tblName, row.rootpage, row.sql];
  t.insert(rowid, rec);
}

/** Deletes schema rows matching the predicate; returns the removed rows. */
export function deleteSchemaRows(tx: WriteTxn, pred: (r: SchemaRow) => boolean): SchemaRow[] {
  const { rows, rowids } = readSchemaRows(tx);
  const t = tx.openTable(SCHEMA_ROOT_PAGE);
  const removed: SchemaRow[] = [];
  rows.forEach((r, i) => {
    if (pred(r)) {
      t.delete(rowids[i]);
      removed.push(r);
    }
  });
  return removed;
}

/** Rewrites schema rows in place (same rowid) with `f`, which returns the new row or null to keep it. */
export function updateSchemaRows(tx: WriteTxn, f: (r: SchemaRow) => SchemaRow | null): void {
  const { rows, rowids } = readSchemaRows(tx);
  const t = tx.openTable(SCHEMA_ROOT_PAGE);
  rows.forEach((r, i) => {
    const n = f(r);
    if (n) t.insert(rowids[i], [n.type, n.name, n.tblName, n.rootpage, n.sql]);
  });
}

export function bumpSchemaCookie(tx: WriteTxn): void {
  tx.header.schemaCookie = (tx.header.schemaCookie + 1) | 0;
}
