/**
 * AS OF reads through the byte-level column fast paths (TableCursor.columns/column, used by
 * count/sum/total/avg scans and column filters): the snapshot cursor serves current rows from
 * the B-tree's bytes and old versions through ValuesColumns (engine/mvcc/values-columns.ts).
 * Oracle: a plain copy of the table made at the point, aggregated by the ordinary path, for
 * values of every storage class and serial type (0/1, 1- to 8-byte integers, bigints, REALs,
 * integral REALs, NaN-free floats, ASCII / non-ASCII / NUL-holding text, blobs, NULL).
 */
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Database } from '../../engine/api/index.js';
import { rng, tempDir } from './helpers.js';

function value(r: () => number, k: number): unknown {
  switch (k % 12) {
    case 0:
      return null;
    case 1:
      return Math.floor(r() * 2); // 0 / 1: serial types 8 and 9
    case 2:
      return Math.floor(r() * 200) - 100;
    case 3:
      return Math.floor(r() * 2 ** 40) - 2 ** 39;
    case 4:
      return Math.floor(r() * 2 ** 52);
    case 5:
      return BigInt(2) ** 62n - BigInt(Math.floor(r() * 1000));
    case 6:
      return r() * 1000 - 500;
    case 7:
      return 3.0; // integral REAL when the column has REAL affinity; INTEGER otherwise
    case 8:
      return `ascii-${Math.floor(r() * 1000)}`;
    case 9:
      return `nön-äscii-${Math.floor(r() * 1000)}`;
    case 10:
      return `nul\u0000inside-${Math.floor(r() * 10)}`;
    default:
      return Buffer.from([1, 2, 3, Math.floor(r() * 255)]);
  }
}

const AGG = 'count(*), count(a), sum(a), total(a), avg(a), count(b), sum(length(b)), total(c), sum(c), sum(length(d)), sum(rowid)';

describe('AS OF through the column fast paths', () => {
  for (const seed of [1, 2]) {
    it(`aggregates and filters equal a copy made at the point (seed ${seed})`, () => {
      const r = rng(seed);
      const db = new Database(path.join(tempDir(), 'cols.db'));
      db.pragma('helios_retention = 3600');
      db.defaultSafeIntegers(true);
      db.exec('CREATE TABLE t(id INTEGER PRIMARY KEY, a, b TEXT, c REAL, d BLOB)');
      const ins = db.prepare('INSERT INTO t(id, a, b, c, d) VALUES (?, ?, ?, ?, ?)');
      db.transaction(() => {
        for (let i = 1; i <= 3000; i++) ins.run(i, value(r, i), value(r, i + 3), value(r, i + 5), value(r, i + 7));
      })();
      db.exec('CREATE TABLE copy AS SELECT * FROM t');
      const point = db.prepare('SELECT helios_txn()').pluck().get();
      // change a third of the rows afterwards: updates of every kind, deletes, inserts
      const upd = db.prepare('UPDATE t SET a = ?, b = ?, c = ?, d = ? WHERE id = ?');
      db.transaction(() => {
        for (let i = 1; i <= 3000; i += 3) upd.run(value(r, i + 1), value(r, i + 2), value(r, i + 4), value(r, i + 6), i);
        db.exec('DELETE FROM t WHERE id % 7 = 0');
        for (let i = 3001; i <= 3300; i++) ins.run(i, value(r, i), value(r, i), value(r, i), value(r, i));
      })();
      const asOf = `t AS OF TRANSACTION ${point}`;
      expect(db.prepare(`SELECT ${AGG} FROM ${asOf}`).raw().get()).toEqual(db.prepare(`SELECT ${AGG} FROM copy`).raw().get());
      for (const where of ['a < 50', 'a IS NULL', "b > 'm'", 'c > 0', 'length(b) > 12', 'a = 1']) {
        expect(db.prepare(`SELECT count(*), sum(id) FROM ${asOf} WHERE ${where}`).raw().get(), where).toEqual(
          db.prepare(`SELECT count(*), sum(id) FROM copy WHERE ${where}`).raw().get(),
        );
      }
      // and the current table still answers for itself
      expect(db.prepare(`SELECT ${AGG} FROM t`).raw().get()).not.toEqual(db.prepare(`SELECT ${AGG} FROM copy`).raw().get());
      db.close();
    });
  }
});
