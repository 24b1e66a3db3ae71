/**
 * SELECT (parse.y `select`, `oneselect`, `seltablist`, `with`), including heliosdb time travel
 * on table references.
 *
 * Time travel: `t AS OF TIMESTAMP expr`, `t AS OF TRANSACTION expr`, `t FOR SYSTEM_TIME AS OF
 * expr`, before or after the alias (`t AS x AS OF ...`, `t x AS OF ...`). The rule that keeps it
 * unambiguous: `AS` starts time travel only when followed by `OF` and then `TIMESTAMP` or
 * `TRANSACTION`; `FOR` only when followed by `SYSTEM_TIME AS OF`. In stock SQLite those token
 * sequences are always syntax errors (`t AS of` would alias `t` as "of", and a second name may not
 * follow), so every valid SQLite statement keeps its meaning.
 */
import type {
  AsOfClause,
  CommonTableExpr,
  CompoundOp,
  Expr,
  FromItem,
  JoinType,
  NamedWindow,
  OrderingTerm,
  ResultColumn,
  SelectBody,
  SelectCore,
  SelectStmt,
  ValuesBody,
  WithClause,
} from '../ast.js';
import { TK, type TokenType } from '../lexer.js';
import { parseExpr, parseExprList, parseSortList } from './expr.js';
import { spanText, type Parser } from './parser.js';
import { parseWindowDefinitions } from './window.js';

/** SQLITE_MAX_COMPOUND_SELECT in the better-sqlite3 build. */
const MAX_COMPOUND_SELECT = 500;

export function startsSelect(t: TokenType): boolean {
  return t === TK.SELECT || t === TK.VALUES || t === TK.WITH;
}

/** `select`: [WITH ...] oneselect (compound-op oneselect)* */
export function parseSelect(p: Parser): SelectStmt {
  const start = p.start;
  p.enter();
  const withClause = p.t === TK.WITH ? parseWith(p) : null;
  const s = parseSelectNoWith(p, start, withClause);
  p.leave();
  return s;
}

interface OneSelect {
  body: SelectCore | ValuesBody;
  orderBy: OrderingTerm[] | null;
  limit: Expr | null;
  offset: Expr | null;
}

/** `selectnowith` after an already-parsed WITH clause. */
export function parseSelectNoWith(p: Parser, start: number, withClause: WithClause | null): SelectStmt {
  const parts: OneSelect[] = [parseOneSelect(p)];
  const ops: CompoundOp[] = [];
  let body: SelectBody = parts[0].body;
  for (;;) {
    let op: CompoundOp;
    if (p.t === TK.UNION) {
      p.advance();
      op = p.accept(TK.ALL) ? 'UNION ALL' : 'UNION';
    } else if (p.t === TK.INTERSECT) {
      p.advance();
      op = 'INTERSECT';
    } else if (p.t === TK.EXCEPT) {
      p.advance();
      op = 'EXCEPT';
    } else break;
    const part = parseOneSelect(p);
    parts.push(part);
    ops.push(op);
    body = { kind: 'Compound', op, left: body, right: part.body };
  }
  // parserDoubleLinkSelect: ORDER BY / LIMIT only on the last term; a bounded number of terms
  for (let i = parts.length - 2; i >= 0; i--) {
    const q = parts[i];
    if (q.orderBy !== null || q.limit !== null) {
      const opName = ops[i] === 'UNION ALL' ? 'UNION ALL' : ops[i];
      p.reduceError(`${q.orderBy !== null ? 'ORDER BY' : 'LIMIT'} clause should come after ${opName} not before`);
    }
  }
  const last = parts[parts.length - 1];
  if (parts.length > MAX_COMPOUND_SELECT && last.body.kind !== 'Values') {
    p.reduceError('too many terms in compound SELECT');
  }
  return {
    kind: 'Select',
    with: withClause,
    body,
    orderBy: last.orderBy,
    limit: last.limit,
    offset: last.offset,
    start,
    end: p.prevEnd,
  };
}

function parseOneSelect(p: Parser): OneSelect {
  if (p.t === TK.VALUES) return { body: parseValues(p), orderBy: null, limit: null, offset: null };
  p.expect(TK.SELECT);
  let distinct = false;
  if (p.t === TK.DISTINCT) {
    p.advance();
    distinct = true;
  } else p.accept(TK.ALL);
  const columns = parseResultColumns(p);
  const from = p.accept(TK.FROM) ? parseFromList(p) : null;
  const where = p.accept(TK.WHERE) ? parseExpr(p) : null;
  let groupBy: Expr[] | null = null;
  if (p.t === TK.GROUP) {
    p.advance();
    p.expect(TK.BY);
    groupBy = parseExprList(p);
  }
  const having = p.accept(TK.HAVING) ? parseExpr(p) : null;
  let windows: NamedWindow[] | null = null;
  if (p.accept(TK.WINDOW)) windows = parseWindowDefinitions(p);
  const core: SelectCore = { kind: 'SelectCore', distinct, columns, from, where, groupBy, having, windows };
  const orderBy = parseOrderByOpt(p);
  const { limit, offset } = parseLimitOpt(p);
  return { body: core, orderBy, limit, offset };
}

export function parseOrderByOpt(p: Parser): OrderingTerm[] | null {
  if (p.t !== TK.ORDER) return null;
  p.advance();
  p.expect(TK.BY);
  return parseSortList(p);
}

/** `LIMIT expr [OFFSET expr | , expr]` (the comma form is `LIMIT offset, limit`). */
export function parseLimitOpt(p: Parser): { limit: Expr | null; offset: Expr | null } {
  if (!p.accept(TK.LIMIT)) return { limit: null, offset: null };
  const a = parseExpr(p);
  if (p.accept(TK.OFFSET)) return { limit: a, offset: parseExpr(p) };
  if (p.accept(TK.COMMA)) return { limit: parseExpr(p), offset: a };
  return { limit: a, offset: null };
}

function parseValues(p: Parser): ValuesBody {
  p.expect(TK.VALUES);
  const rows: Expr[][] = [];
  do {
    p.expect(TK.LP);
    const row = parseExprList(p);
    p.expect(TK.RP);
    if (rows.length > 0 && row.length !== rows[0].length) p.reduceError('all VALUES must have the same number of terms');
    rows.push(row);
  } while (p.accept(TK.COMMA));
  return { kind: 'Values', rows };
}

/** `selcollist`: `*`, `t.*`, `expr [[AS] alias]`, ... (also RETURNING lists). */
export function parseResultColumns(p: Parser): ResultColumn[] {
  const out: ResultColumn[] = [];
  do {
    if (p.t === TK.STAR) {
      p.advance();
      out.push({ kind: 'Star' });
      continue;
    }
    if (p.isNm(p.t) && p.peek(1) === TK.DOT && p.peek(2) === TK.STAR) {
      const table = p.nm();
      p.advance();
      p.advance();
      out.push({ kind: 'TableStar', table });
      continue;
    }
    const start = p.start;
    const expr = parseExpr(p);
    const text = spanText(p.sql, start, p.start);
    let alias: string | null = null;
    if (p.t === TK.AS) {
      p.advance();
      alias = p.nm();
    } else if (p.isIds(p.t)) alias = p.ids();
    out.push({ kind: 'Expr', expr, alias, text });
  } while (p.accept(TK.COMMA));
  return out;
}

// FROM ---------------------------------------------------------------------------------------

/** `seltablist`: table references joined by commas and JOIN operators. */
export function parseFromList(p: Parser): FromItem {
  let left: FromItem | null = null;
  let joinType: JoinType = 'INNER';
  let natural = false;
  for (;;) {
    const item = parseTableItem(p);
    let on: Expr | null = null;
    let using: string[] | null = null;
    const onUsingTok = p.t;
    if (p.accept(TK.ON)) on = parseExpr(p);
    else if (p.accept(TK.USING)) using = p.idlist();
    if (left === null) {
      if (on !== null || using !== null) {
        p.reduceError(`a JOIN clause is required before ${onUsingTok === TK.ON ? 'ON' : 'USING'}`);
      }
      left = item;
    } else {
      left = { kind: 'Join', joinType, natural, left, right: item, on, using };
    }
    // joinop
    if (p.t === TK.COMMA) {
      p.advance();
      joinType = 'COMMA';
      natural = false;
    } else if (p.t === TK.JOIN) {
      p.advance();
      joinType = 'INNER';
      natural = false;
    } else if (p.t === TK.JOIN_KW) {
      const r = parseJoinKeywords(p);
      joinType = r.joinType;
      natural = r.natural;
    } else return left;
  }
}

const JT_INNER = 1;
const JT_CROSS = 2;
const JT_NATURAL = 4;
const JT_LEFT = 8;
const JT_RIGHT = 16;
const JT_OUTER = 32;
const JT_ERROR = 64;
const JOIN_WORDS: Record<string, number> = {
  natural: JT_NATURAL,
  left: JT_LEFT | JT_OUTER,
  outer: JT_OUTER,
  right: JT_RIGHT | JT_OUTER,
  full: JT_LEFT | JT_RIGHT | JT_OUTER,
  inner: JT_INNER,
  cross: JT_INNER | JT_CROSS,
};

/** `JOIN_KW [nm [nm]] JOIN` with sqlite3JoinType's validation. */
function parseJoinKeywords(p: Parser): { joinType: JoinType; natural: boolean } {
  const words: string[] = [p.text];
  p.advance();
  while (p.t !== TK.JOIN && words.length < 3) {
    if (!p.isNm(p.t)) p.syntaxError();
    words.push(p.text);
    p.advance();
  }
  p.expect(TK.JOIN);
  let jt = 0;
  for (const w of words) {
    const code = JOIN_WORDS[w.toLowerCase()];
    if (code === undefined) {
      jt |= JT_ERROR;
      break;
    }
    jt |= code;
  }
  if ((jt & (JT_INNER | JT_OUTER)) === (JT_INNER | JT_OUTER) || (jt & JT_ERROR) !== 0 || (jt & (JT_OUTER | JT_LEFT | JT_RIGHT)) === JT_OUTER) {
    p.reduceError(`unknown join type: ${words.join(' ')}`);
  }
  const natural = (jt & JT_NATURAL) !== 0;
  let joinType: JoinType;
  if (jt & JT_CROSS) joinType = 'CROSS';
  else if ((jt & JT_LEFT) && (jt & JT_RIGHT)) joinType = 'FULL';
  else if (jt & JT_LEFT) joinType = 'LEFT';
  else if (jt & JT_RIGHT) joinType = 'RIGHT';
  else joinType = 'INNER';
  return { joinType, natural };
}

function startsAsOf(p: Parser): boolean {
  const t = p.t;
  if (t === TK.AS) return p.peek(1) === TK.OF && (p.peek(2) === TK.TRANSACTION || p.isWord('TIMESTAMP', 2));
  if (t === TK.FOR) return p.isWord('SYSTEM_TIME', 1) && p.peek(2) === TK.AS && p.peek(3) === TK.OF;
  return false;
}

function parseAsOf(p: Parser): AsOfClause {
  if (p.t === TK.FOR) {
    p.advance();
    p.advance();
    p.advance();
    p.advance();
    return { kind: 'Timestamp', expr: parseExpr(p) };
  }
  p.advance();
  p.advance();
  const kind = p.t === TK.TRANSACTION ? 'Transaction' : 'Timestamp';
  p.advance();
  return { kind, expr: parseExpr(p) };
}

/** parse.y `as`: `AS nm` | `ids` | nothing. */
function parseAliasOpt(p: Parser): string | null {
  if (p.t === TK.AS) {
    p.advance();
    return p.nm();
  }
  if (p.isIds(p.t)) return p.ids();
  return null;
}

function parseTableItem(p: Parser): FromItem {
  if (p.t === TK.LP) {
    p.advance();
    if (startsSelect(p.t)) {
      const select = parseSelect(p);
      p.expect(TK.RP);
      return { kind: 'SubqueryRef', select, alias: parseAliasOpt(p) };
    }
    const inner = parseFromList(p);
    p.expect(TK.RP);
    const alias = parseAliasOpt(p);
    if (alias === null) return inner;
    switch (inner.kind) {
      case 'TableRef':
      case 'SubqueryRef':
      case 'TableFunctionRef':
        return { ...inner, alias };
      case 'Join': {
        const select: SelectStmt = {
          kind: 'Select',
          with: null,
          body: {
            kind: 'SelectCore',
            distinct: false,
            columns: [{ kind: 'Star' }],
            from: inner,
            where: null,
            groupBy: null,
            having: null,
            windows: null,
          },
          orderBy: null,
          limit: null,
          offset: null,
          start: -1,
          end: -1,
        };
        return { kind: 'SubqueryRef', select, alias };
      }
    }
  }
  const [schema, name] = p.fullname();
  if (p.t === TK.LP) {
    p.advance();
    const args = p.t === TK.RP ? [] : parseExprList(p);
    p.expect(TK.RP);
    return { kind: 'TableFunctionRef', schema, name, args, alias: parseAliasOpt(p) };
  }
  let asOf: AsOfClause | null = null;
  if (startsAsOf(p)) asOf = parseAsOf(p);
  const alias = parseAliasOpt(p);
  if (asOf === null && startsAsOf(p)) asOf = parseAsOf(p);
  const indexedBy = parseIndexedOpt(p);
  return { kind: 'TableRef', schema, name, alias, indexedBy, asOf };
}

/** `INDEXED BY nm` -> name, `NOT INDEXED` -> false, neither -> null. */
export function parseIndexedOpt(p: Parser): string | false | null {
  if (p.t === TK.INDEXED) {
    p.advance();
    p.expect(TK.BY);
    return p.nm();
  }
  if (p.t === TK.NOT) {
    p.advance();
    p.expect(TK.INDEXED);
    return false;
  }
  return null;
}

// WITH ---------------------------------------------------------------------------------------

export function parseWith(p: Parser): WithClause {
  p.expect(TK.WITH);
  const recursive = p.accept(TK.RECURSIVE);
  const ctes: CommonTableExpr[] = [];
  do {
    const name = p.nm();
    const columns = p.t === TK.LP ? parseEidList(p) : null;
    p.expect(TK.AS);
    let materialized: boolean | null = null;
    if (p.t === TK.NOT) {
      p.advance();
      p.expect(TK.MATERIALIZED);
      materialized = false;
    } else if (p.accept(TK.MATERIALIZED)) materialized = true;
    p.expect(TK.LP);
    const select = parseSelect(p);
    p.expect(TK.RP);
    ctes.push({ name, columns, materialized, select });
  } while (p.accept(TK.COMMA));
  return { recursive, ctes };
}

/**
 * `eidlist`: `( nm [COLLATE ids] [ASC|DESC], ... )`. COLLATE and ASC/DESC are accepted by the
 * grammar only to report SQLite's error for them.
 */
export function parseEidList(p: Parser): string[] {
  p.expect(TK.LP);
  const out: string[] = [];
  do {
    const raw = p.text;
    const name = p.nm();
    let extra = false;
    if (p.accept(TK.COLLATE)) {
      p.ids();
      extra = true;
    }
    if (p.t === TK.ASC || p.t === TK.DESC) {
      p.advance();
      extra = true;
    }
    if (extra) p.reduceError(`syntax error after column name "${raw}"`);
    out.push(name);
  } while (p.accept(TK.COMMA));
  p.expect(TK.RP);
  return out;
}

