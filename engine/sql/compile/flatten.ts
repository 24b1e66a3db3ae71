/**
 * The query flattener (SQLite's flattenSubquery): a subquery, view or CTE in FROM that meets
 * SQLite's conditions is not run on its own; its FROM items join the enclosing query's loop, its
 * WHERE joins the enclosing WHERE, and its result columns become expressions that are evaluated
 * where (and only when) the enclosing query uses them. So a result column's error (a malformed
 * JSON argument, an integer overflow) is raised only for rows that reach it, and the enclosing
 * query's terms can filter the subquery's tables directly, exactly as in SQLite.
 *
 * Conditions (numbers as in select.c): not DISTINCT (4), with a FROM clause (7), not an
 * aggregate, no window functions here or in the enclosing query (25), not a MATERIALIZED CTE (28)
 * nor recursive (22), not the right operand of a RIGHT/FULL JOIN (26), no RIGHT/FULL JOIN inside
 * unless first (27a). As the right side of a LEFT JOIN or left of a RIGHT JOIN (isOuterJoin): a
 * single non-virtual FROM item (3a, 3b) and an enclosing query that is not DISTINCT (3d); its
 * WHERE then belongs to the join's ON clause, and its result columns are NULL while its row is
 * the NULL row (TK_IF_NULL_ROW).
 *
 * Three cases SQLite flattens we compile on their own ('sqlite-only'): a LIMIT (8, 9, 13-15, 19,
 * 21), an ORDER BY that moves to the enclosing query (11, 16), a UNION ALL compound (17). For a
 * CTE the caller then still drops the result columns the enclosing query never reads.
 */
import type { SqlValue } from '../../common/value.js';
import type { Expr, FromItem, JoinType, OrderingTerm, SelectBody, SelectCore, SelectStmt } from '../ast.js';
import type { Ev } from '../exec/runtime.js';
import { collectAggregates } from './aggregate.js';
import type { CompileCtx } from './context.js';
import { bindFrom, type FromEntry } from './from.js';
import { makeSource, Scope, type QueryState, type ScopeColumn, type ScopeSource } from './scope.js';
import { expandColumns, makeAliasResolver, projectOutputs } from './select.js';
import { collectWindowCalls } from './window.js';
import { noteColumnUsage } from './column-usage.js';
import { uniqueColumnNames } from './column-names.js';

/** What the query receiving FROM items is like, as far as flattening into it goes. */
export interface FlattenTarget {
  /** Shared by every scope of the receiving query (correlation marks land there). */
  readonly query: QueryState;
  readonly distinct: boolean;
  readonly window: boolean;
  readonly orderBy: boolean;
  /** SF_OrderByReqd: an aggregate other than count(), min() or max(), so a subquery's ORDER BY matters. */
  readonly orderByReqd: boolean;
  /** Number of FROM items. */
  readonly nSrc: number;
  /** How the second FROM item joins the first (SQLite's co-routine rule), or null. */
  readonly secondJoin: JoinType | null;
  readonly aggregate: boolean;
  readonly where: boolean;
  readonly limit: boolean;
  /** The query is an arm of a compound SELECT. */
  readonly compoundArm: boolean;
  /** SF_ComplexResult: some result column calls a function or holds a subquery. */
  readonly complexResult: boolean;
  /** Every ORDER BY term names a result column (restriction 18). */
  readonly orderByOnResult: boolean;
}

/** 'flatten': flattened here; 'sqlite-only': SQLite flattens it, we do not; 'no': neither. */
export type FlattenVerdict = 'flatten' | 'sqlite-only' | 'no';

/** Where the items of a FROM clause land in the receiving query. */
export interface FlattenSite {
  readonly target: FlattenTarget;
  /** Position of the clause's first item in the receiving FROM (SQLite's iFrom). */
  readonly index: number;
  /** The join type the first item takes (that of the subquery it came from), or null. */
  readonly firstJoin: JoinType | null;
  /** The items are left of a RIGHT/FULL JOIN of the receiving query (JT_LTORJ). */
  readonly ltorj: boolean;
  /** For the receiving query's own FROM clause: the names it reads from an item (column-usage.ts namesReadFrom). */
  readonly namesRead?: (alias: string) => ReadonlySet<string> | null;
}

/** A flattened subquery: its FROM items take its place in the enclosing join. */
export interface FlatFragment {
  /** The subquery's FROM items (each possibly flattened in turn). */
  readonly entries: readonly FromEntry[];
  /** Its WHERE clause, resolved in `scope`. */
  readonly where: Expr | null;
  /** The subquery's own scope: its ON clauses and WHERE resolve there. */
  readonly scope: Scope;
  /** isOuterJoin: its WHERE is part of the join's ON clause. */
  readonly outerJoin: boolean;
  /** Runs a compile of the subquery's WHERE / ON terms in its body's context (a view sees no CTEs). */
  readonly within: <T>(fn: () => T) => T;
}

/** A FROM item that is a subquery, with what the flattener needs to know about it. */
export interface FlattenCandidate {
  readonly select: SelectStmt;
  /** The scope the subquery's own outer references resolve in. */
  readonly outer: Scope | null;
  readonly alias: string;
  /** Column names given by a view or CTE definition, or null. */
  readonly names: readonly string[] | null;
  /** The CTE's MATERIALIZED hint. */
  readonly materialized: boolean | null;
  /** Error raised when `names` has the wrong length (given with `names`). */
  readonly countError?: (n: number) => Error;
  /** Runs `fn` in the compile context of the subquery's body (a view sees no CTEs). */
  readonly within: <T>(fn: () => T) => T;
}

function hasRightJoin(item: FromItem): boolean {
  if (item.kind !== 'Join') return false;
  return item.joinType === 'RIGHT' || item.joinType === 'FULL' || hasRightJoin(item.left) || hasRightJoin(item.right);
}

/** A single FROM item that SQLite implements as a virtual table (3b). */
function isVirtual(cx: CompileCtx, item: FromItem): boolean {
  if (item.kind === 'TableFunctionRef') return true;
  if (item.kind !== 'TableRef' || item.schema !== null && item.schema.toLowerCase() !== 'main') return false;
  const lname = item.name.toLowerCase();
  if (cx.ctes.some((c) => c.name.toLowerCase() === lname) || cx.schema.table(item.name) || cx.schema.view(item.name)) return false;
  return cx.schema.virtualTables.has(lname) || cx.functions.tableValued(item.name) !== undefined || lname.startsWith('pragma_');
}

/** What SQLite's flattener (and its caller in sqlite3Select) decides for the subquery `c`. */
export function flattenVerdict(cx: CompileCtx, c: FlattenCandidate, site: FlattenSite, k: number, jt: JoinType, ltorj: boolean): FlattenVerdict {
  const sel = c.select;
  const body = sel.body;
  const t = site.target;
  const iFrom = site.index + k;
  if (c.materialized === true || sel.with !== null || t.window) return 'no';
  if (jt === 'RIGHT' || jt === 'FULL') return 'no';
  const outerJoin = jt === 'LEFT' || ltorj;
  if (sel.offset !== null) return 'no';
  if (sel.limit !== null && (t.limit || t.compoundArm || t.nSrc > 1 || t.aggregate || t.where || t.distinct)) return 'no';
  if (body.kind === 'Compound') {
    // (17): UNION ALL of plain selects, each with a FROM clause, no ORDER BY (20)
    if (outerJoin || t.aggregate || t.distinct || (sel.orderBy && sel.orderBy.length) || (t.orderBy && !t.orderByOnResult)) return 'no';
    const arms: SelectCore[] = [];
    const walk = (b: SelectBody): boolean => {
      if (b.kind === 'Compound') return b.op === 'UNION ALL' && walk(b.left) && walk(b.right);
      if (b.kind !== 'SelectCore') return false;
      arms.push(b);
      return true;
    };
    if (!walk(body)) return 'no';
    for (const a of arms) {
      if (!a.from || a.distinct || !plainCore(cx, a, null) || (iFrom > 0 && hasRightJoin(a.from))) return 'no';
    }
    return 'sqlite-only';
  }
  if (body.kind !== 'SelectCore' || body.from === null || body.distinct || !plainCore(cx, body, sel.orderBy)) return 'no';
  if (outerJoin && (body.from.kind === 'Join' || isVirtual(cx, body.from) || t.distinct)) return 'no';
  if (iFrom > 0 && hasRightJoin(body.from)) return 'no';
  let ours = sel.limit === null;
  if (sel.orderBy && sel.orderBy.length) {
    // a subquery ORDER BY is dropped as superfluous (OmitOrderBy), else it moves outward
    const dropped = (t.orderBy || t.nSrc > 1) && sel.limit === null && !t.orderByReqd;
    if (!dropped) {
      if (t.orderBy || t.aggregate) return 'no';
      // ... unless the subquery is the outer loop feeding a complex result (a co-routine)
      if (iFrom === 0 && t.complexResult && (t.nSrc === 1 || (t.secondJoin !== null && t.secondJoin !== 'INNER' && t.secondJoin !== 'COMMA'))) return 'no';
      ours = false;
    }
  }
  return ours ? 'flatten' : 'sqlite-only';
}

/** The name the receiving query reads result column `i` by ('' when it has none). */
function resultName(rc: SelectCore['columns'][number], i: number, names: readonly string[] | null): string {
  if (names) return (names[i] ?? '').toLowerCase();
  if (rc.kind !== 'Expr') return '';
  return (rc.alias ?? (rc.expr.kind === 'Column' ? rc.expr.name : '')).toLowerCase();
}

/** No aggregate and no window function in the result, HAVING or ORDER BY. */
function plainCore(cx: CompileCtx, core: SelectCore, orderBy: readonly OrderingTerm[] | null): boolean {
  if (core.groupBy !== null || core.having !== null || core.windows !== null) return false;
  const exprs = core.columns.map((rc) => (rc.kind === 'Expr' ? rc.expr : null));
  const orderExprs = (orderBy ?? []).map((o) => o.expr);
  return collectAggregates(cx, [...exprs, ...orderExprs]).length === 0 && collectWindowCalls([...exprs, ...orderExprs]).length === 0;
}

/** Flattens the subquery `c` (verdict 'flatten') found at position `k` of a FROM clause bound at `site`. */
export function flattenSubquery(
  cx: CompileCtx,
  c: FlattenCandidate,
  site: FlattenSite,
  k: number,
  jt: JoinType,
  ltorj: boolean,
): { source: ScopeSource; flat: FlatFragment } {
  return c.within(() => flatten(cx, c, site, k, jt, ltorj));
}

function flatten(cx: CompileCtx, c: FlattenCandidate, site: FlattenSite, k: number, jt: JoinType, ltorj: boolean): { source: ScopeSource; flat: FlatFragment } {
  const core = c.select.body;
  if (core.kind !== 'SelectCore' || core.from === null) throw new Error('flatten: not a simple select');
  const query = site.target.query;
  const outerJoin = jt === 'LEFT' || ltorj;
  const entries: FromEntry[] = [];
  const mkScope = () => new Scope(entries.map((e) => e.source), c.outer, query);
  // the subquery's items land in the receiving query: nested subqueries are flattened into it
  const inner: FlattenSite = { target: site.target, index: site.index + k, firstJoin: jt, ltorj };
  bindFrom(cx, core.from, c.outer, entries, mkScope, inner);
  const scope = mkScope();
  // covering-index support: the columns of its tables that the subquery reads, for the result
  // columns the receiving query reads
  const read = site.namesRead?.(c.alias) ?? null;
  const used = read === null ? core : { ...core, columns: core.columns.filter((rc, i) => rc.kind !== 'Expr' || read.has(resultName(rc, i, c.names))) };
  noteColumnUsage(used, c.select.orderBy, scope.sources, scope.sources);
  const outputs = expandColumns(cx, core.columns, scope.sources, true);
  const aliases = makeAliasResolver(cx, core);
  scope.aliases = aliases.resolver(scope);
  scope.aliasNames = aliases.names;
  scope.aggregateContext = 'where';
  const outScope = mkScope();
  const { evs, columns } = projectOutputs(cx, outputs, outScope);
  if (c.names && c.names.length !== columns.length) throw c.countError!(columns.length);
  const slots: number[] = [];
  realSources(entries, slots);
  const rt = cx.rt;
  const wrap = (ev: Ev): Ev => {
    if (!outerJoin) return ev;
    // TK_IF_NULL_ROW: while the (single) table is on its NULL row, every result column is NULL
    const first = firstReal(entries);
    const slot = first.slot;
    const nullRow = first.nullRow;
    return (): SqlValue => (rt.rows[slot] === nullRow ? null : ev());
  };
  const given = c.names ?? columns.map((col) => col.name);
  const names = uniqueColumnNames(given);
  const cols: ScopeColumn[] = columns.map((col, i) => ({
    name: names[i],
    affinity: col.affinity,
    collation: col.collation,
    type: col.type,
    origin: col.origin,
    hidden: false,
    read: wrap(evs[i]),
  }));
  const source = makeSource(rt.allocSlot(), c.alias, null, cols, null, cols.length);
  source.flatSlots = slots;
  return { source, flat: { entries, where: core.where, scope, outerJoin, within: c.within } };
}

function realSources(entries: readonly FromEntry[], out: number[]): void {
  for (const e of entries) {
    if (e.flat) realSources(e.flat.entries, out);
    else out.push(e.source.slot);
  }
}

function firstReal(entries: readonly FromEntry[]): ScopeSource {
  const e = entries[0];
  return e.flat ? firstReal(e.flat.entries) : e.source;
}

/** How the second item of a FROM clause joins the first, or null when there is none. */
export function secondJoinType(item: FromItem | null): JoinType | null {
  const types: JoinType[] = [];
  const walk = (x: FromItem, jt: JoinType): void => {
    if (x.kind === 'Join') {
      walk(x.left, jt);
      walk(x.right, x.joinType);
    } else types.push(jt);
  };
  if (item) walk(item, 'INNER');
  return types.length > 1 ? types[1] : null;
}

/** Number of items of a FROM clause. */
export function fromItemCount(item: FromItem | null): number {
  if (!item) return 0;
  return item.kind === 'Join' ? fromItemCount(item.left) + fromItemCount(item.right) : 1;
}
