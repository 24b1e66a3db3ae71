/**
 * SQLite's JSONB binary format and the `JsonParse` buffer that holds it (a port of json.c).
 *
 * Every element is a header and a payload. The low 4 bits of the first header byte are the type
 * (below); the high 4 bits are the payload size when 0..11, or say that the size follows as a
 * big-endian integer of 1 (12), 2 (13), 4 (14) or 8 (15) bytes. Scalars carry their JSON text as
 * payload (without quotes for strings); ARRAY and OBJECT carry their elements, OBJECT as
 * alternating label/value. A blob is valid JSONB when it is exactly one element. Sizes need not
 * be minimal: edits keep an oversized header rather than moving bytes (`jsonBlobOverwrite`).
 *
 * All text is handled as UTF-8 bytes so that positions, sizes and outputs match SQLite exactly.
 */

export const JSONB_NULL = 0;
export const JSONB_TRUE = 1;
export const JSONB_FALSE = 2;
export const JSONB_INT = 3;
export const JSONB_INT5 = 4;
export const JSONB_FLOAT = 5;
export const JSONB_FLOAT5 = 6;
export const JSONB_TEXT = 7;
export const JSONB_TEXTJ = 8;
export const JSONB_TEXT5 = 9;
export const JSONB_TEXTRAW = 10;
export const JSONB_ARRAY = 11;
export const JSONB_OBJECT = 12;

/** json_type() names, indexed by JSONB type. */
export const jsonbTypeName: readonly string[] = [
  'null', 'true', 'false', 'integer', 'integer', 'real', 'real', 'text', 'text', 'text', 'text', 'array', 'object', '', '', '', '',
];

export const JSON_MAX_DEPTH = 1000;

/** Edit operations of a lookup (JsonParse.eEdit). */
export const JEDIT_NONE = 0;
export const JEDIT_DEL = 1;
export const JEDIT_REPL = 2;
export const JEDIT_INS = 3;
export const JEDIT_SET = 4;

export const textEncoder = new TextEncoder();
export const textDecoder = new TextDecoder();

/** UTF-8 bytes a[s..e) as a string; short ASCII runs avoid TextDecoder's per-call cost. */
export function decodeUtf8(a: Uint8Array, s: number, e: number): string {
  if (e - s <= 32) {
    let out = '';
    for (let i = s; i < e; i++) {
      const c = a[i];
      if (c >= 0x80) return textDecoder.decode(a.subarray(s, e));
      out += String.fromCharCode(c);
    }
    return out;
  }
  return textDecoder.decode(a.subarray(s, e));
}

/** Character classes (sqlite3CtypeMap subsets) over bytes. */
export const isDigit = (c: number): boolean => c >= 48 && c <= 57;
export const isXDigit = (c: number): boolean => (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
export const isAlpha = (c: number): boolean => (c >= 97 && c <= 122) || (c >= 65 && c <= 90);
export const isAlnum = (c: number): boolean => isAlpha(c) || isDigit(c);
/** sqlite3JsonId1: a JSON5 identifier start (letters, '$', '_', any byte >= 0x80). */
export const isJsonId1 = (c: number): boolean => isAlpha(c) || c === 36 || c === 95 || c >= 0x80;
/** sqlite3JsonId2: a JSON5 identifier byte. */
export const isJsonId2 = (c: number): boolean => isJsonId1(c) || isDigit(c);
export const hexToInt = (h: number): number => (h + 9 * (1 & (h >> 6))) & 0xf;

/** jsonIsOk[]: bytes that may appear in a string literal without escaping. */
export const jsonIsOk = new Uint8Array(256);
for (let i = 0x20; i < 256; i++) jsonIsOk[i] = 1;
jsonIsOk[0x22] = 0;
jsonIsOk[0x27] = 0;
jsonIsOk[0x5c] = 0;

let scratch = new Uint8Array(4096);
/**
 * The UTF-8 bytes of a string plus a NUL, in a shared scratch buffer that the next call reuses:
 * only for input consumed before any other call (parsing).
 */
export function utf8zScratch(s: string): Uint8Array {
  const need = s.length * 3 + 1;
  if (scratch.length < need) scratch = new Uint8Array(Math.max(need, scratch.length * 2));
  const { written } = textEncoder.encodeInto(s, scratch);
  scratch[written] = 0;
  return scratch.subarray(0, written + 1);
}

/** The UTF-8 bytes of a string, followed by one NUL byte (the C parser relies on a terminator). */
export function utf8z(s: string): Uint8Array {
  // worst case 3 bytes per UTF-16 unit
  const buf = new Uint8Array(s.length * 3 + 1);
  const { written } = textEncoder.encodeInto(s, buf);
  buf[written] = 0;
  return buf.subarray(0, written + 1);
}

/**
 * A JSONB value under construction or being searched/edited (json.c's JsonParse).
 * `blob[0..nBlob)` is the JSONB; `delta` accumulates size changes made by an edit.
 */
export class JsonParse {
  blob: Uint8Array;
  nBlob = 0;
  /** UTF-8 JSON text being parsed (NUL-terminated), or null for blob input */
  json: Uint8Array | null = null;
  nJson = 0;
  iErr = 0;
  iDepth = 0;
  hasNonstd = false;
  eEdit = JEDIT_NONE;
  delta = 0;
  ins: Uint8Array = new Uint8Array(0);
  nIns = 0;
  iLabel = 0;

  constructor(blob?: Uint8Array, nBlob?: number) {
    this.blob = blob ?? new Uint8Array(100);
    this.nBlob = nBlob ?? 0;
  }

  /** Grow so that the buffer holds at least n bytes. */
  expand(n: number): void {
    if (n <= this.blob.length) return;
    let t = this.blob.length === 0 ? 100 : this.blob.length * 2;
    if (t < n) t = n + 100;
    const b = new Uint8Array(t);
    b.set(this.blob.subarray(0, this.nBlob));
    this.blob = b;
  }

  appendOneByte(c: number): void {
    if (this.nBlob >= this.blob.length) this.expand(this.nBlob + 1);
    this.blob[this.nBlob++] = c;
  }

  /**
   * jsonBlobAppendNode: a header for a node of type eType with szPayload bytes of payload, then
   * the payload if given (otherwise space is only reserved).
   */
  appendNode(eType: number, szPayload: number, payload?: Uint8Array, payloadStart = 0): void {
    if (this.nBlob + szPayload + 9 > this.blob.length) this.expand(this.nBlob + szPayload + 9);
    const a = this.blob;
    let i = this.nBlob;
    if (szPayload <= 11) {
      a[i++] = eType | (szPayload << 4);
    } else if (szPayload <= 0xff) {
      a[i++] = eType | 0xc0;
      a[i++] = szPayload;
    } else if (szPayload <= 0xffff) {
      a[i++] = eType | 0xd0;
      a[i++] = szPayload >> 8;
      a[i++] = szPayload & 0xff;
    } else {
      a[i++] = eType | 0xe0;
      a[i++] = (szPayload >>> 24) & 0xff;
      a[i++] = (szPayload >>> 16) & 0xff;
      a[i++] = (szPayload >>> 8) & 0xff;
      a[i++] = szPayload & 0xff;
    }
    this.nBlob = i;
    if (payload) {
      a.set(payload.subarray(payloadStart, payloadStart + szPayload), i);
      this.nBlob += szPayload;
    }
  }

  /** jsonBlobChangePayloadSize: rewrite the size of the node at i; returns the header size change. */
  changePayloadSize(i: number, szPayload: number): number {
    let a = this.blob;
    const szType = a[i] >> 4;
    const nExtra = szType <= 11 ? 0 : szType === 12 ? 1 : szType === 13 ? 2 : szType === 14 ? 4 : 8;
    const nNeeded = szPayload <= 11 ? 0 : szPayload <= 0xff ? 1 : szPayload <= 0xffff ? 2 : 4;
    const delta = nNeeded - nExtra;
    if (delta) {
      const newSize = this.nBlob + delta;
      if (delta > 0) {
        this.expand(newSize);
        a = this.blob;
        a.copyWithin(i + 1 + delta, i + 1, this.nBlob);
      } else {
        a.copyWithin(i + 1, i + 1 - delta, this.nBlob);
      }
      this.nBlob = newSize;
    }
    if (nNeeded === 0) {
      a[i] = (a[i] & 0x0f) | (szPayload << 4);
    } else if (nNeeded === 1) {
      a[i] = (a[i] & 0x0f) | 0xc0;
      a[i + 1] = szPayload;
    } else if (nNeeded === 2) {
      a[i] = (a[i] & 0x0f) | 0xd0;
      a[i + 1] = szPayload >> 8;
      a[i + 2] = szPayload & 0xff;
    } else {
      a[i] = (a[i] & 0x0f) | 0xe0;
      a[i + 1] = (szPayload >>> 24) & 0xff;
      a[i + 2] = (szPayload >>> 16) & 0xff;
      a[i + 3] = (szPayload >>> 8) & 0xff;
      a[i + 4] = szPayload & 0xff;
    }
    return delta;
  }

  /** jsonBlobEdit: replace nDel bytes at iDel with nIns bytes of ins (or reserve them). */
  edit(iDel: number, nDel: number, ins: Uint8Array | null, nIns: number, insStart = 0): void {
    const d = nIns - nDel;
    if (d < 0 && d >= -8 && ins !== null && blobOverwrite(this.blob, iDel, ins, insStart, nIns, -d)) return;
    if (d !== 0) {
      if (this.nBlob + d > this.blob.length) this.expand(this.nBlob + d);
      this.blob.copyWithin(iDel + nIns, iDel + nDel, this.nBlob);
      this.nBlob += d;
      this.delta += d;
    }
    if (nIns && ins) this.blob.set(ins.subarray(insStart, insStart + nIns), iDel);
  }

  /** jsonAfterEditSizeAdjust: add this.delta to the payload size of the container at iRoot. */
  afterEditSizeAdjust(iRoot: number): void {
    const saved = this.nBlob;
    this.nBlob = this.blob.length;
    payloadSize(this, iRoot);
    const sz = gSz;
    this.nBlob = saved;
    this.delta += this.changePayloadSize(iRoot, sz + this.delta);
  }

  /** A copy of the JSONB bytes. */
  toBytes(): Uint8Array {
    return this.blob.slice(0, this.nBlob);
  }
}

/**
 * Payload size of the node at i: returns the header size (0 on error) and leaves the payload
 * size in `gSz` (a module-level out-parameter, to avoid allocating a pair per call).
 */
export let gSz = 0;
export function payloadSize(p: JsonParse, i: number): number {
  const a = p.blob;
  const x = a[i] >> 4;
  let sz: number;
  let n: number;
  if (x <= 11) {
    sz = x;
    n = 1;
  } else if (x === 12) {
    if (i + 1 >= p.nBlob) return fail();
    sz = a[i + 1];
    n = 2;
  } else if (x === 13) {
    if (i + 2 >= p.nBlob) return fail();
    sz = (a[i + 1] << 8) + a[i + 2];
    n = 3;
  } else if (x === 14) {
    if (i + 4 >= p.nBlob) return fail();
    sz = a[i + 1] * 0x1000000 + (a[i + 2] << 16) + (a[i + 3] << 8) + a[i + 4];
    n = 5;
  } else {
    if (i + 8 >= p.nBlob || a[i + 1] !== 0 || a[i + 2] !== 0 || a[i + 3] !== 0 || a[i + 4] !== 0) return fail();
    sz = a[i + 5] * 0x1000000 + (a[i + 6] << 16) + (a[i + 7] << 8) + a[i + 8];
    n = 9;
  }
  if (i + sz + n > p.nBlob && i + sz + n > p.nBlob - p.delta) return fail();
  gSz = sz;
  return n;
}
function fail(): number {
  gSz = 0;
  return 0;
}

/**
 * jsonBlobOverwrite: write ins (nIns bytes) over a region d bytes larger by widening its size
 * header, so the blob keeps its size. Returns false when that is not possible.
 */
function blobOverwrite(out: Uint8Array, o: number, ins: Uint8Array, s: number, nIns: number, d: number): boolean {
  const aType = [0xc0, 0xd0, 0, 0xe0, 0, 0, 0, 0xf0];
  const t = ins[s];
  if ((t & 0x0f) <= 2) return false;
  let i: number;
  let szHdr: number;
  switch (t >> 4) {
    default:
      if (((1 << d) & 0x116) === 0) return false;
      i = d + 1;
      szHdr = 1;
      break;
    case 12:
      if (((1 << d) & 0x8a) === 0) return false;
      i = d + 2;
      szHdr = 2;
      break;
    case 13:
      if (d !== 2 && d !== 6) return false;
      i = d + 3;
      szHdr = 3;
      break;
    case 14:
      if (d !== 4) return false;
      i = 9;
      szHdr = 5;
      break;
    case 15:
      return false;
  }
  const payload = ins.slice(s + szHdr, s + nIns);
  out[o] = (t & 0x0f) | aType[i - 2];
  out.set(payload, o + i);
  let szPayload = nIns - szHdr;
  for (;;) {
    i--;
    out[o + i] = szPayload & 0xff;
    if (i === 1) break;
    szPayload = Math.floor(szPayload / 256);
  }
  return true;
}

/** jsonbArrayCount: number of elements of the array at iRoot. */
export function arrayCount(p: JsonParse, iRoot: number): number {
  let n = payloadSize(p, iRoot);
  const iEnd = iRoot + n + gSz;
  let k = 0;
  for (let i = iRoot + n; n > 0 && i < iEnd; k++) {
    n = payloadSize(p, i);
    i += gSz + n;
  }
  return k;
}
