/**
 * Files made by real SQLite open, read back identically, get modified through the tree API
 * (rows and index entries), and pass SQLite's integrity_check (which also verifies every index
 * entry against its table) afterwards.
 */
import Database from 'better-sqlite3';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compareText, Real, type Collation, type SqlValue } from '../../engine/common/value.js';
import type { KeyInfo, Storage, WriteTxn } from '../../engine/storage/api.js';
import { openStorage } from '../../engine/storage/index.js';
import { norm, rmDir, rng, tmpDir, withSqlite } from './helpers.js';

const dir = tmpDir('sqlite');
afterAll(() => rmDir(dir));

const NOCASE: Collation = (a, b) => compareText(a.replace(/[A-Z]/g, (c) => c.toLowerCase()), b.replace(/[A-Z]/g, (c) => c.toLowerCase()));

interface IndexDef {
  name: string;
  root: number;
  cids: number[]; // -1 = rowid
  ki: KeyInfo;
}
interface TableDef {
  name: string;
  root: number;
  withoutRowid: boolean;
  ncol: number;
  pk?: IndexDef; // WITHOUT ROWID: the table's own b-tree
  indexes: IndexDef[];
}

function describeSchema(db: Database.Database): TableDef[] {
  db.defaultSafeIntegers(false);
  const tables = db.prepare("SELECT name, rootpage, sql FROM sqlite_schema WHERE type='table' AND name NOT LIKE 'sqlite_%'").all() as { name: string; rootpage: number; sql: string }[];
  return tables.map((t) => {
    const ncol = (db.prepare(`SELECT count(*) AS n FROM pragma_table_xinfo('${t.name}')`).get() as { n: number }).n;
    const idx = db.prepare(`SELECT name, rootpage FROM sqlite_schema WHERE type='index' AND tbl_name=?`).all(t.name) as { name: string; rootpage: number }[];
    const defs = idx.map((i): IndexDef => {
      const xi = db.prepare(`PRAGMA index_xinfo('${i.name}')`).all() as { cid: number; desc: number; coll: string | null; key: number }[];
      return {
        name: i.name,
        root: i.rootpage,
        cids: xi.map((x) => x.cid),
        ki: { collations: xi.map((x) => (x.coll === 'NOCASE' ? NOCASE : undefined)), desc: xi.map((x) => x.desc === 1) },
      };
    });
    const withoutRowid = /WITHOUT ROWID/i.test(t.sql);
    const pk = withoutRowid ? defs.find((d) => d.root === t.rootpage) : undefined;
    if (withoutRowid) {
      // The PK index of a WITHOUT ROWID table is the table itself (same root).
      const xi = db.prepare(`PRAGMA index_xinfo('${db.prepare(`SELECT name FROM pragma_index_list('${t.name}') WHERE origin='pk'`).pluck().get() as string}')`).all() as {
        cid: number;
        desc: number;
        coll: string | null;
      }[];
      return {
        name: t.name,
        root: t.rootpage,
        withoutRowid,
        ncol,
        pk: { name: 'pk', root: t.rootpage, cids: xi.map((x) => x.cid), ki: { collations: xi.map((x) => (x.coll === 'NOCASE' ? NOCASE : undefined)), desc: xi.map((x) => x.desc === 1) } },
        indexes: defs.filter((d) => d !== pk && d.root !== t.rootpage),
      };
    }
    return { name: t.name, root: t.rootpage, withoutRowid, ncol, pk, indexes: defs };
  });
}

function makeDb(file: string, pageSize: number, nRows: number): void {
  const db = new Database(file);
  db.pragma(`page_size = ${pageSize}`);
  db.exec(`
    CREATE TABLE t1(id INTEGER PRIMARY KEY, a TEXT, b REAL, c BLOB);
    CREATE INDEX t1a ON t1(a);
    CREATE INDEX t1ba ON t1(b DESC, a COLLATE NOCASE);
    CREATE TABLE w(k TEXT, n INT, v, PRIMARY KEY(k, n)) WITHOUT ROWID;
    CREATE INDEX wv ON w(v);
    CREATE TABLE big(x, y);
  `);
  const r = rng(pageSize);
  const ins1 = db.prepare('INSERT INTO t1(id, a, b, c) VALUES (?, ?, ?, ?)');
  const ins2 = db.prepare('INSERT OR REPLACE INTO w VALUES (?, ?, ?)');
  const ins3 = db.prepare('INSERT INTO big VALUES (?, ?)');
  db.transaction(() => {
    for (let i = 1; i <= nRows; i++) {
      ins1.run(i * 3, (i % 5 === 0 ? 'Name' : 'name') + Math.floor(r() * 1000), r() * 1000 + 0.5, i % 10 === 0 ? Buffer.alloc(i % 300, i & 255) : null);
      if (i % 4 === 0) ins2.run('k' + Math.floor(r() * 1000), i % 17, i % 3 === 0 ? 'val' + i : i);
      if (i % 200 === 0) ins3.run(i, Buffer.alloc(pageSize * 3 + 17, i & 255));
    }
  })();
  db.close();
}

/** Row as stored in the table b-tree (for WITHOUT ROWID: PK columns first, then the rest). */
function entryFor(cids: number[], row: SqlValue[], rowid: number): SqlValue[] {
  return cids.map((c) => (c === -1 ? rowid : row[c]));
}

function insertRow(tx: WriteTxn, t: TableDef, rowid: number, row: SqlValue[]): void {
  if (t.withoutRowid) tx.openIndex(t.root, t.pk!.ki).insert(entryFor(t.pk!.cids, row, rowid));
  else tx.openTable(t.root).insert(rowid, row);
  for (const ix of t.indexes) tx.openIndex(ix.root, ix.ki).insert(entryFor(ix.cids, row, rowid));
}

function deleteRow(tx: WriteTxn, t: TableDef, rowid: number, row: SqlValue[]): void {
  if (t.withoutRowid) expect(tx.openIndex(t.root, t.pk!.ki).delete(entryFor(t.pk!.cids, row, rowid))).toBe(true);
  else expect(tx.openTable(t.root).delete(rowid)).toBe(true);
  for (const ix of t.indexes) expect(tx.openIndex(ix.root, ix.ki).delete(entryFor(ix.cids, row, rowid))).toBe(true);
}

/** Rows of a table as [rowid?, ...columns in declared order], read through our engine. */
function ourRows(st: Storage, t: TableDef): unknown[][] {
  const v = st.read();
  const out: unknown[][] = [];
  if (!t.withoutRowid) {
    const c = v.openTable(t.root).cursor();
    for (let ok = c.first(); ok; ok = c.next()) out.push([norm(c.rowid()), ...c.record().map(norm)]);
    return out;
  }
  const c = v.openIndex(t.root, t.pk!.ki).cursor();
  for (let ok = c.first(); ok; ok = c.next()) {
    const k = c.key();
    const row = new Array<unknown>(t.ncol);
    t.pk!.cids.forEach((cid, i) => (row[cid] = norm(k[i])));
    out.push(row);
  }
  return out;
}

/** Rows as SQLite reads them, as SqlValues; [rowid, ...cols] for rowid tables (an INTEGER PRIMARY KEY column reads as NULL, as stored). */
function sqliteTableRows(db: Database.Database, t: TableDef): SqlValue[][] {
  let sql: string;
  if (!t.withoutRowid) sql = t.name === 't1' ? 'SELECT rowid, NULL, a, b, c FROM t1 ORDER BY rowid' : `SELECT rowid, * FROM ${t.name} ORDER BY rowid`;
  else {
    const pkCols = db.prepare(`SELECT name FROM pragma_table_info('${t.name}') WHERE pk > 0 ORDER BY pk`).pluck().all() as string[];
    sql = `SELECT * FROM ${t.name} ORDER BY ${pkCols.join(', ')}`;
  }
  return (db.prepare(sql).raw(true).all() as unknown[][]).map((r) => r.map(toSql));
}
const normRows = (rows: SqlValue[][]) => rows.map((r) => r.map(norm));

function toSql(v: unknown): SqlValue {
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v;
  if (typeof v === 'number') return Number.isSafeInteger(v) ? new Real(v) : v;
  if (Buffer.isBuffer(v)) return v;
  return v as SqlValue;
}

describe('real SQLite files', () => {
  for (const [pageSize, nRows] of [
    [512, 3000],
    [1024, 3000],
    [4096, 100000],
    [65536, 3000],
  ] as const) {
    it(`page size ${pageSize}, ${nRows} rows: read, modify, integrity`, () => {
      const file = path.join(dir, `s${pageSize}.db`);
      makeDb(file, pageSize, nRows);
      const probe = new Database(file, { readonly: true });
      probe.defaultSafeIntegers(true);
      const defs = describeSchema(probe);
      probe.defaultSafeIntegers(true);
      const before = new Map(defs.map((t) => [t.name, sqliteTableRows(probe, t)]));
      const schemaRows = normRows((probe.prepare('SELECT type, name, tbl_name, rootpage, sql FROM sqlite_schema ORDER BY rowid').raw(true).all() as unknown[][]).map((r) => r.map(toSql)));
      probe.close();

      const st = openStorage(file, { readonly: false, fileMustExist: true });
      st.cacheSize = 200;
      expect(st.read().header.pageSize).toBe(pageSize);
      expect(ourRows(st, { name: 'sqlite_schema', root: 1, withoutRowid: false, ncol: 5, indexes: [] }).map((r) => r.slice(1))).toEqual(schemaRows);
      for (const t of defs) expect(ourRows(st, t)).toEqual(normRows(before.get(t.name)!));

      // modify: delete every third row, update every seventh, insert new ones
      const r = rng(pageSize + 99);
      const tx = st.beginWrite();
      const expected = new Map<string, unknown[][]>();
      for (const t of defs) {
        const rows = before.get(t.name)!;
        const kept: unknown[][] = [];
        rows.forEach((raw, i) => {
          const rowid = t.withoutRowid ? 0 : (raw[0] as number);
          const row = t.withoutRowid ? raw : raw.slice(1);
          if (i % 3 === 1) deleteRow(tx, t, rowid, row);
          else if (i % 7 === 2 && t.name === 't1') {
            deleteRow(tx, t, rowid, row);
            const nrow: SqlValue[] = [null, 'upd' + i, r() * 10 + 0.25, null];
            insertRow(tx, t, rowid, nrow);
            kept.push([rowid, ...nrow].map(norm));
          } else kept.push(raw.map(norm));
        });
        if (t.name === 't1') {
          for (let k = 0; k < 500; k++) {
            const rowid = nRows * 3 + 10 + k;
            const nrow: SqlValue[] = [null, 'new' + k, k + 0.5, Buffer.alloc(k % 50, 1)];
            insertRow(tx, t, rowid, nrow);
            kept.push([rowid, ...nrow].map(norm));
          }
        }
        expected.set(t.name, kept);
      }
      tx.commit();
      for (const t of defs) {
        const got = ourRows(st, t);
        expect(got.length).toBe(expected.get(t.name)!.length);
        expect(got).toEqual(expected.get(t.name));
      }
      const trees = defs.flatMap((t) => [
        t.withoutRowid ? { root: t.root, kind: 'index' as const, keyInfo: t.pk!.ki, name: t.name } : { root: t.root, kind: 'table' as const, name: t.name },
        ...t.indexes.map((i) => ({ root: i.root, kind: 'index' as const, keyInfo: i.ki, name: i.name })),
      ]);
      expect(st.integrityCheck(trees, 100)).toEqual([]);
      st.close();
      withSqlite(file, (db) => {
        for (const t of defs) {
          const got = normRows(sqliteTableRows(db, t));
          const want = expected.get(t.name)!;
          expect(got.length).toBe(want.length);
          expect(got).toEqual(want);
        }
      });
    });
  }
});
