/**
 * Cursor over a table B-tree. The position is a stack of (page, index) from the root to a leaf;
 * interior levels hold the child index taken, the leaf level the cell index. The cursor
 * remembers the rowid it is on; when the source's generation changed (the tree may have been
 * modified or a commit published), the next operation re-seeks that rowid first:
 *   next(): if the rowid still exists, step past it; else the re-seek already landed on the
 *           first greater rowid, which is the answer;
 *   prev(): re-seek (landing on the rowid or the first greater one), then step back.
 *
 * Byte leaves (`scanBytes()`, for forward passes that read columns from the record bytes): when
 * stepping forward onto a leaf the cache holds only as bytes on its first use (PageSource
 * leafBytes: read ahead, not decoded), the cursor walks that page image directly instead of a
 * decoded BtPage: `raw` is the image, idx[depth] the cell index and `cell*` the current cell,
 * parsed and checked as decodePage checks it (SQLITE_CORRUPT otherwise). Any operation other
 * than next(), rowid() and columns() first decodes the leaf (page(), which the cache then keeps
 * decoded) and continues on the BtPage as usual.
 */
import type { SqlValue } from '../common/value.js';
import type { RecordColumns, Rowid, TableCursor } from './api.js';
import { corrupt } from './errors.js';
import { assemblePayload, cellRecord } from './overflow.js';
import { decodeColumn, decodeRecord } from './record.js';
import { RecordColumnsImpl, decodeRecordPartial } from './record-columns.js';
import { BtPage, PT_TABLE_INTERIOR, PT_TABLE_LEAF } from './page.js';
import { MAX_DEPTH, type PageSource } from './source.js';
import { canonicalRowid, lowerBound } from './table-tree.js';
import { getVarint, getVarint32, varintLength } from './varint.js';

export class TableCursorImpl implements TableCursor {
  private pages: BtPage[] = [];
  private idx: number[] = [];
  private depth = -1;
  private gen = -1;
  private key: Rowid = 0;
  valid = false;
  /** Forward steps may walk leaves as bytes (see above). */
  private bytes = false;
  /** The leaf at `depth` as a page image (null: pages[depth] holds it). */
  private raw: Buffer | null = null;
  private rawPgno = 0;
  private rawN = 0;
  /** The current cell of a byte leaf: local payload extent, payload size, first overflow page. */
  private cellOff = 0;
  private cellLoc = 0;
  private cellOvfl = 0;
  /** Geometry of byte leaves: usable page size and largest local payload of a table leaf. */
  private usable = 0;
  private maxLocal = 0;
  private reader: RecordColumnsImpl | null = null;

  constructor(
    private readonly src: PageSource,
    private readonly root: number,
  ) {}

  /**
   * Hint for a forward pass that reads rows through columns(): leaves read from the files for
   * the first time are walked as bytes instead of being decoded (see above).
   */
  scanBytes(): void {
    this.bytes = this.src.leafBytes !== undefined;
  }

  /**
   * Descends from `pgno` (placed at level d) to a leaf along the left-most or right-most edge;
   * returns the leaf's cell count.
   */
  private descend(d: number, pgno: number, leftmost: boolean): number {
    const src = this.src;
    this.raw = null;
    for (;;) {
      if (d > MAX_DEPTH) throw corrupt('tree too deep');
      if (this.bytes && leftmost) {
        const img = src.leafBytes!(pgno);
        if (img !== null) return this.enterRawLeaf(d, pgno, img);
      }
      const p = src.page(pgno);
      this.pages[d] = p;
      if (p.type === PT_TABLE_LEAF) {
        this.idx[d] = leftmost ? 0 : p.n - 1;
        this.depth = d;
        return p.n;
      }
      if (p.type !== PT_TABLE_INTERIOR) throw corrupt(`page ${p.pgno}: not a table b-tree page`);
      const i = leftmost ? 0 : p.n;
      this.idx[d] = i;
      pgno = p.children[i];
      d++;
    }
  }

  /** Positions at the first cell of the table leaf image `img` (page `pgno`, level d). */
  private enterRawLeaf(d: number, pgno: number, img: Buffer): number {
    const n = (img[3] << 8) | img[4];
    const geom = this.src.geom;
    this.usable = geom.usable;
    this.maxLocal = geom.maxLocalTable;
    if (8 + 2 * n > this.usable) throw corrupt(`page ${pgno}: too many cells`);
    this.raw = img;
    this.rawPgno = pgno;
    this.rawN = n;
    this.idx[d] = 0;
    this.depth = d;
    return n;
  }

  /** Parses cell i of the byte leaf (decodeTableLeaf's checks) and makes its rowid the key. */
  private rawCell(i: number): void {
    const buf = this.raw!;
    const u = this.usable;
    const p = 8 + 2 * i;
    const start = (buf[p] << 8) | buf[p + 1];
    if (start < 8 + 2 * this.rawN || start >= u) throw corrupt(`page ${this.rawPgno}: cell pointer out of range`);
    let c = start;
    let nPay = buf[c];
    if (nPay < 0x80) c++;
    else {
      nPay = getVarint32(buf, c, u);
      c += varintLength.n;
    }
    // rowid: 1 to 3 bytes inline (< 2^21), else the general decoder, which also reports a
    // varint running past the usable area
    const b0 = buf[c];
    const b1 = buf[c + 1];
    if (b0 < 0x80 && c < u) {
      this.key = b0;
      c++;
    } else if (b1 < 0x80 && c + 1 < u) {
      this.key = ((b0 & 0x7f) << 7) | b1;
      c += 2;
    } else if (buf[c + 2] < 0x80 && c + 2 < u) {
      this.key = ((b0 & 0x7f) << 14) | ((b1 & 0x7f) << 7) | buf[c + 2];
      c += 3;
    } else {
      this.key = getVarint(buf, c, u);
      c += varintLength.n;
    }
    let nLoc = nPay;
    let ovfl = 0;
    if (nPay > this.maxLocal) {
      nLoc = this.src.geom.localSize(nPay, true);
      if (c + nLoc + 4 > u) throw corrupt(`page ${this.rawPgno}: cell extends off page`);
      ovfl = buf.readUInt32BE(c + nLoc);
      if (ovfl < 2 || ovfl > this.src.pageCount()) throw corrupt(`page ${this.rawPgno}: overflow page ${ovfl} out of range`);
    } else if (c + nLoc > u) throw corrupt(`page ${this.rawPgno}: cell extends off page`);
    this.cellOff = c;
    this.cellLoc = nLoc;
    this.cellOvfl = ovfl;
  }

  /** Continues on the decoded form of the byte leaf (same generation, so the same content). */
  private decodeLeaf(): void {
    const d = this.depth;
    this.pages[d] = this.src.page(this.rawPgno);
    this.raw = null;
  }

  private settle(ok: boolean): boolean {
    this.valid = ok;
    this.gen = this.src.genBox.v;
    if (ok) {
      const d = this.depth;
      if (this.raw !== null) this.rawCell(this.idx[d]);
      else this.key = this.pages[d].keys[this.idx[d]];
    }
    return ok;
  }

  first(): boolean {
    if (this.descend(0, this.root, true) > 0) return this.settle(true);
    return this.settle(this.depth > 0 && this.stepLeaf(true));
  }

  last(): boolean {
    if (this.descend(0, this.root, false) > 0) return this.settle(true);
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
      if (this.descend(d + 1, this.pages[d].children[i], forward) > 0) return true;
    }
  }

  /** Positions at rowid or the next greater entry; returns exact match. */
  private seekInternal(rowid: Rowid): boolean {
    const src = this.src;
    let pgno = this.root;
    let d = 0;
    this.raw = null;
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
    const i = ++this.idx[d];
    if (this.raw !== null) {
      if (i < this.rawN) {
        this.rawCell(i);
        return true;
      }
    } else {
      const p = this.pages[d];
      if (i < p.n) {
        this.key = p.keys[i];
        return true;
      }
    }
    return this.settle(this.stepLeaf(true));
  }

  prev(): boolean {
    if (!this.valid) return false;
    if (this.gen !== this.src.genBox.v) {
      this.seekInternal(this.key);
      if (!this.valid) return this.last();
    }
    if (this.raw !== null) this.decodeLeaf();
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

  /** Re-seeks after a change of generation; an invalid cursor here is a caller's bug. */
  private current(what: string): void {
    if (this.gen !== this.src.genBox.v) this.seekInternal(this.key);
    if (!this.valid) throw new Error(`heliosdb-lite internal error: ${what}() on an invalid cursor`);
  }

  column(i: number): SqlValue | undefined {
    this.current('column');
    if (this.raw !== null) {
      if (this.cellOvfl === 0) return decodeColumn(this.raw, this.cellOff, this.cellLoc, i);
      this.decodeLeaf();
    }
    const p = this.pages[this.depth];
    const c = this.idx[this.depth];
    let r = p.recs[c];
    if (r === undefined) {
      if (p.ovfl[c] === 0) return decodeColumn(p.bufs[c], p.offs[c], p.nLoc[c], i);
      r = cellRecord(this.src, p, c);
    }
    return i < r.length ? r[i] : undefined;
  }

  columns(limit: number): RecordColumns {
    if (this.gen !== this.src.genBox.v) this.seekInternal(this.key);
    if (!this.valid) throw new Error('heliosdb-lite internal error: columns() on an invalid cursor');
    let r = this.reader;
    if (r === null || r.types.length !== limit) this.reader = r = new RecordColumnsImpl(limit);
    if (this.raw !== null) {
      if (this.cellOvfl === 0) {
        r.load(this.raw, this.cellOff, this.cellLoc);
        return r;
      }
      this.decodeLeaf();
    }
    const p = this.pages[this.depth];
    const c = this.idx[this.depth];
    if (p.ovfl[c] === 0) r.load(p.bufs[c], p.offs[c], p.nLoc[c]);
    else r.load(assemblePayload(this.src, p, c), 0, p.nPay[c]);
    return r;
  }

  partialRecord(wanted: Uint8Array): readonly SqlValue[] {
    if (this.raw === null && this.gen === this.src.genBox.v && this.valid) {
      const p = this.pages[this.depth];
      const c = this.idx[this.depth];
      // a warm page keeps whole records (decoded once, read many times); overflow records are rare
      const r = p.recs[c];
      if (r !== undefined) return r;
      if (p.warm || p.ovfl[c] !== 0) return cellRecord(this.src, p, c);
      return decodeRecordPartial(p.bufs[c], p.offs[c], p.nLoc[c], wanted);
    }
    this.current('partialRecord');
    if (this.raw !== null && this.cellOvfl === 0) return decodeRecordPartial(this.raw, this.cellOff, this.cellLoc, wanted);
    return this.record();
  }

  record(): readonly SqlValue[] {
    this.current('record');
    if (this.raw !== null) {
      // as cellRecord on a page on its first use: decoded, not kept
      if (this.cellOvfl === 0) return decodeRecord(this.raw, this.cellOff, this.cellLoc);
      this.decodeLeaf();
    }
    const d = this.depth;
    return cellRecord(this.src, this.pages[d], this.idx[d]);
  }
}
