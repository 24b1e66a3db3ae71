/**
 * JSON text (RFC 8259 plus SQLite's JSON5 extensions) to JSONB: jsonTranslateTextToBlob and
 * jsonConvertTextToBlob of json.c, over NUL-terminated UTF-8 bytes.
 */
import {
  JSONB_ARRAY, JSONB_FALSE, JSONB_FLOAT, JSONB_INT, JSONB_NULL, JSONB_OBJECT, JSONB_TEXT, JSONB_TEXT5,
  JSONB_TEXTJ, JSONB_TEXTRAW, JSONB_TRUE, JSON_MAX_DEPTH, JsonParse, isAlnum, isDigit, isJsonId1, isJsonId2,
  isXDigit, jsonIsOk, utf8z,
} from './jsonb.js';

const isSpace = (c: number): boolean => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
const is4Hex = (z: Uint8Array, i: number): boolean =>
  isXDigit(z[i]) && isXDigit(z[i + 1]) && isXDigit(z[i + 2]) && isXDigit(z[i + 3]);

/** json5Whitespace: bytes of JSON5 whitespace and comments at z[n]. */
export function json5Whitespace(z: Uint8Array, start: number): number {
  let n = start;
  for (;;) {
    const c = z[n];
    switch (c) {
      case 0x09: case 0x0a: case 0x0b: case 0x0c: case 0x0d: case 0x20:
        n++;
        continue;
      case 0x2f: // '/'
        if (z[n + 1] === 0x2a && z[n + 2] !== 0) {
          let j = n + 3;
          for (; z[j] !== 0x2f || z[j - 1] !== 0x2a; j++) {
            if (z[j] === 0) return n - start;
          }
          n = j + 1;
          continue;
        } else if (z[n + 1] === 0x2f) {
          let j = n + 2;
          for (; z[j] !== 0; j++) {
            const d = z[j];
            if (d === 0x0a || d === 0x0d) break;
            if (d === 0xe2 && z[j + 1] === 0x80 && (z[j + 2] === 0xa8 || z[j + 2] === 0xa9)) {
              j += 2;
              break;
            }
          }
          n = j;
          if (z[n]) n++;
          continue;
        }
        return n - start;
      case 0xc2:
        if (z[n + 1] === 0xa0) {
          n += 2;
          continue;
        }
        return n - start;
      case 0xe1:
        if (z[n + 1] === 0x9a && z[n + 2] === 0x80) {
          n += 3;
          continue;
        }
        return n - start;
      case 0xe2:
        if (z[n + 1] === 0x80) {
          const d = z[n + 2];
          if (d < 0x80) return n - start;
          if (d <= 0x8a || d === 0xa8 || d === 0xa9 || d === 0xaf) {
            n += 3;
            continue;
          }
        } else if (z[n + 1] === 0x81 && z[n + 2] === 0x9f) {
          n += 3;
          continue;
        }
        return n - start;
      case 0xe3:
        if (z[n + 1] === 0x80 && z[n + 2] === 0x80) {
          n += 3;
          continue;
        }
        return n - start;
      case 0xef:
        if (z[n + 1] === 0xbb && z[n + 2] === 0xbf) {
          n += 3;
          continue;
        }
        return n - start;
      default:
        return n - start;
    }
  }
}

function strnicmp(z: Uint8Array, i: number, lit: string): boolean {
  for (let k = 0; k < lit.length; k++) {
    let c = z[i + k];
    if (c >= 65 && c <= 90) c += 32;
    if (c !== lit.charCodeAt(k)) return false;
  }
  return true;
}

const NANINF: readonly { c1: number; c2: number; match: string; isFloat: boolean }[] = [
  { c1: 0x69, c2: 0x49, match: 'inf', isFloat: true },
  { c1: 0x69, c2: 0x49, match: 'infinity', isFloat: true },
  { c1: 0x6e, c2: 0x4e, match: 'nan', isFloat: false },
  { c1: 0x71, c2: 0x51, match: 'qnan', isFloat: false },
  { c1: 0x73, c2: 0x53, match: 'snan', isFloat: false },
];
const TXT_9E999 = new Uint8Array([0x39, 0x65, 0x39, 0x39, 0x39]);
const TXT_M9E999 = new Uint8Array([0x2d, 0x39, 0x65, 0x39, 0x39, 0x39]);

/**
 * jsonTranslateTextToBlob: one element at json[i] appended to the blob. Returns the index after
 * it, or 0 at end of input, -1 on error, -2 '}', -3 ']', -4 ',', -5 ':' (iErr set to its index).
 */
function translate(p: JsonParse, i: number): number {
  const z = p.json as Uint8Array;
  for (;;) {
    const c = z[i];
    switch (c) {
      case 0x7b: { // '{'
        const iThis = p.nBlob;
        p.appendNode(JSONB_OBJECT, p.nJson - i, undefined);
        if (++p.iDepth > JSON_MAX_DEPTH) {
          p.iErr = i;
          return -1;
        }
        const iStart = p.nBlob;
        let j = i + 1;
        for (;; j++) {
          const iBlob = p.nBlob;
          let x = translate(p, j);
          if (x <= 0) {
            if (x === -2) {
              j = p.iErr;
              if (p.nBlob !== iStart) p.hasNonstd = true;
              break;
            }
            j += json5Whitespace(z, j);
            let op = JSONB_TEXT;
            const isEsc = (k: number): boolean => z[k] === 0x5c && z[k + 1] === 0x75 && is4Hex(z, k + 2);
            if (isJsonId1(z[j]) || isEsc(j)) {
              if (isEsc(j)) op = JSONB_TEXTJ;
              let k = j + 1;
              for (;;) {
                if (isJsonId2(z[k]) && json5Whitespace(z, k) === 0) k++;
                else if (isEsc(k)) {
                  op = JSONB_TEXTJ;
                  k++;
                } else break;
              }
              p.appendNode(op, k - j, z, j);
              p.hasNonstd = true;
              x = k;
            } else {
              if (x !== -1) p.iErr = j;
              return -1;
            }
          }
          const t = p.blob[iBlob] & 0x0f;
          if (t < JSONB_TEXT || t > JSONB_TEXTRAW) {
            p.iErr = j;
            return -1;
          }
          j = x;
          let gotColon = false;
          if (z[j] === 0x3a) {
            j++;
            gotColon = true;
          } else if (isSpace(z[j])) {
            do j++; while (isSpace(z[j]));
            if (z[j] === 0x3a) {
              j++;
              gotColon = true;
            }
          }
          if (!gotColon) {
            x = translate(p, j);
            if (x !== -5) {
              if (x !== -1) p.iErr = j;
              return -1;
            }
            j = p.iErr + 1;
          }
          x = translate(p, j);
          if (x <= 0) {
            if (x !== -1) p.iErr = j;
            return -1;
          }
          j = x;
          if (z[j] === 0x2c) continue;
          if (z[j] === 0x7d) break;
          if (isSpace(z[j])) {
            j++;
            while (isSpace(z[j])) j++;
            if (z[j] === 0x2c) continue;
            if (z[j] === 0x7d) break;
          }
          x = translate(p, j);
          if (x === -4) {
            j = p.iErr;
            continue;
          }
          if (x === -2) {
            j = p.iErr;
            break;
          }
          p.iErr = j;
          return -1;
        }
        p.changePayloadSize(iThis, p.nBlob - iStart);
        p.iDepth--;
        return j + 1;
      }
      case 0x5b: { // '['
        const iThis = p.nBlob;
        p.appendNode(JSONB_ARRAY, p.nJson - i, undefined);
        const iStart = p.nBlob;
        if (++p.iDepth > JSON_MAX_DEPTH) {
          p.iErr = i;
          return -1;
        }
        let j = i + 1;
        for (;; j++) {
          let x = translate(p, j);
          if (x <= 0) {
            if (x === -3) {
              j = p.iErr;
              if (p.nBlob !== iStart) p.hasNonstd = true;
              break;
            }
            if (x !== -1) p.iErr = j;
            return -1;
          }
          j = x;
          if (z[j] === 0x2c) continue;
          if (z[j] === 0x5d) break;
          if (isSpace(z[j])) {
            j++;
            while (isSpace(z[j])) j++;
            if (z[j] === 0x2c) continue;
            if (z[j] === 0x5d) break;
          }
          x = translate(p, j);
          if (x === -4) {
            j = p.iErr;
            continue;
          }
          if (x === -3) {
            j = p.iErr;
            break;
          }
          p.iErr = j;
          return -1;
        }
        p.changePayloadSize(iThis, p.nBlob - iStart);
        p.iDepth--;
        return j + 1;
      }
      case 0x27: // '\''
      case 0x22: { // '"'
        let opcode = JSONB_TEXT;
        if (c === 0x27) p.hasNonstd = true;
        const cDelim = c;
        let j = i + 1;
        for (;;) {
          if (jsonIsOk[z[j]]) {
            if (!jsonIsOk[z[j + 1]]) j += 1;
            else if (!jsonIsOk[z[j + 2]]) j += 2;
            else {
              j += 3;
              continue;
            }
          }
          let d = z[j];
          if (d === cDelim) break;
          if (d === 0x5c) {
            d = z[++j];
            if (d === 0x22 || d === 0x5c || d === 0x2f || d === 0x62 || d === 0x66 || d === 0x6e || d === 0x72 || d === 0x74 ||
                (d === 0x75 && is4Hex(z, j + 1))) {
              if (opcode === JSONB_TEXT) opcode = JSONB_TEXTJ;
            } else if (d === 0x27 || d === 0x76 || d === 0x0a || (d === 0x30 && !isDigit(z[j + 1])) ||
                (d === 0xe2 && z[j + 1] === 0x80 && (z[j + 2] === 0xa8 || z[j + 2] === 0xa9)) ||
                (d === 0x78 && isXDigit(z[j + 1]) && isXDigit(z[j + 2]))) {
              opcode = JSONB_TEXT5;
              p.hasNonstd = true;
            } else if (d === 0x0d) {
              if (z[j + 1] === 0x0a) j++;
              opcode = JSONB_TEXT5;
              p.hasNonstd = true;
            } else {
              p.iErr = j;
              return -1;
            }
          } else if (d <= 0x1f) {
            if (d === 0) {
              p.iErr = j;
              return -1;
            }
            opcode = JSONB_TEXT5;
            p.hasNonstd = true;
          } else if (d === 0x22) {
            opcode = JSONB_TEXT5;
          }
          j++;
        }
        p.appendNode(opcode, j - 1 - i, z, i + 1);
        return j + 1;
      }
      case 0x74: // 't'
        if (z[i + 1] === 0x72 && z[i + 2] === 0x75 && z[i + 3] === 0x65 && !isAlnum(z[i + 4])) {
          p.appendOneByte(JSONB_TRUE);
          return i + 4;
        }
        p.iErr = i;
        return -1;
      case 0x66: // 'f'
        if (z[i + 1] === 0x61 && z[i + 2] === 0x6c && z[i + 3] === 0x73 && z[i + 4] === 0x65 && !isAlnum(z[i + 5])) {
          p.appendOneByte(JSONB_FALSE);
          return i + 5;
        }
        p.iErr = i;
        return -1;
      case 0x2b: case 0x2e: case 0x2d:
      case 0x30: case 0x31: case 0x32: case 0x33: case 0x34: case 0x35: case 0x36: case 0x37: case 0x38: case 0x39:
        return parseNumber(p, z, i);
      case 0x7d:
        p.iErr = i;
        return -2;
      case 0x5d:
        p.iErr = i;
        return -3;
      case 0x2c:
        p.iErr = i;
        return -4;
      case 0x3a:
        p.iErr = i;
        return -5;
      case 0:
        return 0;
      case 0x09: case 0x0a: case 0x0d: case 0x20:
        i++;
        while (isSpace(z[i])) i++;
        continue;
      case 0x0b: case 0x0c: case 0x2f: case 0xc2: case 0xe1: case 0xe2: case 0xe3: case 0xef: {
        const j = json5Whitespace(z, i);
        if (j > 0) {
          i += j;
          p.hasNonstd = true;
          continue;
        }
        p.iErr = i;
        return -1;
      }
      case 0x6e: // 'n'
        if (z[i + 1] === 0x75 && z[i + 2] === 0x6c && z[i + 3] === 0x6c && !isAlnum(z[i + 4])) {
          p.appendOneByte(JSONB_NULL);
          return i + 4;
        }
        return nanInf(p, z, i);
      default:
        return nanInf(p, z, i);
    }
  }
}

/** NaN / Inf spellings SQLite accepts in JSON text. */
function nanInf(p: JsonParse, z: Uint8Array, i: number): number {
  const c = z[i];
  for (const k of NANINF) {
    if (c !== k.c1 && c !== k.c2) continue;
    const nn = k.match.length;
    if (!strnicmp(z, i, k.match)) continue;
    if (isAlnum(z[i + nn])) continue;
    if (k.isFloat) p.appendNode(JSONB_FLOAT, 5, TXT_9E999);
    else p.appendOneByte(JSONB_NULL);
    p.hasNonstd = true;
    return i + nn;
  }
  p.iErr = i;
  return -1;
}

function parseNumber(p: JsonParse, z: Uint8Array, i: number): number {
  let t = 0; // 0x01: JSON5, 0x02: FLOAT
  let seenE = false;
  let j: number;
  let c = z[i];
  let skipTo2 = false;
  if (c === 0x2b) {
    p.hasNonstd = true;
  } else if (c === 0x2e) {
    if (isDigit(z[i + 1])) {
      p.hasNonstd = true;
      t = 0x03;
      skipTo2 = true;
    } else {
      p.iErr = i;
      return -1;
    }
  }
  if (!skipTo2 && c <= 0x30) {
    if (c === 0x30) {
      if ((z[i + 1] === 0x78 || z[i + 1] === 0x58) && isXDigit(z[i + 2])) {
        p.hasNonstd = true;
        t = 0x01;
        for (j = i + 3; isXDigit(z[j]); j++);
        return finishNumber(p, z, i, j, t);
      } else if (isDigit(z[i + 1])) {
        p.iErr = i + 1;
        return -1;
      }
    } else {
      if (!isDigit(z[i + 1])) {
        if ((z[i + 1] === 0x49 || z[i + 1] === 0x69) && strnicmp(z, i + 1, 'inf')) {
          p.hasNonstd = true;
          if (c === 0x2d) p.appendNode(JSONB_FLOAT, 6, TXT_M9E999);
          else p.appendNode(JSONB_FLOAT, 5, TXT_9E999);
          return i + (strnicmp(z, i + 4, 'inity') ? 9 : 4);
        }
        if (z[i + 1] === 0x2e) {
          p.hasNonstd = true;
          t |= 0x01;
        } else {
          p.iErr = i;
          return -1;
        }
      } else if (z[i + 1] === 0x30) {
        if (isDigit(z[i + 2])) {
          p.iErr = i + 1;
          return -1;
        } else if ((z[i + 2] === 0x78 || z[i + 2] === 0x58) && isXDigit(z[i + 3])) {
          p.hasNonstd = true;
          t |= 0x01;
          for (j = i + 4; isXDigit(z[j]); j++);
          return finishNumber(p, z, i, j, t);
        }
      }
    }
  }
  // parse_number_2
  for (j = i + 1; ; j++) {
    c = z[j];
    if (isDigit(c)) continue;
    if (c === 0x2e) {
      if ((t & 0x02) !== 0) {
        p.iErr = j;
        return -1;
      }
      t |= 0x02;
      continue;
    }
    if (c === 0x65 || c === 0x45) {
      if (z[j - 1] < 0x30) {
        if (z[j - 1] === 0x2e && j - 2 >= i && isDigit(z[j - 2])) {
          p.hasNonstd = true;
          t |= 0x01;
        } else {
          p.iErr = j;
          return -1;
        }
      }
      if (seenE) {
        p.iErr = j;
        return -1;
      }
      t |= 0x02;
      seenE = true;
      c = z[j + 1];
      if (c === 0x2b || c === 0x2d) {
        j++;
        c = z[j + 1];
      }
      if (c < 0x30 || c > 0x39) {
        p.iErr = j;
        return -1;
      }
      continue;
    }
    break;
  }
  if (z[j - 1] < 0x30) {
    if (z[j - 1] === 0x2e && j - 2 >= i && isDigit(z[j - 2])) {
      p.hasNonstd = true;
      t |= 0x01;
    } else {
      p.iErr = j;
      return -1;
    }
  }
  return finishNumber(p, z, i, j, t);
}

function finishNumber(p: JsonParse, z: Uint8Array, i: number, j: number, t: number): number {
  if (z[i] === 0x2b) i++;
  p.appendNode(JSONB_INT + t, j - i, z, i);
  return j;
}

/**
 * jsonConvertTextToBlob: parse the whole NUL-terminated text in p.json. Returns false on error
 * (p.iErr is then the byte offset where the parser stopped).
 */
export function convertTextToBlob(p: JsonParse): boolean {
  const z = p.json as Uint8Array;
  let i = translate(p, 0);
  if (i > 0) {
    while (isSpace(z[i])) i++;
    if (z[i]) {
      i += json5Whitespace(z, i);
      if (z[i]) return false;
      p.hasNonstd = true;
    }
    return true;
  }
  return false;
}

/** Parse JSON text into a fresh JsonParse, or null when malformed (iErr on the returned error holder). */
export function parseJsonText(text: string): JsonParse | null {
  const p = new JsonParse(new Uint8Array(text.length + 16));
  const z = utf8z(text);
  p.json = z;
  p.nJson = z.length - 1;
  if (!convertTextToBlob(p)) return null;
  p.json = null;
  return p;
}

/** The JSON-text reading of bytes (for BLOBs that are not JSONB): a JsonParse or null. */
export function parseJsonBytes(bytes: Uint8Array): { parse: JsonParse | null; errByte: number; json: Uint8Array } {
  const z = new Uint8Array(bytes.length + 1);
  z.set(bytes);
  const p = new JsonParse(new Uint8Array(bytes.length + 16));
  p.json = z;
  p.nJson = bytes.length;
  const ok = convertTextToBlob(p);
  return { parse: ok ? p : null, errByte: p.iErr, json: z };
}
