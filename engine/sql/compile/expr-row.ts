/**
 * Row values: `(a, b) <op> (c, d)` compared lexicographically and `(a, b) IN (...)` against a
 * list of row values or a multi-column subquery (SQLite's rowvalue.html rules).
 */
import { sqliteError } from '../../common/errors.js';
import type { SqlValue } from '../../common/value.js';
import type { BinaryExpr, Expr, InListExpr, InSelectExpr } from '../ast.js';
import type { Ev } from '../exec/runtime.js';
import type { CompileCtx } from './context.js';
import { compileExpr, comparison, plain } from './expr.js';
import type { Compiled, Scope } from './scope.js';

function rowItems(cx: CompileCtx, e: Expr, scope: Scope): Compiled[] {
  if (e.kind === 'RowValue') return e.items.map((x) => compileExpr(cx, x, scope));
  if (e.kind === 'Subquery') {
    const plan = cx.compileSelect(e.select, scope);
    let row: SqlValue[] | null = null;
    const load = () => {
      plan.source.open();
      try {
        row = plan.source.next();
      } finally {
        plan.source.close();
      }
    };
    const first: Compiled = plain(() => {
      load();
      return row ? row[0] : null;
    });
    return plan.columns.map((c, i) =>
      i === 0 ? { ...first, aff: c.affinity, coll: c.collation } : { ev: () => (row ? row[i] : null), aff: c.affinity, coll: c.collation, explicitColl: false },
    );
  }
  return [compileExpr(cx, e, scope)];
}

export function compileRowComparison(cx: CompileCtx, e: BinaryExpr, scope: Scope): Compiled {
  const l = rowItems(cx, e.left, scope);
  const r = rowItems(cx, e.right, scope);
  if (l.length !== r.length) throw sqliteError('row value misused');
  const op = e.op;
  if (!['=', '!=', '<', '<=', '>', '>=', 'IS', 'IS NOT'].includes(op)) throw sqliteError('row value misused');
  const eqs: Ev[] = l.map((li, i) => comparison(cx, 'IS', li, r[i]));
  const eqNull: Ev[] = l.map((li, i) => comparison(cx, '=', li, r[i]));
  const lts: Ev[] = l.map((li, i) => comparison(cx, '<', li, r[i]));
  const n = l.length;
  if (op === '=' || op === '!=' || op === 'IS' || op === 'IS NOT') {
    const nullSafe = op === 'IS' || op === 'IS NOT';
    const negate = op === '!=' || op === 'IS NOT';
    return plain(() => {
      let sawNull = false;
      for (let i = 0; i < n; i++) {
        const v = nullSafe ? eqs[i]() : eqNull[i]();
        if (v === null) sawNull = true;
        else if (v === 0) return negate ? 1 : 0;
      }
      if (sawNull) return null;
      return negate ? 0 : 1;
    });
  }
  return plain(() => {
    for (let i = 0; i < n; i++) {
      const eq = eqNull[i]();
      if (eq === null) return null;
      if (eq === 1) continue;
      const lt = lts[i]();
      if (lt === null) return null;
      const less = lt === 1;
      switch (op) {
        case '<':
        case '<=':
          return less ? 1 : 0;
        default:
          return less ? 0 : 1;
      }
    }
    return op === '<=' || op === '>=' ? 1 : 0;
  });
}

export function compileRowIn(cx: CompileCtx, e: InListExpr, scope: Scope): Compiled {
  const lhs = rowItems(cx, e.expr, scope);
  const n = lhs.length;
  const cached: SqlValue[] = new Array<SqlValue>(n).fill(null);
  const lc: Compiled[] = lhs.map((c, i) => ({ ...c, ev: () => cached[i] }));
  const alts = e.list.map((item) => {
    const r = rowItems(cx, item, scope);
    if (r.length !== n) throw sqliteError('row value misused');
    return r.map((ri, i) => comparison(cx, '=', lc[i], ri));
  });
  const not = e.not;
  const evs = lhs.map((c) => c.ev);
  return plain(() => {
    for (let i = 0; i < n; i++) cached[i] = evs[i]();
    let sawNull = false;
    for (const tests of alts) {
      let all = true;
      let nul = false;
      for (const t of tests) {
        const v = t();
        if (v === 0) {
          all = false;
          break;
        }
        if (v === null) nul = true;
      }
      if (all && !nul) return not ? 0 : 1;
      if (all && nul) sawNull = true;
    }
    if (sawNull) return null;
    return not ? 1 : 0;
  });
}

/**
 * `(a, b) IN (SELECT x, y ...)`: true when some row matches on every column, NULL when no row
 * does but some row is not ruled out by a false comparison, else false (an empty set: false).
 */
export function compileRowInSelect(cx: CompileCtx, e: InSelectExpr, scope: Scope): Compiled {
  const lhs = rowItems(cx, e.expr, scope);
  const n = lhs.length;
  const plan = cx.compileSelect(e.select, scope);
  if (plan.columns.length !== n) throw sqliteError(`sub-select returns ${plan.columns.length} columns - expected ${n}`);
  const cached: SqlValue[] = new Array<SqlValue>(n).fill(null);
  const lc: Compiled[] = lhs.map((c, i) => ({ ...c, ev: () => cached[i] }));
  let row: readonly SqlValue[] = [];
  const tests = plan.columns.map((c, i) =>
    comparison(cx, '=', lc[i], { ev: () => row[i], aff: c.affinity, coll: c.collation, explicitColl: false }),
  );
  const evs = lhs.map((c) => c.ev);
  const not = e.not;
  const src = plan.source;
  let rows: (readonly SqlValue[])[] | null = null;
  if (!plan.correlated) cx.rt.resets.push({ reset: () => (rows = null) });
  const load = (): (readonly SqlValue[])[] => {
    const out: (readonly SqlValue[])[] = [];
    src.open();
    try {
      for (let r = src.next(); r !== null; r = src.next()) out.push(r.slice());
    } finally {
      src.close();
    }
    return out;
  };
  return plain(() => {
    for (let i = 0; i < n; i++) cached[i] = evs[i]();
    const set = plan.correlated ? load() : (rows ??= load());
    let sawNull = false;
    for (const r of set) {
      row = r;
      let all = true;
      let nul = false;
      for (let i = 0; i < n; i++) {
        const v = tests[i]();
        if (v === 0) {
          all = false;
          break;
        }
        if (v === null) nul = true;
      }
      if (all && !nul) return not ? 0 : 1;
      if (all) sawNull = true;
    }
    if (sawNull) return null;
    return not ? 1 : 0;
  });
}
