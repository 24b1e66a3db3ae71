/**
 * SQLite's tokenizer (src/tokenize.c), over UTF-16 char codes.
 *
 * Token classes follow SQLite: whitespace and comments are skipped; quoted identifiers (`"x"`,
 * `` `x` ``, `[x]`) are ID tokens; `'x'` is STRING; `x'AB'` is BLOB; numbers are INTEGER, FLOAT
 * or QNUMBER (with `_` digit separators, validated by the parser); `?`, `?NNN`, `:a`, `@a`, `$a`,
 * `#a` are VARIABLE; anything the tokenizer cannot classify (an unterminated quote, `!`, `12abc`,
 * `x'A'`) is ILLEGAL and becomes `unrecognized token: "..."` when the parser reaches it.
 *
 * Keywords are classified with SQLite's keyword list. Keywords on parse.y's `%fallback ID` list
 * may also be used as names; `FALLBACK_ID[type]` says which. WINDOW, OVER and FILTER are
 * context-sensitive exactly as in tokenize.c (analyzeWindowKeyword and friends).
 */

const TK_VALUES = {
  EOF: 0,
  SEMI: 1,
  LP: 2,
  RP: 3,
  COMMA: 4,
  DOT: 5,
  PLUS: 6,
  MINUS: 7,
  STAR: 8,
  SLASH: 9,
  REM: 10,
  EQ: 11,
  NE: 12,
  LT: 13,
  LE: 14,
  GT: 15,
  GE: 16,
  BITAND: 17,
  BITOR: 18,
  BITNOT: 19,
  LSHIFT: 20,
  RSHIFT: 21,
  CONCAT: 22,
  PTR: 23,
  ID: 24,
  STRING: 25,
  INTEGER: 26,
  FLOAT: 27,
  QNUMBER: 28,
  BLOB: 29,
  VARIABLE: 30,
  ILLEGAL: 31,
  // keywords
  ABORT: 40,
  ACTION: 41,
  ADD: 42,
  AFTER: 43,
  ALL: 44,
  ALTER: 45,
  ALWAYS: 46,
  ANALYZE: 47,
  AND: 48,
  AS: 49,
  ASC: 50,
  ATTACH: 51,
  AUTOINCR: 52,
  BEFORE: 53,
  BEGIN: 54,
  BETWEEN: 55,
  BY: 56,
  CASCADE: 57,
  CASE: 58,
  CAST: 59,
  CHECK: 60,
  COLLATE: 61,
  COLUMNKW: 62,
  COMMIT: 63,
  CONFLICT: 64,
  CONSTRAINT: 65,
  CREATE: 66,
  CTIME_KW: 67,
  CURRENT: 68,
  DATABASE: 69,
  DEFAULT: 70,
  DEFERRABLE: 71,
  DEFERRED: 72,
  DELETE: 73,
  DESC: 74,
  DETACH: 75,
  DISTINCT: 76,
  DO: 77,
  DROP: 78,
  EACH: 79,
  ELSE: 80,
  END: 81,
  ESCAPE: 82,
  EXCEPT: 83,
  EXCLUDE: 84,
  EXCLUSIVE: 85,
  EXISTS: 86,
  EXPLAIN: 87,
  FAIL: 88,
  FILTER: 89,
  FIRST: 90,
  FOLLOWING: 91,
  FOR: 92,
  FOREIGN: 93,
  FROM: 94,
  GENERATED: 95,
  GROUP: 96,
  GROUPS: 97,
  HAVING: 98,
  IF: 99,
  IGNORE: 100,
  IMMEDIATE: 101,
  IN: 102,
  INDEX: 103,
  INDEXED: 104,
  INITIALLY: 105,
  INSERT: 106,
  INSTEAD: 107,
  INTERSECT: 108,
  INTO: 109,
  IS: 110,
  ISNULL: 111,
  JOIN: 112,
  JOIN_KW: 113,
  KEY: 114,
  LAST: 115,
  LIKE_KW: 116,
  LIMIT: 117,
  MATCH: 118,
  MATERIALIZED: 119,
  NO: 120,
  NOT: 121,
  NOTHING: 122,
  NOTNULL: 123,
  NULL: 124,
  NULLS: 125,
  OF: 126,
  OFFSET: 127,
  ON: 128,
  OR: 129,
  ORDER: 130,
  OTHERS: 131,
  OVER: 132,
  PARTITION: 133,
  PLAN: 134,
  PRAGMA: 135,
  PRECEDING: 136,
  PRIMARY: 137,
  QUERY: 138,
  RAISE: 139,
  RANGE: 140,
  RECURSIVE: 141,
  REFERENCES: 142,
  REINDEX: 143,
  RELEASE: 144,
  RENAME: 145,
  REPLACE: 146,
  RESTRICT: 147,
  RETURNING: 148,
  ROLLBACK: 149,
  ROW: 150,
  ROWS: 151,
  SAVEPOINT: 152,
  SELECT: 153,
  SET: 154,
  TABLE: 155,
  TEMP: 156,
  THEN: 157,
  TIES: 158,
  TO: 159,
  TRANSACTION: 160,
  TRIGGER: 161,
  UNBOUNDED: 162,
  UNION: 163,
  UNIQUE: 164,
  UPDATE: 165,
  USING: 166,
  VACUUM: 167,
  VALUES: 168,
  VIEW: 169,
  VIRTUAL: 170,
  WHEN: 171,
  WHERE: 172,
  WINDOW: 173,
  WITH: 174,
  WITHOUT: 175,
} as const;

/**
 * Token types. Keywords come after `FIRST_KEYWORD`. Typed as plain numbers so that comparisons
 * against the parser's current token do not narrow it.
 */
export const TK: { readonly [K in keyof typeof TK_VALUES]: number } = TK_VALUES;

export type TokenType = number;
export const FIRST_KEYWORD = 40;
const TOKEN_TYPE_COUNT = 176;

/** Keyword spellings (lower case) -> token type; several spellings share a type as in SQLite. */
const KEYWORDS = new Map<string, TokenType>();
const TYPE_NAMES: string[] = [];
for (const [name, type] of Object.entries(TK)) TYPE_NAMES[type] = name;

function kw(type: TokenType, ...names: string[]): void {
  for (const n of names) KEYWORDS.set(n, type);
}
for (const [name, type] of Object.entries(TK)) {
  if (type >= FIRST_KEYWORD) kw(type, name.toLowerCase());
}
KEYWORDS.delete('autoincr');
KEYWORDS.delete('columnkw');
KEYWORDS.delete('ctime_kw');
KEYWORDS.delete('join_kw');
KEYWORDS.delete('like_kw');
kw(TK.AUTOINCR, 'autoincrement');
kw(TK.COLUMNKW, 'column');
kw(TK.CTIME_KW, 'current_date', 'current_time', 'current_timestamp');
kw(TK.JOIN_KW, 'cross', 'full', 'inner', 'left', 'natural', 'outer', 'right');
kw(TK.LIKE_KW, 'like', 'glob', 'regexp');
kw(TK.TEMP, 'temporary');

/** parse.y `%fallback ID ...`: keywords that become an identifier where the keyword cannot parse. */
export const FALLBACK_ID: readonly boolean[] = (() => {
  const f: boolean[] = new Array<boolean>(TOKEN_TYPE_COUNT).fill(false);
  const list = [
    TK.ABORT, TK.ACTION, TK.AFTER, TK.ANALYZE, TK.ASC, TK.ATTACH, TK.BEFORE, TK.BEGIN, TK.BY,
    TK.CASCADE, TK.CAST, TK.COLUMNKW, TK.CONFLICT, TK.DATABASE, TK.DEFERRED, TK.DESC, TK.DETACH,
    TK.DO, TK.EACH, TK.END, TK.EXCLUSIVE, TK.EXPLAIN, TK.FAIL, TK.FOR, TK.IGNORE, TK.IMMEDIATE,
    TK.INITIALLY, TK.INSTEAD, TK.LIKE_KW, TK.MATCH, TK.NO, TK.PLAN, TK.QUERY, TK.KEY, TK.OF,
    TK.OFFSET, TK.PRAGMA, TK.RAISE, TK.RECURSIVE, TK.RELEASE, TK.REPLACE, TK.RESTRICT, TK.ROW,
    TK.ROWS, TK.ROLLBACK, TK.SAVEPOINT, TK.TEMP, TK.TRIGGER, TK.VACUUM, TK.VIEW, TK.VIRTUAL,
    TK.WITH, TK.WITHOUT, TK.NULLS, TK.FIRST, TK.LAST, TK.CURRENT, TK.FOLLOWING, TK.PARTITION,
    TK.PRECEDING, TK.RANGE, TK.UNBOUNDED, TK.EXCLUDE, TK.GROUPS, TK.OTHERS, TK.TIES,
    TK.GENERATED, TK.ALWAYS, TK.MATERIALIZED, TK.REINDEX, TK.RENAME, TK.CTIME_KW, TK.IF,
  ];
  for (const t of list) f[t] = true;
  return f;
})();

export function tokenTypeName(type: TokenType): string {
  return TYPE_NAMES[type] ?? `#${type}`;
}

export function isKeyword(type: TokenType): boolean {
  return type >= FIRST_KEYWORD;
}

// Character classes ------------------------------------------------------------------------

/** IdChar(): letters, digits, `_`, `$`, and every non-ASCII code unit. */
export function isIdChar(c: number): boolean {
  return (
    (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 36 || c >= 0x80
  );
}
function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
export function isHexDigit(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
}
/** The tokenizer's CC_SPACE: space, \t, \n, \f, \r (not \v). */
function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13 && c !== 11);
}

const DIGIT_SEPARATOR = 95; // '_'

/**
 * A resumable tokenizer over one SQL string. `next()` returns the type of the next token after
 * whitespace and comments and sets `start`/`end`; at the end of input it returns EOF with
 * `start === end === sql.length`.
 */
export class Lexer {
  start = 0;
  end = 0;
  private pos: number;
  /** Type of the previously returned token, for OVER/FILTER disambiguation. */
  private last: TokenType = TK.EOF;

  constructor(readonly sql: string, pos = 0) {
    this.pos = pos;
  }

  next(): TokenType {
    const sql = this.sql;
    for (;;) {
      const p = this.pos;
      if (p >= sql.length) {
        this.start = this.end = sql.length;
        this.last = TK.EOF;
        return TK.EOF;
      }
      const r = scanToken(sql, p);
      const type = scanType;
      this.pos = r;
      if (type < 0) continue; // whitespace or comment
      this.start = p;
      this.end = r;
      let t = type;
      if (t === TK.WINDOW) t = analyzeWindowKeyword(sql, r);
      else if (t === TK.OVER) t = analyzeOverKeyword(sql, r, this.last);
      else if (t === TK.FILTER) t = analyzeFilterKeyword(sql, r, this.last);
      this.last = t;
      return t;
    }
  }
}

/** Result type of the last scanToken call (-1 for whitespace/comment). */
let scanType: number = TK.EOF;

/** Scans one token starting at `p`; returns its end and sets `scanType`. Assumes p < sql.length. */
function scanToken(sql: string, p: number): number {
  const n = sql.length;
  const c = sql.charCodeAt(p);
  const c1 = p + 1 < n ? sql.charCodeAt(p + 1) : 0;
  switch (c) {
    case 32:
    case 9:
    case 10:
    case 12:
    case 13: {
      let i = p + 1;
      while (i < n && isSpace(sql.charCodeAt(i))) i++;
      scanType = -1;
      return i;
    }
    case 45: // -
      if (c1 === 45) {
        let i = p + 2;
        while (i < n && sql.charCodeAt(i) !== 10) i++;
        scanType = -1;
        return i;
      }
      if (c1 === 62) {
        scanType = TK.PTR;
        return p + 2 + (p + 2 < n && sql.charCodeAt(p + 2) === 62 ? 1 : 0);
      }
      scanType = TK.MINUS;
      return p + 1;
    case 40:
      scanType = TK.LP;
      return p + 1;
    case 41:
      scanType = TK.RP;
      return p + 1;
    case 59:
      scanType = TK.SEMI;
      return p + 1;
    case 43:
      scanType = TK.PLUS;
      return p + 1;
    case 42:
      scanType = TK.STAR;
      return p + 1;
    case 47: // /
      if (c1 === 42) {
        let i = p + 2;
        while (i < n && !(sql.charCodeAt(i) === 42 && i + 1 < n && sql.charCodeAt(i + 1) === 47)) i++;
        scanType = -1;
        return i < n ? i + 2 : n;
      }
      scanType = TK.SLASH;
      return p + 1;
    case 37:
      scanType = TK.REM;
      return p + 1;
    case 61:
      scanType = TK.EQ;
      return p + (c1 === 61 ? 2 : 1);
    case 60: // <
      if (c1 === 61) {
        scanType = TK.LE;
        return p + 2;
      }
      if (c1 === 62) {
        scanType = TK.NE;
        return p + 2;
      }
      if (c1 === 60) {
        scanType = TK.LSHIFT;
        return p + 2;
      }
      scanType = TK.LT;
      return p + 1;
    case 62: // >
      if (c1 === 61) {
        scanType = TK.GE;
        return p + 2;
      }
      if (c1 === 62) {
        scanType = TK.RSHIFT;
        return p + 2;
      }
      scanType = TK.GT;
      return p + 1;
    case 33: // !
      if (c1 !== 61) {
        scanType = TK.ILLEGAL;
        return p + 1;
      }
      scanType = TK.NE;
      return p + 2;
    case 124: // |
      if (c1 !== 124) {
        scanType = TK.BITOR;
        return p + 1;
      }
      scanType = TK.CONCAT;
      return p + 2;
    case 44:
      scanType = TK.COMMA;
      return p + 1;
    case 38:
      scanType = TK.BITAND;
      return p + 1;
    case 126:
      scanType = TK.BITNOT;
      return p + 1;
    case 39: // '
    case 34: // "
    case 96: {
      // `
      let i = p + 1;
      let closed = false;
      while (i < n) {
        const d = sql.charCodeAt(i);
        if (d === c) {
          if (i + 1 < n && sql.charCodeAt(i + 1) === c) i += 2;
          else {
            closed = true;
            break;
          }
        } else i++;
      }
      if (!closed) {
        scanType = TK.ILLEGAL;
        return n;
      }
      scanType = c === 39 ? TK.STRING : TK.ID;
      return i + 1;
    }
    case 46: // .
      if (!isDigit(c1)) {
        scanType = TK.DOT;
        return p + 1;
      }
      return scanNumber(sql, p);
    case 91: {
      // [
      let i = p + 1;
      while (i < n && sql.charCodeAt(i) !== 93) i++;
      if (i >= n) {
        scanType = TK.ILLEGAL;
        return n;
      }
      scanType = TK.ID;
      return i + 1;
    }
    case 63: {
      // ?
      let i = p + 1;
      while (i < n && isDigit(sql.charCodeAt(i))) i++;
      scanType = TK.VARIABLE;
      return i;
    }
    case 36: // $
    case 64: // @
    case 58: // :
    case 35: {
      // #
      let i = p + 1;
      while (i < n && isIdChar(sql.charCodeAt(i))) i++;
      scanType = i === p + 1 ? TK.ILLEGAL : TK.VARIABLE;
      return i;
    }
    case 120: // x
    case 88: // X
      if (c1 === 39) {
        let i = p + 2;
        while (i < n && isHexDigit(sql.charCodeAt(i))) i++;
        if (i >= n || sql.charCodeAt(i) !== 39 || (i - p) % 2 !== 0) {
          scanType = TK.ILLEGAL;
          while (i < n && sql.charCodeAt(i) !== 39) i++;
        } else scanType = TK.BLOB;
        return i < n ? i + 1 : n;
      }
      return scanIdentifier(sql, p);
    default:
      if (isDigit(c)) return scanNumber(sql, p);
      if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c >= 0x80) return scanIdentifier(sql, p);
      scanType = TK.ILLEGAL;
      return p + 1;
  }
}

function scanIdentifier(sql: string, p: number): number {
  const n = sql.length;
  let i = p + 1;
  while (i < n && isIdChar(sql.charCodeAt(i))) i++;
  const len = i - p;
  scanType = TK.ID;
  if (len >= 2 && len <= 17) {
    const t = KEYWORDS.get(sql.slice(p, i).toLowerCase());
    if (t !== undefined) scanType = t;
  }
  return i;
}

function scanNumber(sql: string, p: number): number {
  const n = sql.length;
  let type: number = TK.INTEGER;
  let i = p;
  const ch = (k: number): number => (k < n ? sql.charCodeAt(k) : 0);
  if (ch(p) === 48 && (ch(p + 1) === 120 || ch(p + 1) === 88) && isHexDigit(ch(p + 2))) {
    for (i = p + 3; ; i++) {
      const d = ch(i);
      if (!isHexDigit(d)) {
        if (d === DIGIT_SEPARATOR) type = TK.QNUMBER;
        else break;
      }
    }
  } else {
    for (; ; i++) {
      const d = ch(i);
      if (!isDigit(d)) {
        if (d === DIGIT_SEPARATOR) type = TK.QNUMBER;
        else break;
      }
    }
    if (ch(i) === 46) {
      if (type === TK.INTEGER) type = TK.FLOAT;
      for (i++; ; i++) {
        const d = ch(i);
        if (!isDigit(d)) {
          if (d === DIGIT_SEPARATOR) type = TK.QNUMBER;
          else break;
        }
      }
    }
    const e = ch(i);
    if (
      (e === 101 || e === 69) &&
      (isDigit(ch(i + 1)) || ((ch(i + 1) === 43 || ch(i + 1) === 45) && isDigit(ch(i + 2))))
    ) {
      if (type === TK.INTEGER) type = TK.FLOAT;
      for (i += 2; ; i++) {
        const d = ch(i);
        if (!isDigit(d)) {
          if (d === DIGIT_SEPARATOR) type = TK.QNUMBER;
          else break;
        }
      }
    }
  }
  while (i < n && isIdChar(sql.charCodeAt(i))) {
    type = TK.ILLEGAL;
    i++;
  }
  scanType = type;
  return i;
}

/** tokenize.c getToken(): the next token's type, with every name-like token reported as ID. */
function peekNameLike(sql: string, p: number): { type: TokenType; end: number } {
  const n = sql.length;
  for (;;) {
    if (p >= n) return { type: TK.EOF, end: n };
    const r = scanToken(sql, p);
    const t = scanType;
    p = r;
    if (t < 0) continue;
    if (t === TK.ID || t === TK.STRING || t === TK.JOIN_KW || t === TK.WINDOW || t === TK.OVER || FALLBACK_ID[t]) {
      return { type: TK.ID, end: r };
    }
    return { type: t, end: r };
  }
}

function analyzeWindowKeyword(sql: string, p: number): TokenType {
  const a = peekNameLike(sql, p);
  if (a.type !== TK.ID) return TK.ID;
  const b = peekNameLike(sql, a.end);
  return b.type === TK.AS ? TK.WINDOW : TK.ID;
}

function analyzeOverKeyword(sql: string, p: number, last: TokenType): TokenType {
  if (last === TK.RP) {
    const t = peekNameLike(sql, p).type;
    if (t === TK.LP || t === TK.ID) return TK.OVER;
  }
  return TK.ID;
}

function analyzeFilterKeyword(sql: string, p: number, last: TokenType): TokenType {
  if (last === TK.RP && peekNameLike(sql, p).type === TK.LP) return TK.FILTER;
  return TK.ID;
}

/** One token of `tokenize()`: its type and its half-open range in the source. */
export interface Token {
  readonly type: TokenType;
  readonly start: number;
  readonly end: number;
}

/**
 * Splits `sql` into tokens (whitespace and comments dropped, ILLEGAL tokens kept).
 *
 * @example tokenize('SELECT "a" FROM t') // [{type: TK.SELECT, start: 0, end: 6}, {type: TK.ID, ...}, ...]
 */
export function tokenize(sql: string): Token[] {
  const lx = new Lexer(sql);
  const out: Token[] = [];
  for (;;) {
    const type = lx.next();
    if (type === TK.EOF) return out;
    out.push({ type, start: lx.start, end: lx.end });
  }
}
