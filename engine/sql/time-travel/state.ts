/**
 * MvccState: the per-database (per Engine) part of MVCC: the hybrid clock, the retention
 * setting, the last commit, the points pinned by open `db.asOf()` connections, and the rules
 * that turn an `AS OF` value into a readable point S (or a clear error).
 */
import { sqliteError } from '../../common/errors.js';
import type { SqlValue } from '../../common/value.js';
import type { PageView } from '../../storage/api.js';
import type { Schema } from '../../catalog/schema.js';
import { HybridClock } from '../../mvcc/clock.js';
import { commitTs, lastCommit, metaNumber } from '../../mvcc/history.js';
import { META_HORIZON, META_RETENTION, metaTableKey } from '../../mvcc/layout.js';
import { formatMicros, timestampOf, transactionOf } from '../../mvcc/time.js';
import { historyRoots } from './tracked.js';

/** How an AS OF clause names its point before resolution. */
export type AsOfKind = 'Timestamp' | 'Transaction';

/** Default of PRAGMA helios_retention: 0 = keep no history (files stay byte-compatible with SQLite's). */
export const DEFAULT_RETENTION = 0;

export class MvccState {
  readonly clock = new HybridClock();
  /** Seconds of history to keep; 0 = history off. */
  retention = DEFAULT_RETENTION;
  /** The last committed write transaction (0 / 0 before the first). */
  lastTxn = 0;
  lastTs = 0;
  /** Points held by open db.asOf() connections: GC keeps what they need. */
  readonly pins = new Map<number, number>();
  private loaded = false;

  /** Reads the persisted settings and clock floors (once per open, and after retention changes). */
  load(view: PageView, schema: Schema, force = false): void {
    if (this.loaded && !force) return;
    this.loaded = true;
    const roots = historyRoots(schema);
    if (!roots) {
      this.retention = DEFAULT_RETENTION;
      return;
    }
    this.retention = metaNumber(view, roots, META_RETENTION) ?? DEFAULT_RETENTION;
    const last = lastCommit(view, roots);
    if (last) {
      this.clock.observe(last.ts, last.txn);
      if (last.txn > this.lastTxn) {
        this.lastTxn = last.txn;
        this.lastTs = last.ts;
      }
    }
    const horizon = metaNumber(view, roots, META_HORIZON);
    if (horizon !== undefined) this.clock.observe(horizon, 0);
  }

  pin(ts: number): void {
    this.pins.set(ts, (this.pins.get(ts) ?? 0) + 1);
  }

  unpin(ts: number): void {
    const n = (this.pins.get(ts) ?? 1) - 1;
    if (n <= 0) this.pins.delete(ts);
    else this.pins.set(ts, n);
  }

  /** Commits older than this may be garbage-collected. */
  gcLimit(): number {
    let limit = this.clock.now() - this.retention * 1e6;
    for (const p of this.pins.keys()) if (p < limit) limit = p;
    return limit;
  }

  /**
   * The point S (commit timestamp, µs) an AS OF value names: `AS OF TRANSACTION n` is the state
   * right after transaction n committed; `AS OF TIMESTAMP t` the state at t (after every commit
   * at or before t). Errors: no history kept, in the future, before the retention window.
   */
  resolve(view: PageView, schema: Schema, kind: AsOfKind, value: SqlValue): number {
    const roots = historyRoots(schema);
    if (!roots || this.retention <= 0) {
      throw sqliteError('time travel is not available: this database keeps no history (enable it with PRAGMA helios_retention = <seconds>)');
    }
    const horizon = metaNumber(view, roots, META_HORIZON) ?? 0;
    if (kind === 'Transaction') {
      const n = transactionOf(value);
      if (n > this.lastTxn) throw sqliteError(`AS OF TRANSACTION ${n} is in the future: the last committed transaction is ${this.lastTxn}`);
      const ts = commitTs(view, roots, n);
      if (ts === undefined || ts < horizon) {
        throw sqliteError(`AS OF TRANSACTION ${n} is before the retention window: history starts at ${formatMicros(horizon)} (PRAGMA helios_retention)`);
      }
      return ts;
    }
    const t = timestampOf(value);
    if (t > this.clock.now()) throw sqliteError(`AS OF TIMESTAMP ${formatMicros(t)} is in the future`);
    if (t < horizon) {
      throw sqliteError(`AS OF TIMESTAMP ${formatMicros(t)} is before the retention window: history starts at ${formatMicros(horizon)} (PRAGMA helios_retention)`);
    }
    return t;
  }

  /** Refuses to read table `name` at S when its definition changed after S. */
  checkTableAt(view: PageView, schema: Schema, name: string, s: number): void {
    const roots = historyRoots(schema);
    if (!roots) return;
    const changed = metaNumber(view, roots, metaTableKey(name));
    if (changed !== undefined && changed > s) {
      throw sqliteError(
        `cannot read table ${name} as of ${formatMicros(s)}: it was created or its definition changed at ${formatMicros(changed)} (time travel across schema changes is not supported)`,
      );
    }
  }
}
