/**
 * SQLite's DateTime object and time-value parsing (a port of date.c).
 *
 * Every time value becomes a julian day number in milliseconds (`iJD`, 1970-01-01 00:00 is
 * 210866760000000) and/or broken-down Y-M-D h:m:s. The valid* flags say which forms are current;
 * computeJD / computeYMD / computeHMS derive one from the other exactly as SQLite does (Meeus'
 * algorithm with C integer truncation), so that the results match digit for digit.
 */

export class DateTime {
  iJD = 0;
  Y = 0;
  M = 0;
  D = 0;
  h = 0;
  m = 0;
  tz = 0;
  s = 0;
  validJD = false;
  validYMD = false;
  validHMS = false;
  nFloor = 0;
  rawS = false;
  isError = false;
  useSubsec = false;
  isUtc = false;
  isLocal = false;

  copy(): DateTime {
    const x = new DateTime();
    Object.assign(x, this);
    return x;
  }

  reset(): void {
    Object.assign(this, new DateTime());
  }
}

/** The largest valid iJD: 9999-12-31 23:59:59.999 */
export const MAX_IJD = 464269060799999;
/** iJD of the Unix epoch */
export const UNIX_EPOCH_IJD = 210866760000000;

const idiv = (a: number, b: number): number => Math.trunc(a / b);

export function validJulianDay(iJD: number): boolean {
  return iJD >= 0 && iJD <= MAX_IJD;
}

export function datetimeError(p: DateTime): void {
  p.reset();
  p.isError = true;
}

export const isDigitCode = (c: number): boolean => c >= 48 && c <= 57;
/** sqlite3Isspace: ASCII space, \t \n \v \f \r */
export const isSpaceCode = (c: number): boolean => c === 32 || (c >= 9 && c <= 13);

const aMx = [12, 14, 24, 31, 59, 14712];

/**
 * getDigits: convert digits of z at i according to spec "NmxS..." (N digits, min, max code a-f,
 * separator). Returns the converted values (stops at the first failure).
 */
export function getDigits(z: string, i: number, spec: string): number[] {
  const out: number[] = [];
  let f = 0;
  for (;;) {
    let n = spec.charCodeAt(f) - 48;
    const min = spec.charCodeAt(f + 1) - 48;
    const max = aMx[spec.charCodeAt(f + 2) - 97];
    const nextC = f + 3 < spec.length ? spec.charCodeAt(f + 3) : 0;
    let val = 0;
    while (n--) {
      const c = z.charCodeAt(i);
      if (!isDigitCode(c)) return out;
      val = val * 10 + c - 48;
      i++;
    }
    const here = i < z.length ? z.charCodeAt(i) : 0;
    if (val < min || val > max || (nextC !== 0 && nextC !== here)) return out;
    out.push(val);
    i++;
    f += 4;
    if (nextC === 0) return out;
  }
}

const charAt = (z: string, i: number): number => (i < z.length ? z.charCodeAt(i) : 0);

/** parseTimezone: optional (+|-)HH:MM or Z; returns true on error. */
function parseTimezone(z: string, i: number, p: DateTime): boolean {
  while (isSpaceCode(charAt(z, i))) i++;
  p.tz = 0;
  const c = charAt(z, i);
  let sgn: number;
  if (c === 45) sgn = -1;
  else if (c === 43) sgn = 1;
  else if (c === 90 || c === 122) {
    i++;
    p.isLocal = false;
    p.isUtc = true;
    while (isSpaceCode(charAt(z, i))) i++;
    return i < z.length;
  } else {
    return c !== 0;
  }
  i++;
  const d = getDigits(z, i, '20b:20e');
  if (d.length !== 2) return true;
  i += 5;
  p.tz = sgn * (d[1] + d[0] * 60);
  if (p.tz === 0) {
    p.isLocal = false;
    p.isUtc = true;
  }
  while (isSpaceCode(charAt(z, i))) i++;
  return i < z.length;
}

/** parseHhMmSs: HH:MM[:SS[.FFF]] then an optional timezone; returns true on error. */
export function parseHhMmSs(z: string, i: number, p: DateTime): boolean {
  const hm = getDigits(z, i, '20c:20e');
  if (hm.length !== 2) return true;
  i += 5;
  let s = 0;
  let ms = 0;
  if (charAt(z, i) === 58) {
    i++;
    const sd = getDigits(z, i, '20e');
    if (sd.length !== 1) return true;
    s = sd[0];
    i += 2;
    if (charAt(z, i) === 46 && isDigitCode(charAt(z, i + 1))) {
      let rScale = 1.0;
      i++;
      while (isDigitCode(charAt(z, i))) {
        ms = ms * 10.0 + charAt(z, i) - 48;
        rScale *= 10.0;
        i++;
      }
      ms /= rScale;
      if (ms > 0.999) ms = 0.999;
    }
  }
  p.validJD = false;
  p.rawS = false;
  p.validHMS = true;
  p.h = hm[0];
  p.m = hm[1];
  p.s = s + ms;
  return parseTimezone(z, i, p);
}

/** computeJD: Y-M-D h:m:s (+tz) to iJD. */
export function computeJD(p: DateTime): void {
  if (p.validJD) return;
  let Y: number;
  let M: number;
  let D: number;
  if (p.validYMD) {
    Y = p.Y;
    M = p.M;
    D = p.D;
  } else {
    Y = 2000;
    M = 1;
    D = 1;
  }
  if (Y < -4713 || Y > 9999 || p.rawS) {
    datetimeError(p);
    return;
  }
  if (M <= 2) {
    Y--;
    M += 12;
  }
  const A = idiv(Y + 4800, 100);
  const B = 38 - A + idiv(A, 4);
  const X1 = idiv(36525 * (Y + 4716), 100);
  const X2 = idiv(306001 * (M + 1), 10000);
  p.iJD = Math.trunc((X1 + X2 + D + B - 1524.5) * 86400000);
  p.validJD = true;
  if (p.validHMS) {
    p.iJD += p.h * 3600000 + p.m * 60000 + Math.trunc(p.s * 1000 + 0.5);
    if (p.tz) {
      p.iJD -= p.tz * 60000;
      p.validYMD = false;
      p.validHMS = false;
      p.tz = 0;
      p.isUtc = true;
      p.isLocal = false;
    }
  }
}

/** computeFloor: days of day-of-month overflow (for the "floor" modifier). */
export function computeFloor(p: DateTime): void {
  if (p.D <= 28) p.nFloor = 0;
  else if ((1 << p.M) & 0x15aa) p.nFloor = 0;
  else if (p.M !== 2) p.nFloor = p.D === 31 ? 1 : 0;
  else if (p.Y % 4 !== 0 || (p.Y % 100 === 0 && p.Y % 400 !== 0)) p.nFloor = p.D - 28;
  else p.nFloor = p.D - 29;
}

/** parseYyyyMmDd: [-]YYYY-MM-DD[( |T)time]; returns true on error. */
function parseYyyyMmDd(z: string, p: DateTime): boolean {
  let i = 0;
  let neg = false;
  if (charAt(z, 0) === 45) {
    i = 1;
    neg = true;
  }
  const d = getDigits(z, i, '40f-21a-21d');
  if (d.length !== 3) return true;
  i += 10;
  while (isSpaceCode(charAt(z, i)) || charAt(z, i) === 84) i++;
  if (!parseHhMmSs(z, i, p)) {
    // got the time
  } else if (i >= z.length) {
    p.validHMS = false;
  } else {
    return true;
  }
  p.validJD = false;
  p.validYMD = true;
  p.Y = neg ? -d[0] : d[0];
  p.M = d[1];
  p.D = d[2];
  computeFloor(p);
  if (p.tz) computeJD(p);
  return false;
}

export function clearYMD_HMS_TZ(p: DateTime): void {
  p.validYMD = false;
  p.validHMS = false;
  p.tz = 0;
}

/** setDateTimeToCurrent: 'now' as the statement time (ms since the Unix epoch). */
export function setDateTimeToCurrent(nowMs: number, p: DateTime): boolean {
  p.iJD = Math.floor(nowMs) + UNIX_EPOCH_IJD;
  if (p.iJD > 0) {
    p.validJD = true;
    p.isUtc = true;
    p.isLocal = false;
    clearYMD_HMS_TZ(p);
    return false;
  }
  return true;
}

export function setRawDateNumber(p: DateTime, r: number): void {
  p.s = r;
  p.rawS = true;
  if (r >= 0.0 && r < 5373484.5) {
    p.iJD = Math.trunc(r * 86400000.0 + 0.5);
    p.validJD = true;
  }
}

const NUMERIC = /^[ \t\n\v\f\r]*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?[ \t\n\v\f\r]*$/;

/** sqlite3AtoF(z) > 0: the whole text is a decimal number (surrounding spaces allowed). */
export function atofStrict(z: string): number | null {
  if (!NUMERIC.test(z)) return null;
  return Number(z.trim());
}

/** parseDateOrTime: returns true on error. */
export function parseDateOrTime(nowMs: () => number, z: string, p: DateTime): boolean {
  if (!parseYyyyMmDd(z, p)) return false;
  if (!parseHhMmSs(z, 0, p)) return false;
  const lower = z.toLowerCase();
  if (lower === 'now') return setDateTimeToCurrent(nowMs(), p);
  const r = atofStrict(z);
  if (r !== null) {
    setRawDateNumber(p, r);
    return false;
  }
  if (lower === 'subsec' || lower === 'subsecond') {
    p.useSubsec = true;
    return setDateTimeToCurrent(nowMs(), p);
  }
  return true;
}

/** computeYMD: iJD to Y-M-D. */
export function computeYMD(p: DateTime): void {
  if (p.validYMD) return;
  if (!p.validJD) {
    p.Y = 2000;
    p.M = 1;
    p.D = 1;
  } else if (!validJulianDay(p.iJD)) {
    datetimeError(p);
    return;
  } else {
    const Z = idiv(p.iJD + 43200000, 86400000);
    const alpha = Math.trunc((Z + 32044.75) / 36524.25) - 52;
    const A = Z + 1 + alpha - idiv(alpha + 100, 4) + 25;
    const B = A + 1524;
    const C = Math.trunc((B - 122.1) / 365.25);
    const D = idiv(36525 * (C & 32767), 100);
    const E = Math.trunc((B - D) / 30.6001);
    const X1 = Math.trunc(30.6001 * E);
    p.D = B - D - X1;
    p.M = E < 14 ? E - 1 : E - 13;
    p.Y = p.M > 2 ? C - 4716 : C - 4715;
  }
  p.validYMD = true;
}

/** computeHMS: iJD to h:m:s. */
export function computeHMS(p: DateTime): void {
  if (p.validHMS) return;
  computeJD(p);
  const dayMs = (p.iJD + 43200000) % 86400000;
  p.s = (dayMs % 60000) / 1000.0;
  const dayMin = idiv(dayMs, 60000);
  p.m = dayMin % 60;
  p.h = idiv(dayMin, 60);
  p.rawS = false;
  p.validHMS = true;
}

export function computeYMD_HMS(p: DateTime): void {
  computeYMD(p);
  computeHMS(p);
}
