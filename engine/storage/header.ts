/**
 * The 100-byte SQLite database header at the start of page 1 (file format section 1.3).
 *
 *  off size field                         this engine
 *    0  16  "SQLite format 3\0"            checked (else SQLITE_NOTADB)
 *   16   2  page size, BE; 1 means 65536   512..65536, power of two
 *   18   1  file format write version      we write 3 (see below); 1 or 2 from stock SQLite
 *   19   1  file format read version       we write 1; > 2 is refused (SQLITE_NOTADB)
 *   20   1  reserved bytes per page        honoured (usable size = page size - reserved)
 *   21   3  payload fractions 64, 32, 32   checked
 *   24   4  file change counter            +1 per commit
 *   28   4  database size in pages         valid when offset 92 equals offset 24
 *   32   4  first freelist trunk page
 *   36   4  number of freelist pages
 *   40   4  schema cookie                  set by the layers above
 *   44   4  schema format number           4 for new databases (1..4 accepted)
 *   48   4  default page cache size
 *   52   4  largest root page (auto-vacuum) non-zero: the file is opened read-only
 *   56   4  text encoding                  1 = UTF-8; 2, 3 (UTF-16) refused with a clear error
 *   60   4  user version
 *   64   4  incremental-vacuum flag
 *   68   4  application id
 *   72  20  reserved, zero
 *   92   4  version-valid-for               = change counter
 *   96   4  SQLITE_VERSION_NUMBER of the last writer
 *
 * Deviation: the write version byte is 3 in files this engine writes, so stock SQLite opens them
 * read-only (it refuses to write a file whose write version exceeds 2) and can never corrupt
 * them behind our log; the read version stays 1 so that it can read them. `serialize()` images
 * carry write version 1 so SQLite may write those.
 */
import { SqliteError } from '../common/errors.js';
import type { HeaderFields } from './api.js';
import { notADatabase } from './errors.js';

export const HEADER_SIZE = 100;
export const MAGIC = 'SQLite format 3\0';
/** Our write-version byte; stock SQLite treats write versions above 2 as read-only. */
export const HELIOS_WRITE_VERSION = 3;
export const WRITER_VERSION_NUMBER = 3046000;

export class DbHeader implements HeaderFields {
  pageSize = 4096;
  writeVersion = HELIOS_WRITE_VERSION;
  readVersion = 1;
  reserved = 0;
  changeCounter = 0;
  pageCount = 0;
  freelistTrunk = 0;
  freelistCount = 0;
  schemaCookie = 0;
  schemaFormat = 4;
  defaultCacheSize = 0;
  autoVacuum = 0;
  textEncoding = 1;
  userVersion = 0;
  incrementalVacuum = 0;
  applicationId = 0;
  versionValidFor = 0;
  sqliteVersion = WRITER_VERSION_NUMBER;

  get usableSize(): number {
    return this.pageSize - this.reserved;
  }

  clone(): DbHeader {
    return new DbHeader().copyFrom(this);
  }

  /** Copies every field of `h` into this header (explicitly: this runs at every savepoint). */
  copyFrom(h: DbHeader): this {
    this.pageSize = h.pageSize;
    this.writeVersion = h.writeVersion;
    this.readVersion = h.readVersion;
    this.reserved = h.reserved;
    this.changeCounter = h.changeCounter;
    this.pageCount = h.pageCount;
    this.freelistTrunk = h.freelistTrunk;
    this.freelistCount = h.freelistCount;
    this.schemaCookie = h.schemaCookie;
    this.schemaFormat = h.schemaFormat;
    this.defaultCacheSize = h.defaultCacheSize;
    this.autoVacuum = h.autoVacuum;
    this.textEncoding = h.textEncoding;
    this.userVersion = h.userVersion;
    this.incrementalVacuum = h.incrementalVacuum;
    this.applicationId = h.applicationId;
    this.versionValidFor = h.versionValidFor;
    this.sqliteVersion = h.sqliteVersion;
    return this;
  }

  /** Writes the 100 header bytes at `buf[off]`. */
  write(buf: Buffer, off = 0): void {
    buf.write(MAGIC, off, 16, 'latin1');
    buf.writeUInt16BE(this.pageSize === 65536 ? 1 : this.pageSize, off + 16);
    buf[off + 18] = this.writeVersion;
    buf[off + 19] = this.readVersion;
    buf[off + 20] = this.reserved;
    buf[off + 21] = 64;
    buf[off + 22] = 32;
    buf[off + 23] = 32;
    buf.writeUInt32BE(this.changeCounter >>> 0, off + 24);
    buf.writeUInt32BE(this.pageCount >>> 0, off + 28);
    buf.writeUInt32BE(this.freelistTrunk >>> 0, off + 32);
    buf.writeUInt32BE(this.freelistCount >>> 0, off + 36);
    buf.writeUInt32BE(this.schemaCookie >>> 0, off + 40);
    buf.writeUInt32BE(this.schemaFormat >>> 0, off + 44);
    buf.writeInt32BE(this.defaultCacheSize | 0, off + 48);
    buf.writeUInt32BE(this.autoVacuum >>> 0, off + 52);
    buf.writeUInt32BE(this.textEncoding >>> 0, off + 56);
    buf.writeInt32BE(this.userVersion | 0, off + 60);
    buf.writeUInt32BE(this.incrementalVacuum >>> 0, off + 64);
    buf.writeInt32BE(this.applicationId | 0, off + 68);
    buf.fill(0, off + 72, off + 92);
    buf.writeUInt32BE(this.versionValidFor >>> 0, off + 92);
    buf.writeUInt32BE(this.sqliteVersion >>> 0, off + 96);
  }

  toBuffer(): Buffer {
    const b = Buffer.alloc(HEADER_SIZE);
    this.write(b);
    return b;
  }

  /**
   * Parses and validates a header. `filePages` is the file size in pages, used when the header's
   * page count is not valid (version-valid-for differs from the change counter, as for files
   * written by SQLite before 3.7.0).
   */
  static parse(buf: Buffer, off: number, filePages: number | undefined): DbHeader {
    if (buf.length - off < HEADER_SIZE || buf.toString('latin1', off, off + 16) !== MAGIC) throw notADatabase();
    const h = new DbHeader();
    const ps = buf.readUInt16BE(off + 16);
    h.pageSize = ps === 1 ? 65536 : ps;
    if (h.pageSize < 512 || h.pageSize > 65536 || (h.pageSize & (h.pageSize - 1)) !== 0) throw notADatabase();
    h.writeVersion = buf[off + 18];
    h.readVersion = buf[off + 19];
    if (h.readVersion > 2 || h.readVersion < 1) throw notADatabase();
    h.reserved = buf[off + 20];
    if (h.pageSize - h.reserved < 480) throw notADatabase();
    if (buf[off + 21] !== 64 || buf[off + 22] !== 32 || buf[off + 23] !== 32) throw notADatabase();
    h.changeCounter = buf.readUInt32BE(off + 24);
    h.pageCount = buf.readUInt32BE(off + 28);
    h.freelistTrunk = buf.readUInt32BE(off + 32);
    h.freelistCount = buf.readUInt32BE(off + 36);
    h.schemaCookie = buf.readUInt32BE(off + 40);
    h.schemaFormat = buf.readUInt32BE(off + 44);
    h.defaultCacheSize = buf.readInt32BE(off + 48);
    h.autoVacuum = buf.readUInt32BE(off + 52);
    h.textEncoding = buf.readUInt32BE(off + 56);
    h.userVersion = buf.readInt32BE(off + 60);
    h.incrementalVacuum = buf.readUInt32BE(off + 64);
    h.applicationId = buf.readInt32BE(off + 68);
    h.versionValidFor = buf.readUInt32BE(off + 92);
    h.sqliteVersion = buf.readUInt32BE(off + 96);
    if (h.schemaFormat > 4) throw notADatabase();
    if (h.textEncoding === 2 || h.textEncoding === 3) {
      throw new SqliteError(
        `unsupported file format: the database uses ${h.textEncoding === 2 ? 'UTF-16le' : 'UTF-16be'} text encoding; heliosdb-lite supports UTF-8 databases only`,
        'SQLITE_CANTOPEN',
      );
    }
    if (h.textEncoding === 0) h.textEncoding = 1;
    if (h.textEncoding !== 1) throw notADatabase();
    if (filePages !== undefined && (h.pageCount === 0 || h.versionValidFor !== h.changeCounter)) h.pageCount = filePages;
    return h;
  }
}
