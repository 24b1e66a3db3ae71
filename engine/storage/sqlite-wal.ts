/**
 * Reader for SQLite's own WAL file (`<database>-wal`, wal.c), used when a database that stock
 * SQLite left in WAL mode has an un-checkpointed WAL: its committed frames must not be ignored.
 *
 * WAL header (32 bytes, big-endian): magic 0x377f0682/0x377f0683 (low bit: checksum words are
 * big-endian), format 3007000, page size, checkpoint sequence, salt-1, salt-2, checksum-1,
 * checksum-2 over bytes 0..23. Frames: 24-byte header (page number, database size in pages for a
 * commit frame else 0, salt-1, salt-2, checksum-1, checksum-2 over header bytes 0..7 and the page,
 * running) followed by the page. Valid frames up to the last commit frame are committed.
 */
import { ckState, sqliteWalChecksum } from './checksum.js';
import { ioError } from './errors.js';
import { readFully, type VfsFile } from './vfs.js';

export interface SqliteWalContent {
  /** pgno -> file offset of the page image of its latest committed frame. */
  index: Map<number, number>;
  /** Database size in pages after the last commit (0 if no commit). */
  dbSize: number;
}

export function readSqliteWal(f: VfsFile, pageSize: number): SqliteWalContent {
  const out: SqliteWalContent = { index: new Map(), dbSize: 0 };
  let size: number;
  const hdr = Buffer.alloc(32);
  try {
    size = f.size();
    if (size < 32) return out;
    readFully(f, hdr, 0, 32, 0);
  } catch (e) {
    throw ioError(e, 'read');
  }
  const magic = hdr.readUInt32BE(0);
  if ((magic & 0xfffffffe) !== 0x377f0682 || hdr.readUInt32BE(4) !== 3007000) return out;
  const be = (magic & 1) === 1;
  const ps = hdr.readUInt32BE(8);
  if (ps !== pageSize) return out;
  sqliteWalChecksum(hdr, 0, 24, 0, 0, be);
  if (ckState.s0 !== hdr.readUInt32BE(24) || ckState.s1 !== hdr.readUInt32BE(28)) return out;
  let s0 = ckState.s0;
  let s1 = ckState.s1;
  const salt1 = hdr.readUInt32BE(16);
  const salt2 = hdr.readUInt32BE(20);
  const frame = Buffer.alloc(24 + ps);
  const pending: [number, number][] = [];
  for (let off = 32; off + 24 + ps <= size; off += 24 + ps) {
    try {
      readFully(f, frame, 0, 24 + ps, off);
    } catch (e) {
      throw ioError(e, 'read');
    }
    if (frame.readUInt32BE(8) !== salt1 || frame.readUInt32BE(12) !== salt2) break;
    const pgno = frame.readUInt32BE(0);
    if (pgno === 0) break;
    sqliteWalChecksum(frame, 0, 8, s0, s1, be);
    sqliteWalChecksum(frame, 24, ps, ckState.s0, ckState.s1, be);
    if (ckState.s0 !== frame.readUInt32BE(16) || ckState.s1 !== frame.readUInt32BE(20)) break;
    s0 = ckState.s0;
    s1 = ckState.s1;
    pending.push([pgno, off + 24]);
    const commit = frame.readUInt32BE(4);
    if (commit !== 0) {
      for (const [p, o] of pending) out.index.set(p, o);
      pending.length = 0;
      out.dbSize = commit;
    }
  }
  return out;
}
