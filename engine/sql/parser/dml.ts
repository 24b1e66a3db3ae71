/**
 * INSERT / REPLACE, UPDATE, DELETE (parse.y "The INSERT command" and friends), with upsert and
 * RETURNING. The build has SQLITE_ENABLE_UPDATE_DELETE_LIMIT, so UPDATE and DELETE accept
 * ORDER BY and LIMIT (after RETURNING, as in the grammar).
 */
import type {
  ConflictAction,
  DeleteStmt,
  Expr,
  InsertStmt,
  OrderingTerm,
  QualifiedTableName,
  ResultColumn,
  SelectStmt,
  SetClause,
  UpdateStmt,
  UpsertClause,
  WithClause,
} from '../ast.js';
import { TK } from '../lexer.js';
import { parseExpr, parseSortList } from './expr.js';
import type { Parser } from './parser.js';
import { parseFromList, parseIndexedOpt, parseLimitOpt, parseOrderByOpt, parseResultColumns, parseSelect } from './select.js';

/** `resolvetype`: ROLLBACK | ABORT | FAIL | IGNORE | REPLACE */
export function parseResolveType(p: Parser): ConflictAction {
  let a: ConflictAction;
  switch (p.t) {
    case TK.ROLLBACK:
      a = 'ROLLBACK';
      break;
    case TK.ABORT:
      a = 'ABORT';
      break;
    case TK.FAIL:
      a = 'FAIL';
      break;
    case TK.IGNORE:
      a = 'IGNORE';
      break;
    case TK.REPLACE:
      a = 'REPLACE';
      break;
    default:
      return p.syntaxError();
  }
  p.advance();
  return a;
}

/** `orconf`: [OR resolvetype] */
function parseOrConf(p: Parser): ConflictAction | null {
  if (!p.accept(TK.OR)) return null;
  return parseResolveType(p);
}

/** `xfullname`: nm [. nm] [AS nm] */
function parseXFullname(p: Parser): { schema: string | null; name: string; alias: string | null } {
  const [schema, name] = p.fullname();
  const alias = p.accept(TK.AS) ? p.nm() : null;
  return { schema, name, alias };
}

function parseQualifiedTable(p: Parser): QualifiedTableName {
  const x = parseXFullname(p);
  const indexedBy = parseIndexedOpt(p);
  if (indexedBy !== null && p.inTrigger) {
    p.reduceError(
      `the ${indexedBy === false ? 'NOT INDEXED' : 'INDEXED BY'} clause is not allowed on UPDATE or DELETE statements within triggers`,
    );
  }
  return { ...x, indexedBy };
}

function parseReturningOpt(p: Parser): ResultColumn[] | null {
  if (!p.accept(TK.RETURNING)) return null;
  return parseResultColumns(p);
}

/** `setlist`: `nm = expr` | `(nm, ...) = expr`, comma-separated. */
export function parseSetList(p: Parser): SetClause[] {
  const out: SetClause[] = [];
  do {
    let columns: string[];
    if (p.t === TK.LP) columns = p.idlist();
    else columns = [p.nm()];
    p.expect(TK.EQ);
    out.push({ columns, value: parseExpr(p) });
  } while (p.accept(TK.COMMA));
  return out;
}

/** INSERT / REPLACE (the current token is INSERT or REPLACE). */
export function parseInsert(p: Parser, start: number, withClause: WithClause | null): InsertStmt {
  let orAction: ConflictAction | null;
  if (p.t === TK.REPLACE) {
    p.advance();
    orAction = 'REPLACE';
  } else {
    p.expect(TK.INSERT);
    orAction = parseOrConf(p);
  }
  p.expect(TK.INTO);
  const { schema, name, alias } = parseXFullname(p);
  const columns = p.t === TK.LP ? p.idlist() : null;
  let source: SelectStmt | null = null;
  const upsert: UpsertClause[] = [];
  let returning: ResultColumn[] | null = null;
  if (p.t === TK.DEFAULT) {
    if (p.inTrigger) p.syntaxError();
    p.advance();
    p.expect(TK.VALUES);
    returning = parseReturningOpt(p);
  } else {
    source = parseSelect(p);
    returning = parseUpsert(p, upsert);
  }
  return {
    kind: 'Insert',
    with: withClause,
    orAction,
    schema,
    table: name,
    alias,
    columns,
    source,
    upsert,
    returning,
    start,
    end: p.prevEnd,
  };
}

/** parse.y `upsert`: ON CONFLICT clauses, then an optional RETURNING (returned). */
function parseUpsert(p: Parser, out: UpsertClause[]): ResultColumn[] | null {
  while (p.t === TK.ON) {
    p.advance();
    p.expect(TK.CONFLICT);
    let target: OrderingTerm[] | null = null;
    let targetWhere: Expr | null = null;
    if (p.t === TK.LP) {
      p.advance();
      target = parseSortList(p).map(stripQualifier);
      p.expect(TK.RP);
      if (p.accept(TK.WHERE)) targetWhere = parseExpr(p);
    }
    p.expect(TK.DO);
    let update: UpsertClause['update'] = null;
    if (p.t === TK.NOTHING) p.advance();
    else {
      p.expect(TK.UPDATE);
      p.expect(TK.SET);
      const sets = parseSetList(p);
      const where = p.accept(TK.WHERE) ? parseExpr(p) : null;
      update = { sets, where };
    }
    out.push({ target, targetWhere, update });
    // a target-less clause must be the last one
    if (target === null) break;
  }
  return parseReturningOpt(p);
}

/** `ON CONFLICT ("t"."c")`: the conflict target names a column of the insert table. */
function stripQualifier(term: OrderingTerm): OrderingTerm {
  const e = term.expr;
  if (e.kind === 'Column' && e.table !== null) {
    return { ...term, expr: { ...e, schema: null, table: null } };
  }
  return term;
}

export function parseUpdate(p: Parser, start: number, withClause: WithClause | null, inTrigger = false): UpdateStmt {
  p.expect(TK.UPDATE);
  const orAction = parseOrConf(p);
  const table = parseQualifiedTable(p);
  p.expect(TK.SET);
  const sets = parseSetList(p);
  const from = p.accept(TK.FROM) ? parseFromList(p) : null;
  const where = p.accept(TK.WHERE) ? parseExpr(p) : null;
  let returning: ResultColumn[] | null = null;
  let orderBy: OrderingTerm[] | null = null;
  let limit: Expr | null = null;
  let offset: Expr | null = null;
  if (!inTrigger) {
    returning = parseReturningOpt(p);
    orderBy = parseOrderByOpt(p);
    ({ limit, offset } = parseLimitOpt(p));
  }
  return {
    kind: 'Update',
    with: withClause,
    orAction,
    table,
    sets,
    from,
    where,
    returning,
    orderBy,
    limit,
    offset,
    start,
    end: p.prevEnd,
  };
}

export function parseDelete(p: Parser, start: number, withClause: WithClause | null, inTrigger = false): DeleteStmt {
  p.expect(TK.DELETE);
  p.expect(TK.FROM);
  const table = parseQualifiedTable(p);
  const where = p.accept(TK.WHERE) ? parseExpr(p) : null;
  let returning: ResultColumn[] | null = null;
  let orderBy: OrderingTerm[] | null = null;
  let limit: Expr | null = null;
  let offset: Expr | null = null;
  if (!inTrigger) {
    returning = parseReturningOpt(p);
    orderBy = parseOrderByOpt(p);
    ({ limit, offset } = parseLimitOpt(p));
  }
  return { kind: 'Delete', with: withClause, table, where, returning, orderBy, limit, offset, start, end: p.prevEnd };
}
