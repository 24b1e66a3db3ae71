/**
 * Expression compiler: AST expressions to closures over the runtime, applying SQLite's rules for
 * affinity, collation, NULL and three-valued logic at compile time wherever they are static.
 */
import { assertNever, sqliteError } from '../../common/errors.js';
import { type SqlValue, Real, compareValues } from '../../common/value.js';
import type { BetweenExpr, BinaryExpr, Expr, FunctionExpr } from '../ast.js';
import { toBool } from '../exec/truth.js';
import { comparisonAffinity, applyComparisonAffinity, type Affinity, affinityOfType } from '../semantics/affinity.js';
import { castTo } from '../semantics/convert.js';
import * as arith from '../semantics/arith.js';
import { likeMatch, globMatch } from '../semantics/like.js';
import { jsonArrowOp } from '../functions/json/index.js';
import type { Ev } from '../exec/runtime.js';
import type { CompileCtx } from './context.js';
import { resolveColumn, type Compiled, type Scope } from './scope.js';
import { compileFunctionCall } from './expr-function.js';
import { compileSubqueryExpr, compileInSelect, compileExists } from './expr-subquery.js';
import { compileRowComparison, compileRowIn, compileRowInSelect } from './expr-row.js';
import { columnArithmetic, columnComparison, literalComparison, noteLiteral, noteParam } from './expr-fast.js';

const TRUE = 1;
const FALSE = 0;

export function plain(ev: Ev, constant = false): Compiled {
  return { ev, aff: null, coll: null, explicitColl: false, constant };
}

export function constantOf(v: SqlValue): Compiled {
  return plain(() => v, true);
}

/** Compiles `e` in `scope`. */
export function compileExpr(cx: CompileCtx, e: Expr, scope: Scope): Compiled {
  switch (e.kind) {
    case 'Literal': {
      const v = e.value;
      const c = constantOf(v);
      noteLiteral(c.ev, v);
      return c;
    }
    case 'Param': {
      const rt = cx.rt;
      const i = e.slot - 1;
      const ev = (): SqlValue => {
        const v = rt.params[i];
        return v === undefined ? null : v;
      };
      noteParam(ev, i);
      return plain(ev);
    }
    case 'Column':
      return resolveColumn(scope, e.table, e.name, e.quoted, (n) => cx.collation(n)).compiled;
    case 'Unary':
      if (e.op === '-' && e.operand.kind === 'Literal') {
        // SQLite codes `-<float literal>` as a negative literal (so -0.0 keeps its sign), not 0 - x
        const v = e.operand.value;
        if (v instanceof Real) return constantOf(new Real(-v.value));
        if (typeof v === 'number' && !Number.isSafeInteger(v)) return constantOf(-v);
      }
      return compileUnary(cx, e.op, compileExpr(cx, e.operand, scope));
    case 'Binary':
      return compileBinary(cx, e, scope);
    case 'Like':
      return compileLike(cx, e, scope);
    case 'Between': {
      if (e.expr.kind === 'RowValue' || e.low.kind === 'RowValue' || e.high.kind === 'RowValue') {
        // (a, b) BETWEEN x AND y is x <= (a, b) AND (a, b) <= y
        const ge: Expr = { kind: 'Binary', op: '>=', left: e.expr, right: e.low, start: e.start, end: e.end };
        const le: Expr = { kind: 'Binary', op: '<=', left: e.expr, right: e.high, start: e.start, end: e.end };
        const both: Expr = { kind: 'Binary', op: 'AND', left: ge, right: le, start: e.start, end: e.end };
        return compileExpr(cx, e.not ? { kind: 'Unary', op: 'NOT', operand: both, start: e.start, end: e.end } : both, scope);
      }
      const { load, ge, le } = betweenParts(cx, e, scope);
      const not = e.not;
      return plain(() => {
        load();
        const r = and3(ge(), le);
        return not ? not3(r) : r;
      });
    }
    case 'InList':
      if (e.expr.kind === 'RowValue' || e.list.some((x) => x.kind === 'RowValue')) return compileRowIn(cx, e, scope);
      return compileInList(cx, e.not, compileExpr(cx, e.expr, scope), e.list.map((x) => compileExpr(cx, x, scope)));
    case 'InSelect':
      if (e.expr.kind === 'RowValue') return compileRowInSelect(cx, e, scope);
      return compileInSelect(cx, e, scope);
    case 'InTable':
      return compileInSelect(cx, {
        kind: 'InSelect',
        not: e.not,
        expr: e.expr,
        start: e.start,
        end: e.end,
        select: {
          kind: 'Select',
          start: e.start,
          end: e.end,
          with: null,
          body: {
            kind: 'SelectCore',
            distinct: false,
            columns: [{ kind: 'Star' }],
            from: e.args
              ? { kind: 'TableFunctionRef', schema: e.schema, name: e.table, args: e.args, alias: null }
              : { kind: 'TableRef', schema: e.schema, name: e.table, alias: null, indexedBy: null, asOf: null },
            where: null,
            groupBy: null,
            having: null,
            windows: null,
          },
          orderBy: null,
          limit: null,
          offset: null,
        },
      }, scope);
    case 'IsNull': {
      const x = compileExpr(cx, e.expr, scope).ev;
      return e.not ? plain(() => (x() === null ? FALSE : TRUE)) : plain(() => (x() === null ? TRUE : FALSE));
    }
    case 'Case':
      return compileCase(cx, e, scope);
    case 'Cast': {
      const x = compileExpr(cx, e.expr, scope);
      const type = e.type;
      const xev = x.ev;
      return { ev: () => castTo(xev(), type), aff: affinityOfType(type), coll: x.coll, explicitColl: x.explicitColl, constant: x.constant };
    }
    case 'Collate': {
      const x = compileExpr(cx, e.expr, scope);
      cx.collation(e.collation); // validates the name
      return { ...x, coll: e.collation, explicitColl: true };
    }
    case 'Function':
      return compileFunctionCall(cx, e, scope);
    case 'Exists':
      return compileExists(cx, e, scope);
    case 'Subquery':
      return compileSubqueryExpr(cx, e, scope);
    case 'RowValue':
      throw sqliteError('row value misused');
    case 'Raise':
      return compileRaise(cx, e, scope);
    default:
      return assertNever(e, 'expression kind');
  }
}

function compileRaise(cx: CompileCtx, e: Extract<Expr, { kind: 'Raise' }>, scope: Scope): Compiled {
  if (!cx.trigger) throw sqliteError('RAISE() may only be used within a trigger-program');
  const msg = e.message ? compileExpr(cx, e.message, scope).ev : null;
  const action = e.action;
  return plain(() => {
    const text = msg ? msg() : null;
    throw new RaiseSignal(action, text === null ? '' : String(text instanceof Real ? text.value : text));
  });
}

/** Thrown by RAISE(); the trigger runner turns it into the right outcome. */
export class RaiseSignal {
  constructor(
    readonly action: 'IGNORE' | 'ROLLBACK' | 'ABORT' | 'FAIL',
    readonly message: string,
  ) {}
}

function compileUnary(cx: CompileCtx, op: '-' | '+' | '~' | 'NOT', x: Compiled): Compiled {
  void cx;
  const ev = x.ev;
  switch (op) {
    case '-':
      return plain(() => arith.negate(ev()), x.constant);
    case '+':
      return { ...x, aff: null, column: undefined };
    case '~':
      return plain(() => arith.bitNot(ev()), x.constant);
    case 'NOT':
      return plain(() => not3(boolOf(ev())), x.constant);
  }
}

/** SQLite truth value of a value as 1/0/null. */
export function boolOf(v: SqlValue): SqlValue {
  if (v === null) return null;
  return toBool(v) ? TRUE : FALSE;
}

function not3(v: SqlValue): SqlValue {
  return v === null ? null : v === FALSE ? TRUE : FALSE;
}

/**
 * Compiles a WHERE / ON term for use as a filter only (its truth decides; NULL and false both
 * reject), as SQLite codes terms with sqlite3ExprIfFalse(..., SQLITE_JUMPIFNULL): `x BETWEEN a
 * AND b` then stops at `x >= a` unless that is true (the value form must go on after a NULL).
 */
export function compileFilter(cx: CompileCtx, e: Expr, scope: Scope): Compiled {
  if (e.kind !== 'Between' || e.not || e.expr.kind === 'RowValue' || e.low.kind === 'RowValue' || e.high.kind === 'RowValue') return compileExpr(cx, e, scope);
  const { load, ge, le, constant } = betweenParts(cx, e, scope);
  return {
    ev: () => {
      load();
      const g = ge();
      return g !== TRUE ? g : le();
    },
    aff: null,
    coll: null,
    explicitColl: false,
    constant,
  };
}

/**
 * The two comparisons of `x BETWEEN low AND high`, reading x once per row: `load()` evaluates
 * x for the row, then `ge()` and `le()` compare that value.
 */
function betweenParts(cx: CompileCtx, e: BetweenExpr, scope: Scope): { load: () => void; ge: Ev; le: Ev; constant: boolean } {
  const x = compileExpr(cx, e.expr, scope);
  const lo = compileExpr(cx, e.low, scope);
  const hi = compileExpr(cx, e.high, scope);
  let cached: SqlValue = null;
  const xc: Compiled = { ...x, ev: () => cached, constant: false };
  const xev = x.ev;
  return {
    load: () => {
      cached = xev();
    },
    ge: comparison(cx, '>=', xc, lo),
    le: comparison(cx, '<=', xc, hi),
    constant: x.constant === true && lo.constant === true && hi.constant === true,
  };
}

function and3(a: SqlValue, b: Ev): SqlValue {
  if (a === FALSE) return FALSE;
  const bv = b();
  if (bv === FALSE) return FALSE;
  if (a === null || bv === null) return null;
  return TRUE;
}

function compileBinary(cx: CompileCtx, e: BinaryExpr, scope: Scope): Compiled {
  const op = e.op;
  if (e.left.kind === 'RowValue' || e.right.kind === 'RowValue') return compileRowComparison(cx, e, scope);
  if (op === 'AND' || op === 'OR') {
    const l = compileExpr(cx, e.left, scope).ev;
    const r = compileExpr(cx, e.right, scope).ev;
    if (op === 'AND') {
      return plain(() => {
        const a = boolOf(l());
        if (a === FALSE) return FALSE;
        const b = boolOf(r());
        if (b === FALSE) return FALSE;
        return a === null || b === null ? null : TRUE;
      });
    }
    return plain(() => {
      const a = boolOf(l());
      if (a === TRUE) return TRUE;
      const b = boolOf(r());
      if (b === TRUE) return TRUE;
      return a === null || b === null ? null : FALSE;
    });
  }
  const l = compileExpr(cx, e.left, scope);
  const r = compileExpr(cx, e.right, scope);
  const constant = !!(l.constant && r.constant);
  const a = l.ev;
  const b = r.ev;
  switch (op) {
    case '=':
    case '!=':
    case '<':
    case '<=':
    case '>':
    case '>=':
    case 'IS':
    case 'IS NOT':
      return plain(comparison(cx, op, l, r), constant);
    case '+': {
      const ev = (): SqlValue => arith.add(a(), b());
      return plain(columnArithmetic(cx.rt, op, l, r, ev) ?? ev, constant);
    }
    case '-': {
      const ev = (): SqlValue => arith.subtract(a(), b());
      return plain(columnArithmetic(cx.rt, op, l, r, ev) ?? ev, constant);
    }
    case '*': {
      const ev = (): SqlValue => arith.multiply(a(), b());
      return plain(columnArithmetic(cx.rt, op, l, r, ev) ?? ev, constant);
    }
    case '/':
      return plain(() => arith.divide(a(), b()), constant);
    case '%': {
      const ev = (): SqlValue => arith.remainder(a(), b());
      return plain(columnArithmetic(cx.rt, op, l, r, ev) ?? ev, constant);
    }
    case '||':
      return plain(() => arith.concat(a(), b()), constant);
    case '&':
      return plain(() => arith.bitAnd(a(), b()), constant);
    case '|':
      return plain(() => arith.bitOr(a(), b()), constant);
    case '<<':
      return plain(() => arith.shiftLeft(a(), b()), constant);
    case '>>':
      return plain(() => arith.shiftRight(a(), b()), constant);
    case '->':
      return plain(() => jsonArrowOp(a(), b(), false), constant);
    case '->>':
      return plain(() => jsonArrowOp(a(), b(), true), constant);
    default:
      return assertNever(op, 'binary operator');
  }
}

/** The collation SQLite uses for a binary comparison: explicit left, explicit right, column left, column right. */
export function comparisonCollation(l: Compiled, r: Compiled): string | null {
  if (l.explicitColl) return l.coll;
  if (r.explicitColl) return r.coll;
  return l.coll ?? r.coll;
}

/** The comparison affinity of two operands (sqlite3CompareAffinity). */
export function operandsAffinity(l: Compiled, r: Compiled): Affinity | null {
  return comparisonAffinity(l.aff, r.aff);
}

/**
 * Compiles a comparison into a closure yielding 1, 0 or NULL (IS / IS NOT never NULL).
 */
export function comparison(cx: CompileCtx, op: '=' | '!=' | '<' | '<=' | '>' | '>=' | 'IS' | 'IS NOT', l: Compiled, r: Compiled): Ev {
  const aff = comparisonAffinity(l.aff, r.aff);
  const coll = cx.collation(comparisonCollation(l, r));
  const a = l.ev;
  const b = r.ev;
  const test = testFor(op);
  const nullSafe = op === 'IS' || op === 'IS NOT';
  const eqIfBothNull = op === 'IS';
  // The general path: NULLs, comparison affinity, collation.
  const slow = (x: SqlValue, y: SqlValue): SqlValue => {
    if (x === null || y === null) {
      if (!nullSafe) return null;
      return (x === null && y === null) === eqIfBothNull ? TRUE : FALSE;
    }
    if (aff === 'TEXT') {
      if (typeof x === 'string' || typeof y === 'string') {
        x = applyComparisonAffinity(x, aff);
        y = applyComparisonAffinity(y, aff);
      }
    } else if (aff !== null && aff !== 'BLOB') {
      if (typeof x === 'string') x = applyComparisonAffinity(x, aff);
      if (typeof y === 'string') y = applyComparisonAffinity(y, aff);
    }
    return test(compareValues(x, y, coll)) ? TRUE : FALSE;
  };
  // Fast paths: two numbers compare directly whatever the affinity (numeric affinity leaves
  // numbers alone; TEXT affinity only applies when one side is text); two strings under BINARY
  // without numeric affinity compare by code units when no surrogates are involved.
  const general = genericComparison(op, a, b, slow);
  return columnComparison(cx.rt, op, l, r, general) ?? literalComparison(op, l, r, slow) ?? general;
}

function genericComparison(op: string, a: Ev, b: Ev, slow: (x: SqlValue, y: SqlValue) => SqlValue): Ev {
  switch (op) {
    case '=':
    case 'IS':
      return () => {
        const x = a();
        const y = b();
        if (typeof x === 'number' && typeof y === 'number') return x === y ? TRUE : FALSE;
        return slow(x, y);
      };
    case '!=':
    case 'IS NOT':
      return () => {
        const x = a();
        const y = b();
        if (typeof x === 'number' && typeof y === 'number') return x !== y ? TRUE : FALSE;
        return slow(x, y);
      };
    case '<':
      return () => {
        const x = a();
        const y = b();
        if (typeof x === 'number' && typeof y === 'number') return x < y ? TRUE : FALSE;
        return slow(x, y);
      };
    case '<=':
      return () => {
        const x = a();
        const y = b();
        if (typeof x === 'number' && typeof y === 'number') return x <= y ? TRUE : FALSE;
        return slow(x, y);
      };
    case '>':
      return () => {
        const x = a();
        const y = b();
        if (typeof x === 'number' && typeof y === 'number') return x > y ? TRUE : FALSE;
        return slow(x, y);
      };
    default:
      return () => {
        const x = a();
        const y = b();
        if (typeof x === 'number' && typeof y === 'number') return x >= y ? TRUE : FALSE;
        return slow(x, y);
      };
  }
}

function testFor(op: string): (c: number) => boolean {
  switch (op) {
    case '=':
    case 'IS':
      return (c) => c === 0;
    case '!=':
    case 'IS NOT':
      return (c) => c !== 0;
    case '<':
      return (c) => c < 0;
    case '<=':
      return (c) => c <= 0;
    case '>':
      return (c) => c > 0;
    default:
      return (c) => c >= 0;
  }
}

function compileInList(cx: CompileCtx, not: boolean, x: Compiled, list: Compiled[]): Compiled {
  if (list.length === 0) return plain(() => (not ? TRUE : FALSE));
  const xev = x.ev;
  let cached: SqlValue = null;
  const xc: Compiled = { ...x, ev: () => cached };
  // The parser turns `x IN (<constant>)` into `x = <constant>`; otherwise every element is
  // compared under the left operand's affinity and collation alone (exprINAffinity,
  // sqlite3ExprCodeIN), not the pairwise rules of `=`.
  const single = list.length === 1 && list[0].constant === true;
  const tests = list.map((item) => comparison(cx, '=', xc, single ? item : { ...item, aff: null, coll: null, explicitColl: false }));
  const items = list.map((item) => item.ev);
  return plain(() => {
    cached = xev();
    if (cached === null) {
      // sqlite3ExprCodeIN compares a list element by element without testing the left operand
      // for NULL first: every element is still evaluated (and may raise an error)
      for (let i = 0; i < items.length; i++) items[i]();
      return null;
    }
    let sawNull = false;
    for (let i = 0; i < tests.length; i++) {
      const r = tests[i]();
      if (r === TRUE) return not ? FALSE : TRUE;
      if (r === null) sawNull = true;
    }
    if (sawNull) return null;
    return not ? TRUE : FALSE;
  });
}

function compileCase(cx: CompileCtx, e: Extract<Expr, { kind: 'Case' }>, scope: Scope): Compiled {
  const elseEv = e.else ? compileExpr(cx, e.else, scope).ev : () => null;
  if (e.base) {
    const base = compileExpr(cx, e.base, scope);
    let cached: SqlValue = null;
    const bc: Compiled = { ...base, ev: () => cached };
    const whens = e.whens.map((w) => ({ test: comparison(cx, '=', bc, compileExpr(cx, w.when, scope)), then: compileExpr(cx, w.then, scope).ev }));
    const bev = base.ev;
    return plain(() => {
      cached = bev();
      for (let i = 0; i < whens.length; i++) if (whens[i].test() === TRUE) return whens[i].then();
      return elseEv();
    });
  }
  const whens = e.whens.map((w) => ({ test: compileExpr(cx, w.when, scope).ev, then: compileExpr(cx, w.then, scope).ev }));
  return plain(() => {
    for (let i = 0; i < whens.length; i++) if (toBool(whens[i].test())) return whens[i].then();
    return elseEv();
  });
}

function compileLike(cx: CompileCtx, e: Extract<Expr, { kind: 'Like' }>, scope: Scope): Compiled {
  const l = compileExpr(cx, e.left, scope).ev;
  const r = compileExpr(cx, e.right, scope).ev;
  const esc = e.escape ? compileExpr(cx, e.escape, scope).ev : null;
  const not = e.not;
  if (e.op === 'MATCH' && !cx.functions.scalar('match', 2)) {
    // SQLite's built-in match() (for full-text tables) fails when it runs
    return plain(() => {
      throw sqliteError('unable to use function MATCH in the requested context');
    });
  }
  if (e.op === 'REGEXP' || e.op === 'MATCH') {
    // REGEXP calls the user function regexp(pattern, value); MATCH calls match(pattern, value).
    const call = compileFunctionCall(cx, {
      kind: 'Function',
      name: e.op, // as SQLite's message shows the operator token (usually upper case)
      args: [e.right, e.left],
      distinct: false,
      star: false,
      filter: null,
      over: null,
      orderBy: null,
      special: false,
      start: e.start,
      end: e.end,
    }, scope).ev;
    return plain(() => {
      const v = boolOf(call());
      return not ? not3(v) : v;
    });
  }
  const fctx = () => cx.rt.host.fctx;
  if (e.op === 'LIKE') {
    return plain(() => {
      const v = likeMatch(r(), l(), esc ? esc() : undefined, fctx().caseSensitiveLike());
      return not ? not3(v) : v;
    });
  }
  return plain(() => {
    const v = globMatch(r(), l());
    return not ? not3(v) : v;
  });
}
