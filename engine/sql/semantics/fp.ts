/**
 * Floating-point <-> decimal conversion exactly as SQLite 3.53 does it.
 *
 * SQLite renders a REAL as text with `printf("%!.17g")` on top of `sqlite3FpDecode`, which
 * computes an approximate 18-digit decimal expansion with a 64x64->128 bit multiply by a
 * truncated power of ten (`sqlite3Fp2Convert10`), and then shortens 17 digits to fewer only when
 * the shorter text round-trips. The digits are not always the correctly rounded ones (for
 * example -4.9588901718819e-252 renders as -4.9588901718819005e-252), so JavaScript's own
 * number formatting cannot be used; this file ports the algorithm (util.c) with BigInt.
 *
 * Text -> double (`sqlite3AtoF`) keeps at most about 19 significant digits of the input in a
 * u64 mantissa and then rounds s*10^d correctly; the rounding step is done here with
 * JavaScript's (correctly rounded) number parser on the truncated mantissa.
 */

const U64 = (1n << 64n) - 1n;
const BIT63 = 1n << 63n;

/** Integer part of 10^p << (63 - pwr10to2(p)), and the next 32 bits, for p in [0, 26]. */
const A_BASE: readonly bigint[] = [
  0x8000000000000000n, 0xa000000000000000n, 0xc800000000000000n, 0xfa00000000000000n,
  0x9c40000000000000n, 0xc350000000000000n, 0xf424000000000000n, 0x9896800000000000n,
  0xbebc200000000000n, 0xee6b280000000000n, 0x9502f90000000000n, 0xba43b74000000000n,
  0xe8d4a51000000000n, 0x9184e72a00000000n, 0xb5e620f480000000n, 0xe35fa931a0000000n,
  0x8e1bc9bf04000000n, 0xb1a2bc2ec5000000n, 0xde0b6b3a76400000n, 0x8ac7230489e80000n,
  0xad78ebc5ac620000n, 0xd8d726b7177a8000n, 0x878678326eac9000n, 0xa968163f0a57b400n,
  0xd3c21bcecceda100n, 0x84595161401484a0n, 0xa56fa5b99019a5c8n,
];
const A_SCALE: readonly bigint[] = [
  0x8049a4ac0c5811aen, 0xcf42894a5dce35ean, 0xa76c582338ed2621n, 0x873e4f75e2224e68n,
  0xda7f5bf590966848n, 0xb080392cc4349decn, 0x8e938662882af53en, 0xe65829b3046b0afan,
  0xba121a4650e4ddebn, 0x964e858c91ba2655n, 0xf2d56790ab41c2a2n, 0xc428d05aa4751e4cn,
  0x9e74d1b791e07e48n, 0xccccccccccccccccn, 0xcecb8f27f4200f3an, 0xa70c3c40a64e6c51n,
  0x86f0ac99b4e8dafdn, 0xda01ee641a708de9n, 0xb01ae745b101e9e4n, 0x8e41ade9fbebc27dn,
  0xe5d3ef282a242e81n, 0xb9a74a0637ce2ee1n, 0x95f83d0a1fb69cd9n, 0xf24a01a73cf2dccfn,
  0xc3b8358109e84f07n, 0x9e19db92b4e31ba9n,
];
const A_SCALE_LO: readonly bigint[] = [
  0x205b896dn, 0x52064cadn, 0xaf2af2b8n, 0x5a7744a7n, 0xaf39a475n, 0xbd8d794en, 0x547eb47bn,
  0x0cb4a5a3n, 0x92f34d62n, 0x3a6a07f9n, 0xfae27299n, 0xaa97e14cn, 0x775ea265n, 0xccccccccn,
  0x00000000n, 0x999090b6n, 0x69a028bbn, 0xe80e6f48n, 0x5ec05dd0n, 0x14588f14n, 0x8f1668c9n,
  0x6d953e2cn, 0x4abdaf10n, 0xbc633b39n, 0x0a862f81n, 0x6c07a2c2n,
];

const POWERSOF10_FIRST = -348;
const POWERSOF10_LAST = 347;
const powCache: (bigint | undefined)[] = new Array(POWERSOF10_LAST - POWERSOF10_FIRST + 1);

/** Most significant 64 bits of 10^p (sqlite3's powerOfTen, high word only; memoized). */
function powerOfTenHi(p: number): bigint {
  const cached = powCache[p - POWERSOF10_FIRST];
  if (cached !== undefined) return cached;
  let g: number;
  let n: number;
  let result: bigint;
  if (p >= 0 && p < 27) {
    result = A_BASE[p];
  } else {
    if (p === -1) {
      result = A_SCALE[13];
    } else {
      g = Math.trunc(p / 27);
      n = p % 27;
      if (p < 0 && n !== 0) {
        g--;
        n += 27;
      }
      const s = A_SCALE[g + 13];
      if (n === 0) {
        result = s;
      } else {
        // sqlite3Multiply160: upper 64 bits of ((s << 32) + lo) * base >> 32
        const b = A_BASE[n];
        let r = s * b + ((A_SCALE_LO[g + 13] * b) >> 32n);
        let lo = (r >> 32n) & 0xffffffffn;
        let x = r >> 64n;
        if ((x & BIT63) === 0n) {
          x = ((x << 1n) | ((lo >> 31n) & 1n)) & U64;
          lo = ((lo << 1n) | 1n) & 0xffffffffn;
        }
        r = 0n;
        result = x;
      }
    }
  }
  powCache[p - POWERSOF10_FIRST] = result;
  return result;
}

function pwr10to2(p: number): number {
  return (p * 108853) >> 15;
}
function pwr2to10(p: number): number {
  return (p * 78913) >> 18;
}

/** sqlite3Fp2Convert10: r = m*2^e  ->  (d, p) with r ~= d*10^p and d having at least n digits. */
function fp2Convert10(m: bigint, e: number, n: number): { d: bigint; p: number } {
  const p = n - 1 - pwr2to10(e + 63);
  let h = (m * powerOfTenHi(p)) >> 64n;
  if (n === 18) {
    h >>= BigInt(-(e + pwr10to2(p) + 2));
    return { d: (h + ((h << 1n) & 2n)) >> 1n, p: -p };
  }
  return { d: h >> BigInt(-(e + pwr10to2(p) + 1)), p: -p };
}

/** Correctly rounded d*10^p (what sqlite3Fp10Convert2 computes for d < 2^64). */
function fp10Convert2(d: bigint, p: number): number {
  return Number(`${d}e${p}`);
}

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
const LITTLE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const HI = LITTLE ? 1 : 0;
const LO = LITTLE ? 0 : 1;

/** Result of sqlite3FpDecode. `z` holds ASCII digit codes; the digits are z[start..start+n). */
export interface FpDecoded {
  neg: boolean;
  /** 0 = finite, 1 = infinity, 2 = NaN */
  special: 0 | 1 | 2;
  digits: string;
  /** Position of the decimal point relative to the first digit. */
  iDP: number;
}

/**
 * sqlite3FpDecode. iRound > 0: round to min(iRound, mxRound) significant digits; iRound <= 0:
 * round to -iRound digits after the decimal point (at most mxRound significant digits).
 */
export function fpDecode(r: number, iRound: number, mxRound: number): FpDecoded {
  let neg = false;
  if (r < 0) {
    neg = true;
    r = -r;
  } else if (r === 0) {
    return { neg: false, special: 0, digits: '0', iDP: 1 };
  }
  f64[0] = r;
  const hi = u32[HI];
  const lo = u32[LO];
  let e = (hi >>> 20) & 0x7ff;
  const mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  if (e === 0x7ff) {
    return { neg, special: mant !== 0n ? 2 : 1, digits: '', iDP: 0 };
  }
  let v: bigint;
  if (e === 0) {
    const nn = 64 - mant.toString(2).length;
    v = (mant << BigInt(nn)) & U64;
    e = -1074 - nn;
  } else {
    v = (mant << 11n) | BIT63;
    e -= 1086;
  }
  const conv = fp2Convert10(v, e, iRound <= 0 || iRound >= 18 ? 18 : iRound + 1);
  const exp = conv.p;
  const text = conv.d.toString();
  // z[0] is a spare slot so that rounding can carry into a new leading digit.
  const z: number[] = new Array(text.length + 2);
  z[0] = 48;
  for (let k = 0; k < text.length; k++) z[k + 1] = text.charCodeAt(k);
  z[text.length + 1] = 48;
  let s = 1; // index of the first digit
  let n = text.length;
  let iDP = n + exp;
  if (iRound <= 0) {
    iRound = iDP - iRound;
    if (iRound === 0 && z[s] >= 53) {
      iRound = 1;
      z[--s] = 48;
      n++;
      iDP++;
    }
  }
  if (iRound > 0 && (iRound < n || n > mxRound)) {
    if (iRound > mxRound) iRound = mxRound;
    if (iRound === 17) {
      // Prefer fewer digits when they round-trip (only reached through "%!.17g").
      if (z[s + 15] === 57 && z[s + 14] === 57) {
        let jj = 14;
        while (jj > 0 && z[s + jj - 1] === 57) jj--;
        let v2: bigint;
        if (jj === 0) {
          v2 = 1n;
        } else {
          v2 = BigInt(String.fromCharCode(...z.slice(s, s + jj))) + 1n;
        }
        if (r === fp10Convert2(v2, exp + n - jj)) iRound = jj + 1;
      } else if (iDP >= n || (z[s + 15] === 48 && z[s + 14] === 48 && z[s + 13] === 48)) {
        let jj = 13;
        while (z[s + jj - 1] === 48) jj--;
        const v2 = BigInt(String.fromCharCode(...z.slice(s, s + jj)));
        if (r === fp10Convert2(v2, exp + n - jj)) iRound = jj + 1;
      }
    }
    n = iRound;
    if (z[s + iRound] >= 53) {
      let j = iRound - 1;
      for (;;) {
        z[s + j]++;
        if (z[s + j] <= 57) break;
        z[s + j] = 48;
        if (j === 0) {
          z[--s] = 49;
          n++;
          iDP++;
          break;
        }
        j--;
      }
    }
  }
  while (z[s + n - 1] === 48) n--;
  return { neg, special: 0, digits: String.fromCharCode(...z.slice(s, s + n)), iDP };
}

/** printf flags that affect floating-point conversions. */
export interface FloatFormat {
  /** 'f', 'e', 'E', 'g' or 'G' */
  conv: number;
  /** -1 = default */
  precision: number;
  width: number;
  leftJustify: boolean;
  /** '+', ' ' or '' */
  prefix: string;
  alternate: boolean;
  altform2: boolean;
  zeroPad: boolean;
  thousands: boolean;
}

const ETFLOAT = 1;
const ETEXP = 2;
const ETGENERIC = 3;

/** The etFLOAT / etEXP / etGENERIC branch of sqlite3_str_vappendf, including width padding. */
export function formatFloat(realvalue: number, f: FloatFormat): string {
  const c = f.conv;
  let xtype = c === 102 ? ETFLOAT : c === 101 || c === 69 ? ETEXP : ETGENERIC;
  const upper = c === 69 || c === 71;
  let precision = f.precision < 0 ? 6 : f.precision;
  if (precision > 100000000) precision = 100000000;
  let iRound: number;
  if (xtype === ETFLOAT) iRound = -precision;
  else if (xtype === ETGENERIC) {
    if (precision === 0) precision = 1;
    iRound = precision;
  } else iRound = precision + 1;
  const s = fpDecode(realvalue, iRound, f.altform2 ? 20 : 16);
  let digits = s.digits;
  let iDP = s.iDP;
  let width = f.width;
  if (s.special) {
    let out: string;
    if (s.special === 2) {
      out = f.zeroPad ? 'null' : 'NaN';
      return pad(out, width, f.leftJustify);
    } else if (f.zeroPad) {
      digits = '9';
      iDP = 1000;
    } else {
      out = s.neg ? '-Inf' : f.prefix ? f.prefix + 'Inf' : 'Inf';
      return pad(out, width, f.leftJustify);
    }
  }
  let prefix: string;
  if (s.neg) {
    prefix = f.alternate && !f.prefix && xtype === ETFLOAT && iDP <= iRound ? '' : '-';
  } else {
    prefix = f.prefix;
  }
  let flagRtz: boolean;
  if (xtype === ETGENERIC) {
    precision--;
    flagRtz = !f.alternate;
    const exp = iDP - 1;
    if (exp < -4 || exp > precision) {
      xtype = ETEXP;
    } else {
      precision = precision - exp;
      xtype = ETFLOAT;
    }
  } else {
    flagRtz = f.altform2;
  }
  let e2 = xtype === ETEXP ? 0 : iDP - 1;
  const flagDp = precision > 0 || f.alternate || f.altform2;
  const n = digits.length;
  let out = prefix;
  let j = 0;
  if (e2 < 0) {
    out += '0';
  } else if (f.thousands) {
    for (; e2 >= 0; e2--) {
      out += j < n ? digits[j++] : '0';
      if (e2 % 3 === 0 && e2 > 1) out += ',';
    }
  } else {
    j = e2 + 1;
    if (j > n) j = n;
    out += digits.slice(0, j);
    e2 -= j;
    if (e2 >= 0) {
      out += '0'.repeat(e2 + 1);
      e2 = -1;
    }
  }
  if (flagDp) out += '.';
  if (e2 < -1 && precision > 0) {
    let nn = -1 - e2;
    if (nn > precision) nn = precision;
    out += '0'.repeat(nn);
    precision -= nn;
  }
  if (precision > 0) {
    let nn = n - j;
    if (nn > precision) nn = precision;
    if (nn > 0) {
      out += digits.slice(j, j + nn);
      precision -= nn;
    }
    if (precision > 0 && !flagRtz) out += '0'.repeat(precision);
  }
  if (flagRtz && flagDp) {
    let end = out.length;
    while (out.charCodeAt(end - 1) === 48) end--;
    out = out.slice(0, end);
    if (out.charCodeAt(end - 1) === 46) out = f.altform2 ? out + '0' : out.slice(0, end - 1);
  }
  if (xtype === ETEXP) {
    let exp = iDP - 1;
    out += upper ? 'E' : 'e';
    if (exp < 0) {
      out += '-';
      exp = -exp;
    } else out += '+';
    if (exp >= 100) {
      out += String.fromCharCode(48 + Math.trunc(exp / 100));
      exp %= 100;
    }
    out += String.fromCharCode(48 + Math.trunc(exp / 10), 48 + (exp % 10));
  }
  const length = out.length;
  if (length < width) {
    const nPad = width - length;
    if (f.leftJustify) out += ' '.repeat(nPad);
    else if (!f.zeroPad) out = ' '.repeat(nPad) + out;
    else {
      const adj = prefix ? 1 : 0;
      out = out.slice(0, adj) + '0'.repeat(nPad) + out.slice(adj);
    }
  }
  return out;
}

function pad(s: string, width: number, left: boolean): string {
  if (s.length >= width) return s;
  return left ? s + ' '.repeat(width - s.length) : ' '.repeat(width - s.length) + s;
}

const RENDER: FloatFormat = {
  conv: 103,
  precision: 17,
  width: 0,
  leftJustify: false,
  prefix: '',
  alternate: false,
  altform2: true,
  zeroPad: false,
  thousands: false,
};

/**
 * The text of a REAL as SQLite renders it (vdbeMemRenderNum, "%!.17g"): 0.1 -> '0.1',
 * 2.0 -> '2.0', 1e16 -> '10000000000000000.0', 1e17 -> '1.0e+17', 1.5e-7 -> '1.5e-07'.
 */
export function renderReal(r: number): string {
  if (Number.isInteger(r) && r > -1e15 && r < 1e15) {
    // Integral values below 10^15 print their integer digits exactly.
    return r === 0 ? '0.0' : `${r}.0`;
  }
  return formatFloat(r, RENDER);
}

function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

/** Result of sqlite3AtoF: the value and the return code (see below). */
export interface AtoFResult {
  value: number;
  /**
   * > 0: the whole text is a number; < 0: only a prefix is; 0: no prefix is.
   * bit 1 (2): has a decimal point or exponent; bit 2 (4): exactly zero; bit 3 (8): > ~19 digits.
   */
  rc: number;
}

/**
 * sqlite3AtoF: text to double. Leading/trailing whitespace allowed, no hex, no 'inf'/'nan'.
 * A NUL character ends the text (SQLite works on zero-terminated strings here).
 */
export function atoF(z: string): AtoFResult {
  const len = z.length;
  let i = 0;
  let neg = false;
  let s = 0; // mantissa while exact in a double
  let big: bigint | null = null; // mantissa once beyond 2^53
  let d = 0;
  let mState = 0;
  const LIMIT = 1844674407370955160n; // (LARGEST_UINT64-9)/10
  let c = i < len ? z.charCodeAt(i) : 0;
  while (isSpace(c)) c = ++i < len ? z.charCodeAt(i) : 0;
  let intPart = false;
  if (c >= 48 && c <= 57) intPart = true;
  else if (c === 45 || c === 43) {
    neg = c === 45;
    c = ++i < len ? z.charCodeAt(i) : 0;
    if (c >= 48 && c <= 57) intPart = true;
  }
  if (intPart) {
    mState = 1;
    for (;;) {
      const v = c - 48;
      if (big === null) {
        s = s * 10 + v;
        if (s > 9007199254740991) {
          big = BigInt(z.slice(digitStart(z, i), i + 1));
        }
      } else {
        big = big * 10n + BigInt(v);
      }
      c = ++i < len ? z.charCodeAt(i) : 0;
      if (big !== null && big >= LIMIT) {
        mState = 9;
        while (c >= 48 && c <= 57) {
          d++;
          c = ++i < len ? z.charCodeAt(i) : 0;
        }
        break;
      }
      if (!(c >= 48 && c <= 57)) break;
    }
  }
  if (c === 46) {
    c = ++i < len ? z.charCodeAt(i) : 0;
    if (c >= 48 && c <= 57) {
      mState |= 1;
      do {
        if (big === null ? true : big < LIMIT) {
          if (big === null) {
            const t = s * 10 + (c - 48);
            if (t > 9007199254740991) {
              big = BigInt(s) * 10n + BigInt(c - 48);
            } else s = t;
          } else big = big * 10n + BigInt(c - 48);
          d--;
        } else {
          mState = 11;
        }
        c = ++i < len ? z.charCodeAt(i) : 0;
      } while (c >= 48 && c <= 57);
    } else if (mState === 0) {
      return { value: 0, rc: 0 };
    }
    mState |= 2;
  } else if (mState === 0) {
    return { value: 0, rc: 0 };
  }
  if (c === 101 || c === 69) {
    const ePos = i;
    c = ++i < len ? z.charCodeAt(i) : 0;
    let esign = 1;
    if (c === 45) {
      esign = -1;
      c = ++i < len ? z.charCodeAt(i) : 0;
    } else if (c === 43) {
      c = ++i < len ? z.charCodeAt(i) : 0;
    }
    if (c >= 48 && c <= 57) {
      let exp = c - 48;
      mState |= 2;
      c = ++i < len ? z.charCodeAt(i) : 0;
      while (c >= 48 && c <= 57) {
        exp = exp < 10000 ? exp * 10 + (c - 48) : 10000;
        c = ++i < len ? z.charCodeAt(i) : 0;
      }
      d += esign * exp;
    } else {
      // leave the text at the 'e' so that the result is "prefix only"
      i = ePos;
      c = z.charCodeAt(i);
    }
  }
  let value: number;
  if (big === null ? s === 0 : big === 0n) {
    value = 0;
    mState |= 4;
  } else if (big === null && d >= -22 && d <= 22) {
    value = d >= 0 ? s * POW10[d] : s / POW10[-d];
  } else {
    value = d < -348 ? 0 : d > 347 ? Infinity : Number(`${big ?? s}e${d}`);
  }
  if (neg) value = -value;
  if (i >= len || c === 0) return { value, rc: mState };
  if (isSpace(c)) {
    do c = ++i < len ? z.charCodeAt(i) : 0;
    while (isSpace(c));
    if (i >= len || c === 0) return { value, rc: mState };
  }
  return { value, rc: (0xfffffff0 | mState) | 0 };
}

const POW10: readonly number[] = Array.from({ length: 23 }, (_, k) => Number(`1e${k}`));

/** Start index of the digits (after leading zeros are irrelevant) that end at `end`. */
function digitStart(z: string, end: number): number {
  let k = end;
  while (k > 0) {
    const c = z.charCodeAt(k - 1);
    if (c < 48 || c > 57) break;
    k--;
  }
  return k;
}
