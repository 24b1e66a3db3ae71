/**
 * The order in which a sliding window frame adds rows to an aggregate (xStep) and removes them
 * (xInverse) decides floating-point sums and whether sum() turns REAL: it must be SQLite's.
 * A user aggregate that logs its calls shows the order on both engines (better-sqlite3 is the
 * oracle), for ROWS frames of every shape and partitions shorter than the frame.
 */
import BS3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { Database } from '../../engine/api/index.js';

interface Db {
  exec(sql: string): unknown;
  aggregate(name: string, opts: object): unknown;
  prepare(sql: string): { raw(on?: boolean): { all(...a: unknown[]): unknown[] } };
  close(): unknown;
}

const FRAMES = [
  'ROWS BETWEEN 1 PRECEDING AND 2 FOLLOWING',
  'ROWS BETWEEN 2 PRECEDING AND 1 PRECEDING',
  'ROWS BETWEEN 3 PRECEDING AND CURRENT ROW',
  'ROWS BETWEEN CURRENT ROW AND 2 FOLLOWING',
  'ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING',
  'ROWS BETWEEN 1 PRECEDING AND UNBOUNDED FOLLOWING',
  'ROWS BETWEEN 0 FOLLOWING AND 2 FOLLOWING',
  'ROWS BETWEEN 1 FOLLOWING AND 1 FOLLOWING',
  'ROWS BETWEEN 1 FOLLOWING AND 3 FOLLOWING',
  'ROWS BETWEEN 2 FOLLOWING AND 3 FOLLOWING',
  'ROWS BETWEEN 4 FOLLOWING AND 9 FOLLOWING',
  'ROWS BETWEEN 2 FOLLOWING AND UNBOUNDED FOLLOWING',
  'ROWS BETWEEN 3 FOLLOWING AND 1 FOLLOWING',
];

/** The step/inverse/result calls, per frame and partition size; plus sum()'s values and types. */
function trace(open: () => Db): string[] {
  const out: string[] = [];
  for (const n of [1, 2, 3, 5, 8]) {
    const db = open();
    let log: string[] = [];
    db.aggregate('lg', {
      start: () => 0,
      step: (a: number, x: unknown) => (log.push(`+${String(x)}`), a),
      inverse: (a: number, x: unknown) => (log.push(`-${String(x)}`), a),
      result: () => (log.push('='), 0),
    });
    // p splits the rows into two partitions; x mixes integers and reals
    db.exec(`CREATE TABLE t (p, x); WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < ${n})
      INSERT INTO t SELECT i % 2, CASE WHEN i % 3 = 0 THEN i + 0.1 ELSE i END FROM c`);
    for (const f of FRAMES) {
      log = [];
      db.prepare(`SELECT lg(x) OVER (ORDER BY x ${f}) FROM t`).raw(true).all();
      db.prepare(`SELECT lg(x) OVER (PARTITION BY p ORDER BY x ${f}) FROM t`).raw(true).all();
      const sums = db.prepare(`SELECT sum(x) OVER (ORDER BY x ${f}), typeof(sum(x) OVER (ORDER BY x ${f})) FROM t`).raw(true).all();
      out.push(`${n} ${f}: ${log.join(' ')} | ${JSON.stringify(sums)}`);
    }
    db.close();
  }
  return out;
}

describe('sliding window frames', () => {
  it("step and inverse rows in SQLite's order", () => {
    const ours = trace(() => new Database(':memory:') as unknown as Db);
    const sqlite = trace(() => new BS3(':memory:') as unknown as Db);
    for (let i = 0; i < sqlite.length; i++) expect(ours[i]).toBe(sqlite[i]);
  });
});
