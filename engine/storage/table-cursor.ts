/**
 * Cursor over a table B-tree. The position is a stack of (page, index) from the root to a leaf;
 * interior levels hold the child index taken, the leaf level the cell index. The cursor
 * remembers the rowid it is on; when the source's generation changed (the tree may have been
 * modified or a commit published), the next operation re-seeks that rowid first:
 *   next(): if the rowid still exists, step past it; else the re-seek already landed on the
 *           first greater rowid, which is the answer;
 *   prev(): re-seek (landing on the rowid or the first greater one), then step back.
 */
import type { SqlValue } from '../common/value.js';
import type { Rowid, TableCursor } from './api.js';
import { corrupt } from './errors.js';
import { cellRecord } from './overflow.js';
import { decodeColumn } from './record.js';
import { BtPage, PT_TABLE_INTERIOR, PT_TABLE_LEAF } from './page.js';
import { MAX_DEPTH, type PageSource } from './source.js';
import { canonicalRowid, lowerBound } from './table-tree.js';

export class TableCursorImpl implements TableCursor {
  private pages: BtPage[] = [];
  private idx: number[] = [];
  private depth = -1;
  private gen = -1;
  private key: Rowid = 0;
  valid = false;

  constructor(
    private readonly src: PageSource,
    private readonly root: number,
  ) {}

  /** Descends from `pgno` (placed at level d) to a leaf along the left-most or right-most edge. */
  private descend(d: number, pgno: number, leftmost: boolean): BtPage {
    const src = this.src;
    for (;;) {
      if (d > MAX_DEPTH) throw corrupt('tree too deep');
      const p = src.page(pgno);
      this.pages[d] = p;
      if (p.type === PT_TABLE_LEAF) {
        this.idx[d] = leftmost ? 0 : p.n - 1;
        this.depth = d;
        return p;
      }
      if (p.type !== PT_TABLE_INTERIOR) throw corrupt(`page ${p.pgno}: not a table b-tree page`);
      const i = leftmost ? 0 : p.n;
      this.idx[d] = i;
      pgno = p.children[i];
      d++;
    }
  }

  private settle(ok: boolean): boolean {
    this.valid = ok;
    this.gen = this.src.genBox.v;
    if (ok) {
      const d = this.depth;
      this.key = this.pages[d].keys[this.idx[d]];
    }
    return ok;
  }

  first(): boolean {
    const leaf = this.descend(0, this.root, true);
    if (leaf.n > 0) return this.settle(true);
    return this.settle(this.depth > 0 && this.stepLeaf(true));
  }

  last(): boolean {
    const leaf = this.descend(0, this.root, false);
    if (leaf.n > 0) return this.settle(true);
    return this.settle(this.depth > 0 && this.stepLeaf(false));
  }

  /** Moves to the first cell of the next leaf (forward) or the last cell of the previous one. */
  private stepLeaf(forward: boolean): boolean {
    for (;;) {
      let d = this.depth - 1;
      while (d >= 0) {
        const p = this.pages[d];
        if (forward ? this.idx[d] < p.n : this.idx[d] > 0) break;
        d--;
      }
      if (d < 0) return false;
      const i = forward ? ++this.idx[d] : --this.idx[d];
      const leaf = this.descend(d + 1, this.pages[d].children[i], forward);
      if (leaf.n > 0) return true;
    }
  }

  /** Positions at rowid or the next greater entry; returns exact match. */
  private seekInternal(rowid: Rowid): boolean {
    const src = this.src;
    let pgno = this.root;
    let d = 0;
    for (;;) {
      if (d > MAX_DEPTH) throw corrupt('tree too deep');
      const p = src.page(pgno);
      this.pages[d] = p;
      const i = lowerBound(p.keys, p.n, rowid);
      this.idx[d] = i;
      if (p.type === PT_TABLE_LEAF) {
        this.depth = d;
        if (i < p.n) {
          this.settle(true);
          return p.keys[i] === rowid;
        }
        this.settle(d > 0 && this.stepLeaf(true));
        return false;
      }
      if (p.type !== PT_TABLE_INTERIOR) throw corrupt(`page ${p.pgno}: not a table b-tree page`);
      pgno = p.children[i];
      d++;
    }
  }

  seek(rowid: Rowid): boolean {
    return this.seekInternal(canonicalRowid(rowid));
  }

  next(): boolean {
    if (!this.valid) return false;
    if (this.gen !== this.src.genBox.v) {
      if (!this.seekInternal(this.key)) return this.valid;
    }
    const d = this.depth;
    const p = this.pages[d];
    const i = ++this.idx[d];
    if (i < p.n) {
      this.key = p.keys[i];
      return true;
    }
    return this.settle(this.stepLeaf(true));
  }

  prev(): boolean {
    if (!this.valid) return false;
    if (this.gen !== this.src.genBox.v) {
      this.seekInternal(this.key);
      if (!this.valid) return this.last();
    }
    const d = this.depth;
    const i = --this.idx[d];
    if (i >= 0) {
      this.key = this.pages[d].keys[i];
      return true;
    }
    return this.settle(this.stepLeaf(false));
  }

  rowid(): Rowid {
    return this.key;
  }

  column(i: number): SqlValue | undefined {
    if (this.gen !== this.src.genBox.v) this.seekInternal(this.key);
    if (!this.valid) throw new Error('heliosdb-lite internal error: column() on an invalid cursor');
    const p = this.pages[this.depth];
    const c = this.idx[this.depth];
    let r = p.recs[c];
    if (r === undefined) {
      if (p.ovfl[c] === 0) return decodeColumn(p.bufs[c], p.offs[c], p.nLoc[c], i);
      r = cellRecord(this.src, p, c);
    }
    return i < r.length ? r[i] : undefined;
  }

  record(): readonly SqlValue[] {
    if (this.gen !== this.src.genBox.v) this.seekInternal(this.key);
    if (!this.valid) throw new Error('heliosdb-lite internal error: record() on an invalid cursor');
    const d = this.depth;
    return cellRecord(this.src, this.pages[d], this.idx[d]);
  }
}
