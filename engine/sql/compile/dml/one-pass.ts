/**
 * Which order an UPDATE or DELETE visits its rows in, as SQLite's eOnePass decides it
 * (sqlite3Update, sqlite3DeleteFrom, sqlite3WhereBegin with WHERE_ONEPASS_DESIRED):
 *
 * - one-pass (ONEPASS_SINGLE / ONEPASS_MULTI): each row is changed as the WHERE loop finds it,
 *   so in the loop's order (an index's order when the loop reads an index);
 * - two-pass (ONEPASS_OFF): the loop first collects the rowids (PRIMARY KEYs) into a RowSet or
 *   an ephemeral table, which hands them back sorted: rows are changed in rowid (PRIMARY KEY)
 *   order whatever the loop read.
 *
 * The order is observable through UPDATE OR IGNORE / OR FAIL conflicts, triggers and RETURNING.
 * Our executor collects first (unless it reads rows by rowid); updateInLoopOrder says whether
 * to keep the collected order or sort it. A DELETE is one-pass only when nothing can observe
 * its order (no triggers, RETURNING, foreign keys or subqueries: bComplex), so it always sorts.
 */
import type { Expr, UpdateStmt } from '../../ast.js';
import type { IndexSchema, TableSchema } from '../../../catalog/types.js';
import type { Connection } from '../../connection.js';
import type { CompileCtx } from '../context.js';
import { astSome, type AstNode } from './ast-walk.js';

const isSubquery = (n: AstNode): boolean => n.kind === 'Subquery' || n.kind === 'Exists' || n.kind === 'InSelect';

/** Whether `e` reads one of the `changed` columns of `table` (sqlite3ExprReferencesUpdatedColumn). */
function readsChanged(table: TableSchema, e: Expr | null, changed: ReadonlySet<number>): boolean {
  return astSome(e, (n) => {
    if (n.kind !== 'Column') return false;
    const ci = n.name === undefined ? undefined : table.columnIndex.get(n.name.toLowerCase());
    return ci !== undefined && changed.has(ci);
  });
}

/** The index's key must be rewritten by the UPDATE (indexColumnIsBeingUpdated, indexWhereClauseMightChange). */
export function indexChanged(table: TableSchema, idx: IndexSchema, changed: ReadonlySet<number>): boolean {
  if (readsChanged(table, idx.partial, changed)) return true;
  return idx.columns.some((c) => (c.column >= 0 ? changed.has(c.column) : c.column === -2 && readsChanged(table, c.expr, changed)));
}

/** sqlite3FkRequired for an UPDATE: foreign key processing is needed for the changed columns. */
function fkRequired(cx: CompileCtx, conn: Connection, table: TableSchema, changed: ReadonlySet<number>): boolean {
  if (!conn.pragmas.foreignKeys) return false;
  if (table.foreignKeys.some((fk) => fk.from.some((c) => changed.has(c)))) return true;
  for (const ref of cx.schema.referencedBy.get(table.name.toLowerCase()) ?? []) {
    const fk = ref.child.foreignKeys[ref.fk];
    const parentCols = fk?.to ? fk.to.map((n) => table.columnIndex.get(n.toLowerCase()) ?? -1) : table.primaryKey;
    if (parentCols.some((c) => changed.has(c) || (c === table.rowidAlias && changed.has(-1)))) return true;
  }
  return false;
}

/**
 * Whether SQLite updates the rows of this single-table UPDATE (no FROM, ORDER BY or LIMIT) in
 * the WHERE loop's order; `index` is the secondary index the loop reads (null: the table).
 */
export function updateInLoopOrder(cx: CompileCtx, conn: Connection, table: TableSchema, stmt: UpdateStmt, changed: ReadonlySet<number>, index: IndexSchema | null): boolean {
  // WHERE_ONEPASS_MULTIROW: nothing may disturb the loop's cursor
  if (stmt.returning) return false;
  const names = new Set([...changed].filter((c) => c >= 0).map((c) => table.columns[c].name.toLowerCase()));
  const triggers = cx.schema.triggersOf(table.name).some((t) => t.stmt.event === 'UPDATE' && (t.stmt.updateOf === null || t.stmt.updateOf.some((n) => names.has(n.toLowerCase()))));
  if (triggers) return false;
  if (fkRequired(cx, conn, table, changed)) return false;
  const chngKey = table.withoutRowid ? table.primaryKey.some((c) => changed.has(c)) : (table.rowidAlias >= 0 && changed.has(table.rowidAlias)) || changed.has(-1);
  if (chngKey) return false;
  if (stmt.orAction === 'REPLACE') return false;
  const indexes = cx.schema.indexesOf(table.name);
  if (stmt.orAction === null && indexes.some((i) => i.onConflict === 'REPLACE' && indexChanged(table, i, changed))) return false;
  if (astSome(stmt.where, isSubquery)) return false;
  // ONEPASS_MULTI falls back to ONEPASS_OFF when the loop's index is one the UPDATE rewrites
  return index === null || !indexChanged(table, index, changed);
}
