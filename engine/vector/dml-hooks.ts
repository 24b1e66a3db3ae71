/**
 * The calls the DML path makes into the vector code (compile/dml/writer.ts, delete.ts):
 *  - `coerceVectorValue` / `isVectorDeclType`: VECTOR(n) typing of written values (column.ts);
 *  - `trackVectorWrites`: wraps the table B-tree a TableWriter writes through, recording the
 *    rowids of inserted, overwritten and deleted rows in the write transaction's change record
 *    (state.ts) — only for tables that have VECTOR columns;
 *  - `vectorTableCleared`: the `DELETE FROM t` fast path emptied the table.
 */
import type { SqlValue } from '../common/value.js';
import type { TableSchema } from '../catalog/types.js';
import type { Rowid, TableCursor, TableTree, WriteTxn } from '../storage/api.js';
import { indexableTable } from './catalog.js';
import { vectorColumnsOf } from './column.js';
import { markAll, touch, vectorState, type TableChanges, type VectorEngine } from './state.js';

export { coerceVectorValue, isVectorDeclType } from './column.js';

/** The part of a Connection the hooks use. */
export interface VectorConnection {
  readonly engine: VectorEngine;
  readonly wtx: WriteTxn | null;
}

/** The main-database transaction of a connection's write transaction (a DualTxn wraps it with TEMP). */
export function mainTxn(wtx: WriteTxn | null): WriteTxn | null {
  if (wtx === null) return null;
  const main = (wtx as { main?: WriteTxn }).main;
  return main ?? wtx;
}

const hasVectors = new WeakMap<TableSchema, boolean>();

function tracked(table: TableSchema): boolean {
  let b = hasVectors.get(table);
  if (b === undefined) {
    b = indexableTable(table) && vectorColumnsOf(table).length > 0;
    hasVectors.set(table, b);
  }
  return b;
}

class TrackedTableTree implements TableTree {
  constructor(
    private readonly tree: TableTree,
    private readonly changes: TableChanges,
  ) {}
  get root(): number {
    return this.tree.root;
  }
  cursor(): TableCursor {
    return this.tree.cursor();
  }
  get(rowid: Rowid): readonly SqlValue[] | undefined {
    return this.tree.get(rowid);
  }
  maxRowid(): Rowid {
    return this.tree.maxRowid();
  }
  count(): number {
    return this.tree.count();
  }
  insert(rowid: Rowid, record: readonly SqlValue[], owned?: boolean): void {
    touch(this.changes, rowid);
    this.tree.insert(rowid, record, owned);
  }
  delete(rowid: Rowid): boolean {
    touch(this.changes, rowid);
    return this.tree.delete(rowid);
  }
  clear(): void {
    markAll(this.changes);
    this.tree.clear();
  }
}

/** `tree` itself, or a wrapper recording writes when `table` has VECTOR columns. */
export function trackVectorWrites(conn: VectorConnection, table: TableSchema, tree: TableTree): TableTree {
  if (!tracked(table)) return tree;
  const txn = mainTxn(conn.wtx);
  if (txn === null) return tree;
  return new TrackedTableTree(tree, vectorState(conn.engine).changesFor(txn).table(table.name));
}

/** The `DELETE FROM t` fast path (no per-row writes) emptied `table`. */
export function vectorTableCleared(conn: VectorConnection, table: TableSchema): void {
  if (!tracked(table)) return;
  const txn = mainTxn(conn.wtx);
  if (txn !== null) markAll(vectorState(conn.engine).changesFor(txn).table(table.name));
}
