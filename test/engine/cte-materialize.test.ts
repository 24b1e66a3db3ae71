/**
 * A CTE SQLite materializes (not flattened; MATERIALIZED, or named twice without NOT
 * MATERIALIZED) is computed once per execution and read by every reference: a non-deterministic
 * body gives every reference the same rows, and a user function in it runs once per row. Compared
 * with real SQLite (better-sqlite3), counting the calls of a user function.
 */
import BS3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { Database } from '../../engine/api/index.js';

interface Db {
  exec(sql: string): unknown;
  function(name: string, fn: (...a: unknown[]) => unknown): unknown;
  prepare(sql: string): { raw(on?: boolean): { all(...a: unknown[]): unknown[] } };
  close(): unknown;
}

const QUERIES = [
  'WITH c AS (SELECT random() AS r) SELECT a.r = b.r FROM c a, c b',
  'WITH c AS MATERIALIZED (SELECT random() AS r) SELECT a.r = b.r FROM c a, c b',
  'WITH c AS (SELECT random() AS r) SELECT (SELECT r FROM c) = (SELECT r FROM c)',
  'WITH c AS MATERIALIZED (SELECT f(x) AS y FROM t ORDER BY x LIMIT 3) SELECT count(*) FROM c, c AS d',
  'WITH c AS (SELECT f(x) AS y FROM t ORDER BY x LIMIT 3) SELECT count(*) FROM c, c AS d',
  'WITH c AS (SELECT x, f(x) AS y FROM t UNION ALL SELECT 1, 2) SELECT count(*) FROM c a JOIN c b ON a.y = b.y',
  'WITH c AS MATERIALIZED (SELECT f(x) AS y FROM t) SELECT count(*) FROM c a, c b WHERE a.y = b.y',
  'WITH c AS (SELECT f(x) AS y FROM t) SELECT count(*) FROM c a, c b WHERE a.y = b.y',
  'WITH c AS (SELECT max(f(x)) AS m FROM t) SELECT (SELECT m FROM c) + (SELECT m FROM c)',
  // correlated with the outer query: computed per outer row
  'SELECT (WITH c AS (SELECT t.x + f(1) AS r) SELECT (SELECT r FROM c) + (SELECT r FROM c)) FROM t ORDER BY 1 LIMIT 3',
  // ... also through a query in between that does not read the outer query itself
  'SELECT (WITH c AS (SELECT t.x + 1 AS r) SELECT (SELECT r FROM c)) FROM t ORDER BY 1 LIMIT 3',
  'SELECT (WITH c AS (SELECT t.x + 1 AS r UNION ALL SELECT 5) SELECT 1 + (SELECT (SELECT r FROM c))) FROM t ORDER BY 1 LIMIT 3',
];

function run(open: () => Db): unknown[] {
  return QUERIES.map((q) => {
    const db = open();
    let calls = 0;
    db.function('f', (x) => (calls++, x));
    db.exec('CREATE TABLE t (x); WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 50) INSERT INTO t SELECT (i * 37) % 53 FROM n');
    try {
      // twice: the second execution computes the CTE afresh
      const st = db.prepare(q).raw(true);
      const first = st.all();
      const second = st.all();
      return { q, first, second, calls };
    } finally {
      db.close();
    }
  });
}

describe('materialized CTEs', () => {
  it('are computed once per execution for all their references, as in SQLite', () => {
    const ours = run(() => new Database(':memory:') as unknown as Db);
    const sqlite = run(() => new BS3(':memory:') as unknown as Db);
    expect(ours).toEqual(sqlite);
  });
});
