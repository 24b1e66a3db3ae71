/**
 * Join planning: orders the FROM items (greedy by access cost for plain inner joins; the written
 * order when outer or CROSS joins are present, as SQLite does for CROSS), chooses each table's
 * access path with the terms usable at that point, pushes every WHERE/ON term down to the
 * earliest place it can be evaluated, and uses an automatic hash index for an inner table that
 * would otherwise be scanned once per outer row.
 *
 * Terms are compiled once, up front, in the scope they were written in, while the scope records
 * the slots each term reads (directly or through correlated subqueries): that is SQLite's
 * prereqAll. A term that reads no slot of this join and is deterministic is tested once before
 * the loop (sqlite3WhereBegin's constant-term special case), so a false one means nothing else
 * runs. FROM items of a flattened subquery (flatten.ts) take part as ordinary items; its WHERE
 * (and its ON clauses) resolve in the subquery's own scope.
 */
import { sqliteError } from '../../common/errors.js';
import type { SqlValue } from '../../common/value.js';
import type { Expr, JoinType } from '../ast.js';
import { FilterOp, GuardOp, SubquerySourceOp, HashLookupOp, NestedLoopJoinOp, OuterJoinOp } from '../exec/join.js';
import { hashableCollation, valueKey } from '../exec/keys.js';
import type { Ev, Op } from '../exec/runtime.js';
import { SingleRowOp, TableScanOp } from '../exec/scan.js';
import { toBool } from '../exec/truth.js';
import { applyComparisonAffinity, comparisonAffinity, type Affinity } from '../semantics/affinity.js';
import { accessLoops, chooseAccess, type AccessLoop, type OrderRequest } from './access-path.js';
import { markOuterOn } from './access-terms.js';
import { simplifyJoins } from './join-simplify.js';
import { correlatedSubqueries } from './expr-subquery.js';
import { astSome } from './dml/ast-walk.js';
import { logEstAdd, type LogEst } from './where-cost.js';
import type { CompileCtx } from './context.js';
import { compileExpr, compileFilter, comparisonCollation } from './expr.js';
import type { FromEntry } from './from.js';
import type { TableFunctionBinding } from './table-function.js';
import { Scope, slotsOf, type Compiled, type ScopeSource } from './scope.js';
import { conjuncts, referencedSlots, sourceOfColumn } from './terms.js';
import { eqpCapture, eqpJoinStart } from './explain-hooks.js';
import type { EqpNode } from './explain-plan.js';
import type { IndexSchema, TableSchema } from '../../catalog/types.js';

/** A FROM item as the planner sees it: flattened subqueries are replaced by their own items. */
interface PlanEntry {
  readonly source: ScopeSource;
  readonly joinType: JoinType;
  /** The join type as written (before OUTER JOIN strength reduction). */
  readonly declaredJoin: JoinType;
  readonly on: Expr | null;
  readonly usingTerms: readonly (readonly [Expr, Expr])[];
  /** The scope the ON / USING terms resolve in, and the context to compile them in. */
  readonly onScope: Scope;
  readonly onWithin: Within;
  /** The scope in which this item's name is visible (its query's, or a flattened subquery's). */
  readonly home: Scope;
  readonly homeWithin: Within;
  readonly table: TableSchema | null;
  readonly op: Op | null;
  readonly indexedBy: string | false | null;
  readonly tvf?: TableFunctionBinding;
  /** A subquery read as a co-routine: the outermost loop. */
  readonly coroutine: boolean;
}

interface Term {
  readonly expr: Expr;
  readonly scope: Scope;
  readonly compiled: Compiled;
  readonly slots: ReadonlySet<number>;
  /** For terms of a LEFT JOIN's ON clause: the slot of that join's right side. */
  readonly onOf: number | null;
  /** A WHERE term (not an ON/USING term): with a RIGHT/FULL JOIN present, applied after all joins. */
  readonly isWhere: boolean;
  /** For ON/USING terms: the index (in FROM order) of the join they belong to. */
  readonly ofEntry: number;
  applied: boolean;
}

export interface JoinPlan {
  readonly op: Op;
  readonly ordered: boolean;
  readonly details: readonly string[];
  /** Per level (as `details`): the table's rows are found by rowid (AccessChoice.byRowid). */
  readonly byRowid: readonly boolean[];
  /** Per level (as `details`): the index read (AccessChoice.index). */
  readonly indexes: readonly (IndexSchema | null)[];
}

function eqExpr(l: Expr, r: Expr): Expr {
  return { kind: 'Binary', op: '=', left: l, right: r, start: 0, end: 0 };
}

class EmptyOp implements Op {
  open(): void {}
  next(): boolean {
    return false;
  }
  close(): void {}
}

type Within = <T>(fn: () => T) => T;

interface FlatWhere {
  readonly expr: Expr;
  readonly scope: Scope;
  readonly within: Within;
  /** Index of the subquery's first item. */
  readonly at: number;
  readonly outerJoin: boolean;
}

const asIs: Within = (fn) => fn();

/**
 * Replaces flattened subqueries by their FROM items; collects their WHERE clauses. `types`
 * overrides the entries' join types (OUTER JOIN strength reduction, join-simplify.ts).
 */
function expandEntries(entries: readonly FromEntry[], home: Scope, within: Within, out: PlanEntry[], wheres: FlatWhere[], types: readonly JoinType[] | null = null): void {
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i];
    const joinType = types ? types[i] : e.joinType;
    const f = e.flat;
    if (!f) {
      out.push({ source: e.source, joinType, declaredJoin: e.joinType, on: e.on, usingTerms: e.usingTerms, onScope: home, onWithin: within, home, homeWithin: within, table: e.table, op: e.op, indexedBy: e.indexedBy, tvf: e.tvf, coroutine: e.coroutine === true });
      continue;
    }
    const at = out.length;
    expandEntries(f.entries, f.scope, f.within, out, wheres);
    // the subquery's first item takes the subquery's place in this join
    out[at] = { ...out[at], joinType, declaredJoin: e.joinType, on: e.on, usingTerms: e.usingTerms, onScope: home, onWithin: within };
    if (f.where) wheres.push({ expr: f.where, scope: f.scope, within: f.within, at, outerJoin: f.outerJoin });
  }
}

/** A scope over the sources of `home` whose slots are all bound (for access-path key expressions). */
function boundScope(home: Scope, bound: ReadonlySet<number>, query = home.query): Scope {
  const s = new Scope(
    home.sources.filter((src) => slotsOf(src).every((x) => bound.has(x))),
    home.parent,
    query,
  );
  s.aliases = home.aliases;
  s.aliasNames = home.aliasNames;
  s.aggregateContext = home.aggregateContext;
  return s;
}

export function planJoins(cx: CompileCtx, fromEntries: FromEntry[], where: Expr | null, scope: Scope, order: OrderRequest | null): JoinPlan {
  const rt = cx.rt;
  const details: string[] = [];
  const byRowid: boolean[] = [];
  const indexes: (IndexSchema | null)[] = [];
  const terms: Term[] = [];
  const entries: PlanEntry[] = [];
  const wheres: FlatWhere[] = [];
  expandEntries(fromEntries, scope, asIs, entries, wheres, simplifyJoins(fromEntries, where, scope));
  // EXPLAIN QUERY PLAN: places FROM-subquery rows, one row per loop (explain-hooks.ts)
  const eqpJoin = eqpJoinStart(cx, entries);
  const hasOuterRightFull = entries.some((e) => e.joinType === 'RIGHT' || e.joinType === 'FULL');
  const declaredRightFull = entries.some((e) => e.declaredJoin === 'RIGHT' || e.declaredJoin === 'FULL');

  const compileTracked = (e: Expr, sc: Scope, within: Within): { compiled: Compiled; slots: Set<number> } => {
    const saved = sc.trackSlots;
    const slots = new Set<number>();
    sc.trackSlots = slots;
    try {
      return { compiled: eqpCapture(cx, () => within(() => compileFilter(cx, e, sc))), slots };
    } finally {
      sc.trackSlots = saved;
      if (saved) for (const x of slots) saved.add(x);
    }
  };
  // exprAnalyze (tag-20220128a): `(a, b) = (x, y)` in the AND-list becomes the terms `a = x` and
  // `b = y`, appended to the WHERE clause (each filters on its own, in order: `b = y` is not
  // evaluated for a row `a = x` rejects)
  const splits: { parts: Expr[]; sc: Scope; within: Within; onOf: number | null; isWhere: boolean; ofEntry: number; check: boolean }[] = [];
  let splitCheck = false;
  const addTerm = (e: Expr, sc: Scope, within: Within, onOf: number | null, isWhere: boolean, ofEntry: number) => {
    const parts = vectorEqualityParts(e);
    if (parts) {
      splits.push({ parts, sc, within, onOf, isWhere, ofEntry, check: splitCheck });
      return;
    }
    const { compiled, slots } = compileTracked(e, sc, within);
    if (onOf !== null) markOuterOn(e);
    terms.push({ expr: e, scope: sc, compiled, slots, onOf, isWhere, ofEntry, applied: false });
  };
  // WHERE order after flattening: the subqueries' WHERE clauses, this WHERE, then ON clauses
  for (const w of wheres) {
    const ej = entries[w.at];
    // isOuterJoin: the subquery's WHERE becomes part of the join's ON clause
    const onOf = w.outerJoin && ej.joinType === 'LEFT' ? ej.source.slot : null;
    for (const t of conjuncts(w.expr)) addTerm(t, w.scope, w.within, onOf, !w.outerJoin, w.outerJoin ? w.at : -1);
  }
  for (const w of conjuncts(where)) addTerm(w, scope, asIs, null, true, -1);
  const rightOn = new Map<number, Compiled[]>();
  const slotEntry = new Map<number, number>();
  entries.forEach((e, i) => slotEntry.set(e.source.slot, i));
  for (let ei = 0; ei < entries.length; ei++) {
    const e = entries[ei];
    const isLeft = e.joinType === 'LEFT';
    const isRightFull = e.joinType === 'RIGHT' || e.joinType === 'FULL';
    const own: [Expr, Scope][] = [...conjuncts(e.on).map((x): [Expr, Scope] => [x, e.onScope]), ...e.usingTerms.map(([l, r]): [Expr, Scope] => [eqExpr(l, r), e.onScope])];
    const first = terms.length;
    if (isRightFull) {
      // handled as the join's own condition
      const list: Compiled[] = [];
      for (const [x, sc] of own) {
        const t = compileTracked(x, sc, e.onWithin);
        checkOnClause(t.slots, ei, slotEntry);
        list.push(t.compiled);
      }
      rightOn.set(ei, list);
      continue;
    }
    // "ON clause references tables to its right": always for an outer join's ON clause, for an
    // inner join's only when a RIGHT or FULL JOIN is present (selectCheckOnClauses, before
    // OUTER JOIN strength reduction: the joins as written)
    const check = e.declaredJoin === 'LEFT' || e.declaredJoin === 'FULL' || declaredRightFull;
    splitCheck = check;
    for (const [x, sc] of own) addTerm(x, sc, e.onWithin, isLeft ? e.source.slot : null, false, ei);
    splitCheck = false;
    if (check) for (let i = first; i < terms.length; i++) checkOnClause(terms[i].slots, ei, slotEntry);
  }
  for (const sp of splits) {
    for (const part of sp.parts) {
      const at = terms.length;
      addTerm(part, sp.sc, sp.within, sp.onOf, sp.isWhere, sp.ofEntry);
      if (sp.check) checkOnClause(terms[at].slots, sp.ofEntry, slotEntry);
    }
  }

  if (entries.length === 0) {
    eqpJoin?.finish(terms.map((t) => t.compiled));
    let op: Op = new SingleRowOp();
    const pred = combine(terms.map((t) => t.compiled));
    if (pred) op = new FilterOp(op, pred);
    return { op, ordered: false, details, byRowid, indexes };
  }

  // Terms that read nothing of this join are tested once, before the loop.
  const hoisted = terms.filter(
    (t) => t.slots.size === 0 && t.onOf === null && (t.isWhere || !hasOuterRightFull) && isDeterministic(cx, t.expr),
  );
  for (const t of hoisted) t.applied = true;

  // SQLite's solver orders the items (an outer or CROSS join's right side stays after the items
  // to its left); the greedy order serves joins with subqueries when every join is inner
  const innerOnly = entries.every((e, i) => i === 0 || e.joinType === 'INNER' || e.joinType === 'COMMA');
  let order2 = entries.length > 1 && !hasOuterRightFull ? solveOrder(cx, entries, terms) ?? (innerOnly ? greedyOrder(cx, entries, terms) : entries.slice()) : entries.slice();
  // a co-routine is the outer loop and produces its rows as that loop reads them (every item
  // before it is an inner join, so it may move there)
  const co = entries.find((e) => e.coroutine);
  if (co && co.op instanceof SubquerySourceOp) {
    if (order2[0] !== co) order2 = [co, ...order2.filter((e) => e !== co)];
    co.op.streamRows();
  }
  const bound: ScopeSource[] = [];
  const boundSlots = new Set<number>();
  const allExprs = terms.map((t) => t.expr);
  let op: Op | null = null;
  let ordered = false;

  const termsNow = (slot: number, forLeft: number | null, entryIndex: number) =>
    terms.filter((t) => {
      if (t.applied) return false;
      // below a RIGHT/FULL JOIN both sides are null-extended: a term waits for its own join
      if (hasOuterRightFull && (t.isWhere || t.ofEntry > entryIndex)) return false;
      if (t.onOf !== null && t.onOf !== forLeft) return false;
      // a WHERE term touching a LEFT JOIN's right side must wait until after that join
      if (forLeft !== null && t.onOf === null && t.slots.has(slot)) return false;
      for (const s of t.slots) if (s !== slot && !boundSlots.has(s)) return false;
      return true;
    });

  for (const entry of order2) {
    const slot = entry.source.slot;
    const isLeft = entry.joinType === 'LEFT';
    const isRightFull = entry.joinType === 'RIGHT' || entry.joinType === 'FULL';
    const entryIndex = entries.indexOf(entry);
    const avail = isRightFull ? [] : termsNow(slot, isLeft ? slot : null, entryIndex);
    // only terms written where this item's name is visible can drive its access path
    const own = (i: number) => avail[i].scope === entry.home;
    let inner: Op;
    const consumed = new Set<number>();
    const accessScope = boundScope(entry.home, boundSlots);
    let eqpRows: readonly EqpNode[] = [];
    let coversTerm: ((e: Expr) => boolean) | null = null;
    if (entry.table) {
      if (entry.table.root === -1) {
        inner = new EmptyOp();
      } else {
        const availExprs = avail.map((t) => t.expr);
        const choice = entry.homeWithin(() => chooseAccess(cx, entry.source, entry.table!, availExprs, own, accessScope, entries.length === 1 ? order : null, entry.indexedBy, allExprs));
        inner = choice.op;
        ordered = choice.ordered;
        details.push(choice.detail);
        byRowid.push(choice.byRowid);
        indexes.push(choice.index);
        eqpRows = choice.eqpRows;
        coversTerm = choice.coversTerm;
        for (const i of choice.consumed) consumed.add(i);
        if (choice.cost >= 1000 && op !== null) {
          const hash = entry.homeWithin(() => tryHashJoin(cx, entry, avail, own, accessScope, consumed));
          if (hash) {
            inner = hash;
            coversTerm = null;
            details[details.length - 1] = `SEARCH ${entry.source.name} USING AUTOMATIC COVERING INDEX`;
          }
        }
      }
    } else {
      inner = entry.op!;
      if (entry.tvf) {
        // WHERE terms `hidden_column = expr` become the table-valued function's arguments
        const extra = new Map<number, Ev>();
        const b = entry.tvf;
        avail.forEach((t, i) => {
          if (!own(i)) return;
          const e = t.expr;
          if (e.kind !== 'Binary' || e.op !== '=') return;
          for (const [c, other] of [[e.left, e.right], [e.right, e.left]] as const) {
            if (c.kind !== 'Column') continue;
            const hit = sourceOfColumn([entry.source], c.table, c.name);
            if (!hit || hit.index < b.hiddenStart + b.nExplicit) continue;
            const os = new Set<number>();
            referencedSlots(other, entry.home, os);
            if (os.has(slot)) continue;
            extra.set(hit.index - b.hiddenStart, entry.homeWithin(() => compileExpr(cx, other, accessScope)).ev);
            break;
          }
        });
        if (extra.size) inner = b.withConstraints(extra);
      }
      details.push(`SCAN ${entry.source.name}`);
      byRowid.push(false);
      indexes.push(null);
    }
    avail.forEach((t, i) => {
      if (consumed.has(i)) t.applied = true;
    });
    // the order terms are tested in (sqlite3WhereCodeOneLoopStart's iLoop passes): those the
    // index entry answers first when the loop reads the table row too, then the others, then
    // those holding a correlated subquery
    let rest = avail.filter((t) => !t.applied);
    if (coversTerm || rest.some((t) => hasCorrelatedSubquery(t.expr))) {
      const deferred = rest.filter((t) => hasCorrelatedSubquery(t.expr));
      const now = rest.filter((t) => !deferred.includes(t));
      rest = coversTerm ? [...now.filter((t) => coversTerm!(t.expr)), ...now.filter((t) => !coversTerm!(t.expr)), ...deferred] : [...now, ...deferred];
    }
    eqpJoin?.level(entry, entry.table?.root === -1 ? null : details[details.length - 1], eqpRows, [...(op === null ? hoisted : []), ...rest].map((t) => t.compiled));
    bound.push(entry.source);
    boundSlots.add(slot);
    const restPred = combine(rest.map((t) => t.compiled));
    rest.forEach((t) => (t.applied = true));
    if (restPred) inner = new FilterOp(inner, restPred);
    if (op === null) {
      op = inner;
    } else if (isRightFull) {
      const on = combine(rightOn.get(entryIndex) ?? []);
      const outerSources = bound.slice(0, -1);
      op = new OuterJoinOp(
        rt,
        op,
        inner,
        on,
        entry.joinType === 'FULL',
        outerSources.map((s) => s.slot),
        outerSources.map((s) => s.nullRow),
        [slot],
        [entry.source.nullRow],
      );
    } else {
      op = new NestedLoopJoinOp(rt, op, inner, null, isLeft, [slot], [entry.source.nullRow]);
    }
    if (isLeft || isRightFull) {
      // WHERE terms now fully bound apply after the outer join
      const after = terms.filter((t) => !t.applied && t.onOf === null && !(hasOuterRightFull && t.isWhere) && [...t.slots].every((s) => boundSlots.has(s)));
      const pred = combine(after.map((t) => t.compiled));
      after.forEach((t) => (t.applied = true));
      if (pred) op = new FilterOp(op, pred);
    }
  }
  eqpJoin?.finish(terms.filter((t) => !t.applied).map((t) => t.compiled));
  const left = terms.filter((t) => !t.applied);
  const pred = combine(left.map((t) => t.compiled));
  if (pred) op = new FilterOp(op!, pred);
  if (hoisted.length) op = new GuardOp(op!, hoisted.map((t) => t.compiled.ev));
  return { op: op!, ordered: ordered && entries.length === 1, details, byRowid, indexes };
}

/**
 * TERM_VARSELECT: the term holds a correlated subquery (compiled before this is asked). A term
 * that is itself `x IN (SELECT ...)` does not count for its own subquery (exprAnalyze takes the
 * usage of its SELECT directly), only for subqueries inside; `x NOT IN (...)` counts.
 */
function hasCorrelatedSubquery(e: Expr): boolean {
  if (e.kind === 'InSelect' && !e.not) return astSome([e.expr, e.select], (n) => correlatedSubqueries.has(n));
  return astSome(e, (n) => correlatedSubqueries.has(n));
}

/** The element comparisons of `(a, b, ...) = (x, y, ...)` (or IS), null for any other term. */
function vectorEqualityParts(e: Expr): Expr[] | null {
  if (e.kind !== 'Binary' || (e.op !== '=' && e.op !== 'IS')) return null;
  const l = e.left;
  const r = e.right;
  if (l.kind !== 'RowValue' || r.kind !== 'RowValue' || l.items.length !== r.items.length || l.items.length < 2) return null;
  if (l.items.some((x) => x.kind === 'RowValue') || r.items.some((x) => x.kind === 'RowValue')) return null;
  return l.items.map((x, i): Expr => ({ kind: 'Binary', op: e.op, left: x, right: r.items[i], start: e.start, end: e.end }));
}

function checkOnClause(slots: ReadonlySet<number>, ei: number, slotEntry: ReadonlyMap<number, number>): void {
  for (const s of slots) {
    const at = slotEntry.get(s);
    if (at !== undefined && at > ei) throw sqliteError('ON clause references tables to its right');
  }
}

/**
 * exprIsDeterministic: no subquery at all (sqlite3SelectWalkFail) and no function whose result
 * may change from one call to the next (random(), changes(), ...); date and time functions
 * count as constant here.
 */
function isDeterministic(cx: CompileCtx, e: Expr): boolean {
  let ok = true;
  const walk = (x: Expr | null): void => {
    if (!x || !ok) return;
    switch (x.kind) {
      case 'Function': {
        if (!x.special) {
          const def = cx.functions.scalar(x.name, x.args.length);
          if (def && !def.deterministic && !DATE_FUNCTIONS.has(x.name.toLowerCase())) ok = false;
        }
        x.args.forEach(walk);
        return walk(x.filter);
      }
      case 'Unary':
        return walk(x.operand);
      case 'Binary':
        walk(x.left);
        return walk(x.right);
      case 'Like':
        walk(x.left);
        walk(x.right);
        return walk(x.escape);
      case 'Between':
        walk(x.expr);
        walk(x.low);
        return walk(x.high);
      case 'InList':
        walk(x.expr);
        return x.list.forEach(walk);
      case 'InSelect':
      case 'InTable':
      case 'Exists':
      case 'Subquery':
        ok = false;
        return;
      case 'IsNull':
      case 'Cast':
      case 'Collate':
        return walk(x.expr);
      case 'Case':
        walk(x.base);
        x.whens.forEach((w) => {
          walk(w.when);
          walk(w.then);
        });
        return walk(x.else);
      case 'RowValue':
        return x.items.forEach(walk);
      default:
        return;
    }
  };
  walk(e);
  return ok;
}

/** SQLITE_FUNC_SLOCHNG functions: the same value throughout one statement. */
const DATE_FUNCTIONS = new Set(['date', 'time', 'datetime', 'julianday', 'unixepoch', 'strftime', 'timediff']);

/** AND of compiled terms, or null when there are none. */
function combine(compiled: readonly Compiled[]): Ev | null {
  if (compiled.length === 0) return null;
  // constant terms first: SQLite tests them once before the loop, so a false one means the
  // other terms (and their errors) are never evaluated
  const evs = [...compiled.filter((c) => c.constant === true), ...compiled.filter((c) => c.constant !== true)].map((c) => c.ev);
  if (evs.length === 1) {
    const e0 = evs[0];
    return e0;
  }
  // each term is coded with sqlite3ExprIfFalse(..., SQLITE_JUMPIFNULL): a NULL term rejects the
  // row as a false one does, and the terms after it are not evaluated
  return () => {
    for (let i = 0; i < evs.length; i++) {
      const v = evs[i]();
      if (v === null) return null;
      if (v === 0 || !truthy(v)) return 0;
    }
    return 1;
  };
}

function truthy(v: SqlValue): boolean {
  return typeof v === 'number' ? v !== 0 : toBool(v);
}

/** A partial join order (SQLite's WherePath). */
interface WherePath {
  readonly mask: number;
  readonly nRow: LogEst;
  readonly rCost: LogEst;
  readonly rUnsorted: LogEst;
  readonly order: readonly number[];
  /** The loop added last. */
  readonly last: AccessLoop | null;
}

/** whereLoopIsNoBetter: a candidate beats an equal-cost baseline only by reading a narrower index. */
function isNoBetter(candidate: AccessLoop, baseline: AccessLoop | null): boolean {
  if (candidate.szIdx === null || !baseline || baseline.szIdx === null) return true;
  return !(candidate.szIdx < baseline.szIdx);
}

/**
 * wherePathSolver: the join order of base tables, by total path cost in
 * SQLite's units. Keeps the mxChoice best partial paths per step (1, 5 for two tables, 12
 * beyond), one per set of tables; a path's cost adds each loop's setup and its run cost times
 * the rows of the outer loops, and its row count adds the loop's nOut. Ties keep the earlier
 * path (FROM order, then loop order). The ORDER BY is not considered (as in SQLite's first
 * pass). Returns null when some item is not a base table (the greedy order is used then).
 */
function solveOrder(cx: CompileCtx, entries: readonly PlanEntry[], terms: readonly Term[]): PlanEntry[] | null {
  const n = entries.length;
  if (n > 30) return null;
  for (const e of entries) if (!e.table || e.table.root === -1 || e.tvf) return null;
  const bitOf = new Map<number, number>();
  entries.forEach((e, i) => bitOf.set(e.source.slot, i));
  // whereLoopAddAll: a LEFT or CROSS join's right side needs every item to its left
  const itemPrereq: number[] = [];
  let mPrior = 0;
  let mPrereq = 0;
  entries.forEach((e, i) => {
    if (i > 0 && (e.joinType === 'LEFT' || e.joinType === 'CROSS')) mPrereq |= mPrior;
    else mPrereq = 0;
    itemPrereq.push(mPrereq);
    mPrior |= 1 << i;
  });
  // per item: the terms that may drive or filter its loops, with the other items they read
  // (a LEFT JOIN's right side is searched with its own ON terms only)
  // (terms written in another scope, e.g. an outer WHERE over a flattened subquery's items,
  // only filter: each lowers nOut by one when within the loop's prerequisites)
  const filterOnly: { readonly need: number }[][] = entries.map(() => []);
  const itemTerms = entries.map((e, i) => {
    const slot = e.source.slot;
    const onOf = e.joinType === 'LEFT' ? slot : null;
    const list: { readonly k: number; readonly need: number }[] = [];
    terms.forEach((t, k) => {
      if (t.applied || !t.slots.has(slot) || t.onOf !== onOf) return;
      let need = 0;
      for (const s of t.slots) {
        if (s === slot) continue;
        const b = bitOf.get(s);
        if (b === undefined) return;
        need |= 1 << b;
      }
      if (t.scope === e.home) list.push({ k, need });
      else filterOnly[i].push({ need });
    });
    return list;
  });
  const caches = entries.map(() => new Map<string | number, AccessLoop[] | null>());
  const allExprs = terms.map((t) => t.expr);
  const loopsFor = (i: number, mask: number): AccessLoop[] | null => {
    const list = itemTerms[i];
    const extras = filterOnly[i];
    let key: string | number = 0;
    if (list.length + extras.length <= 30) {
      for (let j = 0; j < list.length; j++) if ((list[j].need & ~mask) === 0) key |= 1 << j;
      for (let j = 0; j < extras.length; j++) if ((extras[j].need & ~mask) === 0) key |= 1 << (list.length + j);
    } else key = [...list, ...extras].map((t) => ((t.need & ~mask) === 0 ? '1' : '0')).join('');
    const cache = caches[i];
    const hit = cache.get(key);
    if (hit !== undefined) return hit;
    const e = entries[i];
    const slot = e.source.slot;
    const use = list.filter((t) => (t.need & ~mask) === 0);
    const bound = new Set<number>();
    for (const t of use) for (const s of terms[t.k].slots) if (s !== slot) bound.add(s);
    // a trial compile: must not mark the real query correlated
    const bs = boundScope(e.home, bound, { correlated: false, depth: e.home.query.depth });
    let loops: AccessLoop[] | null;
    try {
      loops = e.homeWithin(() => accessLoops(cx, e.source, e.table!, use.map((t) => terms[t.k].expr), bs, e.indexedBy, (j) => use[j].need, allExprs));
      const extra = extras.filter((t) => (t.need & ~mask) === 0);
      if (extra.length) {
        loops = loops.map((l) => {
          if (l.auto) return l;
          let nOut = l.nOut;
          for (const t of extra) if ((t.need & ~l.prereq) === 0) nOut--;
          return { ...l, nOut };
        });
      }
    } catch {
      loops = null;
    }
    cache.set(key, loops);
    return loops;
  };
  const mxChoice = n <= 1 ? 1 : n === 2 ? 5 : 12;
  let from: WherePath[] = [{ mask: 0, nRow: 0, rCost: 0, rUnsorted: 0, order: [], last: null }];
  for (let level = 0; level < n; level++) {
    const to: WherePath[] = [];
    let mxI = 0;
    let mxCost = 0;
    let mxUnsorted = 0;
    for (const pf of from) {
      for (let i = 0; i < n; i++) {
        const bit = 1 << i;
        if (pf.mask & bit) continue;
        const loops = loopsFor(i, pf.mask);
        if (!loops) return null;
        for (const l of loops) {
          if (((l.prereq | itemPrereq[i]) & ~pf.mask) !== 0) continue;
          // no automatic index for a loop expected to run less than 1.25 times
          if (l.auto && pf.nRow < 3) continue;
          let rCost = l.rRun + pf.nRow;
          if (l.rSetup) rCost = logEstAdd(l.rSetup, rCost);
          rCost = logEstAdd(rCost, pf.rUnsorted);
          // no ORDER BY: every path counts as ordered (a uniform bias of 2)
          const rUnsorted = rCost - 2;
          const nOut = pf.nRow + l.nOut;
          const mask = pf.mask | bit;
          let jj = to.findIndex((p) => p.mask === mask);
          if (jj < 0) {
            if (to.length >= mxChoice && (rCost > mxCost || (rCost === mxCost && rUnsorted >= mxUnsorted))) continue;
            jj = to.length < mxChoice ? to.length : mxI;
          } else {
            const p = to[jj];
            // (p.rCost, p.nRow, p.rUnsorted) <= (rCost, nOut, rUnsorted); on a full tie the
            // narrower index wins (whereLoopIsNoBetter)
            if (p.rCost !== rCost ? p.rCost < rCost : p.nRow !== nOut ? p.nRow < nOut : p.rUnsorted !== rUnsorted ? p.rUnsorted < rUnsorted : isNoBetter(l, p.last)) continue;
          }
          to[jj] = { mask, nRow: nOut, rCost, rUnsorted, order: [...pf.order, i], last: l };
          if (to.length >= mxChoice) {
            mxI = 0;
            mxCost = to[0].rCost;
            mxUnsorted = to[0].nRow; // sic: SQLite seeds the comparison with nRow
            for (let k = 1; k < mxChoice; k++) {
              const p = to[k];
              if (p.rCost > mxCost || (p.rCost === mxCost && p.rUnsorted > mxUnsorted)) {
                mxCost = p.rCost;
                mxUnsorted = p.rUnsorted;
                mxI = k;
              }
            }
          }
        }
      }
    }
    if (to.length === 0) return null;
    from = to;
  }
  let best = from[0];
  for (const p of from) if (p.rCost < best.rCost) best = p;
  return best.order.map((i) => entries[i]);
}

/** Greedy join order: repeatedly take the entry with the cheapest access given what is bound. */
function greedyOrder(cx: CompileCtx, entries: readonly PlanEntry[], terms: readonly Term[]): PlanEntry[] {
  const remaining = entries.slice();
  const out: PlanEntry[] = [];
  const boundSlots = new Set<number>();
  while (remaining.length) {
    let bestI = 0;
    let bestCost = Infinity;
    remaining.forEach((e, i) => {
      let cost = 5000;
      if (e.table) {
        const slot = e.source.slot;
        const usable = terms.filter((t) => t.scope === e.home && [...t.slots].every((s) => s === slot || boundSlots.has(s)) && t.slots.has(slot));
        cost = estimateCost(cx, e, usable.map((t) => t.expr), boundSlots);
      } else if (e.op && remaining.length > 1 && out.length === 0) {
        cost = 3000;
      }
      if (cost < bestCost) {
        bestCost = cost;
        bestI = i;
      }
    });
    const [e] = remaining.splice(bestI, 1);
    out.push(e);
    boundSlots.add(e.source.slot);
  }
  return out;
}

function estimateCost(cx: CompileCtx, e: PlanEntry, usable: readonly Expr[], boundSlots: ReadonlySet<number>): number {
  // a trial compile: must not mark the real query correlated
  const bs = boundScope(e.home, boundSlots, { correlated: false, depth: e.home.query.depth });
  try {
    const choice = e.homeWithin(() => chooseAccess(cx, e.source, e.table!, usable, () => true, bs, null, e.indexedBy));
    return choice.cost;
  } catch {
    return 5000;
  }
}

/**
 * Automatic index: if some available term is `inner.col = <expr over bound sources>` with a
 * hashable collation, read the inner table once into a hash table keyed by col.
 */
function tryHashJoin(cx: CompileCtx, entry: PlanEntry, avail: Term[], own: (i: number) => boolean, accessScope: Scope, consumed: Set<number>): Op | null {
  const src = entry.source;
  const slot = src.slot;
  const home = entry.home;
  const innerScope = new Scope([src], home.parent, home.query);
  for (let i = 0; i < avail.length; i++) {
    if (!own(i)) continue;
    const t = avail[i].expr;
    if (t.kind !== 'Binary' || t.op !== '=') continue;
    for (const [colSide, other] of [
      [t.left, t.right],
      [t.right, t.left],
    ] as const) {
      if (colSide.kind !== 'Column') continue;
      const hit = sourceOfColumn([src], colSide.table, colSide.name);
      if (!hit) continue;
      const slots = new Set<number>();
      referencedSlots(other, home, slots);
      if (slots.has(slot)) continue;
      let probe: Compiled;
      let key: Compiled;
      try {
        probe = compileExpr(cx, other, accessScope);
        key = compileExpr(cx, colSide, innerScope);
      } catch {
        continue;
      }
      // the collation of `left = right` prefers the left operand's, whichever side is hashed
      const coll = hashableCollation(colSide === t.left ? comparisonCollation(key, probe) : comparisonCollation(probe, key));
      if (!coll) continue;
      const aff: Affinity | null = comparisonAffinity(key.aff, probe.aff);
      const conv = (v: SqlValue): SqlValue => (aff === null || aff === 'BLOB' ? v : applyComparisonAffinity(v, aff));
      const kev = key.ev;
      const pev = probe.ev;
      const keyOf = () => {
        const v = kev();
        return v === null ? null : valueKey(conv(v), coll);
      };
      const probeOf = () => {
        const v = pev();
        return v === null ? null : valueKey(conv(v), coll);
      };
      // Terms on the inner table alone filter the build side.
      const ownTerms = avail.filter((a, j) => j !== i && [...a.slots].every((s) => s === slot));
      // a full scan, through the primary-key tree for a WITHOUT ROWID table
      let build: Op = entry.table!.withoutRowid ? chooseAccess(cx, src, entry.table!, [], () => true, innerScope, null, null).op : new TableScanOp(cx.rt, slot, entry.table!.root);
      if (ownTerms.length) {
        const evs = ownTerms.map((a) => a.compiled.ev);
        build = new FilterOp(build, () => {
          for (const ev of evs) if (!toBool(ev())) return 0;
          return 1;
        });
        ownTerms.forEach((a) => consumed.add(avail.indexOf(a)));
      }
      const op = new HashLookupOp(cx.rt, build, [slot], keyOf, probeOf);
      cx.rt.resets.push(op);
      consumed.add(i);
      return op;
    }
  }
  return null;
}
