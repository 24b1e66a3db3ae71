/**
 * Join and filter operators over tuple streams (runtime.ts): nested loops (inner and left),
 * a materialising join for RIGHT and FULL joins, filters, and an automatic hash index on an
 * inner side that has no usable B-tree index (SQLite's "automatic index").
 */
import type { SqlValue } from '../../common/value.js';
import type { Rowid } from '../../storage/api.js';
import { toBool } from './truth.js';
import type { Ev, Op, Runtime } from './runtime.js';

export class FilterOp implements Op {
  constructor(
    private readonly child: Op,
    private readonly pred: Ev,
  ) {}
  open(): void {
    this.child.open();
  }
  next(): boolean {
    const pred = this.pred;
    while (this.child.next()) {
      const v = pred();
      if (v === 1 || (v !== 0 && v !== null && toBool(v))) return true;
    }
    return false;
  }
  close(): void {
    this.child.close();
  }
}

/**
 * Terms that read nothing of the loop, tested once each time the loop starts (sqlite3WhereBegin
 * codes them before the loop): unless every one is true, the loop produces nothing and its
 * sources are never opened.
 */
export class GuardOp implements Op {
  private pass = false;

  constructor(
    private readonly child: Op,
    private readonly terms: readonly Ev[],
  ) {}

  open(): void {
    this.pass = false;
    for (const t of this.terms) {
      const v = t();
      if (!(v === 1 || (v !== 0 && v !== null && toBool(v)))) return;
    }
    this.pass = true;
    this.child.open();
  }

  next(): boolean {
    return this.pass && this.child.next();
  }

  close(): void {
    if (this.pass) this.child.close();
    this.pass = false;
  }
}

/** Sets the given slots to NULL rows (the inner side of an outer join without a match). */
export function nullSlots(rt: Runtime, slots: readonly number[], nullRows: readonly (readonly SqlValue[])[]): void {
  for (let i = 0; i < slots.length; i++) {
    rt.rows[slots[i]] = nullRows[i];
    rt.rowids[slots[i]] = null;
  }
}

/** Nested-loop join; `left` emits one NULL-extended row for outer rows without a match. */
export class NestedLoopJoinOp implements Op {
  private innerOpen = false;
  private matched = false;

  constructor(
    private readonly rt: Runtime,
    private readonly outer: Op,
    private readonly inner: Op,
    private readonly on: Ev | null,
    private readonly left: boolean,
    private readonly innerSlots: readonly number[],
    private readonly nullRows: readonly (readonly SqlValue[])[],
  ) {}

  open(): void {
    this.outer.open();
    this.innerOpen = false;
  }

  next(): boolean {
    for (;;) {
      if (!this.innerOpen) {
        if (!this.outer.next()) return false;
        this.inner.open();
        this.innerOpen = true;
        this.matched = false;
      }
      while (this.inner.next()) {
        if (this.on === null || toBool(this.on())) {
          this.matched = true;
          return true;
        }
      }
      this.inner.close();
      this.innerOpen = false;
      if (this.left && !this.matched) {
        nullSlots(this.rt, this.innerSlots, this.nullRows);
        return true;
      }
    }
  }

  close(): void {
    if (this.innerOpen) this.inner.close();
    this.innerOpen = false;
    this.outer.close();
  }
}

/** A saved position of a set of slots. */
interface Snapshot {
  rows: (readonly SqlValue[])[];
  rowids: (Rowid | null)[];
}

function save(rt: Runtime, slots: readonly number[]): Snapshot {
  const rows = new Array<readonly SqlValue[]>(slots.length);
  const rowids = new Array<Rowid | null>(slots.length);
  for (let i = 0; i < slots.length; i++) {
    rows[i] = rt.rows[slots[i]];
    rowids[i] = rt.rowids[slots[i]];
  }
  return { rows, rowids };
}

function restore(rt: Runtime, slots: readonly number[], s: Snapshot): void {
  for (let i = 0; i < slots.length; i++) {
    rt.rows[slots[i]] = s.rows[i];
    rt.rowids[slots[i]] = s.rowids[i];
  }
}

/**
 * Join with a materialised inner side, used for RIGHT and FULL joins: after the outer side is
 * exhausted, inner rows that never matched are emitted with the outer slots set to NULL.
 */
export class OuterJoinOp implements Op {
  private innerRows: Snapshot[] = [];
  private matchedInner: Uint8Array = new Uint8Array(0);
  private phase: 0 | 1 | 2 = 0; // 0 = joining, 1 = unmatched inner rows, 2 = done
  private i = 0;
  private outerMatched = false;
  private haveOuter = false;

  constructor(
    private readonly rt: Runtime,
    private readonly outer: Op,
    private readonly inner: Op,
    private readonly on: Ev | null,
    private readonly keepUnmatchedOuter: boolean,
    private readonly outerSlots: readonly number[],
    private readonly outerNullRows: readonly (readonly SqlValue[])[],
    private readonly innerSlots: readonly number[],
    private readonly innerNullRows: readonly (readonly SqlValue[])[],
  ) {}

  open(): void {
    this.innerRows = [];
    this.inner.open();
    while (this.inner.next()) this.innerRows.push(save(this.rt, this.innerSlots));
    this.inner.close();
    this.matchedInner = new Uint8Array(this.innerRows.length);
    this.outer.open();
    this.phase = 0;
    this.haveOuter = false;
  }

  next(): boolean {
    const rt = this.rt;
    while (this.phase === 0) {
      if (!this.haveOuter) {
        if (!this.outer.next()) {
          this.phase = 1;
          this.i = 0;
          break;
        }
        this.haveOuter = true;
        this.outerMatched = false;
        this.i = 0;
      }
      while (this.i < this.innerRows.length) {
        const k = this.i++;
        restore(rt, this.innerSlots, this.innerRows[k]);
        if (this.on === null || toBool(this.on())) {
          this.matchedInner[k] = 1;
          this.outerMatched = true;
          return true;
        }
      }
      this.haveOuter = false;
      if (this.keepUnmatchedOuter && !this.outerMatched) {
        nullSlots(rt, this.innerSlots, this.innerNullRows);
        return true;
      }
    }
    if (this.phase === 1) {
      while (this.i < this.innerRows.length) {
        const k = this.i++;
        if (this.matchedInner[k]) continue;
        restore(rt, this.innerSlots, this.innerRows[k]);
        nullSlots(rt, this.outerSlots, this.outerNullRows);
        return true;
      }
      this.phase = 2;
    }
    return false;
  }

  close(): void {
    this.outer.close();
    this.innerRows = [];
  }
}

/**
 * An automatic hash index: on first open, the inner side is read once and its rows are grouped
 * by a key; each later open looks up the rows whose key equals the probe. `keyOf` and `probeOf`
 * must produce equal strings exactly when SQLite's `=` (with the comparison's affinity and
 * collation) would be true; a null key means "never equal" (NULL).
 */
export class HashLookupOp implements Op {
  private table: Map<string, Snapshot[]> | null = null;
  private current: Snapshot[] | undefined;
  private i = 0;

  constructor(
    private readonly rt: Runtime,
    private readonly build: Op,
    private readonly slots: readonly number[],
    private readonly keyOf: () => string | null,
    private readonly probeOf: () => string | null,
  ) {}

  /** Forget the built table (a new execution of the statement). */
  reset(): void {
    this.table = null;
  }

  open(): void {
    if (this.table === null) {
      const t = new Map<string, Snapshot[]>();
      this.build.open();
      while (this.build.next()) {
        const k = this.keyOf();
        if (k === null) continue;
        const list = t.get(k);
        const snap = save(this.rt, this.slots);
        if (list) list.push(snap);
        else t.set(k, [snap]);
      }
      this.build.close();
      this.table = t;
    }
    const p = this.probeOf();
    this.current = p === null ? undefined : this.table.get(p);
    this.i = 0;
  }

  next(): boolean {
    const cur = this.current;
    if (!cur || this.i >= cur.length) return false;
    restore(this.rt, this.slots, cur[this.i++]);
    return true;
  }

  close(): void {
    this.current = undefined;
  }
}

/**
 * Rows of a RowSource (subquery, view, CTE) exposed as a source slot. When the subquery is not
 * correlated with the outer query its rows are computed once per execution and replayed; a
 * correlated one, or one read as a co-routine (the outer loop), streams its rows.
 */
export class SubquerySourceOp implements Op {
  private cache: SqlValue[][] | null = null;
  private i = 0;
  private live = false;

  constructor(
    private readonly rt: Runtime,
    private readonly slot: number,
    private readonly source: { open(): void; next(): SqlValue[] | null; close(): void },
    private correlated: boolean,
  ) {}

  /** Read as a co-routine by the outer loop (opened once per execution): stream, never cache. */
  streamRows(): void {
    this.correlated = true;
  }

  reset(): void {
    this.cache = null;
  }

  open(): void {
    if (this.correlated) {
      this.source.open();
      this.live = true;
      return;
    }
    if (this.cache === null) {
      const rows: SqlValue[][] = [];
      this.source.open();
      for (let r = this.source.next(); r !== null; r = this.source.next()) rows.push(r);
      this.source.close();
      this.cache = rows;
    }
    this.i = 0;
  }

  next(): boolean {
    if (this.live) {
      const r = this.source.next();
      if (r === null) return false;
      this.rt.rows[this.slot] = r;
      this.rt.rowids[this.slot] = null;
      return true;
    }
    const c = this.cache!;
    if (this.i >= c.length) return false;
    this.rt.rows[this.slot] = c[this.i++];
    this.rt.rowids[this.slot] = null;
    return true;
  }

  close(): void {
    if (this.live) this.source.close();
    this.live = false;
  }
}
