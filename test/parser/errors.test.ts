import { afterAll, describe, expect, it } from 'vitest';
import { SqliteError } from '../../engine/common/errors.js';
import { parseStatement, tokenize } from '../../engine/sql/parser/index.js';
import { oracleDb, oracleError } from './oracle.js';

const db = oracleDb();
afterAll(() => db.close());

/** Statements whose only problem is detected by SQLite's tokenizer or parser. */
export const INVALID: string[] = [
  'SELECT',
  'SELECT 1 +',
  'SELECT 1 +;',
  'SELECT * FROM',
  'SELECT * FORM t',
  'SELECT a FORM t',
  'SELECT a, FROM t',
  'SELECT a FROM t WHERE',
  'SELECT a FROM t WHERE a = = 1',
  'SELECT (1',
  'SELECT (1, 2',
  'SELECT f(1,)',
  'SELECT cast FROM t',
  'SELECT CAST(a) FROM t',
  'SELECT CASE END',
  'SELECT CASE a END',
  'SELECT CASE WHEN 1 THEN 2',
  "SELECT 'abc",
  'SELECT "abc',
  'SELECT [abc',
  'SELECT `abc',
  'SELECT !',
  'SELECT 1 ! 2',
  'SELECT #1',
  'SELECT 12abc',
  'SELECT 1__0',
  'SELECT 1_',
  'SELECT 1e_5',
  'SELECT 0x',
  'SELECT 0x_1',
  'SELECT 0xg',
  'SELECT 1e+',
  'SELECT 1.5e',
  "SELECT x'a'",
  "SELECT x'gg'",
  "SELECT x'abc'",
  "SELECT x'ab",
  'SELECT ?0',
  'SELECT ?32767',
  'SELECT ?99999999999999999999',
  'SELECT $',
  'SELECT @',
  'SELECT :',
  'SELECT 0x10000000000000000',
  'SELECT -0x10000000000000000',
  'SELECT 1 ORDER BY 1 UNION SELECT 2',
  'SELECT 1 LIMIT 1 UNION SELECT 2 LIMIT 1 EXCEPT SELECT 3',
  'SELECT 1 LIMIT 1 UNION ALL SELECT 2',
  'SELECT 1 UNION VALUES(2) ORDER BY 1',
  'VALUES(1) ORDER BY 1',
  'VALUES (1, 2), (3)',
  'SELECT a FROM t LEFT foo JOIN u',
  'SELECT a FROM t LEFT INNER JOIN u',
  'SELECT a FROM t OUTER JOIN u',
  'SELECT a FROM t NATURAL CROSS OUTER JOIN u',
  'SELECT a FROM t ON 1',
  'SELECT a FROM t USING (a)',
  'SELECT a FROM t JOIN',
  'SELECT a FROM t LEFT',
  'SELECT sum(a) OVER (ROWS UNBOUNDED FOLLOWING) FROM t',
  'SELECT sum(a) OVER (ROWS 1 FOLLOWING) FROM t',
  'SELECT sum(a) OVER (ROWS BETWEEN CURRENT ROW AND 1 PRECEDING) FROM t',
  'SELECT sum(a) OVER (ROWS BETWEEN 1 FOLLOWING AND CURRENT ROW) FROM t',
  'SELECT sum(a) OVER (ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED PRECEDING) FROM t',
  'SELECT sum(a) OVER (ROWS BETWEEN 1 PRECEDING) FROM t',
  'SELECT sum(a) OVER (ORDER BY a EXCLUDE) FROM t',
  'SELECT sum(a) OVER (ROWS CURRENT ROW EXCLUDE SOMETHING) FROM t',
  'SELECT sum(a) FILTER (a > 1) FROM t',
  'SELECT a FROM t WHERE a IS DISTINCT b',
  'SELECT a FROM t WHERE a NOT',
  'SELECT a FROM t WHERE a BETWEEN 1',
  'SELECT a FROM t GROUP a',
  'SELECT a FROM t ORDER a',
  'SELECT a FROM t ORDER BY a NULLS',
  'SELECT a FROM t LIMIT',
  'SELECT * FROM (SELECT 1',
  'SELECT * FROM t AS',
  'SELECT t. FROM t',
  'SELECT RAISE(FOO)',
  'SELECT EXISTS 1',
  'WITH x AS SELECT 1 SELECT 1',
  'WITH x(a COLLATE nocase) AS (SELECT 1) SELECT 1',
  'WITH x(a DESC) AS (SELECT 1) SELECT 1',
  'WITH x AS (SELECT 1) CREATE TABLE y(a)',
  'INSERT INTO t',
  'INSERT INTO t VALUES',
  'INSERT INTO t VALUES (1, 2',
  'INSERT t VALUES (1)',
  'INSERT OR FOO INTO t VALUES (1)',
  'INSERT INTO t (a,) VALUES (1)',
  'INSERT INTO t DEFAULT VALUES ON CONFLICT DO NOTHING',
  'INSERT INTO t SELECT * FROM u ON CONFLICT DO NOTHING',
  'INSERT INTO t VALUES (1) ON CONFLICT DO NOTHING ON CONFLICT DO NOTHING',
  'INSERT INTO t VALUES (1) ON CONFLICT (a) DO',
  'INSERT INTO t VALUES (1) ON CONFLICT (a) DO UPDATE b = 1',
  'INSERT INTO t VALUES (1) RETURNING',
  'UPDATE t SET',
  'UPDATE t SET a',
  'UPDATE t SET a = 1,',
  'UPDATE t a = 1',
  'UPDATE t SET t.a = 1',
  'DELETE t',
  'DELETE FROM',
  'DELETE FROM t WHERE',
  'CREATE TABLE',
  'CREATE TABLE x',
  'CREATE TABLE x(',
  'CREATE TABLE x()',
  'CREATE TABLE x(a,)',
  'CREATE TABLE x(a int,)',
  'CREATE TABLE x(a) foo',
  'CREATE TABLE x(a) WITHOUT foo',
  'CREATE TABLE x(a) WITHOUT "rowid"',
  'CREATE TABLE x(a) STRICT,',
  'CREATE TABLE x(a varchar(10, 20, 30))',
  'CREATE TABLE x(a varchar(x))',
  'CREATE TABLE x(a DEFAULT)',
  'CREATE TABLE x(a DEFAULT -abc)',
  'CREATE TABLE x(a DEFAULT 1 + 2)',
  'CREATE TABLE x(a PRIMARY)',
  'CREATE TABLE x(a PRIMARY KEY ON CONFLICT)',
  'CREATE TABLE x(a PRIMARY KEY ON CONFLICT FOO)',
  'CREATE TABLE x(a REFERENCES)',
  'CREATE TABLE x(a REFERENCES y ON DELETE)',
  'CREATE TABLE x(a REFERENCES y ON DELETE SET)',
  'CREATE TABLE x(a REFERENCES y ON FOO CASCADE)',
  'CREATE TABLE x(a REFERENCES y (b DESC))',
  'CREATE TABLE x(a CHECK a > 0)',
  'CREATE TABLE x(a, CHECK (a > 0)',
  'CREATE TABLE x(a, b AS (a) FOO)',
  'CREATE TABLE x(a, FOREIGN KEY a REFERENCES y)',
  'CREATE TABLE x(a, PRIMARY KEY a)',
  'CREATE TABLE x(a, UNIQUE)',
  'CREATE TABLE x(a, CONSTRAINT)',
  'CREATE TABLE x(a, b c d e f, g(1))',
  'CREATE TABLE select(a)',
  'CREATE TABLE x(from)',
  'CREATE TABLE x AS',
  'CREATE TABLE x AS VALUES',
  'CREATE TEMP INDEX i ON t(a)',
  'CREATE INDEX i ON t',
  'CREATE INDEX i ON t()',
  'CREATE INDEX i t(a)',
  'CREATE INDEX i ON t(a) WHERE',
  'CREATE INDEX i ON t(a NULLS FIRST)',
  'CREATE UNIQUE TABLE x(a)',
  'CREATE VIEW v9',
  'CREATE VIEW v9 AS',
  'CREATE VIEW v9(a DESC) AS SELECT 1',
  'CREATE TRIGGER g',
  'CREATE TRIGGER g AFTER t BEGIN SELECT 1; END',
  'CREATE TRIGGER g AFTER INSERT ON t BEGIN END',
  'CREATE TRIGGER g AFTER INSERT ON t BEGIN SELECT 1 END',
  'CREATE TRIGGER g AFTER INSERT ON t BEGIN SELECT 1;',
  'CREATE TRIGGER g AFTER INSERT ON t BEGIN UPDATE u INDEXED BY ui SET a = 1; END',
  'CREATE TRIGGER g AFTER INSERT ON t BEGIN DELETE FROM u NOT INDEXED; END',
  'CREATE TRIGGER g AFTER INSERT ON t BEGIN INSERT INTO u DEFAULT VALUES; END',
  'CREATE TRIGGER g AFTER INSERT ON t BEGIN DELETE FROM u LIMIT 1; END',
  'CREATE TRIGGER g AFTER INSERT ON t BEGIN UPDATE u SET a = 1 RETURNING *; END',
  'CREATE TRIGGER g AFTER INSERT ON t BEGIN WITH x AS (SELECT 1) DELETE FROM u; END',
  'CREATE TRIGGER g INSTEAD INSERT ON t BEGIN SELECT 1; END',
  'CREATE VIRTUAL TABLE vt',
  'CREATE VIRTUAL TABLE vt USING fts5(a',
  'DROP',
  'DROP t',
  'DROP TABLE',
  'DROP TABLE IF t',
  'DROP COLUMN t',
  'ALTER t RENAME TO u',
  'ALTER TABLE t',
  'ALTER TABLE t RENAME',
  'ALTER TABLE t RENAME a',
  'ALTER TABLE t RENAME COLUMN TO b',
  'ALTER TABLE t ADD',
  'ALTER TABLE t DROP',
  'ALTER TABLE t MODIFY a',
  'BEGIN FOO',
  'BEGIN TRANSACTION a b',
  'COMMIT WORK',
  'ROLLBACK TO',
  'ROLLBACK SAVEPOINT x',
  'SAVEPOINT',
  'RELEASE',
  'RELEASE SAVEPOINT',
  'PRAGMA',
  'PRAGMA x =',
  'PRAGMA x = 1 + 1',
  'PRAGMA x(1',
  'PRAGMA x = -abc',
  'PRAGMA x.y.z',
  'VACUUM INTO',
  'VACUUM a b',
  'ANALYZE a.',
  'REINDEX a b',
  'ATTACH',
  "ATTACH 'x'",
  "ATTACH 'x' AS",
  'DETACH',
  'EXPLAIN',
  'EXPLAIN QUERY SELECT 1',
  'EXPLAIN EXPLAIN SELECT 1',
  'FOO',
  'SELECT 1 SELECT 2',
  '(SELECT 1)',
  'SELECT a FROM t WHERE a IN (SELECT 1',
  'SELECT a FROM t WHERE a IN t(',
  'SELECT count(* FROM t',
  'SELECT count(DISTINCT *) FROM t',
  'SELECT * FROM t WHERE a = 1 AND',
  'SELECT a.b.c.d FROM t',
  'SELECT * FROM t INDEXED',
  'SELECT * FROM t INDEXED BY',
  'SELECT * FROM t NOT',
  'SELECT 1 WINDOW w AS',
  'SELECT 1 WINDOW w AS (',
  'SELECT 1 FROM t WINDOW w AS (PARTITION a)',
  'SELECT max(a) OVER (PARTITION BY) FROM t',
  'SELECT a COLLATE FROM t',
  'SELECT a COLLATE 1 FROM t',
  'SELECT a -> FROM t',
  'SELECT ~',
  'SELECT NOT',
  'SELECT - FROM t',
  'SELECT a IS NOT DISTINCT b FROM t',
  'SELECT a NOT NULL NULL FROM t',
  'SELECT a LIKE b ESCAPE FROM t',
  'SELECT 1 FROM t GROUP BY a HAVING',
  'SELECT a b c FROM t',
  'SELECT 1 AS',
  'SELECT 1 AS select',
  'SELECT * FROM t WHERE a IN (1, 2) AS x',
];

function ourError(sql: string): string | null {
  try {
    parseStatement(sql, 0);
    return null;
  } catch (e) {
    expect(e).toBeInstanceOf(SqliteError);
    expect((e as SqliteError).code).toBe('SQLITE_ERROR');
    return (e as Error).message;
  }
}

describe('syntax errors match better-sqlite3', () => {
  for (const sql of INVALID) {
    it(sql, () => {
      const expected = oracleError(db, sql);
      expect(expected).not.toBeNull();
      expect(ourError(sql)).toBe(expected);
    });
  }
});

describe('parameter limits', () => {
  it('accepts 32766 parameters and rejects 32767', () => {
    const ok = 'SELECT ' + new Array(32766).fill('?').join(',');
    expect(parseStatement(ok, 0).paramCount).toBe(32766);
    const bad = 'SELECT ' + new Array(32767).fill('?').join(',');
    expect(ourError(bad)).toBe(oracleError(db, bad));
    expect(ourError(bad)).toBe('too many SQL variables');
  });
  it('?NNN bounds', () => {
    expect(parseStatement('SELECT ?32766', 0).paramCount).toBe(32766);
    expect(ourError('SELECT ?32767')).toBe('variable number must be between ?1 and ?32766');
  });
});

describe('pathological input fails cleanly', () => {
  it('deep nesting is a Recursion limit error, moderate nesting parses', () => {
    const nest = (n: number) => 'SELECT ' + '('.repeat(n) + '1' + ')'.repeat(n);
    expect(parseStatement(nest(500), 0).stmt).not.toBeNull();
    expect(ourError(nest(100000))).toBe('Recursion limit');
    expect(ourError(nest(100000))).toBe(oracleError(db, nest(100000)));
    const sub = 'SELECT ' + '(SELECT '.repeat(5000) + '1' + ')'.repeat(5000);
    expect(ourError(sub)).toBe('Recursion limit');
  });
  it('tokenize never throws', () => {
    expect(() => tokenize("SELECT 'x !# x'ab 12abc [unterminated")).not.toThrow();
  });
});
