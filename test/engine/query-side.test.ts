/**
 * Regressions of the query side, each checked against real SQLite: RIGHT/FULL JOIN USING
 * columns, ON terms below a FULL JOIN, aggregate bare-column rows, aggregate ORDER BY, UNION's
 * choice among equal rows, row-value IN / BETWEEN, -0.0, moving window frames, ordinals.
 */
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { Database } from '../../engine/api/index.js';

interface Db {
  prepare(sql: string): { reader: boolean; raw(on: boolean): { safeIntegers(on: boolean): { all(): unknown[] } }; run(): unknown };
}

function outcome(db: Db, sql: string): unknown {
  try {
    const st = db.prepare(sql);
    if (!st.reader) {
      st.run();
      return 'ran';
    }
    // -0 must stay distinguishable from 0
    return st
      .raw(true)
      .safeIntegers(true)
      .all()
      .map((r) => (r as unknown[]).map((v) => (Object.is(v, -0) ? '-0.0' : v)));
  } catch (e) {
    return `error: ${(e as Error).message}`;
  }
}

function agree(setup: string[], queries: string[]): void {
  const ours = new Database(':memory:') as unknown as Db;
  const real = new BetterSqlite3(':memory:') as unknown as Db;
  for (const s of setup) {
    expect(outcome(ours, s), s).toEqual(outcome(real, s));
  }
  for (const q of queries) {
    expect(outcome(ours, q), q).toEqual(outcome(real, q));
  }
}

const joinSetup = [
  'CREATE TABLE a(id INTEGER PRIMARY KEY, x INT, name TEXT)',
  'CREATE TABLE b(x INT, y TEXT)',
  'CREATE TABLE c(x INT, tag TEXT)',
  "INSERT INTO a VALUES (1,1,'one'),(2,2,'two'),(3,3,'three'),(4,NULL,'null')",
  "INSERT INTO b VALUES (1,'b1'),(5,'b5'),(NULL,'bn')",
  "INSERT INTO c VALUES (1,'c1'),(2,'c2'),(6,'c6')",
];

describe('query side agrees with SQLite', () => {
  it('RIGHT and FULL JOIN with USING resolve the shared column', () => {
    agree(joinSetup, [
      'SELECT * FROM c RIGHT JOIN a USING (x) ORDER BY id',
      'SELECT * FROM a FULL JOIN b USING (x) FULL JOIN c USING (x) ORDER BY 1, 2',
      'SELECT x, a.x, b.x FROM a FULL JOIN b USING (x) ORDER BY 1, 2, 3',
      'SELECT * FROM a NATURAL FULL JOIN b ORDER BY 1, 2',
      'SELECT typeof(x), x FROM a FULL JOIN b USING (x) ORDER BY 2',
    ]);
  });

  it('ON terms of an inner join are applied before a later FULL JOIN', () => {
    agree(joinSetup, [
      'SELECT * FROM a JOIN b USING (x) FULL JOIN c USING (x) ORDER BY 1, 2',
      'SELECT * FROM a FULL JOIN b ON a.x = b.x JOIN c ON a.x > 0 ORDER BY 1, 2, 4',
      'SELECT count(*), sum(a.id), avg(b.x) FROM a FULL JOIN b ON a.x = b.x',
    ]);
  });

  it('bare columns of an aggregate come from the first row, or the min()/max() row', () => {
    agree(
      ['CREATE TABLE t(x, y)', "INSERT INTO t VALUES (1,'a'),(2,'b'),(1,'c'),(2,'d'),(1,'e')"],
      [
        'SELECT x, y FROM t GROUP BY x ORDER BY x',
        'SELECT x, y, max(y) FROM t GROUP BY x ORDER BY x',
        'SELECT x, y, max(y) FILTER (WHERE 0) FROM t GROUP BY x ORDER BY x',
        "SELECT y, max(y) FILTER (WHERE y = 'c') FROM t",
        "SELECT x, y, min(y) FILTER (WHERE y <> 'a') FROM t GROUP BY x ORDER BY x",
        'SELECT t1.x, t2.x, max(t2.y) FROM t t1 LEFT JOIN t t2 ON t2.x = 9 GROUP BY t1.x ORDER BY 1',
      ],
    );
  });

  it('aggregate ORDER BY, ordinals and argument checks', () => {
    agree(
      ['CREATE TABLE t(g, v, s)', "INSERT INTO t VALUES (1, 2, 'x'), (1, NULL, 'z'), (2, 7, 'w'), (2, 1, 'y')"],
      [
        'SELECT group_concat(s ORDER BY s DESC), json_group_array(v ORDER BY v) FROM t',
        "SELECT g, group_concat(s, '-' ORDER BY v DESC NULLS LAST) FROM t GROUP BY g ORDER BY g",
        'SELECT g, count(*) FROM t GROUP BY 3',
        'SELECT g, count(*) FROM t GROUP BY -1',
        'SELECT g AS k, count(*) FROM t GROUP BY g, 1 COLLATE NOCASE ORDER BY 1',
        'SELECT count(DISTINCT v, s) FROM t',
        'SELECT abs(DISTINCT -1), abs(1 ORDER BY 1)',
        'SELECT likelihood(1, 2)',
        'SELECT 1 LIMIT 1.5',
        'SELECT 1 LIMIT 2.0',
      ],
    );
  });

  it('UNION keeps the right-hand row among equal rows', () => {
    agree([], [
      "SELECT 1 UNION SELECT 1.0 UNION SELECT '1'",
      'SELECT 1.0 UNION SELECT 1 ORDER BY 1',
      'SELECT 1 UNION ALL SELECT 1.0 UNION SELECT 3',
      'SELECT 1 INTERSECT SELECT 1.0',
    ]);
  });

  it('row values in IN (SELECT) and BETWEEN; -0.0 literals', () => {
    agree(
      ['CREATE TABLE emp(name TEXT, dept INT, sal INT)', "INSERT INTO emp VALUES ('a',1,10),('b',1,20),('c',2,30),('d',NULL,5)"],
      [
        'SELECT name FROM emp WHERE (dept, sal) IN (SELECT dept, max(sal) FROM emp GROUP BY dept) ORDER BY 1',
        'SELECT (1, NULL) IN (SELECT 1, 2), (1, 2) IN (VALUES (1, 2), (3, 4)), (1, 2) BETWEEN (0, 0) AND (1, 5)',
        'SELECT -0.0, abs(-0.0), 0.0 * -1, -x, 0 - x FROM (SELECT 0.0 AS x)',
        'VALUES (-0.0)',
      ],
    );
  });

  it('moving window frames keep one accumulator (sum stays REAL)', () => {
    agree(
      ['CREATE TABLE t0(c0, c1)', 'INSERT INTO t0 VALUES (1, 2), (2, 0.5), (3, 4), (4, 1), (5, NULL), (6, 8)'],
      [
        'SELECT c0, sum(c1) OVER (ORDER BY c0 ROWS BETWEEN 1 FOLLOWING AND 2 FOLLOWING) FROM t0 ORDER BY c0',
        'SELECT c0, sum(c1) OVER (ORDER BY c0 ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING) FROM t0 ORDER BY c0',
        'SELECT c0, count(c1) OVER (ORDER BY c0 ROWS BETWEEN 3 FOLLOWING AND 1 FOLLOWING) FROM t0 ORDER BY c0',
      ],
    );
  });

  it('aliases: visible in WHERE, not in other result columns; duplicate CTE names; INDEXED BY', () => {
    agree(
      ['CREATE TABLE t(id INTEGER PRIMARY KEY, a INT)', 'CREATE INDEX t_a ON t(a)', 'INSERT INTO t(a) VALUES (1), (2), (2)'],
      [
        'SELECT a AS x FROM t WHERE x > 1 ORDER BY x, id',
        'SELECT a AS x, x + 1 FROM t',
        'WITH x AS (SELECT 1), x AS (SELECT 2) SELECT * FROM x',
        'SELECT a FROM t INDEXED BY nope WHERE a = 2',
        "SELECT dname, (SELECT group_concat(v) FROM (SELECT a AS v FROM t WHERE a = d.k ORDER BY id)) FROM (SELECT 1 AS k, 'one' AS dname UNION ALL SELECT 2, 'two') AS d ORDER BY 1",
      ],
    );
  });
});
