/**
 * The undo log of a write transaction: what savepoints roll back.
 *
 * One stack of entries per transaction; a savepoint is a mark (the stack height when it was
 * taken). Rolling back to a savepoint applies the entries above its mark newest first; releasing
 * a savepoint only forgets the mark (the entries now belong to the enclosing savepoint). Entries:
 *
 *   PAGE          the transaction's private version of page P is about to be replaced or changed
 *                 wholesale (balance, clear, free, allocate): `ref` is the previous private page
 *                 (a clone, or the page itself when it leaves the dirty set) or null when P was
 *                 not dirty. Undo: put it back in the dirty set (or remove P from it).
 *   CELL_INSERTED a cell was inserted at `pos` of B-tree page P.  Undo: remove cell `pos`.
 *   CELL_REPLACED cell `pos` of P was overwritten; the old cell's fields are saved.
 *                 Undo: restore them.
 *   CELL_REMOVED  cell `pos` of P was removed; its fields are saved. Undo: insert it back.
 *   FREED         page P was added to the transaction's freed-leaf set. Undo: delete it.
 *   UNFREED       page P was taken back out of the freed-leaf set. Undo: add it.
 *   BYTES         the local payload of cell `pos` of P, at `off` in P's page image, was
 *                 overwritten in the image itself by one of the same size (txn.ts invariant 5);
 *                 the old bytes are saved in the log's byte arena, with the old cached record.
 *                 Undo: copy them back, restore the record.
 *
 * Cell entries make a statement savepoint cost a few array stores when a statement changes one
 * or two cells, instead of a clone of every page it touches. Numbers live in one Float64Array
 * (stride NUM) and references, for the entries that have some, in one array (stride REF), so
 * logging allocates nothing but the amortised growth of those two arrays.
 *
 * Invariants:
 *  1. Cell entries for P are applied to the page that is in the dirty set for P at undo time;
 *     because entries are undone newest first, that page then has exactly the content it had
 *     right after the logged operation (a later PAGE entry for P has already been undone).
 *  2. A page object whose `spEpoch` equals the epoch of the innermost open savepoint has a PAGE
 *     entry above that savepoint's mark, so further changes to it need no entry until another
 *     savepoint is taken, released or rolled back (each of which assigns fresh epochs).
 */
import type { Rowid } from './api.js';
import { type BtPage, OWN_ALL, OWN_RECS, type Page } from './page.js';
import type { PageCache } from './page-cache.js';

export const U_PAGE = 0;
export const U_CELL_INSERTED = 1;
export const U_CELL_REPLACED = 2;
export const U_CELL_REMOVED = 3;
export const U_FREED = 4;
export const U_UNFREED = 5;
export const U_BYTES = 6;

const NUM = 8; // kind, pgno, pos, off, nLoc, nPay, ovfl (BYTES: arena offset), index of the entry's refs
const EMPTY_NUMS = new Float64Array(0);

function takeNums(): Float64Array {
  const n = spareNums;
  if (n === null) return new Float64Array(NUM * 16);
  spareNums = null;
  return n;
}

function takeRefs(): unknown[] {
  const r = spareRefs;
  if (r === null) return [];
  spareRefs = null;
  return r;
}
const REF = 3; // page | buf, rec, key (only entries that hold references have them)
/** Reference arrays up to this length are kept across truncations (cleared, not reallocated). */
const REUSE_REFS = REF * 1024;
/**
 * Logs up to this many entries hand their arrays to the next transaction's log (a transaction
 * that updates 10k rows logs 10k entries: regrowing the arrays every time is costly garbage).
 */
const SPARE_ENTRIES = 32768;

/** Copies `n` bytes; a loop for record-sized runs (Buffer#copy costs a view allocation per call). */
function copyBytes(src: Buffer, from: number, dst: Buffer, to: number, n: number): void {
  if (n < 128) for (let i = 0; i < n; i++) dst[to + i] = src[from + i];
  else src.copy(dst, to, from, from + n);
}

/** What undoing an entry acts on (the write transaction). */
export interface UndoTarget {
  readonly dirty: PageCache;
  readonly freedLeaves: Set<number>;
}

/** The number array of an ended transaction's log, reused by the next one (typed arrays are costly to allocate). */
let spareNums: Float64Array | null = null;
/** The (cleared) reference array of an ended transaction's log, likewise. */
let spareRefs: unknown[] | null = null;
/** The byte arena of an ended transaction's log, likewise (up to 4 MiB). */
let spareBytes: Buffer | null = null;

export class UndoLog {
  private nums = takeNums();
  private refs: unknown[] = takeRefs();
  length = 0;
  /** Old payload bytes of BYTES entries, appended; `bytesUsed` of them in use. */
  private bytes: Buffer | null = null;
  private bytesUsed = 0;

  private refCount = 0;

  private slot(kind: number, pgno: number, pos: number): number {
    const k = this.length++;
    let nums = this.nums;
    if ((k + 1) * NUM > nums.length) {
      const grown = new Float64Array(Math.max(NUM * 16, nums.length * 2));
      grown.set(nums);
      this.nums = nums = grown;
    }
    const o = k * NUM;
    nums[o] = kind;
    nums[o + 1] = pgno;
    nums[o + 2] = pos;
    nums[o + 7] = this.refCount;
    return k;
  }

  private setRefs(a: unknown, b: unknown, c: unknown): void {
    const r = this.refs;
    const o = this.refCount;
    this.refCount = o + REF;
    if (o === r.length) {
      r.push(a, b, c);
    } else {
      r[o] = a;
      r[o + 1] = b;
      r[o + 2] = c;
    }
  }

  page(pgno: number, prev: Page | null): void {
    this.slot(U_PAGE, pgno, 0);
    this.setRefs(prev, undefined, undefined);
  }

  cellInserted(pgno: number, pos: number): void {
    this.slot(U_CELL_INSERTED, pgno, pos);
  }

  /** Saves cell `pos` of `p` before it is overwritten (kind U_CELL_REPLACED) or removed (U_CELL_REMOVED). */
  cellSaved(kind: number, p: BtPage, pos: number): void {
    const k = this.slot(kind, p.pgno, pos);
    const nums = this.nums;
    const o = k * NUM;
    if (p.type !== 5) {
      nums[o + 3] = p.offs[pos];
      nums[o + 4] = p.nLoc[pos];
      nums[o + 5] = p.nPay[pos];
      nums[o + 6] = p.ovfl[pos];
      // an overwrite keeps the cell's key (table-tree.ts and index-tree.ts replace equal keys only)
      this.setRefs(p.bufs[pos], p.recs[pos], p.intKey && kind === U_CELL_REMOVED ? p.keys[pos] : undefined);
    } else {
      this.setRefs(undefined, undefined, p.keys[pos]);
    }
  }

  /**
   * cellSaved(U_CELL_REPLACED) of a table leaf cell whose payload of `nPay` bytes is local
   * (nLoc = nPay, no overflow page): the caller knows those, so only the cell's payload
   * reference and cached record are read from the page.
   */
  cellOverwritten(p: BtPage, pos: number, nPay: number): void {
    const k = this.slot(U_CELL_REPLACED, p.pgno, pos);
    const nums = this.nums;
    const o = k * NUM;
    nums[o + 3] = p.offs[pos];
    nums[o + 4] = nPay;
    nums[o + 5] = nPay;
    nums[o + 6] = 0;
    this.setRefs(p.bufs[pos], p.recs[pos], undefined);
  }

  /** Saves the `nPay` payload bytes at `off` of `p`'s image (cell `pos`) and its cached record before they are overwritten in place. */
  bytesOverwritten(p: BtPage, pos: number, off: number, nPay: number): void {
    const img = p.image!;
    let b = this.bytes;
    const at = this.bytesUsed;
    if (b === null && spareBytes !== null) {
      this.bytes = b = spareBytes;
      spareBytes = null;
    }
    if (b === null || at + nPay > b.length) {
      const grown = Buffer.allocUnsafeSlow(Math.max(65536, (at + nPay) * 2));
      if (b !== null) b.copy(grown, 0, 0, at);
      this.bytes = b = grown;
    }
    copyBytes(img, off, b, at, nPay);
    this.bytesUsed = at + nPay;
    const k = this.slot(U_BYTES, p.pgno, pos);
    const nums = this.nums;
    const o = k * NUM;
    nums[o + 3] = off;
    nums[o + 5] = nPay;
    nums[o + 6] = at;
    this.setRefs(img, p.recs[pos], undefined);
  }

  freed(pgno: number, added: boolean): void {
    this.slot(added ? U_FREED : U_UNFREED, pgno, 0);
  }

  /** Undoes entries [mark, length), newest first, and truncates the log to `mark`. */
  rollbackTo(mark: number, t: UndoTarget): void {
    const nums = this.nums;
    const refs = this.refs;
    for (let k = this.length - 1; k >= mark; k--) {
      const o = k * NUM;
      const kind = nums[o];
      const pgno = nums[o + 1];
      const r = nums[o + 7];
      switch (kind) {
        case U_PAGE: {
          const prev = refs[r] as Page | null;
          if (prev === null) t.dirty.delete(pgno);
          else t.dirty.set(pgno, prev);
          break;
        }
        case U_FREED:
          t.freedLeaves.delete(pgno);
          break;
        case U_UNFREED:
          t.freedLeaves.add(pgno);
          break;
        case U_BYTES: {
          const p = t.dirty.get(pgno);
          if (p === undefined || p.kind !== 0) throw new Error(`heliosdb-lite internal error: undo of bytes on page ${pgno} that is not in place`);
          const img = refs[r] as Buffer;
          const at = nums[o + 6];
          copyBytes(this.bytes!, at, img, nums[o + 3], nums[o + 5]);
          this.bytesUsed = at;
          if ((p.owned & OWN_RECS) === 0) p.own(OWN_RECS);
          p.recs[nums[o + 2]] = refs[r + 1] as BtPage['recs'][number];
          break;
        }
        default: {
          const p = t.dirty.get(pgno);
          if (p === undefined || p.kind !== 0) throw new Error(`heliosdb-lite internal error: undo of a cell on page ${pgno} that is not dirty`);
          if (p.owned !== OWN_ALL) p.own(OWN_ALL);
          const pos = nums[o + 2];
          if (kind === U_CELL_INSERTED) {
            p.removeCell(pos);
            break;
          }
          if (kind === U_CELL_REPLACED) {
            p.used -= p.cellSize(pos);
            if (p.type !== 5) {
              p.bufs[pos] = refs[r] as Buffer;
              p.offs[pos] = nums[o + 3];
              p.nLoc[pos] = nums[o + 4];
              p.nPay[pos] = nums[o + 5];
              p.ovfl[pos] = nums[o + 6];
              p.recs[pos] = refs[r + 1] as BtPage['recs'][number];
            }
            if (p.type === 5) p.keys[pos] = refs[r + 2] as Rowid;
            p.used += p.cellSize(pos);
            break;
          }
          // U_CELL_REMOVED
          if (p.intKey) p.keys.splice(pos, 0, refs[r + 2] as Rowid);
          if (p.type !== 5) {
            p.bufs.splice(pos, 0, refs[r] as Buffer);
            p.offs.splice(pos, 0, nums[o + 3]);
            p.nLoc.splice(pos, 0, nums[o + 4]);
            p.nPay.splice(pos, 0, nums[o + 5]);
            p.ovfl.splice(pos, 0, nums[o + 6]);
            p.recs.splice(pos, 0, refs[r + 1] as BtPage['recs'][number]);
          }
          p.n++;
          p.used += p.cellSize(pos);
        }
      }
    }
    this.truncate(mark);
  }

  /** Forgets every entry and gives the number array back for reuse; the log must not be used again. */
  dispose(): void {
    const r = this.refs;
    const used = this.refCount;
    this.length = 0;
    this.refCount = 0;
    if (r.length <= REF * SPARE_ENTRIES) {
      for (let i = 0; i < used; i++) r[i] = undefined;
      spareRefs = r;
    }
    this.refs = [];
    const n = this.nums;
    if (n.length !== 0 && n.length <= NUM * SPARE_ENTRIES) spareNums = n;
    this.nums = EMPTY_NUMS;
    if (this.bytes !== null && this.bytes.length <= 1 << 22) spareBytes = this.bytes;
    this.bytes = null;
    this.bytesUsed = 0;
  }

  /** Forgets entries from `mark` on (without undoing them). */
  truncate(mark: number): void {
    if (mark >= this.length) return;
    if (mark === 0) this.bytesUsed = 0;
    const refCount = mark === 0 ? 0 : this.nums[mark * NUM + 7];
    const old = this.refCount;
    this.length = mark;
    this.refCount = refCount;
    const r = this.refs;
    if (r.length > REUSE_REFS) {
      if (refCount === 0) this.refs = [];
      else r.length = refCount;
      return;
    }
    // a small array is kept (statement savepoints truncate it after every statement): only the
    // references it held are dropped, so setRefs overwrites slots instead of growing a new array
    for (let i = refCount; i < old; i++) r[i] = undefined;
  }
}
