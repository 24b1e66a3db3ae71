/**
 * The column-reading aggregate scan (engine/sql/exec/aggregate-scan.ts over TableCursor.columns,
 * engine/storage/record-columns.ts) agrees with real SQLite: count/sum/total/avg of stored
 * columns, the rowid and length() of columns, over every storage class, NULLs, NaN-free REALs in
 * REAL and untyped columns, integral values in REAL columns, non-ASCII and NUL-containing TEXT,
 * BLOBs, records on overflow pages, short records after ADD COLUMN, sums past 2^53 and int64
 * overflow, empty tables, bare columns beside the aggregates, and a user-defined length().
 * Every query runs on a memory database and on files written by us and by SQLite, reopened cold
 * with a small cache.
 */
import BetterSqlite3 from 'better-sqlite3';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Database } from '../../engine/api/index.js';
import { rmDir, tmpDir } from './helpers.js';

type Param = number | bigint | string | null | Buffer;

interface Stmt {
  reader: boolean;
  raw(on: boolean): { safeIntegers(on: boolean): { all(...p: Param[]): unknown[] } };
  run(...p: Param[]): unknown;
}
interface Db {
  prepare(sql: string): Stmt;
  exec(sql: string): unknown;
  pragma(s: string): unknown;
  function(name: string, fn: (...a: unknown[]) => unknown): unknown;
  close(): unknown;
}

const dir = tmpDir('scan-aggregate');
afterAll(() => rmDir(dir));

function outcome(db: Db, sql: string, params: Param[] = []): unknown {
  try {
    const st = db.prepare(sql);
    if (!st.reader) {
      st.run(...params);
      return 'ran';
    }
    return st
      .raw(true)
      .safeIntegers(true)
      .all(...params)
      .map((r) => (r as unknown[]).map((v) => (Object.is(v, -0) ? '-0.0' : v)));
  } catch (e) {
    return `error: ${(e as Error).message}`;
  }
}

let fileNo = 0;

/** Runs `setup` on our engine and SQLite; yields pairs of (ours, sqlite) for memory and for a cold file reopen. */
function pairs(setup: readonly string[]): [string, Db, Db][] {
  const out: [string, Db, Db][] = [];
  const ours = new Database(':memory:') as unknown as Db;
  const real = new BetterSqlite3(':memory:') as unknown as Db;
  for (const s of setup) expect(outcome(ours, s), s).toEqual(outcome(real, s));
  out.push(['memory', ours, real]);
  const file = path.join(dir, `f${fileNo++}.db`);
  const w = new Database(file) as unknown as Db;
  for (const s of setup) w.exec(s);
  w.close();
  const cold = new Database(file) as unknown as Db;
  cold.pragma('cache_size = 8');
  out.push(['file', cold, real]);
  // written by SQLite, which stores integral REALs of REAL columns as integers
  const sfile = path.join(dir, `s${fileNo++}.db`);
  const sw = new BetterSqlite3(sfile) as unknown as Db;
  for (const s of setup) sw.exec(s);
  sw.close();
  const scold = new Database(sfile) as unknown as Db;
  scold.pragma('cache_size = 8');
  out.push(['sqlite file', scold, real]);
  return out;
}

function check(setup: readonly string[], queries: readonly string[]): void {
  for (const [mode, ours, real] of pairs(setup)) {
    for (const q of queries) expect(outcome(ours, q), `${mode}: ${q}`).toEqual(outcome(real, q));
    ours.close();
  }
}

/** Every aggregate over every column and length(column), one query each and all at once. */
function aggregateQueries(cols: readonly string[]): string[] {
  const fns = ['count', 'sum', 'total', 'avg'];
  const qs: string[] = [];
  const all: string[] = ['count(*)'];
  for (const c of cols) {
    for (const f of fns) {
      qs.push(`SELECT ${f}(${c}) FROM t`);
      qs.push(`SELECT ${f}(length(${c})) FROM t`);
      all.push(`${f}(${c})`, `${f}(length(${c}))`);
    }
  }
  qs.push(`SELECT ${all.join(', ')} FROM t`);
  qs.push(`SELECT ${cols[1]}, count(*), sum(length(${cols[2]})) FROM t`);
  return qs;
}

describe('column-reading aggregate scan agrees with SQLite', () => {
  it('reads every storage class, NULLs, short records and REAL affinity', () => {
    check(
      [
        'CREATE TABLE t (id INTEGER PRIMARY KEY, a INTEGER, b TEXT, c REAL, d)',
        `INSERT INTO t VALUES
           (1, 5, 'x', 1.5, 1), (2, 6, 'y', 7, 2.5), (3, NULL, NULL, NULL, NULL), (4, -7, '10', -0.0, 'abc'),
           (5, 9007199254740991, '9', 9007199254740992.0, x'00'), (6, -9223372036854775808, 'Z', 1e300, 9223372036854775807),
           (7, 3, 'a', 3, '3'), (8, 0, '', 0.5, -0.0), (9, 12, '12', 12.0, 12), (10, 4611686018427387904, 'q', -3.5, 4611686018427387904),
           (11, 1, 'héllo wörld', 2, 'naïve'), (12, 2, 'a' || char(0) || 'bc', 3, x''), (13, 3, '😀x', 4, 'e' || char(0)),
           (14, 128, x'ff00', 1e-300, 65536), (15, -129, 'plain ascii text', -2, 2147483648)`,
        'ALTER TABLE t ADD COLUMN e INTEGER DEFAULT 7',
        "ALTER TABLE t ADD COLUMN f TEXT DEFAULT 'dflt'",
        'INSERT INTO t (id, a, b, c, d, e, f) VALUES (16, 1, 1, 1, 1, 1, 1), (17, 2, 2, 2, 2, NULL, NULL), (18, 4, 4.5, 4, 4, 4, x\'0102\')',
      ],
      aggregateQueries(['id', 'a', 'b', 'c', 'd', 'e', 'f']),
    );
  });

  it('reads integral values of a REAL column as REALs', () => {
    check(
      ['CREATE TABLE t (id INTEGER PRIMARY KEY, a REAL, b NUMERIC, c FLOAT)', "INSERT INTO t VALUES (1, 1, 2, 3), (2, 2.0, '4', 5.0), (3, -7, 6.0, NULL)"],
      aggregateQueries(['id', 'a', 'b', 'c']),
    );
  });

  it('sums across many pages, past 2^53 and into int64 overflow', () => {
    const setup = [
      'CREATE TABLE t (id INTEGER PRIMARY KEY, a INTEGER, b TEXT, c REAL, d)',
      `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000)
       INSERT INTO t SELECT i, i * 1000003, 'name-' || (i % 97) || '-' || i, i / 3.0, CASE WHEN i % 5 = 0 THEN NULL ELSE i END FROM n`,
    ];
    check(setup, aggregateQueries(['id', 'a', 'b', 'c', 'd']));
    // big: the local sum leaves the safe range and hands over to the ordinary accumulator
    check([...setup, 'UPDATE t SET a = 4503599627370496 + id WHERE id % 2 = 0'], ['SELECT sum(a), avg(a), total(a), count(a) FROM t', 'SELECT sum(a), sum(length(b)) FROM t']);
    // overflow: SQLite's "integer overflow"
    check([...setup, 'UPDATE t SET a = 4611686018427387904 WHERE id IN (10, 20, 30)'], ['SELECT sum(a) FROM t', 'SELECT total(a), avg(a) FROM t']);
    // a REAL late in the scan: integers so far are handed to the accumulator exactly
    check([...setup, 'UPDATE t SET a = 0.5 WHERE id = 2999', 'UPDATE t SET b = 12.25 WHERE id = 2000'], ['SELECT sum(a), avg(a), total(a), sum(length(b)), avg(length(b)) FROM t']);
  });

  it('reads records on overflow pages', () => {
    check(
      [
        'CREATE TABLE t (id INTEGER PRIMARY KEY, a INTEGER, b TEXT, c BLOB)',
        `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 60)
         INSERT INTO t SELECT i, i, CASE WHEN i % 3 = 0 THEN printf('%.*c', 9000 + i, 'z') WHEN i % 3 = 1 THEN printf('%.*c', 5000, 'é') ELSE 'short' END,
           randomblob(CASE WHEN i % 2 = 0 THEN 12000 ELSE 10 END) FROM n`,
        // the last column after a long one: its offset lies on an overflow page
        'ALTER TABLE t ADD COLUMN d INTEGER',
        'UPDATE t SET d = id * 3 WHERE id % 4 = 0',
      ],
      ['SELECT count(*), sum(a), sum(length(b)), sum(length(c)), sum(d), count(d), avg(length(b)) FROM t', 'SELECT sum(length(b)) FROM t'],
    );
  });

  it('reads uncommitted changes inside a transaction', () => {
    const ours = new Database(':memory:') as unknown as Db;
    const real = new BetterSqlite3(':memory:') as unknown as Db;
    const steps = [
      'CREATE TABLE t (id INTEGER PRIMARY KEY, a INTEGER, b TEXT)',
      `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000) INSERT INTO t SELECT i, i, 'v' || i FROM n`,
      'BEGIN',
      "UPDATE t SET a = a * 3, b = b || 'ü' WHERE id % 7 = 0",
      'DELETE FROM t WHERE id % 11 = 0',
      "INSERT INTO t VALUES (5000, 1, 'x')",
    ];
    for (const s of steps) expect(outcome(ours, s), s).toEqual(outcome(real, s));
    const q = 'SELECT count(*), sum(a), sum(length(b)), avg(a), count(b) FROM t';
    expect(outcome(ours, q)).toEqual(outcome(real, q));
    ours.exec('ROLLBACK');
    real.exec('ROLLBACK');
    expect(outcome(ours, q)).toEqual(outcome(real, q));
    ours.close();
  });

  it('handles empty tables, bare columns and a user-defined length()', () => {
    check(
      ['CREATE TABLE t (id INTEGER PRIMARY KEY, a INTEGER, b TEXT)'],
      ['SELECT count(*), sum(a), total(a), avg(a), count(b), sum(length(b)) FROM t', 'SELECT a, b, sum(a) FROM t', 'SELECT id, count(*) FROM t'],
    );
    check(
      ['CREATE TABLE t (id INTEGER PRIMARY KEY, a INTEGER, b TEXT)', "INSERT INTO t VALUES (5, 2, 'x'), (6, 3, 'yy'), (7, NULL, NULL)"],
      ['SELECT a, b, id, sum(a), sum(length(b)) FROM t', 'SELECT sum(a) + 1, count(*) * 2, sum(length(b)) FROM t'],
    );
    for (const [mode, ours, real] of pairs(['CREATE TABLE t (id INTEGER PRIMARY KEY, a INTEGER, b TEXT)', "INSERT INTO t VALUES (1, 2, 'abc'), (2, 3, 'de')"])) {
      const f = (v: unknown) => (v === null ? null : 100);
      ours.function('length', f);
      real.function('length', f);
      const q = 'SELECT sum(length(b)), count(length(a)) FROM t';
      expect(outcome(ours, q), mode).toEqual(outcome(real, q));
      expect(outcome(ours, q), mode).toEqual([[200, 2n]]);
      ours.close();
    }
  });
});
