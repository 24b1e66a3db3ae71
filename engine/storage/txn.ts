/**
 * Write transactions: copy-on-write pages private to the transaction, the freelist, savepoints.
 *
 * State machine (driven by StorageCore):
 *
 *    beginWrite()          commit(): log + publish         rollback()
 *   ------------> OPEN ------------------------------> CLOSED <-----------
 *                  | savepoint()/rollbackTo()/release()    ^
 *                  +--------------------------------------+  (a failed commit rolls back)
 *
 * Invariants:
 *  1. `dirty` holds every page the transaction changed; pages in the shared cache are never
 *     modified, so ReadViews never see uncommitted data.
 *  2. For each open savepoint, `undo` holds, for every page first changed after it was taken,
 *     the page's previous private version (a clone) or null when the page was not dirty yet;
 *     `header` holds the header as of the savepoint. Rolling back to savepoint k applies the undo
 *     maps from the newest down to k.
 *  3. Free pages follow SQLite's freelist format: trunk pages [u32 next trunk][u32 leaf count]
 *     [u32 leaf page numbers...]; at most usable/4 - 8 leaves per trunk (SQLite's limit).
 *     Freed leaf pages are not rewritten (their old content is garbage).
 */
import { SqliteError } from '../common/errors.js';
import type { IndexTree, KeyInfo, TableTree, WriteTxn } from './api.js';
import type { StorageCore } from './core.js';
import { corrupt } from './errors.js';
import type { DbHeader } from './header.js';
import { IndexTreeImpl } from './index-tree.js';
import { BtPage, type Geometry, PT_INDEX_LEAF, PT_TABLE_LEAF, RawPage, type Page, decodePage, encodePage } from './page.js';
import type { PageWriter } from './source.js';
import { TableTreeImpl } from './table-tree.js';
import { collectTreePages } from './tree-walk.js';
import { freeOverflow } from './overflow.js';

interface Savepoint {
  undo: Map<number, Page | null>;
  header: DbHeader;
}

export function pendingBytePage(pageSize: number): number {
  return Math.floor(0x40000000 / pageSize) + 1;
}

export class WriteTxnImpl implements WriteTxn, PageWriter {
  readonly header: DbHeader;
  readonly dirty = new Map<number, Page>();
  readonly freedLeaves = new Set<number>();
  readonly genBox = { v: 0 };
  readonly geom: Geometry;
  readonly fmt4: boolean;
  private sps: Savepoint[] = [];
  open = true;

  constructor(readonly core: StorageCore) {
    this.header = core.header.clone();
    this.geom = core.geom;
    this.fmt4 = this.header.schemaFormat >= 4;
  }

  get writer(): PageWriter {
    return this;
  }

  private check(): void {
    if (!this.open) throw new SqliteError('cannot use a transaction that has ended', 'SQLITE_MISUSE');
  }

  pageCount(): number {
    return this.header.pageCount;
  }

  page(pgno: number): BtPage {
    const d = this.dirty.get(pgno);
    if (d !== undefined) {
      if (d.kind === 0) return d;
      throw corrupt(`page ${pgno}: expected a b-tree page`);
    }
    if (pgno > this.header.pageCount || pgno < 1) throw corrupt(`page ${pgno} out of range`);
    return this.core.btPage(pgno);
  }

  raw(pgno: number): Buffer {
    const d = this.dirty.get(pgno);
    if (d !== undefined) return d.kind === 1 ? d.bytes : encodePage(d, this.geom, undefined, false);
    if (pgno > this.header.pageCount || pgno < 1) throw corrupt(`page ${pgno} out of range`);
    return this.core.rawBytes(pgno);
  }

  private noteUndo(pgno: number): void {
    const n = this.sps.length;
    if (n === 0) return;
    const top = this.sps[n - 1];
    if (top.undo.has(pgno)) return;
    const cur = this.dirty.get(pgno);
    top.undo.set(pgno, cur === undefined ? null : cur.clone());
  }

  writable(pgno: number): BtPage {
    this.check();
    this.genBox.v++;
    if (this.sps.length) this.noteUndo(pgno);
    const d = this.dirty.get(pgno);
    if (d !== undefined) {
      if (d.kind === 0) return d;
      const p = decodePage(d.bytes, pgno, this.geom, this.header.pageCount);
      this.dirty.set(pgno, p);
      return p;
    }
    const p = this.page(pgno).clone();
    this.dirty.set(pgno, p);
    return p;
  }

  writableRaw(pgno: number): RawPage {
    this.check();
    this.genBox.v++;
    if (this.sps.length) this.noteUndo(pgno);
    const d = this.dirty.get(pgno);
    if (d !== undefined && d.kind === 1) return d;
    const bytes = Buffer.allocUnsafeSlow(this.geom.pageSize);
    this.raw(pgno).copy(bytes);
    const r = new RawPage(pgno, bytes);
    this.dirty.set(pgno, r);
    return r;
  }

  private put(p: Page): void {
    this.genBox.v++;
    if (this.sps.length) this.noteUndo(p.pgno);
    this.freedLeaves.delete(p.pgno);
    this.dirty.set(p.pgno, p);
  }

  newBtPage(type: number): BtPage {
    this.check();
    const p = new BtPage(this.allocate(), type);
    this.put(p);
    return p;
  }

  newRawPage(): RawPage {
    this.check();
    const r = new RawPage(this.allocate(), Buffer.alloc(this.geom.pageSize));
    this.put(r);
    return r;
  }

  /** Takes a page from the freelist, or extends the file (skipping the lock-byte page). */
  private allocate(): number {
    const h = this.header;
    const max = h.pageCount;
    if (h.freelistTrunk !== 0) {
      const trunk = h.freelistTrunk;
      if (trunk > max) throw corrupt('freelist trunk out of range');
      const b = this.raw(trunk);
      const next = b.readUInt32BE(0);
      const k = b.readUInt32BE(4);
      if (k > this.geom.usable / 4 - 2 || next > max) throw corrupt(`freelist trunk page ${trunk} is malformed`);
      if (k > 0) {
        const leaf = b.readUInt32BE(8 + 4 * (k - 1));
        if (leaf < 2 || leaf > max) throw corrupt(`freelist leaf ${leaf} out of range`);
        const t = this.writableRaw(trunk);
        t.bytes.writeUInt32BE(k - 1, 4);
        h.freelistCount = Math.max(0, h.freelistCount - 1);
        return leaf;
      }
      h.freelistTrunk = next;
      h.freelistCount = Math.max(0, h.freelistCount - 1);
      return trunk;
    }
    let pg = max + 1;
    if (pg === pendingBytePage(this.geom.pageSize)) pg++;
    h.pageCount = pg;
    return pg;
  }

  freePage(pgno: number): void {
    this.check();
    const h = this.header;
    if (pgno < 2 || pgno > h.pageCount) throw corrupt(`freeing page ${pgno} out of range`);
    const maxLeaves = Math.floor(this.geom.usable / 4) - 8;
    if (h.freelistTrunk !== 0) {
      const trunk = h.freelistTrunk;
      const b = this.raw(trunk);
      const k = b.readUInt32BE(4);
      if (k < maxLeaves) {
        const t = this.writableRaw(trunk);
        t.bytes.writeUInt32BE(pgno, 8 + 4 * k);
        t.bytes.writeUInt32BE(k + 1, 4);
        h.freelistCount++;
        if (this.dirty.has(pgno)) {
          this.genBox.v++;
          if (this.sps.length) this.noteUndo(pgno);
          this.dirty.delete(pgno);
        }
        this.freedLeaves.add(pgno);
        return;
      }
    }
    const r = new RawPage(pgno, Buffer.alloc(this.geom.pageSize));
    r.bytes.writeUInt32BE(h.freelistTrunk, 0);
    this.put(r);
    h.freelistTrunk = pgno;
    h.freelistCount++;
  }

  openTable(root: number): TableTree {
    return new TableTreeImpl(this, root);
  }

  openIndex(root: number, keyInfo: KeyInfo): IndexTree {
    return new IndexTreeImpl(this, root, keyInfo);
  }

  createTree(kind: 'table' | 'index'): number {
    this.check();
    return this.newBtPage(kind === 'table' ? PT_TABLE_LEAF : PT_INDEX_LEAF).pgno;
  }

  dropTree(root: number): void {
    this.check();
    if (root < 2) throw new SqliteError('cannot drop the sqlite_schema tree', 'SQLITE_MISUSE');
    const pages = collectTreePages(this, root);
    for (const pgno of pages) {
      const p = this.page(pgno);
      if (p.type !== 5) for (let i = 0; i < p.n; i++) freeOverflow(this, p, i);
    }
    for (const pgno of pages) this.freePage(pgno);
  }

  savepoint(): number {
    this.check();
    this.sps.push({ undo: new Map(), header: this.header.clone() });
    return this.sps.length;
  }

  rollbackTo(token: number): void {
    this.check();
    if (token < 1 || token > this.sps.length) throw new SqliteError('no such savepoint', 'SQLITE_MISUSE');
    for (let k = this.sps.length - 1; k >= token - 1; k--) {
      const sp = this.sps[k];
      for (const [pgno, pre] of sp.undo) {
        if (pre === null) this.dirty.delete(pgno);
        else this.dirty.set(pgno, pre);
      }
    }
    Object.assign(this.header, this.sps[token - 1].header);
    this.sps.length = token;
    this.sps[token - 1] = { undo: new Map(), header: this.header.clone() };
    this.genBox.v++;
  }

  release(token: number): void {
    this.check();
    if (token < 1 || token > this.sps.length) throw new SqliteError('no such savepoint', 'SQLITE_MISUSE');
    if (token === 1) {
      this.sps.length = 0;
      return;
    }
    const parent = this.sps[token - 2];
    for (let k = token - 1; k < this.sps.length; k++) {
      for (const [pgno, pre] of this.sps[k].undo) if (!parent.undo.has(pgno)) parent.undo.set(pgno, pre);
    }
    this.sps.length = token - 1;
  }

  commit(): void {
    this.check();
    this.core.commitTxn(this);
  }

  rollback(): void {
    if (!this.open) return;
    this.core.endTxn(this);
  }

  /** Called by the core when the transaction ends either way. */
  close(): void {
    this.open = false;
    this.dirty.clear();
    this.sps.length = 0;
    this.genBox.v++;
  }
}
