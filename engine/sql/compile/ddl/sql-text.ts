/**
 * The text SQLite stores in sqlite_schema.sql: the user's statement with its leading keywords
 * normalised (`CREATE TABLE`, `CREATE UNIQUE INDEX`, `CREATE VIEW`, `CREATE TRIGGER`), TEMP and
 * IF NOT EXISTS and the schema qualifier removed, everything from the object name on kept as
 * written. Also identifier quoting as SQLite's createTableStmt does it.
 */
import { tokenize } from '../../parser/index.js';

/** Start offset (in `sql`) of the object name of a CREATE statement spanning [start, end). */
export function nameStart(sql: string, start: number, end: number): number {
  const text = sql.slice(start, end);
  const toks = tokenize(text);
  let i = 0;
  const word = (k: number) => (k < toks.length ? text.slice(toks[k].start, toks[k].end).toUpperCase() : '');
  // (TEMP is also a schema name: `CREATE TABLE temp.t`)
  while (i < toks.length && ['CREATE', 'TEMP', 'TEMPORARY', 'UNIQUE', 'VIRTUAL', 'TABLE', 'INDEX', 'VIEW', 'TRIGGER'].includes(word(i)) && word(i + 1) !== '.') i++;
  if (word(i) === 'IF' && word(i + 1) === 'NOT' && word(i + 2) === 'EXISTS') i += 3;
  // schema.name: skip the qualifier
  if (word(i + 1) === '.') i += 2;
  return start + (i < toks.length ? toks[i].start : text.length);
}

export function storedSql(kind: 'TABLE' | 'INDEX' | 'UNIQUE INDEX' | 'VIEW' | 'TRIGGER' | 'VIRTUAL TABLE', sql: string, start: number, end: number): string {
  const from = nameStart(sql, start, end);
  // CREATE INDEX and CREATE VIEW keep what follows the last token up to the `;` (or the end of
  // the input): spaces and comments, from Parse.sLastToken; a view then drops trailing spaces
  if (kind === 'INDEX' || kind === 'UNIQUE INDEX') return `CREATE ${kind} ${sql.slice(from, statementTail(sql, end))}`;
  if (kind === 'VIEW') return `CREATE ${kind} ${sql.slice(from, statementTail(sql, end)).replace(/[ \t\n\f\r\v]+$/, '')}`;
  return `CREATE ${kind} ${sql.slice(from, end)}`;
}

/** The offset of the `;` ending a statement whose last token ends at `end` (or the input's end): spaces and comments are skipped. */
function statementTail(sql: string, end: number): number {
  let i = end;
  while (i < sql.length) {
    const c = sql[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\f' || c === '\r' || c === '\v') i++;
    else if (c === '-' && sql[i + 1] === '-') {
      while (i < sql.length && sql[i] !== '\n') i++;
    } else if (c === '/' && sql[i + 1] === '*') {
      const close = sql.indexOf('*/', i + 2);
      i = close < 0 ? sql.length : close + 2;
    } else break;
  }
  return i;
}

const PLAIN = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Quotes an identifier when SQLite's identPut would (not a plain word, or a keyword). */
export function quoteIdent(name: string, isKeyword: (w: string) => boolean): string {
  if (PLAIN.test(name) && !isKeyword(name)) return name;
  return `"${name.replace(/"/g, '""')}"`;
}
