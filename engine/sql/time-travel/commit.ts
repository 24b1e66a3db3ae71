/**
 * History capture around a connection's write transaction:
 *
 *   beginWrite --attachCapture--> capturing (storage reports every tracked row change; savepoint
 *   rollbacks truncate) --recordCommit--> (txn, ts) stamped; previous versions appended to
 *   _helios_history, a _helios_commits row, definition changes noted, one GC step; all inside
 *   the same storage transaction, so history commits atomically with the data --> commit
 *
 * With retention 0 nothing is captured; commits still get (txn, ts) from the clock (in memory).
 */
import type { Schema } from '../../catalog/schema.js';
import type { TableSchema } from '../../catalog/types.js';
import type { WriteTxn } from '../../storage/api.js';
import { ChangeCapture } from '../../mvcc/capture.js';
import { appendCommit, gcStep, writeMeta } from '../../mvcc/history.js';
import { isInternalName, metaTableKey } from '../../mvcc/layout.js';
import { DualTxn } from '../temp-database.js';
import type { MvccState } from './state.js';
import { historyRoots, logTrees, trackedTrees } from './tracked.js';

/** History rows collected per commit by the incremental GC. */
export const GC_STEP_ROWS = 64;

function mainTxn(w: WriteTxn): WriteTxn {
  return w instanceof DualTxn ? w.main : w;
}

const NO_TREES: ReadonlyMap<number, never> = new Map<number, never>();

/**
 * Starts capturing the transaction's row changes when history is on, or when other connections
 * may hold read snapshots (`forSnapshots`: the VersionLog then gets every tree's changes). Call
 * right after beginWrite.
 */
export function attachCapture(mv: MvccState, w: WriteTxn, schema: Schema, forSnapshots: boolean): ChangeCapture | null {
  const persist = mv.retention > 0 && historyRoots(schema) !== null;
  if (!persist && !forSnapshots) return null;
  const cap = new ChangeCapture(persist ? trackedTrees(schema) : NO_TREES, forSnapshots ? logTrees(schema) : null);
  cap.persist = persist;
  mainTxn(w).changeSink = cap;
  return cap;
}

function userTables(s: Schema): Map<string, TableSchema> {
  const m = new Map<string, TableSchema>();
  const main = s.part('main') ?? s;
  for (const [k, t] of main.tables) if (!t.temp && !k.startsWith('sqlite_') && !isInternalName(k)) m.set(k, t);
  return m;
}

/** Tables created, dropped or redefined between two schemas. */
function redefinedTables(before: Schema, after: Schema): string[] {
  const a = userTables(before);
  const b = userTables(after);
  const out: string[] = [];
  for (const [k, t] of b) {
    const o = a.get(k);
    if (!o || o.sql !== t.sql || o.root !== t.root) out.push(t.name);
  }
  for (const [k, t] of a) if (!b.has(k)) out.push(t.name);
  return out;
}

/**
 * Stamps the committing transaction and, when it captured changes, writes its history. Call
 * just before the storage commit; `after` is the transaction's schema when it ran DDL.
 */
export function recordCommit(mv: MvccState, w: WriteTxn, capture: ChangeCapture | null, before: () => Schema, after: Schema | null): { txn: number; ts: number } {
  const stamp = mv.clock.tick();
  if (capture === null) return stamp;
  const main = mainTxn(w);
  main.changeSink = null;
  if (!capture.persist) return stamp;
  const roots = historyRoots(after ?? before());
  if (roots === null) return stamp; // the history tables were dropped in this transaction
  appendCommit(main, roots, stamp.txn, stamp.ts, capture.firstChanges());
  if (after !== null) for (const name of redefinedTables(before(), after)) writeMeta(main, roots, metaTableKey(name), stamp.ts);
  gcStep(main, roots, mv.gcLimit(), GC_STEP_ROWS);
  return stamp;
}
