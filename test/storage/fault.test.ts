/**
 * Fault injection on the in-memory VFS: a simulated crash (or torn write) at every write and
 * fsync point of a fixed workload, including checkpoints, must recover to a consistent state
 * holding every commit the synchronous level promised; ENOSPC and EIO must give typed errors,
 * leave the database usable and lose no committed data.
 */
import { describe, expect, it } from 'vitest';
import { SqliteError } from '../../engine/common/errors.js';
import type { Storage, SynchronousLevel } from '../../engine/storage/api.js';
import { FaultVfs, MemoryVfs, openStorage, type FaultKind } from '../../engine/storage/index.js';
import type { Vfs } from '../../engine/storage/vfs.js';

const FILE = '/db/main.db';
const COMMITS = 14;

function groupRows(T: number): number {
  return 3 + (T % 5);
}

/** Runs the workload; `ack(T)` after each commit that returned. Stops at a crash. */
function workload(vfs: Vfs, sync: SynchronousLevel, ack: (T: number) => void, onError: (e: unknown, T: number) => 'stop' | 'continue'): void {
  let st: Storage;
  try {
    st = openStorage(FILE, { readonly: false, fileMustExist: false, pageSize: 512, vfs });
  } catch (e) {
    onError(e, -1);
    return;
  }
  st.synchronous = sync;
  st.walAutocheckpoint = 6;
  let root = 2;
  try {
    const tx = st.beginWrite();
    root = tx.createTree('table');
    tx.openTable(1).insert(1, ['table', 'g', 'g', root, 'CREATE TABLE g(t, n, k, p)']);
    tx.header.schemaCookie++;
    tx.commit();
    ack(0);
  } catch (e) {
    if (onError(e, 0) === 'stop') return;
  }
  for (let T = 1; T <= COMMITS; T++) {
    try {
      const tx = st.beginWrite();
      const t = tx.openTable(root);
      const n = groupRows(T);
      for (let k = 0; k < n; k++) t.insert(T * 1000 + k, [T, n, k, T % 4 === 0 && k === 0 ? 'B'.repeat(1500) : 'p' + k]);
      for (let k = 0; k < 10; k++) t.delete((T - 5) * 1000 + k);
      tx.commit();
      ack(T);
      if (T === 7) st.checkpoint('PASSIVE');
      if (T === 11) st.checkpoint('TRUNCATE');
    } catch (e) {
      if (onError(e, T) === 'stop') return;
    }
  }
  try {
    st.close();
  } catch (e) {
    onError(e, COMMITS + 1);
  }
}

function simulate(list: number[]): Set<number> {
  const s = new Set<number>();
  for (const T of list) {
    if (T === 0) continue;
    s.add(T);
    s.delete(T - 5);
  }
  return s;
}

/** Reads the groups; null when the schema does not exist yet. Checks atomicity and integrity. */
function readGroups(vfs: Vfs): Set<number> | null {
  const st = openStorage(FILE, { readonly: false, fileMustExist: false, vfs });
  try {
    const schema = st.read().openTable(1);
    if (schema.count() === 0) return null;
    const root = Number(schema.get(1)![3]);
    const groups = new Map<number, number>();
    const c = st.read().openTable(root).cursor();
    for (let ok = c.first(); ok; ok = c.next()) {
      const r = c.record();
      const T = Number(r[0]);
      groups.set(T, (groups.get(T) ?? 0) + 1);
      expect(Number(r[1])).toBe(groupRows(T));
    }
    for (const [T, n] of groups) expect(n, `txn ${T} complete`).toBe(groupRows(T));
    expect(st.integrityCheck([{ root, kind: 'table', name: 'g' }], 10)).toEqual([]);
    return new Set(groups.keys());
  } finally {
    st.close();
  }
}

function countOps(sync: SynchronousLevel): number {
  const f = new FaultVfs(new MemoryVfs());
  workload(f, sync, () => {}, (e) => {
    throw e;
  });
  return f.writes + f.syncs;
}

const same = (a: Set<number>, b: Set<number>) => a.size === b.size && [...a].every((x) => b.has(x));

describe('simulated crash at every write and fsync', () => {
  const cases: [SynchronousLevel, FaultKind, 'all' | 'synced'][] = [
    [2, 'crash', 'synced'],
    [2, 'torn', 'all'],
    [1, 'crash', 'all'],
    [1, 'crash', 'synced'],
    [0, 'crash', 'all'],
  ];
  for (const [sync, kind, image] of cases) {
    it(`synchronous=${sync}, ${kind}, ${image === 'synced' ? 'power loss' : 'process crash'}`, () => {
      const total = countOps(sync);
      expect(total).toBeGreaterThan(20);
      let crashes = 0;
      for (let at = 1; at <= total; at++) {
        const mem = new MemoryVfs();
        const f = new FaultVfs(mem);
        f.plan = { op: 'any', at, kind };
        const acked: number[] = [];
        let inflight = -1;
        workload(
          f,
          sync,
          (T) => acked.push(T),
          (e, T) => {
            if (!f.dead) throw e;
            inflight = T;
            return 'stop';
          },
        );
        if (!f.dead) continue;
        crashes++;
        const img = mem.crashImage(image);
        const got = readGroups(img);
        const promised = image === 'all' || sync >= 2;
        if (got === null) {
          expect(promised ? acked.length : 0, `crash at op ${at}: schema lost`).toBe(0);
          continue;
        }
        // The state must be a prefix of the acknowledged commits, possibly plus the in-flight one.
        const candidates: Set<number>[] = [];
        const first = promised ? acked.length : 1;
        for (let n = first; n <= acked.length; n++) candidates.push(simulate(acked.slice(0, n)));
        if (inflight > 0) candidates.push(simulate([...acked, inflight]));
        expect(
          candidates.some((c) => same(c, got)),
          `crash at op ${at} (acked ${acked.join(',')}, inflight ${inflight}): found ${[...got].join(',')}`,
        ).toBe(true);
      }
      expect(crashes).toBeGreaterThan(20);
    });
  }
});

describe('ENOSPC and EIO', () => {
  for (const [kind, op] of [
    ['ENOSPC', 'write'],
    ['EIO', 'write'],
    ['EIO', 'sync'],
  ] as const) {
    it(`${kind} on ${op} at every point: typed error, usable afterwards, nothing committed is lost`, () => {
      const total = countOps(2);
      let failures = 0;
      for (let at = 1; at <= total; at++) {
        const mem = new MemoryVfs();
        const f = new FaultVfs(mem);
        f.plan = { op, at, kind };
        const acked: number[] = [];
        const errors: SqliteError[] = [];
        workload(
          f,
          2,
          (T) => acked.push(T),
          (e, T) => {
            expect(e).toBeInstanceOf(SqliteError);
            errors.push(e as SqliteError);
            return T <= 0 ? 'stop' : 'continue';
          },
        );
        for (const e of errors) {
          failures++;
          if (kind === 'ENOSPC') expect(e.code).toBe('SQLITE_FULL');
          else expect(e.code).toMatch(op === 'sync' ? /^SQLITE_IOERR/ : /^SQLITE_IOERR/);
        }
        if (!acked.includes(0)) continue;
        const got = readGroups(mem);
        expect(got, `fault at ${at}`).not.toBeNull();
        expect([...got!].sort(), `fault at ${at}: acked ${acked.join(',')}`).toEqual([...simulate(acked)].sort());
      }
      expect(failures).toBeGreaterThan(0);
    });
  }

  it('sticky ENOSPC during checkpoint keeps the log and recovers once space is back', () => {
    const mem = new MemoryVfs();
    const f = new FaultVfs(mem);
    const st = openStorage(FILE, { readonly: false, fileMustExist: false, pageSize: 512, vfs: f });
    st.walAutocheckpoint = 0;
    const tx = st.beginWrite();
    const root = tx.createTree('table');
    tx.openTable(1).insert(1, ['table', 'g', 'g', root, 'CREATE TABLE g(t, n, k, p)']);
    tx.commit();
    for (let T = 1; T <= 5; T++) {
      const t = st.beginWrite();
      for (let k = 0; k < groupRows(T); k++) t.openTable(root).insert(T * 1000 + k, [T, groupRows(T), k, 'x']);
      t.commit();
    }
    f.plan = { op: 'write', at: 1, kind: 'ENOSPC', sticky: true, pathSuffix: 'main.db' };
    expect(() => st.checkpoint('TRUNCATE')).toThrow(expect.objectContaining({ code: 'SQLITE_FULL' }));
    // writes to the log still work (the fault is only on the main file); data is readable
    const t = st.beginWrite();
    t.openTable(root).insert(6000, [6, groupRows(6), 0, 'x']);
    t.rollback();
    expect(st.read().openTable(root).count()).toBe([1, 2, 3, 4, 5].reduce((a, T) => a + groupRows(T), 0));
    f.clear();
    expect(st.checkpoint('TRUNCATE')).toEqual([0, 0, 0]);
    st.close();
    expect([...readGroups(mem)!].sort()).toEqual([1, 2, 3, 4, 5]);
  });
});

describe('async sync (group commit) fault points', () => {
  const syncAsync = (f: { syncAsync(done: (e: Error | null) => void): void }): Promise<Error | null> => new Promise((r) => f.syncAsync(r));

  it('counts async syncs with the sync ones and injects EIO / ENOSPC / crash there, reporting later', async () => {
    const mem = new MemoryVfs();
    const f = new FaultVfs(mem);
    const file = f.open('/x/a', 'rwc');
    file.write(Buffer.from('abcd'), 0, 4, 0);
    expect(await syncAsync(file)).toBeNull();
    expect([f.syncs, f.asyncSyncs]).toEqual([1, 1]);
    expect(mem.crashImage('synced').contents('/x/a')).toEqual(new Uint8Array(Buffer.from('abcd')));
    for (const kind of ['EIO', 'ENOSPC'] as const) {
      f.counted = 0;
      f.plan = { op: 'sync', at: 1, kind };
      file.write(Buffer.from('efgh'), 0, 4, 4);
      let called = false;
      const p = new Promise<Error | null>((r) =>
        file.syncAsync((e) => {
          called = true;
          r(e);
        }),
      );
      expect(called).toBe(false); // never synchronously
      expect(await p).toMatchObject({ code: kind });
      // the failed sync made nothing durable
      expect(mem.crashImage('synced').contents('/x/a')!.length).toBe(4);
      f.clear();
    }
    f.counted = 0;
    f.plan = { op: 'sync', at: 1, kind: 'crash' };
    const e = await syncAsync(file);
    expect(e).toMatchObject({ code: 'ESIMULATEDCRASH' });
    expect(f.dead).toBe(true);
    expect(() => file.write(Buffer.from('z'), 0, 1, 0)).toThrow();
  });

  it('a closed memory file reports EBADF from syncAsync', async () => {
    const mem = new MemoryVfs();
    const file = mem.open('/x/b', 'rwc');
    file.close();
    expect(await syncAsync(file)).toMatchObject({ code: 'EBADF' });
  });
});
