/**
 * An index B-tree (a secondary index, or the primary-key tree of a WITHOUT ROWID table) as of an
 * older point: the current entries minus those of rows changed after S (`hidden`), plus the
 * entries of those rows' versions at S (`extra`, sorted by the index's KeyInfo). Seeks use the
 * current tree and a binary search in `extra`; scans merge both. Predicates the planner applies
 * to index keys therefore see exactly the entries the index had at S.
 *
 * The overlay comes from a source that may change while a cursor is open (see
 * snapshot-table.ts): each cursor operation syncs first and re-seeks to its current key when the
 * overlay changed.
 *
 * Read only: every write throws SQLITE_READONLY.
 */
import { SqliteError } from '../common/errors.js';
import type { SqlValue } from '../common/value.js';
import type { IndexCursor, IndexTree, KeyInfo } from '../storage/api.js';
import { compareKeys } from '../storage/index.js';

function readOnly(): never {
  throw new SqliteError('attempt to write a table read AS OF an earlier point (time travel is read only)', 'SQLITE_READONLY');
}

/** Where a snapshot index gets its overlay: the same object until it changes. */
export interface IndexOverlaySource {
  sync(): IndexOverlay;
}

export interface IndexOverlay {
  /** Whether a current entry belongs to a row changed after S. */
  readonly hidden: (key: readonly SqlValue[]) => boolean;
  /** Entries of the changed rows' versions at S, sorted by compareKeys with the tree's KeyInfo. */
  readonly extra: readonly (readonly SqlValue[])[];
}

export class SnapshotIndexTree implements IndexTree {
  constructor(
    private readonly base: IndexTree,
    private readonly overlay: IndexOverlay | IndexOverlaySource,
  ) {}

  get root(): number {
    return this.base.root;
  }
  get keyInfo(): KeyInfo {
    return this.base.keyInfo;
  }

  cursor(): IndexCursor {
    const o = this.overlay;
    // a fixed overlay (time travel) needs no sync per operation
    return 'sync' in o ? new SnapshotIndexCursor(this.base.cursor(), o, o.sync(), this.base.keyInfo) : new SnapshotIndexCursor(this.base.cursor(), null, o, this.base.keyInfo);
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

class SnapshotIndexCursor implements IndexCursor {
  valid = false;
  private oi = 0;
  private fromBase = false;
  private dir = 1;
  private cur: readonly SqlValue[] = [];
  private o: IndexOverlay;

  /** The base cursor's key after skipBase (valid while the base cursor has not moved). */
  private bkey: readonly SqlValue[] | null = null;

  constructor(
    private readonly b: IndexCursor,
    /** null: the overlay is fixed. */
    private readonly src: IndexOverlaySource | null,
    o: IndexOverlay,
    private readonly ki: KeyInfo,
  ) {
    this.o = o;
  }

  /** Takes the source's current overlay; when it changed, re-seeks to the current key. */
  private refresh(): void {
    if (this.src === null) return;
    const o = this.src.sync();
    if (o === this.o) return;
    this.o = o;
    if (this.valid) this.seek(this.cur.slice(), this.dir === 1 ? 'ge' : 'le');
  }

  private skipBase(forward: boolean): void {
    const b = this.b;
    const hidden = this.o.hidden;
    let k: readonly SqlValue[] | null = null;
    while (b.valid) {
      k = b.key();
      if (!hidden(k)) break;
      k = null;
      if (forward) b.next();
      else b.prev();
    }
    this.bkey = k;
  }

  private pick(forward: boolean): boolean {
    const extra = this.o.extra;
    const bk = this.bkey;
    const ov = this.oi >= 0 && this.oi < extra.length;
    if (bk === null && !ov) return (this.valid = false);
    let fb: boolean;
    if (bk !== null && ov) {
      const c = compareKeys(bk, extra[this.oi], this.ki);
      fb = forward ? c < 0 : c > 0;
    } else fb = bk !== null;
    this.fromBase = fb;
    this.cur = fb ? bk! : extra[this.oi];
    this.dir = forward ? 1 : -1;
    return (this.valid = true);
  }

  /** In `extra`: the first entry whose prefix compares >= key (strict: > key). */
  private lower(key: readonly SqlValue[], strict: boolean): number {
    const a = this.o.extra;
    let lo = 0;
    let hi = a.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const c = compareKeys(a[mid], key, this.ki);
      if (c < 0 || (strict && c === 0)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  first(): boolean {
    this.refresh();
    this.b.first();
    this.skipBase(true);
    this.oi = 0;
    return this.pick(true);
  }

  last(): boolean {
    this.refresh();
    this.b.last();
    this.skipBase(false);
    this.oi = this.o.extra.length - 1;
    return this.pick(false);
  }

  next(): boolean {
    if (!this.valid) return false;
    this.refresh();
    if (this.dir !== 1) return this.seek(this.cur, 'gt');
    if (this.fromBase) {
      this.b.next();
      this.skipBase(true);
    } else this.oi++;
    return this.pick(true);
  }

  prev(): boolean {
    if (!this.valid) return false;
    this.refresh();
    if (this.dir !== -1) return this.seek(this.cur, 'lt');
    if (this.fromBase) {
      this.b.prev();
      this.skipBase(false);
    } else this.oi--;
    return this.pick(false);
  }

  seek(key: readonly SqlValue[], bias: 'ge' | 'gt' | 'le' | 'lt'): boolean {
    if (this.src !== null) this.o = this.src.sync();
    this.b.seek(key, bias);
    const forward = bias === 'ge' || bias === 'gt';
    this.skipBase(forward);
    if (forward) this.oi = this.lower(key, bias === 'gt');
    else this.oi = this.lower(key, bias === 'le') - 1;
    return this.pick(forward);
  }

  key(): readonly SqlValue[] {
    this.refresh();
    return this.cur;
  }
}
