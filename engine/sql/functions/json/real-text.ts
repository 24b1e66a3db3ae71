/**
 * SQLite's rendering of REAL values as text, digit for digit.
 *
 * SQLite does not use the shortest round-trip representation. It decodes a double into about
 * 17 significant decimal digits with a 64x64->128 bit multiply against a table of powers of ten
 * (`sqlite3Fp2Convert10` in util.c), rounds that digit string as decimal text (`sqlite3FpDecode`),
 * and lays the digits out like printf's %g/%f/%e with SQLite's own flags (printf.c). REAL to TEXT
 * conversion (`sqlite3_value_text`) uses "%!.17g" since SQLite 3.52, which is why 1.0/3 renders as
 * 0.33333333333333332 (not ...331) while 0.1 stays 0.1.
 *
 * The '!' flag ("altform2") keeps a ".0" on integral values and allows up to 20 digits.
 */

/** Result of sqlite3FpDecode: significant digits `z` with the decimal point after `iDP` digits. */
const POWERS_FIRST = -348;
const POWERS_COUNT = 696;
let powersOfTen: BigUint64Array | null = null;

/** sqlite3PowerOfTen[]: the 64 most significant bits of 10^p, truncated. */
function powerTable(): BigUint64Array {
  if (powersOfTen) return powersOfTen;
  const t = new BigUint64Array(POWERS_COUNT);
  for (let i = 0; i < POWERS_COUNT; i++) {
    const p = i + POWERS_FIRST;
    if (p >= 0) {
      const v = 10n ** BigInt(p);
      const bl = v.toString(2).length;
      t[i] = bl > 64 ? v >> BigInt(bl - 64) : v << BigInt(64 - bl);
    } else {
      const d = 10n ** BigInt(-p);
      const sh = 64 + d.toString(2).length - 1;
      let v = (1n << BigInt(sh)) / d;
      const bl = v.toString(2).length;
      if (bl > 64) v >>= BigInt(bl - 64);
      t[i] = v;
    }
  }
  powersOfTen = t;
  return t;
}

const pwr10to2 = (p: number): number => (p * 108853) >> 15;
const pwr2to10 = (p: number): number => (p * 78913) >> 18;
const f64 = new Float64Array(1);
const u64 = new BigUint64Array(f64.buffer);

/** sqlite3Fp2Convert10 for a positive finite r: about n significant digits D and exponent P, r ~ D*10^P. */
function fp2Convert10(r: number, n: number): [bigint, number] {
  f64[0] = r;
  let v = u64[0];
  let e = Number((v >> 52n) & 0x7ffn);
  v &= 0x000fffffffffffffn;
  if (e === 0) {
    const z = 64 - v.toString(2).length;
    v <<= BigInt(z);
    e = -1074 - z;
  } else {
    v = (v << 11n) | (1n << 63n);
    e -= 1086;
  }
  const p = n - 1 - pwr2to10(e + 63);
  let h = (v * powerTable()[p - POWERS_FIRST]) >> 64n;
  if (n === 18) {
    h >>= BigInt(-(e + pwr10to2(p) + 2));
    return [(h + ((h << 1n) & 2n)) >> 1n, -p];
  }
  return [h >> BigInt(-(e + pwr10to2(p) + 1)), -p];
}

/**
 * At exactly 17 digits with the '!' flag, SQLite shortens the 18-digit decoding when a shorter
 * decimal converts back to the same double: a run of 9s at digits 15-16 rounds the prefix up, a
 * run of 0s at digits 14-16 (or a value with no fraction) truncates it. `digits` is edited in place
 * to the shortened digit string (padded with zeros) when that happens.
 */
function shortenForRoundTrip(digits: number[], exp: number, r: number): number {
  const produced = digits.length;
  let kept: number;
  let candidate: number;
  if (digits[15] === 9 && digits[14] === 9) {
    kept = 14;
    while (kept > 0 && digits[kept - 1] === 9) kept--;
    let prefix = 0;
    for (let i = 0; i < kept; i++) prefix = prefix * 10 + digits[i];
    candidate = kept === 0 ? 1 : prefix + 1;
  } else {
    const trailingZeros = digits[15] === 0 && digits[14] === 0 && digits[13] === 0;
    if (exp < 0 && !trailingZeros) return exp;
    kept = 13;
    while (kept > 0 && digits[kept - 1] === 0) kept--;
    candidate = 0;
    for (let i = 0; i < kept; i++) candidate = candidate * 10 + digits[i];
  }
  const e10 = exp + produced - kept;
  if (candidate === 0 || Number(`${candidate}e${e10}`) !== r) return exp;
  const s = String(candidate);
  digits.length = 0;
  for (let i = 0; i < s.length; i++) digits.push(s.charCodeAt(i) - 48);
  return e10 + (kept - s.length) + (s.length - kept);
}

export interface FpDecoded {
  sign: '+' | '-';
  /** 0 = finite, 1 = infinity, 2 = NaN */
  isSpecial: number;
  z: string;
  iDP: number;
}

/** sqlite3FpDecode(p, r, iRound, mxRound). */
export function fpDecode(r: number, iRound: number, mxRound: number): FpDecoded {
  let sign: '+' | '-' = '+';
  if (r < 0) {
    sign = '-';
    r = -r;
  } else if (r === 0) {
    return { sign: Object.is(r, -0) ? '+' : '+', isSpecial: 0, z: '0', iDP: 1 };
  }
  if (r === Infinity) return { sign, isSpecial: 1, z: '', iDP: 0 };
  if (r !== r) return { sign, isSpecial: 2, z: '', iDP: 0 };
  // Eighteen significant digits from SQLite's decimal conversion, later rounded again half-up to
  // the requested precision: 1/3 -> ...315 -> ...32.
  // SQLite asks for one guard digit below 17 significant digits, 18 otherwise
  const [d, p10] = fp2Convert10(r, iRound > 0 && iRound < 17 ? iRound + 1 : 18);
  const t = d.toString();
  const digits: number[] = [];
  for (let i = 0; i < t.length; i++) digits.push(t.charCodeAt(i) - 48);
  let exp = p10;
  if (iRound === 17 && mxRound === 20) exp = shortenForRoundTrip(digits, exp, r);
  let n = digits.length;
  let iDP = n + exp;
  if (iRound <= 0) {
    iRound = iDP - iRound;
    if (iRound === 0 && digits[0] >= 5) {
      iRound = 1;
      digits.unshift(0);
      n++;
      iDP++;
    }
  }
  if (iRound > 0 && (iRound < n || n > mxRound)) {
    if (iRound > mxRound) iRound = mxRound;
    const roundUp = digits[iRound] >= 5;
    digits.length = iRound;
    n = iRound;
    if (roundUp) {
      let j = iRound - 1;
      for (;;) {
        digits[j]++;
        if (digits[j] <= 9) break;
        digits[j] = 0;
        if (j === 0) {
          digits.unshift(1);
          n++;
          iDP++;
          break;
        }
        j--;
      }
    }
  }
  while (n > 1 && digits[n - 1] === 0) n--;
  let z = '';
  for (let i = 0; i < n; i++) z += String.fromCharCode(48 + digits[i]);
  return { sign, isSpecial: 0, z, iDP };
}

export interface FloatFormat {
  /** 'g' generic, 'f' fixed, 'e' exponent */
  type: 'g' | 'f' | 'e';
  precision: number;
  /** the '!' flag */
  altform2?: boolean;
  /** the '#' flag */
  alternateForm?: boolean;
  /** the '0' flag: Inf renders as 9.0e+999, NaN as null */
  zeropad?: boolean;
}

/** SQLite printf's etFLOAT / etEXP / etGENERIC conversion (without width). */
export function formatFloat(value: number, fmt: FloatFormat): string {
  let precision = fmt.precision;
  let xtype = fmt.type;
  const altform2 = fmt.altform2 === true;
  const alternateForm = fmt.alternateForm === true;
  let iRound: number;
  if (xtype === 'f') iRound = -precision;
  else if (xtype === 'g') {
    if (precision === 0) precision = 1;
    iRound = precision;
  } else iRound = precision + 1;
  const s = fpDecode(value, iRound, altform2 ? 20 : 16);
  let z = s.z;
  let iDP = s.iDP;
  if (s.isSpecial) {
    if (s.isSpecial === 2) return fmt.zeropad ? 'null' : 'NaN';
    if (fmt.zeropad) {
      z = '9';
      iDP = 1000;
    } else {
      return s.sign === '-' ? '-Inf' : 'Inf';
    }
  }
  let out = s.sign === '-' ? '-' : '';
  let exp = iDP - 1;
  let flagRtz: boolean;
  if (xtype === 'g') {
    precision--;
    flagRtz = !alternateForm;
    if (exp < -4 || exp > precision) {
      xtype = 'e';
    } else {
      precision = precision - exp;
      xtype = 'f';
    }
  } else {
    flagRtz = altform2;
  }
  let e2 = xtype === 'e' ? 0 : iDP - 1;
  const flagDp = precision > 0 || alternateForm || altform2;
  let j = 0;
  const n = z.length;
  if (e2 < 0) {
    out += '0';
  } else {
    for (; e2 >= 0; e2--) out += j < n ? z[j++] : '0';
  }
  if (flagDp) out += '.';
  for (e2++; e2 < 0 && precision > 0; precision--, e2++) out += '0';
  while (precision-- > 0) out += j < n ? z[j++] : '0';
  if (flagRtz && flagDp) {
    let k = out.length;
    while (out.charCodeAt(k - 1) === 48) k--;
    out = out.slice(0, k);
    if (out.charCodeAt(k - 1) === 46) out = altform2 ? out + '0' : out.slice(0, k - 1);
  }
  if (xtype === 'e') {
    exp = iDP - 1;
    out += 'e';
    if (exp < 0) {
      out += '-';
      exp = -exp;
    } else out += '+';
    if (exp >= 100) {
      out += String.fromCharCode(48 + Math.floor(exp / 100));
      exp %= 100;
    }
    out += String.fromCharCode(48 + Math.floor(exp / 10)) + String.fromCharCode(48 + (exp % 10));
  }
  return out;
}

const G17: FloatFormat = { type: 'g', precision: 17, altform2: true };
const G17Z: FloatFormat = { type: 'g', precision: 17, altform2: true, zeropad: true };

/**
 * The text of a REAL as `sqlite3_value_text` renders it: "%!.17g" (SQLite 3.52+ default of
 * 17 significant digits, from SQLite's approximate decimal conversion, trailing zeros removed).
 * Infinities are "Inf" / "-Inf".
 *
 * @example realToText(0.1) === '0.1'; realToText(1) === '1.0'; realToText(1/3) === '0.33333333333333332'
 */
export function realToText(r: number): string {
  return formatFloat(r, G17);
}

/** The JSON rendering of a REAL: as realToText, but infinities become 9.0e+999 / -9.0e+999. */
export function realToJsonText(r: number): string {
  return formatFloat(r, G17Z);
}
