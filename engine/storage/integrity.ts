/**
 * The storage layer's own structural check (the b-tree part of PRAGMA integrity_check), in
 * SQLite's wording where there is one:
 *   - every page is referenced exactly once: "2nd reference to page N", "Page N is never used",
 *     "invalid page number N";
 *   - freelist: "Main freelist: freelist leaf count too big on page N",
 *     "Main freelist: size is X but should be Y";
 *   - b-tree pages: decodable ("Tree R page P: btreeInitPage() returns error code 11"), of the
 *     tree's kind, rowids increasing and inside the parent's bounds ("Tree R page P cell C: Rowid
 *     K out of order"), index keys in KeyInfo order, all leaves at one depth ("Child page depth
 *     differs"), overflow chains of the right length ("overflow list length is X but should be Y").
 * Counting index entries against their table is the caller's business.
 */
import type { SqlValue } from '../common/value.js';
import type { KeyInfo, Rowid } from './api.js';
import type { DbHeader } from './header.js';
import { compareKeys } from './keycompare.js';
import { cellRecord } from './overflow.js';
import { BtPage, PT_INDEX_INTERIOR, PT_INDEX_LEAF, PT_TABLE_INTERIOR, PT_TABLE_LEAF } from './page.js';
import { MAX_DEPTH, type PageSource } from './source.js';
import { pendingBytePage } from './txn.js';

const BINARY: KeyInfo = { collations: [], desc: [] };

class Checker {
  readonly used: Uint8Array;
  readonly errs: string[] = [];
  prefix = '';
  constructor(
    readonly src: PageSource,
    readonly nPage: number,
    readonly maxErrors: number,
  ) {
    this.used = new Uint8Array(nPage + 1);
  }
  get full(): boolean {
    return this.errs.length >= this.maxErrors;
  }
  msg(m: string): void {
    if (this.errs.length < this.maxErrors) this.errs.push(this.prefix + m);
  }
  /** Marks a page used; true when it is a problem (SQLite's checkRef convention). */
  checkRef(pgno: number): boolean {
    if (pgno === 0 || pgno > this.nPage) {
      this.msg(`invalid page number ${pgno}`);
      return true;
    }
    if (this.used[pgno]) {
      this.msg(`2nd reference to page ${pgno}`);
      return true;
    }
    this.used[pgno] = 1;
    return false;
  }

  checkList(isFreeList: boolean, first: number, n: number): void {
    const expected = n;
    const errsAtStart = this.errs.length;
    let pg = first;
    while (pg !== 0 && !this.full) {
      if (this.checkRef(pg)) break;
      n--;
      let b: Buffer;
      try {
        b = this.src.raw(pg);
      } catch {
        this.msg(`failed to get page ${pg}`);
        break;
      }
      if (isFreeList) {
        const k = b.readUInt32BE(4);
        if (k > this.src.geom.usable / 4 - 2) {
          this.msg(`freelist leaf count too big on page ${pg}`);
          n--;
        } else {
          for (let i = 0; i < k; i++) this.checkRef(b.readUInt32BE(8 + 4 * i));
          n -= k;
        }
      }
      pg = b.readUInt32BE(0);
      if (!isFreeList && n <= 0) break;
    }
    if (n !== 0 && errsAtStart === this.errs.length) {
      this.msg(`${isFreeList ? 'size' : 'overflow list length'} is ${expected - n} but should be ${expected}`);
    }
  }

  /** Returns the depth of the subtree, or -1 after an error that prevents comparing depths. */
  checkTree(
    root: number,
    pgno: number,
    index: boolean,
    ki: KeyInfo,
    lo: Rowid | readonly SqlValue[] | null,
    hi: Rowid | readonly SqlValue[] | null,
    depth: number,
  ): number {
    if (this.full) return -1;
    const savedPrefix = this.prefix;
    this.prefix = '';
    if (this.checkRef(pgno)) {
      this.prefix = savedPrefix;
      return -1;
    }
    this.prefix = `Tree ${root} page ${pgno}: `;
    let p: BtPage;
    try {
      p = this.src.page(pgno);
    } catch {
      this.msg('btreeInitPage() returns error code 11');
      this.prefix = savedPrefix;
      return -1;
    }
    const okType = index ? p.type === PT_INDEX_LEAF || p.type === PT_INDEX_INTERIOR : p.type === PT_TABLE_LEAF || p.type === PT_TABLE_INTERIOR;
    if (!okType || depth > MAX_DEPTH) {
      this.msg(depth > MAX_DEPTH ? 'tree too deep' : `page type ${p.type} does not belong in a ${index ? 'index' : 'table'} b-tree`);
      this.prefix = savedPrefix;
      return -1;
    }
    const per = this.src.geom.usable - 4;
    let childDepth = -2;
    let prevKey: Rowid | readonly SqlValue[] | null = lo;
    for (let i = 0; i <= p.n && !this.full; i++) {
      const cellPrefix = `Tree ${root} page ${pgno} cell ${i}: `;
      let key: Rowid | readonly SqlValue[] | null = hi;
      if (i < p.n) {
        if (!index) {
          const k = p.keys[i];
          key = k;
          if ((prevKey !== null && (prevKey as Rowid) >= k) || (hi !== null && k > (hi as Rowid))) {
            this.prefix = cellPrefix;
            this.msg(`Rowid ${k} out of order`);
          }
        } else {
          try {
            const rec = cellRecord(this.src, p, i);
            key = rec;
            if ((prevKey !== null && compareKeys(prevKey as readonly SqlValue[], rec, ki) > 0) || (hi !== null && compareKeys(rec, hi as readonly SqlValue[], ki) > 0)) {
              this.prefix = cellPrefix;
              this.msg('Index key out of order');
            }
          } catch {
            this.prefix = cellPrefix;
            this.msg('malformed record');
          }
        }
        if (p.type !== PT_TABLE_INTERIOR && p.ovfl[i] !== 0) {
          this.prefix = cellPrefix;
          this.checkList(false, p.ovfl[i], Math.ceil((p.nPay[i] - p.nLoc[i]) / per));
        }
        this.prefix = `Tree ${root} page ${pgno}: `;
      }
      if (!p.leaf) {
        const d = this.checkTree(root, p.children[i], index, ki, prevKey, key, depth + 1);
        this.prefix = `Tree ${root} page ${pgno}: `;
        if (d >= 0) {
          if (childDepth === -2) childDepth = d;
          else if (childDepth >= 0 && d !== childDepth) this.msg('Child page depth differs');
        }
      }
      prevKey = key;
    }
    this.prefix = savedPrefix;
    return p.leaf ? 0 : childDepth >= 0 ? childDepth + 1 : -1;
  }
}

export function integrityCheck(
  src: PageSource,
  header: DbHeader,
  trees: readonly { root: number; kind: 'table' | 'index'; keyInfo?: KeyInfo; name: string }[],
  maxErrors: number,
): string[] {
  const n = header.pageCount;
  const c = new Checker(src, n, Math.max(1, maxErrors));
  c.prefix = 'Main freelist: ';
  c.checkList(true, header.freelistTrunk, header.freelistCount);
  c.prefix = '';
  const all = trees.some((t) => t.root === 1) ? trees : [{ root: 1, kind: 'table' as const, name: 'sqlite_schema' }, ...trees];
  for (const t of all) {
    if (c.full) break;
    if (t.root === 0) continue;
    c.checkTree(t.root, t.root, t.kind === 'index', t.keyInfo ?? BINARY, null, null, 0);
  }
  const pending = pendingBytePage(header.pageSize);
  const ptrmap = header.autoVacuum !== 0 ? ptrmapPages(n, src.geom.usable) : null;
  for (let i = 1; i <= n && !c.full; i++) {
    if (c.used[i] || i === pending || (ptrmap && ptrmap.has(i))) continue;
    c.msg(`Page ${i} is never used`);
  }
  return c.errs;
}

/** Pointer-map pages of an auto-vacuum database: page 2, then every usable/5 + 1 pages. */
function ptrmapPages(n: number, usable: number): Set<number> {
  const s = new Set<number>();
  const step = Math.floor(usable / 5) + 1;
  for (let p = 2; p <= n; p += step) s.add(p);
  return s;
}
