/**
 * Cursor over an index B-tree. Entries live in interior pages too, so the position is a stack
 * whose top level is the page holding the current entry (`idx` = its cell index) and whose lower
 * levels hold the child index taken. In-order moves:
 *   next: in a leaf, the next cell, else climb to the first ancestor whose child index c < n and
 *         stop on its cell c; on an interior cell i, descend into children[i+1] to its left-most leaf.
 *   prev: mirror image.
 * The cursor remembers its full key and re-seeks it when the source's generation changed.
 */
import type { SqlValue } from '../common/value.js';
import type { IndexCursor, KeyInfo } from './api.js';
import { corrupt } from './errors.js';
import { compareKeys } from './keycompare.js';
import { checkIndexPage, searchPage } from './index-tree.js';
import { cellRecord } from './overflow.js';
import type { BtPage } from './page.js';
import { MAX_DEPTH, type PageSource } from './source.js';

export class IndexCursorImpl implements IndexCursor {
  private pages: BtPage[] = [];
  private idx: number[] = [];
  private depth = -1;
  private gen = -1;
  private saved: readonly SqlValue[] = [];
  valid = false;

  constructor(
    private readonly src: PageSource,
    private readonly root: number,
    private readonly keyInfo: KeyInfo,
  ) {}

  private settle(ok: boolean): boolean {
    this.valid = ok;
    this.gen = this.src.genBox.v;
    if (ok) {
      const d = this.depth;
      this.saved = cellRecord(this.src, this.pages[d], this.idx[d]);
    }
    return ok;
  }

  /** From page `pgno` at level d, down the left-most (or right-most) edge; positions on the leaf's first (last) cell. */
  private descend(d: number, pgno: number, leftmost: boolean): boolean {
    for (;;) {
      if (d > MAX_DEPTH) throw corrupt('tree too deep');
      const p = this.src.page(pgno);
      checkIndexPage(p);
      this.pages[d] = p;
      if (p.leaf) {
        this.depth = d;
        this.idx[d] = leftmost ? 0 : p.n - 1;
        if (p.n > 0) return true;
        return leftmost ? this.climbForward() : this.climbBackward();
      }
      const i = leftmost ? 0 : p.n;
      this.idx[d] = i;
      pgno = p.children[i];
      d++;
    }
  }

  private climbForward(): boolean {
    for (let d = this.depth - 1; d >= 0; d--) {
      if (this.idx[d] < this.pages[d].n) {
        this.depth = d;
        return true;
      }
    }
    return false;
  }

  private climbBackward(): boolean {
    for (let d = this.depth - 1; d >= 0; d--) {
      if (this.idx[d] > 0) {
        this.depth = d;
        this.idx[d]--;
        return true;
      }
    }
    return false;
  }

  first(): boolean {
    return this.settle(this.descend(0, this.root, true));
  }

  last(): boolean {
    return this.settle(this.descend(0, this.root, false));
  }

  private step(forward: boolean): boolean {
    const d = this.depth;
    const p = this.pages[d];
    const i = this.idx[d];
    if (p.leaf) {
      if (forward ? i + 1 < p.n : i > 0) {
        this.idx[d] = forward ? i + 1 : i - 1;
        return true;
      }
      return forward ? this.climbForward() : this.climbBackward();
    }
    if (forward) {
      this.idx[d] = i + 1;
      return this.descend(d + 1, p.children[i + 1], true);
    }
    return this.descend(d + 1, p.children[i], false);
  }

  /** Positions at the first entry >= key (> key if strict), comparing a prefix. */
  private seekGE(key: readonly SqlValue[], strict: boolean): boolean {
    let pgno = this.root;
    for (let d = 0; ; d++) {
      if (d > MAX_DEPTH) throw corrupt('tree too deep');
      const p = this.src.page(pgno);
      checkIndexPage(p);
      this.pages[d] = p;
      const i = searchPage(this.src, p, key, this.keyInfo, strict);
      this.idx[d] = i;
      if (p.leaf) {
        this.depth = d;
        if (i < p.n) return true;
        return this.climbForward();
      }
      pgno = p.children[i];
    }
  }

  seek(key: readonly SqlValue[], bias: 'ge' | 'gt' | 'le' | 'lt'): boolean {
    const strict = bias === 'gt' || bias === 'le';
    const found = this.seekGE(key, strict);
    if (bias === 'ge' || bias === 'gt') return this.settle(found);
    if (!found) return this.last();
    return this.settle(this.step(false));
  }

  /** After a change of generation: back on the saved key (true) or the next greater entry (false). */
  private reseek(): boolean {
    const saved = this.saved;
    const found = this.seekGE(saved, false);
    this.settle(found);
    return found && compareKeys(this.saved, saved, this.keyInfo) === 0 && this.saved.length === saved.length;
  }

  next(): boolean {
    if (!this.valid) return false;
    if (this.gen !== this.src.genBox.v && !this.reseek()) return this.valid;
    return this.settle(this.step(true));
  }

  prev(): boolean {
    if (!this.valid) return false;
    if (this.gen !== this.src.genBox.v) {
      this.reseek();
      if (!this.valid) return this.last();
    }
    return this.settle(this.step(false));
  }

  key(): readonly SqlValue[] {
    if (this.gen !== this.src.genBox.v) this.reseek();
    if (!this.valid) throw new Error('heliosdb-lite internal error: key() on an invalid cursor');
    return this.saved;
  }
}
