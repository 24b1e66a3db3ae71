/**
 * Transaction control, PRAGMA, VACUUM, ANALYZE, REINDEX, ATTACH, DETACH.
 */
import type {
  AnalyzeStmt,
  AttachStmt,
  BeginStmt,
  CommitStmt,
  DetachStmt,
  Expr,
  PragmaStmt,
  ReindexStmt,
  ReleaseStmt,
  RollbackStmt,
  SavepointStmt,
  VacuumStmt,
} from '../ast.js';
import { Real, type SqlValue } from '../../common/value.js';
import { TK } from '../lexer.js';
import { parseExpr, parseNumberLiteral } from './expr.js';
import { dequote, type Parser } from './parser.js';
import { stringValue } from './literals.js';

/** `trans_opt`: [TRANSACTION [nm]] */
function parseTransOpt(p: Parser): void {
  if (p.accept(TK.TRANSACTION) && p.isNm(p.t)) p.nm();
}

export function parseBegin(p: Parser, start: number): BeginStmt {
  p.expect(TK.BEGIN);
  let mode: BeginStmt['mode'] = null;
  if (p.accept(TK.DEFERRED)) mode = 'DEFERRED';
  else if (p.accept(TK.IMMEDIATE)) mode = 'IMMEDIATE';
  else if (p.accept(TK.EXCLUSIVE)) mode = 'EXCLUSIVE';
  parseTransOpt(p);
  return { kind: 'Begin', mode, start, end: p.prevEnd };
}

/** COMMIT | END [TRANSACTION [nm]] */
export function parseCommit(p: Parser, start: number): CommitStmt {
  p.advance();
  parseTransOpt(p);
  return { kind: 'Commit', start, end: p.prevEnd };
}

/** ROLLBACK [TRANSACTION [nm]] [TO [SAVEPOINT] nm] */
export function parseRollback(p: Parser, start: number): RollbackStmt {
  p.expect(TK.ROLLBACK);
  parseTransOpt(p);
  let savepoint: string | null = null;
  if (p.accept(TK.TO)) {
    p.accept(TK.SAVEPOINT);
    savepoint = p.nm();
  }
  return { kind: 'Rollback', savepoint, start, end: p.prevEnd };
}

export function parseSavepoint(p: Parser, start: number): SavepointStmt {
  p.expect(TK.SAVEPOINT);
  return { kind: 'Savepoint', name: p.nm(), start, end: p.prevEnd };
}

export function parseRelease(p: Parser, start: number): ReleaseStmt {
  p.expect(TK.RELEASE);
  p.accept(TK.SAVEPOINT);
  return { kind: 'Release', name: p.nm(), start, end: p.prevEnd };
}

/**
 * PRAGMA [schema.]name [= value | (value)]. Value (`nmnum` / `minus_num`): a signed number is a
 * Literal, a string a Literal, a bare word (including ON, DELETE, DEFAULT) a ColumnExpr.
 */
export function parsePragma(p: Parser, start: number): PragmaStmt {
  p.expect(TK.PRAGMA);
  const [schema, name] = p.fullname();
  let value: Expr | null = null;
  if (p.accept(TK.EQ)) value = parsePragmaValue(p);
  else if (p.accept(TK.LP)) {
    value = parsePragmaValue(p);
    p.expect(TK.RP);
  }
  return { kind: 'Pragma', schema, name, value, start, end: p.prevEnd };
}

function parsePragmaValue(p: Parser): Expr {
  const start = p.start;
  const t = p.t;
  if (t === TK.PLUS || t === TK.MINUS) {
    p.advance();
    if (p.t !== TK.INTEGER && p.t !== TK.FLOAT) p.syntaxError();
    const lit = parseNumberLiteral(p);
    if (t === TK.PLUS) return { ...lit, start };
    const v = lit.value;
    const neg = typeof v === 'number' ? (v === 0 ? 0 : -v) : typeof v === 'bigint' ? -v : v instanceof Real ? negReal(v.value) : v;
    return { kind: 'Literal', value: neg, start, end: lit.end };
  }
  if (t === TK.INTEGER || t === TK.FLOAT) return parseNumberLiteral(p);
  if (t === TK.STRING) {
    const value = stringValue(p.text);
    p.advance();
    return { kind: 'Literal', value, start, end: p.prevEnd };
  }
  if (p.isNm(t) || t === TK.ON || t === TK.DELETE || t === TK.DEFAULT) {
    const raw = p.text;
    p.advance();
    return { kind: 'Column', schema: null, table: null, name: dequote(raw), quoted: raw.charCodeAt(0) === 34, start, end: p.prevEnd };
  }
  return p.syntaxError();
}

function negReal(v: number): SqlValue {
  return new Real(-v);
}

/** VACUUM [nm] [INTO expr] */
export function parseVacuum(p: Parser, start: number): VacuumStmt {
  p.expect(TK.VACUUM);
  let schema: string | null = null;
  if (p.t !== TK.INTO && p.isNm(p.t)) schema = p.nm();
  const into = p.accept(TK.INTO) ? parseExpr(p) : null;
  return { kind: 'Vacuum', schema, into, start, end: p.prevEnd };
}

/** ANALYZE [nm[.nm]] / REINDEX [nm[.nm]] */
export function parseAnalyzeOrReindex(p: Parser, start: number): AnalyzeStmt | ReindexStmt {
  const kind = p.t === TK.ANALYZE ? 'Analyze' : 'Reindex';
  p.advance();
  let schema: string | null = null;
  let target: string | null = null;
  if (p.isNm(p.t)) [schema, target] = p.fullname();
  return { kind, schema, target, start, end: p.prevEnd };
}

/** ATTACH [DATABASE] expr AS expr [KEY expr] */
export function parseAttach(p: Parser, start: number): AttachStmt {
  p.expect(TK.ATTACH);
  p.accept(TK.DATABASE);
  const expr = parseExpr(p);
  p.expect(TK.AS);
  const name = parseExpr(p);
  const key = p.accept(TK.KEY) ? parseExpr(p) : null;
  return { kind: 'Attach', expr, name, key, start, end: p.prevEnd };
}

/** DETACH [DATABASE] expr; `name` is the identifier or string given (else the expression's text). */
export function parseDetach(p: Parser, start: number): DetachStmt {
  p.expect(TK.DETACH);
  p.accept(TK.DATABASE);
  const e = parseExpr(p);
  let name: string;
  if (e.kind === 'Column' && e.table === null) name = e.name;
  else if (e.kind === 'Literal' && typeof e.value === 'string') name = e.value;
  else name = p.slice(e);
  return { kind: 'Detach', name, start, end: p.prevEnd };
}
