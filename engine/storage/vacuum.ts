/**
 * VACUUM: rebuilds the database compactly and replaces it in one ordinary commit.
 *
 *   1. every tree the schema names is copied entry by entry (rowids kept) into a fresh memory
 *      database of the same page size, sqlite_schema last with its rootpage column renumbered;
 *      the result has no free pages;
 *   2. one write transaction on the real database replaces pages 1..n with that image and sets
 *      page_count = n (freelist empty, schema cookie + 1); its commit goes through the log like
 *      any other, so a crash leaves the old or the new database;
 *   3. cached pages past n are dropped, and the checkpoint (TRUNCATE) shrinks the main file.
 *
 * The caller (sql/compile/ddl/vacuum.ts) guarantees nobody else holds a snapshot or cursor.
 */
import { SqliteError } from '../common/errors.js';
import type { SqlValue } from '../common/value.js';
import type { KeyInfo, Storage } from './api.js';
import { StorageCore } from './core.js';
import { RawPage, pageBytes } from './page.js';
import { StorageHandle } from './storage.js';

export interface VacuumTree {
  readonly root: number;
  readonly kind: 'table' | 'index';
  readonly keyInfo?: KeyInfo;
}

const BINARY_KEYS: KeyInfo = { collations: [], desc: [] };

/** Rebuilds `storage` compactly; returns the new root page of every old root in `trees`. */
export function vacuumStorage(storage: Storage, trees: readonly VacuumTree[]): Map<number, number> {
  if (!(storage instanceof StorageHandle)) throw new SqliteError('VACUUM is not supported on this storage', 'SQLITE_ERROR');
  if (storage.readonly) throw new SqliteError('attempt to write a readonly database', 'SQLITE_READONLY');
  const core = storage.core;
  if (core.writeTxn !== null || core.concurrentTxns.size !== 0) throw new SqliteError('database is locked', 'SQLITE_BUSY');
  const src = core.readView;
  const old = core.header;

  // 1. the compact copy
  const mem = StorageCore.openMemory({ readonly: false, fileMustExist: false, pageSize: old.pageSize });
  const mtx = mem.beginWrite();
  const roots = new Map<number, number>();
  for (const t of trees) {
    if (t.root <= 1 || roots.has(t.root)) continue;
    const nr = mtx.createTree(t.kind);
    roots.set(t.root, nr);
    if (t.kind === 'table') {
      const dst = mtx.openTable(nr);
      const c = src.openTable(t.root).cursor();
      for (let ok = c.first(); ok; ok = c.next()) dst.insert(c.rowid(), c.record());
    } else {
      const ki = t.keyInfo ?? BINARY_KEYS;
      const dst = mtx.openIndex(nr, ki);
      const c = src.openIndex(t.root, ki).cursor();
      for (let ok = c.first(); ok; ok = c.next()) dst.insert(c.key());
    }
  }
  const schema = mtx.openTable(1);
  const sc = src.openTable(1).cursor();
  for (let ok = sc.first(); ok; ok = sc.next()) {
    const rec = sc.record();
    const r = rec[3];
    const nr = typeof r === 'number' ? roots.get(r) : undefined;
    if (nr === undefined) {
      if (typeof r === 'number' && r > 1) {
        mem.release();
        throw new SqliteError(`VACUUM: the schema names root page ${r} that was not copied`, 'SQLITE_INTERNAL');
      }
      schema.insert(sc.rowid(), rec);
    }
    else {
      const copy: SqlValue[] = rec.slice();
      copy[3] = nr;
      schema.insert(sc.rowid(), copy);
    }
  }
  mtx.commit();
  const n = mem.header.pageCount;
  const images: Buffer[] = [];
  for (let pgno = 1; pgno <= n; pgno++) {
    const p = mem.cache.get(pgno);
    if (p === undefined) throw new SqliteError('VACUUM: page missing from the rebuilt image', 'SQLITE_INTERNAL');
    images.push(Buffer.from(pageBytes(p, mem.geom, undefined)));
  }
  mem.release();

  // 2. one commit replacing every page
  const tx = core.beginWrite();
  try {
    for (let pgno = 1; pgno <= n; pgno++) tx.dirty.set(pgno, new RawPage(pgno, images[pgno - 1]));
    tx.freedLeaves.clear();
    const h = tx.header;
    h.pageCount = n;
    h.freelistTrunk = 0;
    h.freelistCount = 0;
    h.schemaCookie = (old.schemaCookie + 1) >>> 0;
  } catch (e) {
    tx.rollback();
    throw e;
  }
  tx.commit();

  // 3. forget pages past the end; shrink the file
  const stale: number[] = [];
  for (const [pgno] of core.cache.entries()) if (pgno > n) stale.push(pgno);
  for (const pgno of stale) core.cache.delete(pgno);
  if (!core.memory) {
    try {
      core.checkpoint('TRUNCATE');
    } catch {
      /* the commit is durable in the log; a later checkpoint shrinks the file */
    }
  }
  return roots;
}
