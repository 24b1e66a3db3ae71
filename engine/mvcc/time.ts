/**
 * Points in time as SQL sees them. A timestamp is microseconds since 1970-01-01 UTC. SQL text
 * form: `YYYY-MM-DD HH:MM:SS.ffffff` (SQLite's datetime format extended to microseconds, UTC),
 * which `helios_commit_time()` returns and `AS OF TIMESTAMP` accepts, with the variants SQLite's
 * date functions accept: date only, `T` separator, no seconds, any number of fraction digits,
 * a `Z` or `±HH:MM` suffix. Integers (and reals) are microseconds since the epoch.
 */
import { sqliteError } from '../common/errors.js';
import { Real, type SqlValue } from '../common/value.js';

function pad(n: number, w: number): string {
  return String(n).padStart(w, '0');
}

/** `YYYY-MM-DD HH:MM:SS.ffffff` (UTC) of a microsecond timestamp. */
export function formatMicros(us: number): string {
  const ms = Math.floor(us / 1000);
  const d = new Date(ms);
  const frac = us - ms * 1000 + (d.getUTCMilliseconds() * 1000);
  return (
    `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)} ` +
    `${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}.${pad(frac, 6)}`
  );
}

const TEXT_FORM = /^\s*(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?\s*(Z|[+-]\d{2}:\d{2})?\s*$/i;

/** Microseconds of a text timestamp, or null when it is not one. */
export function parseTimestampText(s: string): number | null {
  const m = TEXT_FORM.exec(s);
  if (!m) return null;
  const [, y, mo, d, h, mi, sec, frac, zone] = m;
  const month = Number(mo);
  const day = Number(d);
  const hour = h === undefined ? 0 : Number(h);
  const min = mi === undefined ? 0 : Number(mi);
  const secs = sec === undefined ? 0 : Number(sec);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || min > 59 || secs > 59) return null;
  let ms = Date.UTC(Number(y), month - 1, day, hour, min, secs);
  if (zone !== undefined && zone.toUpperCase() !== 'Z') {
    const sign = zone[0] === '-' ? -1 : 1;
    ms -= sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6))) * 60000;
  }
  const micro = frac === undefined ? 0 : Number((frac + '000000').slice(0, 6));
  return ms * 1000 + micro;
}

/** The timestamp an `AS OF TIMESTAMP` value names (SqliteError when it names none). */
export function timestampOf(v: SqlValue): number {
  if (typeof v === 'string') {
    const t = parseTimestampText(v);
    if (t !== null) return t;
    throw sqliteError(`invalid AS OF TIMESTAMP value '${v}': expected 'YYYY-MM-DD HH:MM:SS[.ffffff]' (UTC) or microseconds since 1970`);
  }
  if (typeof v === 'number' && Number.isFinite(v)) return Math.floor(v);
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Real) return v.value;
  throw sqliteError(`invalid AS OF TIMESTAMP value: expected a date/time text or microseconds since 1970, got ${v === null ? 'NULL' : typeof v === 'object' ? 'a blob' : String(v)}`);
}

/** The transaction number an `AS OF TRANSACTION` value names. */
export function transactionOf(v: SqlValue): number {
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return v;
  if (typeof v === 'bigint' && v >= 0n && v <= BigInt(Number.MAX_SAFE_INTEGER)) return Number(v);
  if (typeof v === 'string' && /^\s*\d+\s*$/.test(v)) return Number(v);
  if (v instanceof Real && Number.isSafeInteger(v.value) && v.value >= 0) return v.value;
  throw sqliteError(`invalid AS OF TRANSACTION value: expected a transaction number, got ${v === null ? 'NULL' : typeof v === 'object' ? 'a non-integer' : String(v)}`);
}
