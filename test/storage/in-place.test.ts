/**
 * In-place overwrites (txn.ts invariant 5): while a connection is alone on its database, an
 * UPDATE by key changes the committed page objects themselves and logs the old cells; rollback,
 * savepoints, structural changes, other readers, serialize() and failed commits must all see
 * exactly what copy-on-write gave. Oracles: better-sqlite3 running the same statements, a
 * second better-sqlite3 connection for the committed state, and SQLite's integrity_check.
 */
import Database from 'better-sqlite3';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Database as Ours } from '../../engine/api/index.js';
import { FaultVfs, MemoryVfs, openStorage } from '../../engine/storage/index.js';
import { rmDir, rng, tmpDir } from './helpers.js';

const dir = tmpDir('in-place');
afterAll(() => rmDir(dir));

interface Db {
  exec(sql: string): unknown;
  prepare(sql: string): { run(...a: unknown[]): unknown; all(...a: unknown[]): unknown[] };
  serialize(): Buffer;
  close(): unknown;
}

const ROWS = 2000;

function setup(db: Db): void {
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, a INTEGER, b TEXT, c REAL)');
  db.exec('CREATE TABLE u (id INTEGER PRIMARY KEY, v TEXT)');
  db.exec('BEGIN');
  const ins = db.prepare('INSERT INTO t VALUES (?, ?, ?, ?)');
  for (let i = 1; i <= ROWS; i++) ins.run(i, i % 89, `row-${i}`, i / 8);
  db.exec('COMMIT');
}

const dump = (db: Db): unknown[] => db.prepare('SELECT * FROM t ORDER BY id').all();
const dumpU = (db: Db): unknown[] => db.prepare('SELECT * FROM u ORDER BY id').all();

/** Runs `sql` on both; both must fail or both succeed. */
function both(ours: Db, theirs: Db, sql: string, args: unknown[] = []): void {
  const run = (db: Db): string => {
    try {
      if (args.length === 0) db.exec(sql);
      else db.prepare(sql).run(...args);
      return 'ok';
    } catch (e) {
      return (e as { code?: string }).code ?? 'error';
    }
  };
  expect(run(ours), sql).toBe(run(theirs));
}

describe('in-place overwrites', () => {
  for (const [seed, mode] of [[11, 'memory'], [12, 'file'], [13, 'file'], [14, 'memory']] as const) {
    it(`agree with SQLite through rollbacks, savepoints, structural changes and other readers (${mode}, seed ${seed})`, () => {
      const r = rng(seed);
      const key = (): number => 1 + Math.floor(r() * ROWS);
      const oursFile = path.join(dir, `ours-${seed}.db`);
      const theirsFile = path.join(dir, `theirs-${seed}.db`);
      const ours = new Ours(mode === 'memory' ? ':memory:' : oursFile) as unknown as Db;
      const theirs = new Database(theirsFile) as unknown as Db;
      theirs.exec('PRAGMA journal_mode = WAL');
      if (mode === 'file') ours.exec('PRAGMA cache_size = 24'); // evictions while pages are overwritten in place
      setup(ours);
      setup(theirs);
      // the committed state, read by SQLite's own second connection
      const committed = new Database(theirsFile, { readonly: true }) as unknown as Db;
      let inTxn = false;
      let sp = 0;
      for (let step = 0; step < 1200; step++) {
        const x = r();
        if (!inTxn && x < 0.1) {
          both(ours, theirs, 'BEGIN');
          inTxn = true;
        } else if (x < 0.45) {
          both(ours, theirs, 'UPDATE t SET a = a + 1, c = c * 0.5 WHERE id = ?', [key()]);
        } else if (x < 0.5) {
          both(ours, theirs, "UPDATE t SET b = b || 'xyz' WHERE id = ?", [key()]); // grows the record
        } else if (x < 0.52) {
          both(ours, theirs, 'UPDATE t SET b = ? WHERE id = ?', ['w'.repeat(900 + Math.floor(r() * 3000)), key()]); // overflow
        } else if (x < 0.55) {
          both(ours, theirs, 'UPDATE t SET a = abs(a) + 2 WHERE id = ?', [key()]); // a function call: journaled statement
        } else if (x < 0.58) {
          both(ours, theirs, 'INSERT OR REPLACE INTO t VALUES (?, 7, ?, 1.5)', [key(), `again-${step}`]);
        } else if (x < 0.61) {
          const k = key();
          both(ours, theirs, 'DELETE FROM t WHERE id BETWEEN ? AND ?', [k, k + Math.floor(r() * 40)]); // merges pages
        } else if (x < 0.63) {
          both(ours, theirs, 'INSERT INTO u (v) VALUES (?)', ['u'.repeat(Math.floor(r() * 500))]);
        } else if (x < 0.65) {
          // fails on the second row without a statement journal: the first row stays updated
          const k = key();
          both(ours, theirs, 'UPDATE t SET id = CASE WHEN id = ? THEN NULL ELSE id END, a = a + 100 WHERE id IN (?, ?)', [k + 1, k, k + 1]);
        } else if (inTxn && x < 0.7) {
          both(ours, theirs, `SAVEPOINT s${sp++}`);
        } else if (inTxn && sp > 0 && x < 0.74) {
          const to = Math.floor(r() * sp);
          both(ours, theirs, `ROLLBACK TO s${to}`);
          sp = to + 1;
        } else if (inTxn && sp > 0 && x < 0.77) {
          both(ours, theirs, `RELEASE s${--sp}`);
        } else if (inTxn && x < 0.83) {
          const end = r() < 0.5 ? 'COMMIT' : 'ROLLBACK';
          both(ours, theirs, end);
          inTxn = false;
          sp = 0;
        } else if (x < 0.87 && mode === 'file') {
          // another connection opens mid-transaction: it reads the committed state only
          const other = new Ours(oursFile) as unknown as Db;
          expect(dump(other)).toEqual(dump(committed));
          expect(dumpU(other)).toEqual(dumpU(committed));
          other.close();
        } else if (x < 0.9) {
          // serialize() gives the committed state
          const img = new Database(ours.serialize()) as unknown as Db;
          expect(dump(img)).toEqual(dump(committed));
          img.close();
        } else {
          expect(dump(ours)).toEqual(dump(theirs));
        }
      }
      if (inTxn) both(ours, theirs, 'COMMIT');
      expect(dump(ours)).toEqual(dump(theirs));
      expect(dumpU(ours)).toEqual(dumpU(theirs));
      committed.close();
      ours.close();
      if (mode === 'file') {
        const s = new Database(oursFile, { readonly: true });
        expect(s.pragma('integrity_check', { simple: true })).toBe('ok');
        expect(dump(s as unknown as Db)).toEqual(dump(theirs));
        s.close();
      }
      theirs.close();
    });
  }

  it('stops when a second connection opens, and that connection never sees the uncommitted rows', () => {
    const file = path.join(dir, 'second.db');
    const a = new Ours(file) as unknown as Db;
    setup(a);
    const before = dump(a);
    const upd = a.prepare('UPDATE t SET a = a + 1000 WHERE id = ?');
    a.exec('BEGIN');
    for (let k = 1; k <= ROWS; k += 3) upd.run(k);
    const b = new Ours(file) as unknown as Db; // arrives mid-transaction
    expect(dump(b)).toEqual(before);
    for (let k = 2; k <= ROWS; k += 3) upd.run(k); // copy-on-write from here on
    expect(dump(b)).toEqual(before);
    a.exec('ROLLBACK');
    expect(dump(a)).toEqual(before);
    expect(dump(b)).toEqual(before);
    a.exec('BEGIN');
    for (let k = 1; k <= ROWS; k += 2) upd.run(k);
    a.exec('COMMIT');
    const after = dump(a);
    expect(dump(b)).toEqual(after);
    b.close();
    // alone again: in place once more, then rolled back
    a.exec('BEGIN');
    for (let k = 1; k <= ROWS; k += 5) upd.run(k);
    a.exec('ROLLBACK');
    expect(dump(a)).toEqual(after);
    a.close();
    const s = new Database(file, { readonly: true });
    expect(s.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(dump(s as unknown as Db)).toEqual(after);
    s.close();
  });

  it('a failed commit (ENOSPC while logging) gives the committed pages their state back', () => {
    const vfs = new FaultVfs(new MemoryVfs());
    const st = openStorage('/db/x.db', { readonly: false, fileMustExist: false, vfs });
    let tx = st.beginWrite();
    const root = tx.createTree('table');
    tx.openTable(1).insert(1, ['table', 'x', 'x', root, 'CREATE TABLE x(a, b)']);
    tx.header.schemaCookie++;
    const t0 = tx.openTable(root);
    for (let i = 1; i <= 500; i++) t0.insert(i, [i, `v${i}`]);
    tx.commit();
    const read = (): unknown[] => {
      const out: unknown[] = [];
      const c = st.read().openTable(root).cursor();
      for (let ok = c.first(); ok; ok = c.next()) out.push([c.rowid(), ...c.record()]);
      return out;
    };
    const before = read();
    tx = st.beginWrite();
    tx.writeInPlace?.(true);
    const t = tx.openTable(root);
    for (let i = 1; i <= 500; i += 2) {
      const rec = t.get(i)!;
      t.insert(i, [(rec[0] as number) + 1, rec[1]]); // same size: an in-place overwrite
    }
    vfs.plan = { op: 'write', at: vfs.counted + 1, kind: 'ENOSPC', sticky: true };
    expect(() => tx.commit()).toThrow(expect.objectContaining({ code: 'SQLITE_FULL' }));
    vfs.clear();
    expect(read()).toEqual(before);
    // usable afterwards, in place again
    tx = st.beginWrite();
    tx.writeInPlace?.(true);
    const t2 = tx.openTable(root);
    const rec = t2.get(3)!;
    t2.insert(3, [(rec[0] as number) + 10, rec[1]]);
    tx.commit();
    const after = read() as unknown[][];
    expect(after[2]).toEqual([3, 13, 'v3']);
    expect(after.length).toBe(500);
    st.close();
  });
});
