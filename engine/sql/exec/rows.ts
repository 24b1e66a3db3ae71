/**
 * Row-source operators: projection of a tuple stream into result rows, VALUES, sorting (with a
 * top-k path for ORDER BY ... LIMIT), LIMIT/OFFSET, DISTINCT and compound selects.
 */
import type { Collation, SqlValue } from '../../common/value.js';
import { Real, compareValues } from '../../common/value.js';
import { sqliteError } from '../../common/errors.js';
import { rowKey, type CollationName } from './keys.js';
import type { Ev, Op, RowSource } from './runtime.js';

export class ProjectSource implements RowSource {
  constructor(
    private readonly op: Op,
    private readonly evs: readonly Ev[],
  ) {}
  open(): void {
    this.op.open();
  }
  next(): SqlValue[] | null {
    if (!this.op.next()) return null;
    const evs = this.evs;
    const n = evs.length;
    const row = new Array<SqlValue>(n);
    for (let i = 0; i < n; i++) row[i] = evs[i]();
    return row;
  }
  close(): void {
    this.op.close();
  }
}

export class ValuesSource implements RowSource {
  private i = 0;
  constructor(private readonly rows: readonly (readonly Ev[])[]) {}
  open(): void {
    this.i = 0;
  }
  next(): SqlValue[] | null {
    if (this.i >= this.rows.length) return null;
    const r = this.rows[this.i++];
    return r.map((ev) => ev());
  }
  close(): void {}
}

/** One ORDER BY key: a column of the rows being sorted. */
export interface SortKey {
  readonly index: number;
  readonly desc: boolean;
  /** NULLS FIRST is SQLite's default for ASC, NULLS LAST for DESC. */
  readonly nullsFirst: boolean;
  readonly collation: Collation | undefined;
}

export function makeComparator(keys: readonly SortKey[]): (a: readonly SqlValue[], b: readonly SqlValue[]) => number {
  if (keys.length === 1) {
    // one key (the common ORDER BY): numbers compare inline
    const { index, desc, nullsFirst, collation } = keys[0];
    return (a, b) => {
      const x = a[index];
      const y = b[index];
      if (typeof x === 'number' && typeof y === 'number') {
        if (x === y) return 0;
        return (x < y) !== desc ? -1 : 1;
      }
      if (x === null || y === null) {
        if (x === y) return 0;
        return (x === null) === nullsFirst ? -1 : 1;
      }
      const c = compareValues(x, y, collation);
      return desc ? -c : c;
    };
  }
  return (a, b) => {
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i];
      const x = a[k.index];
      const y = b[k.index];
      if (x === null || y === null) {
        if (x === y) continue;
        return (x === null) === k.nullsFirst ? -1 : 1;
      }
      const c = compareValues(x, y, k.collation);
      if (c !== 0) return k.desc ? -c : c;
    }
    return 0;
  };
}

/** Evaluates a LIMIT / OFFSET expression: an integer, else `datatype mismatch`. */
export function evalLimit(ev: Ev | null): number {
  if (!ev) return -1;
  const v = ev();
  if (typeof v === 'number' && Number.isSafeInteger(v)) return v;
  if (typeof v === 'bigint') return v > 0n ? Number.MAX_SAFE_INTEGER : -1;
  const i = toInt64Strict(v);
  if (i === null) throw sqliteError('datatype mismatch', 'SQLITE_MISMATCH');
  return i;
}

/**
 * OP_MustBeInt: numeric affinity, then the value must be an INTEGER (a REAL only when it holds an
 * integer exactly, strictly inside int64); anything else (NULL, 1.5, 'abc', a blob) is null.
 */
function toInt64Strict(v: SqlValue): number | null {
  if (v === null || v instanceof Uint8Array) return null;
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Real) return v.value;
  if (typeof v === 'number') return Number.isInteger(v) && Math.abs(v) < 9223372036854775807 ? v : null;
  const t = v.trim();
  if (/^[+-]?\d+$/.test(t)) {
    const b = BigInt(t);
    if (b >= -9223372036854775808n && b <= 9223372036854775807n) return Number(b);
  }
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) return toInt64Strict(Number(t));
  return null;
}

/**
 * Sorts its input. With a limit known at open time (LIMIT + OFFSET), keeps only the best rows
 * (top-k) instead of the whole input. The sort is stable, like SQLite's sorter for equal keys
 * in input order.
 */
export class SortSource implements RowSource {
  private rows: SqlValue[][] = [];
  private i = 0;
  private readonly cmp: (a: readonly SqlValue[], b: readonly SqlValue[]) => number;

  constructor(
    private readonly child: RowSource,
    keys: readonly SortKey[],
    private readonly limit: Ev | null,
    private readonly offset: Ev | null,
  ) {
    this.cmp = makeComparator(keys);
  }

  open(): void {
    const lim = this.limit ? evalLimit(this.limit) : -1;
    this.rows = [];
    this.i = 0;
    // LIMIT 0: SQLite jumps past the loop (computeLimitRegisters), so the input never runs
    if (lim === 0) return;
    const off = this.offset ? Math.max(0, evalLimit(this.offset)) : 0;
    const k = lim >= 0 ? lim + off : -1;
    const cmp = this.cmp;
    const rows: SqlValue[][] = [];
    this.child.open();
    try {
      if (k > 0 && k <= 1024) {
        // top-k: keep a sorted buffer of at most k rows; insertion keeps stability
        for (let r = this.child.next(); r !== null; r = this.child.next()) {
          if (rows.length === k && cmp(r, rows[k - 1]) >= 0) continue;
          let lo = 0;
          let hi = rows.length;
          while (lo < hi) {
            const mid = (lo + hi) >> 1;
            if (cmp(rows[mid], r) <= 0) lo = mid + 1;
            else hi = mid;
          }
          rows.splice(lo, 0, r);
          if (rows.length > k) rows.pop();
        }
      } else {
        for (let r = this.child.next(); r !== null; r = this.child.next()) rows.push(r);
        rows.sort(cmp);
      }
    } finally {
      this.child.close();
    }
    this.rows = rows;
    this.i = 0;
  }

  next(): SqlValue[] | null {
    return this.i < this.rows.length ? this.rows[this.i++] : null;
  }

  close(): void {
    this.rows = [];
  }
}

export class LimitSource implements RowSource {
  private remaining = 0;
  private skip = 0;
  constructor(
    private readonly child: RowSource,
    private readonly limit: Ev | null,
    private readonly offset: Ev | null,
  ) {}
  private opened = false;
  open(): void {
    this.remaining = this.limit ? evalLimit(this.limit) : -1;
    // LIMIT 0: SQLite jumps past the loop (computeLimitRegisters), so the input never runs
    this.opened = this.remaining !== 0;
    if (!this.opened) return;
    this.skip = this.offset ? Math.max(0, evalLimit(this.offset)) : 0;
    this.child.open();
  }
  next(): SqlValue[] | null {
    if (this.remaining === 0) return null;
    for (;;) {
      const r = this.child.next();
      if (r === null) return null;
      if (this.skip > 0) {
        this.skip--;
        continue;
      }
      if (this.remaining > 0) this.remaining--;
      return r;
    }
  }
  close(): void {
    if (this.opened) this.child.close();
    this.opened = false;
  }
}

/** Drops rows whose first `width` columns equal an earlier row's (hidden sort columns are ignored). */
export class DistinctSource implements RowSource {
  private seen = new Set<string>();
  constructor(
    private readonly child: RowSource,
    private readonly width: number,
    private readonly colls: readonly CollationName[],
  ) {}
  open(): void {
    this.seen = new Set();
    this.child.open();
  }
  next(): SqlValue[] | null {
    for (;;) {
      const r = this.child.next();
      if (r === null) return null;
      const key = rowKey(r.length === this.width ? r : r.slice(0, this.width), this.colls);
      if (this.seen.has(key)) continue;
      this.seen.add(key);
      return r;
    }
  }
  close(): void {
    this.seen = new Set();
    this.child.close();
  }
}

/** Keeps the first `width` columns (drops hidden ORDER BY keys). */
export class TrimSource implements RowSource {
  constructor(
    private readonly child: RowSource,
    private readonly width: number,
  ) {}
  open(): void {
    this.child.open();
  }
  next(): SqlValue[] | null {
    const r = this.child.next();
    if (r === null) return null;
    if (r.length > this.width) r.length = this.width;
    return r;
  }
  close(): void {
    this.child.close();
  }
}

/**
 * UNION ALL streams both sides; UNION, INTERSECT and EXCEPT materialise and, as SQLite's
 * ephemeral-index implementation does, return distinct rows in sorted order.
 */
export class CompoundSource implements RowSource {
  private rows: SqlValue[][] = [];
  private i = 0;
  private onRight = false;

  constructor(
    private readonly op: 'UNION' | 'UNION ALL' | 'INTERSECT' | 'EXCEPT',
    private readonly left: RowSource,
    private readonly right: RowSource,
    private readonly colls: readonly CollationName[],
    private readonly order: (a: readonly SqlValue[], b: readonly SqlValue[]) => number,
  ) {}

  open(): void {
    if (this.op === 'UNION ALL') {
      this.onRight = false;
      this.left.open();
      return;
    }
    const drain = (s: RowSource): SqlValue[][] => {
      const out: SqlValue[][] = [];
      s.open();
      try {
        for (let r = s.next(); r !== null; r = s.next()) out.push(r);
      } finally {
        s.close();
      }
      return out;
    };
    const l = drain(this.left);
    // EXCEPT and INTERSECT bypass the right SELECT when the left is empty (OP_IfEmpty)
    const r = l.length === 0 && this.op !== 'UNION' ? [] : drain(this.right);
    const key = (row: readonly SqlValue[]) => rowKey(row, this.colls);
    const result = new Map<string, SqlValue[]>();
    if (this.op === 'UNION') {
      // SQLite merges the two sorted sides and, on equal keys, drops the left row: each key
      // keeps the first row of the right side that has it, else the first of the left
      for (const row of r) if (!result.has(key(row))) result.set(key(row), row);
      for (const row of l) if (!result.has(key(row))) result.set(key(row), row);
    } else if (this.op === 'INTERSECT') {
      const rk = new Set(r.map(key));
      for (const row of l) {
        const k = key(row);
        if (rk.has(k) && !result.has(k)) result.set(k, row);
      }
    } else {
      const rk = new Set(r.map(key));
      for (const row of l) {
        const k = key(row);
        if (!rk.has(k) && !result.has(k)) result.set(k, row);
      }
    }
    this.rows = [...result.values()].sort(this.order);
    this.i = 0;
  }

  next(): SqlValue[] | null {
    if (this.op === 'UNION ALL') {
      if (!this.onRight) {
        const r = this.left.next();
        if (r !== null) return r;
        this.left.close();
        this.onRight = true;
        this.right.open();
      }
      return this.right.next();
    }
    return this.i < this.rows.length ? this.rows[this.i++] : null;
  }

  close(): void {
    if (this.op === 'UNION ALL') {
      if (this.onRight) this.right.close();
      else this.left.close();
      this.onRight = false;
    }
    this.rows = [];
  }
}
