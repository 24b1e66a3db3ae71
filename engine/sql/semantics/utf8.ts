/**
 * Text <-> bytes. SQLite text is UTF-8; JavaScript strings are UTF-16. Lengths and offsets that
 * SQLite counts in characters are code points here (a surrogate pair is one character).
 */

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8');

export function encodeUtf8(s: string): Uint8Array {
  return encoder.encode(s);
}

/** UTF-8 bytes to text (invalid sequences become U+FFFD). */
export function decodeUtf8(b: Uint8Array): string {
  if (b.length < 32) {
    let ascii = true;
    for (let i = 0; i < b.length; i++) {
      if (b[i] >= 0x80) {
        ascii = false;
        break;
      }
    }
    if (ascii) return String.fromCharCode.apply(null, b as unknown as number[]);
  }
  return decoder.decode(b);
}

/** Bytes as a string of char codes 0..255 (for numeric parsing of blobs, where only ASCII matters). */
export function latin1(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i += 4096) {
    s += String.fromCharCode.apply(null, b.subarray(i, i + 4096) as unknown as number[]);
  }
  return s;
}

/** Number of bytes of the UTF-8 encoding of s. */
export function utf8Length(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) n += 1;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n += 2; // 4 bytes for 2 code units
        i++;
      } else n += 2;
    } else n += 2;
  }
  return n;
}

/** True when s contains a UTF-16 surrogate (so code unit and code point indexes differ). */
export function hasSurrogates(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdfff) return true;
  }
  return false;
}

/** Number of characters (code points) in s. */
export function charLength(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length - 1; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}

/** UTF-16 index of the code point number `cp` (clamped to s.length). */
export function codeUnitIndex(s: string, cp: number): number {
  let i = 0;
  while (cp > 0 && i < s.length) {
    const c = s.charCodeAt(i);
    i += c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00 ? 2 : 1;
    cp--;
  }
  return i;
}
