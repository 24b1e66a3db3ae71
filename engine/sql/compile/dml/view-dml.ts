/**
 * INSERT, UPDATE and DELETE on a view that has INSTEAD OF triggers for that event (as SQLite's
 * sqlite3MaterializeView path does): the view rows the statement addresses are computed first
 * (a SELECT over the view with the statement's WHERE / ORDER BY / LIMIT, and for UPDATE the new
 * values beside them), then the INSTEAD OF triggers fire once per row with OLD and NEW. Nothing
 * is written to the view itself, so the statement reports no changes.
 */
import { sqliteError } from '../../../common/errors.js';
import type { SqlValue } from '../../../common/value.js';
import type { TableSchema, ViewSchema } from '../../../catalog/types.js';
import { plainColumn, plainTable } from '../../../catalog/plain-table.js';
import type { DeleteStmt, Expr, InsertStmt, ResultColumn, SelectStmt, UpdateStmt } from '../../ast.js';
import type { Connection } from '../../connection.js';
import type { CompileCtx, ResultColumnInfo } from '../context.js';
import type { Scope } from '../scope.js';
import type { RunPlan } from '../statement.js';
import { Triggers } from './triggers.js';
import { dmlRun, drainRows } from './common.js';
import { autoincTables } from './autoincrement.js';

type Event = 'INSERT' | 'UPDATE' | 'DELETE';

/** The view to modify through INSTEAD OF triggers, or null when `name` is not such a view (the caller reports the error). */
export function insteadOfView(cx: CompileCtx, name: string, db: 'main' | 'temp' | null, event: Event, setColumns: readonly string[] | null = null): ViewSchema | null {
  if (cx.schema.table(name, db)) return null;
  const view = cx.schema.view(name, db);
  if (!view) return null;
  // an UPDATE OF trigger applies only when the statement assigns one of its columns
  const applies = (of: readonly string[] | null) => of === null || setColumns === null || of.some((c) => setColumns.some((s) => eq(s, c)));
  return cx.schema.triggersOf(view.name).some((t) => t.stmt.timing === 'INSTEAD OF' && t.stmt.event === event && applies(t.stmt.updateOf)) ? view : null;
}

const eq = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** The view's columns described as a table, for the NEW / OLD pseudo-tables of its triggers. */
function viewTable(view: ViewSchema, cols: readonly ResultColumnInfo[]): TableSchema {
  const columns = cols.map((c, i) => plainColumn(view.columnNames?.[i] ?? c.name, c.type ?? '', c.affinity ?? 'BLOB', c.collation, i));
  return plainTable(view.name, view.sql, -1, view.temp, columns, true, new Map(columns.map((c, i) => [c.name.toLowerCase(), i])));
}

function viewSelect(view: ViewSchema, alias: string | null, extra: readonly ResultColumn[], stmt: { where: Expr | null; orderBy?: SelectStmt['orderBy']; limit?: Expr | null; offset?: Expr | null }): SelectStmt {
  return {
    kind: 'Select',
    with: null,
    body: {
      kind: 'SelectCore',
      distinct: false,
      columns: [{ kind: 'Star' }, ...extra],
      from: { kind: 'TableRef', schema: view.temp ? 'temp' : 'main', name: view.name, alias, indexedBy: null, asOf: null },
      where: stmt.where,
      groupBy: null,
      having: null,
      windows: null,
    },
    orderBy: stmt.orderBy ?? null,
    limit: stmt.limit ?? null,
    offset: stmt.offset ?? null,
    start: 0,
    end: 0,
  };
}

/** The run of a statement on a view: no changes of its own; a top-level one owns the AUTOINCREMENT registers. */
function viewRun(cx: CompileCtx, conn: Connection, stmt: InsertStmt | UpdateStmt | DeleteStmt, outer: Scope | null, body: () => void): () => SqlValue[][] {
  const top = outer === null && cx.trigger === null;
  return dmlRun(cx, conn, { top, autoinc: top ? autoincTables(cx, conn, stmt) : [], noJournal: false, returned: null, counts: false }, body);
}

function noReturning(stmt: { returning: readonly ResultColumn[] | null }): void {
  if (stmt.returning) throw sqliteError('cannot use RETURNING on a view with INSTEAD OF triggers');
}

export function compileViewInsert(cx: CompileCtx, conn: Connection, stmt: InsertStmt, view: ViewSchema, outer: Scope | null): RunPlan {
  noReturning(stmt);
  const shape = cx.compileSelect(viewSelect(view, null, [], { where: null }), null);
  const table = viewTable(view, shape.columns);
  const n = table.columns.length;
  const targets = stmt.columns
    ? stmt.columns.map((name) => {
        const ci = table.columnIndex.get(name.toLowerCase());
        if (ci === undefined) throw sqliteError(`table ${view.name} has no column named ${name}`);
        return ci;
      })
    : table.columns.map((_, i) => i);
  const plan = stmt.source ? cx.compileSelect(stmt.source, outer) : null;
  if (plan && plan.columns.length !== targets.length) {
    throw sqliteError(stmt.columns ? `${plan.columns.length} values for ${targets.length} columns` : `table ${view.name} has ${n} columns but ${plan.columns.length} values were supplied`);
  }
  const triggers = new Triggers(cx, conn, table);
  return {
    columns: [],
    write: true,
    run: viewRun(cx, conn, stmt, outer, () => {
      const input = plan ? drainRows(plan.source) : [[]];
      for (const r of input) {
        const vals = new Array<SqlValue>(n).fill(null);
        targets.forEach((ci, i) => (vals[ci] = r[i]));
        triggers.fire('INSTEAD OF', 'INSERT', null, vals, null);
      }
    }),
  };
}

export function compileViewUpdate(cx: CompileCtx, conn: Connection, stmt: UpdateStmt, view: ViewSchema, outer: Scope | null): RunPlan {
  noReturning(stmt);
  if (stmt.from) throw sqliteError('UPDATE ... FROM on a view is not supported by heliosdb-lite');
  const shape = cx.compileSelect(viewSelect(view, null, [], { where: null }), null);
  const table = viewTable(view, shape.columns);
  const n = table.columns.length;
  // the new values are computed beside the old row: SELECT *, <set values> FROM view WHERE ...
  const assigned: number[] = [];
  const extra: ResultColumn[] = [];
  for (const s of stmt.sets) {
    const cols = s.columns.map((name) => {
      const ci = table.columnIndex.get(name.toLowerCase());
      if (ci === undefined) throw sqliteError(`no such column: ${name}`);
      return ci;
    });
    if (cols.length === 1) {
      extra.push({ kind: 'Expr', expr: s.value, alias: null, text: '' } as ResultColumn);
    } else if (s.value.kind === 'RowValue' && s.value.items.length === cols.length) {
      for (const x of s.value.items) extra.push({ kind: 'Expr', expr: x, alias: null, text: '' } as ResultColumn);
    } else {
      throw sqliteError(`${cols.length} columns assigned ${s.value.kind === 'RowValue' ? s.value.items.length : 1} values`);
    }
    assigned.push(...cols);
  }
  const plan = cx.compileSelect(viewSelect(view, stmt.table.alias, extra, stmt), outer);
  const changed = new Set(assigned);
  const triggers = new Triggers(cx, conn, table);
  return {
    columns: [],
    write: true,
    run: viewRun(cx, conn, stmt, outer, () => {
      for (const r of drainRows(plan.source)) {
        const old = r.slice(0, n);
        const nv = old.slice();
        assigned.forEach((ci, i) => (nv[ci] = r[n + i]));
        triggers.fire('INSTEAD OF', 'UPDATE', old, nv, null, changed);
      }
    }),
  };
}

export function compileViewDelete(cx: CompileCtx, conn: Connection, stmt: DeleteStmt, view: ViewSchema, outer: Scope | null): RunPlan {
  noReturning(stmt);
  const plan = cx.compileSelect(viewSelect(view, stmt.table.alias, [], stmt), outer);
  const table = viewTable(view, plan.columns);
  const triggers = new Triggers(cx, conn, table);
  return {
    columns: [],
    write: true,
    run: viewRun(cx, conn, stmt, outer, () => {
      for (const r of drainRows(plan.source)) triggers.fire('INSTEAD OF', 'DELETE', r, null, null);
    }),
  };
}
