/**
 * Execution state shared by the closures of one compiled statement.
 *
 * Plans compile to closures over a `Runtime`: every row source of the statement (a table cursor,
 * a subquery, a CTE reference) owns a slot; while it is positioned on a row, `rows[slot]` holds
 * that row's record (the storage layer's decoded, immutable array) and `rowids[slot]` its rowid.
 * Expression closures read columns straight from there, so moving a cursor costs two stores and
 * evaluating a column costs two loads. Correlated subqueries share the runtime of the statement
 * that contains them, which makes correlation free.
 *
 * A compiled statement has one Runtime; the session never runs two executions of the same
 * compiled statement at once (it compiles a fresh copy when asked to).
 */
import type { SqlValue } from '../../common/value.js';
import type { PageView, Rowid } from '../../storage/api.js';
import type { FunctionContext } from '../functions/registry.js';

/** An expression compiled to a closure. */
export type Ev = () => SqlValue;

export const EMPTY_ROW: readonly SqlValue[] = Object.freeze([]) as readonly SqlValue[];

/** Services the runtime needs from the connection executing it. */
export interface ExecHost {
  /** The page view this execution reads and writes through. */
  view(): PageView;
  /** Ensures a write transaction is open (autocommit statements start one) and returns its view. */
  writeView(): PageView;
  readonly fctx: FunctionContext;
}

export class Runtime {
  rows: (readonly SqlValue[])[] = [];
  rowids: (Rowid | null)[] = [];
  params: SqlValue[] = [];
  /** Aggregate, window and other computed values addressed by slot. */
  vals: SqlValue[] = [];
  host!: ExecHost;
  /** Count of sources allocated; valid indexes into rows/rowids. */
  nSlots = 0;
  nVals = 0;
  /** Per-execution caches (uncorrelated subqueries, automatic indexes) to clear before each run. */
  readonly resets: { reset(): void }[] = [];

  beginExecution(host: ExecHost, params: SqlValue[]): void {
    this.host = host;
    this.params = params;
    for (const r of this.resets) r.reset();
  }

  allocSlot(): number {
    const s = this.nSlots++;
    this.rows.push(EMPTY_ROW);
    this.rowids.push(null);
    return s;
  }

  allocVal(): number {
    this.vals.push(null);
    return this.nVals++;
  }
}

/**
 * A tuple stream over sources (the FROM clause): `next()` advances and leaves the current row of
 * each of its sources in the runtime registers. Operators are re-openable (nested loops reopen
 * their inner side for every outer row).
 */
export interface Op {
  open(): void;
  next(): boolean;
  close(): void;
}

/** A stream of finished rows (arrays of values), as SELECT, VALUES and compound queries produce. */
export interface RowSource {
  open(): void;
  next(): SqlValue[] | null;
  close(): void;
}
