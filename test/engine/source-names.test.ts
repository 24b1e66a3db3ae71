/**
 * The names a FROM source gives its columns, compared with real SQLite (better-sqlite3):
 * subqueries, views, CTEs and CREATE TABLE ... AS SELECT make duplicate names unique
 * (sqlite3ColumnsFromExprList's "name:N"); unnamed subqueries never collide with each other
 * (star expansion, USING); PRAGMA table_info of a view, also as pragma_table_info() and on a
 * second connection, with SQLite's view column types.
 */
import BS3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { Database } from '../../engine/api/index.js';

interface Stmt {
  columns(): { name: string }[];
  raw(on?: boolean): Stmt;
  all(...a: unknown[]): unknown[];
}
interface Db {
  exec(sql: string): unknown;
  prepare(sql: string): Stmt;
  close(): unknown;
}

const SETUP = `CREATE TABLE t (v, w INT); INSERT INTO t VALUES (5, 6), (7, 8);
  CREATE TABLE p (a, b INT, c VARCHAR(9), d BOOLEAN, e FLOAT, f BLOB, g DATETIME);
  CREATE VIEW dup AS SELECT 1 AS v, 2 AS v, 3 AS V;
  CREATE VIEW joined AS SELECT * FROM t, t AS u`;

/** Each query's column names and rows (or its error) on a fresh database of each engine. */
function outcomes(open: () => Db, queries: readonly string[]): unknown[] {
  return queries.map((q) => {
    const db = open();
    try {
      db.exec(SETUP);
      const parts = q.split(/;\s*(?=\S)/);
      for (const s of parts.slice(0, -1)) db.exec(s);
      const st = db.prepare(parts[parts.length - 1]);
      return { names: st.columns().map((c) => c.name), rows: st.raw(true).all() };
    } catch (e) {
      return `error: ${(e as { code?: string }).code} ${(e as Error).message}`;
    } finally {
      db.close();
    }
  });
}

function expectSame(queries: readonly string[]): void {
  const ours = outcomes(() => new Database(':memory:') as unknown as Db, queries);
  const sqlite = outcomes(() => new BS3(':memory:') as unknown as Db, queries);
  for (let i = 0; i < queries.length; i++) expect([queries[i], ours[i]]).toEqual([queries[i], sqlite[i]]);
}

describe('column names of FROM sources', () => {
  it('are made unique in subqueries, views, CTEs and CREATE TABLE AS', () => {
    expectSame([
      'SELECT * FROM (SELECT 1 AS v, 2 AS v)',
      'SELECT * FROM dup',
      'SELECT * FROM joined',
      'SELECT * FROM (SELECT * FROM t, t AS u)',
      'SELECT * FROM (SELECT 1 AS v, 2 AS v, 3 AS "v:1")',
      'SELECT * FROM (SELECT 1, 2, 3 AS "1")',
      'SELECT * FROM (SELECT 1 AS a, 2 AS a, 3 AS a, 4 AS a)',
      'SELECT * FROM (SELECT 1 AS "a:5", 2 AS "a:5")',
      'SELECT * FROM (SELECT 1 AS ":1", 2 AS ":1")',
      'SELECT * FROM (SELECT 1 AS "", 2 AS "")',
      'WITH c AS (SELECT 1 AS v, 2 AS v) SELECT * FROM c',
      'WITH c(a, a) AS (SELECT 1, 2) SELECT * FROM c',
      'CREATE VIEW w(a, A) AS SELECT 1, 2; SELECT * FROM w',
      'CREATE TABLE z AS SELECT 1 AS v, 2 AS v; SELECT * FROM z',
      "CREATE TABLE z AS SELECT * FROM t, t AS u; SELECT sql FROM sqlite_master WHERE name = 'z'",
      // the stored text: one line below SQLite's length threshold, a column per line above it
      `CREATE TABLE z AS SELECT 1 AS ${'a'.repeat(39)}; SELECT sql FROM sqlite_master WHERE name = 'z'`,
      `CREATE TABLE z AS SELECT 1 AS ${'a'.repeat(40)}; SELECT sql FROM sqlite_master WHERE name = 'z'`,
      `CREATE TABLE "z""é" AS SELECT 1 AS ${'a'.repeat(30)}; SELECT sql FROM sqlite_master WHERE name LIKE 'z%'`,
      // the unique names are the names: they can be referenced, the first keeps the plain one
      'SELECT v, "v:1", "V:2" FROM dup',
      'SELECT x.* FROM (SELECT 1 AS v, 2 AS V) AS x',
      'SELECT * FROM (SELECT t.v, u.v FROM t, t AS u) WHERE "v:1" = 7',
      'SELECT v FROM (SELECT 1 AS v, 2 AS v) GROUP BY "v:1"',
      // a result set read directly keeps duplicates
      'SELECT * FROM t, t AS u',
    ]);
  });

  it('of unnamed subqueries never collide (star, USING, NATURAL, outer joins)', () => {
    expectSame([
      'SELECT * FROM (SELECT 1 AS v UNION ALL SELECT 2), (SELECT 1 AS v)',
      'SELECT * FROM (SELECT 1 AS a) JOIN (SELECT 1 AS a) USING (a)',
      'SELECT * FROM (SELECT 1 AS a, 2 AS b) JOIN (SELECT 2 AS b) USING (b)',
      'SELECT * FROM (SELECT 1 AS a, 2 AS b) NATURAL JOIN (SELECT 2 AS b)',
      'SELECT * FROM (SELECT 1 AS a, 2 AS b) LEFT JOIN (SELECT 3 AS b) USING (b)',
      'SELECT * FROM (SELECT 1 AS a, 2 AS b) FULL JOIN (SELECT 3 AS b) USING (b) FULL JOIN (SELECT 2 AS b) USING (b)',
      'SELECT b FROM (SELECT 1 AS a, 2 AS b) RIGHT JOIN (SELECT 3 AS b) USING (b)',
      'SELECT * FROM (SELECT 1 AS v, 2 AS v) JOIN (SELECT 2 AS "v:1") USING ("v:1")',
      'SELECT * FROM (SELECT 1 AS a), (SELECT 2 AS a) WHERE a = 1',
    ]);
  });
});

describe('PRAGMA table_info of a view', () => {
  it('has the unique names and the types SQLite derives', () => {
    const view = `CREATE VIEW w AS SELECT a, b, c, d, e, f, g, a*2, CAST(a AS INTEGER), CAST(b AS TEXT), CAST(b AS NUMERIC),
      'x', 1, 1.5, x'00', NULL, a||c, (SELECT b FROM p), max(b), coalesce(b, 1), b+0, -b, +c FROM p`;
    expectSame([
      `${view}; PRAGMA table_info(w)`,
      `${view}; SELECT * FROM pragma_table_xinfo('w')`,
      'PRAGMA table_info(dup)',
      "SELECT name, type FROM pragma_table_info('dup')",
      "SELECT * FROM pragma_table_list('joined')",
    ]);
  });

  it('compiles the view on the connection that asks', () => {
    // a view over a TEMP table exists on one connection only; another connection's PRAGMA runs
    // in between and must not be used to compile the first one's view
    for (const open of [() => new Database(':memory:') as unknown as Db, () => new BS3(':memory:') as unknown as Db]) {
      const a = open();
      const b = open();
      a.exec('CREATE TEMP TABLE tt (x TEXT, y); CREATE TEMP VIEW tv AS SELECT x, y FROM tt');
      b.exec('CREATE TABLE other (q)');
      expect(b.prepare('PRAGMA table_info(other)').raw(true).all()).toEqual([[0, 'q', '', 0, null, 0]]);
      expect(a.prepare("SELECT name, type FROM pragma_table_info('tv')").raw(true).all()).toEqual([
        ['x', 'TEXT'],
        ['y', 'BLOB'],
      ]);
      a.close();
      b.close();
    }
  });
});

describe('declared types and collations of result columns', () => {
  it('show standard type names upper-cased and others as written, also through views and scalar subqueries', () => {
    const setup = "CREATE TABLE dt (a integer, b numeric, c Text, d blob, e real, f int, g any, h varchar(9), i bool, j Integer, k TEXT COLLATE NOCASE); INSERT INTO dt VALUES (1, 2, 'x', x'00', 1.5, 3, 4, 'v', 1, 5, 'A'); CREATE VIEW dv AS SELECT * FROM dt";
    const run = (db: Db & { prepare(sql: string): Stmt & { columns(): object[] } }): unknown[] => {
      db.exec(setup);
      const cols = (sql: string) => (db.prepare(sql) as unknown as { columns(): object[] }).columns();
      const out = [
        db.prepare('PRAGMA table_info(dt)').raw(true).all(),
        db.prepare('PRAGMA table_info(dv)').raw(true).all(),
        cols('SELECT * FROM dt'),
        cols('SELECT * FROM dv'),
        cols('SELECT (SELECT a FROM dt), (SELECT k FROM dt), (SELECT a + 1 FROM dt), (SELECT x.h FROM dt AS x WHERE x.a = dt.a) FROM dt'),
        // a scalar subquery carries no collating sequence
        db.prepare("SELECT (SELECT k FROM dt) = 'a', 'a' = (SELECT k FROM dt), (SELECT k FROM dt) IN ('a') UNION SELECT k, 1, 1 FROM dt").raw(true).all(),
      ];
      db.close();
      return out;
    };
    const ours = run(new Database(':memory:') as unknown as Db & { prepare(sql: string): Stmt & { columns(): object[] } });
    const sqlite = run(new BS3(':memory:') as unknown as Db & { prepare(sql: string): Stmt & { columns(): object[] } });
    expect(ours).toEqual(sqlite);
  });
});
