/**
 * Deferred and lazy work on the storage hot paths: memory databases' batched rebase of cells
 * onto page images, records cached only on warm pages, the table-leaf decoder's inline varints,
 * and the dirty-page tables and undo arrays reused across transactions.
 */
import Database from 'better-sqlite3';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { SqlValue } from '../../engine/common/value.js';
import type { Rowid } from '../../engine/storage/api.js';
import { openStorage } from '../../engine/storage/index.js';
import { addSchema, norm, randomValue, rmDir, rng, tableRows, tmpDir, withSqlite } from './helpers.js';

const dir = tmpDir('lazy');
afterAll(() => rmDir(dir));

const MEM = { readonly: false, fileMustExist: false } as const;

function expectRows(rows: unknown[][], want: Map<number, SqlValue[]>): void {
  const exp = [...want.entries()].sort((a, b) => a[0] - b[0]).map(([k, v]) => [BigInt(k), ...v.map(norm)]);
  expect(rows).toEqual(exp);
}

describe('memory databases: batched rebase', () => {
  it('keeps content exact across many commits, open cursors and rolled-back savepoints', () => {
    const st = openStorage(':memory:', { ...MEM, pageSize: 1024 });
    const r = rng(7);
    let tx = st.beginWrite();
    const root = tx.createTree('table');
    addSchema(tx, 'table', 't', 't', root, 'CREATE TABLE t(a, b, c)');
    const want = new Map<number, SqlValue[]>();
    for (let i = 1; i <= 3000; i++) {
      const rec: SqlValue[] = [i, 'row-' + i, randomValue(r)];
      tx.openTable(root).insert(i, rec);
      want.set(i, rec);
    }
    tx.commit();
    // A reader that stays open across every commit below (re-seeks by rowid).
    const reader = st.read().openTable(root).cursor();
    expect(reader.first()).toBe(true);
    let readerSeen = 1;
    // ~9 MB of new records (about 100 bytes each) in total: several rebase batches (4 MB each).
    for (let round = 0; round < 60; round++) {
      tx = st.beginWrite();
      const base = tx.savepoint();
      const t = tx.openTable(root);
      for (let k = 0; k < 1500; k++) {
        const id = 1 + Math.floor(r() * 3200);
        const rec: SqlValue[] = [id, 'v' + round + '-' + k + 'x'.repeat(Math.floor(r() * 120)), randomValue(r)];
        if (r() < 0.1 && want.has(id)) {
          t.delete(id);
          want.delete(id);
        } else {
          t.insert(id, rec);
          want.set(id, rec);
        }
      }
      // A statement savepoint that is rolled back changes nothing.
      const sp = tx.savepoint();
      for (let k = 0; k < 50; k++) t.insert(1 + Math.floor(r() * 3200), ['discarded']);
      tx.rollbackTo(sp);
      tx.release(sp);
      tx.release(base);
      tx.commit();
      for (let s = 0; s < 40 && reader.next(); s++) readerSeen++;
      if (round % 15 === 14) expectRows(tableRows(st, root), want);
    }
    expect(readerSeen).toBeGreaterThan(1000);
    expectRows(tableRows(st, root), want);
    for (const [id, rec] of want) expect(st.read().openTable(root).get(id)!.map(norm)).toEqual(rec.map(norm));
    // The image is a valid SQLite database with the same rows.
    const db = new Database(Buffer.from(st.serialize()));
    try {
      db.defaultSafeIntegers(true);
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(db.prepare('SELECT count(*) FROM t').pluck().get()).toBe(BigInt(want.size));
    } finally {
      db.close();
    }
    st.close();
  });
});

describe('decoded-record cache', () => {
  it('caches records only on pages used again from the cache, and never changes a returned record', () => {
    const file = path.join(dir, 'warm.db');
    let st = openStorage(file, { ...MEM, pageSize: 1024 });
    let tx = st.beginWrite();
    const root = tx.createTree('table');
    addSchema(tx, 'table', 't', 't', root, 'CREATE TABLE t(a, b)');
    for (let i = 1; i <= 500; i++) tx.openTable(root).insert(i, [i, 'r' + i]);
    tx.commit();
    st.close();
    st = openStorage(file, { ...MEM, fileMustExist: true });
    const t = st.read().openTable(root);
    const c = t.cursor();
    expect(c.seek(250)).toBe(true);
    const first = c.record();
    const second = c.record();
    // First use of a page read from the file: decoded each time, equal values.
    expect(second).not.toBe(first);
    expect(second).toEqual(first);
    // The page is used again from the cache: now warm, its records are cached.
    const a = t.get(250)!;
    expect(t.get(250)).toBe(a);
    expect(a).toEqual([250, 'r250']);
    // Replacing the row gives a new array; the one handed out is unchanged.
    tx = st.beginWrite();
    tx.openTable(root).insert(250, [0, 'changed']);
    tx.commit();
    expect(a).toEqual([250, 'r250']);
    expect(t.get(250)).toEqual([0, 'changed']);
    expect(first).toEqual([250, 'r250']);
    st.close();
  });
});

describe('table leaf decoding', () => {
  it('reads rowids of every varint length and payloads around the local limits from a cold file', () => {
    const file = path.join(dir, 'varints.db');
    const st0 = openStorage(file, { ...MEM, pageSize: 512 });
    const tx = st0.beginWrite();
    const root = tx.createTree('table');
    addSchema(tx, 'table', 't', 't', root, 'CREATE TABLE t(a)');
    const keys: Rowid[] = [0, 1, 127, 128, 129, 16383, 16384, 2 ** 21 - 1, 2 ** 21, 2 ** 28 - 1, 2 ** 28, 2 ** 35, 2 ** 49, 2 ** 53 - 1, -1, -(2 ** 40), 9223372036854775807n, -9223372036854775808n];
    for (let k = 2; k < 300; k++) keys.push(k * 9973);
    const want = new Map<string, number>();
    keys.forEach((k, j) => {
      // payload sizes from 2 bytes to past the local limit of a 512-byte page (overflow)
      const len = (j * 37) % 700;
      tx.openTable(root).insert(k, ['y'.repeat(len)]);
      want.set(String(k), len);
    });
    tx.commit();
    st0.close();
    const st = openStorage(file, { ...MEM, fileMustExist: true });
    const c = st.read().openTable(root).cursor();
    const got = new Map<string, number>();
    let prev: Rowid | null = null;
    for (let ok = c.first(); ok; ok = c.next()) {
      const k = c.rowid();
      if (prev !== null) expect(k > prev).toBe(true);
      prev = k;
      got.set(String(k), (c.record()[0] as string).length);
    }
    expect(got).toEqual(want);
    for (const k of keys) expect((st.read().openTable(root).get(k)![0] as string).length).toBe(want.get(String(k)));
    st.close();
    withSqlite(file, (db) => {
      expect(db.prepare('SELECT count(*) FROM t').pluck().get()).toBe(BigInt(keys.length));
      expect(db.prepare('SELECT sum(length(a)) FROM t').pluck().get()).toBe(BigInt([...want.values()].reduce((x, y) => x + y, 0)));
    });
  });
});

describe('per-transaction tables reused across transactions', () => {
  it('an ended transaction never sees a later transaction; interleaved databases stay apart', () => {
    const a = openStorage(':memory:', MEM);
    const b = openStorage(':memory:', MEM);
    let ta = a.beginWrite();
    const ra = ta.createTree('table');
    ta.openTable(ra).insert(1, ['a1']);
    const endedTree = ta.openTable(ra);
    ta.commit();
    ta = a.beginWrite();
    ta.openTable(ra).insert(2, ['a2-uncommitted']);
    expect(endedTree.get(2)).toBeUndefined();
    expect(endedTree.get(1)).toEqual(['a1']);
    const tb = b.beginWrite();
    const rb = tb.createTree('table');
    const spb = tb.savepoint();
    const spa = ta.savepoint();
    for (let i = 10; i < 400; i++) {
      tb.openTable(rb).insert(i, ['b' + i]);
      ta.openTable(ra).insert(i, ['a' + i]);
    }
    tb.rollbackTo(spb);
    tb.release(spb);
    ta.release(spa);
    tb.commit();
    ta.rollback();
    expect(tableRows(a, ra)).toEqual([[1n, 'a1']]);
    expect(tableRows(b, rb)).toEqual([]);
    ta = a.beginWrite();
    const sp = ta.savepoint();
    ta.openTable(ra).insert(3, ['a3']);
    ta.rollbackTo(sp);
    ta.openTable(ra).insert(4, ['a4']);
    ta.release(sp);
    ta.commit();
    expect(tableRows(a, ra)).toEqual([
      [1n, 'a1'],
      [4n, 'a4'],
    ]);
    a.close();
    b.close();
    expect(fs.existsSync(dir)).toBe(true);
  });
});
