/**
 * WHERE-clause analysis: splitting into conjuncts, finding which sources a conjunct references,
 * and recognising terms an access path can use (`col = expr`, ranges, IN lists).
 */
import type { Expr } from '../ast.js';
import type { Scope, ScopeSource } from './scope.js';
import { ROWID_NAMES, slotsOf } from './scope.js';

export function conjuncts(e: Expr | null, out: Expr[] = []): Expr[] {
  if (!e) return out;
  if (e.kind === 'Binary' && e.op === 'AND') {
    conjuncts(e.left, out);
    conjuncts(e.right, out);
  } else out.push(e);
  return out;
}

/** The source a bare or qualified column reference resolves to among `sources`, or null. */
export function sourceOfColumn(sources: readonly ScopeSource[], table: string | null, name: string): { src: ScopeSource; index: number } | null {
  const lname = name.toLowerCase();
  const ltable = table?.toLowerCase() ?? null;
  let hit: { src: ScopeSource; index: number } | null = null;
  for (const src of sources) {
    if (ltable !== null && src.name.toLowerCase() !== ltable) continue;
    if (ltable === null && src.qualifiedOnly) continue;
    const ci = src.byName.get(lname);
    if (ci === undefined) continue;
    if (ltable !== null) return { src, index: ci };
    // a USING column names the left-most table, or the right one of a RIGHT/FULL JOIN (scope.ts)
    if (hit === null || (src.merged.has(lname) && src.rightJoin !== undefined)) hit = { src, index: ci };
  }
  if (hit) return hit;
  if (ROWID_NAMES.has(lname)) {
    for (const src of sources) {
      if (ltable !== null && src.name.toLowerCase() !== ltable) continue;
      if (src.rowid) return { src, index: -1 };
    }
  }
  return null;
}

/**
 * Slots of `sources` referenced by `e`. Subqueries make the term depend on every source (it is
 * then evaluated once all are bound), which is always correct.
 */
export function referencedSlots(e: Expr, scope: Scope, out: Set<number>): void {
  const all = () => scope.sources.forEach((s) => addSlots(out, s));
  const walk = (x: Expr | null): void => {
    if (!x) return;
    switch (x.kind) {
      case 'Column': {
        const hit = sourceOfColumn(scope.sources, x.table, x.name);
        if (hit) addSlots(out, hit.src);
        // a result-column alias may stand for anything: evaluate once every source is bound
        else if (x.table === null && scope.aliasNames?.has(x.name.toLowerCase())) all();
        return;
      }
      case 'Literal':
      case 'Param':
        return;
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
        x.list.forEach(walk);
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
      case 'Function':
        x.args.forEach(walk);
        walk(x.filter);
        if (x.over) all();
        return;
      case 'RowValue':
        x.items.forEach(walk);
        return;
      case 'InSelect':
      case 'InTable':
        walk(x.expr);
        return all();
      case 'Exists':
      case 'Subquery':
      case 'Raise':
        return all();
    }
  };
  walk(e);
}

function addSlots(out: Set<number>, src: ScopeSource): void {
  for (const slot of slotsOf(src)) out.add(slot);
}

/** Structural equality of expressions, ignoring source positions. */
export function sameExpr(a: Expr, b: Expr): boolean {
  return JSON.stringify(strip(a)) === JSON.stringify(strip(b));
}

function strip(x: unknown): unknown {
  if (Array.isArray(x)) return x.map(strip);
  if (x && typeof x === 'object') {
    const o: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(x as Record<string, unknown>)) {
      if (k === 'start' || k === 'end') continue;
      if (k === 'name' && typeof v === 'string') o[k] = v.toLowerCase();
      else o[k] = typeof v === 'bigint' ? `${v}n` : strip(v);
    }
    return o;
  }
  return x;
}

/**
 * An ORDER BY / GROUP BY term that is a column ordinal: sqlite3ExprIsInteger (a 32-bit integer
 * literal, possibly under unary +/-) after skipping COLLATE.
 * Returns the integer (possibly out of range, which the caller reports), or null.
 */
export function ordinalTerm(e: Expr): number | null {
  // likely() is only skipped (sqlite3ExprSkipCollateAndLikely) once resolved (EP_Unlikely), and
  // ORDER BY / GROUP BY terms are examined before resolution: `ORDER BY likely(2)` is a constant.
  while (e.kind === 'Collate') e = e.expr;
  if (e.kind === 'IsNull') {
    // the parser folds `<literal> ISNULL` / `NOTNULL` to the integer 0 / 1 (sqlite3PExprIsNull)
    let x = e.expr;
    while (x.kind === 'Unary' && (x.op === '+' || x.op === '-')) x = x.operand;
    return x.kind === 'Literal' && x.value !== null ? (e.not ? 1 : 0) : null;
  }
  return integerLiteral(e);
}

function integerLiteral(e: Expr): number | null {
  switch (e.kind) {
    case 'Literal':
      return typeof e.value === 'number' && Number.isInteger(e.value) && e.value >= -2147483648 && e.value <= 2147483647 ? e.value : null;
    case 'Unary': {
      if (e.op !== '+' && e.op !== '-') return null;
      const v = integerLiteral(e.operand);
      return v === null ? null : e.op === '-' ? -v : v;
    }
    default:
      return null;
  }
}
