/**
 * Reading and writing the history store (layout.ts) through the storage contract. Nothing here
 * knows SQL: callers pass the tables' root pages.
 */
import { corrupt } from '../storage/errors.js';
import type { IndexTree, PageView, Rowid, WriteTxn } from '../storage/api.js';
import type { SqlValue } from '../common/value.js';
import type { TableChanges } from './capture.js';
import { HISTORY_KEYINFO, META_HORIZON, META_KEYINFO, type HistoryRoots } from './layout.js';

function metaTree(view: PageView, roots: HistoryRoots): IndexTree {
  return view.openIndex(roots.meta, META_KEYINFO);
}

export function readMeta(view: PageView, roots: HistoryRoots, key: string): SqlValue | undefined {
  const c = metaTree(view, roots).cursor();
  if (!c.seek([key], 'ge')) return undefined;
  const k = c.key();
  return k[0] === key ? (k.length > 1 ? k[1] : null) : undefined;
}

/** Sets a meta value (the old entry is removed first: index B-tree entries are whole records). */
export function writeMeta(tx: WriteTxn, roots: HistoryRoots, key: string, value: SqlValue): void {
  const t = metaTree(tx, roots);
  const c = t.cursor();
  if (c.seek([key], 'ge') && c.key()[0] === key) t.delete(c.key().slice());
  t.insert([key, value]);
}

export function metaNumber(view: PageView, roots: HistoryRoots, key: string): number | undefined {
  const v = readMeta(view, roots, key);
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  throw corrupt(`${key} in _helios_meta is not a number`);
}

/** Appends one commit: its row in _helios_commits and every changed row's previous version. */
export function appendCommit(tx: WriteTxn, roots: HistoryRoots, txn: number, ts: number, changes: readonly TableChanges[]): void {
  const h = tx.openIndex(roots.history, HISTORY_KEYINFO);
  const names: string[] = [];
  for (const t of changes) {
    names.push(t.name);
    const keys = t.keys;
    const olds = t.olds;
    for (let i = 0; i < keys.length; i++) h.insert([t.name, ts, keys[i] as SqlValue, olds[i]]);
  }
  tx.openTable(roots.commits).insert(txn, [null, ts, JSON.stringify(names)]);
}

/** Commit timestamp of transaction `txn`, if its row is still kept. */
export function commitTs(view: PageView, roots: HistoryRoots, txn: number): number | undefined {
  const r = view.openTable(roots.commits).get(txn);
  if (r === undefined) return undefined;
  return tsValue(r[1]);
}

function tsValue(v: SqlValue | undefined): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  throw corrupt('_helios_commits.ts is not an integer');
}

/** The newest commit row (txn, ts), or null. */
export function lastCommit(view: PageView, roots: HistoryRoots): { txn: number; ts: number } | null {
  const c = view.openTable(roots.commits).cursor();
  if (!c.last()) return null;
  return { txn: Number(c.rowid()), ts: tsValue(c.record()[1]) };
}

/** The transaction that committed last at or before `ts` (0 when none is kept). Binary search: txn and ts grow together. */
export function txnAt(view: PageView, roots: HistoryRoots, ts: number): number {
  const c = view.openTable(roots.commits).cursor();
  if (!c.last()) return 0;
  let hi = Number(c.rowid());
  if (tsValue(c.record()[1]) <= ts) return hi;
  c.first();
  let lo = Number(c.rowid());
  if (tsValue(c.record()[1]) > ts) return 0;
  // invariant: ts(lo) <= ts < ts(hi); rows may be missing only below the oldest kept commit
  const t = view.openTable(roots.commits);
  while (hi - lo > 1) {
    const mid = lo + Math.floor((hi - lo) / 2);
    const r = t.get(mid);
    if (r === undefined) return lo; // not dense (cannot happen with consecutive numbers)
    if (tsValue(r[1]) <= ts) lo = mid;
    else hi = mid;
  }
  return lo;
}

/**
 * Calls `f(ts, key, old)` for every change of table `name` with commit ts > `after`, in commit
 * order (one range scan).
 */
export function forEachChangeAfter(
  view: PageView,
  roots: HistoryRoots,
  name: string,
  after: number,
  f: (ts: number, key: Rowid | Uint8Array, old: Uint8Array | null) => void,
): void {
  const c = view.openIndex(roots.history, HISTORY_KEYINFO).cursor();
  for (let ok = c.seek([name, after + 1], 'ge'); ok; ok = c.next()) {
    const k = c.key();
    if (k[0] !== name) break;
    const key = k[2];
    const old = k[3];
    if (!(typeof key === 'number' || typeof key === 'bigint' || key instanceof Uint8Array)) throw corrupt('_helios_history.key has a wrong type');
    if (!(old === null || old === undefined || old instanceof Uint8Array)) throw corrupt('_helios_history.old is not a blob');
    f(tsValue(k[1]), key, old ?? null);
  }
}

/**
 * One step of garbage collection: removes the history of the oldest commits with ts <= `limit`
 * (never the newest commit row, which keeps the transaction counter), at most about `budget`
 * history rows. The horizon is raised before anything is removed. Returns rows removed.
 */
export function gcStep(tx: WriteTxn, roots: HistoryRoots, limit: number, budget: number): number {
  const commits = tx.openTable(roots.commits);
  const h = tx.openIndex(roots.history, HISTORY_KEYINFO);
  let removed = 0;
  while (removed < budget) {
    const c = commits.cursor();
    if (!c.first()) break;
    const txn: Rowid = c.rowid();
    const rec = c.record();
    const ts = tsValue(rec[1]);
    if (ts > limit) break;
    if (!c.next()) break; // the newest commit row stays
    const horizon = metaNumber(tx, roots, META_HORIZON) ?? 0;
    if (ts > horizon) writeMeta(tx, roots, META_HORIZON, ts);
    let names: unknown;
    try {
      names = JSON.parse(String(rec[2]));
    } catch {
      throw corrupt('_helios_commits.tables is not a JSON array');
    }
    if (!Array.isArray(names)) throw corrupt('_helios_commits.tables is not a JSON array');
    let done = true;
    for (const name of names) {
      const keys: SqlValue[][] = [];
      const hc = h.cursor();
      for (let ok = hc.seek([String(name), ts], 'ge'); ok; ok = hc.next()) {
        const k = hc.key();
        if (k[0] !== name || tsValue(k[1]) !== ts) break;
        if (removed + keys.length >= budget) {
          done = false;
          break;
        }
        keys.push(k.slice(0, 3));
      }
      for (const k of keys) h.delete(k);
      removed += keys.length;
      if (!done) break;
    }
    if (!done) break;
    commits.delete(txn);
    removed++;
  }
  return removed;
}
