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
 *  2. While a savepoint is open, every change to the transaction's pages is in the undo log
 *     (undo.ts): cell-level entries for single-cell inserts, overwrites and removals on leaves,
 *     page entries (the previous private version, or null when the page was not dirty) for
 *     everything else. A savepoint is the log height plus the header as of the savepoint;
 *     rolling back to it undoes the entries above that height, releasing it only forgets it.
 *     With no savepoint open nothing is logged (rollback() discards the whole dirty set).
 *  3. Free pages follow SQLite's freelist format: trunk pages [u32 next trunk][u32 leaf count]
 *     [u32 leaf page numbers...]; at most usable/4 - 8 leaves per trunk (SQLite's limit).
 *     Freed leaf pages are not rewritten (their old content is garbage).
 *  4. Concurrent transactions (core.beginConcurrent, MVCC step B) take no write lock. Before any
 *     commit publishes, the core stores in every other open concurrent transaction's `frozen`
 *     map the committed image of each page the commit replaces or frees (unless one is there
 *     already), so such a transaction reads exactly the committed state it began from plus its
 *     own pages, whatever commits since. It may publish its pages only while nothing committed
 *     since it began (`behind` false); otherwise the layer above replays its row changes in an
 *     exclusive transaction (engine/mvcc/concurrent-commit.ts).
 *  5. The exception to 1, in-place overwrites: while the layer above allows it (`writeInPlace`:
 *     no other connection can read this database), no savepoint is open and no concurrent
 *     transaction exists, an overwrite of a leaf cell (table-tree.ts overwriteFound) changes the
 *     committed page object in the cache itself instead of a private copy, and logs the old cell
 *     in the undo log (whose entries are then all such overwrites). Those pages (`inPlace`) are
 *     pinned (not `durable`, so never evicted) until the transaction ends. Commit publishes them
 *     like dirty pages; rollback restores them from the log. Anything else that would read or
 *     copy them first converts them (`materializeInPlace`): private copies of their current
 *     state go into `dirty` and the cache's objects get their committed state back. That is
 *     done before a savepoint is taken, before a structural change to such a page, when a
 *     ReadView or another transaction reads, and when the layer above withdraws the permission.
 *     An UPDATE of many rows by key so skips the per-page array copies of copy-on-write.
 */
import { SqliteError } from '../common/errors.js';
import type { IndexTree, KeyInfo, RowChangeSink, TableTree, WriteTxn } from './api.js';
import type { StorageCore } from './core.js';
import { corrupt } from './errors.js';
import { DbHeader } from './header.js';
import { IndexTreeImpl } from './index-tree.js';
import { BtPage, type Geometry, OWN_ALL, PT_INDEX_LEAF, PT_TABLE_LEAF, RawPage, type Page, decodePage, encodePage } from './page.js';
import { PageCache } from './page-cache.js';
import type { PageWriter } from './source.js';
import { TableTreeImpl } from './table-tree.js';
import { collectTreePages } from './tree-walk.js';
import { freeOverflow } from './overflow.js';
import { U_CELL_INSERTED, U_CELL_REMOVED, U_CELL_REPLACED, UndoLog, type UndoTarget } from './undo.js';

interface Savepoint {
  /** Undo log height when taken. */
  mark: number;
  /** Unique while it is the innermost savepoint; pages flagged with it are captured (undo.ts). */
  epoch: number;
  /** Header as of the savepoint. */
  header: DbHeader;
  /** The change sink's mark when taken (api.ts RowChangeSink). */
  sinkMark: number;
}

/** The dirty set of every ended transaction (never written: ended transactions change nothing). */
const EMPTY_DIRTY = new PageCache();

let epochCounter = 0;
function nextEpoch(): number {
  return ++epochCounter;
}

export function pendingBytePage(pageSize: number): number {
  return Math.floor(0x40000000 / pageSize) + 1;
}

export class WriteTxnImpl implements WriteTxn, PageWriter, UndoTarget {
  readonly header: DbHeader;
  /** Pages this transaction changed (its table is taken from and returned to the core's pool). */
  dirty: PageCache;
  readonly freedLeaves = new Set<number>();
  readonly genBox = { v: 0 };
  readonly geom: Geometry;
  readonly fmt4: boolean;
  /** Savepoint records, reused; the first `spCount` are open. */
  private readonly sps: Savepoint[] = [];
  private spCount = 0;
  /** Epoch of the innermost open savepoint (0 when none is open). */
  private epoch = 0;
  readonly undo = new UndoLog();
  open = true;
  changeSink: RowChangeSink | null = null;
  /**
   * Concurrent transactions only (MVCC step B, core.beginConcurrent): the committed image, as of
   * this transaction's start, of every page another transaction's commit replaced since then
   * (invariant 4). null for the exclusive writer.
   */
  frozen: Map<number, Page> | null = null;
  /** Concurrent transactions: the core's commit generation when this transaction began. */
  baseGen = 0;
  /** Concurrent transactions: page count of the committed state this transaction began from. */
  basePageCount = 0;
  /** Concurrent transactions: KeyInfo of every index opened (replay at commit reopens them). */
  keyInfos: Map<number, KeyInfo> | null = null;
  /**
   * Concurrent transactions: the per-table rowid high-water marks shared by every concurrent
   * transaction of the core, so automatic rowids never collide (table-tree.ts maxRowid/insert).
   */
  rowidHwm: Map<number, number | bigint> | null = null;
  /** Invariant 5: whether in-place overwrites are allowed (set by the layer above). */
  private inPlaceAllowed = false;
  /** Invariant 5: the committed page objects overwritten in place, by page number. */
  private readonly inPlace = new PageCache();
  /** Their `durable` flags before they were pinned, in `inPlacePages` order. */
  private inPlacePages: BtPage[] = [];
  private inPlaceDurable: boolean[] = [];
  /** The core's commit generation when this transaction began (it changes only by its commit). */
  private readonly startGen: number;

  constructor(readonly core: StorageCore) {
    // a transaction that starts reads the committed state: in-place overwrites become copies first
    core.writeTxn?.materializeInPlace();
    this.startGen = core.commitGen.v;
    this.dirty = core.takeDirtyTable();
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
    if (this.frozen !== null) {
      const f = this.frozen.get(pgno);
      if (f !== undefined) {
        if (f.kind === 0) return f;
        const p = decodePage(f.bytes, pgno, this.geom, this.basePageCount);
        this.frozen.set(pgno, p);
        return p;
      }
    }
    return this.core.btPage(pgno);
  }

  raw(pgno: number): Buffer {
    const d = this.dirty.get(pgno);
    if (d !== undefined) return d.kind === 1 ? d.bytes : encodePage(d, this.geom, undefined, false);
    if (pgno > this.header.pageCount || pgno < 1) throw corrupt(`page ${pgno} out of range`);
    if (this.frozen !== null) {
      const f = this.frozen.get(pgno);
      if (f !== undefined) return f.kind === 1 ? f.bytes : encodePage(f, this.geom, undefined, false);
    }
    return this.core.rawBytes(pgno);
  }

  /** Concurrent transactions: whether another transaction committed since this one began. */
  get behind(): boolean {
    return this.frozen !== null && this.core.commitGen.v !== this.baseGen;
  }

  /**
   * Before page `pgno` (currently `cur` in the dirty set, or not dirty) is replaced or changed
   * wholesale: logs its state unless already captured at the innermost savepoint. The caller
   * then flags the resulting page with `this.epoch` (undo.ts invariant 2).
   */
  private capture(pgno: number, cur: Page | undefined): void {
    if (cur === undefined) this.undo.page(pgno, null);
    else if (cur.spEpoch !== this.epoch) this.undo.page(pgno, cur.clone());
  }

  writable(pgno: number): BtPage {
    const p = this.privatePage(pgno);
    if (p.owned !== OWN_ALL) p.own(OWN_ALL);
    return p;
  }

  /**
   * The transaction's private page object for `pgno` (cloned from the committed page and put in
   * the dirty set when not there yet), logged for the innermost savepoint. Its arrays may still
   * be shared with other page objects: the caller `own()`s what it modifies (page.ts).
   */
  private privatePage(pgno: number): BtPage {
    this.check();
    this.genBox.v++;
    if (this.inPlacePages.length !== 0 && this.inPlace.has(pgno)) this.materializeInPlace();
    const d = this.dirty.get(pgno);
    if (d !== undefined) {
      if (this.spCount !== 0 && d.spEpoch !== this.epoch) {
        this.undo.page(pgno, d.clone());
        d.spEpoch = this.epoch;
      }
      if (d.kind === 0) return d;
      const p = decodePage(d.bytes, pgno, this.geom, this.header.pageCount);
      p.spEpoch = d.spEpoch;
      this.dirty.set(pgno, p);
      return p;
    }
    const p = this.page(pgno).clone();
    if (this.spCount !== 0) {
      this.undo.page(pgno, null);
      p.spEpoch = this.epoch;
    }
    this.dirty.set(pgno, p);
    return p;
  }

  /**
   * A writable B-tree page for a cell-level change, which the caller logs with `noteCell`
   * before making it. Unlike `writable`, an already private page is not copied for the undo log.
   */
  cellWritable(pgno: number): BtPage {
    const p = this.dirtyBtPage(pgno) ?? this.inPlacePage(pgno) ?? this.privatePage(pgno);
    if (p.owned !== OWN_ALL) p.own(OWN_ALL);
    return p;
  }

  /** The private page for `pgno` when the dirty set has it decoded (the generation moves on). */
  private dirtyBtPage(pgno: number): BtPage | undefined {
    const d = this.dirty.get(pgno);
    if (d !== undefined && d.kind === 0 && this.open) {
      this.genBox.v++;
      return d;
    }
    return undefined;
  }

  /**
   * `cellWritable` for overwriting cells in place (table-tree.ts overwriteFound): the page's
   * arrays may still be shared with other page objects, and the caller `own()`s the ones it
   * modifies (page.ts), so that the copy-on-write of a leaf copies only those.
   */
  cellOverwritable(pgno: number): BtPage {
    return this.dirtyBtPage(pgno) ?? this.inPlacePage(pgno) ?? this.privatePage(pgno);
  }

  /**
   * Invariant 5: the page for overwriting a cell's payload bytes in the page image itself (the
   * cache's own object, changed in place), or undefined when that is not allowed; the caller
   * logs the bytes with noteBytes first.
   */
  imageOverwritable(pgno: number): BtPage | undefined {
    if (this.dirty.get(pgno) !== undefined) return undefined;
    return this.inPlacePage(pgno);
  }

  /** Logs the payload bytes of cell `pos` at `off` in `p`'s image before they are overwritten in place (invariant 5). */
  noteBytes(p: BtPage, pos: number, off: number, nPay: number): void {
    this.undo.bytesOverwritten(p, pos, off, nPay);
  }

  /**
   * Invariant 5: the cache's own page object for a cell-level change in place, when allowed
   * and the cache holds the page decoded; the caller logs the change with noteCell/noteOverwrite.
   */
  private inPlacePage(pgno: number): BtPage | undefined {
    if (!this.inPlaceAllowed || this.spCount !== 0 || this.frozen !== null || !this.open || this.core.concurrentTxns.size !== 0) return undefined;
    let c: Page | undefined = this.inPlace.get(pgno);
    if (c === undefined) c = this.core.cache.get(pgno);
    if (c === undefined || c.kind !== 0) return undefined;
    this.genBox.v++;
    if (!this.inPlace.has(pgno)) {
      this.inPlace.set(pgno, c);
      this.inPlacePages.push(c);
      this.inPlaceDurable.push(c.durable);
      c.durable = false;
    }
    return c;
  }

  /**
   * Allows (true) or stops (false) in-place overwrites (invariant 5). The layer above allows
   * them only while no other connection can read this database, and stops them when one may.
   */
  writeInPlace(allow: boolean): void {
    this.inPlaceAllowed = allow;
    if (!allow) this.materializeInPlace();
  }

  /**
   * Invariant 5: private copies of the pages overwritten in place (their current state) go into
   * the dirty set, and the cache's objects get their committed state back from the undo log.
   */
  materializeInPlace(): void {
    const pages = this.inPlacePages;
    if (pages.length === 0) return;
    for (const p of pages) {
      const c = p.clone();
      c.own(OWN_ALL);
      const img = p.image;
      if (img !== null) {
        // the restore writes old payload bytes back into the image: the copy keeps the new ones
        const copy = Buffer.allocUnsafeSlow(img.length);
        img.copy(copy);
        c.image = copy;
        const bufs = c.bufs;
        for (let i = 0; i < c.n; i++) if (bufs[i] === img) bufs[i] = copy;
      }
      this.dirty.set(p.pgno, c);
    }
    this.restoreInPlace();
  }

  /** Invariant 5: gives the pages overwritten in place their committed state back, and unpins them. */
  private restoreInPlace(): void {
    this.undo.rollbackTo(0, { dirty: this.inPlace, freedLeaves: this.freedLeaves });
    const pages = this.inPlacePages;
    for (let i = 0; i < pages.length; i++) pages[i].durable = this.inPlaceDurable[i];
    this.forgetInPlace();
  }

  private forgetInPlace(): void {
    this.inPlace.clearKeepSlots();
    this.inPlacePages = [];
    this.inPlaceDurable = [];
  }

  /** Logs a cell-level change of `p` (from `cellWritable`) that is about to be made. */
  noteCell(kind: typeof U_CELL_INSERTED | typeof U_CELL_REPLACED | typeof U_CELL_REMOVED, p: BtPage, pos: number): void {
    if (this.spCount === 0) {
      // invariant 5: a change in place is always logged (rollback restores it)
      if (this.inPlacePages.length === 0 || this.inPlace.get(p.pgno) !== p) return;
    } else if (p.spEpoch === this.epoch) return;
    if (kind === U_CELL_INSERTED) this.undo.cellInserted(p.pgno, pos);
    else this.undo.cellSaved(kind, p, pos);
  }

  /**
   * noteCell(U_CELL_REPLACED) for overwriting a table leaf cell whose old payload of `nPay`
   * bytes is local (table-tree.ts overwriteFound).
   */
  noteOverwrite(p: BtPage, pos: number, nPay: number): void {
    if (this.spCount === 0) {
      // invariant 5: an in-place overwrite is always logged (rollback restores it)
      if (this.inPlacePages.length !== 0 && this.inPlace.get(p.pgno) === p) this.undo.cellOverwritten(p, pos, nPay);
      return;
    }
    if (p.spEpoch === this.epoch) return;
    this.undo.cellOverwritten(p, pos, nPay);
  }

  writableRaw(pgno: number): RawPage {
    this.check();
    if (this.inPlacePages.length !== 0 && this.inPlace.has(pgno)) this.materializeInPlace();
    this.genBox.v++;
    const d = this.dirty.get(pgno);
    if (d !== undefined && d.kind === 1) {
      if (this.spCount !== 0 && d.spEpoch !== this.epoch) {
        this.undo.page(pgno, d.clone());
        d.spEpoch = this.epoch;
      }
      return d;
    }
    const bytes = Buffer.allocUnsafeSlow(this.geom.pageSize);
    this.raw(pgno).copy(bytes);
    const r = new RawPage(pgno, bytes);
    if (this.spCount !== 0) {
      this.capture(pgno, d);
      r.spEpoch = this.epoch;
    }
    this.dirty.set(pgno, r);
    return r;
  }

  private put(p: Page): void {
    this.genBox.v++;
    const pgno = p.pgno;
    if (this.spCount !== 0) {
      this.capture(pgno, this.dirty.get(pgno));
      p.spEpoch = this.epoch;
    }
    if (this.freedLeaves.delete(pgno) && this.spCount !== 0) this.undo.freed(pgno, false);
    this.dirty.set(pgno, p);
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
    if (this.inPlacePages.length !== 0 && this.inPlace.has(pgno)) this.materializeInPlace();
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
        const d = this.dirty.get(pgno);
        if (d !== undefined) {
          this.genBox.v++;
          if (this.spCount !== 0) this.capture(pgno, d);
          this.dirty.delete(pgno);
        }
        if (!this.freedLeaves.has(pgno)) {
          this.freedLeaves.add(pgno);
          if (this.spCount !== 0) this.undo.freed(pgno, true);
        }
        return;
      }
    }
    const r = new RawPage(pgno, Buffer.alloc(this.geom.pageSize));
    r.bytes.writeUInt32BE(h.freelistTrunk, 0);
    this.put(r);
    h.freelistTrunk = pgno;
    h.freelistCount++;
  }

  /** Table trees opened in this transaction (stateless but for scratch: one per root, reused by every statement). */
  private readonly tables = new Map<number, TableTreeImpl>();

  openTable(root: number): TableTree {
    let t = this.tables.get(root);
    if (t === undefined) {
      t = new TableTreeImpl(this, root);
      this.tables.set(root, t);
    }
    return t;
  }

  openIndex(root: number, keyInfo: KeyInfo): IndexTree {
    if (this.keyInfos !== null) this.keyInfos.set(root, keyInfo);
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
    // invariant 5: savepoint entries assume copy-on-write pages
    this.materializeInPlace();
    const k = this.spCount++;
    let sp = this.sps[k];
    if (sp === undefined) this.sps[k] = sp = { mark: 0, epoch: 0, header: new DbHeader(), sinkMark: 0 };
    sp.mark = this.undo.length;
    sp.sinkMark = this.changeSink !== null ? this.changeSink.mark() : 0;
    sp.epoch = this.epoch = nextEpoch();
    sp.header.copyFrom(this.header);
    return this.spCount;
  }

  rollbackTo(token: number): void {
    this.check();
    if (token < 1 || token > this.spCount) throw new SqliteError('no such savepoint', 'SQLITE_MISUSE');
    const sp = this.sps[token - 1];
    this.undo.rollbackTo(sp.mark, this);
    this.header.copyFrom(sp.header);
    if (this.changeSink !== null) this.changeSink.truncate(sp.sinkMark);
    this.spCount = token;
    sp.epoch = this.epoch = nextEpoch();
    this.genBox.v++;
  }

  release(token: number): void {
    this.check();
    if (token < 1 || token > this.spCount) throw new SqliteError('no such savepoint', 'SQLITE_MISUSE');
    this.spCount = token - 1;
    if (token === 1) {
      this.undo.truncate(0);
      this.epoch = 0;
      return;
    }
    // Pages flagged for the released savepoint are not captured for its parent (undo.ts, 2).
    this.sps[token - 2].epoch = this.epoch = nextEpoch();
  }

  commit(): void {
    this.check();
    // invariant 5: pages overwritten in place are published (and logged) like private ones
    for (const p of this.inPlacePages) this.dirty.set(p.pgno, p);
    this.core.commitTxn(this);
  }

  rollback(): void {
    if (!this.open) return;
    this.core.endTxn(this);
  }

  /** Called by the core when the transaction ends either way. */
  close(): void {
    this.open = false;
    if (this.inPlacePages.length !== 0) {
      // invariant 5: unless the commit published them, the cache's pages get their state back
      if (this.core.commitGen.v === this.startGen) this.restoreInPlace();
      else this.forgetInPlace();
    }
    const d = this.dirty;
    if (d !== EMPTY_DIRTY) {
      this.dirty = EMPTY_DIRTY;
      d.clearKeepSlots();
      this.core.returnDirtyTable(d);
    }
    this.spCount = 0;
    this.undo.dispose();
    this.genBox.v++;
  }
}
