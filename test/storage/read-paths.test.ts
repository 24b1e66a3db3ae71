/**
 * Read fast paths: TableCursor.column() against record(), and sequential read-ahead of cold
 * pages, which must never return a main-file image of a page whose newer image is in the log.
 */
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { SqlValue } from '../../engine/common/value.js';
import { openStorage } from '../../engine/storage/index.js';
import { addSchema, norm, randomValue, rmDir, rng, tableRows, tmpDir, withSqlite } from './helpers.js';

const dir = tmpDir('readpaths');
afterAll(() => rmDir(dir));

describe('TableCursor.column', () => {
  it('equals record()[i] for every column, undefined past the end, with overflow records', () => {
    const st = openStorage(':memory:', { readonly: false, fileMustExist: false, pageSize: 1024 });
    const r = rng(42);
    const tx = st.beginWrite();
    const root = tx.createTree('table');
    const t = tx.openTable(root);
    const want = new Map<number, SqlValue[]>();
    for (let i = 1; i <= 600; i++) {
      const n = Math.floor(r() * 7);
      const rec: SqlValue[] = [];
      for (let k = 0; k < n; k++) rec.push(randomValue(r, r() < 0.05));
      t.insert(i, rec);
      want.set(i, rec);
    }
    tx.commit();
    const check = (useRecordFirst: boolean) => {
      const c = st.read().openTable(root).cursor();
      let seen = 0;
      for (let ok = c.first(); ok; ok = c.next()) {
        const rec = want.get(Number(c.rowid()))!;
        if (useRecordFirst) expect(c.record().map(norm)).toEqual(rec.map(norm));
        for (let k = 0; k < rec.length; k++) expect(norm(c.column!(k) as SqlValue)).toEqual(norm(rec[k]));
        expect(c.column!(rec.length)).toBeUndefined();
        seen++;
      }
      expect(seen).toBe(600);
    };
    check(false); // records not decoded yet: read from the cell bytes
    check(true); // records cached: read from the decoded array
    st.close();
  });
});

describe('read-ahead of cold pages', () => {
  it('reads the log image of pages changed after the last checkpoint', () => {
    const file = path.join(dir, 'ra.db');
    const st = openStorage(file, { readonly: false, fileMustExist: false, pageSize: 512 });
    st.walAutocheckpoint = 0;
    let tx = st.beginWrite();
    const root = tx.createTree('table');
    addSchema(tx, 'table', 't', 't', root, 'CREATE TABLE t(a, b)');
    for (let i = 1; i <= 3000; i++) tx.openTable(root).insert(i, [i, 'old' + i]);
    tx.commit();
    st.checkpoint('TRUNCATE'); // every page now in the main file only
    // Change rows scattered over many leaves; the new images stay in the log.
    tx = st.beginWrite();
    for (let i = 7; i <= 3000; i += 37) tx.openTable(root).insert(i, [i, 'new' + i]);
    tx.commit();
    st.cacheSize = 16; // evict: the scan below misses on almost every page
    st.cacheSize = -2000;
    const rows = tableRows(st, root);
    expect(rows.length).toBe(3000);
    for (const row of rows) {
      const i = Number(row[0]);
      expect(row[2]).toBe((i - 7) % 37 === 0 ? 'new' + i : 'old' + i);
    }
    st.close();
    withSqlite(file, (db) => {
      expect(db.prepare("SELECT count(*) FROM t WHERE b LIKE 'new%'").pluck().get()).toBe(BigInt(Math.floor((3000 - 7) / 37) + 1));
    });
  });
});
