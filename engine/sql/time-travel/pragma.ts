/**
 * heliosdb's MVCC pragmas.
 *
 *   PRAGMA helios_retention;          -> seconds of history kept (0 = none, the default)
 *   PRAGMA helios_retention = N;      -> keep N seconds of history (persisted in the file;
 *                                        N > 0 creates the _helios_* tables on first use;
 *                                        0 stops recording and drops the history). Not allowed
 *                                        inside an explicit transaction.
 *   PRAGMA helios_gc;                 -> runs garbage collection to completion now; returns the
 *                                        number of history rows removed (commits also collect
 *                                        incrementally, a few rows at a time).
 *   PRAGMA helios_concurrent_writes;     -> 1 when concurrent write transactions are on (the default)
 *   PRAGMA helios_concurrent_writes = B; -> turns them on/off for every connection of the database
 *                                        (not persisted). Not allowed while any write transaction
 *                                        is open. docs/internals/mvcc.md, step B.
 *   PRAGMA helios_conflict;           -> 'first_committer_wins' (the default) or 'last_writer_wins'
 *   PRAGMA helios_conflict = P;       -> the policy of every connection of the database (not
 *                                        persisted), applied at each later COMMIT of a concurrent
 *                                        write transaction: last_writer_wins lets a transaction
 *                                        overwrite rows other connections changed after its
 *                                        snapshot instead of failing with SQLITE_BUSY_SNAPSHOT.
 *                                        Unique-key collisions between different rows still fail.
 */
import { sqliteError } from '../../common/errors.js';
import type { SqlValue } from '../../common/value.js';
import type { Connection } from '../connection.js';
import type { ColumnDescriptor } from '../session-api.js';
import type { RunPlan } from '../compile/statement.js';
import { HISTORY_DDL, META_HORIZON, META_RETENTION, HISTORY_KEYINFO } from '../../mvcc/layout.js';
import { gcStep, lastCommit, metaNumber, writeMeta } from '../../mvcc/history.js';
import { historyRoots } from './tracked.js';
import type { ConflictPolicy } from '../../mvcc/concurrent-commit.js';

function col(name: string): ColumnDescriptor {
  return { name, column: null, table: null, database: null, type: null };
}

function retentionArg(v: SqlValue): number {
  const n = typeof v === 'bigint' ? Number(v) : typeof v === 'string' && /^\s*\d+\s*$/.test(v) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) {
    throw sqliteError('PRAGMA helios_retention expects a non-negative integer number of seconds');
  }
  return n;
}

/** Creates the history tables (through ordinary DDL, so sqlite_schema holds SQLite's own text). */
function createHistoryTables(conn: Connection): void {
  for (const sql of HISTORY_DDL) {
    const { stmt } = conn.prepare(sql, 0);
    const cur = stmt!.open([]);
    cur.step();
    cur.close();
  }
}

function setRetention(conn: Connection, seconds: number): void {
  if (conn.explicit) throw sqliteError('cannot change helios_retention inside a transaction');
  const mv = conn.engine.mvcc;
  let roots = historyRoots(conn.schema());
  if (roots === null) {
    if (seconds === 0) return;
    createHistoryTables(conn);
    roots = historyRoots(conn.schema());
    if (roots === null) throw sqliteError('could not create the history tables');
  }
  const tx = conn.writeView() as import('../../storage/api.js').WriteTxn;
  const was = metaNumber(tx, roots, META_RETENTION) ?? 0;
  writeMeta(tx, roots, META_RETENTION, seconds);
  if (seconds === 0 && was > 0) {
    // history off: drop it, keeping the newest commit row (the transaction counter)
    const last = lastCommit(tx, roots);
    tx.openIndex(roots.history, HISTORY_KEYINFO).clear();
    const commits = tx.openTable(roots.commits);
    commits.clear();
    if (last) commits.insert(last.txn, [null, last.ts, '[]']);
  }
  if (was === 0 && seconds > 0) {
    // history (re)starts now: earlier points cannot be reconstructed
    writeMeta(tx, roots, META_HORIZON, mv.clock.nextTs());
  }
  conn.mvccReload = true;
}

function runGc(conn: Connection): number {
  const mv = conn.engine.mvcc;
  const roots = historyRoots(conn.schema());
  if (roots === null || mv.retention <= 0) return 0;
  const tx = conn.writeView() as import('../../storage/api.js').WriteTxn;
  let total = 0;
  for (;;) {
    const n = gcStep(tx, roots, mv.gcLimit(), 1000);
    total += n;
    if (n === 0) break;
  }
  return total;
}

function boolArg(v: SqlValue): boolean {
  if (v === 1 || v === 0 || v === 1n || v === 0n) return Number(v) === 1;
  if (typeof v === 'string') {
    const t = v.trim().toLowerCase();
    if (t === 'on' || t === 'true' || t === 'yes' || t === '1') return true;
    if (t === 'off' || t === 'false' || t === 'no' || t === '0') return false;
  }
  throw sqliteError('PRAGMA helios_concurrent_writes expects ON or OFF');
}

function setConcurrentWrites(conn: Connection, on: boolean): void {
  const e = conn.engine;
  if (e.concurrentWrites === on) return;
  if (conn.inTransaction || e.storage.writeTxnOpen) throw sqliteError('cannot change helios_concurrent_writes while a write transaction is open', 'SQLITE_BUSY');
  e.concurrentWrites = on;
}

const POLICIES: readonly ConflictPolicy[] = ['first_committer_wins', 'last_writer_wins'];

function policyArg(v: SqlValue): ConflictPolicy {
  const t = typeof v === 'string' ? v.trim().toLowerCase() : '';
  const p = POLICIES.find((x) => x === t);
  if (p === undefined) throw sqliteError('PRAGMA helios_conflict expects first_committer_wins or last_writer_wins');
  return p;
}

export function heliosPragma(conn: Connection, name: string, arg: SqlValue, has: boolean): RunPlan {
  switch (name) {
    case 'helios_retention':
      if (has) {
        const seconds = retentionArg(arg);
        return { columns: [], write: true, run: () => (setRetention(conn, seconds), []) };
      }
      return { columns: [col('helios_retention')], write: false, run: () => [[conn.engine.mvcc.retention]] };
    case 'helios_concurrent_writes':
      if (has) {
        const on = boolArg(arg);
        return { columns: [], write: false, run: () => (setConcurrentWrites(conn, on), []) };
      }
      return { columns: [col('helios_concurrent_writes')], write: false, run: () => [[conn.engine.concurrentWrites ? 1 : 0]] };
    case 'helios_conflict':
      if (has) {
        const p = policyArg(arg);
        return { columns: [], write: false, run: () => ((conn.engine.conflictPolicy = p), []) };
      }
      return { columns: [col('helios_conflict')], write: false, run: () => [[conn.engine.conflictPolicy]] };
    case 'helios_gc':
      return { columns: [col('helios_gc')], write: true, run: () => [[runGc(conn)]] };
    default:
      // unknown pragmas are ignored, as in SQLite
      return { columns: [], write: false, run: () => [] };
  }
}
