/**
 * A rowid table as of an older point: "current state minus changes after S". The current
 * B-tree is read as is, except rows changed after S (the `changed` map, built from one history
 * range scan), which are replaced by their version at S: absent (null) or an old record. The
 * cursor merges the current tree (skipping changed rowids) with the sorted old versions, so a
 * scan costs the table plus what changed since S, and a point lookup one map probe.
 *
 * The overlay comes from a source that may change while a cursor is open (a live snapshot of
 * another connection's read transaction, live-overlay.ts, grows as commits arrive): every
 * cursor operation first asks `sync()`, and when it returns a new overlay the cursor re-seeks to
 * its current key, so a scan in progress keeps returning exactly the rows of its snapshot.
 *
 * Read only: every write throws SQLITE_READONLY.
 */
import { SqliteError } from '../common/errors.js';
import type { SqlValue } from '../common/value.js';
import type { RecordColumns, Rowid, TableCursor, TableTree } from '../storage/api.js';
import { ValuesColumns } from './values-columns.js';

function readOnly(): never {
  throw new SqliteError('attempt to write a table read AS OF an earlier point (time travel is read only)', 'SQLITE_READONLY');
}

/** Where a snapshot tree gets its overlay: the same object until it changes. */
export interface RowOverlaySource {
  sync(): RowOverlay;
}

/** Old versions of the changed rows of one table, sorted by rowid (only rows that existed at S). */
export class RowOverlay implements RowOverlaySource {
  readonly rowids: Rowid[] = [];
  readonly records: (readonly SqlValue[])[] = [];
  /** Every changed rowid, sorted (built on first use): forward scans skip them by a moving index instead of a map probe per row. */
  private sortedChanged: Rowid[] | null = null;
  constructor(
    /** Every rowid changed after S -> its record at S (null = did not exist). */
    readonly changed: ReadonlyMap<Rowid, readonly SqlValue[] | null>,
  ) {
    const present: [Rowid, readonly SqlValue[]][] = [];
    for (const [k, v] of changed) if (v !== null) present.push([k, v]);
    present.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    for (const [k, v] of present) {
      this.rowids.push(k);
      this.records.push(v);
    }
  }

  /** A fixed overlay is its own source. */
  sync(): RowOverlay {
    return this;
  }

  /** Every rowid changed after S (existing at S or not), ascending. */
  changedRowids(): Rowid[] {
    let a = this.sortedChanged;
    if (a === null) {
      a = [...this.changed.keys()];
      a.sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
      this.sortedChanged = a;
    }
    return a;
  }

  /** First index with rowid >= r (strict: > r). */
  lowerBound(r: Rowid, strict: boolean): number {
    const a = this.rowids;
    let lo = 0;
    let hi = a.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (a[mid] < r || (strict && a[mid] === r)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

export class SnapshotTableTree implements TableTree {
  constructor(
    private readonly base: TableTree,
    readonly overlay: RowOverlaySource,
  ) {}

  get root(): number {
    return this.base.root;
  }

  cursor(): TableCursor {
    return new SnapshotTableCursor(this.base.cursor(), this.overlay);
  }

  get(rowid: Rowid): readonly SqlValue[] | undefined {
    const ch = this.overlay.sync().changed;
    if (ch.size !== 0) {
      const v = ch.get(typeof rowid === 'bigint' && rowid >= -9007199254740991n && rowid <= 9007199254740991n ? Number(rowid) : rowid);
      if (v !== undefined) return v === null ? undefined : v;
    }
    return this.base.get(rowid);
  }

  maxRowid(): Rowid {
    const c = this.cursor();
    return c.last() ? c.rowid() : 0;
  }

  count(): number {
    let n = 0;
    const c = this.cursor();
    for (let ok = c.first(); ok; ok = c.next()) n++;
    return n;
  }

  insert(): void {
    readOnly();
  }
  delete(): boolean {
    readOnly();
  }
  clear(): void {
    readOnly();
  }
}

/**
 * Merge of the current tree's cursor (changed rowids skipped) and the overlay. Both sides are
 * kept positioned for the current direction; `fromBase` says which one the cursor is on.
 */
class SnapshotTableCursor implements TableCursor {
  valid = false;
  private oi = 0;
  private fromBase = false;
  /** +1 after first/seek/next, -1 after last/prev. */
  private dir = 1;
  private key: Rowid = 0;
  private o: RowOverlay;
  /** The overlay never changes (time travel): no sync per operation. */
  private readonly fixed: boolean;
  /** Forward scans: o.changedRowids() and the index of the first one >= the base cursor's rowid. */
  private skip: Rowid[] = [];
  private si = 0;

  /** Column reader for the old versions (the base cursor reads its own rows from bytes). */
  private vc: ValuesColumns | null = null;

  constructor(
    private readonly b: TableCursor,
    private readonly src: RowOverlaySource,
  ) {
    this.o = src.sync();
    this.fixed = src === this.o;
    // the byte-level fast paths exist only when the current tree's cursor has them
    const self = this as { columns?: unknown; column?: unknown; scanBytes?: unknown };
    if (b.columns === undefined) self.columns = undefined;
    if (b.column === undefined) self.column = undefined;
    if (b.scanBytes === undefined) self.scanBytes = undefined;
  }

  /** Takes the source's current overlay; true when it changed (the position must be re-established). */
  private refresh(): boolean {
    if (this.fixed) return false;
    const o = this.src.sync();
    if (o === this.o) return false;
    this.o = o;
    return true;
  }

  /** After the overlay changed: both sides back at the current key, in the current direction. */
  private reposition(): void {
    if (!this.valid) return;
    const k = this.key;
    if (this.dir === 1) this.seekFrom(k, false);
    else this.seekBackFrom(k, true);
  }

  /** Positions at the last entry < k (or <= k when inclusive). */
  private seekBackFrom(k: Rowid, inclusive: boolean): boolean {
    const exact = this.b.seek(k);
    if (!(exact && inclusive)) {
      if (this.b.valid) this.b.prev();
      else this.b.last();
    }
    this.skipBase(false);
    this.oi = this.o.lowerBound(k, inclusive) - 1;
    return this.pick(false);
  }

  private skipBase(forward: boolean): void {
    const b = this.b;
    const ch = this.o.changed;
    if (ch.size === 0) return;
    if (!forward) {
      while (b.valid && ch.has(b.rowid())) b.prev();
      return;
    }
    // forward: the changed rowids are sorted; move an index along with the base cursor
    const a = this.skip;
    const n = a.length;
    let i = this.si;
    while (b.valid) {
      const r = b.rowid();
      while (i < n && a[i] < r) i++;
      if (i < n && a[i] === r) {
        b.next();
        continue;
      }
      break;
    }
    this.si = i;
  }

  /** Re-aims the forward skip index at the base cursor's position (after first/seek). */
  private aimSkip(): void {
    const a = (this.skip = this.o.changed.size === 0 ? this.skip : this.o.changedRowids());
    if (!this.b.valid || a.length === 0) {
      this.si = 0;
      return;
    }
    const r = this.b.rowid();
    let lo = 0;
    let hi = a.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (a[mid] < r) lo = mid + 1;
      else hi = mid;
    }
    this.si = lo;
  }

  /** Picks the smaller (forward) or larger (backward) of the two candidates. */
  private pick(forward: boolean): boolean {
    const bv = this.b.valid;
    const ov = this.oi >= 0 && this.oi < this.o.rowids.length;
    if (!bv && !ov) return (this.valid = false);
    if (bv && ov) {
      const br = this.b.rowid();
      const or = this.o.rowids[this.oi];
      const fb = forward ? br < or : br > or;
      this.fromBase = fb;
      this.key = fb ? br : or;
    } else {
      this.fromBase = bv;
      this.key = bv ? this.b.rowid() : this.o.rowids[this.oi];
    }
    this.dir = forward ? 1 : -1;
    return (this.valid = true);
  }

  first(): boolean {
    this.refresh();
    this.b.first();
    this.aimSkip();
    this.skipBase(true);
    this.oi = 0;
    return this.pick(true);
  }

  last(): boolean {
    this.refresh();
    this.b.last();
    this.skipBase(false);
    this.oi = this.o.rowids.length - 1;
    return this.pick(false);
  }

  next(): boolean {
    if (!this.valid) return false;
    if (this.refresh()) this.reposition();
    if (this.dir !== 1) return this.seekFrom(this.key, true);
    if (this.fromBase) {
      this.b.next();
      this.skipBase(true);
    } else this.oi++;
    return this.pick(true);
  }

  prev(): boolean {
    if (!this.valid) return false;
    if (this.refresh()) this.reposition();
    if (this.dir !== -1) return this.seekBackFrom(this.key, false);
    if (this.fromBase) {
      this.b.prev();
      this.skipBase(false);
    } else this.oi--;
    return this.pick(false);
  }

  /** Positions at the first entry > k (strict) or >= k. */
  private seekFrom(k: Rowid, strict: boolean): boolean {
    const exact = this.b.seek(k);
    if (exact && strict) this.b.next();
    this.aimSkip();
    this.skipBase(true);
    this.oi = this.o.lowerBound(k, strict);
    return this.pick(true);
  }

  seek(rowid: Rowid): boolean {
    this.refresh();
    const ok = this.seekFrom(rowid, false);
    return ok && this.key === rowid;
  }

  rowid(): Rowid {
    return this.key;
  }

  record(): readonly SqlValue[] {
    if (this.refresh()) this.reposition();
    return this.fromBase ? this.b.record() : this.o.records[this.oi];
  }

  columns(limit: number): RecordColumns {
    if (this.refresh()) this.reposition();
    if (this.fromBase) return this.b.columns!(limit);
    return (this.vc ??= new ValuesColumns()).load(this.o.records[this.oi], limit);
  }

  column(i: number): SqlValue | undefined {
    if (this.refresh()) this.reposition();
    if (this.fromBase) return this.b.column!(i);
    const r = this.o.records[this.oi];
    return i < r.length ? r[i] : undefined;
  }

  scanBytes(): void {
    this.b.scanBytes!();
  }
}
