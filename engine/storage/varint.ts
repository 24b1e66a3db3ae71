/**
 * SQLite variable-length integers (file format section 1.6): 1 to 9 bytes, big-endian, the high
 * bit of each of the first eight bytes says "more follows"; the ninth byte contributes all 8 bits.
 * Values are 64-bit two's complement. Safe integers come back as `number`, others as `bigint`.
 *
 * To avoid allocating a result object, `getVarint` stores the number of bytes it consumed in
 * `varintLength.n`. Readers bound-check with `limit` and throw SQLITE_CORRUPT past it.
 */
import { corrupt } from './errors.js';

export const varintLength = { n: 0 };

/** Decodes the varint at `buf[off]`, not reading at or past `limit`. */
export function getVarint(buf: Uint8Array, off: number, limit: number): number | bigint {
  if (off >= limit) throw corrupt('varint past end');
  let b = buf[off];
  if (b < 0x80) {
    varintLength.n = 1;
    return b;
  }
  let v = b & 0x7f;
  // up to 7 bytes (49 bits) stay exact in a double
  for (let i = 1; i < 7; i++) {
    if (off + i >= limit) throw corrupt('varint past end');
    b = buf[off + i];
    v = v * 128 + (b & 0x7f);
    if (b < 0x80) {
      varintLength.n = i + 1;
      return v;
    }
  }
  return getVarintSlow(buf, off, limit);
}

function getVarintSlow(buf: Uint8Array, off: number, limit: number): number | bigint {
  let v = 0n;
  for (let i = 0; i < 8; i++) {
    if (off + i >= limit) throw corrupt('varint past end');
    const b = buf[off + i];
    v = (v << 7n) | BigInt(b & 0x7f);
    if (b < 0x80) {
      varintLength.n = i + 1;
      return toInt(v);
    }
  }
  if (off + 8 >= limit) throw corrupt('varint past end');
  v = (v << 8n) | BigInt(buf[off + 8]);
  varintLength.n = 9;
  return toInt(v);
}

function toInt(u: bigint): number | bigint {
  const s = BigInt.asIntN(64, u);
  if (s >= -9007199254740991n && s <= 9007199254740991n) return Number(s);
  return s;
}

/** A varint known to be a small non-negative number (sizes, serial types); larger values are corrupt. */
export function getVarint32(buf: Uint8Array, off: number, limit: number): number {
  if (off < limit) {
    const b = buf[off];
    if (b < 0x80) {
      varintLength.n = 1;
      return b;
    }
  }
  const v = getVarint(buf, off, limit);
  if (typeof v !== 'number' || v < 0 || v > 0xffffffff) throw corrupt('varint out of range');
  return v;
}

/** Bytes needed to encode `v` (an int64 as number or bigint). */
export function varintLen(v: number | bigint): number {
  if (typeof v === 'number') {
    if (v >= 0) {
      if (v < 0x80) return 1;
      if (v < 0x4000) return 2;
      if (v < 0x200000) return 3;
      if (v < 0x10000000) return 4;
      if (v < 0x800000000) return 5;
      if (v < 0x40000000000) return 6;
      if (v < 0x2000000000000) return 7;
      return 8; // < 2^56 always for safe integers
    }
    return 9;
  }
  let u = BigInt.asUintN(64, v);
  if (u >> 56n !== 0n) return 9;
  let n = 1;
  while ((u >>= 7n) !== 0n) n++;
  return n;
}

/** Writes `v` at `buf[off]`; returns the number of bytes written. */
export function putVarint(buf: Uint8Array, off: number, v: number | bigint): number {
  if (typeof v === 'number' && v >= 0 && v < 0x2000000000000) {
    if (v < 0x80) {
      buf[off] = v;
      return 1;
    }
    if (v < 0x4000) {
      buf[off] = (v >>> 7) | 0x80;
      buf[off + 1] = v & 0x7f;
      return 2;
    }
    const n = varintLen(v);
    let x = v;
    buf[off + n - 1] = x % 128;
    x = Math.floor(x / 128);
    for (let i = n - 2; i >= 0; i--) {
      buf[off + i] = (x % 128) | 0x80;
      x = Math.floor(x / 128);
    }
    return n;
  }
  let u = BigInt.asUintN(64, BigInt(v));
  if (u >> 56n !== 0n) {
    buf[off + 8] = Number(u & 0xffn);
    u >>= 8n;
    for (let i = 7; i >= 0; i--) {
      buf[off + i] = Number(u & 0x7fn) | 0x80;
      u >>= 7n;
    }
    return 9;
  }
  const n = varintLen(u);
  buf[off + n - 1] = Number(u & 0x7fn);
  u >>= 7n;
  for (let i = n - 2; i >= 0; i--) {
    buf[off + i] = Number(u & 0x7fn) | 0x80;
    u >>= 7n;
  }
  return n;
}
