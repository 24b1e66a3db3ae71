/**
 * Group commit (engine/storage/group-commit.ts, Database#whenDurable): concurrent async clients
 * commit at synchronous NORMAL and await durability; they must share fsyncs, every acknowledged
 * commit must survive a crash that drops unsynced writes, fsync failures must reject the covered
 * waiters with SQLITE_IOERR_FSYNC and leave the database usable, and checkpoint/close while an
 * fsync is in flight must settle waiters correctly. Storage-level tests run on FaultVfs over
 * MemoryVfs (crash images); API tests on real files, checked with better-sqlite3.
 */
import Database from 'better-sqlite3';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Database as Ours } from '../../engine/api/database.js';
import { SqliteError } from '../../engine/common/errors.js';
import type { Storage } from '../../engine/storage/api.js';
import type { GroupCommit } from '../../engine/storage/group-commit.js';
import { FaultVfs, MemoryVfs, openStorage } from '../../engine/storage/index.js';
import type { StorageHandle } from '../../engine/storage/storage.js';
import { NodeVfs, nodeSyncCount } from '../../engine/storage/vfs-node.js';
import { rmDir, tmpDir } from './helpers.js';
// @ts-expect-error plain .mjs helpers without type declarations
import { buildEngine } from './crash/build.mjs';
// @ts-expect-error plain .mjs helpers without type declarations
import { groupCrashRounds } from './crash/group-runner.mjs';

const FILE = '/db/gc.db';
const dir = tmpDir('group-commit');
afterAll(() => rmDir(dir));

/** One event-loop turn: a durability sync scheduled by whenDurable() has started after it. */
const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

const gcOf = (st: Storage): GroupCommit => (st as StorageHandle).core.groupCommit!;

function openMem(vfs: FaultVfs | MemoryVfs): { st: Storage; root: number } {
  const st = openStorage(FILE, { readonly: false, fileMustExist: false, pageSize: 1024, vfs });
  st.synchronous = 1;
  st.walAutocheckpoint = 40;
  let root = 2;
  const schema = st.read().openTable(1);
  if (schema.count() === 0) {
    const tx = st.beginWrite();
    root = tx.createTree('table');
    tx.openTable(1).insert(1, ['table', 'g', 'g', root, 'CREATE TABLE g(c, k, p)']);
    tx.header.schemaCookie++;
    tx.commit();
  } else root = Number(schema.get(1)![3]);
  return { st, root };
}

function insertRow(st: Storage, root: number, c: number, k: number): void {
  const tx = st.beginWrite();
  tx.openTable(root).insert(c * 100000 + k, [c, k, k % 7 === 0 ? 'x'.repeat(300) : 'p' + k]);
  tx.commit();
}

/** K async clients, each `perClient` commits, acknowledging after whenDurable; acked rowids. */
async function clients(st: Storage, root: number, K: number, perClient: number, acked: Set<number>, stop?: () => boolean): Promise<void> {
  const gc = gcOf(st);
  await Promise.all(
    Array.from({ length: K }, async (_, c) => {
      for (let k = 0; k < perClient; k++) {
        if (stop?.()) return;
        insertRow(st, root, c, k);
        await gc.whenDurable();
        acked.add(c * 100000 + k);
      }
    }),
  );
}

function rowids(st: Storage, root: number): Set<number> {
  const out = new Set<number>();
  const cur = st.read().openTable(root).cursor();
  for (let ok = cur.first(); ok; ok = cur.next()) out.add(Number(cur.rowid()));
  return out;
}

describe('storage level (FaultVfs over MemoryVfs)', () => {
  it('concurrent clients share fsyncs: fewer durability syncs than commits, all acknowledged', async () => {
    const mem = new MemoryVfs();
    const vfs = new FaultVfs(mem);
    const { st, root } = openMem(vfs);
    const gc = gcOf(st);
    const before = gc.committed;
    const acked = new Set<number>();
    await clients(st, root, 8, 25, acked);
    const commits = gc.committed - before;
    expect(commits).toBe(200);
    expect(acked.size).toBe(200);
    expect(vfs.asyncSyncs).toBeGreaterThan(0);
    expect(vfs.asyncSyncs).toBeLessThan(commits / 2);
    expect(gc.syncs).toBe(vfs.asyncSyncs); // one async fsync per durability sync (only the log to sync)
    expect(gc.durable).toBe(gc.committed);
    // a power loss now keeps every acknowledged commit
    const { st: st2, root: r2 } = openMem(mem.crashImage('synced'));
    const got = rowids(st2, r2);
    for (const id of acked) expect(got.has(id)).toBe(true);
    st2.close();
    st.close();
  });

  it('every acknowledged commit survives a crash that drops unsynced writes (crash at several points)', async () => {
    let rejected = 0;
    for (const crashAt of [2, 3, 7, 12]) {
      const mem = new MemoryVfs();
      const vfs = new FaultVfs(mem);
      const { st, root } = openMem(vfs);
      vfs.plan = { op: 'sync', at: crashAt, kind: 'crash' };
      const acked = new Set<number>();
      const errors: unknown[] = [];
      await clients(st, root, 6, 40, acked, () => vfs.dead).catch((e) => errors.push(e));
      expect(vfs.dead).toBe(true);
      // the waiters of a crashed fsync get a typed error (when the crash hit an async one)
      for (const e of errors) expect(e).toBeInstanceOf(SqliteError);
      rejected += errors.length;
      (st as StorageHandle).core.abandon();
      const img = mem.crashImage('synced');
      const { st: st2, root: r2 } = openMem(img);
      const got = rowids(st2, r2);
      expect(acked.size).toBeGreaterThan(0);
      for (const id of acked) expect(got.has(id)).toBe(true);
      st2.close();
      // the recovered, closed file is a valid SQLite database with the same rows
      const file = path.join(dir, `crash-${crashAt}.db`);
      fs.writeFileSync(file, img.contents(FILE)!);
      const db = new Database(file, { readonly: true });
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      const rows = (db.prepare('SELECT rowid AS id FROM g').all() as { id: number }[]).map((r) => r.id);
      expect(new Set(rows)).toEqual(got);
      db.close();
    }
    expect(rejected).toBeGreaterThan(0);
  });

  it('EIO on the async fsync rejects the covered waiters with SQLITE_IOERR_FSYNC; the database stays usable', async () => {
    const mem = new MemoryVfs();
    const vfs = new FaultVfs(mem);
    const { st, root } = openMem(vfs);
    const gc = gcOf(st);
    insertRow(st, root, 0, 1);
    vfs.counted = 0;
    vfs.plan = { op: 'sync', at: 1, kind: 'EIO' };
    const p1 = gc.whenDurable();
    await tick(); // the sync starts (on the check phase) and is in flight
    expect(vfs.asyncSyncs).toBe(1);
    insertRow(st, root, 0, 2); // arrives while the failing fsync is in flight: not covered by it
    const p2 = gc.whenDurable();
    await expect(p1).rejects.toMatchObject({ code: 'SQLITE_IOERR_FSYNC' });
    await expect(p1).rejects.toBeInstanceOf(SqliteError);
    await expect(p2).resolves.toBeUndefined();
    insertRow(st, root, 0, 3);
    await expect(gc.whenDurable()).resolves.toBeUndefined();
    expect(gc.durable).toBe(gc.committed);
    expect(rowids(st, root)).toEqual(new Set([1, 2, 3]));
    const { st: st2, root: r2 } = openMem(mem.crashImage('synced'));
    expect(rowids(st2, r2)).toEqual(new Set([1, 2, 3]));
    st2.close();
    st.close();
  });

  it('a checkpoint while an fsync is in flight makes everything durable; the late completion is harmless', async () => {
    for (const mode of ['PASSIVE', 'TRUNCATE'] as const) {
      for (const level of [0, 1] as const) {
        const mem = new MemoryVfs();
        const vfs = new FaultVfs(mem);
        const { st, root } = openMem(vfs);
        st.synchronous = level;
        const gc = gcOf(st);
        insertRow(st, root, 1, 1);
        const p1 = gc.whenDurable();
        await tick();
        expect(vfs.asyncSyncs).toBe(1); // in flight
        insertRow(st, root, 1, 2);
        const p2 = gc.whenDurable();
        st.checkpoint(mode); // syncs even at OFF: group commit is busy
        expect(gc.durable).toBe(gc.committed);
        insertRow(st, root, 1, 3); // into the reset log, before the in-flight fsync reports
        const p3 = gc.whenDurable();
        await Promise.all([p1, p2, p3]);
        const { st: st2, root: r2 } = openMem(mem.crashImage('synced'));
        expect(rowids(st2, r2)).toEqual(new Set([100001, 100002, 100003]));
        st2.close();
        st.close();
      }
    }
  });

  it('at OFF an unsynced checkpoint moves commits to the main file; whenDurable then syncs it too', async () => {
    const mem = new MemoryVfs();
    const vfs = new FaultVfs(mem);
    const { st, root } = openMem(vfs);
    st.synchronous = 0;
    const gc = gcOf(st);
    insertRow(st, root, 2, 1);
    st.checkpoint('TRUNCATE'); // nobody waits: no sync
    insertRow(st, root, 2, 2);
    await gc.whenDurable();
    const { st: st2, root: r2 } = openMem(mem.crashImage('synced'));
    expect(rowids(st2, r2)).toEqual(new Set([200001, 200002]));
    st2.close();
    st.close();
  });

  it('close while an fsync is in flight: the closing checkpoint resolves the waiters, or they reject clearly', async () => {
    {
      const mem = new MemoryVfs();
      const { st, root } = openMem(mem);
      insertRow(st, root, 3, 1);
      const p = gcOf(st).whenDurable();
      await tick(); // in flight
      st.close();
      await expect(p).resolves.toBeUndefined();
      const { st: st2, root: r2 } = openMem(mem.crashImage('synced'));
      expect(rowids(st2, r2)).toEqual(new Set([300001]));
      st2.close();
    }
    {
      const mem = new MemoryVfs();
      const vfs = new FaultVfs(mem);
      const { st, root } = openMem(vfs);
      const gc = gcOf(st);
      insertRow(st, root, 3, 1);
      vfs.counted = 0;
      vfs.plan = { op: 'sync', at: 1, kind: 'EIO', sticky: true };
      const p = gc.whenDurable(); // its fsync fails; so does the closing checkpoint's
      await tick();
      st.close();
      await expect(p).rejects.toThrow(/closed before its commits were durable/);
      await expect(p).rejects.toBeInstanceOf(SqliteError);
    }
  });

  it('FULL: whenDurable resolves at once, with no extra fsync', async () => {
    const mem = new MemoryVfs();
    const vfs = new FaultVfs(mem);
    const { st, root } = openMem(vfs);
    st.synchronous = 2;
    const gc = gcOf(st);
    for (let k = 0; k < 5; k++) insertRow(st, root, 4, k);
    const syncs = vfs.syncs;
    let done = false;
    const p = gc.whenDurable().then(() => (done = true));
    await Promise.resolve();
    expect(done).toBe(true);
    await p;
    expect(vfs.syncs).toBe(syncs);
    expect(vfs.asyncSyncs).toBe(0);
    st.close();
  });
});

describe('Database#whenDurable (real files)', () => {
  const file = (n: string): string => path.join(dir, n);

  it('NodeVfs syncAsync: reports later; a close during it is deferred until it finished; EBADF after close', async () => {
    const vfs = new NodeVfs();
    const f = vfs.open(file('raw.bin'), 'rwc');
    f.write(Buffer.from('hello'), 0, 5, 0);
    const p = new Promise<Error | null>((resolve) => f.syncAsync((e) => resolve(e)));
    f.close(); // deferred: the fsync is in flight
    const fd = (f as unknown as { fd: number }).fd;
    expect(fd).toBeGreaterThanOrEqual(0);
    expect(() => fs.fstatSync(fd)).not.toThrow();
    expect(await p).toBeNull();
    expect((f as unknown as { fd: number }).fd).toBe(-1);
    const after = await new Promise<Error | null>((resolve) => f.syncAsync((e) => resolve(e)));
    expect(after).toMatchObject({ code: 'EBADF' });
  });

  it('8 concurrent async clients at NORMAL: fewer fsyncs than commits, every row present, SQLite agrees', async () => {
    const f = file('api.db');
    const db = new Ours(f);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, c INTEGER, k INTEGER)');
    const ins = db.prepare('INSERT INTO t (c, k) VALUES (?, ?)');
    const before = nodeSyncCount.syncAsync;
    let acks = 0;
    await Promise.all(
      Array.from({ length: 8 }, async (_, c) => {
        for (let k = 0; k < 30; k++) {
          ins.run(c, k);
          await db.whenDurable();
          acks++;
        }
      }),
    );
    const fsyncs = nodeSyncCount.syncAsync - before;
    expect(acks).toBe(240);
    expect(fsyncs).toBeGreaterThan(0);
    expect(fsyncs).toBeLessThan(240 / 2);
    db.close();
    const s = new Database(f, { readonly: true });
    expect(s.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(s.prepare('SELECT count(*) AS n, sum(c * 100 + k) AS h FROM t').get()).toEqual({ n: 240, h: 100 * 30 * 28 + 8 * 435 });
    s.close();
  });

  it('shares durability across connections, and resolves at once for memory databases and FULL', async () => {
    const f = file('two.db');
    const a = new Ours(f);
    const b = new Ours(f);
    a.pragma('synchronous = NORMAL');
    a.exec('CREATE TABLE t (x)');
    a.prepare('INSERT INTO t VALUES (1)').run();
    const before = nodeSyncCount.syncAsync;
    await b.whenDurable(); // b committed nothing, but the file has a commit not yet durable
    expect(nodeSyncCount.syncAsync).toBe(before + 1);
    await b.whenDurable();
    expect(nodeSyncCount.syncAsync).toBe(before + 1);
    a.pragma('synchronous = FULL');
    a.prepare('INSERT INTO t VALUES (2)').run();
    await a.whenDurable();
    expect(nodeSyncCount.syncAsync).toBe(before + 1);
    a.close();
    b.close();
    const m = new Ours(':memory:');
    m.exec('CREATE TABLE t (x); INSERT INTO t VALUES (1)');
    await expect(m.whenDurable()).resolves.toBeUndefined();
    m.close();
  });

  it('at OFF it still fsyncs (an explicit request for durability)', async () => {
    const db = new Ours(file('off.db'));
    db.pragma('synchronous = OFF');
    db.exec('CREATE TABLE t (x)');
    const before = nodeSyncCount.syncAsync;
    db.prepare('INSERT INTO t VALUES (1)').run();
    await db.whenDurable();
    expect(nodeSyncCount.syncAsync).toBeGreaterThan(before);
    db.close();
  });

  it('close while an fsync is in flight resolves the waiter; the file reopens with the row; closed db rejects with TypeError', async () => {
    const f = file('close.db');
    const db = new Ours(f);
    db.pragma('synchronous = NORMAL');
    db.exec('CREATE TABLE t (x)');
    db.prepare('INSERT INTO t VALUES (42)').run();
    const p = db.whenDurable();
    await tick();
    db.close();
    await expect(p).resolves.toBeUndefined();
    await expect(db.whenDurable()).rejects.toThrow(new TypeError('The database connection is not open'));
    const again = new Ours(f);
    expect(again.prepare('SELECT x FROM t').all()).toEqual([{ x: 42 }]);
    again.close();
    const s = new Database(f, { readonly: true });
    expect(s.pragma('integrity_check', { simple: true })).toBe('ok');
    s.close();
  });
});

it('SIGKILL: async clients at NORMAL acknowledge only after whenDurable; every acknowledged commit survives (4 rounds)', async () => {
  const entry = (buildEngine as (name: string) => string)('engine-group-commit.cjs');
  let sqliteChecks = 0;
  const r = await (groupCrashRounds as (o: object) => Promise<{ acked: number }>)({
    entry,
    dir,
    iterations: 4,
    seed: 5,
    sqliteCheck: (f: string) => {
      const db = new Database(f, { readonly: true, fileMustExist: true });
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      db.close();
      sqliteChecks++;
    },
  });
  expect(r.acked).toBeGreaterThan(4);
  expect(sqliteChecks).toBe(4);
}, 120_000);
