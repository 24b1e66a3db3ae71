/**
 * Index B-trees (indexes and WITHOUT ROWID tables): ordered sets of keys (records). Unlike
 * table trees, interior cells are entries too: an in-order walk visits children[0], cell 0,
 * children[1], cell 1, ..., children[n]. Every key in children[i] sorts before cell i, every key
 * in children[i+1] after it. Keys are ordered by compareKeys with the tree's KeyInfo.
 * Deleting an interior entry replaces it with its predecessor (the last entry of the left
 * subtree, always in a leaf), then rebalances from that leaf up.
 */
import { SqliteError } from '../common/errors.js';
import type { SqlValue } from '../common/value.js';
import type { IndexCursor, IndexTree, KeyInfo } from './api.js';
import { balance, insertCellFrom } from './balance.js';
import { corrupt } from './errors.js';
import { IndexCursorImpl } from './index-cursor.js';
import { compareKeys } from './keycompare.js';
import { cellRecord, freeOverflow, writeOverflow } from './overflow.js';
import { BtPage, PT_INDEX_INTERIOR, PT_INDEX_LEAF } from './page.js';
import { encodeRecord, encodeRecordShared, recordSize, sharedOffset } from './record.js';
import { MAX_DEPTH, type PageSource, type PageWriter } from './source.js';
import { cellPayload, clearTree } from './table-tree.js';
import { U_CELL_INSERTED, U_CELL_REMOVED, U_CELL_REPLACED } from './undo.js';

export function checkIndexPage(p: BtPage): void {
  if (p.type !== PT_INDEX_LEAF && p.type !== PT_INDEX_INTERIOR) throw corrupt(`page ${p.pgno}: not an index b-tree page`);
}

/**
 * Binary search in an index page: the first cell whose key is >= `key` (or > `key` when
 * `strict`); sets `searchExact` when the cell found compares equal.
 */
export const searchResult = { exact: false };
export function searchPage(src: PageSource, p: BtPage, key: readonly SqlValue[], ki: KeyInfo, strict: boolean): number {
  let lo = 0;
  let hi = p.n;
  let exact = false;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const c = compareKeys(cellRecord(src, p, mid), key, ki);
    if (c < 0 || (strict && c === 0)) lo = mid + 1;
    else {
      hi = mid;
      if (c === 0) exact = true;
    }
  }
  searchResult.exact = exact;
  return lo;
}

export class IndexTreeImpl implements IndexTree {
  constructor(
    readonly src: PageSource,
    readonly root: number,
    readonly keyInfo: KeyInfo,
  ) {}

  cursor(): IndexCursor {
    return new IndexCursorImpl(this.src, this.root, this.keyInfo);
  }

  count(): number {
    let total = 0;
    const stack: [number, number][] = [[this.root, 0]];
    while (stack.length) {
      const [pgno, d] = stack.pop()!;
      if (d > MAX_DEPTH) throw corrupt('tree too deep');
      const p = this.src.page(pgno);
      checkIndexPage(p);
      total += p.n;
      if (!p.leaf) for (let i = 0; i <= p.n; i++) stack.push([p.children[i], d + 1]);
    }
    return total;
  }

  private writer(): PageWriter {
    const w = this.src.writer;
    if (!w) throw new SqliteError('attempt to write a readonly database', 'SQLITE_READONLY');
    return w;
  }

  /** Finds the full key; fills the path; returns the cell index at the last level and whether it matched. */
  private find(w: PageWriter, key: readonly SqlValue[], pgnos: number[], idxs: number[]): { pos: number; exact: boolean; rightmost: boolean } {
    let p = w.page(this.root);
    let rightmost = true;
    for (let d = 0; ; d++) {
      if (d > MAX_DEPTH) throw corrupt('tree too deep');
      checkIndexPage(p);
      const i = searchPage(w, p, key, this.keyInfo, false);
      pgnos.push(p.pgno);
      idxs.push(i);
      if (searchResult.exact || p.leaf) return { pos: i, exact: searchResult.exact, rightmost: rightmost && i === p.n };
      if (i !== p.n) rightmost = false;
      p = w.page(p.children[i]);
    }
  }

  insert(key: readonly SqlValue[]): void {
    const w = this.writer();
    const buf = encodeRecordShared(key, w.fmt4);
    const off = sharedOffset.n;
    const nPay = recordSize();
    const pgnos: number[] = [];
    const idxs: number[] = [];
    const { pos, exact, rightmost } = this.find(w, key, pgnos, idxs);
    const depth = pgnos.length - 1;
    const sink = w.changeSink;
    if (sink !== null && sink.tracks(this.root)) sink.indexRow(this.root, key, exact ? cellPayload(w, w.page(pgnos[depth]), pos) : null);
    const p = w.cellWritable(pgnos[depth]);
    const nLoc = w.geom.localSize(nPay, false);
    w.noteCell(exact ? U_CELL_REPLACED : U_CELL_INSERTED, p, pos);
    if (exact) {
      p.used -= p.cellSize(pos);
      freeOverflow(w, p, pos);
      p.bufs[pos] = buf;
      p.offs[pos] = off;
      p.nLoc[pos] = nLoc;
      p.nPay[pos] = nPay;
      p.ovfl[pos] = writeOverflow(w, buf, off, nPay, nLoc);
      p.recs[pos] = undefined;
      p.used += p.cellSize(pos);
    } else {
      const ovfl = writeOverflow(w, buf, off, nPay, nLoc);
      p.bufs.splice(pos, 0, buf);
      p.offs.splice(pos, 0, off);
      p.nLoc.splice(pos, 0, nLoc);
      p.nPay.splice(pos, 0, nPay);
      p.ovfl.splice(pos, 0, ovfl);
      p.recs.splice(pos, 0, undefined);
      p.n++;
      p.used += p.cellSize(pos);
    }
    const cap = p.capacity(w.geom);
    if (p.used > cap || (exact && p.used * 3 < cap)) balance(w, pgnos, idxs, depth, rightmost && !exact);
  }

  delete(key: readonly SqlValue[]): boolean {
    const w = this.writer();
    const pgnos: number[] = [];
    const idxs: number[] = [];
    const { pos, exact } = this.find(w, key, pgnos, idxs);
    if (!exact) return false;
    const sink = w.changeSink;
    if (sink !== null && sink.tracks(this.root)) sink.indexRow(this.root, key, cellPayload(w, w.page(pgnos[pgnos.length - 1]), pos));
    let depth = pgnos.length - 1;
    const leafHit = w.page(pgnos[depth]).leaf;
    const p = leafHit ? w.cellWritable(pgnos[depth]) : w.writable(pgnos[depth]);
    if (leafHit) w.noteCell(U_CELL_REMOVED, p, pos);
    freeOverflow(w, p, pos);
    if (leafHit) {
      p.removeCell(pos);
    } else {
      // Replace with the predecessor: the last entry of the subtree children[pos].
      let pgno = p.children[pos];
      for (;;) {
        if (depth > MAX_DEPTH) throw corrupt('tree too deep');
        const q = w.page(pgno);
        checkIndexPage(q);
        depth++;
        pgnos.push(q.pgno);
        if (q.leaf) {
          idxs.push(q.n - 1);
          break;
        }
        idxs.push(q.n);
        pgno = q.children[q.n];
      }
      const leaf = w.writable(pgnos[depth]);
      if (leaf.n === 0) throw corrupt(`page ${leaf.pgno}: empty leaf`);
      p.removeCell(pos);
      insertCellFrom(p, pos, leaf, leaf.n - 1);
      leaf.removeCell(leaf.n - 1);
    }
    balance(w, pgnos, idxs, depth, false);
    return true;
  }

  clear(): void {
    const w = this.writer();
    const sink = w.changeSink;
    if (sink !== null && sink.tracks(this.root)) {
      const c = this.cursor();
      for (let ok = c.first(); ok; ok = c.next()) sink.indexRow(this.root, c.key(), encodeRecord(c.key(), w.fmt4));
    }
    clearTree(w, this.root, PT_INDEX_LEAF);
  }
}
