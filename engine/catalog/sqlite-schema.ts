/**
 * The schema table itself (page 1) described as a table, so that `SELECT ... FROM sqlite_master`
 * (and sqlite_schema, sqlite_temp_master) run through the ordinary table machinery.
 */
import type { ColumnSchema, TableSchema } from './types.js';
import { TEMP_SCHEMA_ROOT } from './temp-root.js';
import { plainColumn, plainTable } from './plain-table.js';

function col(name: string, type: string, i: number): ColumnSchema {
  return plainColumn(name, type, type === 'int' ? 'INTEGER' : 'TEXT', 'BINARY', i);
}

const COLUMNS: ColumnSchema[] = [col('type', 'text', 0), col('name', 'text', 1), col('tbl_name', 'text', 2), col('rootpage', 'int', 3), col('sql', 'text', 4)];
const COLUMN_INDEX = new Map(COLUMNS.map((c, i) => [c.name, i]));

export const SCHEMA_ROOT = 1;

/** sqlite_schema (or, `temp`, sqlite_temp_schema: an empty table until the connection has a TEMP database). */
export function sqliteSchemaTable(name: string, temp: boolean, hasTemp = false): TableSchema {
  const sql = `CREATE TABLE ${name}(type text,name text,tbl_name text,rootpage int,sql text)`;
  return plainTable(name, sql, temp ? (hasTemp ? TEMP_SCHEMA_ROOT : -1) : SCHEMA_ROOT, temp, COLUMNS, false, COLUMN_INDEX);
}
