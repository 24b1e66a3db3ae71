/** Bad input: truncated files, garbage headers, corrupt pages, cycles, bad log checksums, unsupported formats. */
import Database from 'better-sqlite3';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteError } from '../../engine/common/errors.js';
import type { Storage } from '../../engine/storage/api.js';
import { openStorage } from '../../engine/storage/index.js';
import { rmDir, rng, tmpDir, withSqlite } from './helpers.js';

const dir = tmpDir('bad');
afterAll(() => rmDir(dir));
let n = 0;
const fresh = () => path.join(dir, `f${n++}.db`);

function sqliteDb(pageSize = 1024, rows = 2000, big = false): string {
  const file = fresh();
  const db = new Database(file);
  db.pragma(`page_size=${pageSize}`);
  db.exec('CREATE TABLE t(a, b); CREATE INDEX ti ON t(b);');
  const ins = db.prepare('INSERT INTO t VALUES (?, ?)');
  db.transaction(() => {
    for (let i = 0; i < rows; i++) ins.run(i, big && i % 10 === 0 ? 'x'.repeat(5000) : 'v' + i);
  })();
  db.close();
  return file;
}

const open = (file: string, readonly = false) => openStorage(file, { readonly, fileMustExist: true });

/** Reads everything; returns the SqliteError thrown, if any (any other error fails the test). */
function readAll(st: Storage): SqliteError | undefined {
  try {
    const v = st.read();
    const schema = v.openTable(1);
    const c = schema.cursor();
    for (let ok = c.first(); ok; ok = c.next()) {
      const r = c.record();
      const root = Number(r[3]);
      if (r[0] === 'table') {
        const tc = v.openTable(root).cursor();
        for (let ok2 = tc.first(); ok2; ok2 = tc.next()) tc.record();
      } else {
        const ic = v.openIndex(root, { collations: [], desc: [] }).cursor();
        for (let ok2 = ic.first(); ok2; ok2 = ic.next()) ic.key();
      }
    }
    st.integrityCheck([{ root: 2, kind: 'table', name: 't' }, { root: 3, kind: 'index', name: 'ti' }], 20);
    return undefined;
  } catch (e) {
    if (!(e instanceof SqliteError)) throw e;
    return e;
  }
}

function patch(file: string, pgno: number, pageSize: number, fn: (page: Buffer) => void): void {
  const fd = fs.openSync(file, 'r+');
  const b = Buffer.alloc(pageSize);
  fs.readSync(fd, b, 0, pageSize, (pgno - 1) * pageSize);
  fn(b);
  fs.writeSync(fd, b, 0, pageSize, (pgno - 1) * pageSize);
  fs.closeSync(fd);
}

describe('not a database', () => {
  it('garbage header', () => {
    const file = fresh();
    fs.writeFileSync(file, Buffer.alloc(4096, 0x5a));
    expect(() => open(file)).toThrow(expect.objectContaining({ code: 'SQLITE_NOTADB', message: 'file is not a database' }));
  });
  it('file shorter than a header', () => {
    const file = fresh();
    fs.writeFileSync(file, Buffer.from('SQLite format 3\0abc'));
    expect(() => open(file)).toThrow(expect.objectContaining({ code: 'SQLITE_NOTADB' }));
  });
  it('bad page size in header', () => {
    const file = sqliteDb();
    patch(file, 1, 1024, (p) => p.writeUInt16BE(1000, 16));
    expect(() => open(file)).toThrow(expect.objectContaining({ code: 'SQLITE_NOTADB' }));
  });
  it('missing file with fileMustExist', () => {
    expect(() => open(path.join(dir, 'nope.db'))).toThrow(expect.objectContaining({ code: 'SQLITE_CANTOPEN' }));
  });
});

describe('corruption', () => {
  it('truncated file', () => {
    const file = sqliteDb();
    const size = fs.statSync(file).size;
    fs.truncateSync(file, Math.floor(size / 2048) * 1024);
    expect(() => open(file)).toThrow(expect.objectContaining({ code: 'SQLITE_CORRUPT', message: 'database disk image is malformed' }));
  });
  it('garbage b-tree page', () => {
    const file = sqliteDb();
    patch(file, 5, 1024, (p) => p.fill(0xff));
    const st = open(file, true);
    expect(readAll(st)?.code).toBe('SQLITE_CORRUPT');
    const problems = st.integrityCheck([{ root: 2, kind: 'table', name: 't' }], 10);
    expect(problems.length).toBeGreaterThan(0);
    st.close();
  });
  it('cycle in child pointers ends with SQLITE_CORRUPT, not a hang', () => {
    const file = sqliteDb(512, 3000);
    // root of t is page 2, an interior page: point its right child at itself
    patch(file, 2, 512, (p) => {
      expect(p[0]).toBe(5);
      p.writeUInt32BE(2, 8);
    });
    const st = open(file, true);
    expect(readAll(st)?.code).toBe('SQLITE_CORRUPT');
    expect(st.integrityCheck([{ root: 2, kind: 'table', name: 't' }], 10).join('\n')).toMatch(/2nd reference to page 2/);
    st.close();
  });
  it('cycle in an overflow chain', () => {
    const file = sqliteDb(1024, 200, true);
    // find an overflow page: the first cell of some leaf with an overflow pointer; corrupt its chain to loop
    const st0 = open(file, true);
    const core = (st0 as unknown as { core: { btPage(p: number): { ovfl: number[]; n: number; leaf: boolean } } }).core;
    let ovfl = 0;
    for (let p = 2; p < 200 && !ovfl; p++) {
      try {
        const pg = core.btPage(p);
        for (let i = 0; i < pg.n; i++) if (pg.ovfl[i]) ovfl = pg.ovfl[i];
      } catch {
        /* overflow pages are not b-tree pages */
      }
    }
    st0.close();
    expect(ovfl).toBeGreaterThan(0);
    patch(file, ovfl, 1024, (p) => p.writeUInt32BE(ovfl, 0));
    const st = open(file, true);
    expect(st.integrityCheck([{ root: 2, kind: 'table', name: 't' }, { root: 3, kind: 'index', name: 'ti' }], 10).join('\n')).toMatch(/2nd reference to page/);
    expect(readAll(st)?.code).toBe('SQLITE_CORRUPT');
    st.close();
  });
  it('random byte flips give typed errors only', () => {
    const base = sqliteDb(512, 1500, true);
    const img = fs.readFileSync(base);
    const r = rng(42);
    let errors = 0;
    for (let trial = 0; trial < 60; trial++) {
      const file = fresh();
      const b = Buffer.from(img);
      for (let k = 0; k < 8; k++) b[512 + Math.floor(r() * (b.length - 512))] = Math.floor(r() * 256);
      fs.writeFileSync(file, b);
      let st: Storage;
      try {
        st = open(file, true);
      } catch (e) {
        expect(e).toBeInstanceOf(SqliteError);
        continue;
      }
      if (readAll(st)) errors++;
      st.close();
    }
    expect(errors).toBeGreaterThan(0);
  });
});

describe('unsupported formats', () => {
  it('UTF-16 databases are refused with a clear error', () => {
    const file = fresh();
    const db = new Database(file);
    db.pragma("encoding='UTF-16le'");
    db.exec('CREATE TABLE t(a)');
    db.close();
    expect(() => open(file)).toThrow(/UTF-16le/);
  });
  it('auto_vacuum databases open read-only with a clear error for writes', () => {
    const file = fresh();
    const db = new Database(file);
    db.pragma('auto_vacuum=FULL');
    db.exec('CREATE TABLE t(a, b); CREATE INDEX ti ON t(b)');
    const ins = db.prepare('INSERT INTO t VALUES (?, ?)');
    for (let i = 0; i < 500; i++) ins.run(i, 'x' + i);
    db.close();
    const st = open(file);
    expect(st.readonly).toBe(true);
    expect(st.read().openTable(3).count()).toBe(500);
    expect(st.integrityCheck([{ root: 3, kind: 'table', name: 't' }, { root: 4, kind: 'index', name: 'ti' }], 10)).toEqual([]);
    expect(() => st.beginWrite()).toThrow(expect.objectContaining({ code: 'SQLITE_READONLY', message: expect.stringMatching(/auto_vacuum/) }));
    st.close();
  });
  it('a hot SQLite rollback journal is refused', () => {
    const file = sqliteDb(1024, 10);
    fs.writeFileSync(file + '-journal', Buffer.concat([Buffer.from([0xd9, 0xd5, 0x05, 0xf9, 0x20, 0xa1, 0x63, 0xd7]), Buffer.alloc(504)]));
    expect(() => open(file)).toThrow(/hot SQLite rollback journal/);
  });
});

describe('our log', () => {
  it('a bad checksum in the middle of the log ends recovery there; earlier commits survive', () => {
    const file = fresh();
    const st = openStorage(file, { readonly: false, fileMustExist: false, pageSize: 1024 });
    st.walAutocheckpoint = 0;
    let tx = st.beginWrite();
    const root = tx.createTree('table');
    tx.openTable(1).insert(1, ['table', 't', 't', root, 'CREATE TABLE t(a, b)']);
    tx.header.schemaCookie++;
    tx.commit();
    const sizes: number[] = [];
    for (let i = 1; i <= 6; i++) {
      tx = st.beginWrite();
      for (let k = 0; k < 20; k++) tx.openTable(root).insert(i * 100 + k, [i, 'x'.repeat(30)]);
      tx.commit();
      sizes.push(fs.statSync(file + '-hlog').size);
    }
    // copy the files while open (a crash image), then corrupt one byte inside commit 4's frames
    const copy = fresh();
    fs.copyFileSync(file, copy);
    const log = fs.readFileSync(file + '-hlog');
    log[sizes[2] + 200] ^= 0x55;
    fs.writeFileSync(copy + '-hlog', log);
    st.close();
    const st2 = openStorage(copy, { readonly: false, fileMustExist: true });
    const t = st2.read().openTable(root);
    expect(t.count()).toBe(60);
    expect(t.get(301)).toEqual([3, 'x'.repeat(30)]);
    expect(t.get(401)).toBeUndefined();
    // still writable; the log continues after the last valid commit
    const tx2 = st2.beginWrite();
    tx2.openTable(root).insert(999, ['after', null]);
    tx2.commit();
    st2.close();
    withSqlite(copy, (db) => expect((db.prepare('SELECT count(*) AS n FROM t').get() as { n: bigint }).n).toBe(61n));
  });
});
