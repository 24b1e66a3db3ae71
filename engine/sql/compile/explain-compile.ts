/**
 * Compiles a statement only to record the planner's decisions as EXPLAIN QUERY PLAN rows.
 *
 * Every nested SELECT compiles through `cx.compileSelect`; while explaining, that hook is wrapped
 * so that each subquery's rows land under the row SQLite prints for it (`SCALAR SUBQUERY n`,
 * `CORRELATED LIST SUBQUERY n`, ...) and FROM-clause subqueries are held until their query's
 * join planner places them (flattened into the loop, `CO-ROUTINE x` or `MATERIALIZE x`; see
 * explain-hooks.ts).
 */
import type { SelectStmt, Statement } from '../ast.js';
import type { Connection } from '../connection.js';
import type { CompileCtx, QueryPlan } from './context.js';
import { compileSelectStmt } from './select.js';
import { numberSelects, QueryPlanRecorder, setRecorder, type EqpRow, type SelectRole } from './explain-plan.js';
import { existsAsJoin, inOperatorIndexRow } from './explain-hooks.js';

export function compileStatementForExplain(cx: CompileCtx, conn: Connection, stmt: Statement): EqpRow[] {
  void conn;
  const rec = new QueryPlanRecorder();
  numberSelects(rec, stmt);
  const inner = cx.compileSelect;
  cx.compileSelect = (s: SelectStmt, outer) => compileNested(cx, rec, inner, s, outer);
  setRecorder(cx, rec);
  try {
    if (stmt.kind === 'Select') compileSelectStmt(cx, stmt, null);
  } finally {
    setRecorder(cx, null);
    cx.compileSelect = inner;
  }
  return rec.rows();
}

function roleOf(cx: CompileCtx, rec: QueryPlanRecorder, s: SelectStmt): SelectRole | null {
  const r = rec.roles.get(s);
  if (r) return r;
  for (const v of cx.schema.views.values()) if (v.select === s) return { kind: 'from', alias: null };
  return null;
}

function compileNested(
  cx: CompileCtx,
  rec: QueryPlanRecorder,
  inner: (s: SelectStmt, outer: Parameters<CompileCtx['compileSelect']>[1]) => QueryPlan,
  s: SelectStmt,
  outer: Parameters<CompileCtx['compileSelect']>[1],
): QueryPlan {
  const role = roleOf(cx, rec, s);
  if (!role) return inner(s, outer);
  switch (role.kind) {
    case 'scalar':
    case 'exists':
    case 'in': {
      const inLoop = rec.inLoop;
      rec.inLoop = false;
      const node = rec.add('');
      const plan = rec.within(node, () => inner(s, outer));
      rec.inLoop = inLoop;
      const id = rec.selIdOf(s);
      const corr = plan.correlated ? 'CORRELATED ' : '';
      if (role.kind === 'exists' && rec.whereExists.has(s) && existsAsJoin(cx, s, node)) node.detail = null;
      else if (role.kind !== 'in') node.detail = `${corr}SCALAR SUBQUERY ${id}`;
      else {
        const viaIndex = !inLoop && !plan.correlated ? inOperatorIndexRow(cx, s) : null;
        if (viaIndex) {
          node.detail = viaIndex;
          node.children.length = 0;
        } else node.detail = `${corr}LIST SUBQUERY ${id}`;
      }
      return plan;
    }
    case 'from':
    case 'cte': {
      const group = rec.detached();
      const plan = rec.within(group, () => inner(s, outer));
      // planSource allocates the FROM item's slot right after this returns
      rec.fromItems.set(cx.rt.nSlots, { stmt: s, group, role });
      return plan;
    }
  }
}
