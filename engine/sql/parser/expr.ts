/**
 * Expressions: precedence climbing over parse.y's operator table.
 *
 * Binding strength (weakest first), as the `%left`/`%right` declarations in parse.y:
 *   1 OR   2 AND   3 NOT (prefix)
 *   4 IS, IS NOT, MATCH, LIKE/GLOB/REGEXP, BETWEEN, IN, ISNULL, NOTNULL, NOT NULL, =, ==, !=, <>
 *   5 < <= > >=   6 ESCAPE   7 & | << >>   8 + -   9 * / %   10 || -> ->>   11 COLLATE
 *   12 unary - + ~
 * All binary operators are left-associative. `NOT x` takes an operand of strength >= 3, so
 * `NOT a = b` is `NOT (a = b)`; unary minus binds tighter than everything, so `-a COLLATE x` is
 * `(-a) COLLATE x`.
 */
import type {
  BinaryOp,
  CaseExpr,
  Expr,
  FunctionExpr,
  LiteralExpr,
  OrderingTerm,
  WindowSpec,
} from '../ast.js';
import { INT64_MIN } from '../../common/value.js';
import { TK, type TokenType } from '../lexer.js';
import { blobValue, dequoteNumber, floatValue, integerValue, stringValue } from './literals.js';
import { dequote, type Parser } from './parser.js';
import { parseSelect, startsSelect } from './select.js';
import { parseTypeToken } from './typename.js';
import { parseWindowSpec } from './window.js';

const P_OR = 1;
const P_AND = 2;
const P_NOT = 3;
const P_EQ = 4;
const P_CMP = 5;
const P_ESCAPE = 6;
const P_BIT = 7;
const P_ADD = 8;
const P_MUL = 9;
const P_CONCAT = 10;
const P_COLLATE = 11;

/** Parses one expression (parse.y `expr`). */
export function parseExpr(p: Parser, minPrec = P_OR): Expr {
  p.enter();
  let left = parseUnary(p);
  for (;;) {
    const t = p.t;
    let prec: number;
    let op: BinaryOp | null = null;
    switch (t) {
      case TK.OR:
        prec = P_OR;
        op = 'OR';
        break;
      case TK.AND:
        prec = P_AND;
        op = 'AND';
        break;
      case TK.EQ:
        prec = P_EQ;
        op = '=';
        break;
      case TK.NE:
        prec = P_EQ;
        op = '!=';
        break;
      case TK.IS:
      case TK.LIKE_KW:
      case TK.MATCH:
      case TK.BETWEEN:
      case TK.IN:
      case TK.ISNULL:
      case TK.NOTNULL:
        prec = P_EQ;
        break;
      case TK.NOT:
        // `NOT LIKE|MATCH|BETWEEN|IN|NULL`; any other token after NOT is the syntax error
        prec = P_EQ;
        break;
      case TK.LT:
        prec = P_CMP;
        op = '<';
        break;
      case TK.LE:
        prec = P_CMP;
        op = '<=';
        break;
      case TK.GT:
        prec = P_CMP;
        op = '>';
        break;
      case TK.GE:
        prec = P_CMP;
        op = '>=';
        break;
      case TK.BITAND:
        prec = P_BIT;
        op = '&';
        break;
      case TK.BITOR:
        prec = P_BIT;
        op = '|';
        break;
      case TK.LSHIFT:
        prec = P_BIT;
        op = '<<';
        break;
      case TK.RSHIFT:
        prec = P_BIT;
        op = '>>';
        break;
      case TK.PLUS:
        prec = P_ADD;
        op = '+';
        break;
      case TK.MINUS:
        prec = P_ADD;
        op = '-';
        break;
      case TK.STAR:
        prec = P_MUL;
        op = '*';
        break;
      case TK.SLASH:
        prec = P_MUL;
        op = '/';
        break;
      case TK.REM:
        prec = P_MUL;
        op = '%';
        break;
      case TK.CONCAT:
        prec = P_CONCAT;
        op = '||';
        break;
      case TK.PTR:
        prec = P_CONCAT;
        op = p.end - p.start === 3 ? '->>' : '->';
        break;
      case TK.COLLATE:
        prec = P_COLLATE;
        break;
      default:
        p.leave();
        return left;
    }
    if (prec < minPrec) break;
    if (op !== null) {
      p.advance();
      const right = parseExpr(p, prec + 1);
      left = { kind: 'Binary', op, left, right, start: left.start, end: right.end };
      continue;
    }
    left = parseSpecialInfix(p, left);
  }
  p.leave();
  return left;
}

/** IS, LIKE, BETWEEN, IN, ISNULL/NOTNULL/NOT NULL, COLLATE (the current token starts one of them). */
function parseSpecialInfix(p: Parser, left: Expr): Expr {
  const start = left.start;
  let not = false;
  if (p.t === TK.NOT) {
    p.advance();
    not = true;
    const t = p.t;
    if (t !== TK.LIKE_KW && t !== TK.MATCH && t !== TK.BETWEEN && t !== TK.IN && t !== TK.NULL) p.syntaxError();
  }
  switch (p.t) {
    case TK.IS: {
      p.advance();
      let op: BinaryOp = 'IS';
      if (p.t === TK.NOT) {
        p.advance();
        op = 'IS NOT';
        if (p.t === TK.DISTINCT) {
          p.advance();
          p.expect(TK.FROM);
          op = 'IS';
        }
      } else if (p.t === TK.DISTINCT) {
        p.advance();
        p.expect(TK.FROM);
        op = 'IS NOT';
      }
      const right = parseExpr(p, P_EQ + 1);
      if (right.kind === 'Literal' && right.value === null) {
        return { kind: 'IsNull', not: op === 'IS NOT', expr: left, start, end: right.end };
      }
      return { kind: 'Binary', op, left, right, start, end: right.end };
    }
    case TK.LIKE_KW:
    case TK.MATCH: {
      const word = p.text.toUpperCase();
      const op = word === 'GLOB' ? 'GLOB' : word === 'REGEXP' ? 'REGEXP' : word === 'MATCH' ? 'MATCH' : 'LIKE';
      p.advance();
      const right = parseExpr(p, P_EQ + 1);
      let escape: Expr | null = null;
      if (p.t === TK.ESCAPE) {
        p.advance();
        escape = parseExpr(p, P_ESCAPE);
      }
      return { kind: 'Like', op, not, left, right, escape, start, end: p.prevEnd };
    }
    case TK.BETWEEN: {
      p.advance();
      const low = parseExpr(p, P_NOT);
      p.expect(TK.AND);
      const high = parseExpr(p, P_EQ + 1);
      return { kind: 'Between', not, expr: left, low, high, start, end: high.end };
    }
    case TK.IN:
      p.advance();
      return parseInRhs(p, left, not);
    case TK.NULL:
      // `expr NOT NULL` (NOT already consumed)
      p.advance();
      return { kind: 'IsNull', not: true, expr: left, start, end: p.prevEnd };
    case TK.ISNULL:
      p.advance();
      return { kind: 'IsNull', not: false, expr: left, start, end: p.prevEnd };
    case TK.NOTNULL:
      p.advance();
      return { kind: 'IsNull', not: true, expr: left, start, end: p.prevEnd };
    case TK.COLLATE: {
      p.advance();
      const collation = p.ids();
      return { kind: 'Collate', expr: left, collation, start, end: p.prevEnd };
    }
    default:
      return p.syntaxError();
  }
}

function parseInRhs(p: Parser, left: Expr, not: boolean): Expr {
  const start = left.start;
  if (p.t === TK.LP) {
    p.advance();
    if (startsSelect(p.t)) {
      const select = parseSelect(p);
      p.expect(TK.RP);
      return { kind: 'InSelect', not, expr: left, select, start, end: p.prevEnd };
    }
    const list = p.t === TK.RP ? [] : parseExprList(p);
    p.expect(TK.RP);
    if (list.length === 1 && list[0].kind === 'Subquery') {
      return { kind: 'InSelect', not, expr: left, select: list[0].select, start, end: p.prevEnd };
    }
    return { kind: 'InList', not, expr: left, list, start, end: p.prevEnd };
  }
  const [schema, table] = p.fullname();
  let args: Expr[] | null = null;
  if (p.t === TK.LP) {
    p.advance();
    args = p.t === TK.RP ? [] : parseExprList(p);
    p.expect(TK.RP);
  }
  return { kind: 'InTable', not, expr: left, schema, table, args, start, end: p.prevEnd };
}

/** Prefix operators, then a term. */
function parseUnary(p: Parser): Expr {
  const start = p.start;
  switch (p.t) {
    case TK.NOT: {
      p.advance();
      const operand = parseExpr(p, P_NOT);
      if (operand.kind === 'Exists' && !operand.not) {
        return { kind: 'Exists', not: true, select: operand.select, start, end: operand.end };
      }
      return { kind: 'Unary', op: 'NOT', operand, start, end: operand.end };
    }
    case TK.MINUS: {
      p.advance();
      p.enter();
      const operand = parseUnary(p);
      p.leave();
      if (operand.kind === 'Literal') {
        // codeInteger(): the text of the literal is exactly 2^63 (leading zeros aside), not a
        // REAL that rounds to it (-9223372036854775809 stays REAL).
        if (operand.value === 9223372036854775808 && p.slice(operand).replace(/^[(\s]*0*|[)\s]*$/g, '') === '9223372036854775808') {
          return { kind: 'Literal', value: INT64_MIN, start, end: operand.end };
        }
        const text = p.slice(operand);
        p.replaceDeferred(`hex literal too big: ${text}`, `hex literal too big: -${text}`);
      }
      return { kind: 'Unary', op: '-', operand, start, end: operand.end };
    }
    case TK.PLUS:
    case TK.BITNOT: {
      const op = p.t === TK.PLUS ? '+' : '~';
      p.advance();
      p.enter();
      const operand = parseUnary(p);
      p.leave();
      return { kind: 'Unary', op, operand, start, end: operand.end };
    }
    default:
      return parseTerm(p);
  }
}

/** Literal for a number token (INTEGER, FLOAT, QNUMBER) at the current position. */
export function parseNumberLiteral(p: Parser): LiteralExpr {
  const start = p.start;
  const end = p.end;
  let text = p.text;
  let t: TokenType = p.t;
  p.advance();
  if (t === TK.QNUMBER) {
    const d = dequoteNumber(text);
    if ('error' in d) {
      p.reduceError(`unrecognized token: "${d.error}"`);
      return { kind: 'Literal', value: 0, start, end };
    }
    text = d.text;
    t = d.isFloat ? TK.FLOAT : TK.INTEGER;
  }
  if (t === TK.FLOAT) return { kind: 'Literal', value: floatValue(text), start, end };
  const v = integerValue(text);
  if (v.hexTooBig) p.defer(`hex literal too big: ${p.sql.slice(start, end)}`);
  return { kind: 'Literal', value: v.value, start, end };
}

function parseTerm(p: Parser): Expr {
  const start = p.start;
  const t = p.t;
  switch (t) {
    case TK.INTEGER:
    case TK.FLOAT:
    case TK.QNUMBER:
      return parseNumberLiteral(p);
    case TK.STRING:
      if (p.peek(1) === TK.DOT) return parseColumnRef(p);
      p.advance();
      return { kind: 'Literal', value: stringValue(p.sql.slice(start, p.prevEnd)), start, end: p.prevEnd };
    case TK.BLOB:
      p.advance();
      return { kind: 'Literal', value: blobValue(p.sql.slice(start, p.prevEnd)), start, end: p.prevEnd };
    case TK.NULL:
      p.advance();
      return { kind: 'Literal', value: null, start, end: p.prevEnd };
    case TK.VARIABLE: {
      const z = p.text;
      if (z.charCodeAt(0) === 35 && z.length > 1 && z.charCodeAt(1) >= 48 && z.charCodeAt(1) <= 57) p.syntaxError();
      p.advance();
      const slot = p.assignVariable(z);
      return { kind: 'Param', slot, name: z.length === 1 ? null : z, start, end: p.prevEnd };
    }
    case TK.CTIME_KW:
      p.advance();
      return functionNode(p.sql.slice(start, p.prevEnd), [], start, p.prevEnd, { special: true });
    case TK.LP: {
      p.advance();
      if (startsSelect(p.t)) {
        const select = parseSelect(p);
        p.expect(TK.RP);
        return { kind: 'Subquery', select, start, end: p.prevEnd };
      }
      const first = parseExpr(p);
      if (p.t === TK.COMMA) {
        const items = [first];
        while (p.accept(TK.COMMA)) items.push(parseExpr(p));
        p.expect(TK.RP);
        return { kind: 'RowValue', items, start, end: p.prevEnd };
      }
      p.expect(TK.RP);
      return first;
    }
    case TK.CAST: {
      p.advance();
      p.expect(TK.LP);
      const expr = parseExpr(p);
      p.expect(TK.AS);
      const type = parseTypeToken(p) ?? '';
      p.expect(TK.RP);
      return { kind: 'Cast', expr, type, start, end: p.prevEnd };
    }
    case TK.CASE:
      return parseCase(p);
    case TK.EXISTS: {
      p.advance();
      p.expect(TK.LP);
      const select = parseSelect(p);
      p.expect(TK.RP);
      return { kind: 'Exists', not: false, select, start, end: p.prevEnd };
    }
    case TK.RAISE:
      return parseRaise(p);
    default:
      if (p.isIdj(t)) {
        if (p.peek(1) === TK.LP) return parseFunctionCall(p);
        if (p.peek(1) === TK.DOT) return parseColumnRef(p);
        if (t === TK.ID) {
          const w = p.text;
          if (w.length === 4 || w.length === 5) {
            const lw = w.toLowerCase();
            if (lw === 'true' || lw === 'false') {
              p.advance();
              return { kind: 'Literal', value: lw === 'true' ? 1 : 0, start, end: p.prevEnd };
            }
          }
        }
        return parseColumnRef(p);
      }
      return p.syntaxError();
  }
}

/** `nm`, `nm.nm`, `nm.nm.nm` */
function parseColumnRef(p: Parser): Expr {
  const start = p.start;
  const names: string[] = [];
  let quoted = p.sql.charCodeAt(p.start) === 34;
  names.push(p.nm());
  while (names.length < 3 && p.t === TK.DOT) {
    p.advance();
    quoted = p.sql.charCodeAt(p.start) === 34;
    names.push(p.nm());
  }
  const end = p.prevEnd;
  if (names.length === 1) return { kind: 'Column', schema: null, table: null, name: names[0], quoted, start, end };
  if (names.length === 2) return { kind: 'Column', schema: null, table: names[0], name: names[1], quoted, start, end };
  return { kind: 'Column', schema: names[0], table: names[1], name: names[2], quoted, start, end };
}

function functionNode(
  name: string,
  args: Expr[],
  start: number,
  end: number,
  o: Partial<Pick<FunctionExpr, 'distinct' | 'star' | 'filter' | 'over' | 'orderBy' | 'special'>>,
): FunctionExpr {
  return {
    kind: 'Function',
    name,
    args,
    distinct: o.distinct ?? false,
    star: o.star ?? false,
    filter: o.filter ?? null,
    over: o.over ?? null,
    orderBy: o.orderBy ?? null,
    special: o.special ?? false,
    start,
    end,
  };
}

function parseFunctionCall(p: Parser): Expr {
  const start = p.start;
  const name = dequote(p.text);
  p.advance();
  p.expect(TK.LP);
  let args: Expr[] = [];
  let distinct = false;
  let star = false;
  let orderBy: OrderingTerm[] | null = null;
  if (p.t === TK.STAR) {
    p.advance();
    star = true;
  } else {
    if (p.t === TK.DISTINCT) {
      p.advance();
      distinct = true;
    } else if (p.t === TK.ALL) p.advance();
    if (p.t !== TK.RP && p.t !== TK.ORDER) args = parseExprList(p);
    if (p.t === TK.ORDER) {
      p.advance();
      p.expect(TK.BY);
      orderBy = parseSortList(p);
    }
  }
  p.expect(TK.RP);
  let filter: Expr | null = null;
  let over: WindowSpec | string | null = null;
  if (p.t === TK.FILTER) {
    p.advance();
    p.expect(TK.LP);
    p.expect(TK.WHERE);
    filter = parseExpr(p);
    p.expect(TK.RP);
  }
  if (p.t === TK.OVER) {
    p.advance();
    if (p.t === TK.LP) {
      p.advance();
      over = parseWindowSpec(p);
      p.expect(TK.RP);
    } else over = p.nm();
  }
  return functionNode(name, args, start, p.prevEnd, { distinct, star, orderBy, filter, over });
}

function parseCase(p: Parser): CaseExpr {
  const start = p.start;
  p.advance();
  const base = p.t === TK.WHEN ? null : parseExpr(p);
  const whens: { when: Expr; then: Expr }[] = [];
  do {
    p.expect(TK.WHEN);
    const when = parseExpr(p);
    p.expect(TK.THEN);
    whens.push({ when, then: parseExpr(p) });
  } while (p.t === TK.WHEN);
  let elseExpr: Expr | null = null;
  if (p.accept(TK.ELSE)) elseExpr = parseExpr(p);
  p.expect(TK.END);
  return { kind: 'Case', base, whens, else: elseExpr, start, end: p.prevEnd };
}

function parseRaise(p: Parser): Expr {
  const start = p.start;
  p.advance();
  p.expect(TK.LP);
  if (p.accept(TK.IGNORE)) {
    p.expect(TK.RP);
    return { kind: 'Raise', action: 'IGNORE', message: null, start, end: p.prevEnd };
  }
  let action: 'ROLLBACK' | 'ABORT' | 'FAIL';
  if (p.t === TK.ROLLBACK) action = 'ROLLBACK';
  else if (p.t === TK.ABORT) action = 'ABORT';
  else if (p.t === TK.FAIL) action = 'FAIL';
  else return p.syntaxError();
  p.advance();
  p.expect(TK.COMMA);
  const message = parseExpr(p);
  p.expect(TK.RP);
  return { kind: 'Raise', action, message, start, end: p.prevEnd };
}

/** `nexprlist`: one or more comma-separated expressions. */
export function parseExprList(p: Parser): Expr[] {
  const out = [parseExpr(p)];
  while (p.accept(TK.COMMA)) out.push(parseExpr(p));
  return out;
}

/** `sortlist`: expr [ASC|DESC] [NULLS FIRST|LAST], ... */
export function parseSortList(p: Parser): OrderingTerm[] {
  const out: OrderingTerm[] = [];
  do {
    const expr = parseExpr(p);
    let direction: 'ASC' | 'DESC' | null = null;
    if (p.t === TK.ASC) {
      p.advance();
      direction = 'ASC';
    } else if (p.t === TK.DESC) {
      p.advance();
      direction = 'DESC';
    }
    let nulls: 'FIRST' | 'LAST' | null = null;
    if (p.t === TK.NULLS) {
      p.advance();
      if (p.t === TK.FIRST) nulls = 'FIRST';
      else if (p.t === TK.LAST) nulls = 'LAST';
      else p.syntaxError();
      p.advance();
    }
    out.push({ expr, direction, nulls });
  } while (p.accept(TK.COMMA));
  return out;
}

