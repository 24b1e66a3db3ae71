/**
 * DELETE compilation: rows are found through the join planner, collected, optionally ordered
 * and limited, then deleted through the TableWriter (foreign key actions, triggers). An
 * unconditional DELETE of a table without triggers, RETURNING or incoming foreign keys clears
 * the B-trees directly (SQLite's truncate optimization), still reporting the row count.
 */
import type { SqlValue } from '../../../common/value.js';
import type { Rowid } from '../../../storage/api.js';
import type { DeleteStmt } from '../../ast.js';
import type { Connection } from '../../connection.js';
import type { CompileCtx } from '../context.js';
import { compileExpr } from '../expr.js';
import { planJoins } from '../join-plan.js';
import { noteDmlTargetUsage } from '../column-usage.js';
import { Scope } from '../scope.js';
import type { RunPlan } from '../statement.js';
import { dbNameOf } from '../../../catalog/schema.js';
import { insteadOfView, compileViewDelete } from './view-dml.js';
import { dmlRun, withCtes, targetEntry } from './common.js';
import { autoincTables } from './autoincrement.js';
import { compileReturning, ReturningRows } from './returning.js';
import { inTableOrder, orderAndLimit } from './update.js';
import { keyInfoFor } from '../access-path.js';
import { vectorTableCleared } from '../../../vector/dml-hooks.js'; // vector: truncate hook

export function compileDelete(cx: CompileCtx, conn: Connection, stmt: DeleteStmt, outer: Scope | null = null): RunPlan {
  return withCtes(cx, stmt.with, outer, () => compileDeleteBody(cx, conn, stmt, outer));
}

function compileDeleteBody(cx: CompileCtx, conn: Connection, stmt: DeleteStmt, outer: Scope | null): RunPlan {
  cx.writes = true;
  const view = stmt.table.schema === null || dbNameOf(stmt.table.schema) ? insteadOfView(cx, stmt.table.name, dbNameOf(stmt.table.schema), 'DELETE') : null;
  if (view) return compileViewDelete(cx, conn, stmt, view, outer);
  const { table, writer, entries } = targetEntry(cx, conn, stmt.table);
  const scope = outer ? outer.child([writer.source]) : new Scope([writer.source], null, { correlated: false, depth: 0 });
  if (!stmt.orderBy && !stmt.limit) noteDmlTargetUsage(writer.source, [stmt.where]);
  const joined = planJoins(cx, entries, stmt.where, scope, null);
  const returning = compileReturning(cx, stmt.returning, scope, table, false);
  // RETURNING rows are produced by the writer as it writes each row (before AFTER triggers)
  const returned = returning ? new ReturningRows(writer, returning) : null;
  const orderEvs = (stmt.orderBy ?? []).map((t) => compileExpr(cx, t.expr, scope));
  const limitScope = new Scope([], outer, scope.query);
  const limitEv = stmt.limit ? compileExpr(cx, stmt.limit, limitScope).ev : null;
  const offsetEv = stmt.offset ? compileExpr(cx, stmt.offset, limitScope).ev : null;
  const rt = cx.rt;
  const slot = writer.source.slot;
  const truncatable =
    !stmt.where && !stmt.returning && !stmt.limit && !stmt.orderBy && !table.withoutRowid &&
    cx.schema.triggersOf(table.name).length === 0 && !(cx.schema.referencedBy.get(table.name.toLowerCase())?.length) &&
    !table.autoincrement;

  const body = (): void => {
    if (truncatable && (!conn.pragmas.foreignKeys || table.foreignKeys.length === 0 || conn.deferredViolations === 0)) {
      const view = rt.host.writeView();
      const t = view.openTable(table.root);
      conn.changes = t.count();
      t.clear();
      vectorTableCleared(conn, table); // vector: the HNSW indexes learn that every row went (engine/vector/dml-hooks.ts)
      for (const idx of cx.schema.indexesOf(table.name)) view.openIndex(idx.root, keyInfoFor(cx, table, idx)).clear();
      return;
    }
    type Hit = { row: readonly SqlValue[]; rowid: Rowid | null; keys: SqlValue[] };
    let hits: Hit[] = [];
    const op = joined.op;
    op.open();
    try {
      while (op.next()) hits.push({ row: rt.rows[slot], rowid: rt.rowids[slot], keys: orderEvs.map((o) => o.ev()) });
    } finally {
      op.close();
    }
    if (orderEvs.length || limitEv) hits = orderAndLimit(cx, hits, stmt, orderEvs.map((o) => o.coll), limitEv, offsetEv);
    // rowid (PRIMARY KEY) order, as SQLite's RowSet hands rows back whenever the order can be
    // observed (one-pass deletes in the loop's order only when it cannot: dml/one-pass.ts)
    hits = inTableOrder(cx, table, hits, (h) => h.rowid, (h) => h.row);
    for (const h of hits) {
      let vals: SqlValue[] | undefined;
      if (!table.withoutRowid) {
        vals = writer.load(h.rowid!);
        if (!vals) continue;
      } else {
        rt.rows[slot] = h.row;
        rt.rowids[slot] = null;
        vals = writer.currentVals();
      }
      writer.deleteRow(h.rowid, vals);
    }
  };

  const top = outer === null && cx.trigger === null;
  return {
    columns: returning ? returning.columns : [],
    write: true,
    run: dmlRun(cx, conn, { top, autoinc: top ? autoincTables(cx, conn, stmt) : [], noJournal: false, returned }, body),
  };
}
