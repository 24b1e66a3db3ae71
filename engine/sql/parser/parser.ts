/**
 * Parser state shared by the grammar files: a token buffer over the lexer, lookahead, SQLite's
 * error messages, host-parameter numbering, and the name rules of parse.y (`nm`, `ids`, `idj`).
 *
 * Errors follow sqlite3RunParser: an ILLEGAL token is reported as `unrecognized token` when the
 * parser reaches it; an unexpected token as `near "X": syntax error`; an unexpected end of input
 * as `incomplete input`. Errors that SQLite raises only after the statement has been parsed
 * (`hex literal too big`, `unsupported use of NULLS FIRST`) are deferred until then.
 */
import { SqliteError } from '../../common/errors.js';
import { FALLBACK_ID, Lexer, TK, type TokenType } from '../lexer.js';
import type { Span } from '../ast.js';

/** SQLITE_MAX_VARIABLE_NUMBER in the better-sqlite3 build. */
export const MAX_VARIABLE_NUMBER = 32766;
/**
 * Nesting guard, the counterpart of SQLite's parser stack limit ("Recursion limit", which SQLite
 * reaches at about 2500 nested parentheses). One level is one nested expression or SELECT; the
 * bound is lower than SQLite's so that the JS stack never overflows first (a RangeError from a
 * deeper call chain is still reported as "Recursion limit" by parseStatement).
 */
const MAX_DEPTH = 2000;

export class Parser {
  readonly sql: string;
  private readonly lexer: Lexer;
  private readonly types: TokenType[] = [];
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];
  private i = 0;
  /** End offset of the last consumed token. */
  prevEnd = 0;

  /** Highest parameter slot used so far (SQLite's pParse->nVar). */
  nVar = 0;
  /** Parameter names by slot (null for anonymous `?`). */
  readonly paramNames: (string | null)[] = [];
  private readonly paramSlots = new Map<string, number>();

  private deferred: string | null = null;
  /** An error SQLite raises when a rule is reduced: reported once a valid next token arrives. */
  private pending: string | null = null;
  depth = 0;
  /** True while parsing a trigger body (changes INDEXED BY errors). */
  inTrigger = false;

  constructor(sql: string, start: number) {
    this.sql = sql;
    this.lexer = new Lexer(sql, start);
    this.fill(0);
  }

  private fill(k: number): void {
    while (this.types.length <= this.i + k) {
      const t = this.lexer.next();
      this.types.push(t);
      this.starts.push(this.lexer.start);
      this.ends.push(this.lexer.end);
    }
  }

  /** Type of the current token; an ILLEGAL token is reported here. */
  get t(): TokenType {
    const t = this.types[this.i];
    if (t === TK.ILLEGAL) this.unrecognized();
    return t;
  }

  /** Type of the token `k` positions ahead (no ILLEGAL check). */
  peek(k: number): TokenType {
    this.fill(k);
    return this.types[this.i + k];
  }

  get start(): number {
    return this.starts[this.i];
  }
  get end(): number {
    return this.ends[this.i];
  }
  peekStart(k: number): number {
    this.fill(k);
    return this.starts[this.i + k];
  }
  peekEnd(k: number): number {
    this.fill(k);
    return this.ends[this.i + k];
  }

  /** Source text of the current token. */
  get text(): string {
    return this.sql.slice(this.starts[this.i], this.ends[this.i]);
  }

  peekText(k: number): string {
    this.fill(k);
    return this.sql.slice(this.starts[this.i + k], this.ends[this.i + k]);
  }

  advance(): void {
    if (this.pending !== null) this.error(this.pending);
    this.prevEnd = this.ends[this.i];
    this.i++;
    this.fill(0);
  }

  /** Consumes the current token if it has type `type`. */
  accept(type: TokenType): boolean {
    if (this.t === type) {
      this.advance();
      return true;
    }
    return false;
  }

  expect(type: TokenType): void {
    if (this.t !== type) this.syntaxError();
    this.advance();
  }

  /** Is the current token the plain identifier `word` (case-insensitive)? */
  isWord(word: string, k = 0): boolean {
    const t = k === 0 ? this.t : this.peek(k);
    if (t !== TK.ID) return false;
    const s = this.starts[this.i + k];
    const e = this.ends[this.i + k];
    return e - s === word.length && this.sql.slice(s, e).toUpperCase() === word;
  }

  /** Error at the current token, as SQLite's parser reports it. */
  syntaxError(): never {
    const t = this.t;
    if (t === TK.EOF) throw new SqliteError('incomplete input', 'SQLITE_ERROR');
    throw new SqliteError(`near "${this.text}": syntax error`, 'SQLITE_ERROR');
  }

  private unrecognized(): never {
    throw new SqliteError(
      `unrecognized token: "${this.sql.slice(this.starts[this.i], this.ends[this.i])}"`,
      'SQLITE_ERROR',
    );
  }

  error(message: string): never {
    throw new SqliteError(message, 'SQLITE_ERROR');
  }

  /**
   * Records an error that SQLite raises when it reduces a grammar rule. LALR reduces on a valid
   * lookahead only, so a syntax error at the next token wins; the error is thrown when the next
   * token is consumed or the statement ends.
   */
  reduceError(message: string): void {
    if (this.pending === null) this.pending = message;
  }

  /** Throws a pending reduce-time error (at the end of a statement). */
  throwPending(): void {
    if (this.pending !== null) this.error(this.pending);
  }

  /** Records an error SQLite raises after parsing; only the first is kept. */
  defer(message: string): void {
    if (this.deferred === null) this.deferred = message;
  }

  /** Rewrites a deferred message (a hex literal turned out to be negated). */
  replaceDeferred(from: string, to: string): void {
    if (this.deferred === from) this.deferred = to;
  }

  throwDeferred(): void {
    if (this.deferred !== null) this.error(this.deferred);
  }

  enter(): void {
    if (++this.depth > MAX_DEPTH) this.error('Recursion limit');
  }
  leave(): void {
    this.depth--;
  }

  // Names ------------------------------------------------------------------------------------

  /** parse.y `nm`: ID | STRING | INDEXED | JOIN_KW, plus fallback keywords. */
  isNm(t: TokenType): boolean {
    return t === TK.ID || t === TK.STRING || t === TK.INDEXED || t === TK.JOIN_KW || FALLBACK_ID[t];
  }
  /** `ids`: ID | STRING, plus fallback keywords. */
  isIds(t: TokenType): boolean {
    return t === TK.ID || t === TK.STRING || FALLBACK_ID[t];
  }
  /** `idj`: ID | INDEXED | JOIN_KW, plus fallback keywords. */
  isIdj(t: TokenType): boolean {
    return t === TK.ID || t === TK.INDEXED || t === TK.JOIN_KW || FALLBACK_ID[t];
  }
  /** `id`: ID | INDEXED, plus fallback keywords. */
  isId(t: TokenType): boolean {
    return t === TK.ID || t === TK.INDEXED || FALLBACK_ID[t];
  }

  /** Parses `nm` and returns the dequoted name. */
  nm(): string {
    if (!this.isNm(this.t)) this.syntaxError();
    const s = dequote(this.text);
    this.advance();
    return s;
  }

  /** Parses `ids` and returns the dequoted name. */
  ids(): string {
    if (!this.isIds(this.t)) this.syntaxError();
    const s = dequote(this.text);
    this.advance();
    return s;
  }

  /** `nm [DOT nm]` -> [schema, name]. */
  fullname(): [string | null, string] {
    const a = this.nm();
    if (this.t === TK.DOT) {
      this.advance();
      return [a, this.nm()];
    }
    return [null, a];
  }

  /** `LP nm, ... RP` */
  idlist(): string[] {
    const out: string[] = [];
    this.expect(TK.LP);
    for (;;) {
      out.push(this.nm());
      if (!this.accept(TK.COMMA)) break;
    }
    this.expect(TK.RP);
    return out;
  }

  // Parameters -------------------------------------------------------------------------------

  /** sqlite3ExprAssignVarNumber: the slot of a VARIABLE token with spelling `z`. */
  assignVariable(z: string): number {
    let x: number;
    if (z.length === 1) {
      x = ++this.nVar;
      this.paramNames[x] = null;
    } else if (z.charCodeAt(0) === 63) {
      const digits = z.slice(1);
      const i = digits.length > 12 ? Infinity : Number(digits);
      if (!(i >= 1 && i <= MAX_VARIABLE_NUMBER)) {
        this.reduceError(`variable number must be between ?1 and ?${MAX_VARIABLE_NUMBER}`);
        return 0;
      }
      x = i;
      if (x > this.nVar) this.nVar = x;
      if (this.paramNames[x] == null) {
        this.paramNames[x] = z;
        if (!this.paramSlots.has(z)) this.paramSlots.set(z, x);
      }
    } else {
      const found = this.paramSlots.get(z);
      if (found !== undefined) x = found;
      else {
        x = ++this.nVar;
        this.paramSlots.set(z, x);
        this.paramNames[x] = z;
      }
    }
    if (x > MAX_VARIABLE_NUMBER) this.reduceError('too many SQL variables');
    return x;
  }

  /** Source text of a span. */
  slice(span: Span): string {
    return this.sql.slice(span.start, span.end);
  }
}

/** sqlite3Dequote: strips '...', "...", `...` (doubling escapes) and [...]. */
export function dequote(s: string): string {
  const q = s.charCodeAt(0);
  if (q === 39 || q === 34 || q === 96) {
    const inner = s.slice(1, -1);
    const qc = s[0];
    return inner.indexOf(qc) < 0 ? inner : inner.split(qc + qc).join(qc);
  }
  if (q === 91) return s.slice(1, -1);
  return s;
}

/** sqlite3Isspace: space, \t, \n, \v, \f, \r. */
export function isSqlSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

/** sqlite3DbSpanDup: the text between two offsets with surrounding whitespace removed. */
export function spanText(sql: string, start: number, end: number): string {
  while (start < end && isSqlSpace(sql.charCodeAt(start))) start++;
  while (end > start && isSqlSpace(sql.charCodeAt(end - 1))) end--;
  return sql.slice(start, end);
}
