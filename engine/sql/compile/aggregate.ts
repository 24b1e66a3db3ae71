/**
 * Compilation of GROUP BY and aggregate calls into an AggregateOp (exec/aggregate.ts).
 */
import { sqliteError } from '../../common/errors.js';
import type { SqlValue } from '../../common/value.js';
import type { Expr, FunctionExpr, OrderingTerm } from '../ast.js';
import { makeComparator, type SortKey } from '../exec/rows.js';
import { AggregateOp, type AggregateSpec } from '../exec/aggregate.js';
import { hasJsonArgs, jsonFlaggedAccumulator, withJsonFlags } from './aggregate-json-args.js';
import { columnAggregateScan } from './aggregate-scan.js';
import { hashableCollation, type CollationName } from '../exec/keys.js';
import type { Op } from '../exec/runtime.js';
import type { Accumulator } from '../functions/registry.js';
import type { CompileCtx } from './context.js';
import { compileExpr } from './expr.js';
import { isAggregateCall } from './expr-function.js';
import type { Compiled, Scope, ScopeSource } from './scope.js';
import { ordinalTerm, sameExpr } from './terms.js';

/** Aggregate calls in the given expressions (not inside subqueries, not window calls). */
export function collectAggregates(cx: CompileCtx, exprs: readonly (Expr | null)[]): FunctionExpr[] {
  const out: FunctionExpr[] = [];
  const walk = (e: Expr | null): void => {
    if (!e) return;
    switch (e.kind) {
      case 'Function':
        if (e.over === null && isAggregateCall(cx, e)) {
          out.push(e);
          return; // nested aggregates are an error SQLite reports when compiling the arguments
        }
        e.args.forEach(walk);
        if (e.over && typeof e.over === 'object') {
          e.over.partitionBy.forEach(walk);
          e.over.orderBy.forEach((t) => walk(t.expr));
        }
        return walk(e.filter);
      case 'Unary':
        return walk(e.operand);
      case 'Binary':
        walk(e.left);
        return walk(e.right);
      case 'Like':
        walk(e.left);
        walk(e.right);
        return walk(e.escape);
      case 'Between':
        walk(e.expr);
        walk(e.low);
        return walk(e.high);
      case 'InList':
        walk(e.expr);
        return e.list.forEach(walk);
      case 'InSelect':
      case 'InTable':
      case 'IsNull':
      case 'Cast':
      case 'Collate':
        return walk(e.expr);
      case 'Case':
        walk(e.base);
        e.whens.forEach((w) => {
          walk(w.when);
          walk(w.then);
        });
        return walk(e.else);
      case 'RowValue':
        return e.items.forEach(walk);
      default:
        return;
    }
  };
  exprs.forEach(walk);
  return out;
}

/** The GROUP BY terms (ordinals resolved) and the value slots holding the current group's key. */
export interface GroupKeys {
  readonly terms: readonly Expr[];
  readonly slots: readonly number[];
}

/**
 * A result column that is exactly a GROUP BY term (other than a bare column) reads the group's
 * key, i.e. its value on the group's first row, not the representative row (SQLite 3.53 codes
 * it as the GROUP BY register).
 */
export function groupKeyRead(cx: CompileCtx, keys: GroupKeys, e: Expr, c: Compiled, aliasOf: (name: string) => Expr | null): Compiled {
  if (e.kind === 'Column') return c;
  for (let k = 0; k < keys.terms.length; k++) {
    let t = keys.terms[k];
    if (t.kind === 'Column' && t.table === null) t = aliasOf(t.name) ?? t;
    if (!sameExpr(t, e)) continue;
    const rt = cx.rt;
    const slot = keys.slots[k];
    return { ...c, ev: () => rt.vals[slot], column: undefined };
  }
  return c;
}

function countStar(): Accumulator {
  let n = 0;
  return {
    step() {
      n++;
    },
    inverse() {
      n--;
    },
    value() {
      return n;
    },
    final() {
      return n;
    },
  };
}

export function compileAggregation(
  cx: CompileCtx,
  input: Op,
  groupBy: readonly Expr[] | null,
  calls: readonly FunctionExpr[],
  inScope: Scope,
  outScope: Scope,
  outputExprs: readonly (Expr | null)[],
  /** The sources holding the query's rows (saved as each group's representative row). */
  sources: readonly ScopeSource[],
): { op: Op; slots: Map<object, number>; keys: GroupKeys } {
  const rt = cx.rt;
  inScope.aggregateContext = 'group';
  // resolveOrderGroupBy: every term is first checked for an ordinal outside 1..65535 or
  // resolved, in order; only then are ordinals checked against the result column count, and
  // finally every term for aggregates.
  const terms = groupBy ?? [];
  const outOfRange = (gi: number) => sqliteError(`${ordinal(gi + 1)} GROUP BY term out of range - should be between 1 and ${outputExprs.length}`);
  const ordinals = terms.map((g) => ordinalTerm(g));
  const compiled = terms.map((g, gi) => {
    const n = ordinals[gi];
    if (n === null) return collectAggregates(cx, [g]).length ? null : compileExpr(cx, g, inScope);
    if (n < 1 || n > 65535) throw outOfRange(gi);
    return null;
  });
  ordinals.forEach((n, gi) => {
    if (n !== null && (n > outputExprs.length || !outputExprs[n - 1])) throw outOfRange(gi);
  });
  terms.forEach((g, gi) => {
    const n = ordinals[gi];
    if (compiled[gi] === null && collectAggregates(cx, [n === null ? g : outputExprs[n - 1]]).length) {
      throw sqliteError('aggregate functions are not allowed in the GROUP BY clause');
    }
  });
  // GROUP BY n refers to the n-th result column
  const groupEvs = terms.map((_, gi) => compiled[gi] ?? compileExpr(cx, outputExprs[ordinals[gi]! - 1]!, inScope));
  // the group's key as SQLite's output reads it for a result column that is a GROUP BY term
  const keySlots = terms.map(() => rt.allocVal());
  const keyTerms = terms.map((g, gi) => (ordinals[gi] === null ? g : outputExprs[ordinals[gi]! - 1]!));
  const slots = new Map<object, number>();
  const specs: AggregateSpec[] = calls.map((call) => {
    const slot = rt.allocVal();
    slots.set(call, slot);
    const name = call.name.toLowerCase();
    if (call.star) {
      return { create: countStar, args: [], distinct: false, distinctColl: 'BINARY', filter: call.filter ? compileExpr(cx, call.filter, inScope).ev : null, slot, minMax: null, orderBy: null, countStar: true };
    }
    const def = cx.functions.aggregate(call.name, call.args.length);
    if (!def) throw sqliteError(`wrong number of arguments to function ${call.name}()`);
    if (call.distinct && call.args.length !== 1) throw sqliteError('DISTINCT aggregates must have exactly one argument');
    // aggregate arguments may not contain aggregates of the same query
    const nested = collectAggregates(cx, call.args);
    if (nested.length) throw sqliteError(`misuse of aggregate function ${nested[0].name}()`);
    const args = call.args.map((a) => compileExpr(cx, a, inScope));
    const collName = args[0]?.coll ?? 'BINARY';
    const minMax = (name === 'min' || name === 'max') && call.args.length === 1 ? (name as 'min' | 'max') : null;
    const coll = collName.toUpperCase() === 'BINARY' ? undefined : cx.collation(collName);
    const create = coll && def.createWithCollation ? () => def.createWithCollation!(coll) : def.create;
    const json = hasJsonArgs(call.args);
    const n = args.length;
    return {
      create: json ? () => jsonFlaggedAccumulator(create(), n) : create,
      args: json ? withJsonFlags(call.args, args.map((a) => a.ev)) : args.map((a) => a.ev),
      distinct: call.distinct,
      distinctColl: (hashableCollation(collName) ?? 'BINARY') as CollationName,
      filter: call.filter ? compileExpr(cx, call.filter, inScope).ev : null,
      slot,
      // ORDER BY is ignored by min()/max() (SQLITE_FUNC_NEEDCOLL), which then keep their row rule
      minMax,
      orderBy: call.orderBy && call.orderBy.length && minMax === null ? compileAggregateOrderBy(cx, call.orderBy, inScope) : null,
    };
  });
  const op = new AggregateOp(
    rt,
    input,
    groupEvs.map((g) => g.ev),
    groupEvs.map((g) => hashableCollation(g.coll) ?? 'BINARY'),
    groupEvs.map((g) => cx.collation(g.coll)),
    specs,
    sources.map((s) => s.slot),
    sources.map((s) => s.nullRow),
    keySlots,
  );
  op.columnScan = columnAggregateScan(cx, input, terms.length > 0, calls, specs, sources, inScope);
  void outScope;
  return { op, slots, keys: { terms: keyTerms, slots: keySlots } };
}

function compileAggregateOrderBy(cx: CompileCtx, terms: readonly OrderingTerm[], scope: Scope): NonNullable<AggregateSpec['orderBy']> {
  const nested = collectAggregates(cx, terms.map((t) => t.expr));
  if (nested.length) throw sqliteError(`misuse of aggregate function ${nested[0].name}()`);
  const compiled = terms.map((t) => compileExpr(cx, t.expr, scope));
  const keys: SortKey[] = terms.map((t, i) => {
    const desc = t.direction === 'DESC';
    return { index: i, desc, nullsFirst: t.nulls ? t.nulls === 'FIRST' : !desc, collation: cx.collation(compiled[i].coll ?? 'BINARY') };
  });
  return { keys: compiled.map((c) => c.ev), compare: makeComparator(keys) };
}

function ordinal(n: number): string {
  const s = n % 100 >= 11 && n % 100 <= 13 ? 'th' : n % 10 === 1 ? 'st' : n % 10 === 2 ? 'nd' : n % 10 === 3 ? 'rd' : 'th';
  return `${n}${s}`;
}

export type { SqlValue };
