/**
 * date(), time(), datetime(), julianday(), unixepoch(), strftime(), timediff() (date.c).
 */
import { Real, type SqlValue } from '../../../common/value.js';
import { formatFloat, realToText } from '../json/real-text.js';
import type { FunctionContext, ScalarFunctionDef } from '../json/types.js';
import {
  DateTime, UNIX_EPOCH_IJD, clearYMD_HMS_TZ, computeHMS, computeJD, computeYMD, computeYMD_HMS, parseDateOrTime,
  setDateTimeToCurrent, setRawDateNumber, validJulianDay,
} from './datetime.js';
import { parseModifier } from './modifiers.js';

const idiv = (a: number, b: number): number => Math.trunc(a / b);

function textOf(v: SqlValue): string | null {
  if (v === null) return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return Number.isSafeInteger(v) ? String(v) : realToText(v);
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof Real) return realToText(v.value);
  return new TextDecoder().decode(v);
}

/** isDate: time value plus modifiers into p; returns false when the result is NULL. */
function isDate(ctx: FunctionContext, args: readonly SqlValue[], p: DateTime): boolean {
  p.reset();
  if (args.length === 0) return !setDateTimeToCurrent(ctx.now(), p);
  const v = args[0];
  if (typeof v === 'number' || typeof v === 'bigint' || v instanceof Real) {
    setRawDateNumber(p, typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : v.value);
  } else {
    const z = textOf(v);
    if (z === null || parseDateOrTime(() => ctx.now(), z, p)) return false;
  }
  for (let i = 1; i < args.length; i++) {
    const z = textOf(args[i]);
    if (z === null || parseModifier(z, p, i)) return false;
  }
  computeJD(p);
  if (p.isError || !validJulianDay(p.iJD)) return false;
  if (args.length === 1 && p.validYMD && p.D > 28) {
    // normalise an overflowing day of month: 2023-02-31 -> 2023-03-03
    p.validYMD = false;
  }
  return true;
}

const pad2 = (n: number): string => (n < 10 ? '0' + n : String(n));
/** printf "%0Nd" (sign counts toward the width) */
function padN(n: number, w: number): string {
  const neg = n < 0;
  let s = String(Math.abs(n));
  while (s.length < w - (neg ? 1 : 0)) s = '0' + s;
  return neg ? '-' + s : s;
}
/** printf "%2d" */
const space2 = (n: number): string => (n < 10 && n >= 0 ? ' ' + n : String(n));

function yearText(Y: number): string {
  const a = Math.abs(Y);
  const s = String(a % 10000).padStart(4, '0');
  return Y < 0 ? '-' + s : s;
}

function secondsText(p: DateTime): string {
  if (p.useSubsec) {
    const s = Math.trunc(1000.0 * p.s + 0.5);
    return pad2(idiv(s, 1000) % 100) + '.' + String(s % 1000).padStart(3, '0');
  }
  return pad2(Math.trunc(p.s) % 100);
}

function dateText(p: DateTime): string {
  return `${yearText(p.Y)}-${pad2(p.M % 100)}-${pad2(p.D % 100)}`;
}

function timeText(p: DateTime): string {
  return `${pad2(p.h % 100)}:${pad2(p.m % 100)}:${secondsText(p)}`;
}

/** printf "%.3f" / "%06.3f" */
function fixed3(r: number, width: number): string {
  let s = formatFloat(r, { type: 'f', precision: 3 });
  const neg = s.startsWith('-');
  if (neg) s = s.slice(1);
  while (s.length < width - (neg ? 1 : 0)) s = '0' + s;
  return neg ? '-' + s : s;
}

function realValue(r: number): SqlValue {
  return Number.isSafeInteger(r) ? new Real(r) : r;
}

const julianday = (args: readonly SqlValue[], ctx: FunctionContext): SqlValue => {
  const x = new DateTime();
  if (!isDate(ctx, args, x)) return null;
  computeJD(x);
  return realValue(x.iJD / 86400000.0);
};

const unixepoch = (args: readonly SqlValue[], ctx: FunctionContext): SqlValue => {
  const x = new DateTime();
  if (!isDate(ctx, args, x)) return null;
  computeJD(x);
  if (x.useSubsec) return realValue((x.iJD - UNIX_EPOCH_IJD) / 1000.0);
  return idiv(x.iJD, 1000) - 21086676 * 10000;
};

const datetime = (args: readonly SqlValue[], ctx: FunctionContext): SqlValue => {
  const x = new DateTime();
  if (!isDate(ctx, args, x)) return null;
  computeYMD_HMS(x);
  return `${dateText(x)} ${timeText(x)}`;
};

const time = (args: readonly SqlValue[], ctx: FunctionContext): SqlValue => {
  const x = new DateTime();
  if (!isDate(ctx, args, x)) return null;
  computeHMS(x);
  return timeText(x);
};

const date = (args: readonly SqlValue[], ctx: FunctionContext): SqlValue => {
  const x = new DateTime();
  if (!isDate(ctx, args, x)) return null;
  computeYMD(x);
  return dateText(x);
};

function daysAfterJan01(p: DateTime): number {
  const jan01 = p.copy();
  jan01.validJD = false;
  jan01.M = 1;
  jan01.D = 1;
  computeJD(jan01);
  return idiv(p.iJD - jan01.iJD + 43200000, 86400000);
}
const daysAfterMonday = (p: DateTime): number => idiv(p.iJD + 43200000, 86400000) % 7;
const daysAfterSunday = (p: DateTime): number => idiv(p.iJD + 129600000, 86400000) % 7;

/** The Thursday of x's ISO week. */
function isoThursday(x: DateTime): DateTime {
  const y = x.copy();
  y.iJD += (3 - daysAfterMonday(x)) * 86400000;
  y.validYMD = false;
  computeYMD(y);
  return y;
}

const strftime = (args: readonly SqlValue[], ctx: FunctionContext): SqlValue => {
  if (args.length === 0) return null;
  const fmt = textOf(args[0]);
  const x = new DateTime();
  if (fmt === null || !isDate(ctx, args.slice(1), x)) return null;
  computeJD(x);
  computeYMD_HMS(x);
  let out = '';
  let j = 0;
  let i = 0;
  for (; i < fmt.length; i++) {
    if (fmt.charCodeAt(i) !== 37) continue;
    if (j < i) out += fmt.slice(j, i);
    i++;
    j = i + 1;
    const cf = fmt[i];
    switch (cf) {
      case 'd':
        out += pad2(x.D);
        break;
      case 'e':
        out += space2(x.D);
        break;
      case 'f': {
        let s = x.s;
        if (s > 59.999) s = 59.999;
        out += fixed3(s, 6);
        break;
      }
      case 'F':
        out += `${padN(x.Y, 4)}-${pad2(x.M)}-${pad2(x.D)}`;
        break;
      case 'G':
      case 'g': {
        const y = isoThursday(x);
        out += cf === 'g' ? padN(y.Y % 100, 2) : padN(y.Y, 4);
        break;
      }
      case 'H':
        out += pad2(x.h);
        break;
      case 'k':
        out += space2(x.h);
        break;
      case 'I':
      case 'l': {
        let h = x.h;
        if (h > 12) h -= 12;
        if (h === 0) h = 12;
        out += cf === 'I' ? pad2(h) : space2(h);
        break;
      }
      case 'j':
        out += padN(daysAfterJan01(x) + 1, 3);
        break;
      case 'J':
        out += formatFloat(x.iJD / 86400000.0, { type: 'g', precision: 16 });
        break;
      case 'm':
        out += pad2(x.M);
        break;
      case 'M':
        out += pad2(x.m);
        break;
      case 'p':
        out += x.h >= 12 ? 'PM' : 'AM';
        break;
      case 'P':
        out += x.h >= 12 ? 'pm' : 'am';
        break;
      case 'R':
        out += `${pad2(x.h)}:${pad2(x.m)}`;
        break;
      case 's':
        if (x.useSubsec) out += fixed3((x.iJD - UNIX_EPOCH_IJD) / 1000.0, 0);
        else out += String(idiv(x.iJD, 1000) - 21086676 * 10000);
        break;
      case 'S':
        out += pad2(Math.trunc(x.s));
        break;
      case 'T':
        out += `${pad2(x.h)}:${pad2(x.m)}:${pad2(Math.trunc(x.s))}`;
        break;
      case 'u':
      case 'w': {
        let c = daysAfterSunday(x);
        if (c === 0 && cf === 'u') c = 7;
        out += String(c);
        break;
      }
      case 'U':
        out += pad2(idiv(daysAfterJan01(x) - daysAfterSunday(x) + 7, 7));
        break;
      case 'V': {
        const y = isoThursday(x);
        out += pad2(idiv(daysAfterJan01(y), 7) + 1);
        break;
      }
      case 'W':
        out += pad2(idiv(daysAfterJan01(x) - daysAfterMonday(x) + 7, 7));
        break;
      case 'Y':
        out += padN(x.Y, 4);
        break;
      case '%':
        out += '%';
        break;
      default:
        return null;
    }
  }
  if (j < i) out += fmt.slice(j, i);
  return out;
};

const timediff = (args: readonly SqlValue[], ctx: FunctionContext): SqlValue => {
  const d1 = new DateTime();
  const d2 = new DateTime();
  if (!isDate(ctx, [args[0]], d1)) return null;
  if (!isDate(ctx, [args[1]], d2)) return null;
  computeYMD_HMS(d1);
  computeYMD_HMS(d2);
  let sign: string;
  let Y: number;
  let M: number;
  if (d1.iJD >= d2.iJD) {
    sign = '+';
    Y = d1.Y - d2.Y;
    if (Y) {
      d2.Y = d1.Y;
      d2.validJD = false;
      computeJD(d2);
    }
    M = d1.M - d2.M;
    if (M < 0) {
      Y--;
      M += 12;
    }
    if (M !== 0) {
      d2.M = d1.M;
      d2.validJD = false;
      computeJD(d2);
    }
    while (d1.iJD < d2.iJD) {
      M--;
      if (M < 0) {
        M = 11;
        Y--;
      }
      d2.M--;
      if (d2.M < 1) {
        d2.M = 12;
        d2.Y--;
      }
      d2.validJD = false;
      computeJD(d2);
    }
    d1.iJD -= d2.iJD;
    d1.iJD += 1486995408 * 100000;
  } else {
    sign = '-';
    Y = d2.Y - d1.Y;
    if (Y) {
      d2.Y = d1.Y;
      d2.validJD = false;
      computeJD(d2);
    }
    M = d2.M - d1.M;
    if (M < 0) {
      Y--;
      M += 12;
    }
    if (M !== 0) {
      d2.M = d1.M;
      d2.validJD = false;
      computeJD(d2);
    }
    while (d1.iJD > d2.iJD) {
      M--;
      if (M < 0) {
        M = 11;
        Y--;
      }
      d2.M++;
      if (d2.M > 12) {
        d2.M = 1;
        d2.Y++;
      }
      d2.validJD = false;
      computeJD(d2);
    }
    d1.iJD = d2.iJD - d1.iJD;
    d1.iJD += 1486995408 * 100000;
  }
  clearYMD_HMS_TZ(d1);
  d1.validYMD = false;
  d1.validHMS = false;
  computeYMD_HMS(d1);
  return `${sign}${padN(Y, 4)}-${padN(M, 2)}-${padN(d1.D - 1, 2)} ${pad2(d1.h)}:${pad2(d1.m)}:${fixed3(d1.s, 6)}`;
};

/**
 * 'now' makes these functions depend on the statement time, so they are not deterministic in
 * the planner's sense (SQLite flags them SLOCHNG: constant within one statement).
 */
function def(name: string, nArgs: number, impl: ScalarFunctionDef['impl']): ScalarFunctionDef {
  return { name, nArgs, deterministic: false, impl };
}

export const datetimeScalars: ScalarFunctionDef[] = [
  def('julianday', -1, julianday),
  def('unixepoch', -1, unixepoch),
  def('date', -1, date),
  def('time', -1, time),
  def('datetime', -1, datetime),
  def('strftime', -1, strftime),
  def('timediff', 2, timediff),
];
