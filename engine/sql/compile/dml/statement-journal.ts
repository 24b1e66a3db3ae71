/**
 * Whether SQLite opens a statement journal for an INSERT or UPDATE: Vdbe.usesStmtJournal is
 * Parse.isMultiWrite && Parse.mayAbort. Without one, an error in the middle of a multi-row
 * statement (a rowid that is not an integer: "datatype mismatch"; a STRICT type error) leaves the
 * rows written before it in place when a transaction is open, because sqlite3VdbeHalt then has
 * no statement savepoint to roll back (in autocommit mode the whole transaction is rolled back).
 *
 * Parse.mayAbort is set while the statement is coded by (sqlite3MayAbort callers):
 *  - every call of a non-inline SQL function (sqlite3VdbeAddFunctionCall), which includes LIKE,
 *    GLOB, REGEXP, MATCH and the -> / ->> operators;
 *  - a NOT NULL, CHECK, rowid or UNIQUE check resolved by ABORT (sqlite3HaltConstraint), where an
 *    UPDATE only checks what the changed columns touch;
 *  - foreign key checks and trigger programs;
 *  - an upsert's DO UPDATE, coded as an UPDATE of its SET columns with OE_Abort
 *    (sqlite3UpsertDoUpdate): the checks that UPDATE makes. A conflict an upsert clause resolves
 *    (its target's index, or any for a clause without target) is no ABORT check of the INSERT.
 *
 * `mayAbort` answers conservatively (true when unsure): true keeps the ordinary statement
 * rollback, which is what every statement with a constraint that can abort gets anyway.
 */
import type { ConflictAction, UpsertClause } from '../../ast.js';
import type { IndexSchema, TableSchema } from '../../../catalog/types.js';
import type { CompileCtx } from '../context.js';
import type { Connection } from '../../connection.js';
import { astSome } from './ast-walk.js';
import { indexMatches, upsertTargetColumns } from './insert.js';

/** Functions SQLite codes inline (no OP_Function): sqlite3ExprCodeTarget's INLINEFUNC list. */
const INLINE_FUNCTIONS = new Set(['coalesce', 'ifnull', 'iif', 'if', 'likely', 'unlikely', 'likelihood', 'affinity']);

export interface WriteShape {
  readonly table: TableSchema;
  readonly orAction: ConflictAction | null;
  /** The statement's AST (every expression in it is coded). */
  readonly stmt: object;
  /** INSERT: columns given no value (their DEFAULT is coded). UPDATE: null. */
  readonly defaulted: readonly number[] | null;
  /** UPDATE: the columns assigned. INSERT: null (every column is new). */
  readonly changed: ReadonlySet<number> | null;
  /** Whether the statement gives a rowid (INSERT) or may change it (UPDATE). */
  readonly rowidChanges: boolean;
  readonly hasUpsert: boolean;
}

export function mayAbort(cx: CompileCtx, conn: Connection, w: WriteShape): boolean {
  const t = w.table;
  const key = t.name.toLowerCase();
  if (cx.schema.triggersOf(t.name).length > 0) return true;
  const upserts = w.hasUpsert ? ((w.stmt as { upsert?: readonly UpsertClause[] }).upsert ?? []) : [];
  for (const u of upserts) {
    if (!u.update) continue;
    const changed = new Set<number>();
    for (const set of u.update.sets) for (const name of set.columns) changed.add(t.columnIndex.get(name.toLowerCase()) ?? -1);
    const rowidChanges = t.rowidAlias >= 0 && changed.has(t.rowidAlias);
    if (mayAbort(cx, conn, { table: t, orAction: 'ABORT', stmt: u.update, defaulted: null, changed, rowidChanges, hasUpsert: false })) return true;
  }
  const catchAll = upserts.some((u) => u.target === null);
  const targets = upserts.map((u) => ({ u, cols: upsertTargetColumns(t, u) }));
  /**
   * Whether an upsert clause resolves a conflict on the rowid or this index: its target names
   * exactly the rowid or the index's columns (collations, partial WHERE), as
   * sqlite3UpsertAnalyzeTarget matches it; a target that is a superset of the columns does not.
   */
  const resolved = (on: 'rowid' | IndexSchema | null): boolean =>
    catchAll ||
    (on !== null &&
      targets.some(({ u, cols }) =>
        cols !== null && (on === 'rowid' ? cols.cols.length === 1 && cols.cols[0] === t.rowidAlias && t.rowidAlias >= 0 : indexMatches(on, cols.cols, cols.colls, u.targetWhere)),
      ));
  if (conn.pragmas.foreignKeys && (t.foreignKeys.length > 0 || (cx.schema.referencedBy.get(key)?.length ?? 0) > 0)) return true;
  if (callsFunction(w.stmt)) return true;
  for (const ci of w.defaulted ?? []) {
    const d = t.columns[ci].defaultValue;
    if (d && callsFunction(d.expr)) return true;
  }
  const changes = (ci: number) => w.changed === null || w.changed.has(ci) || !!t.columns[ci].generated;
  for (let ci = 0; ci < t.columns.length; ci++) {
    const c = t.columns[ci];
    if (c.generated && callsFunction(c.generated.expr)) return true;
    if (!c.notNull || ci === t.rowidAlias || !changes(ci)) continue;
    // REPLACE is ABORT without a DEFAULT, and with one the second pass over the columns
    // checks it again as ABORT (sqlite3GenerateConstraintChecks): both may abort
    const action = w.orAction ?? c.notNullConflict ?? 'ABORT';
    if (action === 'ABORT' || action === 'REPLACE') return true;
  }
  const checkAction = w.orAction ?? 'ABORT';
  for (const k of t.checks) {
    if (w.changed !== null && !w.rowidChanges && !referencesColumn(k.expr, t, w.changed)) continue;
    if (checkAction === 'ABORT' || checkAction === 'REPLACE' || callsFunction(k.expr)) return true;
  }
  if (w.rowidChanges && !t.withoutRowid && !resolved('rowid') && (w.orAction ?? t.pkConflict ?? 'ABORT') === 'ABORT') return true;
  for (const idx of cx.schema.indexesOf(t.name)) {
    if (idx.partial && callsFunction(idx.partial)) return true;
    if (idx.columns.some((c) => c.expr !== null && callsFunction(c.expr))) return true;
    if (!idx.unique) continue;
    const touched =
      w.changed === null || w.rowidChanges || t.withoutRowid || idx.partial !== null || idx.columns.some((c) => c.column < 0 || w.changed!.has(c.column));
    if (touched && !resolved(idx) && (w.orAction ?? idx.onConflict ?? 'ABORT') === 'ABORT') return true;
  }
  const pk = t.withoutRowid ? [...cx.schema.indexes.values()].find((i) => i.origin === 'pk' && i.table.toLowerCase() === key && i.root === t.root) ?? null : null;
  if (t.withoutRowid && !resolved(pk) && (w.orAction ?? t.pkConflict ?? 'ABORT') === 'ABORT') return true;
  return false;
}

/** Whether an AST contains a call SQLite codes with OP_Function. */
function callsFunction(node: unknown): boolean {
  return astSome(node, (n) =>
    (n.kind === 'Function' && !INLINE_FUNCTIONS.has((n.name ?? '').toLowerCase())) ||
    n.kind === 'Like' || n.kind === 'TableFunctionRef' ||
    (n.kind === 'Binary' && (n.op === '->' || n.op === '->>')));
}

/** sqlite3ExprReferencesUpdatedColumn, by name (CHECK expressions name only the table's columns). */
function referencesColumn(node: unknown, t: TableSchema, changed: ReadonlySet<number>): boolean {
  return astSome(node, (n) => {
    if (n.kind !== 'Column') return false;
    const ci = t.columnIndex.get((n.name ?? '').toLowerCase());
    return ci === undefined || changed.has(ci);
  });
}

/**
 * Marks an error raised by a statement without a statement journal so that the connection keeps
 * the rows it wrote (the FAIL path of runWrite), inside an explicit transaction only.
 */
export function keepWritesOnError(conn: Connection, e: unknown): void {
  if (!conn.explicit || typeof e !== 'object' || e === null) return;
  const flags = e as { rollback?: boolean; fail?: boolean };
  if (!flags.rollback) flags.fail = true;
}
