/**
 * SELECT compilation: WITH, compound bodies, VALUES, and the select core pipeline
 *   FROM/WHERE (join plan) -> GROUP BY/aggregates -> HAVING -> window functions
 *   -> projection (+ hidden ORDER BY keys) -> DISTINCT -> ORDER BY/top-k -> LIMIT/OFFSET.
 */
import { sqliteError } from '../../common/errors.js';
import type { SqlValue } from '../../common/value.js';
import type { Expr, OrderingTerm, ResultColumn, SelectBody, SelectCore, SelectStmt, WithClause } from '../ast.js';
import { FilterOp } from '../exec/join.js';
import { hashableCollation, type CollationName } from '../exec/keys.js';
import { CompoundSource, DistinctSource, LimitSource, ProjectSource, SortSource, TrimSource, ValuesSource, makeComparator, type SortKey } from '../exec/rows.js';
import type { Ev, Op, RowSource } from '../exec/runtime.js';
import { TopKSource } from '../exec/top-k.js';
import { bareReaders } from './expr-fast.js';
import { canonicalCollation } from '../../catalog/build-table.js';
import type { CompileCtx, QueryPlan, ResultColumnInfo } from './context.js';
import { compileExpr } from './expr.js';
import { anyCorrelated, bindFrom, finishEntries, planningSources, type FromEntry } from './from.js';
import { fromItemCount, secondJoinType, type FlattenTarget } from './flatten.js';
import { planJoins } from './join-plan.js';
import { ordinalTerm, sameExpr } from './terms.js';
import { compileAggregation, collectAggregates, groupKeyRead } from './aggregate.js';
import { compileWindows, collectWindowCalls } from './window.js';
import { bindCtes } from './cte.js';
import { Scope, type Compiled, type QueryState, type ScopeSource } from './scope.js';
import type { OrderRequest } from './access-path.js';
// EXPLAIN QUERY PLAN and covering-index support (explain-core.ts, order-wish.ts, column-usage.ts)
import { CoreExplain } from './explain-core.js';
import { minMaxLimit, noteOrderHints, orderWishFor } from './order-wish.js';
import { namesReadFrom, noteColumnUsage } from './column-usage.js';
import { CompoundExplain, compoundOrderForExplain, eqpValues, mergeSideOrder, syntacticWidth } from './explain-compound.js';
import { eqp } from './explain-plan.js';
import { planVectorSearch } from '../../vector/planner.js'; // vector: HNSW access path

/**
 * disableUnusedSubqueryResultColumns: a FROM subquery's result columns that the outer query
 * never reads are computed as NULL (so, like SQLite, their errors are never raised). Keyed by
 * the plan's final RowSource (plans are copied by renaming); present only for queries where
 * SQLite applies it (no DISTINCT, aggregate or window; compounds only UNION ALL). `used` lists
 * the outer query's reads; result columns that an ORDER BY names by position stay computed.
 */
export const unusedColumnHooks = new WeakMap<RowSource, (used: readonly boolean[]) => void>();

/** Compound plans whose arms disagree on some result column's affinity (no flattening, 17h). */
export const compoundAffinitiesDiffer = new WeakMap<RowSource, boolean>();

function nullEv(): SqlValue {
  return null;
}

function chainHook(from: RowSource, to: RowSource, keep: readonly number[]): void {
  const h = unusedColumnHooks.get(from);
  if (!h) return;
  if (from === to && keep.length === 0) return;
  unusedColumnHooks.set(to, keep.length === 0 ? h : (used) => {
    const u = used.slice();
    for (const k of keep) u[k] = true;
    h(u);
  });
}

export function compileSelectStmt(cx: CompileCtx, stmt: SelectStmt, outer: Scope | null): QueryPlan {
  const pushed = stmt.with ? bindCtes(cx, stmt.with, outer, [stmt.body, stmt.orderBy]) : 0;
  try {
    if (stmt.body.kind === 'SelectCore') return compileCore(cx, stmt.body, outer, stmt.orderBy, stmt.limit, stmt.offset);
    const body = compileBody(cx, stmt.body, outer, compoundOrderForExplain(cx, stmt));
    return orderAndLimitCompound(cx, body, stmt.orderBy, stmt.limit, stmt.offset, outer);
  } finally {
    cx.ctes.length -= pushed;
  }
}

export type { WithClause };

/**
 * `mergeOrder`: the ORDER BY SQLite's compound merge sorts this part by (explain-compound.ts).
 * The part is planned for it (the access path decides which of the rows a UNION finds equal
 * comes first); only while explaining is it also sorted, as SQLite's plan shows.
 */
function compileBody(cx: CompileCtx, body: SelectBody, outer: Scope | null, mergeOrder: readonly OrderingTerm[] | null = null): QueryPlan {
  switch (body.kind) {
    case 'SelectCore':
      return compileCore(cx, body, outer, eqp(cx) ? mergeOrder : null, null, null, true, mergeOrder);
    case 'Values': {
      eqpValues(cx, body.rows.length);
      const scope = outer ? outer.child([]) : new Scope([], null, { correlated: false, depth: 0 });
      const width = body.rows[0].length;
      const rows = body.rows.map((r) => {
        if (r.length !== width) throw sqliteError('all VALUES must have the same number of terms');
        return r.map((e) => compileExpr(cx, e, scope).ev);
      });
      const first = body.rows[0].map((e) => compileExpr(cx, e, scope));
      return {
        source: new ValuesSource(rows),
        columns: first.map((c, i) => ({ name: `column${i + 1}`, affinity: c.aff, collation: c.coll ?? 'BINARY', collationless: c.coll === null, type: null, origin: null })),
        correlated: scope.query.correlated,
      };
    }
    case 'Compound': {
      const ex = CompoundExplain.start(cx, body, mergeOrder, () => compileBody(cx, body.left, outer).columns.length);
      const width = ex ? 0 : syntacticWidth(body);
      const sideOrder = ex ? ex.sideOrder : width === null ? null : mergeSideOrder(body, mergeOrder ?? [], width);
      const left = ex ? ex.left(() => compileBody(cx, body.left, outer, sideOrder)) : compileBody(cx, body.left, outer, sideOrder);
      const right = ex ? ex.right(() => compileBody(cx, body.right, outer, sideOrder)) : compileBody(cx, body.right, outer, sideOrder);
      if (left.columns.length !== right.columns.length) {
        throw sqliteError(`SELECTs to the left and right of ${body.op} do not have the same number of result columns`);
      }
      // multiSelectCollSeq: a column's collation is that of the left-most arm whose expression has one
      const columns = left.columns.map((c, i) => {
        const r = right.columns[i];
        return c.collationless && !r.collationless ? { ...c, collation: r.collation, collationless: false } : c;
      });
      const colls = columns.map((c) => hashableCollation(c.collation) ?? 'BINARY');
      const keys: SortKey[] = columns.map((c, i) => ({ index: i, desc: false, nullsFirst: true, collation: cx.collation(c.collation) }));
      const source = new CompoundSource(body.op, left.source, right.source, colls, makeComparator(keys));
      // (17h) compoundHasDifferentAffinities: every arm's result columns must agree
      if (compoundAffinitiesDiffer.get(left.source) || compoundAffinitiesDiffer.get(right.source) || left.columns.some((c, i) => c.affinity !== right.columns[i].affinity)) {
        compoundAffinitiesDiffer.set(source, true);
      }
      const lh = unusedColumnHooks.get(left.source);
      const rh = unusedColumnHooks.get(right.source);
      if (body.op === 'UNION ALL' && lh && rh) {
        unusedColumnHooks.set(source, (used) => {
          lh(used);
          rh(used);
        });
      }
      return { source, columns, correlated: left.correlated || right.correlated };
    }
  }
}

function orderByOutOfRange(i: number, width: number): Error {
  return sqliteError(`${ordinal(i + 1)} ORDER BY term out of range - should be between 1 and ${width}`);
}

function ordinal(n: number): string {
  const s = n % 100 >= 11 && n % 100 <= 13 ? 'th' : n % 10 === 1 ? 'st' : n % 10 === 2 ? 'nd' : n % 10 === 3 ? 'rd' : 'th';
  return `${n}${s}`;
}

/** ORDER BY on a compound select: each term must name a result column. */
function orderAndLimitCompound(cx: CompileCtx, plan: QueryPlan, orderBy: readonly OrderingTerm[] | null, limit: Expr | null, offset: Expr | null, outer: Scope | null): QueryPlan {
  const scope = outer ? outer.child([]) : new Scope([], null, { correlated: false, depth: 0 });
  const limitEv = limit ? compileExpr(cx, limit, scope).ev : null;
  const offsetEv = offset ? compileExpr(cx, offset, scope).ev : null;
  let source = plan.source;
  if (orderBy && orderBy.length) {
    const keys: SortKey[] = orderBy.map((t, i) => {
      let e = t.expr;
      let coll: string | null = null;
      while (e.kind === 'Collate') {
        coll = coll ?? e.collation;
        e = e.expr;
      }
      let idx = -1;
      const n = ordinalTerm(t.expr);
      if (n !== null) {
        idx = n - 1;
        if (idx < 0 || idx >= plan.columns.length) {
          throw sqliteError(`${ordinal(i + 1)} ORDER BY term out of range - should be between 1 and ${plan.columns.length}`);
        }
      } else if (e.kind === 'Column') {
        idx = plan.columns.findIndex((c) => c.name.toLowerCase() === e.name.toLowerCase());
      }
      if (idx < 0) throw sqliteError(`${ordinal(i + 1)} ORDER BY term does not match any column in the result set`);
      const desc = t.direction === 'DESC';
      return { index: idx, desc, nullsFirst: t.nulls ? t.nulls === 'FIRST' : !desc, collation: cx.collation(coll ?? plan.columns[idx].collation) };
    });
    source = new SortSource(source, keys, limitEv, offsetEv);
    chainHook(plan.source, source, keys.map((k) => k.index));
  }
  if (limitEv || offsetEv) {
    const before = source;
    source = new LimitSource(source, limitEv, offsetEv);
    chainHook(before, source, []);
  }
  return { ...plan, source, correlated: plan.correlated || scope.query.correlated };
}

export interface OutputColumn {
  compiled: Compiled | null;
  expr: Expr | null;
  /** for `*` expansion: the source column */
  direct: { source: ScopeSource; index: number } | null;
  name: string;
  aliased: boolean;
}

/**
 * `*` expands to qualified references (selectExpander), so with two FROM items of the same name
 * a column both have (and neither merged by USING) is ambiguous: `ambiguous column name: main.t.id`.
 */
function checkStarAmbiguity(sources: readonly ScopeSource[], s: ScopeSource, lname: string, name: string): void {
  const sname = s.name.toLowerCase();
  if (sname === '') return; // an unnamed subquery: SQLite names each one apart ("(subquery-N)")
  for (const x of sources) {
    if (x === s || x.name.toLowerCase() !== sname || !x.byName.has(lname) || x.merged.has(lname)) continue;
    const col = x.columns[x.byName.get(lname)!];
    if (col.hidden) continue;
    throw sqliteError(`ambiguous column name: ${s.table ? 'main.' : ''}${s.name}.${name}`);
  }
}

function hasDuplicateNames(sources: readonly ScopeSource[]): boolean {
  if (sources.length < 2) return false;
  const seen = new Set<string>();
  for (const s of sources) {
    const k = s.name.toLowerCase();
    if (k === '') continue;
    if (seen.has(k)) return true;
    seen.add(k);
  }
  return false;
}

export function expandColumns(cx: CompileCtx, cols: readonly ResultColumn[], sources: readonly ScopeSource[], hasFrom: boolean): OutputColumn[] {
  const out: OutputColumn[] = [];
  const dups = hasDuplicateNames(sources);
  for (const rc of cols) {
    if (rc.kind === 'Star') {
      if (!hasFrom) throw sqliteError('no tables specified');
      sources.forEach((s, si) => {
        s.columns.forEach((c, i) => {
          const lname = c.name.toLowerCase();
          if (c.hidden || s.merged.has(lname)) return;
          if (dups) checkStarAmbiguity(sources, s, lname, c.name);
          if (s.leftOfRightJoin && sources.some((r, ri) => ri > si && r.merged.has(lname))) {
            // left of a RIGHT/FULL JOIN and named in a later USING: `*` means the unqualified
            // name, which resolves to the right table or coalesce() (SQLite's selectExpander)
            const ref: Expr = { kind: 'Column', schema: null, table: null, name: c.name, quoted: false, start: 0, end: 0 };
            out.push({ compiled: null, expr: ref, direct: null, name: c.name, aliased: false });
            return;
          }
          out.push({ compiled: null, expr: null, direct: { source: s, index: i }, name: c.name, aliased: false });
        });
      });
    } else if (rc.kind === 'TableStar') {
      const s = sources.find((x) => x.name.toLowerCase() === rc.table.toLowerCase());
      if (!s) throw sqliteError(`no such table: ${rc.table}`);
      s.columns.forEach((c, i) => {
        if (c.hidden) return;
        if (dups) checkStarAmbiguity(sources, s, c.name.toLowerCase(), c.name);
        out.push({ compiled: null, expr: null, direct: { source: s, index: i }, name: c.name, aliased: false });
      });
    } else {
      out.push({ compiled: null, expr: rc.expr, direct: null, name: rc.alias ?? rc.text, aliased: rc.alias !== null });
    }
  }
  void cx;
  return out;
}

/** SQLite's name for an un-aliased bare column reference: the column's own name ("rowid" or the IPK's for rowid refs). */
function columnName(c: Compiled, fallback: string): string {
  const ref = c.column;
  if (!ref) return fallback;
  if (ref.index >= 0) return ref.source.columns[ref.index].name;
  const t = ref.source.table;
  if (t && t.rowidAlias >= 0) return t.columns[t.rowidAlias].name;
  return 'rowid';
}

function compileCore(
  cx: CompileCtx,
  core: SelectCore,
  outer: Scope | null,
  orderBy: readonly OrderingTerm[] | null,
  limit: Expr | null,
  offset: Expr | null,
  compoundArm = false,
  /** A compound part's merge order: planned for (access paths), not applied (see compileBody). */
  planOrder: readonly OrderingTerm[] | null = orderBy,
): QueryPlan {
  const entries: FromEntry[] = [];
  // every scope of this query shares one state (correlation marks, also from flattened subqueries)
  const query: QueryState = { correlated: false, depth: outer ? outer.query.depth + 1 : 0 };
  const sources = (): ScopeSource[] => entries.map((e) => e.source);
  const mkScope = (srcs: ScopeSource[]) => new Scope(srcs, outer, query);

  // Aggregates and window calls (found from the syntax: `*` holds neither)
  const itemExprs = core.columns.map((rc) => (rc.kind === 'Expr' ? rc.expr : null));
  const orderExprs = (orderBy ?? []).map((t) => t.expr);
  const aggCalls = collectAggregates(cx, [...itemExprs, core.having, ...orderExprs]);
  const isAggregate = core.groupBy !== null || aggCalls.length > 0;
  const winCalls = collectWindowCalls([...itemExprs, ...orderExprs]);
  const target: FlattenTarget = {
    query,
    distinct: core.distinct,
    window: winCalls.length > 0,
    orderBy: orderExprs.length > 0,
    orderByReqd: isAggregate && aggCalls.some((c) => !ORDER_INSENSITIVE.has(c.name.toLowerCase())),
    nSrc: fromItemCount(core.from),
    secondJoin: secondJoinType(core.from),
    aggregate: isAggregate,
    where: core.where !== null,
    limit: limit !== null,
    compoundArm,
    complexResult: itemExprs.some((e) => e !== null && e.kind !== 'Column' && e.kind !== 'Literal'),
    orderByOnResult: (orderBy ?? []).every((t) => ordinalTerm(t.expr) !== null || itemExprs.some((e) => e !== null && sameExpr(e, t.expr)) || (t.expr.kind === 'Column' && t.expr.table === null && core.columns.some((rc) => rc.kind === 'Expr' && rc.alias?.toLowerCase() === (t.expr as { name: string }).name.toLowerCase()))),
  };
  bindFrom(cx, core.from, outer, entries, () => mkScope(sources()), { target, index: 0, firstJoin: null, ltorj: false, namesRead: (alias) => namesReadFrom(core, orderBy, alias) });
  const scope = mkScope(sources());
  // the tables of flattened subqueries are noted by flatten.ts from the subquery's own syntax
  // (a view's or CTE's body is not part of this core), before their columns are compiled
  noteColumnUsage(core, orderBy, scope.sources, scope.sources);
  if (anyCorrelated(entries)) query.correlated = true;
  const outputs = expandColumns(cx, core.columns, scope.sources, core.from !== null);

  // Aliases of result columns are visible (as a fallback) in WHERE, GROUP BY, HAVING and ORDER BY.
  const aliases = makeAliasResolver(cx, core);
  const aliasResolver = aliases.resolver;
  if (core.having && !isAggregate) throw sqliteError('a GROUP BY clause is required before HAVING');

  // WHERE and join plan
  scope.aliases = aliasResolver(scope);
  scope.aliasNames = aliases.names;
  scope.aggregateContext = 'where';
  noteOrderHints(cx, core, planOrder, scope, entries, isAggregate, winCalls.length > 0);
  const orderWish = orderWishFor(cx, core, planOrder, limit, scope, entries, isAggregate, winCalls.length > 0, aggCalls);
  const eqpCore = CoreExplain.start(cx, core, orderBy, aggCalls, isAggregate, orderWish, entries);
  const joined = planJoins(cx, entries, core.where, scope, orderWish);
  eqpCore?.afterJoins();
  let op: Op = minMaxLimit(cx, joined.op, orderWish, joined.ordered, aggCalls, scope);
  // vector: ORDER BY vector_distance(col, q, metric) LIMIT k may read HNSW index candidates (engine/vector/planner.ts)
  if (orderBy && limit && !joined.ordered) op = planVectorSearch(cx, { entries, core, orderBy, limit, offset, scope, plain: !isAggregate && winCalls.length === 0 && !core.distinct, fallback: op, details: joined.details }) ?? op;

  const outScope = mkScope(sources());
  outScope.aliases = aliasResolver(outScope);
  // the sources holding rows (flattened subqueries' tables): what aggregation and windows save
  const rowSources = planningSources(entries);
  let adjust: ((e: Expr, c: Compiled) => Compiled) | null = null;
  if (isAggregate) {
    const agg = compileAggregation(cx, op, core.groupBy, aggCalls, scope, outScope, outputs.map((o) => o.expr), rowSources);
    op = agg.op;
    outScope.aggregates = agg.slots;
    const keys = agg.keys;
    if (keys.terms.length) {
      // a GROUP BY alias names a result column unless some FROM item has a column of that name
      const aliasOf = (name: string): Expr | null => {
        const k = name.toLowerCase();
        if (scope.sources.some((src) => src.byName.has(k))) return null;
        const rc = core.columns.find((x) => x.kind === 'Expr' && x.alias?.toLowerCase() === k);
        return rc && rc.kind === 'Expr' ? rc.expr : null;
      };
      adjust = (e, c) => groupKeyRead(cx, keys, e, c, aliasOf);
    }
    if (core.having) op = new FilterOp(op, compileExpr(cx, core.having, outScope).ev);
  }
  if (winCalls.length > 0) {
    eqpCore?.windows(winCalls, core.windows);
    const win = compileWindows(cx, op, winCalls, core.windows, outScope, rowSources);
    op = win.op;
    outScope.windows = win.slots;
  }

  // Projection
  const { evs, columns } = projectOutputs(cx, outputs, outScope, adjust);
  const width = evs.length;

  // ORDER BY keys (possibly hidden columns)
  let sortKeys: SortKey[] | null = null;
  if (orderBy && orderBy.length && !joined.ordered) {
    sortKeys = orderBy.map((t, i) => {
      let e = t.expr;
      let coll: string | null = null;
      while (e.kind === 'Collate') {
        coll = coll ?? e.collation;
        e = e.expr;
      }
      const desc = t.direction === 'DESC';
      const nullsFirst = t.nulls ? t.nulls === 'FIRST' : !desc;
      let idx = -1;
      const n = ordinalTerm(t.expr);
      if (n !== null) {
        // resolveOrderGroupBy: 1..65535 now, the result column count once every term is resolved
        if (n < 1 || n > 65535) throw orderByOutOfRange(i, width);
        idx = n - 1;
      } else if (e.kind === 'Column' && e.table === null) {
        const k = e.name.toLowerCase();
        const ai = core.columns.findIndex((rc) => rc.kind === 'Expr' && rc.alias?.toLowerCase() === k);
        if (ai >= 0) idx = outputIndexOfItem(core.columns, ai, scope.sources);
      }
      if (idx < 0) {
        const c = compileExpr(cx, t.expr, outScope);
        idx = evs.length;
        evs.push(c.ev);
        coll = coll ?? c.coll;
      }
      return { index: idx, desc, nullsFirst, collation: cx.collation(coll ?? columns[idx]?.collation ?? 'BINARY') };
    });
    sortKeys.forEach((k, i) => {
      if (k.index >= width && ordinalTerm(orderBy[i].expr) !== null) throw orderByOutOfRange(i, width);
    });
  }

  eqpCore?.sorts(sortKeys !== null);
  const limitScope = mkScope([]);
  const limitEv = limit ? compileExpr(cx, limit, limitScope).ev : null;
  const offsetEv = offset ? compileExpr(cx, offset, limitScope).ev : null;
  let source: RowSource;
  if (sortKeys && limitEv && !core.distinct) {
    // ORDER BY ... LIMIT: projection fused with the top-k sort (bare column reads deferred)
    const bare = bareReaders(scope.sources);
    source = new TopKSource(op, evs, evs.map((ev) => bare.has(ev)), sortKeys, limitEv, offsetEv);
  } else {
    source = new ProjectSource(op, evs);
    if (core.distinct) {
      source = new DistinctSource(source, width, columns.map((c) => hashableCollation(c.collation) ?? 'BINARY') as CollationName[]);
    }
    if (sortKeys) source = new SortSource(source, sortKeys, limitEv, offsetEv);
  }
  if (limitEv || offsetEv) source = new LimitSource(source, limitEv, offsetEv);
  if (evs.length > width) source = new TrimSource(source, width);
  if (!core.distinct && !isAggregate && winCalls.length === 0) {
    const keep = new Set((sortKeys ?? []).map((k) => k.index));
    unusedColumnHooks.set(source, (used) => {
      for (let i = 0; i < width; i++) if (!used[i] && !keep.has(i)) evs[i] = nullEv;
    });
  }
  // FROM subqueries: their columns this query never read are now known
  finishEntries(entries);
  return { source, columns, correlated: query.correlated };
}

/** Aggregates whose result does not depend on the order of their input (SF_OrderByReqd). */
const ORDER_INSENSITIVE = new Set(['count', 'min', 'max']);

/** Result-column aliases, usable as a fallback in WHERE, GROUP BY, HAVING and ORDER BY. */
export function makeAliasResolver(cx: CompileCtx, core: SelectCore): { resolver: (target: Scope) => (name: string) => Compiled | null; names: ReadonlySet<string> } {
  const aliasExprs = new Map<string, Expr>();
  core.columns.forEach((rc) => {
    if (rc.kind === 'Expr' && rc.alias) {
      const k = rc.alias.toLowerCase();
      if (!aliasExprs.has(k)) aliasExprs.set(k, rc.expr);
    }
  });
  let aliasDepth = 0;
  const resolver = (target: Scope) => (name: string): Compiled | null => {
    const e = aliasExprs.get(name);
    if (!e || aliasDepth > 0) return null;
    aliasDepth++;
    try {
      return compileExpr(cx, e, target);
    } finally {
      aliasDepth--;
    }
  };
  return { resolver, names: new Set(aliasExprs.keys()) };
}

/** Compiles the result columns in `outScope`, with their names and declared types. */
export function projectOutputs(
  cx: CompileCtx,
  outputs: readonly OutputColumn[],
  outScope: Scope,
  adjust: ((e: Expr, c: Compiled) => Compiled) | null = null,
): { evs: Ev[]; columns: ResultColumnInfo[] } {
  const evs: Ev[] = [];
  const columns: ResultColumnInfo[] = [];
  // result columns cannot refer to each other's aliases (ORDER BY, HAVING and WHERE can)
  const outAliases = outScope.aliases;
  outScope.aliases = null;
  try {
    for (const o of outputs) {
      if (o.direct) {
        const c = o.direct.source.columns[o.direct.index];
        evs.push(c.read);
        columns.push({ name: o.name, affinity: c.affinity, collation: c.collation, type: c.type, origin: c.origin });
        continue;
      }
      const c = compileExpr(cx, o.expr!, outScope);
      const name = o.aliased ? o.name : columnNameFor(c, o);
      evs.push(adjust ? adjust(o.expr!, c).ev : c.ev);
      const ref = c.column;
      const srcCol = ref && ref.index >= 0 ? ref.source.columns[ref.index] : null;
      columns.push({
        name,
        affinity: c.aff,
        collation: c.coll ?? 'BINARY',
        collationless: c.coll === null,
        type: srcCol ? srcCol.type : ref && ref.index === -1 ? 'INTEGER' : ref ? null : (c.declared?.type ?? null),
        origin: srcCol ? srcCol.origin : ref && ref.source.table ? { table: ref.source.table.name, column: columnName(c, 'rowid'), database: 'main' } : ref ? null : (c.declared?.origin ?? null),
      });
    }
  } finally {
    outScope.aliases = outAliases;
  }
  return { evs, columns };
}

function columnNameFor(c: Compiled, o: OutputColumn): string {
  if (o.expr && o.expr.kind === 'Column') return columnName(c, o.name);
  return o.name;
}

/** Index in the expanded output of result item `ai` (stars expand to several columns). */
function outputIndexOfItem(cols: readonly ResultColumn[], ai: number, sources: readonly ScopeSource[]): number {
  let n = 0;
  for (let i = 0; i < ai; i++) {
    const rc = cols[i];
    if (rc.kind === 'Expr') n++;
    else if (rc.kind === 'Star') n += sources.reduce((a, s) => a + s.columns.filter((c) => !c.hidden && !s.merged.has(c.name.toLowerCase())).length, 0);
    else n += sources.find((s) => s.name.toLowerCase() === rc.table.toLowerCase())?.columns.filter((c) => !c.hidden).length ?? 0;
  }
  return n;
}

/** An ORDER BY the access path of a single base table might deliver for free. */
function orderRequest(cx: CompileCtx, orderBy: readonly OrderingTerm[] | null, scope: Scope, entries: readonly FromEntry[]): OrderRequest | null {
  if (!orderBy || orderBy.length === 0 || entries.length !== 1 || !entries[0].table) return null;
  const src = entries[0].source;
  const terms: { column: number; desc: boolean; collation: string; nullsFirst: boolean }[] = [];
  for (const t of orderBy) {
    let e = t.expr;
    let coll: string | null = null;
    while (e.kind === 'Collate') {
      coll = coll ?? e.collation;
      e = e.expr;
    }
    if (e.kind !== 'Column') return null;
    const c = (() => {
      try {
        return compileExpr(cx, e, scope);
      } catch {
        return null;
      }
    })();
    if (!c || !c.column || c.column.source !== src) return null;
    const idx = c.column.index;
    const table = entries[0].table;
    const col = idx === table.rowidAlias ? -1 : idx;
    const desc = t.direction === 'DESC';
    terms.push({ column: col, desc, collation: canonicalCollation(coll ?? (idx >= 0 ? src.columns[idx].collation : 'BINARY')), nullsFirst: t.nulls ? t.nulls === 'FIRST' : !desc });
  }
  return { terms };
}

export type { SqlValue };
