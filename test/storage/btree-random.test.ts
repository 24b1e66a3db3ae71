import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compareValues, type SqlValue } from '../../engine/common/value.js';
import type { KeyInfo } from '../../engine/storage/api.js';
import { openStorage } from '../../engine/storage/index.js';
import { addSchema, norm, rmDir, rng, sqliteRows, tmpDir, withSqlite } from './helpers.js';

const dir = tmpDir('random');
afterAll(() => rmDir(dir));

function payload(r: () => number): SqlValue[] {
  const k = r();
  if (k < 0.05) return ['big'.repeat(Math.floor(r() * 3000)), Buffer.alloc(Math.floor(r() * 5000), 7)];
  if (k < 0.5) return [Math.floor(r() * 1e9), 'v' + Math.floor(r() * 1e6)];
  return [null, 'x'.repeat(Math.floor(r() * 120))];
}

describe('randomised table B-tree vs Map oracle', () => {
  for (const pageSize of [512, 1024, 4096]) {
    it(`page size ${pageSize}`, () => {
      const file = path.join(dir, `tbl${pageSize}.db`);
      const st = openStorage(file, { readonly: false, fileMustExist: false, pageSize });
      st.cacheSize = 50; // force eviction
      const r = rng(pageSize * 7);
      const oracle = new Map<number, SqlValue[]>();
      let tx = st.beginWrite();
      const root = tx.createTree('table');
      addSchema(tx, 'table', 't', 't', root, 'CREATE TABLE t(a, b)');
      tx.commit();
      const OPS = 20000;
      for (let op = 0; op < OPS; op++) {
        if (!tx.open) tx = st.beginWrite();
        const t = tx.openTable(root);
        const k = r();
        const rowid = Math.floor(r() * 3000);
        if (k < 0.45) {
          const rec = payload(r);
          t.insert(rowid, rec);
          oracle.set(rowid, rec);
        } else if (k < 0.75) {
          expect(t.delete(rowid)).toBe(oracle.delete(rowid));
        } else if (k < 0.85) {
          const got = t.get(rowid);
          const want = oracle.get(rowid);
          expect(got?.map(norm)).toEqual(want?.map(norm));
        } else if (k < 0.9) {
          // seek + iterate a little while modifying
          const c = t.cursor();
          c.seek(rowid);
          const keys = [...oracle.keys()].sort((a, b) => a - b);
          let pos = keys.findIndex((x) => x >= rowid);
          for (let s = 0; s < 20 && c.valid; s++) {
            expect(c.rowid()).toBe(keys[pos]);
            if (r() < 0.3) {
              // delete the current row and insert one further ahead; the cursor must continue correctly
              t.delete(keys[pos]);
              oracle.delete(keys[pos]);
            }
            c.next();
            pos++;
          }
        } else if (k < 0.93) {
          tx.commit();
        } else if (k < 0.94) {
          // rollback: restore oracle from committed state
          tx.rollback();
          oracle.clear();
          const c = st.read().openTable(root).cursor();
          for (let ok = c.first(); ok; ok = c.next()) oracle.set(Number(c.rowid()), c.record().slice());
        } else {
          // savepoint then partial rollback
          const sp = tx.savepoint();
          const snapshot = new Map(oracle);
          for (let j = 0; j < 30; j++) {
            const id = Math.floor(r() * 3000);
            if (r() < 0.5) {
              const rec = payload(r);
              t.insert(id, rec);
              oracle.set(id, rec);
            } else {
              t.delete(id);
              oracle.delete(id);
            }
          }
          if (r() < 0.5) {
            tx.rollbackTo(sp);
            oracle.clear();
            for (const [a, b] of snapshot) oracle.set(a, b);
          }
          tx.release(sp);
        }
      }
      if (tx.open) tx.commit();
      const view = st.read().openTable(root);
      expect(view.count()).toBe(oracle.size);
      const c = view.cursor();
      const keys = [...oracle.keys()].sort((a, b) => a - b);
      let i = 0;
      for (let ok = c.first(); ok; ok = c.next(), i++) {
        expect(c.rowid()).toBe(keys[i]);
        expect(c.record().map(norm)).toEqual(oracle.get(keys[i])!.map(norm));
      }
      expect(i).toBe(keys.length);
      // backwards
      i = keys.length - 1;
      for (let ok = c.last(); ok; ok = c.prev(), i--) expect(c.rowid()).toBe(keys[i]);
      expect(i).toBe(-1);
      expect(st.integrityCheck([{ root, kind: 'table', name: 't' }], 100)).toEqual([]);
      st.close();
      withSqlite(file, (db) => {
        const rows = sqliteRows(db, 'SELECT rowid, a, b FROM t ORDER BY rowid');
        expect(rows.length).toBe(keys.length);
        expect(rows.map((x) => Number(x[0] as bigint))).toEqual(keys);
      });
    });
  }
});

describe('randomised index B-tree vs sorted-array oracle', () => {
  const ki: KeyInfo = { collations: [undefined, undefined], desc: [true, false] };
  const cmp = (a: SqlValue[], b: SqlValue[]) => {
    const c = compareValues(a[0], b[0]);
    if (c !== 0) return -c;
    return compareValues(a[1], b[1]);
  };
  for (const pageSize of [512, 4096]) {
    it(`page size ${pageSize}, DESC first column`, () => {
      const file = path.join(dir, `idx${pageSize}.db`);
      const st = openStorage(file, { readonly: false, fileMustExist: false, pageSize });
      const r = rng(pageSize + 1);
      let tx = st.beginWrite();
      const troot = tx.createTree('table');
      const iroot = tx.createTree('index');
      addSchema(tx, 'table', 't', 't', troot, 'CREATE TABLE t(a)');
      addSchema(tx, 'index', 'i', 't', iroot, 'CREATE INDEX i ON t(a DESC)');
      const rows = new Map<number, SqlValue>();
      const value = (): SqlValue => {
        const k = r();
        if (k < 0.4) return Math.floor(r() * 500);
        if (k < 0.8) return 'k' + Math.floor(r() * 500) + (r() < 0.1 ? 'y'.repeat(Math.floor(r() * 600)) : '');
        if (k < 0.9) return null;
        return Buffer.from([Math.floor(r() * 256), 1, 2]);
      };
      for (let op = 0; op < 15000; op++) {
        if (!tx.open) tx = st.beginWrite();
        const t = tx.openTable(troot);
        const ix = tx.openIndex(iroot, ki);
        const rowid = Math.floor(r() * 2500) + 1;
        const k = r();
        if (k < 0.55) {
          const old = rows.get(rowid);
          if (old !== undefined) expect(ix.delete([old, rowid])).toBe(true);
          const v = value();
          t.insert(rowid, [v]);
          ix.insert([v, rowid]);
          rows.set(rowid, v);
        } else if (k < 0.9) {
          const old = rows.get(rowid);
          if (old !== undefined) {
            expect(ix.delete([old, rowid])).toBe(true);
            expect(t.delete(rowid)).toBe(true);
            rows.delete(rowid);
          } else expect(ix.delete([value(), rowid])).toBe(false);
        } else if (k < 0.98) {
          const probe = value();
          const sorted = [...rows].map(([id, v]) => [v, id] as SqlValue[]).sort(cmp);
          const c = ix.cursor();
          for (const bias of ['ge', 'gt', 'le', 'lt'] as const) {
            c.seek([probe], bias);
            let want: SqlValue[] | undefined;
            const cp = (e: SqlValue[]) => -compareValues(e[0], probe);
            if (bias === 'ge') want = sorted.find((e) => cp(e) >= 0);
            if (bias === 'gt') want = sorted.find((e) => cp(e) > 0);
            if (bias === 'le') want = [...sorted].reverse().find((e) => cp(e) <= 0);
            if (bias === 'lt') want = [...sorted].reverse().find((e) => cp(e) < 0);
            expect(c.valid).toBe(want !== undefined);
            if (want) expect(c.key().map(norm)).toEqual(want.map(norm));
          }
        } else tx.commit();
      }
      if (tx.open) tx.commit();
      const sorted = [...rows].map(([id, v]) => [v, id] as SqlValue[]).sort(cmp);
      const c = st.read().openIndex(iroot, ki).cursor();
      let i = 0;
      for (let ok = c.first(); ok; ok = c.next(), i++) expect(c.key().map(norm)).toEqual(sorted[i].map(norm));
      expect(i).toBe(sorted.length);
      i = sorted.length - 1;
      for (let ok = c.last(); ok; ok = c.prev(), i--) expect(c.key().map(norm)).toEqual(sorted[i].map(norm));
      expect(
        st.integrityCheck(
          [
            { root: troot, kind: 'table', name: 't' },
            { root: iroot, kind: 'index', keyInfo: ki, name: 'i' },
          ],
          100,
        ),
      ).toEqual([]);
      st.close();
      withSqlite(file, (db) => {
        expect(sqliteRows(db, 'SELECT a, rowid FROM t INDEXED BY i ORDER BY a DESC, rowid').length).toBe(sorted.length);
        expect(sqliteRows(db, 'SELECT count(*) FROM t')).toEqual([[BigInt(rows.size)]]);
      });
    });
  }
});
