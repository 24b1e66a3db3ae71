/**
 * UPDATE by key overwrites cells in place (table-tree.ts overwriteFound): the leaf's arrays are
 * copied per array as they change (page.ts `own`), the new record's decoded form is cached on
 * the page, and savepoints undo the overwrite from cell-level log entries. Oracle: the same SQL
 * run by better-sqlite3; committed pages must stay unchanged for other connections until COMMIT.
 */
import Database from 'better-sqlite3';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Database as Ours } from '../../engine/api/index.js';
import { rmDir, rng, tmpDir } from './helpers.js';

const dir = tmpDir('overwrite');
afterAll(() => rmDir(dir));

interface Db {
  exec(sql: string): unknown;
  prepare(sql: string): { run(...a: unknown[]): unknown; all(...a: unknown[]): unknown[]; get(...a: unknown[]): unknown };
}

const ROWS = 3000;

function setup(db: Db): void {
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, a INTEGER, b TEXT, c REAL, d BLOB)');
  db.exec('BEGIN');
  const ins = db.prepare('INSERT INTO t VALUES (?, ?, ?, ?, ?)');
  for (let i = 1; i <= ROWS; i++) ins.run(i, i % 97, `name-${i}`, i / 7, i % 5 === 0 ? Buffer.from([i & 255, 1, 2]) : null);
  db.exec('COMMIT');
}

/** A random script of UPDATEs (same-size and resizing), savepoints, rollbacks and failing statements. */
function script(seed: number): [string, unknown[]][] {
  const r = rng(seed);
  const out: [string, unknown[]][] = [];
  const key = () => 1 + Math.floor(r() * ROWS);
  let open = 0;
  out.push(['BEGIN', []]);
  for (let k = 0; k < 1500; k++) {
    const x = r();
    if (x < 0.5) out.push(['UPDATE t SET a = a + 1, c = c * 0.5 WHERE id = ?', [key()]]);
    else if (x < 0.6) out.push(['UPDATE t SET a = a * 1000003 WHERE id = ?', [key()]]);
    else if (x < 0.67) out.push(["UPDATE t SET b = b || 'é€𝄞' WHERE id = ?", [key()]]);
    else if (x < 0.7) out.push(["UPDATE t SET b = substr(b, 1, 3), d = x'00ff' WHERE id = ?", [key()]]);
    else if (x < 0.72) out.push(['UPDATE t SET b = ?, c = ? WHERE id = ?', ['\ud800lone', 2.0, key()]]);
    else if (x < 0.74) out.push(['UPDATE t SET a = ?, c = ? WHERE id = ?', [9007199254740991, 0.25, key()]]);
    else if (x < 0.76) out.push(['UPDATE t SET b = ? WHERE id = ?', ['z'.repeat(3000 + k), key()]]); // overflow payload
    else if (x < 0.79) out.push(['UPDATE t SET a = a + 1 WHERE id IN (?, ?, ?)', [key(), key(), key()]]);
    else if (x < 0.8) out.push(['DELETE FROM t WHERE id = ?', [key()]]);
    else if (x < 0.82) out.push(['INSERT OR REPLACE INTO t (id, a, b) VALUES (?, 1, ?)', [key(), 'again']]);
    else if (x < 0.88) {
      out.push([`SAVEPOINT s${open}`, []]);
      open++;
    } else if (x < 0.94 && open > 0) {
      const to = Math.floor(r() * open);
      out.push([`ROLLBACK TO s${to}`, []]);
      open = to + 1;
    } else if (x < 0.97 && open > 0) {
      open--;
      out.push([`RELEASE s${open}`, []]);
    } else {
      // fails on its second row (the rowid becomes NULL: datatype mismatch) after changing the first
      const k1 = key();
      const k2 = key();
      out.push(['UPDATE t SET id = CASE WHEN id = ? THEN NULL ELSE id END, a = a + 100 WHERE id IN (?, ?)', [Math.max(k1, k2), k1, k2]]);
    }
  }
  out.push(['COMMIT', []]);
  return out;
}

function play(db: Db, steps: [string, unknown[]][]): void {
  for (const [sql, args] of steps) {
    try {
      if (args.length === 0) db.exec(sql);
      else db.prepare(sql).run(...args);
    } catch {
      /* the failing statements fail on both sides (checked by the final comparison) */
    }
  }
}

const dump = (db: Db): unknown[] => db.prepare('SELECT id, a, b, c, hex(d) AS d FROM t ORDER BY id').all();

describe('UPDATE by key overwriting cells in place', () => {
  for (const [seed, mode] of [[1, 'memory'], [2, 'memory'], [3, 'file'], [4, 'file']] as const) {
    it(`matches SQLite through savepoints, rollbacks and failing statements (${mode}, seed ${seed})`, () => {
      const steps = script(seed);
      const file = path.join(dir, `seed-${seed}.db`);
      const theirs = new Database(':memory:');
      const ours = new Ours(mode === 'memory' ? ':memory:' : file);
      setup(theirs);
      setup(ours);
      // statements run repeatedly on the same rows, so cached decoded forms are read back; a
      // file's pages are then re-encoded from their previous images with some cells patched
      for (let round = 0; round < 2; round++) {
        play(theirs, steps);
        play(ours, steps);
        expect(dump(ours)).toEqual(dump(theirs));
      }
      ours.close();
      if (mode === 'file') {
        const s = new Database(file, { readonly: true });
        expect(s.pragma('integrity_check', { simple: true })).toBe('ok');
        expect(dump(s)).toEqual(dump(theirs));
        s.close();
      }
      theirs.close();
    });
  }

  it('reads back what was stored, not the assigned value, when they differ (lone surrogates, blobs)', () => {
    const db = new Ours(':memory:');
    setup(db);
    for (let round = 0; round < 2; round++) {
      db.prepare("UPDATE t SET b = char(55296) || 'q', d = ? WHERE id = ?").run(Buffer.from([7, 8]), 10);
      const row = db.prepare('SELECT b, d FROM t WHERE id = 10').get() as { b: string; d: Buffer };
      expect(row.b).toBe('\ufffdq'); // what the stored UTF-8 bytes decode to
      row.d[0] = 99; // a blob read is the reader's own copy
      expect((db.prepare('SELECT hex(d) AS h FROM t WHERE id = 10').get() as { h: string }).h).toBe('0708');
    }
    db.close();
  });

  it('keeps committed pages unchanged for another connection until COMMIT, and writes a valid file', () => {
    const file = path.join(dir, 'iso.db');
    const a = new Ours(file);
    setup(a);
    const b = new Ours(file);
    const before = dump(b);
    const r = rng(7);
    a.exec('BEGIN');
    const upd = a.prepare('UPDATE t SET a = a + 1, c = c * 0.5 WHERE id = ?');
    for (let k = 0; k < 2000; k++) upd.run(1 + Math.floor(r() * ROWS));
    expect(dump(b)).toEqual(before);
    a.exec('SAVEPOINT x');
    for (let k = 0; k < 500; k++) upd.run(1 + Math.floor(r() * ROWS));
    a.exec('ROLLBACK TO x');
    expect(dump(b)).toEqual(before);
    const inTxn = dump(a);
    a.exec('ROLLBACK');
    expect(dump(a)).toEqual(before);
    expect(dump(b)).toEqual(before);
    a.exec('BEGIN');
    for (let k = 0; k < 2000; k++) upd.run(1 + Math.floor(r() * ROWS));
    const committed = dump(a);
    expect(committed).not.toEqual(inTxn);
    a.exec('COMMIT');
    expect(dump(b)).toEqual(committed);
    b.close();
    a.close();
    const s = new Database(file, { readonly: true });
    expect(s.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(dump(s)).toEqual(committed);
    s.close();
  });
});
