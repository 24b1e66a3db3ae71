/**
 * Whether a partial index may serve a query on its table: SQLite's whereUsablePartialIndex, a
 * WHERE term that implies the index's WHERE expression (sqlite3ExprImpliesExpr):
 *
 *   - the term is the expression itself, its columns resolved (`t.x > 5` matches `x > 5`);
 *   - the expression is `A OR B` and the term implies A or B;
 *   - the expression is `x IS NOT NULL` and the term cannot be true while x is NULL
 *     (exprImpliesNotNull): x is an operand of a comparison, of arithmetic, of `||`, the left
 *     side of an IN or a BETWEEN, under COLLATE, unary + / -, or NOT, following SQLite's rules
 *     for which operators a NOT above them defeats.
 *
 * Columns of the index expression are the table's; a column of the term counts as the table's
 * when it resolves to `src` (qualified or not; an unqualified USING column, which may name
 * another table of the join, does not count).
 */
import type { Expr } from '../ast.js';
import type { ScopeSource } from './scope.js';
import { sameExpr } from './terms.js';

export function termImpliesPartial(term: Expr, partial: Expr, src: ScopeSource): boolean {
  const t = normalize(term, src, false);
  const p = normalize(partial, src, true);
  return implies(t, p);
}

function implies(t: Expr, p: Expr): boolean {
  if (sameExpr(t, p)) return true;
  if (p.kind === 'Binary' && p.op === 'OR') return implies(t, p.left) || implies(t, p.right);
  if (p.kind === 'IsNull' && p.not) return impliesNotNull(t, p.expr, false);
  return false;
}

/** exprImpliesNotNull: `p` cannot be true (or, under a NOT, false) while `nn` is NULL. */
function impliesNotNull(p: Expr, nn: Expr, seenNot: boolean): boolean {
  if (sameExpr(p, nn)) return !(nn.kind === 'Literal' && nn.value === null);
  switch (p.kind) {
    case 'InList':
    case 'InSelect':
      // NOT IN is NOT(IN): a NOT above a subquery IN defeats it
      if ((seenNot || p.not) && p.kind === 'InSelect') return false;
      return impliesNotNull(p.expr, nn, true);
    case 'Between':
      if (seenNot || p.not) return false;
      return impliesNotNull(p.low, nn, true) || impliesNotNull(p.high, nn, true) || impliesNotNull(p.expr, nn, true);
    case 'Binary':
      switch (p.op) {
        case '=':
        case '!=':
        case '<':
        case '<=':
        case '>':
        case '>=':
        case '+':
        case '-':
        case '|':
        case '<<':
        case '>>':
        case '||':
          return impliesNotNull(p.right, nn, true) || impliesNotNull(p.left, nn, true);
        case '*':
        case '%':
        case '&':
        case '/':
          return impliesNotNull(p.right, nn, seenNot) || impliesNotNull(p.left, nn, seenNot);
        default:
          return false;
      }
    case 'Collate':
      return impliesNotNull(p.expr, nn, seenNot);
    case 'Unary':
      if (p.op === '+' || p.op === '-') return impliesNotNull(p.operand, nn, seenNot);
      return impliesNotNull(p.operand, nn, true); // NOT, ~
    default:
      return false;
  }
}

/**
 * A copy of `e` whose columns of `src`'s table are written `Column(name)` unqualified (index
 * expressions: every column; terms: those resolving to `src`) and whose other columns are kept
 * qualified as written, so that sameExpr compares resolved columns.
 */
function normalize(e: Expr, src: ScopeSource, tableColumns: boolean): Expr {
  const walk = (x: unknown): unknown => {
    if (Array.isArray(x)) return x.map(walk);
    if (!x || typeof x !== 'object' || x instanceof Uint8Array) return x;
    const o = x as Record<string, unknown>;
    if (o.kind === 'Column') {
      const name = String(o.name).toLowerCase();
      const table = o.table as string | null;
      const mine = tableColumns
        ? table === null
        : src.byName.has(name) &&
          (table !== null ? o.schema === null && table.toLowerCase() === src.name.toLowerCase() : !src.qualifiedOnly && !src.merged.has(name));
      return mine ? { kind: 'Column', schema: null, table: null, name, quoted: false } : { ...o, table: `\u0000${table ?? ''}` };
    }
    if (o.kind === 'Subquery' || o.kind === 'Exists' || o.kind === 'InSelect' || o.kind === 'InTable') {
      // a subquery's own columns are not resolved here: it matches only where written alike
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(o)) out[k] = k === 'expr' ? walk(v) : v;
      return out;
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(o)) out[k] = walk(v);
    return out;
  };
  return walk(e) as Expr;
}
