import { afterAll, describe, expect, it } from 'vitest';
import { parseStatement } from '../../engine/sql/parser/index.js';
import { GRAMMAR_STATEMENTS, ORM_STATEMENTS } from './corpus.js';
import { oracleDb, oracleError } from './oracle.js';

const db = oracleDb();
afterAll(() => db.close());

function checkValid(sql: string): void {
  // the corpus itself must be valid SQL for real SQLite
  expect(oracleError(db, sql)).toBeNull();
  const r = parseStatement(sql, 0);
  expect(r.stmt).not.toBeNull();
  // exactly one statement: nothing but whitespace, comments and ';' remains
  expect(parseStatement(sql, r.end).stmt).toBeNull();
}

describe('valid statements parse (and prepare in better-sqlite3)', () => {
  describe('ORM SQL (orm-requirements 3.1-3.4)', () => {
    for (const sql of ORM_STATEMENTS) it(sql.slice(0, 100), () => checkValid(sql));
  });
  describe('grammar corners', () => {
    for (const sql of GRAMMAR_STATEMENTS) it(sql.slice(0, 100), () => checkValid(sql));
  });
});

describe('multi-statement scanning', () => {
  it('walks a script statement by statement', () => {
    const sql = ' ;; SELECT 1; /* c */ CREATE TABLE x(a); CREATE TRIGGER g AFTER INSERT ON x BEGIN SELECT 1; SELECT 2; END; -- end\n';
    const kinds: string[] = [];
    let pos = 0;
    for (;;) {
      const r = parseStatement(sql, pos);
      if (r.stmt === null) break;
      kinds.push(r.stmt.kind);
      expect(sql[r.end - 1]).toBe(';');
      pos = r.end;
    }
    expect(kinds).toEqual(['Select', 'CreateTable', 'CreateTrigger']);
  });
  it('reports null for empty input and comments', () => {
    expect(parseStatement('', 0).stmt).toBeNull();
    expect(parseStatement('  -- x\n /* y */ ; ;', 0)).toMatchObject({ stmt: null, end: 19 });
    expect(parseStatement('/* unterminated', 0).stmt).toBeNull();
  });
  it('end is the end of input without a semicolon', () => {
    expect(parseStatement('SELECT 1 ', 0).end).toBe(9);
  });
});
