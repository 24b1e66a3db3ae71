/**
 * Regressions of the query side, each checked against real SQLite: RIGHT/FULL JOIN USING
 * columns, ON terms below a FULL JOIN, aggregate bare-column rows, aggregate ORDER BY, UNION's
 * choice among equal rows, row-value IN / BETWEEN, -0.0, moving window frames, ordinals, the
 * query flattener (views, CTEs and FROM subqueries joining the enclosing loop).
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
  it('LIMIT 0 never runs the query (errors in unevaluated rows are not raised)', () => {
    agree(
      ['CREATE TABLE t(a, b)', "INSERT INTO t VALUES ('x', 1), ('{', 2)", 'CREATE TABLE u(c)', "INSERT INTO u VALUES ('y')"],
      [
        "SELECT a ->> '$.a' FROM t UNION SELECT c ->> 'y' FROM u ORDER BY 1 DESC LIMIT 0",
        "SELECT json(a) FROM t LIMIT 0",
        "SELECT count(json(a)) FROM t LIMIT 0",
        "SELECT json(a) FROM t ORDER BY 1 LIMIT 0",
        "SELECT json(a) FROM t LIMIT 0 OFFSET 'a'",
        "SELECT json(a) FROM t LIMIT (SELECT 0)",
        "SELECT json(a) FROM t LIMIT 1",
      ],
    );
  });

  it('ordinals: likely() is not skipped, <literal> ISNULL/NOTNULL folds to 0/1', () => {
    agree(
      ['CREATE TABLE t(a, b)', 'INSERT INTO t VALUES (1, 1), (2, 1), (3, 2)'],
      [
        'SELECT a, b FROM t GROUP BY likely(11)',
        'SELECT a, b FROM t ORDER BY likely(2) DESC',
        'SELECT a, b FROM t GROUP BY (-5 ISNULL)',
        'SELECT a, b FROM t GROUP BY (5 NOTNULL) ORDER BY 1',
        "SELECT a, b FROM t ORDER BY ('x' IS NULL)",
        'SELECT a, b FROM t ORDER BY (5 IS NOT NULL) DESC',
        'SELECT count(*) FROM t GROUP BY (NULL ISNULL)',
        'SELECT a, b FROM t UNION ALL SELECT 5, 5 ORDER BY likely(2) DESC',
        'SELECT a, b FROM t UNION ALL SELECT 5, 5 ORDER BY (5 NOTNULL) DESC',
      ],
    );
  });

  it('* over two FROM items of the same name is ambiguous', () => {
    agree(
      ['CREATE TABLE t(id INTEGER PRIMARY KEY, a, b)', 'CREATE TABLE u(id, b)', 'INSERT INTO t VALUES (1, 2, 3)'],
      [
        'SELECT * FROM t, t',
        'SELECT t.* FROM t, t',
        'SELECT * FROM t AS x, t',
        'SELECT * FROM t JOIN t USING (id)',
        'SELECT * FROM t, u, t',
        'SELECT count(*) FROM t, t',
        'SELECT a FROM t, t',
      ],
    );
  });
  it('window PARTITION BY and min()/max() use collations; moving min/max frames follow SQLite', () => {
    agree(
      [
        'CREATE TABLE t (c0 TEXT COLLATE NOCASE, c1 INT, c2 ANY, v INT)',
        "INSERT INTO t VALUES ('a', 1, 'x', 1), ('A', 2, 2, 2), ('b', 1, NULL, 4), ('B', 1, x'01', 8), ('a', 3, 2.0, 16), (NULL, 2, '2', 3), ('c', 5, 'X', 7), ('C', 4, -1, 9)",
      ],
      [
        'SELECT c0, min(c0) OVER (ORDER BY c1, rowid ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING) FROM t ORDER BY rowid',
        'SELECT c0, max(c0) OVER (ORDER BY c1, rowid ROWS BETWEEN 2 PRECEDING AND 1 PRECEDING) FROM t ORDER BY rowid',
        'SELECT c0, min(c0) OVER (ORDER BY c1, rowid ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) FROM t ORDER BY rowid',
        'SELECT c0, max(c2) OVER (ORDER BY c1, rowid ROWS BETWEEN 1 PRECEDING AND 2 FOLLOWING) FROM t ORDER BY rowid',
        'SELECT c0, min(c2) OVER (ORDER BY c1, rowid ROWS BETWEEN 1 FOLLOWING AND 3 FOLLOWING) FROM t ORDER BY rowid',
        'SELECT c0, max(c0) OVER (ORDER BY c1 RANGE BETWEEN 1 PRECEDING AND CURRENT ROW) FROM t ORDER BY rowid',
        'SELECT c0, max(c0) OVER (ORDER BY c1 GROUPS BETWEEN 1 PRECEDING AND 1 FOLLOWING) FROM t ORDER BY rowid',
        'SELECT c0, max(c0) OVER (ORDER BY c1, rowid ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING EXCLUDE CURRENT ROW) FROM t ORDER BY rowid',
        'SELECT c0, max(c0) OVER (PARTITION BY c0 ORDER BY c1, rowid ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING) FROM t ORDER BY rowid',
        'SELECT c0, max(c0) FILTER (WHERE v > 2) OVER (ORDER BY c1, rowid ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING) FROM t ORDER BY rowid',
        'SELECT c0, min(c0 COLLATE BINARY) OVER (ORDER BY c1, rowid ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING) FROM t ORDER BY rowid',
        'SELECT c0, first_value(c2) OVER (PARTITION BY c0 ORDER BY c1) FROM t ORDER BY rowid',
        'SELECT c0, max(c0) OVER (PARTITION BY c0 ORDER BY c1) FROM t ORDER BY rowid',
        'SELECT c0, sum(v) OVER (PARTITION BY c0 ORDER BY c0) FROM t ORDER BY rowid',
      ],
    );
  });
  it('an automatic hash index keeps the collation of the left operand of =', () => {
    agree(
      [
        'CREATE TABLE a(c0 DATE, k INT)',
        'CREATE TABLE b(id INTEGER PRIMARY KEY, c1 TEXT COLLATE NOCASE)',
        "INSERT INTO a VALUES ('B', 1), (10, 2), ('x', 3), (NULL, 4)",
        "INSERT INTO b(c1) VALUES ('b'), ('10'), ('X'), ('x'), (NULL), ('B')",
      ],
      [
        'SELECT a.k, b.id FROM a JOIN b ON a.c0 = b.c1 ORDER BY 1, 2',
        'SELECT a.k, b.id FROM a JOIN b ON b.c1 = a.c0 ORDER BY 1, 2',
        'SELECT a.k, b.id FROM b JOIN a ON a.c0 = b.c1 ORDER BY 1, 2',
        'SELECT a.k, b.id FROM a LEFT JOIN b ON a.c0 = b.c1 ORDER BY 1, 2',
        'SELECT sum(DISTINCT b.id) FROM a LEFT JOIN b ON a.c0 = b.c1',
      ],
    );
  });
  it('IN (list) compares under the left operand affinity and collation only', () => {
    agree(
      [
        "CREATE TABLE t(r REAL, s TEXT, n, i INT)",
        "INSERT INTO t VALUES (20.0, '20', '20', 20)",
        "CREATE TABLE c(x TEXT COLLATE NOCASE, y)",
        "INSERT INTO c VALUES ('A', 'a'), ('b', 'B'), ('1', 1)",
      ],
      [
        "SELECT s IN (2, r, 16), s = r, r IN (s), r IN (2, s), n IN (r, 3), n IN (i), i IN (n), '20' IN (r), '20' IN (r, 5), 20 IN (s), 20 IN (s, 1), s IN (20), s IN (20, 1), i IN (s), s IN (i, 1), i IN (s, 1) FROM t",
        "SELECT s NOT IN (2, r, 16), n NOT IN (i, NULL), '20' NOT IN (r, 5), s IN (i), s IN (r) FROM t",
        "SELECT 'a' IN ('A' COLLATE NOCASE, 'b'), 'a' IN ('A' COLLATE NOCASE), n IN (CAST(20 AS TEXT)), s IN (20.0), s IN (20.0, 1), s IN (+r), s IN (r + 0), n IN (abs(20)), n IN (abs(20), 1), r IN ('20', 1), i IN ('20', 'x'), s COLLATE NOCASE IN ('x'), s IN (NULL, 20) FROM t",
        "SELECT x IN (y, 'zz'), y IN (x, 'zz'), x IN ('a', 'q'), y IN ('A', 'B'), y IN (x COLLATE BINARY, 'q'), x IN (1, 2) FROM c",
      ],
    );
  });
  it('rowid range bounds at the ends of the 64-bit range', () => {
    agree(
      [
        "CREATE TABLE t1 (id INTEGER PRIMARY KEY, c0)",
        "INSERT INTO t1 VALUES (1, 1), (2, 5), (3, 'x')",
        "CREATE TABLE t0 (c0)",
        "INSERT INTO t0 VALUES (1e100), (-1e100), (9223372036854775807), (9.3e18), (-9.3e18), ('abc'), (x'01'), (NULL), (2.5), ('2'), (-9223372036854775808)",
      ],
      [
        "SELECT t0.c0, (SELECT count(*) FROM t1 WHERE t0.c0 < t1.id) FROM t0",
        "SELECT t0.c0, (SELECT count(*) FROM t1 WHERE t0.c0 > t1.id) FROM t0",
        "SELECT t0.c0, (SELECT count(*) FROM t1 WHERE t1.id >= t0.c0) FROM t0",
        "SELECT t0.c0, (SELECT count(*) FROM t1 WHERE t1.id <= t0.c0) FROM t0",
        "SELECT t0.c0, (SELECT count(*) FROM t1 WHERE t1.id = t0.c0) FROM t0",
        "SELECT t0.c0, (SELECT count(*) FROM t1 WHERE t1.id BETWEEN t0.c0 AND 10) FROM t0",
        "SELECT t0.c0, (SELECT count(*) FROM t1 WHERE t1.id IN (t0.c0, 1)) FROM t0",
        "SELECT t0.c0, (SELECT count(*) FROM t1 WHERE t1.id > t0.c0), (SELECT count(*) FROM t1 WHERE t1.id < t0.c0) FROM t0",
        "SELECT t0.c0, (SELECT max(id) FROM t1 WHERE t1.id > t0.c0 ORDER BY id DESC), (SELECT min(id) FROM t1 WHERE t1.id < t0.c0 ORDER BY id DESC) FROM t0",
        "SELECT id FROM t1 WHERE id > 9223372036854775807",
        "SELECT id FROM t1 WHERE id < -9223372036854775808 ORDER BY id DESC",
      ],
    );
  });
  it('unused result columns of FROM subqueries are not computed (their errors are not raised)', () => {
    agree(
      [
        "CREATE TABLE t(a, b)",
        "INSERT INTO t VALUES ('x', 1), ('y', 2)",
        "CREATE VIEW v AS SELECT a, json(a) AS j FROM t",
      ],
      [
        "SELECT count(*) FROM (SELECT json(a) j FROM t)",
        "SELECT count(*) FROM (SELECT DISTINCT json(a) j FROM t)",
        "SELECT count(*) FROM (SELECT json(a) j FROM t LIMIT 5)",
        "SELECT count(*) FROM (SELECT json(a) j FROM t ORDER BY 1)",
        "SELECT a FROM (SELECT a, json(a) j FROM t ORDER BY a)",
        "WITH c AS (SELECT a, json(a) j FROM t) SELECT c1.a FROM c c1, c c2",
        "WITH c AS MATERIALIZED (SELECT a, json(a) j FROM t) SELECT a FROM c",
        "SELECT a FROM (SELECT a, json(a) j FROM t UNION ALL SELECT 1, 2)",
        "SELECT x.a FROM t LEFT JOIN (SELECT a, json(a) j FROM t) x ON 1",
        "SELECT a FROM (SELECT a, json(a) j FROM t GROUP BY a)",
        "SELECT a FROM v",
        "SELECT * FROM v",
        "SELECT a, j FROM (SELECT a, json(a) j FROM t)",
        "SELECT a FROM (SELECT a, json(a) j FROM t) WHERE j IS NOT NULL",
        "SELECT q.a FROM (SELECT a, json(a) j FROM t) q JOIN t ON q.a = t.b",
        "SELECT a FROM (SELECT a, json(a) j FROM t UNION SELECT 1, 2)",
        "SELECT b FROM (SELECT a, json(a) j, b FROM t) ORDER BY b",
        "SELECT count(*), a FROM (SELECT a, json(a) j FROM t) GROUP BY a",
        "SELECT a, (SELECT count(*) FROM t t2 WHERE t2.a = q.a) FROM (SELECT a, json(a) j FROM t) q",
        "SELECT a FROM (SELECT a, json(a) j, row_number() OVER () r FROM t)",
      ],
    );
  });

  it('flattens FROM subqueries, views and CTEs as SQLite does (query flattener)', () => {
    agree(
      [
        'CREATE TABLE a (x, y)',
        'CREATE TABLE b (x)',
        "INSERT INTO a VALUES (1, 'p'), (2, 'q'), (3, 'r')",
        'INSERT INTO b VALUES (2), (3)',
        'CREATE VIEW v AS SELECT x, y FROM a WHERE x IN (SELECT x FROM b)',
        'CREATE VIEW w AS SELECT a.x, b.x AS bx FROM a JOIN b ON b.x = a.x AND b.x IN (SELECT x FROM b WHERE x > 2)',
        "CREATE TABLE j (id INTEGER PRIMARY KEY, doc TEXT, n INT)",
        "INSERT INTO j VALUES (1, '{\"a\":1}', 1), (2, 'not json', -9223372036854775808)",
      ],
      [
        // a view's body sees the schema, not the CTEs of the statement using it
        'WITH b AS (SELECT 99 AS x) SELECT * FROM v',
        'WITH b AS (SELECT 99 AS x) SELECT * FROM w',
        'WITH b AS (SELECT 99 AS x) SELECT * FROM a LEFT JOIN v ON v.x = a.x',
        // a flattened result column is evaluated at each use (random() twice)
        'SELECT count(*) FROM (SELECT random() AS r FROM a) WHERE r = r',
        // and only for the rows that reach it
        "SELECT id FROM (SELECT id, doc ->> '$.a' AS a, abs(n) AS m FROM j) WHERE id = 1",
        "SELECT q.a FROM j LEFT JOIN (SELECT id, doc ->> '$.a' AS a FROM j WHERE n > 0) AS q ON q.id = j.id",
        'SELECT q.x FROM b LEFT JOIN (SELECT * FROM (SELECT x + 10 AS x FROM a)) AS q ON q.x = b.x + 10',
        'SELECT q.x FROM b LEFT JOIN (SELECT x + 10 AS x FROM a, b AS bb WHERE bb.x = a.x) AS q ON q.x = b.x + 10',
        'SELECT a.x, (SELECT q.x FROM (SELECT x FROM b WHERE b.x = a.x) AS q) FROM a',
        'SELECT x, count(*) FROM (SELECT a.x FROM a, b) GROUP BY x',
        // an unqualified rowid with two candidates, an ON clause naming a table to its right
        'SELECT rowid FROM a, b',
        'SELECT rowid FROM a, (SELECT * FROM b)',
        'SELECT * FROM a LEFT JOIN b ON b.x = c.x JOIN b AS c',
        // not flattened, the outer loop: a co-routine stops with the LIMIT
        'WITH c AS (SELECT abs(n) AS y, id FROM j LIMIT 5) SELECT id FROM c LIMIT 1',
        'SELECT id FROM (SELECT DISTINCT abs(n) AS y, id FROM j) LIMIT 1',
        // not flattened, not the outer loop: materialized
        'SELECT j.id FROM a, (SELECT DISTINCT abs(n) AS y, id FROM j) AS j LIMIT 1',
      ],
    );
  });
});
