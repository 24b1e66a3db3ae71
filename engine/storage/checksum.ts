/**
 * The running checksum of our write-ahead log: SQLite's WAL checksum (wal.c walChecksumBytes)
 * over little-endian 32-bit words, in pairs:
 *     s0 += x[i] + s1;  s1 += x[i+1] + s0;      (mod 2^32)
 * The input length is a multiple of 8 bytes. The state (s0, s1) runs across frames.
 */

const LE = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

export const ckState = { s0: 0, s1: 0 };

/** A word view of the ArrayBuffer last checksummed (the log's reused frame buffer): no view per call. */
let viewOf: ArrayBufferLike | null = null;
let words: Int32Array<ArrayBufferLike> = new Int32Array(0);

/** Continues the checksum over `buf[off, off+len)`; `buf.byteOffset + off` and `len` must be multiples of 8. */
export function checksum(buf: Uint8Array, off: number, len: number, s0: number, s1: number): void {
  if (LE && ((buf.byteOffset + off) & 3) === 0) {
    if (buf.buffer !== viewOf) {
      viewOf = buf.buffer;
      words = new Int32Array(buf.buffer, 0, buf.buffer.byteLength >>> 2);
    }
    const w = words;
    const n = ((buf.byteOffset + off) >>> 2) + (len >>> 2);
    for (let i = (buf.byteOffset + off) >>> 2; i < n; i += 2) {
      s0 = (s0 + w[i] + s1) | 0;
      s1 = (s1 + w[i + 1] + s0) | 0;
    }
  } else {
    const dv = new DataView(buf.buffer, buf.byteOffset + off, len);
    for (let i = 0; i < len; i += 8) {
      s0 = (s0 + dv.getInt32(i, true) + s1) | 0;
      s1 = (s1 + dv.getInt32(i + 4, true) + s0) | 0;
    }
  }
  ckState.s0 = s0 >>> 0;
  ckState.s1 = s1 >>> 0;
}

/** SQLite's own WAL checksum, with words in the byte order the WAL header's magic selects. */
export function sqliteWalChecksum(buf: Uint8Array, off: number, len: number, s0: number, s1: number, bigEndian: boolean): void {
  const dv = new DataView(buf.buffer, buf.byteOffset + off, len);
  const le = !bigEndian;
  for (let i = 0; i < len; i += 8) {
    s0 = (s0 + dv.getInt32(i, le) + s1) | 0;
    s1 = (s1 + dv.getInt32(i + 4, le) + s0) | 0;
  }
  ckState.s0 = s0 >>> 0;
  ckState.s1 = s1 >>> 0;
}
