/**
 * Schema objects as the engine uses them, built from the CREATE statements stored in
 * sqlite_schema. They are immutable snapshots: a schema change builds a new Schema.
 */
import type {
  ConflictAction,
  CreateTriggerStmt,
  Expr,
  FkAction,
  SelectStmt,
} from '../sql/ast.js';
import type { Affinity } from '../sql/semantics/affinity.js';

export interface ColumnSchema {
  readonly name: string;
  /** Declared type as written, or '' when absent (PRAGMA table_info shows ''). */
  readonly type: string;
  readonly affinity: Affinity;
  readonly notNull: boolean;
  readonly notNullConflict: ConflictAction | null;
  readonly defaultValue: { readonly expr: Expr; readonly text: string } | null;
  /** Collation name as declared (upper-case canonical for built-ins), default 'BINARY'. */
  readonly collation: string;
  /** 1-based position in the PRIMARY KEY, 0 if not part of it. */
  readonly pk: number;
  readonly generated: { readonly expr: Expr; readonly text: string; readonly stored: boolean } | null;
  /** PRAGMA table_xinfo.hidden: 0 normal, 2 virtual generated, 3 stored generated. */
  readonly hidden: 0 | 2 | 3;
  /**
   * Where the column's value sits in the stored record, or -1 for VIRTUAL generated columns
   * (computed, never stored). For rowid tables this is the declaration position among stored
   * columns; for WITHOUT ROWID tables the PK columns come first.
   */
  readonly recordIndex: number;
}

export interface IndexColumnSchema {
  /** Table column index, -1 for the rowid, -2 for an expression. */
  readonly column: number;
  readonly expr: Expr | null;
  readonly collation: string;
  readonly desc: boolean;
  /** Source text of the expression (for index_xinfo name null) */
  readonly name: string | null;
}

export interface IndexSchema {
  readonly kind: 'index';
  readonly name: string;
  readonly table: string;
  readonly root: number;
  readonly unique: boolean;
  readonly onConflict: ConflictAction | null;
  /** 'c' CREATE INDEX, 'u' UNIQUE constraint, 'pk' PRIMARY KEY constraint */
  readonly origin: 'c' | 'u' | 'pk';
  readonly partial: Expr | null;
  /** The indexed columns (the key columns before the rowid / PK suffix). */
  readonly columns: readonly IndexColumnSchema[];
  /** sqlite_schema.sql, null for automatic indexes */
  readonly sql: string | null;
}

export interface ForeignKeySchema {
  readonly id: number;
  /** Child columns (this table), as indexes. */
  readonly from: readonly number[];
  readonly parentTable: string;
  /** Parent column names as written (null = the parent's primary key). */
  readonly to: readonly string[] | null;
  readonly onDelete: FkAction;
  readonly onUpdate: FkAction;
  readonly match: string;
  readonly deferred: boolean;
}

export interface CheckSchema {
  readonly name: string | null;
  readonly expr: Expr;
  readonly text: string;
}

export interface TableSchema {
  readonly kind: 'table';
  readonly name: string;
  readonly sql: string;
  readonly root: number;
  readonly temp: boolean;
  readonly columns: readonly ColumnSchema[];
  /** Index of the INTEGER PRIMARY KEY column aliasing the rowid, or -1. */
  readonly rowidAlias: number;
  readonly withoutRowid: boolean;
  readonly strict: boolean;
  readonly autoincrement: boolean;
  /** Primary key column indexes in key order (empty when the table has no declared PK). */
  readonly primaryKey: readonly number[];
  readonly pkConflict: ConflictAction | null;
  readonly checks: readonly CheckSchema[];
  readonly foreignKeys: readonly ForeignKeySchema[];
  /** Number of values in a stored record (columns minus VIRTUAL generated ones). */
  readonly recordLength: number;
  readonly hasGenerated: boolean;
  readonly hasVirtualGenerated: boolean;
  /** Lower-cased column name -> column index. */
  readonly columnIndex: ReadonlyMap<string, number>;
}

export interface ViewSchema {
  readonly kind: 'view';
  readonly name: string;
  readonly sql: string;
  readonly temp: boolean;
  readonly columnNames: readonly string[] | null;
  readonly select: SelectStmt;
}

export interface TriggerSchema {
  readonly kind: 'trigger';
  readonly name: string;
  readonly table: string;
  readonly sql: string;
  readonly temp: boolean;
  readonly stmt: CreateTriggerStmt;
}

/** A row of sqlite_schema. */
export interface SchemaRow {
  readonly type: string;
  readonly name: string;
  readonly tblName: string;
  readonly rootpage: number;
  readonly sql: string | null;
}
