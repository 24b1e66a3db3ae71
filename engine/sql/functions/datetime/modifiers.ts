/**
 * Date/time modifiers (parseModifier of date.c) and the localtime/utc conversions.
 */
import { sqliteError } from '../../../common/errors.js';
import {
  DateTime, UNIX_EPOCH_IJD, atofStrict, clearYMD_HMS_TZ, computeFloor, computeJD, computeYMD, computeYMD_HMS,
  getDigits, isDigitCode, isSpaceCode, parseHhMmSs,
} from './datetime.js';

const idiv = (a: number, b: number): number => Math.trunc(a / b);

/** toLocaltime: treat p as UTC and move it to the process's local time (via the JS Date local getters). */
export function toLocaltime(p: DateTime): void {
  computeJD(p);
  let iYearDiff: number;
  let t: number;
  if (p.iJD < 2108667600 * 100000 || p.iJD > 2130141456 * 100000) {
    // outside 1970..2037: map to an equivalent year, convert, and map back
    const x = p.copy();
    computeYMD_HMS(x);
    iYearDiff = 2000 + (x.Y % 4) - x.Y;
    x.Y += iYearDiff;
    x.validJD = false;
    computeJD(x);
    t = idiv(x.iJD, 1000) - 21086676 * 10000;
  } else {
    iYearDiff = 0;
    t = idiv(p.iJD, 1000) - 21086676 * 10000;
  }
  const d = new Date(t * 1000);
  if (Number.isNaN(d.getTime())) throw sqliteError('local time unavailable');
  p.Y = d.getFullYear() - iYearDiff;
  p.M = d.getMonth() + 1;
  p.D = d.getDate();
  p.h = d.getHours();
  p.m = d.getMinutes();
  p.s = d.getSeconds() + (p.iJD % 1000) * 0.001;
  p.validYMD = true;
  p.validHMS = true;
  p.validJD = false;
  p.rawS = false;
  p.tz = 0;
  p.isError = false;
}

const XFORM: readonly { name: string; limit: number; xform: number }[] = [
  { name: 'second', limit: 4.6427e14, xform: 1.0 },
  { name: 'minute', limit: 7.7379e12, xform: 60.0 },
  { name: 'hour', limit: 1.2897e11, xform: 3600.0 },
  { name: 'day', limit: 5373485.0, xform: 86400.0 },
  { name: 'month', limit: 176546.0, xform: 2592000.0 },
  { name: 'year', limit: 14713.0, xform: 31536000.0 },
];
// rLimit is a C float: compare against its float32 value
const XFORM_LIMIT = XFORM.map((x) => Math.fround(x.limit));

function autoAdjustDate(p: DateTime): void {
  if (!p.rawS || p.validJD) {
    p.rawS = false;
  } else if (p.s >= -21086676 * 10000 && p.s <= 25340230 * 10000 + 799) {
    const r = p.s * 1000.0 + 210866760000000.0;
    clearYMD_HMS_TZ(p);
    p.iJD = Math.trunc(r + 0.5);
    p.validJD = true;
    p.rawS = false;
  }
}

/** C-style (int) cast of a double. */
const toInt = (r: number): number => Math.trunc(r);

/**
 * parseModifier: apply modifier z (argument index idx) to p. Returns true when the modifier is
 * not understood or not applicable (the function then returns NULL).
 */
export function parseModifier(z: string, p: DateTime, idx: number): boolean {
  let rc = true;
  const lower = z.toLowerCase();
  switch (lower.charCodeAt(0)) {
    case 0x61: // a
      if (lower === 'auto') {
        if (idx > 1) return true;
        autoAdjustDate(p);
        rc = false;
      }
      break;
    case 0x63: // c
      if (lower === 'ceiling') {
        computeJD(p);
        clearYMD_HMS_TZ(p);
        rc = false;
        p.nFloor = 0;
      }
      break;
    case 0x66: // f
      if (lower === 'floor') {
        computeJD(p);
        p.iJD -= p.nFloor * 86400000;
        clearYMD_HMS_TZ(p);
        rc = false;
      }
      break;
    case 0x6a: // j
      if (lower === 'julianday') {
        if (idx > 1) return true;
        if (p.validJD && p.rawS) {
          rc = false;
          p.rawS = false;
        }
      }
      break;
    case 0x6c: // l
      if (lower === 'localtime') {
        if (!p.isLocal) toLocaltime(p);
        rc = false;
        p.isUtc = false;
        p.isLocal = true;
      }
      break;
    case 0x75: // u
      if (lower === 'unixepoch' && p.rawS) {
        if (idx > 1) return true;
        const r = p.s * 1000.0 + 210866760000000.0;
        if (r >= 0.0 && r < 464269060800000.0) {
          clearYMD_HMS_TZ(p);
          p.iJD = Math.trunc(r + 0.5);
          p.validJD = true;
          p.rawS = false;
          rc = false;
        }
      } else if (lower === 'utc') {
        if (!p.isUtc) {
          computeJD(p);
          const iOrigJD = p.iJD;
          let iGuess = iOrigJD;
          let iErr = 0;
          let cnt = 0;
          do {
            const x = new DateTime();
            iGuess -= iErr;
            x.iJD = iGuess;
            x.validJD = true;
            toLocaltime(x);
            computeJD(x);
            iErr = x.iJD - iOrigJD;
          } while (iErr && cnt++ < 3);
          p.reset();
          p.iJD = iGuess;
          p.validJD = true;
          p.isUtc = true;
          p.isLocal = false;
        }
        rc = false;
      }
      break;
    case 0x77: // w
      if (lower.startsWith('weekday ')) {
        const r = atofStrict(z.slice(8));
        if (r !== null && r >= 0.0 && r < 7.0 && Math.trunc(r) === r) {
          const n = r;
          computeYMD_HMS(p);
          p.tz = 0;
          p.validJD = false;
          computeJD(p);
          let Z = idiv(p.iJD + 129600000, 86400000) % 7;
          if (Z > n) Z -= 7;
          p.iJD += (n - Z) * 86400000;
          clearYMD_HMS_TZ(p);
          rc = false;
        }
      }
      break;
    case 0x73: { // s
      if (!lower.startsWith('start of ')) {
        if (lower === 'subsec' || lower === 'subsecond') {
          p.useSubsec = true;
          rc = false;
        }
        break;
      }
      if (!p.validJD && !p.validYMD && !p.validHMS) break;
      const unit = lower.slice(9);
      computeYMD(p);
      p.validHMS = true;
      p.h = p.m = 0;
      p.s = 0.0;
      p.rawS = false;
      p.tz = 0;
      p.validJD = false;
      if (unit === 'month') {
        p.D = 1;
        rc = false;
      } else if (unit === 'year') {
        p.M = 1;
        p.D = 1;
        rc = false;
      } else if (unit === 'day') {
        rc = false;
      }
      break;
    }
    case 0x2b: case 0x2d:
    case 0x30: case 0x31: case 0x32: case 0x33: case 0x34: case 0x35: case 0x36: case 0x37: case 0x38: case 0x39:
      rc = numericModifier(z, p);
      break;
    default:
      break;
  }
  return rc;
}

function numericModifier(z: string, p: DateTime): boolean {
  const at = (i: number): number => (i < z.length ? z.charCodeAt(i) : 0);
  let n = 1;
  for (; n < z.length; n++) {
    const c = at(n);
    if (c === 58) break;
    if (isSpaceCode(c)) break;
    if (c === 45) {
      if (n === 5 && getDigits(z, 1, '40f').length === 1) break;
      if (n === 6 && getDigits(z, 1, '50f').length === 1) break;
    }
  }
  const r0 = atofStrict(z.slice(0, n));
  if (r0 === null) return true;
  let r = r0;
  const z0 = at(0);
  let zz = z;
  let z2 = z;
  let z2off = 0;
  if (at(n) === 45) {
    // (+|-)YYYY-MM-DD [HH:MM[:SS.SSS]]
    if (z0 !== 43 && z0 !== 45) return true;
    let d: number[];
    if (n === 5) {
      d = getDigits(z, 1, '40f-20a-20d');
      if (d.length !== 3) return true;
    } else {
      d = getDigits(z, 1, '50f-20a-20d');
      if (d.length !== 3) return true;
      zz = z.slice(1);
    }
    const [Y, M] = d;
    let D = d[2];
    if (M >= 12) return true;
    if (D >= 31) return true;
    computeYMD_HMS(p);
    p.validJD = false;
    if (z0 === 45) {
      p.Y -= Y;
      p.M -= M;
      D = -D;
    } else {
      p.Y += Y;
      p.M += M;
    }
    const x = p.M > 0 ? idiv(p.M - 1, 12) : idiv(p.M - 12, 12);
    p.Y += x;
    p.M -= x * 12;
    computeFloor(p);
    computeJD(p);
    p.validHMS = false;
    p.validYMD = false;
    p.iJD += D * 86400000;
    const c11 = zz.length > 11 ? zz.charCodeAt(11) : 0;
    if (c11 === 0) return false;
    if (isSpaceCode(c11) && getDigits(zz, 12, '20c:20e').length === 2) {
      z2 = zz;
      z2off = 12;
      n = 2;
    } else {
      return true;
    }
  }
  if ((z2off + n < z2.length ? z2.charCodeAt(z2off + n) : 0) === 58) {
    // (+|-)HH:MM[:SS[.FFF]]
    let off = z2off;
    if (!isDigitCode(z2.charCodeAt(off))) off++;
    const tx = new DateTime();
    if (parseHhMmSs(z2, off, tx)) return true;
    computeJD(tx);
    tx.iJD -= 43200000;
    const day = idiv(tx.iJD, 86400000);
    tx.iJD -= day * 86400000;
    if (z0 === 45) tx.iJD = -tx.iJD;
    computeJD(p);
    clearYMD_HMS_TZ(p);
    p.iJD += tx.iJD;
    return false;
  }
  // "+NNN days" and the like
  let rest = z.slice(n);
  let k = 0;
  while (k < rest.length && isSpaceCode(rest.charCodeAt(k))) k++;
  rest = rest.slice(k);
  let len = new TextEncoder().encode(rest).length;
  if (len < 3 || len > 10) return true;
  if ((rest.charCodeAt(rest.length - 1) | 0x20) === 0x73) {
    len--;
    rest = rest.slice(0, rest.length - 1);
  }
  computeJD(p);
  let rc = true;
  const rRounder = r < 0 ? -0.5 : 0.5;
  p.nFloor = 0;
  const unit = rest.toLowerCase();
  for (let i = 0; i < XFORM.length; i++) {
    const xf = XFORM[i];
    if (xf.name.length === len && unit === xf.name && r > -XFORM_LIMIT[i] && r < XFORM_LIMIT[i]) {
      if (i === 4) {
        computeYMD_HMS(p);
        p.M += toInt(r);
        const x = p.M > 0 ? idiv(p.M - 1, 12) : idiv(p.M - 12, 12);
        p.Y += x;
        p.M -= x * 12;
        computeFloor(p);
        p.validJD = false;
        r -= toInt(r);
      } else if (i === 5) {
        const y = toInt(r);
        computeYMD_HMS(p);
        p.Y += y;
        computeFloor(p);
        p.validJD = false;
        r -= toInt(r);
      }
      computeJD(p);
      p.iJD += Math.trunc(r * 1000.0 * xf.xform + rRounder);
      rc = false;
      break;
    }
  }
  clearYMD_HMS_TZ(p);
  return rc;
}

export { UNIX_EPOCH_IJD };
