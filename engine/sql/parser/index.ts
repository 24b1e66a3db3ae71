/**
 * The SQLite-dialect parser: SQL text -> AST (engine/sql/ast.ts).
 *
 * @example
 *   const { stmt, end } = parseStatement('SELECT 1; SELECT 2', 0); // stmt.kind === 'Select', end === 9
 *   const next = parseStatement(sql, end);                         // the second statement
 */
import { SqliteError } from '../../common/errors.js';
import type { Expr, Statement } from '../ast.js';
import { TK } from '../lexer.js';
import { parseExpr } from './expr.js';
import { Parser } from './parser.js';
import { parseCmd } from './statement.js';

export { tokenize, TK, tokenTypeName, FALLBACK_ID, type Token, type TokenType } from '../lexer.js';
export { MAX_VARIABLE_NUMBER } from './parser.js';

export interface ParseResult {
  /** The statement, or null when only whitespace, comments and `;` remain. */
  readonly stmt: Statement | null;
  /** Offset just past the statement's terminating `;`, or the end of the input. */
  readonly end: number;
  /** Number of host-parameter slots (sqlite3_bind_parameter_count). */
  readonly paramCount: number;
  /** Parameter name by slot (index 1..paramCount); null for `?` slots and unused `?NNN` gaps. */
  readonly paramNames: readonly (string | null)[];
}

/**
 * Parses the first statement at or after `start`, skipping whitespace, comments and empty `;`.
 * Throws SqliteError (SQLITE_ERROR) with SQLite's message on invalid SQL.
 *
 * @example parseStatement('  ;; SELECT ?, :a;', 0) // { stmt: Select, end: 18, paramCount: 2, ... }
 */
export function parseStatement(sql: string, start: number): ParseResult {
  try {
    return parseStatementAt(sql, start);
  } catch (e) {
    // a JS stack overflow on pathological nesting is SQLite's parser stack limit, not a crash
    if (e instanceof RangeError) throw new SqliteError('Recursion limit', 'SQLITE_ERROR');
    throw e;
  }
}

function parseStatementAt(sql: string, start: number): ParseResult {
  const p = new Parser(sql, start);
  while (p.t === TK.SEMI) p.advance();
  if (p.t === TK.EOF) return { stmt: null, end: sql.length, paramCount: 0, paramNames: [] };
  const stmt = parseCmd(p, true);
  let end: number;
  if (p.t === TK.SEMI) end = p.end;
  else if (p.t === TK.EOF) end = sql.length;
  else return p.syntaxError();
  p.throwPending();
  p.throwDeferred();
  const names: (string | null)[] = new Array<string | null>(p.nVar + 1).fill(null);
  for (let i = 1; i <= p.nVar; i++) names[i] = p.paramNames[i] ?? null;
  return { stmt, end, paramCount: p.nVar, paramNames: names };
}

/**
 * Parses a standalone expression (stored DEFAULT / CHECK / generated-column text).
 *
 * @example parseExpression("datetime('now')") // { kind: 'Function', name: 'datetime', ... }
 */
export function parseExpression(sql: string): Expr {
  try {
    return parseExpressionAt(sql);
  } catch (e) {
    if (e instanceof RangeError) throw new SqliteError('Recursion limit', 'SQLITE_ERROR');
    throw e;
  }
}

function parseExpressionAt(sql: string): Expr {
  const p = new Parser(sql, 0);
  if (p.t === TK.EOF) throw new SqliteError('incomplete input', 'SQLITE_ERROR');
  const e = parseExpr(p);
  if (p.t !== TK.EOF) p.syntaxError();
  p.throwPending();
  p.throwDeferred();
  return e;
}
