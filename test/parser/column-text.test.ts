import { afterAll, describe, expect, it } from 'vitest';
import type { SelectStmt } from '../../engine/sql/ast.js';
import { parseStatement } from '../../engine/sql/parser/index.js';
import { oracleDb } from './oracle.js';

const db = oracleDb();
afterAll(() => db.close());

/** Un-aliased result expressions whose SQLite column name is their source text. */
const EXPRESSIONS = [
  'count(*)',
  'a+1',
  'a + 1',
  '"a"+1',
  'CAST(a AS TEXT)',
  'cast( a as  integer )',
  'a /* c */ + 1',
  'a -- line\n + 1',
  'a\n+\n1',
  'a\t*\t2',
  '-1',
  '- 1',
  "'x'",
  "'it''s'",
  "x'ab'",
  'NULL',
  '?',
  ':p',
  'a || b',
  "a->>'$.x'",
  "a -> '$.y'",
  '( a + b )',
  '(SELECT 1)',
  'EXISTS (SELECT 1)',
  'NOT EXISTS (SELECT 1 FROM u)',
  'CASE WHEN a THEN 1 END',
  'CASE a WHEN 1 THEN 2 ELSE 3 END',
  'a IS NULL',
  'a NOT NULL',
  'a ISNULL',
  'a IS NOT b',
  'a BETWEEN 1 AND 2',
  'a IN (1,2)',
  'a NOT IN (SELECT a FROM u)',
  'coalesce(a, b)',
  'abs(-a)',
  'max(a, b)',
  'upper( a )',
  'a   +   b',
  '"t"."a" + 0',
  't.a*2',
  '1.5e3',
  '0x10',
  '1_000',
  'CURRENT_TIMESTAMP',
  'current_date',
  'typeof(a)',
  'a COLLATE NOCASE',
  'count(DISTINCT a)',
  'row_number() OVER (ORDER BY a)',
  'sum(a) FILTER (WHERE b > 0)',
  'a < b',
  'NOT a',
  '~a',
  '+a',
  '(a, b) = (1, 2)',
  "a LIKE 'x%'",
  "json_extract(a, '$.x')",
  'group_concat(a ORDER BY b)',
  'iif(a, 1, 0)',
  'TRUE',
  'false',
  'a IS DISTINCT FROM b',
];

function columnNames(sql: string): string[] {
  return db.prepare(sql).columns().map((c) => c.name);
}

function texts(sql: string): string[] {
  const r = parseStatement(sql, 0);
  const s = r.stmt as SelectStmt;
  expect(s.kind).toBe('Select');
  const core = s.body.kind === 'SelectCore' ? s.body : null;
  expect(core).not.toBeNull();
  return core!.columns.map((c) => (c.kind === 'Expr' ? c.text : '*'));
}

describe('ResultColumn.text equals better-sqlite3 column names', () => {
  for (const e of EXPRESSIONS) {
    it(JSON.stringify(e), () => {
      for (const sql of [`SELECT ${e} FROM t`, `SELECT ${e} FROM t ;`, `SELECT ${e} , 1 FROM t`, `SELECT 1,${e} FROM t WHERE 1`]) {
        expect(texts(sql)).toEqual(columnNames(sql));
      }
    });
  }
  it('includes comments up to the next token, as SQLite does', () => {
    for (const sql of ['SELECT 1 /* abc', 'SELECT a+1 /* x */ FROM t', 'SELECT 2 -- tail', 'SELECT 3 /* a */ , 4']) {
      expect(texts(sql)).toEqual(columnNames(sql));
    }
  });
  it('is the source text for aliased and bare columns too', () => {
    expect(texts('SELECT t.a AS x, "b", c + 1 y FROM t')).toEqual(['t.a', '"b"', 'c + 1']);
  });
});
