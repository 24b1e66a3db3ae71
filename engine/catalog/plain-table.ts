/**
 * TableSchema objects for tables that no CREATE TABLE statement describes: sqlite_schema itself,
 * and a view's result columns seen as a table by its INSTEAD OF triggers. Plain columns in
 * record order, no keys, no constraints.
 */
import type { Affinity } from '../sql/semantics/affinity.js';
import type { ColumnSchema, TableSchema } from './types.js';

/** A column without constraints, stored at record position `i`. */
export function plainColumn(name: string, type: string, affinity: Affinity, collation: string, i: number): ColumnSchema {
  return {
    name,
    type,
    affinity,
    notNull: false,
    notNullConflict: null,
    defaultValue: null,
    collation,
    pk: 0,
    generated: null,
    hidden: 0,
    recordIndex: i,
  };
}

/** A table of plain columns (`withoutRowid` marks one whose rows have no rowid). */
export function plainTable(name: string, sql: string, root: number, temp: boolean, columns: readonly ColumnSchema[], withoutRowid: boolean, columnIndex: ReadonlyMap<string, number>): TableSchema {
  return {
    kind: 'table',
    name,
    sql,
    root,
    temp,
    columns,
    rowidAlias: -1,
    withoutRowid,
    strict: false,
    autoincrement: false,
    primaryKey: [],
    pkConflict: null,
    checks: [],
    foreignKeys: [],
    recordLength: columns.length,
    hasGenerated: false,
    hasVirtualGenerated: false,
    columnIndex,
  };
}
