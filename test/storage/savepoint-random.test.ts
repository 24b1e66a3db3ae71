/**
 * Savepoints under random nesting: statement-style savepoints inside a base savepoint (as the
 * SQL layer takes them), user savepoints, releases and partial rollbacks, over a table tree and
 * an index tree, with overflow cells, splits and merges. Oracle: a stack of model snapshots.
 * The final state is checked through a commit, the integrity check and (for files) real SQLite.
 */
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compareValues, type SqlValue } from '../../engine/common/value.js';
import type { KeyInfo, Storage, WriteTxn } from '../../engine/storage/api.js';
import { openStorage } from '../../engine/storage/index.js';
import { addSchema, indexKeys, norm, rmDir, rng, tableRows, tmpDir, withSqlite } from './helpers.js';

const dir = tmpDir('savepoint');
afterAll(() => rmDir(dir));

const KI: KeyInfo = { collations: [undefined, undefined], desc: [false, false] };

function rowValue(r: () => number): SqlValue[] {
  const k = r();
  if (k < 0.06) return [Math.floor(r() * 100), 'ovfl'.repeat(200 + Math.floor(r() * 1500))];
  if (k < 0.5) return [Math.floor(r() * 100), 'v' + Math.floor(r() * 1e6)];
  return [null, 'x'.repeat(Math.floor(r() * 90))];
}

interface Model {
  rows: Map<number, SqlValue[]>;
  /** Index entries keyed by `${a}|${rowid}`; the index holds [a, rowid] for every row. */
  keys: Map<string, SqlValue[]>;
}

function copyModel(m: Model): Model {
  return { rows: new Map(m.rows), keys: new Map(m.keys) };
}

function idxKey(rec: SqlValue[], rowid: number): SqlValue[] {
  return [rec[0], rowid];
}

function keyStr(k: SqlValue[]): string {
  return `${String(k[0])}|${String(k[1])}`;
}

function check(st: Storage, tx: WriteTxn, troot: number, iroot: number, m: Model): void {
  const t = tx.openTable(troot);
  const got: unknown[][] = [];
  const c = t.cursor();
  for (let ok = c.first(); ok; ok = c.next()) got.push([c.rowid(), ...c.record().map(norm)]);
  const want = [...m.rows].sort((a, b) => a[0] - b[0]).map(([id, rec]) => [id, ...rec.map(norm)]);
  expect(got).toEqual(want);
  const ik: unknown[][] = [];
  const ic = tx.openIndex(iroot, KI).cursor();
  for (let ok = ic.first(); ok; ok = ic.next()) ik.push(ic.key().map(norm));
  const wantKeys = [...m.keys.values()].sort((a, b) => compareValues(a[0], b[0]) || compareValues(a[1], b[1])).map((k) => k.map(norm));
  expect(ik).toEqual(wantKeys);
  void st;
}

function run(st: Storage, seed: number, ops: number): { troot: number; iroot: number; model: Model } {
  const r = rng(seed);
  let tx = st.beginWrite();
  const troot = tx.createTree('table');
  const iroot = tx.createTree('index');
  addSchema(tx, 'table', 't', 't', troot, 'CREATE TABLE t(a, b)');
  addSchema(tx, 'index', 'ta', 't', iroot, 'CREATE INDEX ta ON t(a)');
  tx.commit();
  let committed: Model = { rows: new Map(), keys: new Map() };
  let model = copyModel(committed);
  // stack of [token, model snapshot]
  let stack: [number, Model][] = [];
  const begin = () => {
    tx = st.beginWrite();
    stack = [[tx.savepoint(), copyModel(model)]];
  };
  begin();
  const put = (rowid: number, rec: SqlValue[]) => {
    const old = model.rows.get(rowid);
    const t = tx.openTable(troot);
    const ix = tx.openIndex(iroot, KI);
    if (old) {
      ix.delete(idxKey(old, rowid));
      model.keys.delete(keyStr(idxKey(old, rowid)));
    }
    t.insert(rowid, rec);
    ix.insert(idxKey(rec, rowid));
    model.rows.set(rowid, rec);
    model.keys.set(keyStr(idxKey(rec, rowid)), idxKey(rec, rowid));
  };
  const del = (rowid: number) => {
    const old = model.rows.get(rowid);
    expect(tx.openTable(troot).delete(rowid)).toBe(old !== undefined);
    if (old) {
      expect(tx.openIndex(iroot, KI).delete(idxKey(old, rowid))).toBe(true);
      model.keys.delete(keyStr(idxKey(old, rowid)));
      model.rows.delete(rowid);
    }
  };
  for (let op = 0; op < ops; op++) {
    const k = r();
    if (k < 0.7) {
      // a "statement": savepoint, a few changes, then release or roll back
      const sp = tx.savepoint();
      const before = copyModel(model);
      const n = 1 + Math.floor(r() * (r() < 0.1 ? 60 : 3));
      for (let j = 0; j < n; j++) {
        const rowid = 1 + Math.floor(r() * 1500);
        if (r() < 0.65) put(rowid, rowValue(r));
        else del(rowid);
      }
      if (r() < 0.2) {
        tx.rollbackTo(sp);
        model = before;
      }
      tx.release(sp);
    } else if (k < 0.8) {
      stack.push([tx.savepoint(), copyModel(model)]);
    } else if (k < 0.87 && stack.length > 1) {
      // release a random open savepoint (and the deeper ones)
      const i = 1 + Math.floor(r() * (stack.length - 1));
      tx.release(stack[i][0]);
      stack.length = i;
    } else if (k < 0.95) {
      const i = Math.floor(r() * stack.length);
      tx.rollbackTo(stack[i][0]);
      model = copyModel(stack[i][1]);
      stack.length = i + 1;
      if (r() < 0.2) check(st, tx, troot, iroot, model);
    } else if (k < 0.98) {
      check(st, tx, troot, iroot, model);
      tx.commit();
      committed = copyModel(model);
      begin();
    } else {
      tx.rollback();
      model = copyModel(committed);
      begin();
    }
  }
  check(st, tx, troot, iroot, model);
  tx.commit();
  return { troot, iroot, model };
}

describe('randomised nested savepoints vs snapshot oracle', () => {
  for (const [pageSize, seed] of [
    [512, 1],
    [1024, 2],
    [4096, 3],
  ] as const) {
    it(`memory, page size ${pageSize}`, () => {
      const st = openStorage(':memory:', { readonly: false, fileMustExist: false, pageSize });
      const { troot, iroot, model } = run(st, seed, 1500);
      expect(tableRows(st, troot).length).toBe(model.rows.size);
      expect(indexKeys(st, iroot, KI).length).toBe(model.keys.size);
      expect(st.integrityCheck([{ root: troot, kind: 'table', name: 't' }, { root: iroot, kind: 'index', keyInfo: KI, name: 'ta' }], 10)).toEqual([]);
      st.close();
    });
  }

  it('file, page size 1024, checked by SQLite', () => {
    const file = path.join(dir, 'sp.db');
    let st = openStorage(file, { readonly: false, fileMustExist: false, pageSize: 1024 });
    st.cacheSize = 40;
    const { troot, model } = run(st, 9, 1200);
    st.close();
    st = openStorage(file, { readonly: false, fileMustExist: true });
    expect(tableRows(st, troot).length).toBe(model.rows.size);
    st.close();
    withSqlite(file, (db) => {
      const n = db.prepare('SELECT count(*) FROM t').pluck().get();
      expect(n).toBe(BigInt(model.rows.size));
    });
  });

  it('freed pages come back after rolling back to a savepoint (memory database)', () => {
    const st = openStorage(':memory:', { readonly: false, fileMustExist: false, pageSize: 512 });
    let tx = st.beginWrite();
    const root = tx.createTree('table');
    for (let i = 1; i <= 400; i++) tx.openTable(root).insert(i, [i, 'row' + i]);
    tx.commit();
    tx = st.beginWrite();
    const sp = tx.savepoint();
    for (let i = 1; i <= 400; i++) tx.openTable(root).delete(i);
    tx.rollbackTo(sp);
    tx.release(sp);
    tx.commit();
    const rows = tableRows(st, root);
    expect(rows.length).toBe(400);
    expect(rows[399]).toEqual([400n, 400n, 'row400']);
    st.close();
  });
});
