/**
 * The order a select core would like its single table read in, so that a sort can be skipped
 * (SQLite's sqlite3WhereBegin pOrderBy with WHERE_GROUPBY / WHERE_DISTINCTBY):
 *  - ORDER BY of column references (non-aggregate queries);
 *  - GROUP BY of column references (groups come out of an index already together);
 *  - DISTINCT over column references (duplicates are adjacent in index order); DISTINCT whose
 *    ORDER BY is the result list itself is SQLite's DISTINCT-to-GROUP-BY rewrite;
 *  - the argument of a lone `agg(DISTINCT col)`.
 * Only a wish for an ORDER BY lets the access path replace the sort; the others only steer the
 * choice (and EXPLAIN QUERY PLAN's temp b-tree rows).
 */
import type { Expr, FunctionExpr, OrderingTerm, SelectCore } from '../ast.js';
import { canonicalCollation } from '../../catalog/build-table.js';
import type { OrderRequest, OrderTerm } from './access-path.js';
import type { CompileCtx } from './context.js';
import { compileExpr } from './expr.js';
import type { FromEntry } from './from.js';
import type { Scope } from './scope.js';
import { ordinalTerm } from './terms.js';
import { logEst } from './where-cost.js';
import { markSimpleCount, noteOrderColumns } from './access-path.js';
import { FirstNonNullOp } from '../exec/min-max.js';
import type { Op } from '../exec/runtime.js';

export type WishKind = 'order' | 'group-by' | 'distinct' | 'distinct-group' | 'agg-distinct' | 'min-max';

const wishKinds = new WeakMap<OrderRequest, WishKind>();

export function wishKindOf(w: OrderRequest | null): WishKind | null {
  return w ? wishKinds.get(w) ?? null : null;
}

function columnTerm(cx: CompileCtx, e: Expr, desc: boolean, nulls: 'FIRST' | 'LAST' | null, scope: Scope, entry: FromEntry): OrderTerm | null {
  let x = e;
  let coll: string | null = null;
  while (x.kind === 'Collate') {
    coll = coll ?? x.collation;
    x = x.expr;
  }
  if (x.kind !== 'Column') return null;
  let c;
  try {
    c = compileExpr(cx, x, scope);
  } catch {
    return null;
  }
  const table = entry.table;
  if (!c.column || c.column.source !== entry.source || !table) return null;
  const idx = c.column.index;
  const column = idx === table.rowidAlias ? -1 : idx;
  const collation = canonicalCollation(coll ?? (idx >= 0 ? entry.source.columns[idx].collation : 'BINARY'));
  return { column, desc, collation, nullsFirst: nulls ? nulls === 'FIRST' : !desc };
}

/** Resolves an ORDER BY / GROUP BY term that names a result column by position or alias. */
function resultExpr(core: SelectCore, e: Expr): Expr {
  const n = ordinalTerm(e);
  if (n !== null) {
    const rc = core.columns[n - 1];
    return rc && rc.kind === 'Expr' ? rc.expr : e;
  }
  if (e.kind === 'Column' && e.table === null) {
    const rc = core.columns.find((c) => c.kind === 'Expr' && c.alias?.toLowerCase() === e.name.toLowerCase());
    if (rc && rc.kind === 'Expr') return rc.expr;
  }
  return e;
}

function sameList(a: readonly Expr[], b: readonly Expr[]): boolean {
  const strip = (e: Expr) => JSON.stringify(e, (k, v) => (k === 'start' || k === 'end' ? undefined : typeof v === 'bigint' ? String(v) : v));
  return a.length === b.length && a.every((x, i) => strip(x) === strip(b[i]));
}

export function orderWishFor(
  cx: CompileCtx,
  core: SelectCore,
  orderBy: readonly OrderingTerm[] | null,
  limit: Expr | null,
  scope: Scope,
  entries: readonly FromEntry[],
  isAggregate: boolean,
  hasWindows: boolean,
  aggCalls: readonly FunctionExpr[],
): OrderRequest | null {
  if (entries.length !== 1 || !entries[0].table || hasWindows) return null;
  const entry = entries[0];
  if (isSimpleCount(core, aggCalls)) markSimpleCount(entry.source);
  const nResultCols = core.columns.length;
  const make = (kind: WishKind, terms: readonly OrderTerm[], extra: Partial<OrderRequest>): OrderRequest => {
    const w: OrderRequest = { terms, kind: kind === 'order' || kind === 'min-max' ? 'order' : 'group', nResultCols, ...extra };
    wishKinds.set(w, kind);
    return w;
  };
  const fromExprs = (list: readonly Expr[]): OrderTerm[] | null => {
    const out: OrderTerm[] = [];
    for (const e of list) {
      const t = columnTerm(cx, e, false, null, scope, entry);
      if (!t) return null;
      out.push(t);
    }
    return out;
  };
  const resultList = core.columns.every((c) => c.kind === 'Expr') ? core.columns.map((c) => (c.kind === 'Expr' ? c.expr : c as never)) : null;
  if (isAggregate) {
    if (core.groupBy) {
      const terms = fromExprs(core.groupBy.map((g) => resultExpr(core, g)));
      return terms ? make('group-by', terms, {}) : null;
    }
    const mm = minMaxCall(core, aggCalls);
    if (mm) {
      const t = columnTerm(cx, mm.args[0], mm.name.toLowerCase() === 'max', null, scope, entry);
      return t ? make('min-max', [t], { minMax: true }) : null;
    }
    if (aggCalls.length === 1 && aggCalls[0].distinct && aggCalls[0].args.length === 1) {
      const terms = fromExprs(aggCalls[0].args);
      return terms ? make('agg-distinct', terms, {}) : null;
    }
    return null;
  }
  if (core.distinct) {
    if (!resultList) return null;
    const byResult = orderBy && orderBy.every((t) => t.direction !== 'DESC' && !t.nulls) && sameList(orderBy.map((t) => resultExpr(core, t.expr)), resultList);
    if (orderBy && orderBy.length && !byResult) return null;
    const terms = fromExprs(resultList);
    if (terms && distinctRedundant(entry, terms)) return null;
    return terms ? make(byResult ? 'distinct-group' : 'distinct', terms, { forDistinct: true }) : null;
  }
  if (!orderBy || orderBy.length === 0) return null;
  const terms: OrderTerm[] = [];
  for (const t of orderBy) {
    const ot = columnTerm(cx, resultExpr(core, t.expr), t.direction === 'DESC', t.nulls, scope, entry);
    if (!ot) return null;
    terms.push(ot);
  }
  let limitEst: number | null = null;
  if (limit && limit.kind === 'Literal' && (typeof limit.value === 'number' || typeof limit.value === 'bigint')) {
    const n = Number(limit.value);
    if (n >= 0 && logEst(n) < 200) limitEst = logEst(n);
  }
  return make('order', terms, { limit: limitEst });
}

/**
 * The columns of each base table named by the ORDER BY (GROUP BY of an aggregate query, or the
 * result list of a DISTINCT one) that SQLite hands sqlite3WhereBegin: an index holding one of
 * them may be scanned in full (indexMightHelpWithOrderBy, which ignores collations and
 * directions), whether or not it delivers the order; for joins too.
 */
export function noteOrderHints(cx: CompileCtx, core: SelectCore, orderBy: readonly OrderingTerm[] | null, scope: Scope, entries: readonly FromEntry[], isAggregate: boolean, hasWindows: boolean): void {
  if (hasWindows) return;
  let list: readonly Expr[] | null = null;
  if (isAggregate) list = core.groupBy ? core.groupBy.map((g) => resultExpr(core, g)) : null;
  else if (orderBy && orderBy.length) list = orderBy.map((t) => resultExpr(core, t.expr));
  else if (core.distinct && core.columns.every((c) => c.kind === 'Expr')) list = core.columns.map((c) => (c.kind === 'Expr' ? c.expr : (c as never)));
  if (!list) return;
  for (const entry of entries) {
    if (!entry.table) continue;
    const cols = new Set<number>();
    for (const e of list) {
      const t = columnTerm(cx, e, false, null, scope, entry);
      if (t) cols.add(t.column);
    }
    if (cols.size) noteOrderColumns(entry.source, cols);
  }
}

export type { OrderingTerm };

/** isSimpleCount: `SELECT count(*) FROM t` and nothing else. */
function isSimpleCount(core: SelectCore, aggCalls: readonly FunctionExpr[]): boolean {
  if (core.where || core.groupBy || core.having || core.distinct || core.columns.length !== 1 || aggCalls.length !== 1) return false;
  const rc = core.columns[0];
  const f = aggCalls[0];
  return rc.kind === 'Expr' && rc.expr === f && f.name.toLowerCase() === 'count' && f.star && !f.filter && !f.over && !f.distinct;
}

/** minMaxQuery: the query's only aggregate is min(x) or max(x) of one argument, without GROUP BY or HAVING. */
function minMaxCall(core: SelectCore, aggCalls: readonly FunctionExpr[]): FunctionExpr | null {
  if (core.groupBy || core.having || aggCalls.length !== 1) return null;
  const f = aggCalls[0];
  const n = f.name.toLowerCase();
  if ((n !== 'min' && n !== 'max') || f.args.length !== 1 || f.filter || f.over || f.orderBy) return null;
  return f;
}

/** With the min/max wish delivered by the access path, the loop stops at the first non-NULL value. */
export function minMaxLimit(cx: CompileCtx, op: Op, wish: OrderRequest | null, ordered: boolean, aggCalls: readonly FunctionExpr[], scope: Scope): Op {
  if (!ordered || wishKindOf(wish) !== 'min-max') return op;
  const arg = compileExpr(cx, aggCalls[0].args[0], scope);
  return new FirstNonNullOp(op, arg.ev);
}

/** isDistinctRedundant (its rowid case): the result holds the rowid, so its rows are distinct already. */
function distinctRedundant(entry: FromEntry, terms: readonly OrderTerm[]): boolean {
  const table = entry.table;
  if (!table) return false;
  const cols = new Set(terms.map((t) => t.column));
  if (!table.withoutRowid && cols.has(-1)) return true;
  return false;
}
