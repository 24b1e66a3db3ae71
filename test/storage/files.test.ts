/** Lock file, per-process sharing, SQLite WAL files, checkpoints, cache bound, serialize. */
import Database from 'better-sqlite3';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Storage } from '../../engine/storage/api.js';
import { openStorage } from '../../engine/storage/index.js';
// @ts-expect-error plain .mjs helper without type declarations
import { buildStorage } from './crash/build.mjs';
import { addSchema, norm, rmDir, sqliteRows, tableRows, tmpDir, withSqlite } from './helpers.js';

const dir = tmpDir('files');
afterAll(() => rmDir(dir));
let n = 0;
const fresh = () => path.join(dir, `f${n++}.db`);
const rw = { readonly: false, fileMustExist: false };

function makeTable(st: Storage, rows: number, pad = 20): number {
  const tx = st.beginWrite();
  const root = tx.createTree('table');
  addSchema(tx, 'table', 't', 't', root, 'CREATE TABLE t(a, b)');
  const t = tx.openTable(root);
  for (let i = 1; i <= rows; i++) t.insert(i, [i, 'r'.repeat(pad) + i]);
  tx.commit();
  return root;
}

describe('lock file', () => {
  let entry = '';
  beforeAll(() => {
    entry = (buildStorage as () => string)();
  });
  it('a second process gets SQLITE_BUSY naming the owner pid and server mode', () => {
    const file = fresh();
    const st = openStorage(file, rw);
    makeTable(st, 10);
    const script = `const { openStorage } = require(${JSON.stringify(entry)});
      try { openStorage(${JSON.stringify(file)}, { readonly: false, fileMustExist: true }); console.log('OPENED'); }
      catch (e) { console.log(e.code + '|' + e.message); }`;
    const out = execFileSync(process.execPath, ['-e', script]).toString().trim();
    expect(out).toBe(`SQLITE_BUSY|database is locked: in use by process ${process.pid}; use heliosdb-lite server mode to share a database between processes`);
    st.close();
    expect(fs.existsSync(file + '-hlock')).toBe(false);
    const out2 = execFileSync(process.execPath, ['-e', script]).toString().trim();
    expect(out2).toBe('OPENED');
  });
  it('a lock left by a dead process is taken over', () => {
    const file = fresh();
    const dead = spawnSync(process.execPath, ['-e', 'console.log(process.pid)']).stdout.toString().trim();
    fs.writeFileSync(file + '-hlock', dead + '\n');
    const st = openStorage(file, rw);
    makeTable(st, 5);
    expect(fs.readFileSync(file + '-hlock', 'latin1').trim()).toBe(String(process.pid));
    st.close();
  });
});

describe('one engine instance per file in a process', () => {
  it('opens share the core; the last close checkpoints and removes the log', () => {
    const file = fresh();
    const a = openStorage(file, rw);
    const b = openStorage(file, { readonly: true, fileMustExist: true });
    const root = makeTable(a, 100);
    expect(b.read().openTable(root).count()).toBe(100);
    expect(() => b.beginWrite()).toThrow(expect.objectContaining({ code: 'SQLITE_READONLY' }));
    const tx = a.beginWrite();
    expect(() => a.beginWrite()).toThrow(expect.objectContaining({ code: 'SQLITE_BUSY' }));
    tx.openTable(root).insert(1000, ['x', null]);
    expect(b.read().openTable(root).get(1000)).toBeUndefined();
    tx.commit();
    expect(b.read().openTable(root).get(1000)).toEqual(['x', null]);
    a.close();
    expect(fs.existsSync(file + '-hlog')).toBe(true);
    expect(b.read().openTable(root).count()).toBe(101);
    b.close();
    expect(fs.existsSync(file + '-hlog')).toBe(false);
    expect(fs.existsSync(file + '-hlock')).toBe(false);
    withSqlite(file, (db) => expect(sqliteRows(db, 'SELECT count(*) FROM t')).toEqual([[101n]]));
  });
  it('a cursor on a read view survives commits (re-seeks)', () => {
    const file = fresh();
    const st = openStorage(file, rw);
    const root = makeTable(st, 1000);
    const c = st.read().openTable(root).cursor();
    c.first();
    const seen: number[] = [];
    for (let i = 0; c.valid; i++) {
      seen.push(Number(c.rowid()));
      if (i % 100 === 0) {
        const tx = st.beginWrite();
        const t = tx.openTable(root);
        for (let k = 0; k < 30; k++) t.delete(Number(c.rowid()) + 1 + k); // delete ahead
        tx.commit();
      }
      c.next();
    }
    expect(seen).toEqual(tableRows(st, root).map((r) => Number(r[0])).filter((x) => seen.includes(x)));
    expect(seen.length).toBe(st.read().openTable(root).count());
    st.close();
  });
});

describe('SQLite WAL-mode files', () => {
  function walCopy(): { file: string; expected: unknown[][] } {
    const src = fresh();
    const db = new Database(src);
    db.pragma('journal_mode=WAL');
    db.pragma('wal_autocheckpoint=0');
    db.exec('CREATE TABLE t(a, b)');
    const ins = db.prepare('INSERT INTO t VALUES (?, ?)');
    for (let i = 0; i < 20; i++) db.transaction(() => { for (let k = 0; k < 50; k++) ins.run(i * 50 + k, 'w' + k); })();
    db.prepare('DELETE FROM t WHERE a % 7 = 0').run();
    const file = fresh();
    fs.copyFileSync(src, file);
    fs.copyFileSync(src + '-wal', file + '-wal');
    expect(fs.statSync(file + '-wal').size).toBeGreaterThan(4096);
    db.defaultSafeIntegers(true);
    const expected = sqliteRows(db, 'SELECT rowid, a, b FROM t ORDER BY rowid');
    db.close();
    return { file, expected };
  }
  it('read-only open reads the un-checkpointed WAL frames', () => {
    const { file, expected } = walCopy();
    const st = openStorage(file, { readonly: true, fileMustExist: true });
    expect(tableRows(st, 2)).toEqual(expected);
    st.close();
    expect(fs.existsSync(file + '-wal')).toBe(true);
  });
  it('read-write open checkpoints the WAL into the file and removes it', () => {
    const { file, expected } = walCopy();
    const st = openStorage(file, { readonly: false, fileMustExist: true });
    expect(fs.existsSync(file + '-wal')).toBe(false);
    expect(tableRows(st, 2)).toEqual(expected);
    const tx = st.beginWrite();
    tx.openTable(2).insert(5000, [5000n === 5000n ? 5000 : 0, 'ours']);
    tx.commit();
    st.close();
    withSqlite(file, (db) => expect(sqliteRows(db, 'SELECT rowid, a, b FROM t ORDER BY rowid')).toEqual([...expected, [5000n, 5000n, 'ours']]));
  });
});

describe('checkpoints and the cache', () => {
  it('auto-checkpoint keeps the log bounded; checkpoint modes', () => {
    const file = fresh();
    const st = openStorage(file, rw);
    st.walAutocheckpoint = 50;
    const root = makeTable(st, 10);
    for (let i = 0; i < 200; i++) {
      const tx = st.beginWrite();
      tx.openTable(root).insert(100 + i, [i, 'y'.repeat(500)]);
      tx.commit();
    }
    expect(fs.statSync(file + '-hlog').size).toBeLessThan(60 * 4200);
    const [busy, log, done] = st.checkpoint('PASSIVE');
    expect([busy, log === done]).toEqual([0, true]);
    // the main file alone is a complete database now
    withSqlite(file, (db) => expect(sqliteRows(db, 'SELECT count(*) FROM t')).toEqual([[210n]]));
    expect(st.checkpoint('TRUNCATE')).toEqual([0, 0, 0]);
    expect(fs.statSync(file + '-hlog').size).toBe(0);
    st.close();
  });
  it('a database ten times larger than the cache works', () => {
    const file = fresh();
    const st = openStorage(file, { ...rw, pageSize: 1024 });
    st.cacheSize = 64;
    const root = makeTable(st, 20000, 40);
    const core = (st as unknown as { core: { cache: Map<number, unknown>; header: { pageCount: number } } }).core;
    expect(core.header.pageCount).toBeGreaterThan(640);
    const t = st.read().openTable(root);
    let sum = 0;
    const c = t.cursor();
    for (let ok = c.first(); ok; ok = c.next()) sum += c.record()[0] as number;
    expect(sum).toBe((20000 * 20001) / 2);
    for (let i = 0; i < 2000; i++) expect(t.get(1 + ((i * 7919) % 20000))![0]).toBe(1 + ((i * 7919) % 20000));
    expect(core.cache.size).toBeLessThanOrEqual(64);
    st.close();
    withSqlite(file, (db) => expect(sqliteRows(db, 'SELECT count(*), sum(a) FROM t')).toEqual([[20000n, BigInt(sum)]]));
  });
  it('serialize() gives an image SQLite may write', () => {
    const st = openStorage(':memory:', rw);
    const root = makeTable(st, 3000);
    const img = st.serialize();
    st.close();
    const file = fresh();
    fs.writeFileSync(file, img);
    const db = new Database(file);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.prepare('INSERT INTO t VALUES (1, 2)').run();
    expect(db.prepare('SELECT count(*) AS n FROM t').get()).toEqual({ n: 3001 });
    db.close();
    expect(root).toBe(2);
    // and our engine reads SQLite's modified file back
    const st2 = openStorage(file, { readonly: false, fileMustExist: true });
    expect(tableRows(st2, 2).length).toBe(3001);
    expect(st2.read().openTable(2).get(7)!.map(norm)).toEqual([7n, 'r'.repeat(20) + 7]);
    st2.close();
  });
});

describe('file size', () => {
  it('sequential and random loads stay within 1.2x of SQLite', () => {
    for (const order of ['sequential', 'random'] as const) {
      const ours = fresh();
      const theirs = fresh();
      const ids = Array.from({ length: 30000 }, (_, i) => i + 1);
      if (order === 'random') ids.sort((a, b) => ((a * 2654435761) % 4294967296) - ((b * 2654435761) % 4294967296));
      const st = openStorage(ours, rw);
      const tx = st.beginWrite();
      const root = tx.createTree('table');
      const iroot = tx.createTree('index');
      addSchema(tx, 'table', 't', 't', root, 'CREATE TABLE t(a, b)');
      addSchema(tx, 'index', 'ti', 't', iroot, 'CREATE INDEX ti ON t(a)');
      for (const i of ids) {
        tx.openTable(root).insert(i, [i * 3, 'payload ' + i]);
        tx.openIndex(iroot, { collations: [], desc: [] }).insert([i * 3, i]);
      }
      tx.commit();
      st.close();
      const db = new Database(theirs);
      db.exec('CREATE TABLE t(a, b); CREATE INDEX ti ON t(a)');
      const ins = db.prepare('INSERT INTO t(rowid, a, b) VALUES (?, ?, ?)');
      db.transaction(() => { for (const i of ids) ins.run(i, i * 3, 'payload ' + i); })();
      db.close();
      expect(fs.statSync(ours).size / fs.statSync(theirs).size, order).toBeLessThanOrEqual(1.2);
      withSqlite(ours, (d) => expect(sqliteRows(d, 'SELECT count(*) FROM t')).toEqual([[30000n]]));
    }
  });
});
