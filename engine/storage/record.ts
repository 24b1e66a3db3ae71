/**
 * SQLite record format (file format section 2.1).
 *
 *   record  := header body
 *   header  := varint(headerSize incl. itself) varint(serialType)*
 *   body    := the column values, in order, each serialType-sized, big-endian
 *
 * Serial types: 0 NULL; 1,2,3,4,5,6 = big-endian two's complement integers of 1,2,3,4,6,8 bytes;
 * 7 = IEEE 754 double, big-endian; 8 = integer 0, 9 = integer 1 (schema format 4 only);
 * 10, 11 reserved (corrupt); N >= 12 even = BLOB of (N-12)/2 bytes; N >= 13 odd = TEXT of
 * (N-13)/2 bytes, UTF-8 (the only text encoding this engine supports).
 *
 * Values map to `SqlValue` (engine/common/value.ts): integers come back as safe numbers or
 * bigints, doubles with an integral value as `Real` boxes, NaN as NULL, BLOBs as fresh Buffers
 * (never views of a page), TEXT as strings.
 */
import { Real, type SqlValue } from '../common/value.js';
import { corrupt } from './errors.js';
import { getVarint32, putVarint, varintLen, varintLength } from './varint.js';

const TWO32 = 4294967296;

/** Serial type of a value; `fmt4` allows the constant types 8 and 9 (schema format 4). */
export function serialType(v: SqlValue, fmt4: boolean): number {
  if (v === null) return 0;
  switch (typeof v) {
    case 'number':
      if (Number.isSafeInteger(v)) return intSerialType(v, fmt4);
      return 7;
    case 'bigint':
      return 6;
    case 'string':
      return 13 + 2 * utf8Length(v);
    default:
      if (v instanceof Real) return 7;
      return 12 + 2 * v.length;
  }
}

function intSerialType(v: number, fmt4: boolean): number {
  if (v === 0 && fmt4) return 8;
  if (v === 1 && fmt4) return 9;
  if (v >= -128 && v <= 127) return 1;
  if (v >= -32768 && v <= 32767) return 2;
  if (v >= -8388608 && v <= 8388607) return 3;
  if (v >= -2147483648 && v <= 2147483647) return 4;
  if (v >= -140737488355328 && v <= 140737488355327) return 5;
  return 6;
}

const SIZE_OF_SMALL = [0, 1, 2, 3, 4, 6, 8, 8, 0, 0, 0, 0];

/** Content size in bytes of a serial type. */
export function serialTypeSize(t: number): number {
  if (t < 12) return SIZE_OF_SMALL[t];
  return (t - 12) >>> 1;
}

/** UTF-8 byte length of a JS string (lone surrogates count 3, as Buffer encodes U+FFFD). */
export function utf8Length(s: string): number {
  const n = s.length;
  if (n > 64) return Buffer.byteLength(s, 'utf8');
  let len = n;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) len += 1;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < n) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        len += 2;
        i++;
      } else len += 2;
    } else len += 2;
  }
  return len;
}

let typesScratch = new Float64Array(64);
let measuredHdrSize = 0;
let measuredSize = 0;
let measuredPlain = true;

/** Size in bytes of the record last encoded by encodeRecord or encodeRecordShared. */
export function recordSize(): number {
  return measuredSize;
}

/**
 * Whether the record last encoded holds only NULLs, numbers, REAL boxes of safe integers and
 * ASCII TEXT: decoding it gives back its values (decodedForm needs no checks).
 */
export function recordPlain(): boolean {
  return measuredPlain;
}

/** Serial types of `values` into typesScratch; returns the record size (header size in measuredHdrSize). */
function measure(values: readonly SqlValue[], fmt4: boolean): number {
  const n = values.length;
  let hdr = 0;
  let body = 0;
  if (n > typesScratch.length) typesScratch = new Float64Array(n * 2);
  const types = typesScratch;
  let plain = true;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    let t: number;
    if (typeof v === 'number' && Number.isSafeInteger(v)) {
      t = intSerialType(v, fmt4);
      body += SIZE_OF_SMALL[t];
      hdr++;
    } else {
      t = serialType(v, fmt4);
      hdr += t < 128 ? 1 : varintLen(t);
      body += t < 12 ? SIZE_OF_SMALL[t] : (t - 12) >>> 1;
      // TEXT: ASCII when its UTF-8 length is its length; a REAL box must hold a safe integer
      if (plain && v !== null && typeof v !== 'number' && (typeof v === 'string' ? t !== 13 + 2 * v.length : !(v instanceof Real && Number.isSafeInteger(v.value)))) plain = false;
    }
    types[i] = t;
  }
  measuredPlain = plain;
  // header size includes its own varint
  let self = 1;
  while (varintLen(hdr + self) > self) self++;
  measuredHdrSize = hdr + self;
  return (measuredSize = hdr + self + body);
}

/** Writes the record measured last into buf[off, off + size). */
function writeRecord(values: readonly SqlValue[], buf: Buffer, off: number, size: number): void {
  const n = values.length;
  const types = typesScratch;
  const hdrSize = measuredHdrSize;
  let h = off + putVarint(buf, off, hdrSize);
  let b = off + hdrSize;
  for (let i = 0; i < n; i++) {
    const t = types[i];
    if (t < 128) buf[h++] = t;
    else h += putVarint(buf, h, t);
    b = writeValue(buf, b, t, values[i]);
  }
  if (h !== off + hdrSize || b !== off + size) throw new Error('heliosdb-lite internal error: record size mismatch');
}

/** Encodes a row as a record into a new Buffer. */
export function encodeRecord(values: readonly SqlValue[], fmt4 = true): Buffer {
  const size = measure(values, fmt4);
  const buf = Buffer.allocUnsafe(size);
  writeRecord(values, buf, 0, size);
  return buf;
}

/**
 * Record bytes of new cells live in shared append-only chunks (an arena) instead of one Buffer
 * per cell: no per-row Buffer object, and a page refers to a few chunks. Bytes in a chunk are
 * never modified once written. A chunk stays alive while a cell refers to it; file databases
 * move cells onto page images at commit (encodePage with rebase), which releases the chunks;
 * memory databases do so in batches (core.ts, rebaseLoosePages), bounded by the bytes allocated
 * here since the previous batch.
 */
// Not a power of two, so that a chunk is never mistaken for a page image (encodeLeafCells).
const ARENA_CHUNK = 24000;
let arena: Buffer = Buffer.allocUnsafeSlow(ARENA_CHUNK);
let arenaPos = 0;
/** Offset of the record returned by the last encodeRecordShared call. */
export const sharedOffset = { n: 0 };
/** Bytes of record buffers (arena chunks and own buffers) allocated so far, ever increasing. */
export const recordBytesAllocated = { n: 0 };

/** Encodes a record into an arena chunk (or, when large, its own buffer); the offset is in `sharedOffset.n`. */
export function encodeRecordShared(values: readonly SqlValue[], fmt4: boolean): Buffer {
  return writeMeasuredShared(values, measure(values, fmt4));
}

/**
 * Measures the record of `values` (its size; recordPlain() tells whether it is plain); the next
 * writeMeasured/writeMeasuredShared call, which must come before any other record is encoded,
 * writes it.
 */
export function measureRecord(values: readonly SqlValue[], fmt4: boolean): number {
  return measure(values, fmt4);
}

/** Writes the record measured last (by measureRecord) into buf[off, off + size). */
export function writeMeasured(values: readonly SqlValue[], buf: Buffer, off: number, size: number): void {
  writeRecord(values, buf, off, size);
}

/** encodeRecordShared for the record measured last (by measureRecord), of `size` bytes. */
export function writeMeasuredShared(values: readonly SqlValue[], size: number): Buffer {
  if (size > ARENA_CHUNK >>> 3) {
    const own = Buffer.allocUnsafeSlow(size);
    recordBytesAllocated.n += size;
    writeRecord(values, own, 0, size);
    sharedOffset.n = 0;
    return own;
  }
  if (arenaPos + size > ARENA_CHUNK) {
    arena = Buffer.allocUnsafeSlow(ARENA_CHUNK);
    arenaPos = 0;
    recordBytesAllocated.n += ARENA_CHUNK;
  }
  const buf = arena;
  const off = arenaPos;
  arenaPos += size;
  writeRecord(values, buf, off, size);
  sharedOffset.n = off;
  return buf;
}

/** String.prototype.isWellFormed (ES2024; Node 20), when present. */
const isWellFormed = (String.prototype as unknown as { isWellFormed?: () => boolean }).isWellFormed;

/** Whether a string has no lone surrogate (UTF-8 round-trips it unchanged). */
function wellFormed(s: string): boolean {
  if (isWellFormed !== undefined) return isWellFormed.call(s);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xd800 || c > 0xdfff) continue;
    if (c > 0xdbff || i + 1 >= s.length) return false;
    const d = s.charCodeAt(++i);
    if (d < 0xdc00 || d > 0xdfff) return false;
  }
  return true;
}

/**
 * What decodeRecord returns for the record that encodeRecord(values) writes, as a new packed
 * array; undefined when that is not simply the values themselves (a bigint, a BLOB, whose
 * decoded form is a fresh Buffer, a REAL box that decodes otherwise, TEXT with lone
 * surrogates). For caching the decoded form of a cell just written (table-tree.ts); `plain` is
 * recordPlain() of its encoding (the values then need no checks).
 */
export function decodedForm(values: readonly SqlValue[], plain: boolean): SqlValue[] | undefined {
  const n = values.length;
  if (!plain) for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v === null) continue;
    switch (typeof v) {
      case 'number':
        continue;
      case 'string':
        if (wellFormed(v)) continue;
        return undefined;
      case 'object':
        if (v instanceof Real && Number.isSafeInteger(v.value)) continue;
        return undefined;
      default:
        return undefined;
    }
  }
  switch (n) {
    case 1:
      return [decodedValue(values[0])];
    case 2:
      return [decodedValue(values[0]), decodedValue(values[1])];
    case 3:
      return [decodedValue(values[0]), decodedValue(values[1]), decodedValue(values[2])];
    case 4:
      return [decodedValue(values[0]), decodedValue(values[1]), decodedValue(values[2]), decodedValue(values[3])];
    case 5:
      return [decodedValue(values[0]), decodedValue(values[1]), decodedValue(values[2]), decodedValue(values[3]), decodedValue(values[4])];
    case 6:
      return [decodedValue(values[0]), decodedValue(values[1]), decodedValue(values[2]), decodedValue(values[3]), decodedValue(values[4]), decodedValue(values[5])];
    default: {
      const out: SqlValue[] = [];
      for (let i = 0; i < n; i++) out.push(decodedValue(values[i]));
      return out;
    }
  }
}

/**
 * decodedForm for a record array its caller gives away (new, never changed afterwards): the
 * array itself when decoding gives back exactly its values (plain, no -0 or NaN), else a copy.
 */
export function decodedFormOwned(values: readonly SqlValue[], plain: boolean): SqlValue[] | undefined {
  if (!plain) return decodedForm(values, plain);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v === 'number' && (v === 0 ? 1 / v < 0 : v !== v)) return decodedForm(values, plain);
  }
  return values as SqlValue[];
}

/** decodedForm of one value that passed its checks: numbers as readValue gives them back. */
function decodedValue(v: SqlValue): SqlValue {
  if (typeof v !== 'number') return v;
  if (v === 0) return 0; // -0 is stored as the integer 0
  if (v !== v) return null; // NaN is stored as a NaN double, read back as NULL
  return v;
}

const f64 = new Float64Array(1);
const f64b = new Uint8Array(f64.buffer);
const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function writeDouble(buf: Buffer, off: number, d: number): void {
  f64[0] = d;
  if (littleEndian) {
    buf[off] = f64b[7];
    buf[off + 1] = f64b[6];
    buf[off + 2] = f64b[5];
    buf[off + 3] = f64b[4];
    buf[off + 4] = f64b[3];
    buf[off + 5] = f64b[2];
    buf[off + 6] = f64b[1];
    buf[off + 7] = f64b[0];
  } else {
    for (let i = 0; i < 8; i++) buf[off + i] = f64b[i];
  }
}

function readDouble(buf: Buffer, o: number): number {
  if (littleEndian) {
    f64b[7] = buf[o];
    f64b[6] = buf[o + 1];
    f64b[5] = buf[o + 2];
    f64b[4] = buf[o + 3];
    f64b[3] = buf[o + 4];
    f64b[2] = buf[o + 5];
    f64b[1] = buf[o + 6];
    f64b[0] = buf[o + 7];
  } else {
    for (let i = 0; i < 8; i++) f64b[i] = buf[o + i];
  }
  return f64[0];
}

function writeValue(buf: Buffer, off: number, t: number, v: SqlValue): number {
  switch (t) {
    case 0:
    case 8:
    case 9:
      return off;
    case 1:
      buf[off] = (v as number) & 0xff;
      return off + 1;
    case 2:
      buf[off] = ((v as number) >> 8) & 0xff;
      buf[off + 1] = (v as number) & 0xff;
      return off + 2;
    case 3:
      buf[off] = ((v as number) >> 16) & 0xff;
      buf[off + 1] = ((v as number) >> 8) & 0xff;
      buf[off + 2] = (v as number) & 0xff;
      return off + 3;
    case 4: {
      const x = v as number;
      buf[off] = (x >> 24) & 0xff;
      buf[off + 1] = (x >> 16) & 0xff;
      buf[off + 2] = (x >> 8) & 0xff;
      buf[off + 3] = x & 0xff;
      return off + 4;
    }
    case 5: {
      const x = v as number;
      const hi = Math.floor(x / TWO32);
      const lo = x - hi * TWO32;
      buf[off] = (hi >> 8) & 0xff;
      buf[off + 1] = hi & 0xff;
      buf[off + 2] = (lo >>> 24) & 0xff;
      buf[off + 3] = (lo >>> 16) & 0xff;
      buf[off + 4] = (lo >>> 8) & 0xff;
      buf[off + 5] = lo & 0xff;
      return off + 6;
    }
    case 6:
      if (typeof v === 'bigint') buf.writeBigInt64BE(v, off);
      else {
        const x = v as number;
        const hi = Math.floor(x / TWO32);
        buf.writeInt32BE(hi, off);
        buf.writeUInt32BE(x - hi * TWO32, off + 4);
      }
      return off + 8;
    case 7:
      writeDouble(buf, off, v instanceof Real ? v.value : (v as number));
      return off + 8;
    default:
      if (t & 1) {
        const s = v as string;
        const len = (t - 13) >>> 1;
        if (len === s.length) {
          if (len < 32) for (let i = 0; i < len; i++) buf[off + i] = s.charCodeAt(i);
          else buf.write(s, off, len, 'latin1');
        } else buf.write(s, off, len, 'utf8');
        return off + len;
      } else {
        const u = v as Uint8Array;
        buf.set(u, off);
        return off + u.length;
      }
  }
}

/** Decodes the record in `buf[off, off+len)`. Throws SQLITE_CORRUPT on malformed input. */
export function decodeRecord(buf: Buffer, off: number, len: number): SqlValue[] {
  const end = off + len;
  const hdrSize = getVarint32(buf, off, end);
  if (hdrSize > len || hdrSize < varintLength.n) throw corrupt('record header size');
  const hdrEnd = off + hdrSize;
  let h = off + varintLength.n;
  let b = hdrEnd;
  // The record must be a PACKED array (the SQL layer reads its elements on every row; HOLEY
  // arrays, from new Array(n), and slice() copies measured markedly slower there) and should be
  // exact-size (push reserves 16 slots). The header is parsed first into typed scratch arrays
  // (serial types, body offsets); up to 8 values then go straight into an array literal. No
  // value is stored in a long-lived array: such stores are old-to-new pointers that every
  // scavenge must visit.
  const ts = typeScratch;
  const os = offScratch;
  let n = 0;
  while (h < hdrEnd) {
    let t = buf[h];
    if (t < 0x80) h++;
    else {
      t = getVarint32(buf, h, hdrEnd);
      h += varintLength.n;
    }
    const size = t < 12 ? SIZE_OF_SMALL[t] : (t - 12) >>> 1;
    if (b + size > end) throw corrupt('record body overflow');
    if (n === ts.length) return decodeRecordLong(buf, off, len);
    ts[n] = t;
    os[n++] = b;
    b += size;
  }
  switch (n) {
    case 0:
      return [];
    case 1:
      return [readValue(buf, os[0], ts[0])];
    case 2:
      return [readValue(buf, os[0], ts[0]), readValue(buf, os[1], ts[1])];
    case 3:
      return [readValue(buf, os[0], ts[0]), readValue(buf, os[1], ts[1]), readValue(buf, os[2], ts[2])];
    case 4:
      return [readValue(buf, os[0], ts[0]), readValue(buf, os[1], ts[1]), readValue(buf, os[2], ts[2]), readValue(buf, os[3], ts[3])];
    case 5:
      return [readValue(buf, os[0], ts[0]), readValue(buf, os[1], ts[1]), readValue(buf, os[2], ts[2]), readValue(buf, os[3], ts[3]), readValue(buf, os[4], ts[4])];
    case 6:
      return [
        readValue(buf, os[0], ts[0]),
        readValue(buf, os[1], ts[1]),
        readValue(buf, os[2], ts[2]),
        readValue(buf, os[3], ts[3]),
        readValue(buf, os[4], ts[4]),
        readValue(buf, os[5], ts[5]),
      ];
    case 7:
      return [
        readValue(buf, os[0], ts[0]),
        readValue(buf, os[1], ts[1]),
        readValue(buf, os[2], ts[2]),
        readValue(buf, os[3], ts[3]),
        readValue(buf, os[4], ts[4]),
        readValue(buf, os[5], ts[5]),
        readValue(buf, os[6], ts[6]),
      ];
    case 8:
      return [
        readValue(buf, os[0], ts[0]),
        readValue(buf, os[1], ts[1]),
        readValue(buf, os[2], ts[2]),
        readValue(buf, os[3], ts[3]),
        readValue(buf, os[4], ts[4]),
        readValue(buf, os[5], ts[5]),
        readValue(buf, os[6], ts[6]),
        readValue(buf, os[7], ts[7]),
      ];
    default: {
      const out: SqlValue[] = [];
      for (let i = 0; i < n; i++) out.push(readValue(buf, os[i], ts[i]));
      return out;
    }
  }
}

/**
 * Serial types and body offsets of the record being decoded (decodeRecord). Int32 suffices: a
 * stored type's content fits inside the record, so it is below 2^31.
 */
const typeScratch = new Int32Array(256);
const offScratch = new Int32Array(256);

/** decodeRecord for records of more than 256 columns. */
function decodeRecordLong(buf: Buffer, off: number, len: number): SqlValue[] {
  const end = off + len;
  const hdrEnd = off + getVarint32(buf, off, end);
  let h = off + varintLength.n;
  let b = hdrEnd;
  const out: SqlValue[] = [];
  while (h < hdrEnd) {
    const t = getVarint32(buf, h, hdrEnd);
    h += varintLength.n;
    const size = t < 12 ? SIZE_OF_SMALL[t] : (t - 12) >>> 1;
    if (b + size > end) throw corrupt('record body overflow');
    out.push(readValue(buf, b, t));
    b += size;
  }
  return out;
}



/**
 * Column `col` of the record in `buf[off, off+len)` without decoding the others; undefined when
 * the record has fewer columns (e.g. rows written before ALTER TABLE ADD COLUMN).
 */
export function decodeColumn(buf: Buffer, off: number, len: number, col: number): SqlValue | undefined {
  const end = off + len;
  const hdrSize = getVarint32(buf, off, end);
  if (hdrSize > len || hdrSize < varintLength.n) throw corrupt('record header size');
  const hdrEnd = off + hdrSize;
  let h = off + varintLength.n;
  let b = hdrEnd;
  for (let i = 0; h < hdrEnd; i++) {
    let t = buf[h];
    if (t < 0x80) h++;
    else {
      t = getVarint32(buf, h, hdrEnd);
      h += varintLength.n;
    }
    const size = t < 12 ? SIZE_OF_SMALL[t] : (t - 12) >>> 1;
    if (b + size > end) throw corrupt('record body overflow');
    if (i === col) return readValue(buf, b, t);
    b += size;
  }
  return undefined;
}

/** The value of serial type `t` whose content starts at buf[o] (its extent already checked). */
export function readValue(buf: Buffer, o: number, t: number): SqlValue {
  switch (t) {
    case 0:
      return null;
    case 1:
      return (buf[o] << 24) >> 24;
    case 2:
      return (((buf[o] << 8) | buf[o + 1]) << 16) >> 16;
    case 3:
      return (((buf[o] << 16) | (buf[o + 1] << 8) | buf[o + 2]) << 8) >> 8;
    case 4:
      return (buf[o] << 24) | (buf[o + 1] << 16) | (buf[o + 2] << 8) | buf[o + 3];
    case 5: {
      const hi = (((buf[o] << 8) | buf[o + 1]) << 16) >> 16;
      const lo = ((buf[o + 2] << 24) | (buf[o + 3] << 16) | (buf[o + 4] << 8) | buf[o + 5]) >>> 0;
      return hi * TWO32 + lo;
    }
    case 6: {
      const hi = (buf[o] << 24) | (buf[o + 1] << 16) | (buf[o + 2] << 8) | buf[o + 3];
      const lo = ((buf[o + 4] << 24) | (buf[o + 5] << 16) | (buf[o + 6] << 8) | buf[o + 7]) >>> 0;
      if (hi >= -2097152 && hi < 2097152) {
        const v = hi * TWO32 + lo;
        if (v !== -9007199254740992) return v;
      }
      return (BigInt(hi) << 32n) + BigInt(lo);
    }
    case 7: {
      const d = readDouble(buf, o);
      if (d !== d) return null;
      if (Number.isSafeInteger(d)) return new Real(d);
      return d;
    }
    case 8:
      return 0;
    case 9:
      return 1;
    case 10:
    case 11:
      throw corrupt('reserved serial type');
    default: {
      const len = (t - 12) >>> 1;
      if (t & 1) return decodeText(buf, o, len);
      const out = Buffer.allocUnsafe(len);
      buf.copy(out, 0, o, o + len);
      return out;
    }
  }
}

interface NativeSlices {
  utf8Slice(start: number, end: number): string;
}

/** TEXT from UTF-8 bytes. Short ASCII strings are built directly (much faster than a native call). */
function decodeText(buf: Buffer, o: number, len: number): string {
  if (len > 12 && len <= 16) return decodeText16(buf, o, len);
  if (len <= 12) {
    for (let i = 0; i < len; i++) if (buf[o + i] >= 0x80) return (buf as unknown as NativeSlices).utf8Slice(o, o + len);
    const f = String.fromCharCode;
    switch (len) {
      case 0:
        return '';
      case 1:
        return f(buf[o]);
      case 2:
        return f(buf[o], buf[o + 1]);
      case 3:
        return f(buf[o], buf[o + 1], buf[o + 2]);
      case 4:
        return f(buf[o], buf[o + 1], buf[o + 2], buf[o + 3]);
      case 5:
        return f(buf[o], buf[o + 1], buf[o + 2], buf[o + 3], buf[o + 4]);
      case 6:
        return f(buf[o], buf[o + 1], buf[o + 2], buf[o + 3], buf[o + 4], buf[o + 5]);
      case 7:
        return f(buf[o], buf[o + 1], buf[o + 2], buf[o + 3], buf[o + 4], buf[o + 5], buf[o + 6]);
      case 8:
        return f(buf[o], buf[o + 1], buf[o + 2], buf[o + 3], buf[o + 4], buf[o + 5], buf[o + 6], buf[o + 7]);
      case 9:
        return f(buf[o], buf[o + 1], buf[o + 2], buf[o + 3], buf[o + 4], buf[o + 5], buf[o + 6], buf[o + 7], buf[o + 8]);
      case 10:
        return f(buf[o], buf[o + 1], buf[o + 2], buf[o + 3], buf[o + 4], buf[o + 5], buf[o + 6], buf[o + 7], buf[o + 8], buf[o + 9]);
      case 11:
        return f(buf[o], buf[o + 1], buf[o + 2], buf[o + 3], buf[o + 4], buf[o + 5], buf[o + 6], buf[o + 7], buf[o + 8], buf[o + 9], buf[o + 10]);
      default:
        return f(buf[o], buf[o + 1], buf[o + 2], buf[o + 3], buf[o + 4], buf[o + 5], buf[o + 6], buf[o + 7], buf[o + 8], buf[o + 9], buf[o + 10], buf[o + 11]);
    }
  }
  return (buf as unknown as NativeSlices).utf8Slice(o, o + len);
}

/** decodeText for 13 to 16 bytes (common short names and codes); one flat string, no concatenation. */
function decodeText16(b: Buffer, o: number, len: number): string {
  for (let i = 0; i < len; i++) if (b[o + i] >= 0x80) return (b as unknown as NativeSlices).utf8Slice(o, o + len);
  const f = String.fromCharCode;
  switch (len) {
    case 13:
      return f(b[o], b[o + 1], b[o + 2], b[o + 3], b[o + 4], b[o + 5], b[o + 6], b[o + 7], b[o + 8], b[o + 9], b[o + 10], b[o + 11], b[o + 12]);
    case 14:
      return f(b[o], b[o + 1], b[o + 2], b[o + 3], b[o + 4], b[o + 5], b[o + 6], b[o + 7], b[o + 8], b[o + 9], b[o + 10], b[o + 11], b[o + 12], b[o + 13]);
    case 15:
      return f(b[o], b[o + 1], b[o + 2], b[o + 3], b[o + 4], b[o + 5], b[o + 6], b[o + 7], b[o + 8], b[o + 9], b[o + 10], b[o + 11], b[o + 12], b[o + 13], b[o + 14]);
    default:
      return f(b[o], b[o + 1], b[o + 2], b[o + 3], b[o + 4], b[o + 5], b[o + 6], b[o + 7], b[o + 8], b[o + 9], b[o + 10], b[o + 11], b[o + 12], b[o + 13], b[o + 14], b[o + 15]);
  }
}
