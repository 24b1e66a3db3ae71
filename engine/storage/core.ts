/**
 * StorageCore: one per database file (or per `:memory:` database). It owns the main file, the
 * log, the lock file, the committed database header and the shared page cache, and it runs
 * commits and checkpoints.
 *
 * Where the committed image of page P lives (checked in this order):
 *   1. the shared cache (decoded; `durable` = the image also exists in the log or main file);
 *   2. the log, if `log.index` has P;
 *   3. a read-only overlay of SQLite's own `-wal` (read-only opens of un-checkpointed files);
 *   4. the main file at offset (P-1) * pageSize (zeros past its end).
 *
 * Lifecycle:
 *   open:  lock file -> main file -> hot-journal check -> SQLite -wal (checkpointed into the main
 *          file, or overlaid when read-only) -> our log recovered -> header = last committed
 *   commit (WriteTxn.commit): serialise dirty pages -> one log append + commit record (fsync if
 *          synchronous >= FULL) -> publish: dirty pages replace cache entries, header replaced,
 *          generation bumped -> auto-checkpoint when the log has >= walAutocheckpoint frames
 *   checkpoint: fsync log (NORMAL+) -> copy latest frames to the main file -> write header ->
 *          size the file -> fsync main (NORMAL+) -> reset the log (see hlog.ts invariants)
 *   close (last reference): checkpoint(TRUNCATE) -> remove log -> release lock
 *   whenDurable (group-commit.ts): every commit takes a sequence number; an async fsync of the
 *          log (and of the main file after an unsynced checkpoint) acknowledges all commits made
 *          before it started; a FULL commit or a syncing checkpoint acknowledges everything.
 *          A checkpoint syncs when synchronous >= NORMAL or when group commit is busy.
 *
 * Memory databases have no files: committed pages stay in the cache (never evicted) and a
 * commit only publishes. New cells' bytes stay in record arenas (record.ts) until a rebase cycle
 * moves them onto page images (rebaseStep): once REBASE_BYTES of record buffers were allocated
 * since the previous cycle began, a cycle takes every committed page that has loose cells, and
 * each commit then rebases REBASE_STEP of them (bounded work per commit, like an incremental
 * GC), so arena chunks pinned by committed pages stay within about REBASE_BYTES plus what is
 * allocated during a cycle. Rebasing a shared page replaces payload references with references
 * to equal bytes, invisible to readers.
 *
 * Cold reads: a cache miss on the page after the previous miss reads up to READ_AHEAD pages of
 * the main file in one call (pages in the log or cached are never read from the main file).
 * The first use of a page read from the files caches only its bytes (a RawPage, whose buffer
 * lives outside the JS heap) and hands out a decoded copy; the decoded form enters the cache
 * when the page is used again. A one-pass scan then leaves its decoded pages as short-lived
 * garbage instead of promoting a cache's worth of them to the old generation (a full GC) at a
 * small cache_size. The cost: a page used a second time is decoded once more.
 *
 * Cache: bounded by `cacheSize` (pages, or KiB when negative); eviction is CLOCK over the Map's
 * insertion order, and only `durable` pages are evicted. Pages of an open WriteTxn live in the
 * transaction, not in the cache, and stay until it ends.
 */
import { SqliteError } from '../common/errors.js';
import type { KeyInfo, SynchronousLevel } from './api.js';
import { corrupt, ioError, notADatabase } from './errors.js';
import { DbHeader, HELIOS_WRITE_VERSION, WRITER_VERSION_NUMBER } from './header.js';
import { GroupCommit } from './group-commit.js';
import { HLog } from './hlog.js';
import { integrityCheck } from './integrity.js';
import { LockFile } from './lockfile.js';
import { BtPage, Geometry, PT_TABLE_INTERIOR, PT_TABLE_LEAF, RawPage, type Page, decodePage, encodePage, pageBytes } from './page.js';
import { PageCache } from './page-cache.js';
import { recordBytesAllocated } from './record.js';
import { readSqliteWal } from './sqlite-wal.js';
import { WriteTxnImpl } from './txn.js';
import { readFully, type Vfs, type VfsFile } from './vfs.js';
import { ReadViewImpl } from './view.js';

export interface CoreOptions {
  readonly readonly: boolean;
  readonly fileMustExist: boolean;
  readonly pageSize?: number;
}

const JOURNAL_MAGIC = Buffer.from([0xd9, 0xd5, 0x05, 0xf9, 0x20, 0xa1, 0x63, 0xd7]);

const EMPTY_IMAGE = Buffer.alloc(0);

/** Pages read at once on sequential cache misses. */
const READ_AHEAD = 32;

/** Memory databases: record-buffer bytes allocated between two rebase batches (see above). */
const REBASE_BYTES = 4 << 20;
/** Memory databases: pages rebased per commit while a rebase cycle runs. */
const REBASE_STEP = 64;

function validPageSize(n: number | undefined): number {
  if (n !== undefined && n >= 512 && n <= 65536 && (n & (n - 1)) === 0) return n;
  return 4096;
}

export class StorageCore {
  file: VfsFile | null = null;
  log: HLog | null = null;
  lock: LockFile | null = null;
  walOverlay: { file: VfsFile; index: Map<number, number> } | null = null;
  header!: DbHeader;
  geom!: Geometry;
  readonly cache = new PageCache();
  capacity = 4000;
  private cacheSizeSetting = -16000;
  readonly commitGen = { v: 0 };
  writeTxn: WriteTxnImpl | null = null;
  synchronous: SynchronousLevel = 2;
  walAutocheckpoint = 1000;
  refs = 1;
  readonlyFile = false;
  /** Why writes are refused although the file could be opened for writing. */
  writeRefusal: string | null = null;
  /** Committed pages that are in no file yet (page 1 of a new file database). */
  readonly unlogged = new Set<number>();
  closed = false;
  readView!: ReadViewImpl;
  /** Memory databases: committed pages that may have cells outside a page image. */
  private readonly loosePages = new Set<number>();
  /** Memory databases: pages of the running rebase cycle not rebased yet (rebaseStep). */
  private rebaseQueue: number[] = [];
  private rebaseMark = 0;
  onFinalClose: (() => void) | null = null;
  /** Durability acknowledgements (file databases only). */
  readonly groupCommit: GroupCommit | null;
  /** Unsynced checkpoints into the main file (synchronous = OFF) / how many a sync has covered. */
  private mainDirtyGen = 0;
  private mainSyncedGen = 0;

  private constructor(
    readonly vfs: Vfs | null,
    readonly path: string,
    readonly memory: boolean,
  ) {
    this.groupCommit = memory ? null : new GroupCommit((done) => this.startDurabilitySync(done));
  }

  static openMemory(opts: CoreOptions): StorageCore {
    const core = new StorageCore(null, ':memory:', true);
    core.initNew(opts.pageSize);
    core.readonlyFile = false;
    core.finishInit();
    return core;
  }

  static openFile(vfs: Vfs, path: string, opts: CoreOptions): StorageCore {
    const core = new StorageCore(vfs, path, false);
    core.lock = new LockFile(vfs, path + '-hlock');
    core.lock.acquire(opts.readonly);
    try {
      core.initFile(opts);
      core.finishInit();
    } catch (e) {
      core.closeFiles(false);
      core.lock.release();
      throw e;
    }
    return core;
  }

  private initNew(pageSize: number | undefined): void {
    const h = new DbHeader();
    h.pageSize = validPageSize(pageSize);
    h.pageCount = 1;
    this.header = h;
    this.geom = new Geometry(h.pageSize, 0);
    const p1 = new BtPage(1, PT_TABLE_LEAF);
    this.cache.set(1, p1);
    this.unlogged.add(1);
  }

  private finishInit(): void {
    this.readView = new ReadViewImpl(this);
    this.cacheSize = -16000;
  }

  private initFile(opts: CoreOptions): void {
    const vfs = this.vfs!;
    const path = this.path;
    const exists = vfs.exists(path);
    if (!exists && (opts.readonly || opts.fileMustExist)) throw new SqliteError('unable to open database file', 'SQLITE_CANTOPEN');
    try {
      this.file = vfs.open(path, opts.readonly ? 'r' : 'rwc');
    } catch (e) {
      throw ioError(e, 'open');
    }
    this.readonlyFile = opts.readonly;
    this.checkHotJournal(path + '-journal');
    let header = this.readFileHeader();
    header = this.handleSqliteWal(header, opts.readonly);
    const log = HLog.open(vfs, path + '-hlog', header ? header.pageSize : 0, !opts.readonly);
    this.log = log;
    if (log.recoveredHeader) header = DbHeader.parse(log.recoveredHeader, 0, undefined);
    if (!header) {
      this.initNew(opts.pageSize);
      log.pageSize = this.header.pageSize;
    } else {
      if (!log.recoveredHeader && !this.walOverlay) {
        const filePages = Math.floor(this.fileSize() / header.pageSize);
        if (header.pageCount > filePages) throw corrupt('database file is truncated');
      }
      this.header = header;
      this.geom = new Geometry(header.pageSize, header.reserved);
      log.pageSize = header.pageSize;
      if (header.autoVacuum !== 0 || header.incrementalVacuum !== 0) {
        this.writeRefusal = 'heliosdb-lite does not write auto_vacuum databases (pointer-map pages are not maintained); the database is opened read-only. Run "PRAGMA auto_vacuum=NONE; VACUUM;" with SQLite first to make it writable';
      } else if (header.writeVersion > HELIOS_WRITE_VERSION) {
        this.writeRefusal = `the database file format write version ${header.writeVersion} is newer than this engine supports; the database is opened read-only`;
      }
    }
  }

  private fileSize(): number {
    try {
      return this.file!.size();
    } catch (e) {
      throw ioError(e, 'read');
    }
  }

  private readFileHeader(): DbHeader | null {
    const size = this.fileSize();
    if (size === 0) return null;
    if (size < 100) throw notADatabase();
    const hb = Buffer.alloc(100);
    try {
      readFully(this.file!, hb, 0, 100, 0);
    } catch (e) {
      throw ioError(e, 'read');
    }
    const h = DbHeader.parse(hb, 0, undefined);
    if (h.pageCount === 0 || h.versionValidFor !== h.changeCounter) h.pageCount = Math.floor(size / h.pageSize);
    return h;
  }

  private checkHotJournal(jpath: string): void {
    const vfs = this.vfs!;
    if (!vfs.exists(jpath)) return;
    try {
      const f = vfs.open(jpath, 'r');
      const b = Buffer.alloc(8);
      const n = readFully(f, b, 0, 8, 0);
      f.close();
      if (n === 8 && b.equals(JOURNAL_MAGIC)) {
        throw new SqliteError(
          `database has a hot SQLite rollback journal (${jpath}) from an interrupted transaction; open and close the database once with SQLite to roll it back`,
          'SQLITE_CANTOPEN',
        );
      }
    } catch (e) {
      if (e instanceof SqliteError) throw e;
    }
  }

  /** A SQLite WAL left by stock SQLite: checkpoint it into the main file, or overlay it when read-only. */
  private handleSqliteWal(header: DbHeader | null, readonly: boolean): DbHeader | null {
    const vfs = this.vfs!;
    const walPath = this.path + '-wal';
    if (!header || !vfs.exists(walPath)) return header;
    let wf: VfsFile;
    try {
      wf = vfs.open(walPath, 'r');
    } catch (e) {
      throw ioError(e, 'open');
    }
    const content = readSqliteWal(wf, header.pageSize);
    const ps = header.pageSize;
    if (content.dbSize === 0) {
      wf.close();
      if (!readonly) {
        vfs.unlink(walPath);
        vfs.unlink(this.path + '-shm');
      }
      return header;
    }
    if (readonly) {
      this.walOverlay = { file: wf, index: content.index };
      const off = content.index.get(1);
      let h = header;
      if (off !== undefined) {
        const b = Buffer.alloc(100);
        readFully(wf, b, 0, 100, off);
        h = DbHeader.parse(b, 0, undefined);
      }
      h.pageCount = content.dbSize;
      return h;
    }
    const buf = Buffer.allocUnsafeSlow(ps);
    try {
      for (const [pgno, off] of content.index) {
        if (pgno > content.dbSize) continue;
        readFully(wf, buf, 0, ps, off);
        this.file!.write(buf, 0, ps, (pgno - 1) * ps);
      }
      this.file!.truncate(content.dbSize * ps);
      this.file!.sync();
    } catch (e) {
      throw ioError(e, 'write');
    } finally {
      wf.close();
    }
    vfs.unlink(walPath);
    vfs.unlink(this.path + '-shm');
    return this.readFileHeader();
  }

  get cacheSize(): number {
    return this.cacheSizeSetting;
  }
  set cacheSize(n: number) {
    this.cacheSizeSetting = n;
    const pages = n > 0 ? n : Math.ceil((-n * 1024) / this.header.pageSize);
    this.capacity = Math.max(16, pages);
    this.evict();
  }

  get canWrite(): boolean {
    return !this.readonlyFile && this.writeRefusal === null;
  }

  // ---- page access -------------------------------------------------------------------------

  readPageBytes(pgno: number): Buffer {
    const ps = this.header.pageSize;
    const buf = Buffer.allocUnsafeSlow(ps);
    if (this.log !== null && this.log.readPage(pgno, buf)) return buf;
    if (this.walOverlay !== null) {
      const off = this.walOverlay.index.get(pgno);
      if (off !== undefined) {
        try {
          readFully(this.walOverlay.file, buf, 0, ps, off);
        } catch (e) {
          throw ioError(e, 'read');
        }
        return buf;
      }
    }
    if (this.file === null) {
      buf.fill(0);
      return buf;
    }
    try {
      readFully(this.file, buf, 0, ps, (pgno - 1) * ps);
    } catch (e) {
      throw ioError(e, 'read');
    }
    return buf;
  }

  btPage(pgno: number): BtPage {
    const c = this.cache.get(pgno);
    if (c !== undefined) {
      if (c.kind === 0) {
        c.accessed = true;
        c.warm = true;
        return c;
      }
      const p = decodePage(c.bytes, pgno, this.geom, this.header.pageCount);
      // first use of a read-ahead page: it stays raw (see "Cold reads" above)
      if (!c.accessed && c.durable) {
        c.accessed = true;
        return p;
      }
      // used again: the decoded form is worth keeping, and so are its records
      p.durable = c.durable;
      p.accessed = true;
      p.warm = true;
      this.cache.set(pgno, p);
      return p;
    }
    if (pgno < 1 || pgno > this.header.pageCount) throw corrupt(`page ${pgno} out of range`);
    let bytes: Buffer;
    if (pgno === this.lastMiss + 1) bytes = this.readAhead(pgno);
    else {
      bytes = this.readPageBytes(pgno);
      this.lastMiss = pgno;
    }
    const p = decodePage(bytes, pgno, this.geom, this.header.pageCount);
    const r = new RawPage(pgno, bytes);
    r.durable = true;
    r.accessed = true;
    this.cache.set(pgno, r);
    if (this.cache.size > this.capacity) this.evict();
    return p;
  }

  /** Last page number read from the files (or the end of the last read-ahead run). */
  private lastMiss = -2;

  /**
   * Sequential misses (a scan of a tree whose pages are mostly consecutive, as after a bulk
   * load): read the page and up to READ_AHEAD - 1 following pages of the main file in one call;
   * the others enter the cache as raw, unaccessed pages (decoded when used, evicted first).
   * Stops before a page that is cached, in the log or in the SQLite WAL overlay.
   */
  private readAhead(pgno: number): Buffer {
    const log = this.log;
    this.lastMiss = pgno;
    if (this.file === null || this.walOverlay !== null || (log !== null && log.index.has(pgno))) return this.readPageBytes(pgno);
    const max = this.header.pageCount;
    let k = 1;
    while (k < READ_AHEAD && pgno + k <= max && this.cache.get(pgno + k) === undefined && (log === null || !log.index.has(pgno + k))) k++;
    if (k === 1) return this.readPageBytes(pgno);
    const ps = this.header.pageSize;
    const run = Buffer.allocUnsafeSlow(k * ps);
    let got: number;
    try {
      got = readFully(this.file, run, 0, k * ps, (pgno - 1) * ps);
    } catch (e) {
      throw ioError(e, 'read');
    }
    if (got < k * ps) run.fill(0, got);
    for (let j = 1; j < k; j++) {
      const r = new RawPage(pgno + j, run.subarray(j * ps, (j + 1) * ps));
      r.durable = true;
      this.cache.set(pgno + j, r);
    }
    this.lastMiss = pgno + k - 1;
    if (this.cache.size > this.capacity) this.evict();
    return run.subarray(0, ps);
  }

  rawBytes(pgno: number): Buffer {
    const c = this.cache.get(pgno);
    if (c !== undefined) {
      c.accessed = true;
      return c.kind === 1 ? c.bytes : encodePage(c, this.geom, undefined, false);
    }
    if (pgno < 1 || pgno > this.header.pageCount) throw corrupt(`page ${pgno} out of range`);
    const r = new RawPage(pgno, this.readPageBytes(pgno));
    r.durable = true;
    this.cache.set(pgno, r);
    if (this.cache.size > this.capacity) this.evict();
    return r.bytes;
  }

  /** CLOCK eviction of durable pages down to ~15/16 of the capacity. */
  evict(): void {
    if (this.memory) return;
    const cache = this.cache;
    let excess = cache.size - this.capacity;
    if (excess <= 0) return;
    excess += this.capacity >> 4;
    let budget = cache.size * 2;
    for (const [pgno, p] of cache.entries()) {
      if (excess <= 0 || budget-- <= 0) break;
      if (!p.durable) continue;
      if (p.accessed) {
        p.accessed = false;
        cache.touch(pgno, p);
        continue;
      }
      cache.delete(pgno);
      excess--;
    }
  }

  // ---- transactions ------------------------------------------------------------------------

  beginWrite(): WriteTxnImpl {
    this.checkOpen();
    if (this.writeRefusal) throw new SqliteError(this.writeRefusal, 'SQLITE_READONLY');
    if (this.readonlyFile) throw new SqliteError('attempt to write a readonly database', 'SQLITE_READONLY');
    if (this.writeTxn) throw new SqliteError('database is locked', 'SQLITE_BUSY');
    const t = new WriteTxnImpl(this);
    this.writeTxn = t;
    return t;
  }

  /** Open concurrent transactions (MVCC step B; txn.ts invariant 4). */
  readonly concurrentTxns = new Set<WriteTxnImpl>();
  /** Per-table rowid high-water marks shared by the concurrent transactions (cleared when none is open). */
  readonly rowidHwm = new Map<number, number | bigint>();

  /**
   * A write transaction that takes no write lock (MVCC step B): any number may be open beside
   * each other (not beside the exclusive writer). It reads the committed state as of now plus
   * its own pages, whatever commits later (txn.ts invariant 4); `commit()` publishes only while
   * nothing committed since it began (else SQLITE_BUSY_SNAPSHOT; the caller replays instead).
   */
  beginConcurrent(): WriteTxnImpl {
    this.checkOpen();
    if (this.writeRefusal) throw new SqliteError(this.writeRefusal, 'SQLITE_READONLY');
    if (this.readonlyFile) throw new SqliteError('attempt to write a readonly database', 'SQLITE_READONLY');
    if (this.writeTxn) throw new SqliteError('database is locked', 'SQLITE_BUSY');
    const t = new WriteTxnImpl(this);
    t.frozen = new Map();
    t.keyInfos = new Map();
    t.rowidHwm = this.rowidHwm;
    t.baseGen = this.commitGen.v;
    t.basePageCount = this.header.pageCount;
    this.concurrentTxns.add(t);
    return t;
  }

  /** Before `t` publishes: every other concurrent transaction keeps the images it replaces (txn.ts invariant 4). */
  private freezeFor(t: WriteTxnImpl): void {
    for (const c of this.concurrentTxns) {
      if (c === t || !c.open) continue;
      const f = c.frozen!;
      const keep = (pgno: number): void => {
        if (pgno > c.basePageCount || f.has(pgno)) return;
        let p = this.cache.get(pgno);
        if (p === undefined) {
          p = new RawPage(pgno, this.readPageBytes(pgno));
          p.durable = true;
        }
        f.set(pgno, p);
      };
      for (const [pgno] of t.dirty) keep(pgno);
      for (const pgno of t.freedLeaves) keep(pgno);
    }
  }

  /** Reused per commit: the page numbers and images handed to the log append. */
  private readonly logPgnos: number[] = [];
  private readonly logImages: Buffer[] = [];

  /** A dirty-page table for a new write transaction: reused, so its slot array is not regrown. */
  private spareDirty: PageCache | null = null;
  takeDirtyTable(): PageCache {
    const d = this.spareDirty;
    if (d === null) return new PageCache();
    this.spareDirty = null;
    return d;
  }
  returnDirtyTable(d: PageCache): void {
    this.spareDirty = d;
  }

  endTxn(t: WriteTxnImpl): void {
    t.close();
    if (this.writeTxn === t) this.writeTxn = null;
    if (t.frozen !== null) {
      t.frozen = null;
      this.concurrentTxns.delete(t);
      if (this.concurrentTxns.size === 0) this.rowidHwm.clear();
    }
  }

  commitTxn(t: WriteTxnImpl): void {
    if (t.frozen !== null && (this.commitGen.v !== t.baseGen || this.writeTxn !== null)) {
      // invariant 4: its pages derive from an older state; the layer above must replay instead
      this.endTxn(t);
      throw new SqliteError('database is locked: another connection committed first; retry the transaction', 'SQLITE_BUSY_SNAPSHOT');
    }
    const h = t.header;
    if (t.dirty.size === 0 && this.unlogged.size === 0 && sameHeader(h, this.header)) {
      this.endTxn(t);
      return;
    }
    // before the log append: a page not cached must still be read at its committed image
    if (this.concurrentTxns.size !== 0) this.freezeFor(t);
    const nh = h.clone();
    nh.changeCounter = (this.header.changeCounter + 1) >>> 0;
    nh.versionValidFor = nh.changeCounter;
    nh.writeVersion = HELIOS_WRITE_VERSION;
    nh.readVersion = 1;
    nh.sqliteVersion = WRITER_VERSION_NUMBER;
    if (!this.memory) {
      const pgnos = this.logPgnos;
      const images = this.logImages;
      let n = 0;
      for (const [pgno, p] of t.dirty) {
        pgnos[n] = pgno;
        images[n++] = p.kind === 0 ? encodePage(p, this.geom, pgno === 1 ? nh : undefined, true) : pageBytes(p, this.geom, pgno === 1 ? nh : undefined);
      }
      for (const pgno of this.unlogged) {
        if (t.dirty.has(pgno)) continue;
        const p = this.cache.get(pgno)!;
        pgnos[n] = pgno;
        images[n++] = pageBytes(p, this.geom, pgno === 1 ? nh : undefined);
      }
      const sync = this.synchronous >= 2;
      try {
        this.log!.append(pgnos, images, n, nh, sync);
      } catch (e) {
        this.endTxn(t);
        throw e;
      } finally {
        // do not keep page images (or, after a big transaction, big arrays) alive
        if (n > 1024) pgnos.length = images.length = 0;
        else images.fill(EMPTY_IMAGE, 0, n);
      }
      this.groupCommit!.noteCommit(sync && this.mainDirtyGen === this.mainSyncedGen);
    }
    const durable = !this.memory;
    for (const [pgno, p] of t.dirty) {
      if (!durable && p.kind === 0 && p.type !== PT_TABLE_INTERIOR) this.loosePages.add(pgno);
      p.durable = durable;
      p.accessed = true;
      if (p.kind === 0) p.warm = true;
      this.cache.set(pgno, p);
    }
    for (const pgno of t.freedLeaves) if (!t.dirty.has(pgno)) this.cache.delete(pgno);
    if (durable) {
      for (const pgno of this.unlogged) {
        const p = this.cache.get(pgno);
        if (p) p.durable = true;
      }
      this.unlogged.clear();
    }
    this.header = nh;
    this.commitGen.v++;
    this.endTxn(t);
    if (!durable && (this.rebaseQueue.length !== 0 || recordBytesAllocated.n - this.rebaseMark > REBASE_BYTES)) this.rebaseStep();
    if (durable && this.walAutocheckpoint > 0 && this.log!.frames >= this.walAutocheckpoint) {
      try {
        this.checkpoint('PASSIVE');
      } catch {
        /* the commit is durable in the log; the next checkpoint retries */
      }
    }
    this.evict();
  }

  /**
   * Memory databases: moves the cells of committed pages from record buffers onto page images,
   * REBASE_STEP pages per call; a new cycle takes every page loose now (see the top comment).
   */
  private rebaseStep(): void {
    let q = this.rebaseQueue;
    if (q.length === 0) {
      q = this.rebaseQueue = [...this.loosePages];
      this.loosePages.clear();
      this.rebaseMark = recordBytesAllocated.n;
    }
    const ps = this.geom.pageSize;
    for (let k = 0; k < REBASE_STEP && q.length !== 0; k++) {
      const p = this.cache.get(q.pop()!);
      if (p !== undefined && p.kind === 0 && hasLooseCells(p, ps)) encodePage(p, this.geom, undefined, true);
    }
  }

  // ---- checkpoint --------------------------------------------------------------------------

  checkpoint(mode: 'PASSIVE' | 'FULL' | 'RESTART' | 'TRUNCATE'): [number, number, number] {
    this.checkOpen();
    if (this.memory) return [0, -1, -1];
    const log = this.log!;
    if (!this.canWrite) return [0, log.frames, 0];
    const frames = log.frames;
    if (log.commits === 0 && log.index.size === 0) {
      if (mode === 'TRUNCATE' && log.file) {
        try {
          log.file.truncate(0);
          log.end = 0;
        } catch (e) {
          throw ioError(e, 'truncate');
        }
      }
      return [0, 0, 0];
    }
    const gc = this.groupCommit!;
    // group commit invariant 5: never reset the log under a sync whose commits only it holds
    const sync = this.synchronous >= 1 || gc.busy;
    const committed = gc.committed;
    if (sync) {
      log.sync();
      if (this.mainDirtyGen === this.mainSyncedGen) gc.markDurable(committed);
    }
    const ps = this.header.pageSize;
    const file = this.file!;
    const entries = [...log.index.entries()].sort((a, b) => a[0] - b[0]);
    const RUN = 64;
    const buf = Buffer.allocUnsafeSlow(ps * RUN);
    try {
      let i = 0;
      while (i < entries.length) {
        const first = entries[i][0];
        let k = 0;
        while (i + k < entries.length && k < RUN && entries[i + k][0] === first + k && first + k <= this.header.pageCount) {
          readFully(log.file!, buf, k * ps, ps, entries[i + k][1]);
          k++;
        }
        if (k === 0) {
          i++;
          continue;
        }
        file.write(buf, 0, k * ps, (first - 1) * ps);
        i += k;
      }
      const hb = this.header.toBuffer();
      file.write(hb, 0, 100, 0);
      const want = this.header.pageCount * ps;
      if (file.size() !== want) file.truncate(want);
      if (sync) file.sync();
    } catch (e) {
      throw ioError(e, 'write');
    }
    if (sync) {
      this.mainSyncedGen = this.mainDirtyGen;
      gc.markDurable(committed);
    } else this.mainDirtyGen++;
    log.reset(mode === 'TRUNCATE');
    return mode === 'TRUNCATE' ? [0, 0, 0] : [0, frames, frames];
  }

  // ---- whole-database operations -----------------------------------------------------------

  serialize(): Uint8Array {
    this.checkOpen();
    const h = this.header;
    const ps = h.pageSize;
    const n = h.pageCount;
    const out = Buffer.alloc(n * ps);
    for (let pgno = 1; pgno <= n; pgno++) {
      const c = this.cache.get(pgno);
      let bytes: Buffer | undefined;
      if (c !== undefined) bytes = pageBytes(c, this.geom, undefined);
      else if (!this.memory) bytes = this.readPageBytes(pgno);
      if (bytes) bytes.copy(out, (pgno - 1) * ps, 0, ps);
    }
    const img = h.clone();
    img.writeVersion = 1;
    img.readVersion = 1;
    img.versionValidFor = img.changeCounter;
    img.write(out, 0);
    return out;
  }

  integrityCheck(trees: readonly { root: number; kind: 'table' | 'index'; keyInfo?: KeyInfo; name: string }[], maxErrors: number): string[] {
    this.checkOpen();
    return integrityCheck(this.readView, this.header, trees, maxErrors);
  }

  private checkOpen(): void {
    if (this.closed) throw new SqliteError('The database connection is not open', 'SQLITE_MISUSE');
  }

  /** Drops one reference; the last one checkpoints, removes the log and releases the lock. */
  release(): void {
    if (this.closed) return;
    if (--this.refs > 0) return;
    if (this.writeTxn) this.endTxn(this.writeTxn);
    let removeLog = false;
    let failure: Error | null = null;
    if (!this.memory && this.log) {
      if (this.canWrite) {
        try {
          this.checkpoint('TRUNCATE');
          removeLog = true;
        } catch (e) {
          failure = e instanceof Error ? e : new Error(String(e));
          removeLog = false;
        }
      }
    }
    this.endGroupCommit(failure);
    this.closeFiles(removeLog);
    this.lock?.release();
    this.cache.clear();
    this.closed = true;
    this.onFinalClose?.();
  }

  /**
   * One durability sync for group commit: the log, plus the main file when an unsynced
   * checkpoint put committed pages there. Reports once both finished (the first error).
   */
  private startDurabilitySync(done: (err: Error | null) => void): void {
    const files: VfsFile[] = [];
    if (this.log !== null && this.log.file !== null) files.push(this.log.file);
    const mainGen = this.mainDirtyGen;
    const syncMain = mainGen !== this.mainSyncedGen && this.file !== null;
    if (syncMain) files.push(this.file!);
    if (files.length === 0) {
      setImmediate(done, null);
      return;
    }
    let left = files.length;
    let first: Error | null = null;
    const one = (err: Error | null): void => {
      if (err !== null && first === null) first = err;
      if (--left !== 0) return;
      if (first === null && syncMain && mainGen > this.mainSyncedGen) this.mainSyncedGen = mainGen;
      done(first);
    };
    for (const f of files) f.syncAsync(one);
  }

  private endGroupCommit(cause: Error | null): void {
    const gc = this.groupCommit;
    if (gc === null) return;
    gc.shutdown(cause);
  }

  private closeFiles(removeLog: boolean): void {
    this.log?.close(removeLog);
    this.log = null;
    if (this.walOverlay) {
      try {
        this.walOverlay.file.close();
      } catch {
        /* ignore */
      }
      this.walOverlay = null;
    }
    if (this.file) {
      try {
        this.file.close();
      } catch {
        /* ignore */
      }
      this.file = null;
    }
  }

  /** For crash tests: forget everything without writing (as if the process died). */
  abandon(): void {
    this.endGroupCommit(new Error('the database was abandoned'));
    this.closed = true;
    this.cache.clear();
    this.onFinalClose?.();
  }
}

/** Whether some cell's payload is not on a page image (see encodeLeafCells). */
function hasLooseCells(p: BtPage, pageSize: number): boolean {
  if (p.type === PT_TABLE_INTERIOR) return false;
  const bufs = p.bufs;
  for (let i = 0; i < p.n; i++) if (bufs[i].length !== pageSize) return true;
  return false;
}

function sameHeader(a: DbHeader, b: DbHeader): boolean {
  return (
    a.pageCount === b.pageCount &&
    a.freelistTrunk === b.freelistTrunk &&
    a.freelistCount === b.freelistCount &&
    a.schemaCookie === b.schemaCookie &&
    a.userVersion === b.userVersion &&
    a.applicationId === b.applicationId &&
    a.defaultCacheSize === b.defaultCacheSize
  );
}
