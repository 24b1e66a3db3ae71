/**
 * B-tree balancing after an insert, overwrite or delete changed a page.
 *
 * `balance(w, pgnos, idxs, depth, append)` walks from the changed level up to the root. pgnos[L]
 * is the page at level L of the path (0 = root) and idxs[L] the child index taken at level L.
 * At each level:
 *   - overfull (used > capacity): split into 2 pages (balanced by bytes), or, when the change
 *     was an append at the right edge of the tree, keep the left page full and move only the
 *     last cell(s) to a new page (SQLite's balance_quick), or, for huge table-leaf cells, into
 *     as many pages as needed. Dividers go to the parent: for table leaves the last rowid of the
 *     left page (copied); for all other page kinds the boundary cell itself (moved up). A root
 *     split first moves the root's content to a new child so that the root keeps its number.
 *   - underfull (used < capacity/3), not the root: merge with a sibling (left if any) when the
 *     two fit in one page, else redistribute the cells of both evenly. Index and table-interior
 *     merges pull the parent's divider down between the two.
 *   - root interior page without cells: copy its only child into it (tree gets shallower) when
 *     the child fits (page 1 has 100 bytes less); otherwise leave it, as SQLite does.
 * Invariants after balance: every page fits; all leaves are at the same depth; non-root pages
 * have at least one cell; keys in the parent separate the children.
 */
import { corrupt } from './errors.js';
import { BtPage, PT_INDEX_INTERIOR, PT_TABLE_INTERIOR, PT_TABLE_LEAF } from './page.js';
import type { PageWriter } from './source.js';

export function balance(w: PageWriter, pgnos: number[], idxs: number[], depth: number, append: boolean): void {
  for (let L = depth; L >= 0; L--) {
    const p = w.page(pgnos[L]);
    const cap = p.capacity(w.geom);
    if (p.used > cap) {
      if (L === 0) splitRoot(w, p, append);
      else splitChild(w, p.pgno, pgnos[L - 1], idxs[L - 1], append);
    } else if (L > 0) {
      if (p.used * 3 < cap) mergeOrRedistribute(w, pgnos[L - 1], idxs[L - 1]);
    } else if (!p.leaf && p.n === 0) {
      collapseRoot(w, p.pgno);
    }
  }
}

function splitRoot(w: PageWriter, root: BtPage, append: boolean): void {
  const r = w.writable(root.pgno);
  const c = w.newBtPage(r.type);
  c.assignFrom(r);
  r.reset(r.intKey ? PT_TABLE_INTERIOR : PT_INDEX_INTERIOR);
  r.children = [c.pgno];
  splitChild(w, c.pgno, r.pgno, 0, append);
}

/**
 * Splits child `pgno` (at children[idx] of `parentPgno`) into as many pages as needed: the
 * first group stays on the page (truncated in place), the others go to new pages.
 */
function splitChild(w: PageWriter, pgno: number, parentPgno: number, idx: number, append: boolean): void {
  const parent = w.writable(parentPgno);
  const pw = w.writable(pgno);
  const cap = pw.capacity(w.geom);
  const skip = pw.type === PT_TABLE_LEAF ? 0 : 1;
  const bounds = partition(pw, cap, skip, append);
  const n = pw.n;
  const groups: BtPage[] = [pw];
  for (let g = 0; g < bounds.length; g++) {
    const end = g + 1 < bounds.length ? bounds[g + 1] : n;
    const page = w.newBtPage(pw.type);
    page.appendRange(pw, bounds[g] + skip, end, true);
    page.recomputeUsed();
    groups.push(page);
  }
  for (let g = 0; g < bounds.length; g++) {
    const at = idx + g;
    if (skip === 0) insertKeyCell(parent, at, pw.keys[bounds[g] - 1]);
    else insertCellFrom(parent, at, pw, bounds[g]);
    parent.children.splice(at + 1, 0, groups[g + 1].pgno);
    parent.children[at] = groups[g].pgno;
  }
  pw.truncate(bounds[0]);
  pw.recomputeUsed();
}

/** Inserts a table-interior divider key at `at` (children handled by the caller). */
function insertKeyCell(parent: BtPage, at: number, key: number | bigint): void {
  if (parent.type !== PT_TABLE_INTERIOR) throw corrupt(`page ${parent.pgno}: unexpected page type`);
  parent.keys.splice(at, 0, key);
  parent.n++;
  parent.used += parent.cellSize(at);
}

/** Inserts cell i of `src` at `at` in `dst` (children handled by the caller). */
export function insertCellFrom(dst: BtPage, at: number, src: BtPage, i: number): void {
  if (dst.intKey) {
    if (!src.intKey) throw corrupt(`page ${dst.pgno}: unexpected page type`);
    dst.keys.splice(at, 0, src.keys[i]);
  }
  if (dst.type !== PT_TABLE_INTERIOR) {
    dst.bufs.splice(at, 0, src.bufs[i]);
    dst.offs.splice(at, 0, src.offs[i]);
    dst.nLoc.splice(at, 0, src.nLoc[i]);
    dst.nPay.splice(at, 0, src.nPay[i]);
    dst.ovfl.splice(at, 0, src.ovfl[i]);
    dst.recs.splice(at, 0, src.recs[i]);
  }
  dst.n++;
  dst.used += dst.cellSize(at);
}

/**
 * Boundaries for distributing the cells of `t` into pages of capacity `cap`. With skip = 1 the
 * boundary cell becomes the divider (it belongs to no group).
 */
function partition(t: BtPage, cap: number, skip: 0 | 1, append: boolean): number[] {
  const n = t.n;
  const prefix = new Array<number>(n + 1);
  prefix[0] = 0;
  for (let i = 0; i < n; i++) prefix[i + 1] = prefix[i] + t.cellSize(i);
  const total = prefix[n];
  if (append) {
    const b = n - 1 - skip;
    if (b >= 1 && prefix[b] <= cap && total - prefix[b + skip] <= cap) return [b];
  }
  const b2 = partition2(prefix, n, cap, skip);
  if (b2 > 0) return [b2];
  // Greedy: only reachable with very large table-leaf cells (skip = 0).
  const bounds: number[] = [];
  let acc = 0;
  let i = 0;
  let groupStart = 0;
  while (i < n) {
    const s = prefix[i + 1] - prefix[i];
    if (acc + s <= cap) {
      acc += s;
      i++;
      continue;
    }
    if (i === groupStart) throw new Error('heliosdb-lite internal error: cell larger than a page');
    bounds.push(i);
    if (skip) i++;
    groupStart = i;
    acc = 0;
  }
  if (skip && groupStart >= n) throw new Error('heliosdb-lite internal error: cannot partition page');
  return bounds;
}

/** The most balanced single boundary with both sides non-empty and fitting, or -1. */
function partition2(prefix: number[], n: number, cap: number, skip: number): number {
  const total = prefix[n];
  let best = -1;
  let bestDiff = Infinity;
  for (let b = 1; b + skip < n; b++) {
    const l = prefix[b];
    const r = total - prefix[b + skip];
    if (l <= cap && r <= cap) {
      const d = Math.abs(l - r);
      if (d < bestDiff) {
        bestDiff = d;
        best = b;
      } else if (l > r) break;
    }
  }
  return best;
}

function prefixSizes(t: BtPage): number[] {
  const prefix = new Array<number>(t.n + 1);
  prefix[0] = 0;
  for (let i = 0; i < t.n; i++) prefix[i + 1] = prefix[i] + t.cellSize(i);
  return prefix;
}

function mergeOrRedistribute(w: PageWriter, parentPgno: number, idx: number): void {
  const parent = w.writable(parentPgno);
  if (parent.n === 0) return;
  const j = idx > 0 ? idx - 1 : 0;
  const left = w.writable(parent.children[j]);
  const right = w.writable(parent.children[j + 1]);
  if (left.type !== right.type) throw corrupt(`page ${left.pgno}: sibling pages of different types`);
  const skip = left.type === PT_TABLE_LEAF ? 0 : 1;
  const t = new BtPage(0, left.type);
  t.appendRange(left, 0, left.n, false);
  if (skip) t.appendCellFrom(parent, j, left.leaf ? undefined : left.children[left.n]);
  t.appendRange(right, 0, right.n, true);
  t.recomputeUsed();
  const cap = left.capacity(w.geom);
  if (t.used <= cap) {
    left.assignFrom(t);
    parent.removeCell(j);
    parent.children.splice(j + 1, 1);
    parent.children[j] = left.pgno;
    w.freePage(right.pgno);
    return;
  }
  const b = partition2(prefixSizes(t), t.n, cap, skip);
  if (b < 0) return;
  left.reset();
  left.appendRange(t, 0, b, true);
  left.recomputeUsed();
  right.reset();
  right.appendRange(t, b + skip, t.n, true);
  right.recomputeUsed();
  parent.removeCell(j);
  if (skip === 0) insertKeyCell(parent, j, t.keys[b - 1]);
  else insertCellFrom(parent, j, t, b);
}

function collapseRoot(w: PageWriter, rootPgno: number): void {
  const r = w.page(rootPgno);
  const c = w.page(r.children[0]);
  const cap = w.geom.usable - r.hdrOff - (c.leaf ? 8 : 12);
  if (c.used > cap) return;
  const rw = w.writable(rootPgno);
  rw.assignFrom(c);
  w.freePage(c.pgno);
}
