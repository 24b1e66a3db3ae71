/**
 * Compilation of GROUP BY and aggregate calls into an AggregateOp (exec/aggregate.ts).
 */
import { sqliteError } from '../../common/errors.js';
import type { SqlValue } from '../../common/value.js';
import type { Expr, FunctionExpr, OrderingTerm } from '../ast.js';
import { makeComparator, type SortKey } from '../exec/rows.js';
import { AggregateOp, type AggregateSpec } from '../exec/aggregate.js';
import { hashableCollation, type CollationName } from '../exec/keys.js';
import type { Op } from '../exec/runtime.js';
import type { Accumulator } from '../functions/registry.js';
import type { CompileCtx } from './context.js';
import { compileExpr } from './expr.js';
import { isAggregateCall } from './expr-function.js';
import type { FromEntry } from './from.js';
import type { Scope } from './scope.js';
import { ordinalTerm } from './terms.js';

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
  entries: readonly FromEntry[],
): { op: Op; slots: Map<object, number> } {
  const rt = cx.rt;
  inScope.aggregateContext = 'group';
  const groupEvs = (groupBy ?? []).map((g, gi) => {
    // GROUP BY n refers to the n-th result column
    const n = ordinalTerm(g);
    if (n !== null) {
      if (n < 1 || n > outputExprs.length) throw sqliteError(`${ordinal(gi + 1)} GROUP BY term out of range - should be between 1 and ${outputExprs.length}`);
      const e = outputExprs[n - 1];
      if (!e) throw sqliteError(`${ordinal(gi + 1)} GROUP BY term out of range - should be between 1 and ${outputExprs.length}`);
      if (collectAggregates(cx, [e]).length) throw sqliteError('aggregate functions are not allowed in the GROUP BY clause');
      return compileExpr(cx, e, inScope);
    }
    if (collectAggregates(cx, [g]).length) throw sqliteError('aggregate functions are not allowed in the GROUP BY clause');
    return compileExpr(cx, g, inScope);
  });
  const slots = new Map<object, number>();
  const specs: AggregateSpec[] = calls.map((call) => {
    const slot = rt.allocVal();
    slots.set(call, slot);
    const name = call.name.toLowerCase();
    if (call.star) {
      return { create: countStar, args: [], distinct: false, distinctColl: 'BINARY', filter: call.filter ? compileExpr(cx, call.filter, inScope).ev : null, slot, minMax: null, orderBy: null };
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
    return {
      create: coll && def.createWithCollation ? () => def.createWithCollation!(coll) : def.create,
      args: args.map((a) => a.ev),
      distinct: call.distinct,
      distinctColl: (hashableCollation(collName) ?? 'BINARY') as CollationName,
      filter: call.filter ? compileExpr(cx, call.filter, inScope).ev : null,
      slot,
      // ORDER BY is ignored by min()/max() (SQLITE_FUNC_NEEDCOLL), which then keep their row rule
      minMax,
      orderBy: call.orderBy && call.orderBy.length && minMax === null ? compileAggregateOrderBy(cx, call.orderBy, inScope) : null,
    };
  });
  const sources = entries.map((e) => e.source);
  const op = new AggregateOp(
    rt,
    input,
    groupEvs.map((g) => g.ev),
    groupEvs.map((g) => hashableCollation(g.coll) ?? 'BINARY'),
    groupEvs.map((g) => cx.collation(g.coll)),
    specs,
    sources.map((s) => s.slot),
    sources.map((s) => s.nullRow),
  );
  void outScope;
  return { op, slots };
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
