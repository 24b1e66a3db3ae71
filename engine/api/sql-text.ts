/**
 * Small lexical helpers over SQL text that the API layer needs without a parser:
 *  - `onlyCommentsRemain`: better-sqlite3's check that nothing but whitespace, `;` and comments
 *    follows the one statement given to `prepare()` (src/objects/statement.cpp);
 *  - `expandSql`: sqlite3_expanded_sql, the text handed to the `verbose` logger, with each
 *    parameter replaced by its bound value as an SQL literal.
 */
import { Real, type SqlValue } from '../common/value.js';

/** IS_SKIPPED in better-sqlite3: space, `;` and \t..\r. */
function isSkipped(c: number): boolean {
  return c === 32 || c === 59 || (c >= 9 && c <= 13);
}

export function onlyCommentsRemain(sql: string, from: number): boolean {
  const n = sql.length;
  let i = from;
  while (i < n) {
    const c = sql.charCodeAt(i);
    if (isSkipped(c)) {
      i++;
    } else if (c === 47 /* / */ && sql.charCodeAt(i + 1) === 42 /* * */) {
      const end = sql.indexOf('*/', i + 2);
      i = end < 0 ? n : end + 2;
    } else if (c === 45 /* - */ && sql.charCodeAt(i + 1) === 45) {
      const end = sql.indexOf('\n', i + 2);
      i = end < 0 ? n : end + 1;
    } else {
      return false;
    }
  }
  return true;
}

function isIdChar(c: number): boolean {
  return (
    (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 36 || c > 127
  );
}

/** A parameter token found in SQL text: its span and spelling. */
export interface ParameterToken {
  readonly start: number;
  readonly end: number;
  /** `?`, `?NNN`, `:name`, `@name` or `$name` */
  readonly text: string;
}

/**
 * Finds parameter tokens in `sql[from, to)`, skipping string literals, quoted identifiers and
 * comments.
 */
export function scanParameters(sql: string, from = 0, to = sql.length): ParameterToken[] {
  const out: ParameterToken[] = [];
  let i = from;
  while (i < to) {
    const c = sql.charCodeAt(i);
    if (c === 39 || c === 34 || c === 96) {
      // '...', "...", `...` with doubled-quote escapes
      i++;
      for (;;) {
        const j = sql.indexOf(String.fromCharCode(c), i);
        if (j < 0 || j >= to) {
          i = to;
          break;
        }
        if (sql.charCodeAt(j + 1) === c) {
          i = j + 2;
          continue;
        }
        i = j + 1;
        break;
      }
    } else if (c === 91 /* [ */) {
      const j = sql.indexOf(']', i + 1);
      i = j < 0 ? to : j + 1;
    } else if (c === 45 && sql.charCodeAt(i + 1) === 45) {
      const j = sql.indexOf('\n', i + 2);
      i = j < 0 ? to : j + 1;
    } else if (c === 47 && sql.charCodeAt(i + 1) === 42) {
      const j = sql.indexOf('*/', i + 2);
      i = j < 0 ? to : j + 2;
    } else if (c === 63 /* ? */) {
      let j = i + 1;
      while (j < to && sql.charCodeAt(j) >= 48 && sql.charCodeAt(j) <= 57) j++;
      out.push({ start: i, end: j, text: sql.slice(i, j) });
      i = j;
    } else if (c === 58 || c === 64 || c === 36) {
      // :name @name $name (a `$` inside an identifier was consumed with the identifier)
      let j = i + 1;
      while (j < to && isIdChar(sql.charCodeAt(j))) j++;
      if (j > i + 1) out.push({ start: i, end: j, text: sql.slice(i, j) });
      i = j;
    } else if (isIdChar(c)) {
      let j = i + 1;
      while (j < to && isIdChar(sql.charCodeAt(j))) j++;
      i = j;
    } else {
      i++;
    }
  }
  return out;
}

/** %!.15g as SQLite prints a REAL: always with a decimal point or exponent. */
export function formatReal(v: number): string {
  if (Number.isNaN(v)) return 'NULL';
  if (v === Infinity) return 'Inf';
  if (v === -Infinity) return '-Inf';
  let s = v.toPrecision(15);
  let exp = '';
  const e = s.indexOf('e');
  if (e >= 0) {
    exp = s.slice(e);
    s = s.slice(0, e);
  }
  if (s.includes('.')) s = s.replace(/0+$/, '').replace(/\.$/, '.0');
  else s += '.0';
  if (exp) {
    const sign = exp[1];
    const digits = exp.slice(2).padStart(2, '0');
    exp = `e${sign}${digits}`;
  }
  return s + exp;
}

export function sqlLiteral(v: SqlValue): string {
  if (v === null) return 'NULL';
  switch (typeof v) {
    case 'number':
      return Number.isSafeInteger(v) ? String(v) : formatReal(v);
    case 'bigint':
      return String(v);
    case 'string':
      return `'${v.replace(/'/g, "''")}'`;
    default:
      if (v instanceof Real) return formatReal(v.value);
      return `x'${Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex')}'`;
  }
}

/**
 * sqlite3_expanded_sql: `source` with each parameter replaced by the literal of its slot's value.
 * `names` are the statement's slot names (index slot-1).
 */
export function expandSql(source: string, names: readonly (string | null)[], params: readonly SqlValue[]): string {
  if (params.length === 0) return source;
  const tokens = scanParameters(source);
  if (tokens.length === 0) return source;
  let out = '';
  let last = 0;
  let next = 1;
  for (const t of tokens) {
    let slot: number;
    if (t.text === '?') slot = next;
    else if (t.text[0] === '?') slot = Number(t.text.slice(1));
    else slot = names.indexOf(t.text) + 1;
    next = slot + 1;
    out += source.slice(last, t.start);
    out += slot >= 1 && slot <= params.length ? sqlLiteral(params[slot - 1]) : t.text;
    last = t.end;
  }
  return out + source.slice(last);
}
