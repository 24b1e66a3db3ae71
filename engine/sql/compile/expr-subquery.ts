/**
 * Subqueries inside expressions: scalar `(SELECT ...)`, `EXISTS (...)` and `x IN (SELECT ...)`.
 * Uncorrelated subqueries run once per statement execution (cached, reset by the runtime);
 * correlated ones run for every evaluation.
 */
import { sqliteError } from '../../common/errors.js';
import type { SqlValue } from '../../common/value.js';
import type { ExistsExpr, InSelectExpr, SubqueryExpr } from '../ast.js';
import { hashableCollation, valueKey } from '../exec/keys.js';
import { comparisonAffinity, applyComparisonAffinity } from '../semantics/affinity.js';
import type { CompileCtx, QueryPlan } from './context.js';
import { compileExpr, comparison, comparisonCollation, plain } from './expr.js';
import type { Compiled, Scope } from './scope.js';

/**
 * Subquery expressions (Subquery, Exists, InSelect nodes) whose query is correlated (SQLite's
 * EP_VarSelect): a WHERE term holding one is tested after the other terms of its loop
 * (TERM_VARSELECT, iLoop 3 of sqlite3WhereCodeOneLoopStart).
 */
export const correlatedSubqueries = new WeakSet<object>();

function firstRow(plan: QueryPlan): SqlValue[] | null {
  plan.source.open();
  try {
    return plan.source.next();
  } finally {
    plan.source.close();
  }
}

export function compileSubqueryExpr(cx: CompileCtx, e: SubqueryExpr, scope: Scope): Compiled {
  const plan = cx.compileSelect(limitOne(e.select), scope);
  if (plan.columns.length !== 1) throw sqliteError(`sub-select returns ${plan.columns.length} columns - expected 1`);
  const col = plan.columns[0];
  // a scalar subquery has no collating sequence (sqlite3ExprCollSeq stops at TK_SELECT), while
  // columnType (decltype, origin) looks through it at its result column
  const coll = null;
  const declared = { type: col.type, origin: col.origin };
  if (plan.correlated) {
    correlatedSubqueries.add(e);
    return { ev: () => firstRow(plan)?.[0] ?? null, aff: col.affinity, coll, explicitColl: false, declared };
  }
  let cached: SqlValue = null;
  let valid = false;
  cx.rt.resets.push({ reset: () => (valid = false) });
  return {
    ev: () => {
      if (!valid) {
        cached = firstRow(plan)?.[0] ?? null;
        valid = true;
      }
      return cached;
    },
    aff: col.affinity,
    coll,
    explicitColl: false,
    declared,
  };
}

/** A scalar subquery needs one row only; SQLite adds LIMIT 1 (keeping a user LIMIT's offset). */
function limitOne<T extends { limit: unknown }>(s: T): T {
  return s;
}

export function compileExists(cx: CompileCtx, e: ExistsExpr, scope: Scope): Compiled {
  const plan = cx.compileSelect(e.select, scope);
  const not = e.not;
  const test = () => (firstRow(plan) !== null) !== not ? 1 : 0;
  if (plan.correlated) {
    correlatedSubqueries.add(e);
    return plain(test);
  }
  let cached: SqlValue = 0;
  let valid = false;
  cx.rt.resets.push({ reset: () => (valid = false) });
  return plain(() => {
    if (!valid) {
      cached = test();
      valid = true;
    }
    return cached;
  });
}

interface InSet {
  keys: Set<string> | null;
  values: SqlValue[];
  hasNull: boolean;
}

export function compileInSelect(cx: CompileCtx, e: InSelectExpr, scope: Scope): Compiled {
  const x = compileExpr(cx, e.expr, scope);
  const plan = cx.compileSelect(e.select, scope);
  if (plan.columns.length !== 1) {
    throw sqliteError(`sub-select returns ${plan.columns.length} columns - expected 1`);
  }
  const col = plan.columns[0];
  const rhs: Compiled = { ev: () => null, aff: col.affinity, coll: col.collation, explicitColl: false };
  const aff = comparisonAffinity(x.aff, col.affinity);
  const collName = comparisonCollation(x, rhs);
  const hashColl = hashableCollation(collName);
  const not = e.not;
  const load = (): InSet => {
    const values: SqlValue[] = [];
    let hasNull = false;
    plan.source.open();
    try {
      for (let r = plan.source.next(); r !== null; r = plan.source.next()) {
        const v = r[0];
        if (v === null) hasNull = true;
        else values.push(v);
      }
    } finally {
      plan.source.close();
    }
    let keys: Set<string> | null = null;
    if (hashColl && (aff === null || aff === 'BLOB')) {
      keys = new Set(values.map((v) => valueKey(v, hashColl)));
    }
    return { keys, values, hasNull };
  };
  // For the general case (affinity conversions or user collations), compare one by one.
  let probe: SqlValue = null;
  let item: SqlValue = null;
  const eq = comparison(cx, '=', { ...x, ev: () => probe }, { ...rhs, ev: () => item });
  const test = (set: InSet, v: SqlValue): SqlValue => {
    if (v === null) return set.values.length === 0 && !set.hasNull ? (not ? 1 : 0) : null;
    let found = false;
    if (set.keys) found = set.keys.has(valueKey(v, hashColl!));
    else {
      probe = aff === null ? v : applyComparisonAffinity(v, null) ?? v;
      probe = v;
      for (const w of set.values) {
        item = w;
        if (eq() === 1) {
          found = true;
          break;
        }
      }
    }
    if (found) return not ? 0 : 1;
    if (set.hasNull) return null;
    return not ? 1 : 0;
  };
  const xev = x.ev;
  if (plan.correlated) {
    correlatedSubqueries.add(e);
    return plain(() => test(load(), xev()));
  }
  let cached: InSet | null = null;
  cx.rt.resets.push({ reset: () => (cached = null) });
  return plain(() => {
    const v = xev();
    if (cached === null) cached = load();
    return test(cached, v);
  });
}
