/**
 * JSONB to JSON text (jsonTranslateBlobToText, jsonTranslateBlobToPrettyText), JSON string
 * escaping (jsonAppendString) and JSONB scalars to SQL values (jsonReturnFromBlob).
 */
import { Real, type SqlValue } from '../../../common/value.js';
import {
  JSONB_ARRAY, JSONB_FALSE, JSONB_FLOAT, JSONB_FLOAT5, JSONB_INT, JSONB_INT5, JSONB_NULL, JSONB_OBJECT,
  JSONB_TEXT, JSONB_TEXT5, JSONB_TEXTJ, JSONB_TEXTRAW, JSONB_TRUE, JsonParse, decodeUtf8, gSz, hexToInt, isDigit, isXDigit,
  jsonIsOk, payloadSize, textDecoder,
} from './jsonb.js';

/** Thrown for JSONB that turns out to be malformed while rendering ("malformed JSON"). */
export class MalformedJson extends Error {}

/** A growable UTF-8 byte string (json.c's JsonString). */
const EMPTY = new Uint8Array(0);

export class JsonOut {
  /** allocated on first write: typed-array allocation is costly and many outputs stay unused */
  buf: Uint8Array = EMPTY;
  n = 0;
  malformed = false;
  constructor(private readonly initial = 100) {}
  grow(extra: number): void {
    if (this.n + extra <= this.buf.length) return;
    let t = this.buf.length === 0 ? this.initial : this.buf.length * 2;
    if (t < this.n + extra) t = this.n + extra + 10;
    const b = new Uint8Array(t);
    b.set(this.buf.subarray(0, this.n));
    this.buf = b;
  }
  byte(c: number): void {
    if (this.n >= this.buf.length) this.grow(1);
    this.buf[this.n++] = c;
  }
  bytes(src: Uint8Array, start: number, len: number): void {
    if (len <= 0) return;
    this.grow(len);
    this.buf.set(src.subarray(start, start + len), this.n);
    this.n += len;
  }
  ascii(s: string): void {
    this.grow(s.length);
    for (let i = 0; i < s.length; i++) this.buf[this.n++] = s.charCodeAt(i);
  }
  /** jsonAppendSeparator */
  separator(): void {
    if (this.n === 0) return;
    const c = this.buf[this.n - 1];
    if (c === 0x5b || c === 0x7b) return;
    this.byte(0x2c);
  }
  text(): string {
    return decodeUtf8(this.buf, 0, this.n);
  }
}

const HEX = '0123456789abcdef';
const SPECIAL: Record<number, number> = { 8: 0x62, 9: 0x74, 10: 0x6e, 12: 0x66, 13: 0x72 };

function appendControlChar(o: JsonOut, c: number): void {
  const s = SPECIAL[c];
  o.byte(0x5c);
  if (s !== undefined) o.byte(s);
  else o.ascii('u00' + HEX[c >> 4] + HEX[c & 0xf]);
}

/** jsonAppendString: z[start..start+len) as a quoted JSON string. */
export function appendJsonString(o: JsonOut, z: Uint8Array, start: number, len: number): void {
  o.grow(len + 2);
  o.byte(0x22);
  const end = start + len;
  let k = start;
  while (k < end) {
    let j = k;
    while (j < end && jsonIsOk[z[j]]) j++;
    if (j > k) o.bytes(z, k, j - k);
    if (j >= end) break;
    const c = z[j];
    if (c === 0x22 || c === 0x5c) {
      o.byte(0x5c);
      o.byte(c);
    } else if (c === 0x27) {
      o.byte(c);
    } else {
      appendControlChar(o, c);
    }
    k = j + 1;
  }
  o.byte(0x22);
}

/** jsonTranslateBlobToText: render the element at i; returns the index after it. */
export function blobToText(p: JsonParse, i: number, o: JsonOut): number {
  const n = payloadSize(p, i);
  const sz = gSz;
  if (n === 0) {
    o.malformed = true;
    return p.nBlob + 1;
  }
  const a = p.blob;
  const s = i + n;
  switch (a[i] & 0x0f) {
    case JSONB_NULL:
      o.ascii('null');
      return i + 1;
    case JSONB_TRUE:
      o.ascii('true');
      return i + 1;
    case JSONB_FALSE:
      o.ascii('false');
      return i + 1;
    case JSONB_INT:
    case JSONB_FLOAT:
      if (sz === 0) o.malformed = true;
      else o.bytes(a, s, sz);
      break;
    case JSONB_INT5: {
      if (sz === 0) {
        o.malformed = true;
        break;
      }
      let k = 2;
      let u = 0n;
      let overflow = false;
      if (a[s] === 0x2d) {
        o.byte(0x2d);
        k++;
      } else if (a[s] === 0x2b) {
        k++;
      }
      for (; k < sz; k++) {
        if (!isXDigit(a[s + k])) {
          o.malformed = true;
          break;
        } else if (u >> 60n !== 0n) {
          overflow = true;
        } else {
          u = u * 16n + BigInt(hexToInt(a[s + k]));
        }
      }
      o.ascii(overflow ? '9.0e999' : u.toString());
      break;
    }
    case JSONB_FLOAT5: {
      if (sz === 0) {
        o.malformed = true;
        break;
      }
      let k = 0;
      if (a[s] === 0x2d) {
        o.byte(0x2d);
        k++;
      }
      if (a[s + k] === 0x2e) o.byte(0x30);
      for (; k < sz; k++) {
        o.byte(a[s + k]);
        if (a[s + k] === 0x2e && (k + 1 === sz || !isDigit(a[s + k + 1]))) o.byte(0x30);
      }
      break;
    }
    case JSONB_TEXT:
    case JSONB_TEXTJ:
      o.byte(0x22);
      o.bytes(a, s, sz);
      o.byte(0x22);
      break;
    case JSONB_TEXT5:
      text5ToJson(o, a, s, sz);
      break;
    case JSONB_TEXTRAW:
      appendJsonString(o, a, s, sz);
      break;
    case JSONB_ARRAY: {
      o.byte(0x5b);
      let j = s;
      const iEnd = s + sz;
      while (j < iEnd && !o.malformed) {
        j = blobToText(p, j, o);
        o.byte(0x2c);
      }
      if (j > iEnd) o.malformed = true;
      if (sz > 0) o.n--;
      o.byte(0x5d);
      break;
    }
    case JSONB_OBJECT: {
      let x = 0;
      o.byte(0x7b);
      let j = s;
      const iEnd = s + sz;
      while (j < iEnd && !o.malformed) {
        j = blobToText(p, j, o);
        o.byte(x++ & 1 ? 0x2c : 0x3a);
      }
      if ((x & 1) !== 0 || j > iEnd) o.malformed = true;
      if (sz > 0) o.n--;
      o.byte(0x7d);
      break;
    }
    default:
      o.malformed = true;
      break;
  }
  return i + n + sz;
}

function text5ToJson(o: JsonOut, a: Uint8Array, s: number, sz: number): void {
  o.byte(0x22);
  let z = s;
  let sz2 = sz;
  while (sz2 > 0) {
    let k = 0;
    while (k < sz2 && (jsonIsOk[a[z + k]] || a[z + k] === 0x27)) k++;
    if (k > 0) {
      o.bytes(a, z, k);
      if (k >= sz2) break;
      z += k;
      sz2 -= k;
    }
    if (a[z] === 0x22) {
      o.ascii('\\"');
      z++;
      sz2--;
      continue;
    }
    if (a[z] <= 0x1f) {
      appendControlChar(o, a[z]);
      z++;
      sz2--;
      continue;
    }
    if (sz2 < 2) {
      o.malformed = true;
      break;
    }
    switch (a[z + 1]) {
      case 0x27:
        o.byte(0x27);
        break;
      case 0x76:
        o.ascii('\\u000b');
        break;
      case 0x78:
        if (sz2 < 4) {
          o.malformed = true;
          sz2 = 2;
          break;
        }
        o.ascii('\\u00');
        o.bytes(a, z + 2, 2);
        z += 2;
        sz2 -= 2;
        break;
      case 0x30:
        o.ascii('\\u0000');
        break;
      case 0x0d:
        if (sz2 > 2 && a[z + 2] === 0x0a) {
          z++;
          sz2--;
        }
        break;
      case 0x0a:
        break;
      case 0xe2:
        if (sz2 < 4 || a[z + 2] !== 0x80 || (a[z + 3] !== 0xa8 && a[z + 3] !== 0xa9)) {
          o.malformed = true;
          sz2 = 2;
          break;
        }
        z += 2;
        sz2 -= 2;
        break;
      default:
        o.bytes(a, z, 2);
        break;
    }
    z += 2;
    sz2 -= 2;
  }
  o.byte(0x22);
}

/** jsonTranslateBlobToPrettyText */
export function blobToPrettyText(p: JsonParse, i: number, o: JsonOut, indent: Uint8Array, level: { n: number }): number {
  const n = payloadSize(p, i);
  const sz = gSz;
  if (n === 0) {
    o.malformed = true;
    return p.nBlob + 1;
  }
  const t = p.blob[i] & 0x0f;
  const doIndent = (): void => {
    for (let k = 0; k < level.n; k++) o.bytes(indent, 0, indent.length);
  };
  if (t === JSONB_ARRAY || t === JSONB_OBJECT) {
    let j = i + n;
    const iEnd = j + sz;
    o.byte(t === JSONB_ARRAY ? 0x5b : 0x7b);
    if (j < iEnd) {
      o.byte(0x0a);
      level.n++;
      while (!o.malformed) {
        doIndent();
        if (t === JSONB_OBJECT) {
          j = blobToText(p, j, o);
          if (j > iEnd) {
            o.malformed = true;
            break;
          }
          o.ascii(': ');
        }
        j = blobToPrettyText(p, j, o, indent, level);
        if (j >= iEnd) break;
        o.ascii(',\n');
      }
      o.byte(0x0a);
      level.n--;
      doIndent();
    }
    o.byte(t === JSONB_ARRAY ? 0x5d : 0x7d);
    return iEnd;
  }
  return blobToText(p, i, o);
}

/** JSON_INVALID_CHAR */
export const INVALID_CHAR = 0x99999;

function bytesToBypass(z: Uint8Array, s: number, n: number): number {
  let i = 0;
  while (i + 1 < n) {
    if (z[s + i] !== 0x5c) return i;
    const c = z[s + i + 1];
    if (c === 0x0a) {
      i += 2;
      continue;
    }
    if (c === 0x0d) {
      i += i + 2 < n && z[s + i + 2] === 0x0a ? 3 : 2;
      continue;
    }
    if (c === 0xe2 && i + 3 < n && z[s + i + 2] === 0x80 && (z[s + i + 3] === 0xa8 || z[s + i + 3] === 0xa9)) {
      i += 4;
      continue;
    }
    break;
  }
  return i;
}

/** sqlite3Utf8ReadLimited: one UTF-8 character at z[s] (at most n bytes); [codepoint, length]. */
export function utf8ReadLimited(z: Uint8Array, s: number, n: number): [number, number] {
  let c = z[s];
  let i = 1;
  if (c >= 0xc0) {
    const trans = utf8Trans1[c - 0xc0];
    c = trans;
    if (n > 4) n = 4;
    while (i < n && (z[s + i] & 0xc0) === 0x80) {
      c = (c << 6) + (0x3f & z[s + i]);
      i++;
    }
  }
  return [c, i];
}
const utf8Trans1 = [
  0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
  0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f,
  0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
  0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x00, 0x01, 0x02, 0x03, 0x00, 0x01, 0x00, 0x00,
];

let gChar = 0;
/** jsonUnescapeOneChar: decodes the escape at z[s] (n bytes available); returns its length, char in gUnescaped(). */
export function unescapeOneChar(z: Uint8Array, s: number, n: number): number {
  if (n < 2) {
    gChar = INVALID_CHAR;
    return n;
  }
  switch (z[s + 1]) {
    case 0x75: {
      if (n < 6) {
        gChar = INVALID_CHAR;
        return n;
      }
      const v = hex4(z, s + 2);
      if ((v & 0xfc00) === 0xd800 && n >= 12 && z[s + 6] === 0x5c && z[s + 7] === 0x75) {
        const vlo = hex4(z, s + 8);
        if ((vlo & 0xfc00) === 0xdc00) {
          gChar = ((v & 0x3ff) << 10) + (vlo & 0x3ff) + 0x10000;
          return 12;
        }
      }
      gChar = v;
      return 6;
    }
    case 0x62: gChar = 8; return 2;
    case 0x66: gChar = 12; return 2;
    case 0x6e: gChar = 10; return 2;
    case 0x72: gChar = 13; return 2;
    case 0x74: gChar = 9; return 2;
    case 0x76: gChar = 11; return 2;
    case 0x30:
      gChar = n > 2 && isDigit(z[s + 2]) ? INVALID_CHAR : 0;
      return 2;
    case 0x27: case 0x22: case 0x2f: case 0x5c:
      gChar = z[s + 1];
      return 2;
    case 0x78:
      if (n < 4) {
        gChar = INVALID_CHAR;
        return n;
      }
      gChar = (hexToInt(z[s + 2]) << 4) | hexToInt(z[s + 3]);
      return 4;
    case 0xe2: case 0x0d: case 0x0a: {
      const nSkip = bytesToBypass(z, s, n);
      if (nSkip === 0) {
        gChar = INVALID_CHAR;
        return n;
      } else if (nSkip === n) {
        gChar = 0;
        return n;
      } else if (z[s + nSkip] === 0x5c) {
        return nSkip + unescapeOneChar(z, s + nSkip, n - nSkip);
      } else {
        const [c, len] = utf8ReadLimited(z, s + nSkip, n - nSkip);
        gChar = c;
        return nSkip + len;
      }
    }
    default:
      gChar = INVALID_CHAR;
      return 2;
  }
}
export const unescapedChar = (): number => gChar;

function hex4(z: Uint8Array, i: number): number {
  return (hexToInt(z[i]) << 12) + (hexToInt(z[i + 1]) << 8) + (hexToInt(z[i + 2]) << 4) + hexToInt(z[i + 3]);
}

/** The string value of a TEXTJ / TEXT5 payload with escapes decoded (invalid escapes dropped). */
function unescapeText(a: Uint8Array, s: number, sz: number): string {
  const out = new Uint8Array(sz + 4);
  let o = 0;
  for (let i = 0; i < sz; i++) {
    const c = a[s + i];
    if (c === 0x5c) {
      const len = unescapeOneChar(a, s + i, sz - i);
      const v = gChar;
      if (v <= 0x7f) out[o++] = v;
      else if (v <= 0x7ff) {
        out[o++] = 0xc0 | (v >> 6);
        out[o++] = 0x80 | (v & 0x3f);
      } else if (v < 0x10000) {
        out[o++] = 0xe0 | (v >> 12);
        out[o++] = 0x80 | ((v >> 6) & 0x3f);
        out[o++] = 0x80 | (v & 0x3f);
      } else if (v !== INVALID_CHAR) {
        out[o++] = 0xf0 | (v >> 18);
        out[o++] = 0x80 | ((v >> 12) & 0x3f);
        out[o++] = 0x80 | ((v >> 6) & 0x3f);
        out[o++] = 0x80 | (v & 0x3f);
      }
      i += len - 1;
    } else {
      out[o++] = c;
    }
  }
  return textDecoder.decode(out.subarray(0, o));
}

/** Text of the payload of a scalar node, as a JS string (for JSONB_TEXT / TEXTRAW and numbers). */
export function payloadString(a: Uint8Array, s: number, sz: number): string {
  return decodeUtf8(a, s, s + sz);
}

/** SQLite's integer-or-real reading of JSON number text (sqlite3DecOrHexToI64 then AtoF). */
function numberValue(text: string, isInt: boolean): SqlValue {
  let neg = false;
  let body = text;
  if (isInt) {
    if (body.charCodeAt(0) === 0x2d) {
      if (body.length < 2) throw new MalformedJson();
      neg = true;
      body = body.slice(1);
    }
    if (body.charCodeAt(0) === 0x30 && (body.charCodeAt(1) | 0x20) === 0x78) {
      let k = 2;
      while (body.charCodeAt(k) === 0x30) k++;
      const digits = body.slice(k);
      if (!/^[0-9a-fA-F]*$/.test(digits)) throw new MalformedJson();
      // more than 16 significant hex digits: SQLite falls back to reading the text as a real,
      // which fails on the "0x" prefix
      if (digits.length > 16) throw new MalformedJson();
      const u = digits.length === 0 ? 0n : BigInt('0x' + digits);
      if (u >= 1n << 63n) {
        const r = Number(u);
        return realOf(neg ? -r : r);
      }
      return intValue(neg ? -u : u);
    }
    if (body.length <= 15) {
      let x = 0;
      for (let k = 0; k < body.length; k++) {
        const c = body.charCodeAt(k) - 48;
        if (c < 0 || c > 9) throw new MalformedJson();
        x = x * 10 + c;
      }
      return neg ? (x === 0 ? 0 : -x) : x;
    }
    if (!/^[0-9]+$/.test(body)) throw new MalformedJson();
    const u = BigInt(body);
    if (u <= 0x7fffffffffffffffn) return intValue(neg ? -u : u);
    if (neg && u === 0x8000000000000000n) return intValue(-u);
    // too large: real
    return realOf(Number(text));
  }
  const r = Number(text);
  if (Number.isNaN(r)) throw new MalformedJson();
  return realOf(r);
}

function intValue(v: bigint): number | bigint {
  return v >= -9007199254740991n && v <= 9007199254740991n ? Number(v) : v;
}

function realOf(r: number): SqlValue {
  if (Number.isSafeInteger(r)) return new Real(r);
  return r;
}

/**
 * jsonReturnFromBlob: the SQL value of the element at i. Arrays and objects become JSON text
 * (eMode 1) or JSONB bytes (eMode 2). Throws MalformedJson.
 */
export function valueFromBlob(p: JsonParse, i: number, eMode: 1 | 2): SqlValue {
  const n = payloadSize(p, i);
  const sz = gSz;
  if (n === 0) throw new MalformedJson();
  const a = p.blob;
  const s = i + n;
  switch (a[i] & 0x0f) {
    case JSONB_NULL:
      if (sz) throw new MalformedJson();
      return null;
    case JSONB_TRUE:
      if (sz) throw new MalformedJson();
      return 1;
    case JSONB_FALSE:
      if (sz) throw new MalformedJson();
      return 0;
    case JSONB_INT5:
    case JSONB_INT:
      if (sz === 0) throw new MalformedJson();
      return numberValue(payloadString(a, s, sz), true);
    case JSONB_FLOAT5:
    case JSONB_FLOAT:
      if (sz === 0) throw new MalformedJson();
      return numberValue(payloadString(a, s, sz), false);
    case JSONB_TEXTRAW:
    case JSONB_TEXT:
      return payloadString(a, s, sz);
    case JSONB_TEXT5:
    case JSONB_TEXTJ:
      return unescapeText(a, s, sz);
    case JSONB_ARRAY:
    case JSONB_OBJECT:
      if (eMode === 2) return a.slice(i, i + n + sz);
      return blobRangeToText(p, i);
    default:
      throw new MalformedJson();
  }
}

/** JSON text of the element at i (jsonReturnTextJsonFromBlob); throws MalformedJson. */
export function blobRangeToText(p: JsonParse, i: number): string {
  const o = new JsonOut();
  blobToText(p, i, o);
  if (o.malformed) throw new MalformedJson();
  return o.text();
}
