/**
 * ORDER BY ... LIMIT over a tuple stream (SQLite's sorter with a limit: OP_SorterInsert after an
 * OP_IdxLE test against the last kept entry). Projection and sorting are fused: for each input
 * tuple the sort keys and every result column that may have effects are computed into a reused
 * scratch row; only a tuple that beats the worst kept row has its remaining columns (bare
 * column reads, which can neither fail nor have effects) read and is kept. Results and stability
 * are those of ProjectSource + SortSource: ties keep input order.
 */
import type { SqlValue } from '../../common/value.js';
import { evalLimit, makeComparator, type SortKey } from './rows.js';
import type { Ev, Op, RowSource } from './runtime.js';

/** Above this many kept rows the input is sorted whole instead. */
const MAX_TOP_K = 1024;

export class TopKSource implements RowSource {
  private rows: SqlValue[][] = [];
  private i = 0;
  private readonly cmp: (a: readonly SqlValue[], b: readonly SqlValue[]) => number;
  /** Columns computed for every tuple, in column order (keys and anything not a bare read). */
  private readonly eager: readonly number[];
  /** Bare column reads, computed only for tuples that are kept. */
  private readonly deferred: readonly number[];

  constructor(
    private readonly op: Op,
    /** Result columns, then hidden sort keys. Read at run time: entries may be replaced later. */
    private readonly evs: readonly Ev[],
    /** Whether evs[i] is a bare column read (pure, cannot fail). */
    pure: readonly boolean[],
    keys: readonly SortKey[],
    private readonly limit: Ev,
    private readonly offset: Ev | null,
  ) {
    this.cmp = makeComparator(keys);
    const isKey = new Set(keys.map((k) => k.index));
    const eager: number[] = [];
    const deferred: number[] = [];
    for (let i = 0; i < evs.length; i++) (pure[i] && !isKey.has(i) ? deferred : eager).push(i);
    this.eager = eager;
    this.deferred = deferred;
  }

  open(): void {
    this.rows = [];
    this.i = 0;
    const lim = evalLimit(this.limit);
    // LIMIT 0: SQLite jumps past the loop (computeLimitRegisters), so the input never runs
    if (lim === 0) return;
    const off = this.offset ? Math.max(0, evalLimit(this.offset)) : 0;
    const k = lim >= 0 ? lim + off : -1;
    this.op.open();
    try {
      this.rows = k > 0 && k <= MAX_TOP_K ? this.best(k) : this.all();
    } finally {
      this.op.close();
    }
  }

  /** The best `k` rows in order, keeping a sorted buffer (insertion after equals keeps stability). */
  private best(k: number): SqlValue[][] {
    const op = this.op;
    const evs = this.evs;
    const eager = this.eager;
    const deferred = this.deferred;
    const cmp = this.cmp;
    const n = evs.length;
    const rows: SqlValue[][] = [];
    let cand = new Array<SqlValue>(n);
    while (op.next()) {
      for (let j = 0; j < eager.length; j++) cand[eager[j]] = evs[eager[j]]();
      if (rows.length === k && cmp(cand, rows[k - 1]) >= 0) continue;
      for (let j = 0; j < deferred.length; j++) cand[deferred[j]] = evs[deferred[j]]();
      let lo = 0;
      let hi = rows.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (cmp(rows[mid], cand) <= 0) lo = mid + 1;
        else hi = mid;
      }
      rows.splice(lo, 0, cand);
      // the row pushed out was never returned: it becomes the next scratch row
      cand = rows.length > k ? rows.pop()! : new Array<SqlValue>(n);
    }
    return rows;
  }

  /** Every row, sorted (stable). */
  private all(): SqlValue[][] {
    const op = this.op;
    const evs = this.evs;
    const n = evs.length;
    const rows: SqlValue[][] = [];
    while (op.next()) {
      const row = new Array<SqlValue>(n);
      for (let i = 0; i < n; i++) row[i] = evs[i]();
      rows.push(row);
    }
    rows.sort(this.cmp);
    return rows;
  }

  next(): SqlValue[] | null {
    return this.i < this.rows.length ? this.rows[this.i++] : null;
  }

  close(): void {
    this.rows = [];
  }
}
