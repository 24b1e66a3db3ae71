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
  return `CREATE ${kind} ${sql.slice(nameStart(sql, start, end), end)}`;
}

const PLAIN = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Quotes an identifier when SQLite's identPut would (not a plain word, or a keyword). */
export function quoteIdent(name: string, isKeyword: (w: string) => boolean): string {
  if (PLAIN.test(name) && !isKeyword(name)) return name;
  return `"${name.replace(/"/g, '""')}"`;
}
