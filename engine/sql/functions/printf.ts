/**
 * format() / printf(): a port of sqlite3_str_vappendf in its SQL-function mode
 * (SQLITE_PRINTF_SQLFUNC), where every argument comes from the SQL argument list.
 *
 * Conversions: %d %i %u %x %X %o %p %r (integers, via sqlite3_value_int64), %f %e %E %g %G
 * (via sqlite3_value_double), %s %z %c %q %Q %w (text), %% and %n. Flags: - + space # ! 0 ,
 * width and precision (digits or *), l/ll ignored. Widths and precisions count UTF-8 bytes for
 * text unless the ! flag asks for characters. An unknown conversion ends the output there.
 */
import { sqliteError } from '../../common/errors.js';
import type { SqlValue } from '../../common/value.js';
import { formatFloat, type FloatFormat } from '../semantics/fp.js';
import { toInt64, toReal, toText } from '../semantics/convert.js';
import { decodeUtf8, encodeUtf8, utf8Length } from '../semantics/utf8.js';

const MAX_LENGTH = 1000000000;

class Args {
  used = 0;
  constructor(private readonly a: readonly SqlValue[], private readonly first: number) {}
  private next(): SqlValue | undefined {
    const i = this.first + this.used;
    if (i >= this.a.length) return undefined;
    this.used++;
    return this.a[i];
  }
  int(): bigint {
    const v = this.next();
    return v === undefined ? 0n : BigInt(toInt64(v));
  }
  double(): number {
    const v = this.next();
    return v === undefined ? 0 : toReal(v);
  }
  text(): string | null {
    const v = this.next();
    return v === undefined ? null : toText(v);
  }
}

/** (int) of an int64: the low 32 bits, signed. */
function toInt32(v: bigint): number {
  return Number(BigInt.asIntN(32, v));
}

function countChars(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xdc00 || c > 0xdfff) n++;
  }
  return n;
}

/** Prefix of s with at most `n` UTF-8 bytes (SQLite counts bytes; a cut character is replaced). */
function bytePrefix(s: string, n: number): string {
  if (s.length <= n && utf8Length(s) <= n) return s;
  let ascii = true;
  for (let i = 0; i < s.length && i < n; i++) {
    if (s.charCodeAt(i) >= 0x80) {
      ascii = false;
      break;
    }
  }
  if (ascii) return s.slice(0, n);
  return decodeUtf8(encodeUtf8(s).subarray(0, n));
}

/** Prefix of s with at most `n` characters (code points). */
function charPrefix(s: string, n: number): string {
  let i = 0;
  while (n > 0 && i < s.length) {
    const c = s.charCodeAt(i);
    i += c >= 0xd800 && c <= 0xdbff && i + 1 < s.length ? 2 : 1;
    n--;
  }
  return s.slice(0, i);
}

function cutAtNul(s: string): string {
  const k = s.indexOf('\0');
  return k < 0 ? s : s.slice(0, k);
}

const DIGITS_LOWER = '0123456789abcdef';
const DIGITS_UPPER = '0123456789ABCDEF';

function tooBig(n: number): void {
  if (n > MAX_LENGTH) throw sqliteError('string or blob too big', 'SQLITE_TOOBIG');
}

/**
 * printf(format, args...) as the SQL function computes it; null when the format is NULL or
 * missing.
 *
 * @example sqlPrintf(['%5.2f|%-4d|%q', 3.14159, 7, "it's"]) === " 3.14|7   |it''s"
 */
export function sqlPrintf(argv: readonly SqlValue[]): string | null {
  if (argv.length < 1) return null;
  const text = toText(argv[0]);
  if (text === null) return null;
  const fmt = cutAtNul(text);
  const args = new Args(argv, 1);
  let out = '';
  // SQLite returns the accumulator's buffer, which stays unallocated (NULL) until the first
  // append, even of zero bytes: an empty format or one that fails before any output is NULL.
  let appended = false;
  const n = fmt.length;
  let i = 0;
  outer: while (i < n) {
    const pct = fmt.indexOf('%', i);
    if (pct < 0) {
      out += fmt.slice(i);
      appended = true;
      break;
    }
    if (pct > i) {
      out += fmt.slice(i, pct);
      appended = true;
    }
    i = pct + 1;
    if (i >= n) {
      out += '%';
      appended = true;
      break;
    }
    let c = fmt.charCodeAt(i);
    let leftJustify = false;
    let prefixFlag = '';
    let alternate = false;
    let altform2 = false;
    let zeroPad = false;
    let thousands = false;
    let width = 0;
    let precision = -1;
    let done = false;
    // fmt[i] is the current character c; 0 past the end
    const at = (k: number): number => (k < n ? fmt.charCodeAt(k) : 0);
    do {
      switch (c) {
        case 45: leftJustify = true; break; // -
        case 43: prefixFlag = '+'; break;
        case 32: prefixFlag = ' '; break;
        case 35: alternate = true; break; // #
        case 33: altform2 = true; break; // !
        case 48: zeroPad = true; break; // 0
        case 44: thousands = true; break; // ,
        case 108: // l
          c = at(++i);
          if (c === 108) c = at(++i);
          done = true;
          break;
        case 49: case 50: case 51: case 52: case 53: case 54: case 55: case 56: case 57: {
          let wx = c - 48;
          while ((c = at(++i)) >= 48 && c <= 57) wx = (Math.imul(wx, 10) + c - 48) >>> 0;
          width = wx & 0x7fffffff;
          if (c !== 46 && c !== 108) done = true;
          else i--;
          break;
        }
        case 42: { // *
          width = toInt32(args.int());
          if (width < 0) {
            leftJustify = true;
            width = width >= -2147483647 ? -width : 0;
          }
          c = at(i + 1);
          if (c !== 46 && c !== 108) {
            c = at(++i);
            done = true;
          }
          break;
        }
        case 46: { // .
          c = at(++i);
          if (c === 42) {
            precision = toInt32(args.int());
            if (precision < 0) precision = precision >= -2147483647 ? -precision : -1;
            c = at(++i);
          } else {
            let px = 0;
            while (c >= 48 && c <= 57) {
              px = (Math.imul(px, 10) + c - 48) >>> 0;
              c = at(++i);
            }
            precision = px & 0x7fffffff;
          }
          if (c === 108) i--;
          else done = true;
          break;
        }
        default:
          done = true;
          break;
      }
    } while (!done && (c = at(++i)) !== 0);
    i++; // past the conversion character
    let text: string; // the rendered field before width padding
    let length: number; // its length in the unit width counts
    switch (c) {
      case 100: case 105: case 117: case 120: case 88: case 111: case 112: case 114: {
        // d i u x X o p r
        const signed = c === 100 || c === 105 || c === 114;
        const base = c === 120 || c === 88 || c === 112 ? 16 : c === 111 ? 8 : 10;
        if (base !== 10 || c === 114) thousands = false;
        let v = args.int();
        let prefix = '';
        if (signed) {
          if (v < 0n) {
            v = -v;
            prefix = '-';
          } else prefix = prefixFlag;
        } else {
          v = BigInt.asUintN(64, v);
        }
        if (v === 0n) alternate = false;
        if (zeroPad && precision < width - (prefix ? 1 : 0)) precision = width - (prefix ? 1 : 0);
        tooBig(precision);
        let digits = v.toString(base);
        if (c === 88 || c === 112) digits = digits.toUpperCase(); // %p uses the upper-case digit set
        if (c === 114) {
          const x = Number(v % 10n);
          const tens = Number((v / 10n) % 10n);
          digits += x >= 4 || tens === 1 ? 'th' : ['th', 'st', 'nd', 'rd'][x];
        }
        if (precision > digits.length) digits = '0'.repeat(precision - digits.length) + digits;
        if (thousands) {
          const len = digits.length;
          let s = '';
          let ix = ((len - 1) % 3) + 1;
          s = digits.slice(0, ix);
          for (; ix < len; ix += 3) s += ',' + digits.slice(ix, ix + 3);
          digits = s;
        }
        if (alternate) {
          if (c === 120 || c === 112) digits = '0x' + digits;
          else if (c === 88) digits = '0X' + digits;
          else if (c === 111) digits = '0' + digits;
        }
        text = prefix + digits;
        length = text.length;
        break;
      }
      case 102: case 101: case 69: case 103: case 71: {
        tooBig(width);
        const f: FloatFormat = {
          conv: c,
          precision,
          width,
          leftJustify,
          prefix: prefixFlag,
          alternate,
          altform2,
          zeroPad,
          thousands,
        };
        const r = formatFloat(args.double(), f);
        out += r;
        appended = true;
        tooBig(out.length);
        continue outer;
      }
      case 110: // n
        appended = true;
        continue outer;
      case 37: // %
        text = '%';
        length = 1;
        break;
      case 99: { // c
        const t = args.text();
        let ch = '\0';
        if (t !== null && t.length > 0) ch = String.fromCodePoint(t.codePointAt(0) as number);
        if (precision > 1) {
          tooBig(precision);
          width -= precision - 1;
          if (width > 1 && !leftJustify) {
            out += ' '.repeat(width - 1);
            width = 0;
          }
          out += ch.repeat(precision - 1);
          appended = true;
        }
        text = ch;
        length = 1; // with the implied ! flag, width counts characters
        break;
      }
      case 115: case 122: { // s z
        let t = args.text();
        t = t === null ? '' : cutAtNul(t);
        if (precision >= 0) {
          t = altform2 ? charPrefix(t, precision) : bytePrefix(t, precision);
        }
        text = t;
        length = altform2 ? countChars(t) : utf8Length(t);
        break;
      }
      case 113: case 81: case 119: { // q Q w
        let arg = args.text();
        let needQuote = 0;
        if (arg === null) arg = c === 81 ? 'NULL' : '(NULL)';
        else {
          arg = cutAtNul(arg);
          if (c === 81) needQuote = 1;
        }
        const q = c === 119 ? '"' : "'";
        if (c === 119) alternate = false;
        if (precision >= 0) arg = altform2 ? charPrefix(arg, precision) : bytePrefix(arg, precision);
        if (alternate) {
          let nCtrl = 0;
          for (let k = 0; k < arg.length; k++) if (arg.charCodeAt(k) <= 0x1f) nCtrl++;
          if (nCtrl || c === 113) {
            if (c === 81) needQuote = 2;
          } else alternate = false;
        }
        let body = '';
        if (alternate) {
          for (let k = 0; k < arg.length; k++) {
            const ch = arg[k];
            const code = arg.charCodeAt(k);
            if (ch === q) body += ch + ch;
            else if (ch === '\\') body += '\\\\';
            else if (code <= 0x1f) body += '\\u00' + (code >= 0x10 ? '1' : '0') + DIGITS_LOWER[code & 0xf];
            else body += ch;
          }
        } else {
          body = arg.split(q).join(q + q);
        }
        if (needQuote === 2) text = "unistr('" + body + "')";
        else if (needQuote === 1) text = "'" + body + "'";
        else text = body;
        length = altform2 ? countChars(text) : utf8Length(text);
        break;
      }
      default:
        // %T, %S (internal only), unknown conversions and a truncated spec end the output
        break outer;
    }
    tooBig(width);
    if (width > length) {
      const pad = ' '.repeat(width - length);
      out += leftJustify ? text + pad : pad + text;
    } else out += text;
    appended = true;
    tooBig(out.length);
  }
  return appended ? out : null;
}

export { DIGITS_UPPER };
