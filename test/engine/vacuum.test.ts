/**
 * VACUUM rebuilds the database like SQLite: same errors, the file shrinks (no free pages),
 * rows and rowids kept, other connections and prepared statements keep working, and the file
 * stays a valid SQLite database (checked by real SQLite).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import BS3 from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { Database } from '../../engine/api/index.js';
import { bruteForce, fill, randomVectors } from '../vector/helpers.js';
import type { Storage } from '../../engine/storage/api.js';
import { FaultVfs, MemoryVfs, openStorage, type FaultKind } from '../../engine/storage/index.js';
import { vacuumStorage } from '../../engine/storage/vacuum.js';
import type { Vfs } from '../../engine/storage/vfs.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'helios-vacuum-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
let n = 0;
const fresh = (): string => path.join(dir, `v${n++}.db`);

interface Db {
  exec(sql: string): unknown;
  prepare(sql: string): { all(...a: unknown[]): unknown[]; get(...a: unknown[]): unknown; run(...a: unknown[]): unknown; iterate(...a: unknown[]): IterableIterator<unknown>; pluck(): { get(...a: unknown[]): unknown; all(...a: unknown[]): unknown[] } };
  close(): unknown;
}

const SETUP = [
  'CREATE TABLE a(id INTEGER PRIMARY KEY, x TEXT, y BLOB)',
  'CREATE TABLE b(x TEXT, y REAL)',
  'CREATE INDEX b_x ON b(x COLLATE NOCASE DESC)',
  'CREATE TABLE w(k TEXT PRIMARY KEY, v INTEGER) WITHOUT ROWID',
  "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 600) INSERT INTO a SELECT i * 3, printf('row %d', i), zeroblob(i % 7 * 100) FROM c",
  "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 800) INSERT INTO b SELECT printf('Name%d', i % 97), i / 7.0 FROM c",
  "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 500) INSERT INTO w SELECT printf('k%05d', i), i FROM c",
  'DELETE FROM a WHERE id % 2 = 0',
  'DELETE FROM b WHERE rowid % 3 <> 0',
  "DELETE FROM w WHERE k < 'k00300'",
  "UPDATE a SET x = x || ' (kept)' WHERE id % 9 = 0",
];

const stats = (db: Db): number[] => [db.prepare('PRAGMA page_count').pluck().get() as number, db.prepare('PRAGMA freelist_count').pluck().get() as number];
const rows = (db: Db): unknown[] => [
  db.prepare('SELECT rowid, * FROM a ORDER BY rowid').all(),
  db.prepare('SELECT rowid, * FROM b ORDER BY rowid').all(),
  db.prepare('SELECT * FROM w ORDER BY k').all(),
  db.prepare('SELECT x FROM b INDEXED BY b_x ORDER BY x COLLATE NOCASE DESC').all(),
];

function run(db: Db): { before: number[]; after: number[]; rows: unknown[] } {
  for (const s of SETUP) db.exec(s);
  const before = stats(db);
  db.exec('VACUUM');
  return { before, after: stats(db), rows: rows(db) };
}

describe('VACUUM', () => {
  it('compacts like SQLite (file database): page_count, freelist_count, rows, rowids; SQLite accepts the file', () => {
    const f1 = fresh();
    const f2 = fresh();
    const ours = new Database(f1) as unknown as Db;
    const theirs = new BS3(f2) as unknown as Db;
    const o = run(ours);
    const t = run(theirs);
    expect(o.before[1]).toBeGreaterThan(0);
    expect(o.after[1]).toBe(0);
    expect(o.after[0]).toBeLessThan(o.before[0]);
    expect(o.after[0]).toBeLessThanOrEqual(t.after[0] + 2);
    expect(o.rows).toEqual(t.rows);
    expect((ours.prepare('PRAGMA integrity_check').all())).toEqual([{ integrity_check: 'ok' }]);
    ours.close();
    theirs.close();
    expect(fs.statSync(f1).size).toBe(o.after[0] * 4096);
    const check = new BS3(f1, { readonly: true });
    expect(check.prepare('PRAGMA integrity_check').all()).toEqual([{ integrity_check: 'ok' }]);
    expect(rows(check as unknown as Db)).toEqual(t.rows);
    check.close();
    const again = new Database(f1) as unknown as Db;
    expect(rows(again)).toEqual(t.rows);
    expect(stats(again)).toEqual(o.after);
    again.close();
  });

  it('in-memory databases; VACUUM main; schema cookie and user_version', () => {
    const ours = new Database(':memory:') as unknown as Db;
    const theirs = new BS3(':memory:') as unknown as Db;
    for (const db of [ours, theirs]) db.exec('PRAGMA user_version = 7; PRAGMA application_id = 99');
    const o = run(ours);
    const t = run(theirs);
    expect(o.after[1]).toBe(0);
    expect(o.after[0]).toBeLessThan(o.before[0]);
    expect(o.rows).toEqual(t.rows);
    const cookie = ours.prepare('PRAGMA schema_version').pluck().get() as number;
    ours.exec('VACUUM main');
    expect(ours.prepare('PRAGMA schema_version').pluck().get()).toBe(cookie + 1);
    expect(ours.prepare('PRAGMA user_version').pluck().get()).toBe(7);
    expect(ours.prepare('PRAGMA application_id').pluck().get()).toBe(99);
    expect(ours.prepare('PRAGMA integrity_check').pluck().get()).toBe('ok');
    for (const db of [ours, theirs]) db.exec('INSERT INTO a(x) VALUES (1); INSERT INTO b VALUES (2, 3)');
    expect(rows(ours)).toEqual(rows(theirs));
  });

  it('TEMP tables, AUTOINCREMENT, views, triggers and sqlite_stat1 survive; the same as SQLite', () => {
    const script = [
      'CREATE TABLE s(id INTEGER PRIMARY KEY AUTOINCREMENT, x)',
      'CREATE VIEW sv AS SELECT x FROM s',
      'CREATE TABLE log(m)',
      "CREATE TRIGGER st AFTER INSERT ON s BEGIN INSERT INTO log VALUES ('ins ' || new.x); END",
      'CREATE TEMP TABLE tt(a)',
      'INSERT INTO tt VALUES (1), (2)',
      "INSERT INTO s(x) VALUES ('a'), ('b'), ('c')",
      'DELETE FROM s WHERE id = 3',
      'ANALYZE',
      'VACUUM',
      "INSERT INTO s(x) VALUES ('d')",
    ];
    const out = [new Database(':memory:') as unknown as Db, new BS3(':memory:') as unknown as Db].map((db) => {
      for (const q of script) db.exec(q);
      return [
        db.prepare('SELECT * FROM s').all(),
        db.prepare('SELECT * FROM sv').all(),
        db.prepare('SELECT * FROM log').all(),
        db.prepare('SELECT * FROM tt').all(),
        db.prepare('SELECT * FROM sqlite_sequence').all(),
        db.prepare('SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY name').all(),
        // (PRAGMA integrity_check on a connection with TEMP tables is wrong independently of VACUUM)
      ];
    });
    expect(out[0]).toEqual(out[1]);
  });

  it('time travel (AS OF) answers the same before and after VACUUM', () => {
    const db = new Database(':memory:') as unknown as Db & { pragma(s: string): unknown };
    db.pragma('helios_retention = 86400');
    db.exec('CREATE TABLE t(id INTEGER PRIMARY KEY, a INT, b TEXT); CREATE INDEX t_a ON t(a)');
    db.exec("WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 50) INSERT INTO t SELECT i, i % 7, 'r' || i FROM c");
    const at = db.prepare('SELECT helios_txn()').pluck().get() as number;
    db.exec("UPDATE t SET b = 'changed' WHERE id < 20; DELETE FROM t WHERE id > 40");
    const q = db.prepare(`SELECT * FROM t AS OF TRANSACTION ${at} WHERE a = 3 ORDER BY id`);
    const before = [db.prepare(`SELECT * FROM t AS OF TRANSACTION ${at} ORDER BY id`).all(), q.all()];
    expect((before[0] as unknown[]).length).toBe(50);
    db.exec('VACUUM');
    expect([db.prepare(`SELECT * FROM t AS OF TRANSACTION ${at} ORDER BY id`).all(), q.all()]).toEqual(before);
    expect(db.prepare('PRAGMA integrity_check').pluck().get()).toBe('ok');
  });

  it('errors match SQLite', () => {
    for (const db of [new Database(':memory:') as unknown as Db, new BS3(':memory:') as unknown as Db]) {
      db.exec('CREATE TABLE t(x); BEGIN');
      expect(() => db.exec('VACUUM')).toThrow('cannot VACUUM from within a transaction');
      db.exec('COMMIT');
      expect(() => db.exec('VACUUM other')).toThrow('unknown database other');
    }
    const msgs: string[] = [];
    for (const db of [new Database(':memory:') as unknown as Db, new BS3(':memory:') as unknown as Db]) {
      db.exec('CREATE TABLE t(x); INSERT INTO t VALUES (1), (2)');
      const it = db.prepare('SELECT * FROM t').iterate();
      it.next();
      try {
        db.exec('VACUUM');
        msgs.push('no error');
      } catch (e) {
        msgs.push(String(e));
      }
      it.return?.();
    }
    expect(msgs[0]).toBe(msgs[1]);
  });

  it('prepared statements survive; other connections read correct data; busy while another connection reads', () => {
    const f = fresh();
    const a = new Database(f) as unknown as Db;
    for (const s of SETUP) a.exec(s);
    const b = new Database(f) as unknown as Db;
    const sel = a.prepare('SELECT x FROM a WHERE id = ?');
    const selB = b.prepare('SELECT count(*) AS c, sum(length(x)) AS s FROM b');
    const ins = a.prepare('INSERT INTO b VALUES (?, ?)');
    const want = selB.get();
    const it = b.prepare('SELECT * FROM a').iterate();
    it.next();
    expect(() => a.exec('VACUUM')).toThrow(expect.objectContaining({ code: 'SQLITE_BUSY' }));
    it.return?.();
    b.exec('BEGIN; SELECT 1 FROM a LIMIT 1');
    b.prepare('SELECT count(*) FROM a').get();
    expect(() => a.exec('VACUUM')).toThrow(expect.objectContaining({ code: 'SQLITE_BUSY' }));
    b.exec('COMMIT');
    const before = stats(a);
    a.exec('VACUUM');
    expect(stats(a)[0]).toBeLessThan(before[0]);
    expect(stats(b)).toEqual(stats(a));
    expect(sel.get(9)).toEqual({ x: 'row 3 (kept)' });
    expect(selB.get()).toEqual(want);
    ins.run('zz', 1.5);
    expect(b.prepare("SELECT y FROM b WHERE x = 'zz'").pluck().get()).toBe(1.5);
    expect(b.prepare('PRAGMA integrity_check').pluck().get()).toBe('ok');
    a.close();
    b.close();
    const check = new BS3(f, { readonly: true });
    expect(check.prepare('PRAGMA integrity_check').pluck().get()).toBe('ok');
    check.close();
  });

  it('vector indexes still answer nearest-neighbour queries correctly after VACUUM', () => {
    const f = fresh();
    const db = new Database(f) as unknown as Db & Parameters<typeof fill>[0];
    const vectors = randomVectors(300, 8, 7);
    db.exec('CREATE TABLE junk(x); INSERT INTO junk SELECT randomblob(3000) FROM (SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3)');
    db.exec('CREATE TABLE t(id INTEGER PRIMARY KEY, v VECTOR(8))');
    fill(db, 't', vectors);
    db.exec("CREATE INDEX t_l2 ON t USING hnsw (v) WITH (metric = 'l2', m = 8)");
    db.prepare('PRAGMA hnsw_ef_search = 200').run();
    const q = randomVectors(1, 8, 8)[0];
    const sql = "SELECT id FROM t ORDER BY vector_distance(v, ?, 'l2') LIMIT 10";
    const rowsOf = vectors.map((v, i) => ({ id: i + 1, v }));
    expect(db.prepare(sql).pluck().all(q)).toEqual(bruteForce(rowsOf, q, 'l2', 10));
    db.exec('DROP TABLE junk; DELETE FROM t WHERE id % 5 = 0');
    db.exec('VACUUM');
    const left = rowsOf.filter((r) => r.id % 5 !== 0);
    expect(db.prepare(sql).pluck().all(q)).toEqual(bruteForce(left, q, 'l2', 10));
    db.close();
    const db2 = new Database(f) as unknown as Db;
    db2.prepare('PRAGMA hnsw_ef_search = 200').run();
    expect(db2.prepare(sql).pluck().all(q)).toEqual(bruteForce(left, q, 'l2', 10));
    db2.close();
  });
});

describe('VACUUM crash safety (storage level, simulated crash at every write and fsync)', () => {
  const FILE = '/db/v.db';
  const open = (vfs: Vfs): Storage => openStorage(FILE, { readonly: false, fileMustExist: false, pageSize: 512, vfs });
  const content = (st: Storage): string[] => {
    const root = Number(st.read().openTable(1).get(1)![3]);
    const out: string[] = [];
    const c = st.read().openTable(root).cursor();
    for (let ok = c.first(); ok; ok = c.next()) out.push(`${String(c.rowid())}:${String(c.record()[0])}`);
    return out;
  };
  function setup(vfs: Vfs): string[] {
    const st = open(vfs);
    const tx = st.beginWrite();
    const junk = tx.createTree('table');
    const root = tx.createTree('table');
    tx.openTable(1).insert(1, ['table', 't', 't', root, 'CREATE TABLE t(x)']);
    tx.openTable(1).insert(2, ['table', 'junk', 'junk', junk, 'CREATE TABLE junk(x)']);
    for (let i = 1; i <= 200; i++) {
      tx.openTable(root).insert(i * 7, ['v' + i + 'x'.repeat(i % 13 * 10)]);
      tx.openTable(junk).insert(i, ['j'.repeat(300)]);
    }
    tx.header.schemaCookie++;
    tx.commit();
    const tx2 = st.beginWrite();
    for (let i = 1; i <= 200; i += 2) tx2.openTable(root).delete(i * 7);
    tx2.dropTree(junk);
    tx2.openTable(1).delete(2);
    tx2.commit();
    const want = content(st);
    st.close();
    return want;
  }
  const cases: [FaultKind, 'all' | 'synced'][] = [
    ['crash', 'synced'],
    ['torn', 'all'],
    ['crash', 'all'],
  ];
  for (const [kind, image] of cases) {
    it(`${kind}, ${image === 'synced' ? 'power loss' : 'process crash'}: the old or the new database, intact`, () => {
      let crashes = 0;
      let compacted = 0;
      for (let at = 1; at < 200; at++) {
        const mem = new MemoryVfs();
        const want = setup(mem);
        const f = new FaultVfs(mem);
        const st = open(f);
        const oldPages = st.read().header.pageCount;
        f.plan = { op: 'any', at, kind };
        let finished = false;
        try {
          vacuumStorage(st, [{ root: Number(st.read().openTable(1).get(1)![3]), kind: 'table' }]);
          st.close();
          finished = !f.dead;
        } catch {
          /* crashed */
        }
        if (finished) break;
        crashes++;
        const st2 = open(mem.crashImage(image));
        expect(content(st2), `crash at op ${at}`).toEqual(want);
        const h = st2.read().header;
        const root = Number(st2.read().openTable(1).get(1)![3]);
        expect(st2.integrityCheck([{ root: 1, kind: 'table', name: 'sqlite_schema' }, { root, kind: 'table', name: 't' }], 10), `crash at op ${at}`).toEqual([]);
        expect(h.pageCount === oldPages || h.freelistCount === 0, `crash at op ${at}: neither the old nor the new database`).toBe(true);
        if (h.freelistCount === 0 && h.pageCount < oldPages) compacted++;
        st2.close();
      }
      expect(crashes).toBeGreaterThan(3);
      expect(compacted).toBeGreaterThan(0);
    });
  }
});
