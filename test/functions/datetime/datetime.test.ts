import Database from 'better-sqlite3';
import { describe, expect, test } from 'vitest';
import { datetimeScalars } from '../../../engine/sql/functions/datetime/index.js';
import { Real, type SqlValue } from '../../../engine/common/value.js';
import type { FunctionContext } from '../../../engine/sql/functions/json/types.js';

const db = new Database(':memory:');
db.defaultSafeIntegers(true);

const NOW = Date.UTC(2024, 1, 29, 13, 45, 30, 250);
const ctx: FunctionContext = {
  now: () => NOW,
  lastInsertRowid: () => 0,
  changes: () => 0,
  totalChanges: () => 0,
  caseSensitiveLike: () => false,
};

function norm(v: SqlValue): unknown {
  if (v === null) return null;
  if (typeof v === 'number') return Number.isSafeInteger(v) ? BigInt(v) : v;
  if (v instanceof Real) return v.value;
  return v;
}
function toSql(v: unknown): SqlValue {
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'number') return Number.isInteger(v) ? new Real(v) : v;
  return v as SqlValue;
}

function ours(name: string, args: unknown[]): unknown {
  const f = datetimeScalars.find((d) => d.name === name);
  if (!f) throw new Error(name);
  try {
    return norm(f.impl(args.map(toSql), ctx));
  } catch (e) {
    return { err: (e as Error).message };
  }
}
const stmts = new Map<string, Database.Statement>();
function theirs(name: string, args: unknown[]): unknown {
  const sql = `select ${name}(${args.map(() => '?').join(',')})`;
  let st = stmts.get(sql);
  if (!st) {
    st = db.prepare(sql).raw(true);
    stmts.set(sql, st);
  }
  try {
    return (st.get(...args) as unknown[])[0];
  } catch (e) {
    return { err: (e as Error).message };
  }
}

function compareAll(lists: unknown[][], names: string[]): number {
  const failures: string[] = [];
  let n = 0;
  for (const name of names) {
    for (const args of lists) {
      n++;
      const want = theirs(name, args);
      const got = ours(name, args);
      if (!Object.is(want, got) && JSON.stringify(want, big) !== JSON.stringify(got, big)) {
        if (failures.length < 12) failures.push(`${name}(${args.map((a) => JSON.stringify(a, big)).join(', ')}): want ${JSON.stringify(want, big)} got ${JSON.stringify(got, big)}`);
      }
    }
  }
  expect(failures).toEqual([]);
  return n;
}
const big = (_k: string, v: unknown): unknown => (typeof v === 'bigint' ? `${v}n` : v);

const TIMES: unknown[] = [
  '2024-02-29', '2023-02-29', '2000-01-01 00:00:00', '1970-01-01T00:00:00.000', '2024-12-31 23:59:59.999',
  '2024-06-15 12:30', '2024-06-15 12:30:45.123456', '2024-06-15T12:30:45Z', '2024-06-15 12:30:45+05:30',
  '2024-06-15 12:30:45 -08:00', '2024-06-15 12:30:45.5-00:00', '12:30', '23:59:59.9999', '00:00:00',
  '0000-01-01', '-0001-12-31 10:00', '-4713-11-24 12:00:00', '-4714-01-01', '9999-12-31 23:59:59',
  '1582-10-15', '1900-02-28', '2100-03-01', '2024-01-31', '2024-13-01', '2024-00-10', '2024-02-30',
  '2024-1-01', '24-01-01', 'now', 'NOW', 'subsec', 'garbage', '', ' 2024-06-15', '2024-06-15 ', '2024-06-15 25:00',
  '2024-06-15 12:60', '2024-06-15 12:30:61', '2451545.0', '2451545', '0', '5373484.5', '-1', '1e6',
  2451545.25, 2460000, 0, 1700000000, -1, 5373484.49, 86400.5, 1e10, 12.5, null,
  '2024-06-15T12:30:45.123+14:00', '2024-06-15 12:30:45 Z', '2024-06-15 12:30:45+24:00', '2024-06-15 12:30:45 +0530',
];

const MODIFIERS: (string | number | null)[] = [
  '+1 day', '-1 days', '+36 hours', '-90 minutes', '+3600 seconds', '+1.5 seconds', '+1 month', '-1 month',
  '+13 months', '+1 year', '-1 years', '+2.75 days', '+0.5 months', '-1.5 years', 'start of month', 'start of year',
  'start of day', 'weekday 0', 'weekday 1', 'weekday 6', 'weekday 7', 'weekday 1.5', 'unixepoch', 'julianday',
  'auto', 'subsec', 'subsecond', 'ceiling', 'floor', '+01:30', '-05:00', '+12:30:45.25', '-00:00:01',
  '+0001-02-03', '-0001-01-01', '+0000-00-30 10:00', '-0002-11-30 12:30:15.5', '+10000-00-00', '+1 fortnight',
  '+1', 'days', '1 day', ' +1 day', '+1 DAY', '+1 Days ', 'START OF MONTH', 'utc', null, 5, '+5',
  '+999999 days', '+1e3 seconds', '+1.0e2 minutes',
];

describe('date and time functions against SQLite', () => {
  test('time values alone', () => {
    const fixed = TIMES.filter((t) => t !== 'now' && t !== 'NOW' && t !== 'subsec');
    const n = compareAll(fixed.map((t) => [t]), ['date', 'time', 'datetime', 'julianday', 'unixepoch']);
    expect(n).toBeGreaterThan(250);
  });

  test('time values x modifiers (one and two modifiers)', () => {
    const lists: unknown[][] = [];
    for (const t of TIMES) {
      if (t === 'now' || t === 'NOW' || t === 'subsec') continue;
      for (const m of MODIFIERS) {
        if (m === 'utc') continue;
        lists.push([t, m]);
      }
    }
    const pairs: unknown[][] = [];
    let k = 0;
    for (const t of ['2024-01-31 10:20:30.456', '2023-03-31', '2000-02-29 23:59:59', 1700000000, 2451545.5, '-0100-06-15']) {
      for (const m1 of MODIFIERS) {
        const m2 = MODIFIERS[(k++ * 7) % MODIFIERS.length];
        if (m1 === 'utc' || m2 === 'utc') continue;
        pairs.push([t, m1, m2]);
      }
    }
    compareAll(lists, ['datetime', 'julianday', 'unixepoch']);
    compareAll(pairs, ['datetime', 'date', 'time', 'unixepoch']);
  });

  test('strftime over a grid of formats', () => {
    const fmts = ['%d', '%e', '%f', '%F', '%G', '%g', '%H', '%k', '%I', '%l', '%j', '%J', '%m', '%M', '%p', '%P', '%R',
      '%s', '%S', '%T', '%u', '%w', '%U', '%V', '%W', '%Y', '%%', '%Y-%m-%d %H:%M:%f', 'x%qy', 'plain', '%', 'a%%b%s'];
    const lists: unknown[][] = [];
    const times = ['2024-02-29 13:05:09.123', '2021-01-01', '2020-12-31', '2027-01-03', '2026-12-28 00:00', '0000-01-01',
      '-0044-03-15 12:00', '9999-12-31 23:59:59.999', 2460000.123456, 1700000000.5, '1969-12-31 23:59:59', null, 'bad'];
    for (const f of fmts) for (const t of times) {
      lists.push([f, t]);
      lists.push([f, t, 'unixepoch']);
      lists.push([f, t, 'subsec']);
    }
    // every day of two years exercises %j %U %V %W %G
    for (let d = 0; d < 731; d += 1) lists.push(['%j %U %V %W %G %g %u %w', '2019-12-25', `+${d} days`]);
    compareAll(lists, ['strftime']);
  });

  test('timediff', () => {
    const ts = ['2024-02-29 12:00:00', '2023-01-31', '2024-03-31 23:59:59.5', '2000-01-01', '1999-12-31 23:59:59.999',
      '2024-01-31', '2024-02-01', '-0010-05-05', 2451545.0, '2025-01-01 00:00:00', 'bad', null];
    const lists: unknown[][] = [];
    for (const a of ts) for (const b of ts) lists.push([a, b]);
    compareAll(lists, ['timediff']);
  });

  test('localtime and utc agree with SQLite in the process time zone', () => {
    const lists: unknown[][] = [];
    for (const t of ['2024-03-10 10:30:00', '2024-11-03 01:30:00', '2024-06-15 12:00', '1965-07-04 08:00', '2050-01-01', 1700000000]) {
      lists.push([t, 'localtime'], [t, 'utc'], [t, 'localtime', 'utc'], [t, 'utc', 'localtime'], [t, 'localtime', 'start of day', 'utc']);
    }
    compareAll(lists.filter((l) => typeof l[0] === 'string'), ['datetime', 'unixepoch']);
    compareAll(lists.filter((l) => typeof l[0] !== 'string').map((l) => [l[0], 'unixepoch', ...l.slice(1)]), ['datetime']);
  });

  test("'now' uses the statement time", () => {
    const f = (name: string, ...a: SqlValue[]): SqlValue => {
      const d = datetimeScalars.find((x) => x.name === name);
      return d ? d.impl(a, ctx) : null;
    };
    expect(f('datetime', 'now')).toBe('2024-02-29 13:45:30');
    expect(f('datetime')).toBe('2024-02-29 13:45:30');
    expect(f('date')).toBe('2024-02-29');
    expect(f('time', 'now', 'subsec')).toBe('13:45:30.250');
    expect(f('unixepoch')).toBe(Math.floor(NOW / 1000));
    expect(f('julianday', 'now')).toBe((NOW + 210866760000000) / 86400000);
    // shape check against SQLite's own clock
    const live = (db.prepare("select datetime('now')").raw(true).get() as string[])[0];
    expect(live).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
  });

  test('random julian day numbers round-trip through every output', () => {
    let seed = 7;
    const r = (): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const lists: unknown[][] = [];
    for (let i = 0; i < 400; i++) {
      const jd = r() * 5373484.5;
      lists.push([jd], [jd, '+' + (r() * 1000).toFixed(3) + ' hours'], [Math.round(r() * 4e9) - 2e9, 'unixepoch']);
    }
    compareAll(lists, ['datetime', 'julianday', 'unixepoch']);
    compareAll(lists.map((l) => ['%Y-%m-%d %H:%M:%f %J %s', ...l]), ['strftime']);
  });
});
