/**
 * OUTER JOIN strength reduction (sqlite3Select, tag-select-0220): when the WHERE clause can
 * only be true if some column of a FROM item is non-NULL (sqlite3ExprImpliesNonNullRow), that
 * item is never the NULL row of an outer join, so
 *
 *      LEFT JOIN  ->  JOIN          (the item is the right side of a LEFT JOIN)
 *      FULL JOIN  ->  RIGHT JOIN
 *     RIGHT JOIN  ->  JOIN          (the item is left of a RIGHT JOIN: every RIGHT JOIN after it)
 *      FULL JOIN  ->  LEFT JOIN
 *
 * The join's ON terms then become ordinary terms (unsetJoinExpr). Besides the plan (loop order,
 * EXPLAIN QUERY PLAN), this decides which rows a WHERE term that can fail sees: after the
 * reduction no NULL-extended row reaches it.
 *
 * The clause analysed is SQLite's p->pWhere at that point: the WHERE terms and the ON terms of
 * inner joins (the latter ignored when simplifying a RIGHT JOIN); ON terms of outer joins never
 * count (EP_OuterON).
 */
import type { Expr, JoinType } from '../ast.js';
import type { FromEntry } from './from.js';
import type { Scope, ScopeSource } from './scope.js';
import { conjuncts, sourceOfColumn } from './terms.js';

/** The join types after strength reduction, or null when nothing changes. */
export function simplifyJoins(entries: readonly FromEntry[], where: Expr | null, scope: Scope): JoinType[] | null {
  if (!entries.some((e) => e.joinType === 'LEFT' || e.joinType === 'RIGHT' || e.joinType === 'FULL')) return null;
  const types = entries.map((e) => e.joinType);
  const whereTerms = conjuncts(where);
  let changed = false;
  for (let i = 0; i < entries.length; i++) {
    const isLeft = types[i] === 'LEFT' || types[i] === 'FULL';
    let ltorj = false;
    for (let j = i + 1; j < entries.length && !ltorj; j++) ltorj = types[j] === 'RIGHT' || types[j] === 'FULL';
    if (!isLeft && !ltorj) continue;
    // pWhere: the WHERE, then (unless simplifying a RIGHT JOIN) the ON terms of inner joins
    const terms = whereTerms.slice();
    if (!ltorj) {
      entries.forEach((e, k) => {
        if (k === 0 || !isInner(types[k])) return;
        terms.push(...conjuncts(e.on));
        for (const [l, r] of e.usingTerms) terms.push({ kind: 'Binary', op: '=', left: l, right: r, start: 0, end: 0 });
      });
    }
    const src = entries[i].source;
    if (!terms.some((t) => impliesNonNullRow(t, src, scope))) continue;
    changed = true;
    if (isLeft) types[i] = types[i] === 'FULL' ? 'RIGHT' : 'INNER';
    if (ltorj) {
      for (let j = i + 1; j < entries.length; j++) {
        if (types[j] === 'RIGHT') types[j] = 'INNER';
        else if (types[j] === 'FULL') types[j] = 'LEFT';
      }
    }
  }
  return changed ? types : null;
}

function isInner(t: JoinType): boolean {
  return t === 'INNER' || t === 'COMMA' || t === 'CROSS';
}

/** sqlite3ExprImpliesNonNullRow for one conjunct (`x NOTNULL` at the top counts through x). */
function impliesNonNullRow(e: Expr, src: ScopeSource, scope: Scope): boolean {
  let p = skipCollateAndLikely(e);
  if (p.kind === 'IsNull' && p.not) p = p.expr;
  return walk(p, src, scope);
}

function skipCollateAndLikely(e: Expr): Expr {
  for (;;) {
    if (e.kind === 'Collate') e = e.expr;
    else if (e.kind === 'Function' && e.args.length > 0 && LIKELY.has(e.name.toLowerCase())) e = e.args[0];
    else return e;
  }
}

const LIKELY = new Set(['likely', 'unlikely', 'likelihood']);

/** The impliesNotNullRow walker: true once a column of `src` is reached on a NULL-propagating path. */
function walk(e: Expr | null, src: ScopeSource, scope: Scope): boolean {
  if (e === null) return false;
  switch (e.kind) {
    case 'Column': {
      const hit = resolve(e.table, e.name, scope);
      return hit === src;
    }
    // TK_ISNULL, TK_NOTNULL, TK_IS, TK_ISNOT, TK_VECTOR, TK_FUNCTION (LIKE and -> too), TK_CASE,
    // subqueries (not walked into): no implication
    case 'IsNull':
    case 'RowValue':
    case 'Function':
    case 'Like':
    case 'Case':
    case 'Subquery':
    case 'Exists':
    case 'InSelect':
    case 'InTable':
    case 'Raise':
    case 'Literal':
    case 'Param':
      return false;
    case 'Binary':
      if (e.op === 'IS' || e.op === 'IS NOT' || e.op === '->' || e.op === '->>') return false;
      // both sides of AND / OR must imply it
      if (e.op === 'AND' || e.op === 'OR') return walk(e.left, src, scope) && walk(e.right, src, scope);
      return walk(e.left, src, scope) || walk(e.right, src, scope);
    case 'InList':
      // `x [NOT] IN (list)` is NULL when x is (an empty list aside)
      return e.list.length > 0 && walk(e.expr, src, scope);
    case 'Between':
      return walk(e.expr, src, scope) || (walk(e.low, src, scope) && walk(e.high, src, scope));
    case 'Unary':
      return walk(e.operand, src, scope);
    case 'Cast':
    case 'Collate':
      return walk(e.expr, src, scope);
  }
}

/** The FROM item a column names in this query (null: an outer query's, or an alias). */
function resolve(table: string | null, name: string, scope: Scope): ScopeSource | null {
  return sourceOfColumn(scope.sources, table, name)?.src ?? null;
}
