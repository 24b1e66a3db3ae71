/**
 * Column-at-a-time reading of one record (SQLite's OP_Column with its cached row header): the
 * record header (file format section 2.1, see record.ts) is parsed once per record into typed
 * arrays of serial types and body offsets, then any of the parsed columns is read from the bytes
 * on demand. A scan that aggregates a few columns of many rows (`SELECT sum(a), sum(length(b))
 * FROM t`) reads integers and text lengths straight from the page image, without building the
 * row array or its strings.
 *
 * Validation: the header size, every serial type's content and the body are checked against the
 * record's extent as decodeRecord does (SQLITE_CORRUPT otherwise); reserved serial types 10 and
 * 11 are reported when their column is read (as decodeRecord reports them when it decodes).
 *
 * Invariant: after `load(buf, off, len)`, for every i < n the content of column i lies in
 * buf[offs[i], offs[i] + serialTypeSize(types[i])), inside [off, off + len).
 */
import type { SqlValue } from '../common/value.js';
import type { RecordColumns } from './api.js';
import { corrupt } from './errors.js';
import { readValue } from './record.js';
import { getVarint32, varintLength } from './varint.js';

const SIZE_OF_SMALL = [0, 1, 2, 3, 4, 6, 8, 8, 0, 0, 0, 0];

export class RecordColumnsImpl implements RecordColumns {
  n = 0;
  buf: Buffer = EMPTY;
  types: Int32Array;
  offs: Int32Array;

  constructor(limit: number) {
    this.types = new Int32Array(limit);
    this.offs = new Int32Array(limit);
  }

  /**
   * Parses the header of the record in buf[off, off + len), at most `types.length` columns.
   * Throws SQLITE_CORRUPT on a malformed header or a column running past the record.
   */
  load(buf: Buffer, off: number, len: number): void {
    const end = off + len;
    let hdrSize = buf[off];
    let h = off + 1;
    if (hdrSize >= 0x80 || len === 0) {
      hdrSize = getVarint32(buf, off, end);
      h = off + varintLength.n;
    }
    if (hdrSize > len || hdrSize < h - off) throw corrupt('record header size');
    const hdrEnd = off + hdrSize;
    const types = this.types;
    const offs = this.offs;
    const limit = types.length;
    let b = hdrEnd;
    let n = 0;
    while (h < hdrEnd && n < limit) {
      let t = buf[h];
      if (t < 0x80) h++;
      else {
        t = getVarint32(buf, h, hdrEnd);
        h += varintLength.n;
      }
      const size = t < 12 ? SIZE_OF_SMALL[t] : (t - 12) >>> 1;
      if (b + size > end) throw corrupt('record body overflow');
      types[n] = t;
      offs[n++] = b;
      b += size;
    }
    this.n = n;
    this.buf = buf;
  }

  serialType(i: number): number {
    return this.types[i];
  }

  smallInt(i: number): number {
    const t = this.types[i];
    // the integer serial types that hold a safe integer (readValue gives a number for them)
    if ((t >= 1 && t <= 5) || t === 8 || t === 9) return readValue(this.buf, this.offs[i], t) as number;
    throw new Error(`heliosdb-lite internal error: smallInt() of serial type ${t}`);
  }

  textLength(i: number): number {
    const t = this.types[i];
    const buf = this.buf;
    const o = this.offs[i];
    const len = (t - 13) >>> 1;
    // ASCII: one character per byte, up to the first NUL (length() stops there, as SQLite's does)
    for (let k = 0; k < len; k++) {
      // one unsigned comparison per byte: c - 1 >= 0x7f exactly when c is NUL or c >= 0x80
      if (((buf[o + k] - 1) >>> 0) >= 0x7f) return buf[o + k] === 0 ? k : -1;
    }
    return len;
  }

  isNaN(i: number): boolean {
    const buf = this.buf;
    const o = this.offs[i];
    // IEEE 754 big-endian: exponent all ones and a non-zero fraction
    if ((buf[o] & 0x7f) !== 0x7f || (buf[o + 1] & 0xf0) !== 0xf0) return false;
    if ((buf[o + 1] & 0x0f) !== 0) return true;
    for (let k = 2; k < 8; k++) if (buf[o + k] !== 0) return true;
    return false;
  }
}

const EMPTY = Buffer.alloc(0);

/** decodeRecordPartial's scratch (it does not re-enter): serial type and body offset of each wanted column. */
let partialTypes = new Int32Array(64);
let partialOffs = new Int32Array(64);

/**
 * The record in buf[off, off + len) with only the columns `wanted[i] !== 0` decoded and NULL in
 * the others; the array has the record's column count (a short record stays short). The whole
 * header and every column's extent are checked as decodeRecord checks them.
 */
export function decodeRecordPartial(buf: Buffer, off: number, len: number, wanted: Uint8Array): SqlValue[] {
  if (wanted.length > partialTypes.length) {
    partialTypes = new Int32Array(wanted.length);
    partialOffs = new Int32Array(wanted.length);
  }
  const end = off + len;
  const hdrSize = getVarint32(buf, off, end);
  if (hdrSize > len || hdrSize < varintLength.n) throw corrupt('record header size');
  const hdrEnd = off + hdrSize;
  let h = off + varintLength.n;
  let b = hdrEnd;
  let n = 0;
  // the wanted columns' serial types and offsets, noted during the one header walk
  const types = partialTypes;
  const offs = partialOffs;
  while (h < hdrEnd) {
    let t = buf[h];
    if (t < 0x80) h++;
    else {
      t = getVarint32(buf, h, hdrEnd);
      h += varintLength.n;
    }
    const size = t < 12 ? SIZE_OF_SMALL[t] : (t - 12) >>> 1;
    if (b + size > end) throw corrupt('record body overflow');
    if (n < wanted.length && wanted[n] !== 0) {
      types[n] = t;
      offs[n] = b;
    }
    b += size;
    n++;
  }
  // exact-size packed arrays, as decodeRecord makes them (the SQL layer reads them faster)
  switch (n) {
    case 0:
      return [];
    case 1:
      return [pick(buf, wanted, 0)];
    case 2:
      return [pick(buf, wanted, 0), pick(buf, wanted, 1)];
    case 3:
      return [pick(buf, wanted, 0), pick(buf, wanted, 1), pick(buf, wanted, 2)];
    case 4:
      return [pick(buf, wanted, 0), pick(buf, wanted, 1), pick(buf, wanted, 2), pick(buf, wanted, 3)];
    case 5:
      return [pick(buf, wanted, 0), pick(buf, wanted, 1), pick(buf, wanted, 2), pick(buf, wanted, 3), pick(buf, wanted, 4)];
    case 6:
      return [
        pick(buf, wanted, 0),
        pick(buf, wanted, 1),
        pick(buf, wanted, 2),
        pick(buf, wanted, 3),
        pick(buf, wanted, 4),
        pick(buf, wanted, 5),
      ];
    default: {
      const out: SqlValue[] = [];
      for (let i = 0; i < n; i++) out.push(pick(buf, wanted, i));
      return out;
    }
  }
}

/** Column i of the record when wanted (its serial type and offset noted by the header walk), else NULL. */
function pick(buf: Buffer, wanted: Uint8Array, i: number): SqlValue {
  return i < wanted.length && wanted[i] !== 0 ? readValue(buf, partialOffs[i], partialTypes[i]) : null;
}
