/**
 * Table B-trees (rowid tables, sqlite_schema): a 64-bit rowid -> record map. Entries live in
 * leaf pages only; interior cells hold divider rowids (every rowid in children[i] is <= keys[i],
 * every rowid in the right-most child is greater than the last key).
 */
import { SqliteError } from '../common/errors.js';
import { integerFromBigInt, type SqlValue } from '../common/value.js';
import type { Rowid, TableCursor, TableTree } from './api.js';
import { balance } from './balance.js';
import { corrupt } from './errors.js';
import { assemblePayload, cellRecord, freeOverflow, writeOverflow } from './overflow.js';
import { BtPage, OWN_NLOC, OWN_NPAY, OWN_PAYLOAD_REF, OWN_RECS, PT_TABLE_INTERIOR, PT_TABLE_LEAF } from './page.js';
import { decodedForm, decodedFormOwned, encodeRecord, measureRecord, recordPlain, sharedOffset, writeMeasured, writeMeasuredShared } from './record.js';
import { MAX_DEPTH, type PageSource, type PageWriter } from './source.js';
import { TableCursorImpl } from './table-cursor.js';
import { U_CELL_INSERTED, U_CELL_REMOVED, U_CELL_REPLACED } from './undo.js';
import { collectTreePages } from './tree-walk.js';
import { varintLen } from './varint.js';

/**
 * A writer that can hand out a leaf whose arrays are copied only as they are changed, and log
 * the overwrite of a local payload cheaply (txn.ts cellOverwritable, noteOverwrite).
 */
type Overwriter = PageWriter & {
  cellOverwritable?(pgno: number): BtPage;
  noteOverwrite?(p: BtPage, pos: number, nPay: number): void;
  imageOverwritable?(pgno: number): BtPage | undefined;
  noteBytes?(p: BtPage, pos: number, off: number, nPay: number): void;
};

/** Rowids are canonical (bigint only outside the safe range) so that === and < compare values. */
export function canonicalRowid(r: Rowid): Rowid {
  if (typeof r === 'bigint') {
    if (r > 9223372036854775807n || r < -9223372036854775808n) throw new SqliteError('rowid out of range', 'SQLITE_MISMATCH');
    return integerFromBigInt(r);
  }
  if (!Number.isSafeInteger(r)) throw new SqliteError('datatype mismatch', 'SQLITE_MISMATCH');
  return r;
}

/**
 * The record bytes of cell i exactly as stored (for the change capture, api.ts RowChangeSink):
 * a view of the cell's immutable bytes when the payload is local, else a copy assembled from
 * the overflow chain.
 */
export function cellPayload(src: PageSource, p: BtPage, i: number): Uint8Array {
  if (p.ovfl[i] === 0) return p.bufs[i].subarray(p.offs[i], p.offs[i] + p.nPay[i]);
  return assemblePayload(src, p, i);
}

/** Index of the first key >= rowid in keys[0, n). */
export function lowerBound(keys: Rowid[], n: number, rowid: Rowid): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keys[mid] < rowid) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function checkTablePage(p: BtPage): void {
  if (p.type !== PT_TABLE_LEAF && p.type !== PT_TABLE_INTERIOR) throw corrupt(`page ${p.pgno}: not a table b-tree page`);
}

export class TableTreeImpl implements TableTree {
  constructor(
    readonly src: PageSource,
    readonly root: number,
  ) {}

  cursor(): TableCursor {
    return new TableCursorImpl(this.src, this.root);
  }

  private leafFor(rowid: Rowid): BtPage {
    const src = this.src;
    let p = src.page(this.root);
    let depth = 0;
    while (p.type === PT_TABLE_INTERIOR) {
      const i = lowerBound(p.keys, p.n, rowid);
      p = src.page(p.children[i]);
      if (++depth > MAX_DEPTH) throw corrupt('tree too deep');
    }
    if (p.type !== PT_TABLE_LEAF) throw corrupt(`page ${p.pgno}: not a table b-tree page`);
    return p;
  }

  get(rowid: Rowid): readonly SqlValue[] | undefined {
    if (typeof rowid !== 'number') rowid = canonicalRowid(rowid);
    const p = this.leafFor(rowid);
    const i = lowerBound(p.keys, p.n, rowid);
    if (i < p.n && p.keys[i] === rowid) {
      const h = lastFound;
      h.src = this.src;
      h.root = this.root;
      h.rowid = rowid;
      h.page = p;
      h.idx = i;
      h.gen = this.src.genBox.v;
      // loaded now, beside the record, for an UPDATE's overwriteFound: the two cache misses
      // then overlap instead of the second stalling the write
      h.nPay = p.nPay[i];
      h.buf = p.bufs[i];
      h.off = p.offs[i];
      return cellRecord(this.src, p, i);
    }
    return undefined;
  }

  maxRowid(): Rowid {
    const src = this.src;
    let p = src.page(this.root);
    let depth = 0;
    while (p.type === PT_TABLE_INTERIOR) {
      p = src.page(p.children[p.n]);
      if (++depth > MAX_DEPTH) throw corrupt('tree too deep');
    }
    checkTablePage(p);
    const max = p.n === 0 ? 0 : p.keys[p.n - 1];
    const hwm = src.writer?.rowidHwm;
    if (hwm) {
      // concurrent transactions allocate above every rowid any of them took (txn.ts invariant 4)
      const h = hwm.get(this.root);
      if (h !== undefined && h > max) return h;
    }
    return max;
  }

  count(): number {
    let total = 0;
    const src = this.src;
    const stack: [number, number][] = [[this.root, 0]];
    while (stack.length) {
      const [pgno, d] = stack.pop()!;
      if (d > MAX_DEPTH) throw corrupt('tree too deep');
      const p = src.page(pgno);
      checkTablePage(p);
      if (p.leaf) total += p.n;
      else for (let i = 0; i <= p.n; i++) stack.push([p.children[i], d + 1]);
    }
    return total;
  }

  /** Path scratch for insert (pgnos[L], idxs[L] per level; see balance.ts), made on first use. */
  private pgnos: number[] | null = null;
  private idxs: number[] | null = null;

  private writer(): PageWriter {
    const w = this.src.writer;
    if (!w) throw new SqliteError('attempt to write a readonly database', 'SQLITE_READONLY');
    return w;
  }

  insert(rowid: Rowid, record: readonly SqlValue[], owned = false): void {
    const w = this.writer();
    if (typeof rowid !== 'number' || !Number.isSafeInteger(rowid)) rowid = canonicalRowid(rowid);
    const nPay = measureRecord(record, w.fmt4);
    const plain = recordPlain();
    const hwm = w.rowidHwm;
    if (hwm) {
      const h = hwm.get(this.root);
      if (h === undefined || rowid > h) hwm.set(this.root, rowid);
    }
    if (lastFound.src === w && lastFound.rowid === rowid && lastFound.root === this.root && this.overwriteInImage(w, rowid, nPay, record, plain, owned)) return;
    const buf = writeMeasuredShared(record, nPay);
    const off = sharedOffset.n;
    this.insertPayload(w, rowid, buf, off, nPay, record, plain, owned);
  }

  /**
   * Overwrites row `rowid`, found by the last `get`, in the page image itself (txn.ts invariant
   * 5): when the page is changed in place, the old payload is local, in the image, of the new
   * one's size, and no change capture reads the old bytes. The record measured last is written
   * straight to its place; the cell's references stay, so the page's next encode copies the
   * image whole. Returns false, having changed nothing, otherwise.
   */
  private overwriteInImage(w: PageWriter, rowid: Rowid, nPay: number, record: readonly SqlValue[], plain: boolean, owned: boolean): boolean {
    const h = lastFound;
    const p = h.page;
    const pos = h.idx;
    if (p === null || h.gen !== w.genBox.v || pos >= p.n || p.keys[pos] !== rowid) return false;
    const img = p.image;
    // h.buf, h.off: p.bufs[pos], p.offs[pos] as the get loaded them (same generation)
    if (h.nPay !== nPay || nPay > w.geom.maxLocalTable || img === null || h.buf !== img || p.type !== PT_TABLE_LEAF) return false;
    const sink = w.changeSink;
    if (sink !== null && sink.tracks(this.root)) return false;
    const ow = w as Overwriter;
    if (ow.imageOverwritable === undefined || w.page(p.pgno) !== p || ow.imageOverwritable(p.pgno) !== p) return false;
    h.src = null;
    h.page = null;
    h.buf = null;
    const off = h.off;
    ow.noteBytes!(p, pos, off, nPay);
    writeMeasured(record, img, off, nPay);
    if ((p.owned & OWN_RECS) === 0) p.own(OWN_RECS);
    p.recs[pos] = p.warm ? (owned ? decodedFormOwned(record, plain) : decodedForm(record, plain)) : undefined;
    return true;
  }

  private insertPayload(w: PageWriter, rowid: Rowid, buf: Buffer, off: number, nPay: number, record: readonly SqlValue[], plain: boolean, owned = false): void {
    if (lastFound.src === w && lastFound.rowid === rowid && lastFound.root === this.root && this.overwriteFound(w, rowid, buf, off, nPay, record, plain, owned)) return;
    const pgnos = (this.pgnos ??= []);
    const idxs = (this.idxs ??= []);
    let p = w.page(this.root);
    let rightmost = true;
    let depth = 0;
    while (p.type === PT_TABLE_INTERIOR) {
      const i = lowerBound(p.keys, p.n, rowid);
      pgnos[depth] = p.pgno;
      idxs[depth] = i;
      if (i !== p.n) rightmost = false;
      p = w.page(p.children[i]);
      if (++depth > MAX_DEPTH) throw corrupt('tree too deep');
    }
    if (p.type !== PT_TABLE_LEAF) throw corrupt(`page ${p.pgno}: not a table b-tree page`);
    const n0 = p.n;
    const pos = n0 === 0 || p.keys[n0 - 1] < rowid ? n0 : lowerBound(p.keys, n0, rowid);
    const exact = pos < n0 && p.keys[pos] === rowid;
    const sink = w.changeSink;
    if (sink !== null && sink.tracks(this.root)) sink.tableRow(this.root, rowid, exact ? cellPayload(w, p, pos) : null);
    const leaf = w.cellWritable(p.pgno);
    pgnos[depth] = leaf.pgno;
    idxs[depth] = pos;
    const nLoc = nPay <= w.geom.maxLocalTable ? nPay : w.geom.localSize(nPay, true);
    w.noteCell(exact ? U_CELL_REPLACED : U_CELL_INSERTED, leaf, pos);
    if (exact) {
      leaf.used -= leaf.cellSize(pos);
      freeOverflow(w, leaf, pos);
      leaf.bufs[pos] = buf;
      leaf.offs[pos] = off;
      leaf.nLoc[pos] = nLoc;
      leaf.nPay[pos] = nPay;
      leaf.ovfl[pos] = nLoc < nPay ? writeOverflow(w, buf, off, nPay, nLoc) : 0;
      leaf.recs[pos] = undefined;
      leaf.used += leaf.cellSize(pos);
    } else {
      const ovfl = nLoc < nPay ? writeOverflow(w, buf, off, nPay, nLoc) : 0;
      if (pos === leaf.n) {
        leaf.keys.push(rowid);
        leaf.bufs.push(buf);
        leaf.offs.push(off);
        leaf.nLoc.push(nLoc);
        leaf.nPay.push(nPay);
        leaf.ovfl.push(ovfl);
        leaf.recs.push(undefined);
      } else {
        leaf.keys.splice(pos, 0, rowid);
        leaf.bufs.splice(pos, 0, buf);
        leaf.offs.splice(pos, 0, off);
        leaf.nLoc.splice(pos, 0, nLoc);
        leaf.nPay.splice(pos, 0, nPay);
        leaf.ovfl.splice(pos, 0, ovfl);
        leaf.recs.splice(pos, 0, undefined);
      }
      leaf.n++;
      leaf.used += leaf.cellSize(pos);
    }
    const cap = leaf.capacity(w.geom);
    if (leaf.used > cap || (exact && leaf.used * 3 < cap)) balance(w, pgnos, idxs, depth, rightmost && !exact && pos === leaf.n - 1);
  }

  /**
   * Overwrites row `rowid` at the leaf position the last successful `get` found (an UPDATE reads
   * the row, then writes it), without a second descent. Only when nothing was written since
   * (the source's generation is unchanged, so the tree has the same shape and the leaf is still
   * the page the source gives for its number), the old and new payloads are local, and the leaf
   * needs no balancing afterwards; otherwise returns false and changes nothing. On a warm page
   * the new record's decoded form is cached at once (the next read or update of the row need
   * not decode it).
   */
  private overwriteFound(w: PageWriter, rowid: Rowid, buf: Buffer, off: number, nPay: number, record: readonly SqlValue[], plain: boolean, owned: boolean): boolean {
    const h = lastFound;
    const p = h.page;
    const pos = h.idx;
    if (p === null || h.gen !== w.genBox.v || pos >= p.n || p.keys[pos] !== rowid) return false;
    const maxLocal = w.geom.maxLocalTable;
    // a table leaf's payload is local (ovfl 0, nLoc = nPay) exactly when nPay <= maxLocal
    const oldPay = h.nPay; // p.nPay[pos]: unchanged since the get (same generation)
    if (oldPay > maxLocal || nPay > maxLocal || p.type !== PT_TABLE_LEAF || w.page(p.pgno) !== p) return false;
    const keyLen = varintLen(rowid);
    const used = p.used - (2 + varintLen(oldPay) + keyLen + oldPay) + 2 + varintLen(nPay) + keyLen + nPay;
    const cap = p.capacity(w.geom);
    if (used > cap || used * 3 < cap) return false;
    h.src = null;
    h.page = null;
    const sink = w.changeSink;
    if (sink !== null && sink.tracks(this.root)) sink.tableRow(this.root, rowid, cellPayload(w, p, pos));
    const ow = w as Overwriter;
    const leaf = ow.cellOverwritable?.(p.pgno) ?? w.cellWritable(p.pgno);
    // own (copy) the arrays before noteCell reads the old cell from them: a copy streams them
    // into the CPU cache, where noteCell's reads then hit
    const sameSize = oldPay === nPay;
    leaf.own(sameSize ? OWN_PAYLOAD_REF : OWN_PAYLOAD_REF | OWN_NLOC | OWN_NPAY);
    if (ow.noteOverwrite !== undefined) ow.noteOverwrite(leaf, pos, oldPay);
    else w.noteCell(U_CELL_REPLACED, leaf, pos);
    if (!sameSize) {
      leaf.nLoc[pos] = nPay;
      leaf.nPay[pos] = nPay;
    }
    leaf.bufs[pos] = buf;
    leaf.offs[pos] = off;
    leaf.recs[pos] = leaf.warm ? (owned ? decodedFormOwned(record, plain) : decodedForm(record, plain)) : undefined;
    leaf.used = used;
    return true;
  }

  delete(rowid: Rowid): boolean {
    const w = this.writer();
    rowid = canonicalRowid(rowid);
    const pgnos: number[] = [];
    const idxs: number[] = [];
    let p = w.page(this.root);
    let depth = 0;
    while (p.type === PT_TABLE_INTERIOR) {
      const i = lowerBound(p.keys, p.n, rowid);
      pgnos.push(p.pgno);
      idxs.push(i);
      p = w.page(p.children[i]);
      if (++depth > MAX_DEPTH) throw corrupt('tree too deep');
    }
    if (p.type !== PT_TABLE_LEAF) throw corrupt(`page ${p.pgno}: not a table b-tree page`);
    const pos = lowerBound(p.keys, p.n, rowid);
    if (pos >= p.n || p.keys[pos] !== rowid) return false;
    const sink = w.changeSink;
    if (sink !== null && sink.tracks(this.root)) sink.tableRow(this.root, rowid, cellPayload(w, p, pos));
    const leaf = w.cellWritable(p.pgno);
    w.noteCell(U_CELL_REMOVED, leaf, pos);
    freeOverflow(w, leaf, pos);
    leaf.removeCell(pos);
    pgnos.push(leaf.pgno);
    idxs.push(pos);
    if (depth > 0 && leaf.used * 3 < leaf.capacity(w.geom)) balance(w, pgnos, idxs, depth, false);
    return true;
  }

  clear(): void {
    const w = this.writer();
    const sink = w.changeSink;
    if (sink !== null && sink.tracks(this.root)) {
      const c = this.cursor();
      for (let ok = c.first(); ok; ok = c.next()) sink.tableRow(this.root, c.rowid(), encodeRecord(c.record(), w.fmt4));
    }
    clearTree(w, this.root, PT_TABLE_LEAF);
  }
}

/**
 * Where the last successful TableTreeImpl.get found its row (any tree: one module-wide slot, so
 * no allocation), for overwriteFound. `gen` is the source's generation at the time.
 */
const lastFound: {
  src: PageSource | null;
  root: number;
  rowid: Rowid;
  page: BtPage | null;
  idx: number;
  gen: number;
  nPay: number;
  buf: Buffer | null;
  off: number;
} = {
  src: null,
  root: 0,
  rowid: 0,
  page: null,
  idx: 0,
  gen: 0,
  nPay: 0,
  buf: null,
  off: 0,
};

/** Frees every page of the tree but the root, and every overflow chain; the root becomes an empty leaf. */
export function clearTree(w: PageWriter, root: number, leafType: number): void {
  const pages = collectTreePages(w, root);
  for (const pgno of pages) {
    const p = w.page(pgno);
    if (p.type !== PT_TABLE_INTERIOR) for (let i = 0; i < p.n; i++) freeOverflow(w, p, i);
  }
  for (const pgno of pages) if (pgno !== root) w.freePage(pgno);
  w.writable(root).reset(leafType);
}
