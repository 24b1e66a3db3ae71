/**
 * Table scans that decode only the columns the query reads (TableScanOp.setColumns over
 * TableCursor.partialRecord, compile/scan-columns.ts) agree with real SQLite: projections,
 * filters, GROUP BY with bare columns, ORDER BY, correlated subqueries reading the outer row,
 * joins, NATURAL and USING joins, views, `*`, generated columns, rowid ranges, short records
 * after ADD COLUMN and records on overflow pages, on a memory database and on files written by
 * us and by SQLite, read cold through a small cache.
 */
import BetterSqlite3 from 'better-sqlite3';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Database } from '../../engine/api/index.js';
import { rmDir, tmpDir } from './helpers.js';

interface Stmt {
  reader: boolean;
  raw(on: boolean): { safeIntegers(on: boolean): { all(): unknown[] } };
  run(): unknown;
}
interface Db {
  prepare(sql: string): Stmt;
  exec(sql: string): unknown;
  pragma(s: string): unknown;
  close(): unknown;
}

const dir = tmpDir('scan-columns');
afterAll(() => rmDir(dir));
let fileNo = 0;

function outcome(db: Db, sql: string): unknown {
  try {
    const st = db.prepare(sql);
    if (!st.reader) {
      st.run();
      return 'ran';
    }
    return st.raw(true).safeIntegers(true).all();
  } catch (e) {
    return `error: ${(e as Error).message}`;
  }
}

const SETUP = [
  'CREATE TABLE t (id INTEGER PRIMARY KEY, a INTEGER, b TEXT, c REAL, d BLOB, g AS (a * 2) VIRTUAL)',
  `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1200)
   INSERT INTO t (id, a, b, c, d) SELECT i, i % 37, CASE WHEN i % 50 = 0 THEN printf('%.*c', 6000, 'w') ELSE 'b-' || i END, i / 4.0,
     CASE WHEN i % 3 = 0 THEN NULL ELSE x'0102' END FROM n`,
  'ALTER TABLE t ADD COLUMN e TEXT DEFAULT \'dflt\'',
  "UPDATE t SET e = 'set-' || id WHERE id % 4 = 0",
  'CREATE TABLE u (id INTEGER PRIMARY KEY, a INTEGER, x TEXT)',
  "INSERT INTO u SELECT id, a + 1, 'x' || id FROM t WHERE id % 10 = 0",
  'CREATE VIEW v AS SELECT id, b, a + c AS s FROM t WHERE id % 2 = 0',
];

const QUERIES = [
  'SELECT a FROM t WHERE c > 100',
  'SELECT id, b FROM t WHERE a = 3',
  'SELECT count(*), sum(c) FROM t WHERE a > 30',
  'SELECT a, b, count(*) FROM t GROUP BY a ORDER BY a',
  'SELECT b, max(c) FROM t GROUP BY a % 5',
  'SELECT e, count(*) FROM t GROUP BY e ORDER BY 2 DESC, 1 LIMIT 5',
  'SELECT id FROM t WHERE e = \'dflt\' AND a < 3',
  'SELECT g, a FROM t WHERE g > 70',
  'SELECT length(b), d FROM t WHERE id % 100 = 0',
  'SELECT id, (SELECT count(*) FROM u WHERE u.a = t.a) FROM t WHERE c < 5',
  'SELECT id FROM t WHERE EXISTS (SELECT 1 FROM u WHERE u.id = t.id AND u.x = \'x\' || t.id)',
  'SELECT t.id, u.x FROM t JOIN u ON u.a = t.a + 1 WHERE t.id < 40 ORDER BY 1, 2',
  'SELECT * FROM t NATURAL JOIN u ORDER BY id',
  'SELECT id, a, x FROM t JOIN u USING (id, a) ORDER BY id',
  'SELECT * FROM t WHERE id BETWEEN 100 AND 110',
  'SELECT t.* FROM t WHERE c BETWEEN 10 AND 11',
  'SELECT b FROM t WHERE id > 1150 ORDER BY id DESC',
  'SELECT s FROM v WHERE id > 1190',
  'SELECT a, c FROM t ORDER BY c DESC LIMIT 3',
  'SELECT DISTINCT a % 3, e FROM t WHERE id % 7 = 0 ORDER BY 1, 2',
  'SELECT sum(a) OVER (ORDER BY id ROWS 1 PRECEDING), b FROM t WHERE id < 10',
  'SELECT a FROM t WHERE b LIKE \'%ww%\'',
  'SELECT rowid, a FROM t WHERE c = 3',
];

describe('scans decoding only the needed columns agree with SQLite', () => {
  it('on memory and file databases', () => {
    const real = new BetterSqlite3(':memory:') as unknown as Db;
    const mem = new Database(':memory:') as unknown as Db;
    for (const s of SETUP) expect(outcome(mem, s), s).toEqual(outcome(real, s));
    const ourFile = path.join(dir, `o${fileNo++}.db`);
    const w = new Database(ourFile) as unknown as Db;
    for (const s of SETUP) w.exec(s);
    w.close();
    const sqliteFile = path.join(dir, `s${fileNo++}.db`);
    const sw = new BetterSqlite3(sqliteFile) as unknown as Db;
    for (const s of SETUP) sw.exec(s);
    sw.close();
    for (const q of QUERIES) {
      const want = outcome(real, q);
      expect(outcome(mem, q), `memory: ${q}`).toEqual(want);
      for (const file of [ourFile, sqliteFile]) {
        const db = new Database(file) as unknown as Db;
        db.pragma('cache_size = 8');
        expect(outcome(db, q), `${file}: ${q}`).toEqual(want);
        // a second run reads pages the cache now holds decoded
        expect(outcome(db, q), `${file} again: ${q}`).toEqual(want);
        db.close();
      }
    }
    mem.close();
  });
});
