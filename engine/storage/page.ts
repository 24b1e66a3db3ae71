/**
 * Decoded B-tree pages and raw pages, and their conversion from and to SQLite's on-disk page
 * layout (file format sections 1.5 and 1.6).
 *
 * On disk, a B-tree page is:
 *   [100-byte database header, page 1 only]
 *   page header, 8 bytes (leaf) or 12 bytes (interior):
 *     0  u8   page type: 2 interior index, 5 interior table, 10 leaf index, 13 leaf table
 *     1  u16  first freeblock (0 = none)            we write 0
 *     3  u16  number of cells
 *     5  u16  start of the cell content area (0 = 65536)
 *     7  u8   fragmented free bytes                  we write 0
 *     8  u32  right-most child (interior only)
 *   cell pointer array: u16 offsets, in key order
 *   unallocated space, then the cell content area up to the usable size U = pageSize - reserved.
 * Cells:
 *   table leaf      varint payloadSize, varint rowid, local payload, [u32 first overflow page]
 *   table interior  u32 left child, varint rowid
 *   index leaf      varint payloadSize, local payload, [u32 first overflow page]
 *   index interior  u32 left child, varint payloadSize, local payload, [u32 first overflow page]
 * Local payload size (P = payload size): table leaf X = U-35, index X = (U-12)*64/255-23,
 * M = (U-12)*32/255-23, K = M+((P-M)%(U-4)); local = P if P <= X, else K if K <= X, else M.
 * An overflow page is [u32 next page or 0][U-4 bytes of payload].
 *
 * Decoded form (`BtPage`): parallel arrays, one entry per cell, in key order:
 *   keys[]            rowids (table pages: leaf row keys, interior divider keys)
 *   children[]        interior only: n+1 child page numbers, children[n] is the right-most child
 *   bufs/offs/nLoc    where the local payload bytes live (a page image or a freshly encoded record)
 *   nPay, ovfl        total payload size and first overflow page (0 = none)
 *   recs[]            lazily decoded records (table leaf) or keys (index pages)
 * Invariants: `used` = sum of cell sizes + 2 bytes per cell pointer; a page in a tree never has
 * used > capacity() except transiently inside a balance; non-root pages hold at least one cell.
 * Pages in the shared cache are immutable except for lazily filled `recs`, the `accessed`,
 * `warm` and `owned` bits, and memory databases' batched rebase (payload references moved to
 * equal bytes); a write transaction modifies its own clone (copy-on-write).
 *
 * Copy-on-write is per array: `clone()` shares the eight arrays between the two page objects
 * and clears both objects' `owned` bits; a page object modifies an array in place only after
 * `own()` made it private (copying it if it was shared). An UPDATE that overwrites cells of a
 * leaf then copies only `bufs`, `offs` and `recs` (and `nLoc`/`nPay` when a payload changes
 * size), not all eight. Arrays shared by several page objects therefore hold equal content for
 * all of them, which is why two writes stay allowed on shared arrays: caching a decoded record
 * in `recs` (overflow.ts cellRecord) and rebasing (encodePage), which moves payload references
 * to equal bytes.
 */
import type { SqlValue } from '../common/value.js';
import type { Rowid } from './api.js';
import { corrupt } from './errors.js';
import type { DbHeader } from './header.js';
import { getVarint, getVarint32, putVarint, varintLen, varintLength } from './varint.js';

export const PT_INDEX_INTERIOR = 2;
export const PT_TABLE_INTERIOR = 5;
export const PT_INDEX_LEAF = 10;
export const PT_TABLE_LEAF = 13;

/** Bits of BtPage.owned: the arrays the page object may modify in place (see above). */
export const OWN_KEYS = 1;
export const OWN_CHILDREN = 2;
export const OWN_BUFS = 4;
export const OWN_OFFS = 8;
export const OWN_NLOC = 16;
export const OWN_NPAY = 32;
export const OWN_OVFL = 64;
export const OWN_RECS = 128;
export const OWN_ALL = 255;
/** What overwriting a local payload with one of the same size changes. */
export const OWN_PAYLOAD_REF = OWN_BUFS | OWN_OFFS | OWN_RECS;

/** Page size dependent constants. */
export class Geometry {
  readonly usable: number;
  readonly maxLocalTable: number;
  readonly maxLocalIndex: number;
  readonly minLocal: number;
  constructor(
    readonly pageSize: number,
    reserved: number,
  ) {
    const u = pageSize - reserved;
    this.usable = u;
    this.maxLocalTable = u - 35;
    this.maxLocalIndex = Math.floor(((u - 12) * 64) / 255) - 23;
    this.minLocal = Math.floor(((u - 12) * 32) / 255) - 23;
  }
  /** Bytes of a payload of `p` bytes stored on the B-tree page itself. */
  localSize(p: number, tableLeaf: boolean): number {
    const x = tableLeaf ? this.maxLocalTable : this.maxLocalIndex;
    if (p <= x) return p;
    const m = this.minLocal;
    const k = m + ((p - m) % (this.usable - 4));
    return k <= x ? k : m;
  }
}

export class RawPage {
  readonly kind = 1 as const;
  accessed = false;
  durable = false;
  /** Undo bookkeeping of the owning write transaction (undo.ts invariant 2). */
  spEpoch = 0;
  constructor(
    readonly pgno: number,
    public bytes: Buffer,
  ) {}
  clone(): RawPage {
    const b = Buffer.allocUnsafeSlow(this.bytes.length);
    this.bytes.copy(b);
    const p = new RawPage(this.pgno, b);
    return p;
  }
}

export class BtPage {
  readonly kind = 0 as const;
  accessed = false;
  durable = false;
  /**
   * Whether decoded records are kept in `recs` (overflow.ts cellRecord). A page read from the
   * files is cold on its first use (the cache then keeps only its bytes, core.ts "Cold reads")
   * and warm once used again: a one-pass scan then leaves its records as short-lived garbage
   * instead of pinning them on pages that are about to be evicted (which promotes them to the
   * old generation and costs a full GC).
   */
  warm = false;
  /** Undo bookkeeping of the owning write transaction (undo.ts invariant 2). */
  spEpoch = 0;
  n = 0;
  used = 0;
  leaf: boolean;
  intKey: boolean;
  readonly hdrOff: number;
  keys: Rowid[];
  children: number[];
  bufs: Buffer[];
  offs: number[];
  nLoc: number[];
  nPay: number[];
  ovfl: number[];
  recs: (SqlValue[] | undefined)[];
  /** OWN_* bits: arrays this object may modify in place; the others may be shared with clones. */
  owned: number;
  /**
   * The page image this page was decoded from or last encoded into (table leaves; null when
   * unknown): encodePage copies it whole when the cells are still its cells, some overwritten
   * with payloads of the same size (encodeTableLeafPatched checks that cell by cell).
   */
  image: Buffer | null = null;

  /** An empty page, or (`share`) one whose arrays are `share`'s, owning none of them (clone). */
  constructor(
    readonly pgno: number,
    public type: number,
    share: BtPage | null = null,
  ) {
    this.leaf = type === PT_TABLE_LEAF || type === PT_INDEX_LEAF;
    this.intKey = type === PT_TABLE_LEAF || type === PT_TABLE_INTERIOR;
    this.hdrOff = pgno === 1 ? 100 : 0;
    if (share === null) {
      this.keys = [];
      this.children = [];
      this.bufs = [];
      this.offs = [];
      this.nLoc = [];
      this.nPay = [];
      this.ovfl = [];
      this.recs = [];
      this.owned = OWN_ALL;
    } else {
      this.keys = share.keys;
      this.children = share.children;
      this.bufs = share.bufs;
      this.offs = share.offs;
      this.nLoc = share.nLoc;
      this.nPay = share.nPay;
      this.ovfl = share.ovfl;
      this.recs = share.recs;
      this.owned = 0;
    }
  }

  setType(type: number): void {
    this.type = type;
    this.leaf = type === PT_TABLE_LEAF || type === PT_INDEX_LEAF;
    this.intKey = type === PT_TABLE_LEAF || type === PT_TABLE_INTERIOR;
  }

  /** Bytes available for cells and cell pointers. */
  capacity(geom: Geometry): number {
    return geom.usable - this.hdrOff - (this.leaf ? 8 : 12);
  }

  /** On-page size of cell i including its 2-byte pointer. */
  cellSize(i: number): number {
    switch (this.type) {
      case PT_TABLE_LEAF: {
        const p = this.nPay[i];
        return 2 + varintLen(p) + varintLen(this.keys[i]) + this.nLoc[i] + (this.ovfl[i] !== 0 ? 4 : 0);
      }
      case PT_TABLE_INTERIOR:
        return 6 + varintLen(this.keys[i]);
      case PT_INDEX_LEAF: {
        const p = this.nPay[i];
        return 2 + (p < 128 ? 1 : varintLen(p)) + this.nLoc[i] + (this.ovfl[i] !== 0 ? 4 : 0);
      }
      default: {
        const p = this.nPay[i];
        return 6 + (p < 128 ? 1 : varintLen(p)) + this.nLoc[i] + (this.ovfl[i] !== 0 ? 4 : 0);
      }
    }
  }

  recomputeUsed(): void {
    let u = 0;
    for (let i = 0; i < this.n; i++) u += this.cellSize(i);
    this.used = u;
  }

  /**
   * A page object with the same content that shares every array with this one (both objects
   * must `own()` an array before modifying it).
   */
  clone(): BtPage {
    const p = new BtPage(this.pgno, this.type, this);
    p.image = this.image;
    p.warm = this.warm;
    p.n = this.n;
    p.used = this.used;
    this.owned = 0;
    return p;
  }

  /** Makes the arrays named by `bits` (OWN_*) private to this object, copying those still shared. */
  own(bits: number): void {
    const need = bits & ~this.owned;
    if (need === 0) return;
    if (need & OWN_KEYS) this.keys = this.keys.slice();
    if (need & OWN_CHILDREN) this.children = this.children.slice();
    if (need & OWN_BUFS) this.bufs = this.bufs.slice();
    if (need & OWN_OFFS) this.offs = this.offs.slice();
    if (need & OWN_NLOC) this.nLoc = this.nLoc.slice();
    if (need & OWN_NPAY) this.nPay = this.nPay.slice();
    if (need & OWN_OVFL) this.ovfl = this.ovfl.slice();
    if (need & OWN_RECS) this.recs = this.recs.slice();
    this.owned |= need;
  }

  /** Replaces the content with `src`'s (same kind of page; pgno stays). */
  assignFrom(src: BtPage): void {
    this.setType(src.type);
    this.n = src.n;
    this.keys = src.keys.slice();
    this.children = src.children.slice();
    this.bufs = src.bufs.slice();
    this.offs = src.offs.slice();
    this.nLoc = src.nLoc.slice();
    this.nPay = src.nPay.slice();
    this.ovfl = src.ovfl.slice();
    this.recs = src.recs.slice();
    this.owned = OWN_ALL;
    this.recomputeUsed();
  }

  /** Empties the page, keeping its type unless given. */
  reset(type = this.type): void {
    this.setType(type);
    this.n = 0;
    this.used = 0;
    this.keys = [];
    this.children = [];
    this.bufs = [];
    this.offs = [];
    this.nLoc = [];
    this.nPay = [];
    this.ovfl = [];
    this.recs = [];
    this.owned = OWN_ALL;
  }

  /** Keeps cells [0, k) (and, for interior pages, children [0, k]). */
  truncate(k: number): void {
    if (this.owned !== OWN_ALL) this.own(OWN_ALL);
    if (this.intKey) this.keys.length = k;
    if (this.type !== PT_TABLE_INTERIOR) {
      this.bufs.length = k;
      this.offs.length = k;
      this.nLoc.length = k;
      this.nPay.length = k;
      this.ovfl.length = k;
      this.recs.length = k;
    }
    if (!this.leaf) this.children.length = k + 1;
    this.n = k;
  }

  /** Appends cells [from, to) of `src` (and, for interior pages, children [from, to]). */
  appendRange(src: BtPage, from: number, to: number, withRightChild: boolean): void {
    if (this.owned !== OWN_ALL) this.own(OWN_ALL);
    const payload = src.type !== PT_TABLE_INTERIOR;
    for (let i = from; i < to; i++) {
      if (src.intKey) this.keys.push(src.keys[i]);
      if (payload) {
        this.bufs.push(src.bufs[i]);
        this.offs.push(src.offs[i]);
        this.nLoc.push(src.nLoc[i]);
        this.nPay.push(src.nPay[i]);
        this.ovfl.push(src.ovfl[i]);
        this.recs.push(src.recs[i]);
      }
      if (!src.leaf) this.children.push(src.children[i]);
    }
    if (!src.leaf && withRightChild) this.children.push(src.children[to]);
    this.n += to - from;
  }

  /** Appends cell i of `src` (a payload cell or a table-interior key) as a divider with `child`. */
  appendCellFrom(src: BtPage, i: number, child: number | undefined): void {
    if (this.owned !== OWN_ALL) this.own(OWN_ALL);
    if (src.intKey) this.keys.push(src.keys[i]);
    if (src.type !== PT_TABLE_INTERIOR) {
      this.bufs.push(src.bufs[i]);
      this.offs.push(src.offs[i]);
      this.nLoc.push(src.nLoc[i]);
      this.nPay.push(src.nPay[i]);
      this.ovfl.push(src.ovfl[i]);
      this.recs.push(src.recs[i]);
    }
    if (child !== undefined) this.children.push(child);
    this.n++;
  }

  removeCell(i: number): void {
    if (this.owned !== OWN_ALL) this.own(OWN_ALL);
    this.used -= this.cellSize(i);
    if (this.intKey) this.keys.splice(i, 1);
    if (this.type !== PT_TABLE_INTERIOR) {
      this.bufs.splice(i, 1);
      this.offs.splice(i, 1);
      this.nLoc.splice(i, 1);
      this.nPay.splice(i, 1);
      this.ovfl.splice(i, 1);
      this.recs.splice(i, 1);
    }
    this.n--;
  }
}

export type Page = BtPage | RawPage;

/**
 * Decodes a B-tree page image. Validates everything a reader relies on (type, cell count, cell
 * pointers and cell extents inside the usable area, child and overflow page numbers inside the
 * database) and throws SQLITE_CORRUPT otherwise.
 */
export function decodePage(buf: Buffer, pgno: number, geom: Geometry, pageCount: number): BtPage {
  const h = pgno === 1 ? 100 : 0;
  const type = buf[h];
  if (type !== PT_TABLE_LEAF && type !== PT_TABLE_INTERIOR && type !== PT_INDEX_LEAF && type !== PT_INDEX_INTERIOR) {
    throw corrupt(`page ${pgno}: bad page type ${type}`);
  }
  const p = new BtPage(pgno, type);
  const u = geom.usable;
  const n = (buf[h + 3] << 8) | buf[h + 4];
  // Index pages and table interior pages below; table leaves (what scans read) separately.
  if (type === PT_TABLE_LEAF) return decodeTableLeaf(p, buf, h, n, geom, pageCount);
  const hdrSize = p.leaf ? 8 : 12;
  const ptrStart = h + hdrSize;
  if (ptrStart + 2 * n > u) throw corrupt(`page ${pgno}: too many cells`);
  p.n = n;
  const leaf = p.leaf;
  // Exact-size arrays (filled by index): no regrowth garbage on the cold-read path.
  const keys = type === PT_TABLE_INTERIOR ? new Array<Rowid>(n) : p.keys;
  const children = leaf ? p.children : new Array<number>(n + 1);
  const payload = type !== PT_TABLE_INTERIOR;
  const bufs = payload ? new Array<Buffer>(n) : p.bufs;
  const offs = payload ? new Array<number>(n) : p.offs;
  const nLocs = payload ? new Array<number>(n) : p.nLoc;
  const nPays = payload ? new Array<number>(n) : p.nPay;
  const ovfls = payload ? new Array<number>(n) : p.ovfl;
  const recs = payload ? new Array<SqlValue[] | undefined>(n) : p.recs;
  let used = 0;
  for (let i = 0; i < n; i++) {
    let c = (buf[ptrStart + 2 * i] << 8) | buf[ptrStart + 2 * i + 1];
    if (c < ptrStart + 2 * n || c >= u) throw corrupt(`page ${pgno}: cell pointer out of range`);
    const start = c;
    if (!leaf) {
      if (c + 4 > u) throw corrupt(`page ${pgno}: cell extends off page`);
      const child = buf.readUInt32BE(c);
      if (child < 2 || child > pageCount) throw corrupt(`page ${pgno}: child page ${child} out of range`);
      children[i] = child;
      c += 4;
    }
    if (type === PT_TABLE_INTERIOR) {
      keys[i] = getVarint(buf, c, u);
      used += 2 + (c + varintLength.n - start);
      continue;
    }
    const nPay = getVarint32(buf, c, u);
    let minimal = varintLength.n === 1 || varintLength.n === varintLen(nPay);
    c += varintLength.n;
    const nLoc = geom.localSize(nPay, false);
    if (c + nLoc > u) throw corrupt(`page ${pgno}: cell extends off page`);
    let ovfl = 0;
    if (nLoc < nPay) {
      if (c + nLoc + 4 > u) throw corrupt(`page ${pgno}: cell extends off page`);
      ovfl = buf.readUInt32BE(c + nLoc);
      if (ovfl < 2 || ovfl > pageCount) throw corrupt(`page ${pgno}: overflow page ${ovfl} out of range`);
    }
    if (leaf && !minimal) {
      // A non-minimal varint header (never written by SQLite): keep the payload apart so that
      // encodeLeafCells does not copy this cell from the image.
      bufs[i] = Buffer.from(buf.subarray(c, c + nLoc));
      offs[i] = 0;
    } else {
      bufs[i] = buf;
      offs[i] = c;
    }
    nLocs[i] = nLoc;
    nPays[i] = nPay;
    ovfls[i] = ovfl;
    recs[i] = undefined;
    used += 2 + (c + nLoc + (ovfl ? 4 : 0) - start);
  }
  if (!leaf) {
    const right = buf.readUInt32BE(h + 8);
    if (right < 2 || right > pageCount) throw corrupt(`page ${pgno}: right child ${right} out of range`);
    children[n] = right;
  }
  p.keys = keys;
  p.children = children;
  p.bufs = bufs;
  p.offs = offs;
  p.nLoc = nLocs;
  p.nPay = nPays;
  p.ovfl = ovfls;
  p.recs = recs;
  p.used = used;
  return p;
}

/**
 * decodePage for table leaves, the pages a scan reads: the same checks, with the common cell
 * shapes (payload size below 128, rowid of at most 4 bytes, payload fully local) decoded inline.
 */
function decodeTableLeaf(p: BtPage, buf: Buffer, h: number, n: number, geom: Geometry, pageCount: number): BtPage {
  const u = geom.usable;
  const pgno = p.pgno;
  const ptrStart = h + 8;
  const cellMin = ptrStart + 2 * n;
  if (cellMin > u) throw corrupt(`page ${pgno}: too many cells`);
  p.n = n;
  const maxLocal = geom.maxLocalTable;
  const keys = new Array<Rowid>(n);
  const bufs = new Array<Buffer>(n);
  const offs = new Array<number>(n);
  const nLocs = new Array<number>(n);
  const nPays = new Array<number>(n);
  const ovfls = new Array<number>(n);
  const recs = new Array<SqlValue[] | undefined>(n);
  let used = 0;
  for (let i = 0; i < n; i++) {
    const start = (buf[ptrStart + 2 * i] << 8) | buf[ptrStart + 2 * i + 1];
    if (start < cellMin || start >= u) throw corrupt(`page ${pgno}: cell pointer out of range`);
    let c = start;
    let minimal = true;
    let nPay = buf[c];
    if (nPay < 0x80) c++;
    else {
      nPay = getVarint32(buf, c, u);
      if (varintLength.n !== varintLen(nPay)) minimal = false;
      c += varintLength.n;
    }
    // Rowid: 1 to 4 bytes inline (< 2^28), else the general decoder. A byte read at or past u
    // counts as a continuation byte (0x80), so the general decoder reports the truncation.
    let key: Rowid;
    const b0 = c < u ? buf[c] : 0x80;
    if (b0 < 0x80 && c < u) {
      key = b0;
      c++;
    } else {
      const b1 = c + 1 < u ? buf[c + 1] : 0x80;
      const b2 = c + 2 < u ? buf[c + 2] : 0x80;
      const b3 = c + 3 < u ? buf[c + 3] : 0x80;
      if (b1 < 0x80 && c + 1 < u) {
        key = ((b0 & 0x7f) << 7) | b1;
        if (key < 0x80) minimal = false;
        c += 2;
      } else if (b2 < 0x80 && c + 2 < u) {
        key = ((b0 & 0x7f) << 14) | ((b1 & 0x7f) << 7) | b2;
        if (key < 0x4000) minimal = false;
        c += 3;
      } else if (b3 < 0x80 && c + 3 < u) {
        key = ((b0 & 0x7f) << 21) | ((b1 & 0x7f) << 14) | ((b2 & 0x7f) << 7) | b3;
        if (key < 0x200000) minimal = false;
        c += 4;
      } else {
        key = getVarint(buf, c, u);
        if (varintLength.n !== varintLen(key)) minimal = false;
        c += varintLength.n;
      }
    }
    keys[i] = key;
    let nLoc = nPay;
    let ovfl = 0;
    if (nPay > maxLocal) {
      nLoc = geom.localSize(nPay, true);
      if (c + nLoc + 4 > u) throw corrupt(`page ${pgno}: cell extends off page`);
      ovfl = buf.readUInt32BE(c + nLoc);
      if (ovfl < 2 || ovfl > pageCount) throw corrupt(`page ${pgno}: overflow page ${ovfl} out of range`);
    } else if (c + nLoc > u) throw corrupt(`page ${pgno}: cell extends off page`);
    if (minimal) {
      bufs[i] = buf;
      offs[i] = c;
    } else {
      // A non-minimal varint header (never written by SQLite): keep the payload apart so that
      // encodeLeafCells does not copy this cell from the image.
      bufs[i] = Buffer.from(buf.subarray(c, c + nLoc));
      offs[i] = 0;
    }
    nLocs[i] = nLoc;
    nPays[i] = nPay;
    ovfls[i] = ovfl;
    recs[i] = undefined;
    used += 2 + (c + nLoc + (ovfl !== 0 ? 4 : 0) - start);
  }
  p.keys = keys;
  p.bufs = bufs;
  p.offs = offs;
  p.nLoc = nLocs;
  p.nPay = nPays;
  p.ovfl = ovfls;
  p.recs = recs;
  p.used = used;
  if (buf.length === geom.pageSize) p.image = buf;
  return p;
}

/**
 * Serialises a B-tree page into a fresh page image (cells packed at the end, no freeblocks, no
 * fragments). When `rebase` is set, the page's payload references are moved onto the new image
 * so that per-cell record buffers can be released. `header` is written into page 1.
 */
export function encodePage(p: BtPage, geom: Geometry, header: DbHeader | undefined, rebase: boolean): Buffer {
  const out = Buffer.allocUnsafeSlow(geom.pageSize);
  const h = p.hdrOff;
  if (p.image !== null && p.type === PT_TABLE_LEAF && encodeTableLeafPatched(p, out, geom, rebase)) {
    if (h === 100) {
      if (header) header.write(out, 0);
      else out.fill(0, 0, 100);
    }
    if (rebase) p.image = out;
    return out;
  }
  if (h === 100) {
    if (header) header.write(out, 0);
    else out.fill(0, 0, 100);
  }
  const n = p.n;
  const hdrSize = p.leaf ? 8 : 12;
  const ptr = h + hdrSize;
  let top = geom.usable;
  const type = p.type;
  if (p.leaf) top = encodeLeafCells(p, out, ptr, geom, rebase);
  else {
    for (let i = 0; i < n; i++) {
      const size = p.cellSize(i) - 2;
      top -= size;
      if (top < ptr + 2 * n) throw new Error(`heliosdb-lite internal error: page ${p.pgno} overfull`);
      let c = top;
      out[ptr + 2 * i] = c >>> 8;
      out[ptr + 2 * i + 1] = c & 0xff;
      out.writeUInt32BE(p.children[i], c);
      c += 4;
      if (type === PT_TABLE_INTERIOR) {
        putVarint(out, c, p.keys[i]);
        continue;
      }
      c += putVarint(out, c, p.nPay[i]);
      const nLoc = p.nLoc[i];
      p.bufs[i].copy(out, c, p.offs[i], p.offs[i] + nLoc);
      if (rebase) {
        p.bufs[i] = out;
        p.offs[i] = c;
      }
      if (p.ovfl[i] !== 0) out.writeUInt32BE(p.ovfl[i], c + nLoc);
    }
  }
  out[h] = type;
  out[h + 1] = 0;
  out[h + 2] = 0;
  out[h + 3] = n >>> 8;
  out[h + 4] = n & 0xff;
  const cs = top === 65536 ? 0 : top;
  out[h + 5] = cs >>> 8;
  out[h + 6] = cs & 0xff;
  out[h + 7] = 0;
  if (!p.leaf) out.writeUInt32BE(p.children[n], h + 8);
  out.fill(0, ptr + 2 * n, top);
  if (geom.usable < geom.pageSize) out.fill(0, geom.usable, geom.pageSize);
  if (rebase && type === PT_TABLE_LEAF) p.image = out;
  return out;
}

/**
 * encodePage for a table leaf whose cells are those of `p.image`, in the same order, some with
 * new payloads of the same size and key (an UPDATE that changed no record's size): the image is
 * copied whole and the new payloads written over the old ones, so the cell layout, and any
 * freeblocks, stay. Every cell is checked against the image's cell pointer and header (payload
 * size and rowid, in minimal varints); returns false, with `out` unused, when one differs.
 */
function encodeTableLeafPatched(p: BtPage, out: Buffer, geom: Geometry, rebase: boolean): boolean {
  const img = p.image!;
  const h = p.hdrOff;
  const n = p.n;
  if (img.length !== geom.pageSize || img[h] !== PT_TABLE_LEAF || ((img[h + 3] << 8) | img[h + 4]) !== n) return false;
  const u = geom.usable;
  const ptr = h + 8;
  const min = ptr + 2 * n;
  const maxLocal = geom.maxLocalTable;
  const bufs = p.bufs;
  const offs = p.offs;
  const nPays = p.nPay;
  const keys = p.keys;
  // copied first: the copy streams the image through the CPU cache, where the checks below then
  // read it (when a check fails, the caller's full encode overwrites every byte of `out`)
  img.copy(out, 0, 0, geom.pageSize);
  let changed = 0;
  for (let i = 0; i < n; i++) {
    let c = (img[ptr + 2 * i] << 8) | img[ptr + 2 * i + 1];
    if (c < min || c >= u) return false;
    // the payload size (local: the cell has no overflow page), then the rowid, as minimal varints
    const nPay = nPays[i];
    if (nPay > maxLocal) return false;
    if (bufs[i] === img) {
      // a cell still in the image: the bytes before its payload are its own header, in minimal
      // form (see encodeLeafCells), so it is the image's cell i iff pointer i is where that
      // header starts
      if (offs[i] !== c + (nPay < 0x80 ? 1 : varintLen(nPay)) + varintLen(keys[i]) || offs[i] + nPay > u) return false;
      continue;
    }
    if (nPay < 0x80) {
      if (img[c] !== nPay) return false;
      c++;
    } else {
      if (getVarint32(img, c, u) !== nPay || varintLength.n !== varintLen(nPay)) return false;
      c += varintLength.n;
    }
    const key = keys[i];
    if (typeof key === 'number' && key >= 0 && key < 0x200000) {
      if (key < 0x80) {
        if (img[c] !== key) return false;
        c++;
      } else if (key < 0x4000) {
        if (img[c] !== (0x80 | (key >>> 7)) || img[c + 1] !== (key & 0x7f)) return false;
        c += 2;
      } else {
        if (img[c] !== (0x80 | (key >>> 14)) || img[c + 1] !== (0x80 | ((key >>> 7) & 0x7f)) || img[c + 2] !== (key & 0x7f)) return false;
        c += 3;
      }
    } else {
      if (getVarint(img, c, u) !== key || varintLength.n !== varintLen(key)) return false;
      c += varintLength.n;
    }
    if (c + nPay > u) return false;
    changed++;
  }
  if (changed === 0 && !rebase) return true;
  for (let i = 0; i < n; i++) {
    const src = bufs[i];
    if (src === img) {
      if (rebase) bufs[i] = out;
      continue;
    }
    // the payload's position in the image (checked above)
    const start = (img[ptr + 2 * i] << 8) | img[ptr + 2 * i + 1];
    const nPay = nPays[i];
    const at = start + varintLen(nPay) + varintLen(keys[i]);
    const so = offs[i];
    if (nPay < 48) for (let b = 0; b < nPay; b++) out[at + b] = src[so + b];
    else src.copy(out, at, so, so + nPay);
    if (rebase) {
      bufs[i] = out;
      offs[i] = at;
    }
  }
  return true;
}

/**
 * Cells of a leaf page, packed downwards from the usable end; returns the start of the cell
 * content area. A cell whose payload lies in a page image (a Buffer of exactly pageSize bytes,
 * with offs[i] past the cell's header: decodePage and rebasing guarantee the header bytes
 * before it are this cell's, in minimal form) is copied whole, and consecutive such cells that
 * were adjacent in the same image are copied as one run: re-encoding a page after appending or
 * changing one cell copies the untouched cells with a single memcpy. Record arenas are never
 * pageSize long (record.ts), and records in their own buffer start at offset 0.
 */
function encodeLeafCells(p: BtPage, out: Buffer, ptr: number, geom: Geometry, rebase: boolean): number {
  const n = p.n;
  const tableLeaf = p.type === PT_TABLE_LEAF;
  const pageSize = geom.pageSize;
  const limit = ptr + 2 * n;
  let top = geom.usable;
  let runSrc: Buffer | null = null;
  let runLo = 0;
  let runHi = 0;
  let runDstHi = 0;
  for (let i = 0; i < n; i++) {
    const nPay = p.nPay[i];
    const nLoc = p.nLoc[i];
    const ovfl = p.ovfl[i];
    const hdr = (nPay < 128 ? 1 : varintLen(nPay)) + (tableLeaf ? varintLen(p.keys[i]) : 0);
    const size = hdr + nLoc + (ovfl !== 0 ? 4 : 0);
    top -= size;
    if (top < limit) throw new Error(`heliosdb-lite internal error: page ${p.pgno} overfull`);
    out[ptr + 2 * i] = top >>> 8;
    out[ptr + 2 * i + 1] = top & 0xff;
    const src = p.bufs[i];
    const so = p.offs[i];
    const start = so - hdr;
    if (start >= 0 && src.length === pageSize) {
      if (src === runSrc && start + size === runLo) runLo = start;
      else {
        if (runSrc !== null) runSrc.copy(out, runDstHi - (runHi - runLo), runLo, runHi);
        runSrc = src;
        runLo = start;
        runHi = start + size;
        runDstHi = top + size;
      }
    } else {
      if (runSrc !== null) {
        runSrc.copy(out, runDstHi - (runHi - runLo), runLo, runHi);
        runSrc = null;
      }
      let c = top + putVarint(out, top, nPay);
      if (tableLeaf) c += putVarint(out, c, p.keys[i]);
      if (nLoc < 48) for (let k = 0; k < nLoc; k++) out[c + k] = src[so + k];
      else src.copy(out, c, so, so + nLoc);
      if (ovfl !== 0) out.writeUInt32BE(ovfl, c + nLoc);
    }
    if (rebase) {
      p.bufs[i] = out;
      p.offs[i] = top + hdr;
    }
  }
  if (runSrc !== null) runSrc.copy(out, runDstHi - (runHi - runLo), runLo, runHi);
  return top;
}

/** Page bytes of any page kind (for logging and serialisation). */
export function pageBytes(p: Page, geom: Geometry, header: DbHeader | undefined): Buffer {
  if (p.kind === 1) {
    if (p.pgno === 1 && header) {
      const b = Buffer.from(p.bytes);
      header.write(b, 0);
      return b;
    }
    return p.bytes;
  }
  return encodePage(p, geom, header, false);
}
