import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Real, type SqlValue } from '../../engine/common/value.js';
import { openStorage } from '../../engine/storage/index.js';
import { addSchema, BIN1, indexKeys, norm, randomValue, rmDir, rng, sqliteRows, tableRows, tmpDir, withSqlite } from './helpers.js';

const dir = tmpDir('basic');
afterAll(() => rmDir(dir));

describe('memory database', () => {
  it('inserts, reads, iterates, deletes', () => {
    const st = openStorage(':memory:', { readonly: false, fileMustExist: false });
    const tx = st.beginWrite();
    const root = tx.createTree('table');
    const t = tx.openTable(root);
    for (let i = 1; i <= 3000; i++) t.insert(i, [i, 'row' + i, i % 7 === 0 ? null : new Real(i)]);
    expect(t.count()).toBe(3000);
    // uncommitted data is invisible to readers
    expect(() => st.read().openTable(root).get(1)).toThrow();
    tx.commit();
    const r = st.read().openTable(root);
    expect(r.get(1234)).toEqual([1234, 'row1234', new Real(1234)]);
    expect(r.get(3001)).toBeUndefined();
    expect(r.maxRowid()).toBe(3000);
    const tx2 = st.beginWrite();
    const t2 = tx2.openTable(root);
    for (let i = 1; i <= 3000; i += 2) expect(t2.delete(i)).toBe(true);
    expect(t2.delete(1)).toBe(false);
    tx2.commit();
    expect(r.count()).toBe(1500);
    const c = r.cursor();
    let n = 0;
    for (let ok = c.first(); ok; ok = c.next()) {
      expect(c.rowid()).toBe(2 * (n + 1));
      n++;
    }
    expect(n).toBe(1500);
    expect(st.integrityCheck([{ root, kind: 'table', name: 't' }], 100)).toEqual([]);
    st.close();
  });
});

describe('file database read by SQLite', () => {
  for (const pageSize of [512, 4096, 65536]) {
    it(`writes a table and an index readable by SQLite (page size ${pageSize})`, () => {
      const file = path.join(dir, `t${pageSize}.db`);
      const st = openStorage(file, { readonly: false, fileMustExist: false, pageSize });
      const tx = st.beginWrite();
      const troot = tx.createTree('table');
      const iroot = tx.createTree('index');
      addSchema(tx, 'table', 't', 't', troot, 'CREATE TABLE t(a, b)');
      addSchema(tx, 'index', 'i', 't', iroot, 'CREATE INDEX i ON t(a)');
      const t = tx.openTable(troot);
      const ix = tx.openIndex(iroot, BIN1);
      const r = rng(pageSize);
      const rows = new Map<number, SqlValue[]>();
      for (let i = 0; i < 2000; i++) {
        const rowid = Math.floor(r() * 100000) - 5000;
        const rec = [randomValue(r), randomValue(r, i % 50 === 0)];
        const old = rows.get(rowid);
        if (old) ix.delete([old[0], rowid]);
        t.insert(rowid, rec);
        ix.insert([rec[0], rowid]);
        rows.set(rowid, rec);
      }
      tx.commit();
      expect(st.integrityCheck([{ root: troot, kind: 'table', name: 't' }, { root: iroot, kind: 'index', keyInfo: BIN1, name: 'i' }], 100)).toEqual([]);
      const ours = tableRows(st, troot);
      const ourIdx = indexKeys(st, iroot, BIN1);
      st.close();
      withSqlite(file, (db) => {
        expect(sqliteRows(db, 'SELECT rowid, a, b FROM t ORDER BY rowid')).toEqual(ours);
        expect(sqliteRows(db, 'SELECT a, rowid FROM t INDEXED BY i ORDER BY a, rowid')).toEqual(ourIdx);
        expect(ours.length).toBe(rows.size);
      });
      // reopen and read back
      const st2 = openStorage(file, { readonly: false, fileMustExist: true });
      expect(tableRows(st2, troot)).toEqual(ours);
      const sorted = [...rows.keys()].sort((a, b) => a - b);
      expect(ours.map((x) => x[0])).toEqual(sorted.map((x) => BigInt(x)));
      expect(st2.read().openTable(troot).get(sorted[7])!.map(norm)).toEqual(rows.get(sorted[7])!.map(norm));
      st2.close();
    });
  }
});
