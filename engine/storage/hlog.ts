/**
 * heliosdb-lite's write-ahead log, the file `<database>-hlog` (never `-wal`, `-shm` or `-journal`,
 * so SQLite never mistakes it for its own). All integers little-endian.
 *
 * Log header (32 bytes, at offset 0):
 *    0 u32 magic 0x484C4F47 ("GOLH" on disk)      16 u32 salt-1 (+1 at every reset)
 *    4 u32 format version (1)                      20 u32 salt-2 (random at every reset)
 *    8 u32 database page size                      24 u32 checksum-1 over bytes 0..23
 *   12 u32 checkpoint sequence (+1 at every reset) 28 u32 checksum-2
 *
 * Frames follow back to back. Frame header (24 bytes):
 *    0 u32 page number; 0 marks a commit record     8 u32 salt-1 (copy of the header's)
 *    4 u32 commit record: page frames in the txn;  12 u32 salt-2
 *          page frame: 0                           16 u32 checksum-1
 *                                                  20 u32 checksum-2
 * then the payload: a page frame carries the page image (page size bytes); a commit record
 * carries 104 bytes: the 100-byte database header as of the commit (page count, freelist,
 * schema cookie, change counter, ...) and a u32 commit sequence number.
 *
 * Checksum: SQLite's WAL algorithm (checksum.ts), running: it starts from the header's checksum
 * and each frame's checksum covers frame-header bytes 0..15 and the payload, continuing from the
 * previous frame's. A frame is valid when its salts equal the header's and its checksum matches.
 *
 * Recovery (`HLog.open`): read the header (an invalid header means an empty log); read frames in
 * order while valid; page frames are pending until a commit record makes them (and the header
 * image) committed. The first invalid frame ends the log: a torn tail, or frames left from an
 * earlier generation (stale salt). New frames are appended at the end of the last valid commit.
 *
 * Reset (after a checkpoint has copied every committed page into the main file and synced it):
 * write a new header with salt-1 + 1 and a new random salt-2, so every old frame becomes stale.
 * Invariants: (1) a page's latest committed image is in the log iff `index` has it; (2) the log
 * is only reset after the main file holds (and, when synchronous > OFF, has synced) every
 * committed page; (3) nothing after `end` is committed.
 */
import { randomInt } from 'node:crypto';
import { checksum, ckState } from './checksum.js';
import { ioError } from './errors.js';
import type { DbHeader } from './header.js';
import { readFully, type Vfs, type VfsFile } from './vfs.js';

export const LOG_MAGIC = 0x484c4f47;
export const LOG_VERSION = 1;
export const LOG_HEADER_SIZE = 32;
export const FRAME_HEADER_SIZE = 24;
export const COMMIT_PAYLOAD = 104;
const CHUNK = 8 << 20;
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/**
 * checksum.ts's algorithm over one frame in a word view: header words 0..3 (`w`..`w+3`), then
 * the payload from word `w+6` to `end`; result in ckState. A small function of its own so that
 * it is optimised early (a loop inside the larger append() runs interpreted for a while).
 */
function frameChecksum(words: Int32Array, w: number, end: number, s0: number, s1: number): void {
  let a = (s0 + words[w] + s1) | 0;
  let b = (s1 + words[w + 1] + a) | 0;
  a = (a + words[w + 2] + b) | 0;
  b = (b + words[w + 3] + a) | 0;
  for (let k = w + 6; k < end; k += 2) {
    a = (a + words[k] + b) | 0;
    b = (b + words[k + 1] + a) | 0;
  }
  ckState.s0 = a >>> 0;
  ckState.s1 = b >>> 0;
}

export class HLog {
  file: VfsFile | null = null;
  /** pgno -> file offset of the latest committed image (payload start). */
  index = new Map<number, number>();
  /** Where the next frame goes; 0 = the header must be (re)written first. */
  end = 0;
  s0 = 0;
  s1 = 0;
  salt1 = 0;
  salt2 = 0;
  seq = 0;
  /** Page frames written since the last reset (committed ones). */
  frames = 0;
  commits = 0;
  /** Database header of the last committed transaction found by recovery. */
  recoveredHeader: Buffer | null = null;
  /** Reused buffer for building frames, and a word view of it (little-endian hosts). */
  private scratch: Buffer | null = null;
  private words: Int32Array | null = null;
  /** Reused: file offsets of the page frames of the append in progress. */
  private readonly offsets: number[] = [];

  constructor(
    readonly vfs: Vfs,
    readonly path: string,
    public pageSize: number,
  ) {}

  /** Opens (if present) and recovers the log. `pageSize` 0 = take it from the log header. */
  static open(vfs: Vfs, path: string, pageSize: number, writable: boolean): HLog {
    const log = new HLog(vfs, path, pageSize);
    if (!vfs.exists(path)) return log;
    let f: VfsFile;
    try {
      f = vfs.open(path, writable ? 'rw' : 'r');
    } catch (e) {
      throw ioError(e, 'open');
    }
    log.file = f;
    log.recover();
    return log;
  }

  private recover(): void {
    const f = this.file!;
    let size: number;
    const hdr = Buffer.allocUnsafeSlow(LOG_HEADER_SIZE);
    try {
      size = f.size();
      if (size < LOG_HEADER_SIZE) return;
      readFully(f, hdr, 0, LOG_HEADER_SIZE, 0);
    } catch (e) {
      throw ioError(e, 'read');
    }
    if (hdr.readUInt32LE(0) !== LOG_MAGIC || hdr.readUInt32LE(4) !== LOG_VERSION) return;
    checksum(hdr, 0, 24, 0, 0);
    if (ckState.s0 !== hdr.readUInt32LE(24) || ckState.s1 !== hdr.readUInt32LE(28)) return;
    const ps = hdr.readUInt32LE(8);
    if (ps < 512 || ps > 65536 || (ps & (ps - 1)) !== 0) return;
    if (this.pageSize !== 0 && ps !== this.pageSize) return; // a log of another database image: stale
    this.pageSize = ps;
    this.seq = hdr.readUInt32LE(12);
    this.salt1 = hdr.readUInt32LE(16);
    this.salt2 = hdr.readUInt32LE(20);
    let s0 = ckState.s0;
    let s1 = ckState.s1;
    this.s0 = s0;
    this.s1 = s1;
    this.end = LOG_HEADER_SIZE;
    const frameSize = FRAME_HEADER_SIZE + ps;
    const buf = Buffer.allocUnsafeSlow(frameSize);
    const pending: [number, number][] = [];
    let off = LOG_HEADER_SIZE;
    for (;;) {
      if (off + FRAME_HEADER_SIZE + COMMIT_PAYLOAD > size) break;
      let got: number;
      try {
        got = readFully(f, buf, 0, Math.min(frameSize, size - off), off);
      } catch (e) {
        throw ioError(e, 'read');
      }
      const pgno = buf.readUInt32LE(0);
      const plen = pgno === 0 ? COMMIT_PAYLOAD : ps;
      if (got < FRAME_HEADER_SIZE + plen) break;
      if (buf.readUInt32LE(8) !== this.salt1 || buf.readUInt32LE(12) !== this.salt2) break;
      checksum(buf, 0, 16, s0, s1);
      checksum(buf, FRAME_HEADER_SIZE, plen, ckState.s0, ckState.s1);
      if (ckState.s0 !== buf.readUInt32LE(16) || ckState.s1 !== buf.readUInt32LE(20)) break;
      s0 = ckState.s0;
      s1 = ckState.s1;
      if (pgno === 0) {
        if (buf.readUInt32LE(4) !== pending.length) break;
        for (const [p, o] of pending) this.index.set(p, o);
        this.frames += pending.length;
        pending.length = 0;
        this.recoveredHeader = Buffer.from(buf.subarray(FRAME_HEADER_SIZE, FRAME_HEADER_SIZE + 100));
        this.commits++;
        off += FRAME_HEADER_SIZE + COMMIT_PAYLOAD;
        this.end = off;
        this.s0 = s0;
        this.s1 = s1;
      } else {
        pending.push([pgno, off + FRAME_HEADER_SIZE]);
        off += frameSize;
      }
    }
  }

  private ensureFile(): VfsFile {
    if (this.file) return this.file;
    try {
      this.file = this.vfs.open(this.path, 'rwc');
    } catch (e) {
      throw ioError(e, 'open');
    }
    return this.file;
  }

  private headerBytes(): Buffer {
    const b = Buffer.allocUnsafeSlow(LOG_HEADER_SIZE);
    b.writeUInt32LE(LOG_MAGIC, 0);
    b.writeUInt32LE(LOG_VERSION, 4);
    b.writeUInt32LE(this.pageSize, 8);
    b.writeUInt32LE(this.seq >>> 0, 12);
    b.writeUInt32LE(this.salt1 >>> 0, 16);
    b.writeUInt32LE(this.salt2 >>> 0, 20);
    checksum(b, 0, 24, 0, 0);
    b.writeUInt32LE(ckState.s0, 24);
    b.writeUInt32LE(ckState.s1, 28);
    return b;
  }

  /**
   * Appends one transaction: page frames for `pgnos[i]` / `images[i]` (i < n) and a commit record
   * carrying `dbHeader`, in as few writes as possible (one, up to CHUNK bytes), then syncs if
   * asked. On failure nothing is committed (the in-memory state is unchanged and the next append
   * overwrites the partial frames). Hot path of every commit: no allocation once the scratch
   * buffer has grown; frame words are written and checksummed through an Int32Array view of it.
   */
  append(pgnos: readonly number[], images: readonly Buffer[], n: number, dbHeader: DbHeader, sync: boolean): void {
    const f = this.ensureFile();
    if (this.end === 0) this.startGeneration(f);
    const ps = this.pageSize;
    const frameSize = FRAME_HEADER_SIZE + ps;
    const start = this.end;
    let s0 = this.s0;
    let s1 = this.s1;
    const salt1 = this.salt1 >>> 0;
    const salt2 = this.salt2 >>> 0;
    const total = n * frameSize + FRAME_HEADER_SIZE + COMMIT_PAYLOAD;
    const chunkCap = Math.max(frameSize + FRAME_HEADER_SIZE + COMMIT_PAYLOAD, Math.min(total, CHUNK));
    if (this.scratch === null || this.scratch.length < chunkCap) {
      this.scratch = Buffer.allocUnsafeSlow(Math.max(chunkCap, 4 * frameSize));
      this.words = LITTLE_ENDIAN ? new Int32Array(this.scratch.buffer, 0, this.scratch.length >>> 2) : null;
    }
    const buf = this.scratch;
    const words = this.words;
    const offsets = this.offsets;
    let used = 0;
    let pos = start;
    let phase: 'write' | 'fsync' = 'write';
    try {
      for (let i = 0; i <= n; i++) {
        const commit = i === n;
        const plen = commit ? COMMIT_PAYLOAD : ps;
        if (used + FRAME_HEADER_SIZE + plen > chunkCap) {
          f.write(buf, 0, used, pos);
          pos += used;
          used = 0;
        }
        const o = used;
        const pgno = commit ? 0 : pgnos[i];
        const count = commit ? n : 0;
        if (words !== null) {
          const w = o >>> 2; // frames start at multiples of 8 (header 24, page sizes, payload 104)
          words[w] = pgno;
          words[w + 1] = count;
          words[w + 2] = salt1;
          words[w + 3] = salt2;
        } else {
          buf.writeUInt32LE(pgno, o);
          buf.writeUInt32LE(count, o + 4);
          buf.writeUInt32LE(salt1, o + 8);
          buf.writeUInt32LE(salt2, o + 12);
        }
        if (commit) {
          dbHeader.write(buf, o + FRAME_HEADER_SIZE);
          buf.writeUInt32LE((this.commits + 1) >>> 0, o + FRAME_HEADER_SIZE + 100);
        } else {
          images[i].copy(buf, o + FRAME_HEADER_SIZE, 0, ps);
          offsets[i] = pos + o + FRAME_HEADER_SIZE;
        }
        if (words !== null) {
          const w = o >>> 2;
          frameChecksum(words, w, w + ((FRAME_HEADER_SIZE + plen) >>> 2), s0, s1);
          s0 = ckState.s0;
          s1 = ckState.s1;
          words[w + 4] = s0;
          words[w + 5] = s1;
        } else {
          checksum(buf, o, 16, s0, s1);
          checksum(buf, o + FRAME_HEADER_SIZE, plen, ckState.s0, ckState.s1);
          s0 = ckState.s0;
          s1 = ckState.s1;
          buf.writeUInt32LE(s0, o + 16);
          buf.writeUInt32LE(s1, o + 20);
        }
        used += FRAME_HEADER_SIZE + plen;
      }
      f.write(buf, 0, used, pos);
      pos += used;
      phase = 'fsync';
      if (sync) f.sync();
    } catch (e) {
      // Make a fully written but unsynced commit record unrecognisable, best effort.
      try {
        f.write(Buffer.alloc(FRAME_HEADER_SIZE), 0, FRAME_HEADER_SIZE, start);
      } catch {
        /* the log stays as it is; the next append overwrites it */
      }
      throw ioError(e, phase);
    }
    const index = this.index;
    for (let i = 0; i < n; i++) index.set(pgnos[i], offsets[i]);
    if (n > 1024) offsets.length = 0;
    this.end = pos;
    this.s0 = s0;
    this.s1 = s1;
    this.frames += n;
    this.commits++;
  }

  /**
   * First append after a reset (or into a new log): a new salt-2 and a new header, so that every
   * frame of the previous generation is stale. The log then holds a valid header and no frame
   * (an empty log for recovery); `end` and the running checksum start after it. Kept out of
   * append() so that its rare path does not deoptimise the hot one.
   */
  private startGeneration(f: VfsFile): void {
    if (this.salt2 === 0 && this.salt1 === 0) this.salt1 = randomInt(0x7fffffff);
    this.salt2 = randomInt(1, 0x7fffffff);
    const header = this.headerBytes();
    const s0 = ckState.s0;
    const s1 = ckState.s1;
    try {
      f.write(header, 0, LOG_HEADER_SIZE, 0);
    } catch (e) {
      throw ioError(e, 'write');
    }
    this.end = LOG_HEADER_SIZE;
    this.s0 = s0;
    this.s1 = s1;
  }

  /** Reads the latest committed image of `pgno` into `buf`; false if the log does not hold it. */
  readPage(pgno: number, buf: Buffer): boolean {
    const off = this.index.get(pgno);
    if (off === undefined) return false;
    try {
      readFully(this.file!, buf, 0, this.pageSize, off);
    } catch (e) {
      throw ioError(e, 'read');
    }
    return true;
  }

  sync(): void {
    if (!this.file) return;
    try {
      this.file.sync();
    } catch (e) {
      throw ioError(e, 'fsync');
    }
  }

  /** Starts a new generation: every existing frame becomes stale. */
  reset(truncate: boolean): void {
    this.index.clear();
    this.frames = 0;
    this.commits = 0;
    this.recoveredHeader = null;
    this.salt1 = (this.salt1 + 1) >>> 0;
    this.seq = (this.seq + 1) >>> 0;
    this.end = 0;
    if (!this.file) return;
    try {
      if (truncate) this.file.truncate(0);
      else {
        // Invalidate the old header so a crash cannot resurrect frames; the next append writes a new one.
        this.file.write(Buffer.alloc(LOG_HEADER_SIZE), 0, LOG_HEADER_SIZE, 0);
      }
    } catch (e) {
      throw ioError(e, 'write');
    }
  }

  close(remove: boolean): void {
    if (this.file) {
      try {
        this.file.close();
      } catch {
        /* ignore */
      }
      this.file = null;
    }
    if (remove) {
      try {
        this.vfs.unlink(this.path);
      } catch {
        /* ignore */
      }
    }
  }
}
