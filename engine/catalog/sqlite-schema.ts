/**
 * The schema table itself (page 1) described as a table, so that `SELECT ... FROM sqlite_master`
 * (and sqlite_schema, sqlite_temp_master) run through the ordinary table machinery.
 */
import type { ColumnSchema, TableSchema } from './types.js';
import { TEMP_SCHEMA_ROOT } from './temp-root.js';

function col(name: string, type: string, i: number): ColumnSchema {
  return {
    name,
    type,
    affinity: type === 'int' ? 'INTEGER' : 'TEXT',
    notNull: false,
    notNullConflict: null,
    defaultValue: null,
    collation: 'BINARY',
    pk: 0,
    generated: null,
    hidden: 0,
    recordIndex: i,
  };
}

const COLUMNS: ColumnSchema[] = [col('type', 'text', 0), col('name', 'text', 1), col('tbl_name', 'text', 2), col('rootpage', 'int', 3), col('sql', 'text', 4)];

export const SCHEMA_ROOT = 1;

/** sqlite_schema (or, `temp`, sqlite_temp_schema: an empty table until the connection has a TEMP database). */
export function sqliteSchemaTable(name: string, temp: boolean, hasTemp = false): TableSchema {
  return {
    kind: 'table',
    name,
    sql: `CREATE TABLE ${name}(type text,name text,tbl_name text,rootpage int,sql text)`,
    root: temp ? (hasTemp ? TEMP_SCHEMA_ROOT : -1) : SCHEMA_ROOT,
    temp,
    columns: COLUMNS,
    rowidAlias: -1,
    withoutRowid: false,
    strict: false,
    autoincrement: false,
    primaryKey: [],
    pkConflict: null,
    checks: [],
    foreignKeys: [],
    recordLength: 5,
    hasGenerated: false,
    hasVirtualGenerated: false,
    columnIndex: new Map(COLUMNS.map((c, i) => [c.name, i])),
  };
}
