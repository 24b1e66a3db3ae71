/**
 * EXPLAIN QUERY PLAN rows for the query compilers (each hook is a no-op unless explaining):
 *
 *  - the join planner: one row per loop (`SCAN t`, `SEARCH t USING INDEX i (a=?)`, `... LEFT-JOIN`),
 *    then the rows of the subqueries in the terms tested at that loop; FROM-clause subqueries
 *    the engine did not flatten as SQLite codes them (`CO-ROUTINE x`, `MATERIALIZE x`,
 *    fromClauseTermCanBeCoroutine); `RIGHT-JOIN t` for the unmatched-rows pass of RIGHT and
 *    FULL joins; `SCAN CONSTANT ROW` for a query without FROM;
 *  - `USING INDEX i FOR IN-OPERATOR` for an IN (SELECT col FROM tbl) answered from an index;
 *  - `SEARCH t EXISTS ...` for a WHERE-clause EXISTS SQLite runs as a loop;
 *  - `SETUP` / `RECURSIVE STEP` of a recursive CTE.
 *
 * Texts follow sqlite3WhereExplainOneScan (where.c) and the ExplainQueryPlan calls of select.c.
 */
import type { JoinType, SelectStmt } from '../ast.js';
import type { TableSchema } from '../../catalog/types.js';
import type { Op } from '../exec/runtime.js';
import type { CompileCtx } from './context.js';
import type { ScopeSource } from './scope.js';
import { eqp, type EqpNode, type QueryPlanRecorder, type SelectRole } from './explain-plan.js';
import { collectAggregates } from './aggregate.js';
import { onUncoveredRead } from './column-usage.js';
import { ROWID_NAMES } from './scope.js';

/** `USING [ROWID SEARCH ON TABLE t | INDEX i] FOR IN-OPERATOR` when SQLite tests membership on the table itself (sqlite3FindInIndex). */
export function inOperatorIndexRow(cx: CompileCtx, s: SelectStmt): string | null {
  const b = s.body;
  if (b.kind !== 'SelectCore' || s.with || s.limit || b.distinct || b.groupBy || b.having || b.where || b.windows) return null;
  if (!b.from || b.from.kind !== 'TableRef' || b.from.schema !== null) return null;
  if (b.columns.length !== 1 || b.columns[0].kind !== 'Expr') return null;
  const e = b.columns[0].expr;
  if (e.kind !== 'Column') return null;
  const from = b.from;
  if (cx.ctes.some((c) => c.name.toLowerCase() === from.name.toLowerCase())) return null;
  const table = cx.schema.table(from.name);
  if (!table) return null;
  const lname = e.name.toLowerCase();
  const ci = table.columnIndex.get(lname);
  if ((ci === undefined && ROWID_NAMES.has(lname) && !table.withoutRowid) || (ci !== undefined && ci === table.rowidAlias)) {
    return `USING ROWID SEARCH ON TABLE ${table.name} FOR IN-OPERATOR`;
  }
  if (ci === undefined) return null;
  const indexes = cx.schema.indexesOf(table.name).slice().reverse();
  const idx = indexes.find((i) => !i.partial && i.columns.length > 0 && i.columns[0].column === ci && i.columns[0].collation === table.columns[ci].collation);
  return idx ? `USING INDEX ${idx.name} FOR IN-OPERATOR` : null;
}

/**
 * SQLite runs `WHERE ... AND EXISTS (SELECT ... FROM t WHERE ...)` over a single table, without
 * aggregate, LIMIT or compound, as one more loop of the outer query that stops at its first row
 * (`SEARCH t EXISTS USING ...`). The engine evaluates the subquery per outer row, which reads the
 * same rows through the same index; the subquery's scan row takes SQLite's wording. Returns
 * whether the subquery qualified (its rows are then printed in place of `SCALAR SUBQUERY n`).
 */
export function existsAsJoin(cx: CompileCtx, s: SelectStmt, node: EqpNode): boolean {
  const b = s.body;
  if (b.kind !== 'SelectCore' || s.limit || s.offset || b.groupBy || b.having || b.windows) return false;
  if (!b.from || b.from.kind !== 'TableRef' || !cx.schema.table(b.from.name)) return false;
  if (cx.ctes.some((c) => c.name.toLowerCase() === (b.from as { name: string }).name.toLowerCase())) return false;
  const exprs = b.columns.map((c) => (c.kind === 'Expr' ? c.expr : null));
  if (collectAggregates(cx, exprs).length > 0) return false;
  const name = b.from.alias ?? b.from.name;
  // the rows of the subquery itself (through transparent groups): its own temp b-trees
  // (DISTINCT, ORDER BY) go, as an EXISTS loop needs one row; its scan row gets the EXISTS mark
  let marked = false;
  const visit = (n: EqpNode): void => {
    n.children.splice(0, n.children.length, ...n.children.filter((c) => !(c.detail ?? '').startsWith('USE TEMP B-TREE')));
    for (const c of n.children) {
      if (c.detail === null) {
        visit(c);
        continue;
      }
      if (marked) continue;
      const d = c.detail;
      for (const verb of ['SCAN ', 'SEARCH ']) {
        if (d.startsWith(verb + name) && (d.length === verb.length + name.length || d[verb.length + name.length] === ' ')) {
          c.detail = `${verb}${name} EXISTS${d.slice(verb.length + name.length)}`;
          marked = true;
          break;
        }
      }
    }
  };
  visit(node);
  return true;
}

type Placement = 'flatten' | 'coroutine' | 'materialize' | 'values';

/** A FROM item as the join planner sees it. */
export interface JoinItem {
  readonly source: ScopeSource;
  readonly joinType: JoinType;
  readonly table: TableSchema | null;
  readonly op: Op | null;
  readonly tvf?: unknown;
}
type FromEntry = JoinItem;

export interface JoinExplain {
  /**
   * Records the row of one loop (in join order), then the rows of the subqueries its lookup
   * uses (`accessRows`) and of the WHERE terms tested at this loop (`applied`, as compiled).
   */
  level(entry: JoinItem, detail: string | null, accessRows: readonly EqpNode[], applied: readonly object[]): void;
  /** Rows after the loops: terms tested after the last loop, RIGHT-JOIN passes. */
  finish(applied: readonly object[]): void;
}

/** Plan rows of compiled WHERE terms, captured until the join planner knows where they are tested. */
const captured = new WeakMap<object, EqpNode>();

/** Compiles with the plan rows it produces held back (see JoinExplain.level). */
export function eqpCapture<T extends object>(cx: CompileCtx, fn: () => T): T {
  const rec = eqp(cx);
  if (!rec) return fn();
  const g = rec.detached();
  const out = rec.within(g, fn);
  if (g.children.length) captured.set(out, g);
  return out;
}

export function eqpJoinStart(cx: CompileCtx, entries: readonly JoinItem[]): JoinExplain | null {
  const rec = eqp(cx);
  if (!rec) return null;
  if (entries.length === 0) rec.add('SCAN CONSTANT ROW');
  const attachApplied = (applied: readonly object[]) => {
    for (const c of applied) {
      const g = captured.get(c);
      if (g) {
        captured.delete(c);
        rec.attach(g);
      }
    }
  };
  const placed = new Map<FromEntry, { placement: Placement; group: EqpNode; name: string }>();
  entries.forEach((entry, i) => {
    const item = rec.fromItems.get(entry.source.slot);
    if (!item) return;
    rec.fromItems.delete(entry.source.slot);
    const placement = placementOf(item.stmt, item.role, entries, i, rec.recursive.has(item.stmt));
    const scanName = entry.source.name || `(subquery-${rec.selIdOf(item.stmt)})`;
    if (placement === 'coroutine' || placement === 'materialize') {
      const header = rec.add(`${placement === 'coroutine' ? 'CO-ROUTINE' : 'MATERIALIZE'} ${headerName(cx, rec, item.stmt, item.role, entry)}`);
      rec.attachTo(header, item.group);
    }
    placed.set(entry, { placement, group: item.group, name: scanName });
  });
  const rightJoins: FromEntry[] = [];
  return {
    level(entry, detail, accessRows, applied) {
      const p = placed.get(entry);
      if (p && (p.placement === 'flatten' || p.placement === 'values')) {
        // the subquery's own rows take the loop's place (a VALUES body: `SCAN n-ROW VALUES CLAUSE`)
        rec.attach(p.group);
      } else if (detail !== null) {
        const text = p ? `SCAN ${p.name}` : detail;
        const node = rec.add(text + (entry.joinType === 'LEFT' || entry.joinType === 'FULL' ? ' LEFT-JOIN' : ''));
        if (text.includes(' USING COVERING INDEX ')) {
          onUncoveredRead(entry.source, () => (node.detail = (node.detail ?? '').replace(' USING COVERING INDEX ', ' USING INDEX ')));
        }
      }
      for (const r of accessRows) rec.attach(r);
      attachApplied(applied);
      if (entry.joinType === 'RIGHT' || entry.joinType === 'FULL') rightJoins.push(entry);
    },
    finish(applied) {
      attachApplied(applied);
      for (const e of rightJoins) {
        const n = rec.add(`RIGHT-JOIN ${e.table ? e.table.name : e.source.name}`);
        rec.within(n, () => rec.add(`SCAN ${e.source.name}`));
      }
    },
  };
}

/** `%!S` of a FROM item: the table, view or CTE name before the alias, else `(subquery-N)`. */
function headerName(cx: CompileCtx, rec: QueryPlanRecorder, stmt: SelectStmt, role: SelectRole, entry: FromEntry): string {
  if (role.kind === 'cte') return role.name;
  for (const v of cx.schema.views.values()) if (v.select === stmt) return v.name;
  return entry.source.name || `(subquery-${rec.selIdOf(stmt)})`;
}

/**
 * How SQLite codes a FROM-clause subquery the engine did not flatten (flatten.ts flattens the
 * simple ones before they get here): a multi-row VALUES scan, a UNION ALL compound as the only
 * FROM item (flattenSubquery runs the outer query over each arm), else a co-routine when it
 * can be (fromClauseTermCanBeCoroutine), else materialized.
 */
function placementOf(stmt: SelectStmt, role: SelectRole, entries: readonly FromEntry[], i: number, recursive: boolean): Placement {
  const body = stmt.body;
  const materialized = recursive ? true : role.kind === 'cte' ? role.materialized : null;
  if (body.kind === 'Values' && body.rows.length > 1 && materialized !== true && !stmt.orderBy && !stmt.limit) return 'values';
  // a UNION ALL compound as the only FROM item: the outer query runs over each arm (flattenSubquery (17))
  if (materialized !== true && entries.length === 1 && body.kind === 'Compound' && !stmt.orderBy && !stmt.limit && allUnionAll(body)) return 'flatten';
  if (role.kind === 'cte' && ((materialized === true && !recursive) || (role.uses >= 2 && materialized !== false))) return 'materialize';
  if (entries.some((e) => e.joinType === 'RIGHT' || e.joinType === 'FULL')) return 'materialize';
  if (i === 0) return 'coroutine';
  for (let j = i; j >= 0; j--) {
    const t = entries[j].joinType;
    if (t === 'LEFT' || t === 'RIGHT' || t === 'FULL' || t === 'CROSS') return 'materialize';
    if (j < i && entries[j].op && !entries[j].table && !entries[j].tvf) return 'materialize';
  }
  return 'coroutine';
}

function allUnionAll(b: SelectStmt['body']): boolean {
  if (b.kind !== 'Compound') return b.kind === 'SelectCore';
  return b.op === 'UNION ALL' && allUnionAll(b.left) && allUnionAll(b.right);
}

/** A recursive CTE referenced in FROM: its rows wait for the join planner like a subquery's. */
export function eqpRecursiveCte<T>(cx: CompileCtx, stmt: SelectStmt, fn: () => T): T {
  const rec = eqp(cx);
  const role = rec?.roles.get(stmt);
  if (!rec || !role) return fn();
  const group = rec.detached();
  rec.recursive.add(stmt);
  const out = rec.within(group, fn);
  rec.fromItems.set(cx.rt.nSlots, { stmt, group, role });
  return out;
}

/** A pushed row (`SETUP`, `RECURSIVE STEP`) holding the rows `fn` produces. */
export function eqpStep<T>(cx: CompileCtx, label: string, fn: () => T): T {
  const rec = eqp(cx);
  if (!rec) return fn();
  return rec.within(rec.add(label), fn);
}
