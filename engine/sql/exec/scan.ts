/**
 * Access paths over a table: full scans, rowid lookups and ranges, index scans. Each leaves the
 * current row in the runtime registers of its slot (see runtime.ts).
 */
import type { SqlValue } from '../../common/value.js';
import { compareValues, Real } from '../../common/value.js';
import type { IndexCursor, KeyInfo, Rowid, TableCursor, TableTree } from '../../storage/api.js';
import type { Ev, Op, Runtime } from './runtime.js';

/**
 * A rowid probe after SQLite's comparison rules: an integer rowid, or a verdict for values that
 * cannot equal any rowid. For range bounds a REAL is rounded toward the inside of the range.
 */
export type RowidProbe = { kind: 'rowid'; rowid: Rowid } | { kind: 'none' } | { kind: 'all' };

/** Probe for `rowid = v` (v already has numeric affinity applied). */
export function rowidEqProbe(v: SqlValue): Rowid | null {
  if (typeof v === 'number') return Number.isSafeInteger(v) ? v : null;
  if (typeof v === 'bigint') return v;
  if (v instanceof Real) return v.value;
  return null;
}

/**
 * Probe for a range bound. `lower` bounds want the first rowid satisfying `rowid >(=) v`;
 * upper bounds the last satisfying `rowid <(=) v`.
 */
export function rowidRangeProbe(v: SqlValue, lower: boolean, inclusive: boolean): RowidProbe {
  if (v === null) return { kind: 'none' };
  if (typeof v === 'string' || v instanceof Uint8Array) {
    // every integer sorts before text and blobs
    return lower ? { kind: 'none' } : { kind: 'all' };
  }
  if (typeof v === 'bigint') {
    if (inclusive) return { kind: 'rowid', rowid: v };
    // rowid > max / rowid < min: nothing (the step past the bound would leave the 64-bit range)
    if (lower ? v >= 9223372036854775807n : v <= -9223372036854775808n) return { kind: 'none' };
    return { kind: 'rowid', rowid: lower ? v + 1n : v - 1n };
  }
  const n = v instanceof Real ? v.value : v;
  if (Number.isSafeInteger(n)) {
    if (inclusive) return { kind: 'rowid', rowid: n };
    const step = lower ? n + 1 : n - 1;
    // one past the safe range: the rowid is a bigint
    return { kind: 'rowid', rowid: Number.isSafeInteger(step) ? step : BigInt(n) + (lower ? 1n : -1n) };
  }
  if (n === Infinity) return lower ? { kind: 'none' } : { kind: 'all' };
  if (n === -Infinity) return lower ? { kind: 'all' } : { kind: 'none' };
  if (n >= 9.223372036854775807e18) return lower ? { kind: 'none' } : { kind: 'all' };
  if (n < -9.223372036854775808e18) return lower ? { kind: 'all' } : { kind: 'none' };
  const r = lower ? Math.ceil(n) : Math.floor(n);
  if (Number.isSafeInteger(r)) return { kind: 'rowid', rowid: r };
  return { kind: 'rowid', rowid: BigInt(r) };
}

function rowidLess(a: Rowid, b: Rowid): boolean {
  return a < b;
}

/** Full scan of a table B-tree, optionally bounded by rowid range. Also used for rowid ranges. */
export class TableScanOp implements Op {
  private cur: TableCursor | null = null;
  private started = false;
  private hi: Rowid | null = null;
  private done = false;

  constructor(
    private readonly rt: Runtime,
    private readonly slot: number,
    private readonly root: number,
    private readonly lower: { ev: Ev; inclusive: boolean; affinity: (v: SqlValue) => SqlValue } | null = null,
    private readonly upper: { ev: Ev; inclusive: boolean; affinity: (v: SqlValue) => SqlValue } | null = null,
    private readonly reverse = false,
  ) {}

  /**
   * Record positions the query reads (1) and does not (0), or null for all: the others are left
   * NULL in the rows (TableCursor.partialRecord). Set before execution; reset to null when a
   * read of another column is compiled (compile/scan-columns.ts).
   */
  setColumns(wanted: Uint8Array | null): void {
    this.wanted = wanted;
  }
  private wanted: Uint8Array | null = null;
  /** `wanted` for this execution: null when the cursor cannot decode part of a record. */
  private partial: Uint8Array | null = null;

  /** For a forward scan of the whole table (no rowid bounds): its slot and root page, else null. */
  fullScan(): { readonly slot: number; readonly root: number } | null {
    if (this.lower !== null || this.upper !== null || this.reverse) return null;
    return { slot: this.slot, root: this.root };
  }

  open(): void {
    const cur = this.rt.host.view().openTable(this.root).cursor();
    // forward passes read leaves of a cold cache from their bytes (table-cursor.ts)
    if (!this.reverse) cur.scanBytes?.();
    this.partial = cur.partialRecord !== undefined ? this.wanted : null;
    this.cur = cur;
    this.started = false;
    this.done = false;
    this.hi = null;
  }

  next(): boolean {
    const cur = this.cur!;
    if (this.done) return false;
    let ok: boolean;
    if (!this.started) {
      this.started = true;
      ok = this.reverse ? this.positionLast(cur) : this.positionFirst(cur);
    } else {
      ok = this.reverse ? cur.prev() : cur.next();
    }
    if (!ok || !cur.valid) {
      this.done = true;
      return false;
    }
    const rowid = cur.rowid();
    if (!this.reverse && this.hi !== null && rowidLess(this.hi, rowid)) {
      this.done = true;
      return false;
    }
    if (this.reverse && this.hi !== null && rowidLess(rowid, this.hi)) {
      this.done = true;
      return false;
    }
    const partial = this.partial;
    this.rt.rows[this.slot] = partial !== null ? cur.partialRecord!(partial) : cur.record();
    this.rt.rowids[this.slot] = rowid;
    return true;
  }

  private positionFirst(cur: TableCursor): boolean {
    if (this.upper) {
      const p = rowidRangeProbe(this.upper.affinity(this.upper.ev()), false, this.upper.inclusive);
      if (p.kind === 'none') return false;
      this.hi = p.kind === 'rowid' ? p.rowid : null;
    }
    if (this.lower) {
      const p = rowidRangeProbe(this.lower.affinity(this.lower.ev()), true, this.lower.inclusive);
      if (p.kind === 'none') return false;
      if (p.kind === 'rowid') {
        cur.seek(p.rowid);
        return cur.valid;
      }
    }
    return cur.first();
  }

  private positionLast(cur: TableCursor): boolean {
    // reverse scans: `hi` holds the lower limit
    if (this.lower) {
      const p = rowidRangeProbe(this.lower.affinity(this.lower.ev()), true, this.lower.inclusive);
      if (p.kind === 'none') return false;
      this.hi = p.kind === 'rowid' ? p.rowid : null;
    }
    if (this.upper) {
      const p = rowidRangeProbe(this.upper.affinity(this.upper.ev()), false, this.upper.inclusive);
      if (p.kind === 'none') return false;
      if (p.kind === 'rowid') {
        const exact = cur.seek(p.rowid);
        if (exact) return true;
        if (cur.valid) return cur.prev();
        return cur.last();
      }
    }
    return cur.last();
  }

  close(): void {
    this.cur = null;
  }
}

/** `rowid = expr` or `rowid IN (...)`: point lookups for each probe value. */
export class RowidLookupOp implements Op {
  private tree: TableTree | null = null;
  /** The probe rowids of this open, in probes[0, n): the array is reused from one open to the next
   * (nested loops reopen per outer row), and never truncated, which would drop its backing store. */
  private probes: Rowid[] = [];
  private n = 0;
  private i = 0;

  constructor(
    private readonly rt: Runtime,
    private readonly slot: number,
    private readonly root: number,
    /** Yields the probe values (already with INTEGER affinity applied). */
    private readonly probe: () => readonly SqlValue[],
  ) {}

  open(): void {
    this.tree = this.rt.host.view().openTable(this.root);
    const vals = this.probe();
    const out = this.probes;
    let n = 0;
    for (let k = 0; k < vals.length; k++) {
      const r = rowidEqProbe(vals[k]);
      if (r === null) continue;
      if (n < out.length) out[n] = r;
      else out.push(r);
      n++;
    }
    if (n > 1) {
      const sorted = out.slice(0, n).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      let w = 1;
      out[0] = sorted[0];
      for (let k = 1; k < n; k++) if (sorted[k] !== out[w - 1]) out[w++] = sorted[k];
      n = w;
    }
    this.n = n;
    this.i = 0;
  }

  next(): boolean {
    const tree = this.tree!;
    while (this.i < this.n) {
      const rowid = this.probes[this.i++];
      const rec = tree.get(rowid);
      if (rec !== undefined) {
        this.rt.rows[this.slot] = rec;
        this.rt.rowids[this.slot] = rowid;
        return true;
      }
    }
    return false;
  }

  close(): void {
    this.tree = null;
  }
}

/** Describes an index range: equality prefix (one or many alternatives for IN) plus optional bounds on the next column. */
export interface IndexRange {
  /** Each alternative is a full equality prefix (values already with comparison affinity). */
  prefixes: () => readonly (readonly SqlValue[])[];
  lower: { ev: Ev; inclusive: boolean; affinity: (v: SqlValue) => SqlValue } | null;
  upper: { ev: Ev; inclusive: boolean; affinity: (v: SqlValue) => SqlValue } | null;
  /** Prefix positions where a NULL value matches NULL keys (`IS NULL`, `IS x`); absent: none. */
  nullMatches?: readonly boolean[];
}

export function comparePrefix(key: readonly SqlValue[], probe: readonly SqlValue[], ki: KeyInfo): number {
  for (let i = 0; i < probe.length; i++) {
    const c = compareValues(key[i], probe[i], ki.collations[i]);
    if (c !== 0) return ki.desc[i] ? -c : c;
  }
  return 0;
}

/**
 * For an index-only (covering) scan: where each index key column goes in the table-shaped row
 * the column readers expect (record positions), and whether the key ends with the rowid.
 */
export interface CoveringLayout {
  readonly recordLength: number;
  /** Pairs [key position, record position]. */
  readonly places: readonly (readonly [number, number])[];
  readonly rowidLast: boolean;
}

/**
 * Scans an index over a range and positions the table row for each entry: for rowid tables the
 * rowid is the last key column and the row is fetched from the table; for a WITHOUT ROWID
 * table's primary-key tree the key is the row; for a WITHOUT ROWID secondary index `pkLookup`
 * maps the key to the row. With a covering layout the row is built from the key alone (no table
 * access). `reverse` walks the range from its end (ORDER BY ... DESC through an ascending index).
 */
export class IndexScanOp implements Op {
  private cur: IndexCursor | null = null;
  private table: TableTree | null = null;
  private alts: readonly (readonly SqlValue[])[] = [];
  private alt = 0;
  private positioned = false;
  /** Range limits in index order: entries run from `startKey` to `endKey`. */
  private startKey: SqlValue[] | null = null;
  private startInclusive = true;
  private endKey: SqlValue[] | null = null;
  private endInclusive = true;
  private bounded = false;
  private prefix: readonly SqlValue[] = [];
  private covering: CoveringLayout | null = null;
  private template: SqlValue[] = [];

  constructor(
    private readonly rt: Runtime,
    private readonly slot: number,
    private readonly tableRoot: number,
    private readonly indexRoot: number,
    private readonly keyInfo: KeyInfo,
    private readonly range: IndexRange,
    private readonly mode: 'rowid' | 'key-is-row' | 'pk-lookup',
    private readonly pkLookup: ((key: readonly SqlValue[]) => readonly SqlValue[] | undefined) | null = null,
    private readonly reverse = false,
  ) {}

  /** Reads rows from the index key alone (null: read the table row). Set before execution. */
  setCovering(layout: CoveringLayout | null): void {
    this.covering = layout;
    this.template = layout ? new Array<SqlValue>(layout.recordLength).fill(null) : [];
  }

  get isCovering(): boolean {
    return this.covering !== null;
  }

  open(): void {
    const view = this.rt.host.view();
    this.cur = view.openIndex(this.indexRoot, this.keyInfo).cursor();
    this.table = this.mode === 'rowid' && !this.covering ? view.openTable(this.tableRoot) : null;
    this.alts = this.range.prefixes();
    if (this.alts.length > 1) {
      this.alts = dedupSorted(this.alts, this.keyInfo);
      if (this.reverse) this.alts = this.alts.slice().reverse();
    }
    this.alt = 0;
    this.positioned = false;
  }

  private startAlt(): boolean {
    const cur = this.cur!;
    const prefix = this.alts[this.alt];
    this.prefix = prefix;
    // = NULL never matches; IS NULL / IS x does (IndexRange.nullMatches)
    const nullMatches = this.range.nullMatches;
    for (let i = 0; i < prefix.length; i++) if (prefix[i] === null && !nullMatches?.[i]) return false;
    const n = prefix.length;
    let lo: SqlValue | undefined;
    let hi: SqlValue | undefined;
    let loIncl = true;
    let hiIncl = true;
    if (this.range.lower) {
      lo = this.range.lower.affinity(this.range.lower.ev());
      if (lo === null) return false;
      loIncl = this.range.lower.inclusive;
    }
    if (this.range.upper) {
      hi = this.range.upper.affinity(this.range.upper.ev());
      if (hi === null) return false;
      hiIncl = this.range.upper.inclusive;
    }
    this.bounded = lo !== undefined || hi !== undefined;
    // In a DESC column, index order runs from high values to low ones (NULLs last).
    const descCol = n < this.keyInfo.desc.length && this.keyInfo.desc[n];
    if (descCol) {
      [lo, hi] = [hi, lo];
      [loIncl, hiIncl] = [hiIncl, loIncl];
    }
    this.startKey = lo !== undefined ? [...prefix, lo] : null;
    this.startInclusive = loIncl;
    this.endKey = hi !== undefined ? [...prefix, hi] : null;
    this.endInclusive = hiIncl;
    if (this.reverse) {
      if (this.endKey) return cur.seek(this.endKey, hiIncl ? 'le' : 'lt');
      // NULLs never satisfy a bound: in a DESC column they sort last
      if (this.bounded && descCol) return cur.seek([...prefix, null], 'lt');
      if (n === 0) return cur.last();
      return cur.seek(prefix, 'le');
    }
    if (this.startKey) return cur.seek(this.startKey, loIncl ? 'ge' : 'gt');
    if (this.bounded && !descCol) return cur.seek([...prefix, null], 'gt'); // NULLs never satisfy a bound
    if (n === 0) return cur.first();
    return cur.seek(prefix, 'ge');
  }

  next(): boolean {
    const cur = this.cur!;
    for (;;) {
      let ok: boolean;
      if (!this.positioned) {
        if (this.alt >= this.alts.length) return false;
        this.positioned = true;
        ok = this.startAlt();
      } else {
        ok = this.reverse ? cur.prev() : cur.next();
      }
      if (ok && cur.valid) {
        const key = cur.key();
        if (this.inRange(key)) {
          if (this.emit(key)) return true;
          continue;
        }
      }
      this.alt++;
      this.positioned = false;
    }
  }

  private inRange(key: readonly SqlValue[]): boolean {
    const ki = this.keyInfo;
    if (comparePrefix(key, this.prefix, ki) !== 0) return false;
    if (this.bounded && key[this.prefix.length] === null) return false;
    if (this.reverse) {
      if (this.startKey) {
        const c = comparePrefix(key, this.startKey, ki);
        if (c < 0 || (c === 0 && !this.startInclusive)) return false;
      }
    } else if (this.endKey) {
      const c = comparePrefix(key, this.endKey, ki);
      if (c > 0 || (c === 0 && !this.endInclusive)) return false;
    }
    return true;
  }

  private emit(key: readonly SqlValue[]): boolean {
    const cov = this.covering;
    if (cov) {
      const places = cov.places;
      // no column read at all (count(*), EXISTS): one shared all-NULL row will do
      const row = places.length === 0 ? this.template : this.template.slice();
      for (let i = 0; i < places.length; i++) row[places[i][1]] = key[places[i][0]];
      this.rt.rows[this.slot] = row;
      this.rt.rowids[this.slot] = cov.rowidLast ? (key[key.length - 1] as Rowid) : null;
      return true;
    }
    switch (this.mode) {
      case 'rowid': {
        const rowid = key[key.length - 1] as Rowid;
        const rec = this.table!.get(rowid);
        if (rec === undefined) return false;
        this.rt.rows[this.slot] = rec;
        this.rt.rowids[this.slot] = rowid;
        return true;
      }
      case 'key-is-row':
        this.rt.rows[this.slot] = key;
        this.rt.rowids[this.slot] = null;
        return true;
      case 'pk-lookup': {
        const row = this.pkLookup!(key);
        if (!row) return false;
        this.rt.rows[this.slot] = row;
        this.rt.rowids[this.slot] = null;
        return true;
      }
    }
  }

  close(): void {
    this.cur = null;
    this.table = null;
  }
}

function dedupSorted(alts: readonly (readonly SqlValue[])[], ki: KeyInfo): (readonly SqlValue[])[] {
  const arr = alts.slice();
  arr.sort((a, b) => comparePrefix(a, b, ki));
  const out: (readonly SqlValue[])[] = [];
  for (const a of arr) if (out.length === 0 || comparePrefix(out[out.length - 1], a, ki) !== 0) out.push(a);
  return out;
}

/** A source with exactly one empty row (SELECT without FROM). */
export class SingleRowOp implements Op {
  private done = false;
  open(): void {
    this.done = false;
  }
  next(): boolean {
    if (this.done) return false;
    this.done = true;
    return true;
  }
  close(): void {}
}

/**
 * `SELECT count(*) FROM t` (SQLite's isSimpleCount / OP_Count): one row per entry of a b-tree,
 * counted from the pages without decoding a key or record. The rows carry no values (the query
 * reads none).
 */
export class CountOnlyOp implements Op {
  private n = 0;
  private i = 0;
  private readonly empty: readonly SqlValue[];

  constructor(
    private readonly rt: Runtime,
    private readonly slot: number,
    private readonly count: () => number,
    recordLength: number,
  ) {
    this.empty = new Array<SqlValue>(recordLength).fill(null);
  }

  open(): void {
    this.n = this.count();
    this.i = 0;
    this.rt.rows[this.slot] = this.empty;
    this.rt.rowids[this.slot] = null;
  }

  next(): boolean {
    return this.i++ < this.n;
  }

  close(): void {}
}
