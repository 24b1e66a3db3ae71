/**
 * Recognises `ORDER BY vector_distance(col, q, 'metric') [LIMIT k [OFFSET o]]` in a simple
 * SELECT over one table and returns the HNSW access path for it (search-op.ts). Called from
 * compile/select.ts after the join planner, with the ordinary plan as the fallback.
 *
 * Conditions: one base table of the main database (a rowid table; AS OF allowed), no GROUP BY,
 * aggregates, window functions or DISTINCT; a single ascending ORDER BY term that is
 * vector_distance (the built-in, not an application function) written directly, through a
 * result-column alias or by position; one argument a VECTOR(n) column of the table, the other
 * independent of the row (a parameter, literal, vector('...')), the metric a string literal; a
 * LIMIT; a vector index on that column with that metric (a declared one before the automatic
 * cosine one). Otherwise null: the query runs exactly.
 *
 * EXPLAIN QUERY PLAN shows `SCAN t USING HNSW INDEX name (metric)` in place of the table's line.
 */
import type { Expr, FunctionExpr, OrderingTerm, SelectCore } from '../sql/ast.js';
import type { CompileCtx } from '../sql/compile/context.js';
import { compileExpr } from '../sql/compile/expr.js';
import type { FromEntry } from '../sql/compile/from.js';
import { Scope } from '../sql/compile/scope.js';
import { ordinalTerm } from '../sql/compile/terms.js';
import { eqp, type EqpNode } from '../sql/compile/explain-plan.js';
import type { Ev, Op } from '../sql/exec/runtime.js';
import { indexableTable, vectorIndexDefs } from './catalog.js';
import { columnVectorDims } from './column.js';
import type { Metric } from './distance.js';
import { VectorSearchOp } from './search-op.js';

export interface VectorPlanInput {
  readonly entries: readonly FromEntry[];
  readonly core: SelectCore;
  readonly orderBy: readonly OrderingTerm[] | null;
  readonly limit: Expr | null;
  readonly offset: Expr | null;
  /** The WHERE scope of the query (the table's source). */
  readonly scope: Scope;
  /** False for aggregate, window or DISTINCT queries. */
  readonly plain: boolean;
  /** The ordinary plan (join planner output, WHERE applied). */
  readonly fallback: Op;
  /** EXPLAIN lines the join planner produced for this query. */
  readonly details: readonly string[];
}

function emptyScope(): Scope {
  return new Scope([], null, { correlated: false, depth: 0 });
}

/** A row-independent expression compiled without any source, or null. */
function constantEv(cx: CompileCtx, e: Expr): Ev | null {
  try {
    return compileExpr(cx, e, emptyScope()).ev;
  } catch {
    return null;
  }
}

/** The expression an ORDER BY term stands for (alias or position resolved). */
function orderExpr(core: SelectCore, term: OrderingTerm): Expr | null {
  const e = term.expr;
  const n = ordinalTerm(e);
  if (n !== null) {
    if (!core.columns.every((c) => c.kind === 'Expr')) return null;
    const rc = core.columns[n - 1];
    return rc && rc.kind === 'Expr' ? rc.expr : null;
  }
  if (e.kind === 'Column' && e.table === null) {
    const k = e.name.toLowerCase();
    for (const rc of core.columns) if (rc.kind === 'Expr' && rc.alias?.toLowerCase() === k) return rc.expr;
  }
  return e;
}

export function planVectorSearch(cx: CompileCtx, input: VectorPlanInput): Op | null {
  const { entries, core, orderBy, limit } = input;
  if (!input.plain || !orderBy || orderBy.length !== 1 || !limit || entries.length !== 1) return null;
  const entry = entries[0];
  const table = entry.table;
  // an AS OF reference (or a db.asOf() connection's table) is searched through the index too:
  // the rows changed after its point are evaluated exactly (search-op.ts)
  if (!table || !indexableTable(table) || entry.indexedBy) return null;
  const term = orderBy[0];
  if (term.direction === 'DESC') return null;
  const e = orderExpr(core, term);
  if (!e || e.kind !== 'Function') return null;
  const f: FunctionExpr = e;
  if (f.name.toLowerCase() !== 'vector_distance' || f.args.length !== 3 || f.distinct || f.star || f.filter || f.over) return null;
  if (cx.functions.isUser('vector_distance')) return null;
  const m = f.args[2];
  if (m.kind !== 'Literal' || typeof m.value !== 'string') return null;
  const metric = m.value.toLowerCase();
  if (metric !== 'cosine' && metric !== 'l2' && metric !== 'dot') return null;

  const src = entry.source;
  let column = -1;
  let query: Ev | null = null;
  for (const [a, b] of [[f.args[0], f.args[1]], [f.args[1], f.args[0]]] as const) {
    if (a.kind !== 'Column') continue;
    let c;
    try {
      c = compileExpr(cx, a, input.scope);
    } catch {
      return null;
    }
    if (!c.column || c.column.source !== src || c.column.index < 0) continue;
    if (columnVectorDims(table.columns[c.column.index]) === 0) continue;
    query = constantEv(cx, b);
    if (query === null) continue;
    column = c.column.index;
    break;
  }
  if (column < 0 || query === null) return null;

  const colName = table.columns[column].name.toLowerCase();
  const candidates = vectorIndexDefs(cx.schema).filter(
    (d) => d.table.toLowerCase() === table.name.toLowerCase() && d.column.toLowerCase() === colName && d.metric === (metric as Metric),
  );
  const def = candidates.find((d) => !d.automatic) ?? candidates[0];
  if (!def) return null;
  const limitEv = constantEv(cx, limit);
  const offsetEv = input.offset ? constantEv(cx, input.offset) : null;
  if (limitEv === null || (input.offset && offsetEv === null)) return null;
  const where = core.where ? compileExpr(cx, core.where, input.scope).ev : null;

  explainAs(cx, input.details, src.name, `SCAN ${src.name} USING HNSW INDEX ${def.name} (${def.metric})`);
  return new VectorSearchOp({ rt: cx.rt, slot: src.slot, table, def, query, limit: limitEv, offset: offsetEv, where, fallback: input.fallback });
}

/** Replaces the table's EXPLAIN QUERY PLAN row (`SCAN t` / `SEARCH t ...`) with `text`. */
function explainAs(cx: CompileCtx, details: readonly string[], name: string, text: string): void {
  const isTableRow = (d: string | null): boolean => d !== null && (d === `SCAN ${name}` || d.startsWith(`SCAN ${name} `) || d.startsWith(`SEARCH ${name} `));
  if (cx.explain) {
    let at = -1;
    for (let i = cx.explain.length - 1; i >= 0 && at < 0; i--) if (details.includes(cx.explain[i]) && isTableRow(cx.explain[i])) at = i;
    if (at >= 0) cx.explain[at] = text;
  }
  const rec = eqp(cx);
  if (!rec) return;
  let found: EqpNode | null = null;
  const walk = (n: EqpNode): void => {
    for (const c of n.children) {
      if (isTableRow(c.detail)) found = c;
      walk(c);
    }
  };
  walk(rec.current);
  if (found !== null) (found as EqpNode).detail = text;
}
