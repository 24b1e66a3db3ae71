import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type BS3 from 'better-sqlite3';
import { impls, thrown } from './impls.js';

type TableOptions = Parameters<BS3.Database['table']>[1];

describe.each(impls)('user-defined functions [$name]', ({ Database, SqliteError }) => {
  let db: BS3.Database;
  beforeEach(() => {
    db = new Database(':memory:');
  });
  afterEach(() => db.close());
  const get = (sql: string, ...args: unknown[]) => db.prepare(sql).pluck().get(...args);

  it('function(): arity, conversions, options', () => {
    expect(db.function('add2', (a: number, b: number) => a + b)).toBe(db);
    expect(get('SELECT add2(1, 2)')).toBe(3);
    expect(get('SELECT typeof(add2(1, 2))')).toBe('real');
    const e = thrown(() => db.prepare('SELECT add2(1)'));
    expect(e).toBeInstanceOf(SqliteError);
    expect(e.code).toBe('SQLITE_ERROR');
    expect(e.message).toBe('wrong number of arguments to function add2()');
    db.function('cnt', { varargs: true }, (...args: unknown[]) => args.length);
    expect(get('SELECT cnt()')).toBe(0);
    expect(get('SELECT cnt(1, 2, 3)')).toBe(3);
    db.function('types', { varargs: true }, (...args: unknown[]) => args.map((a) => (Buffer.isBuffer(a) ? 'buffer' : typeof a)).join());
    expect(get("SELECT types(1, 1.5, 'x', x'01', NULL, 9007199254740993)")).toBe('number,number,string,buffer,object,number');
    db.function('big', { safeIntegers: true }, (a: unknown) => typeof a);
    expect(get('SELECT big(1)')).toBe('bigint');
    db.defaultSafeIntegers(true);
    db.function('dflt', (a: unknown) => typeof a);
    db.defaultSafeIntegers(false);
    expect(get('SELECT dflt(1)')).toBe('bigint');
    db.function('ret', { varargs: true }, (kind: unknown) => {
      switch (kind) {
        case 'bigint': return 5n;
        case 'null': return null;
        case 'undef': return undefined;
        case 'buf': return Buffer.from('hi');
        case 'bool': return true;
        case 'huge': return 2n ** 64n;
        default: return 'text';
      }
    });
    expect(get("SELECT typeof(ret('bigint'))")).toBe('integer');
    expect(get("SELECT ret('null')")).toBe(null);
    expect(get("SELECT ret('undef')")).toBe(null);
    expect(get("SELECT ret('buf')")).toEqual(Buffer.from('hi'));
    let x = thrown(() => get("SELECT ret('bool')"));
    expect(x).toBeInstanceOf(TypeError);
    expect(x.message).toBe('User-defined function ret() returned an invalid value');
    x = thrown(() => get("SELECT ret('huge')"));
    expect(x).toBeInstanceOf(RangeError);
    expect(x.message).toBe('User-defined function ret() returned a bigint that was too big');
    db.function('det', { deterministic: true }, () => 1);
    expect(thrown(() => db.exec('CREATE TABLE bad (a DEFAULT (random()), b AS (nondet()))')).code).toBe('SQLITE_ERROR');
    db.exec('CREATE TABLE good (a, b AS (det() + a))');
  });

  it('function(): user exceptions propagate as the same object', () => {
    const err = new Error('boom');
    db.function('fail', () => {
      throw err;
    });
    expect(thrown(() => get('SELECT fail()'))).toBe(err);
    expect(get('SELECT 1')).toBe(1);
  });

  it('function(): validates arguments', () => {
    const cases: [() => unknown, ErrorConstructor, string][] = [
      [() => db.function(1 as unknown as string, () => 1), TypeError, 'Expected first argument to be a string'],
      [() => db.function('f', {} as () => void), TypeError, 'Expected last argument to be a function'],
      [() => db.function('', () => 1), TypeError, 'User-defined function name cannot be an empty string'],
      [() => db.function('f', { deterministic: 1 } as object, () => 1), TypeError, 'Expected the "deterministic" option to be a boolean'],
      [() => db.function('f', { varargs: 'x' } as object, () => 1), TypeError, 'Expected the "varargs" option to be a boolean'],
      [() => db.function('f', new Function(...Array.from({ length: 101 }, (_, i) => `a${i}`), 'return 1') as () => void), RangeError, 'User-defined functions cannot have more than 100 arguments'],
    ];
    for (const [f, type, message] of cases) {
      const e = thrown(f);
      expect(e).toBeInstanceOf(type);
      expect(e.message).toBe(message);
    }
  });

  it('aggregate(): start value or function, step, result, inverse (window)', () => {
    db.exec('CREATE TABLE t (g, x); INSERT INTO t VALUES (1, 1), (1, 2), (2, 3), (2, 4), (2, 5)');
    db.aggregate('mysum', { start: 0, step: (acc: number, x: number) => acc + x });
    expect(db.prepare('SELECT g, mysum(x) AS s FROM t GROUP BY g').all()).toEqual([{ g: 1, s: 3 }, { g: 2, s: 12 }]);
    expect(get('SELECT mysum(x) FROM t WHERE 0')).toBe(0);
    db.aggregate('collect', {
      start: () => [] as number[],
      step: (arr: number[], x: number) => {
        arr.push(x);
      },
      result: (arr: number[]) => arr.join('-'),
    });
    expect(db.prepare('SELECT collect(x) FROM t GROUP BY g').pluck().all()).toEqual(['1-2', '3-4-5']);
    db.aggregate('win', {
      start: 0,
      step: (a: number, x: number) => a + x,
      inverse: (a: number, x: number) => a - x,
    });
    expect(db.prepare('SELECT win(x) OVER (ORDER BY x ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) FROM t').pluck().all()).toEqual([1, 3, 5, 7, 9]);
    expect(thrown(() => db.prepare('SELECT mysum(x) OVER (ORDER BY x ROWS 1 PRECEDING) FROM t').all()).code).toBe('SQLITE_ERROR');
    expect(thrown(() => db.prepare('SELECT mysum(1, 2)')).message).toBe('wrong number of arguments to function mysum()');
    const err = new Error('agg');
    db.aggregate('bad', { step: (_acc: unknown, _x: unknown) => { throw err; } });
    expect(thrown(() => get('SELECT bad(x) FROM t'))).toBe(err);
    const cases: [() => unknown, string][] = [
      [() => db.aggregate('a', null as unknown as BS3.AggregateOptions), 'Expected second argument to be an options object'],
      [() => db.aggregate('a', {} as BS3.AggregateOptions), 'Missing required option "step"'],
      [() => db.aggregate('a', { step: 1 } as unknown as BS3.AggregateOptions), 'Expected the "step" option to be a function'],
      [() => db.aggregate('a', { step: () => 1, result: 1 } as unknown as BS3.AggregateOptions), 'Expected the "result" option to be a function'],
      [() => db.aggregate('', { step: () => 1 }), 'User-defined function name cannot be an empty string'],
    ];
    for (const [f, message] of cases) expect(thrown(f).message).toBe(message);
  });

  it('table(): table-valued functions from a definition', () => {
    db.table('series', {
      columns: ['value'],
      parameters: ['start', 'stop'],
      *rows(start: unknown, stop: unknown) {
        for (let i = Number(start); i <= Number(stop ?? 3); i++) yield [i];
      },
    });
    expect(db.prepare('SELECT value FROM series(1, 4)').pluck().all()).toEqual([1, 2, 3, 4]);
    expect(db.prepare('SELECT value FROM series(2)').pluck().all()).toEqual([2, 3]);
    expect(db.prepare('SELECT value FROM series(NULL, 3)').pluck().all()).toEqual([]);
    expect(db.prepare('SELECT * FROM series WHERE start = 5 AND stop = 6').all()).toEqual([{ value: 5 }, { value: 6 }]);
    db.table('objs', {
      columns: ['a', 'b'],
      *rows() {
        yield { b: 2, a: 1 };
        yield { a: 'x', b: null };
      },
    });
    expect(db.prepare('SELECT * FROM objs').all()).toEqual([{ a: 1, b: 2 }, { a: 'x', b: null }]);
    db.table('inferred', {
      columns: ['v'],
      *rows(a: unknown, b: unknown) {
        yield [`${typeof a}:${typeof b}`];
      },
    });
    expect(db.prepare('SELECT * FROM inferred(1)').pluck().all()).toEqual(['number:undefined']);
    db.table('badrow', {
      columns: ['v'],
      *rows() {
        yield [1, 2];
      },
    });
    const e = thrown(() => db.prepare('SELECT * FROM badrow').all());
    expect(e).toBeInstanceOf(TypeError);
    expect(e.message).toBe('Virtual table module "badrow" yielded a row with an incorrect number of columns');
    const cases: [unknown, string][] = [
      [{ columns: ['a'] }, 'Virtual table module "x" used a table definition without a "rows" property'],
      [{ rows() {} , columns: ['a'] }, 'Virtual table module "x" used a table definition with an invalid "rows" property (should be a generator function)'],
      [{ *rows() {}, columns: [] }, 'Virtual table module "x" used a table definition with zero columns'],
      [{ *rows() {}, columns: ['a', 'a'] }, 'Virtual table module "x" used a table definition with duplicate column names'],
      [{ *rows() {}, columns: ['a'], parameters: ['a'] }, 'Virtual table module "x" used a table definition with column "a" which was ambiguously defined as both a column and parameter'],
      [{ *rows() {}, columns: ['a'], safeIntegers: 1 }, 'Virtual table module "x" used a table definition with an invalid "safeIntegers" property (should be a boolean)'],
      [123, 'Expected second argument to be a function or a table definition object'],
    ];
    for (const [def, message] of cases) expect(thrown(() => db.table('x', def as TableOptions)).message).toBe(message);
  });

  it('table(): virtual table modules from a factory', () => {
    db.table('repeat', (function (this: { module: string; table: string }, times: string) {
      const module = this.module;
      return {
        columns: ['n', 'tag'],
        *rows() {
          for (let i = 0; i < Number(times); i++) yield [i, module];
        },
      };
    }) as unknown as TableOptions);
    db.exec('CREATE VIRTUAL TABLE three USING repeat(3)');
    expect(db.prepare('SELECT * FROM three').all()).toEqual([
      { n: 0, tag: 'repeat' },
      { n: 1, tag: 'repeat' },
      { n: 2, tag: 'repeat' },
    ]);
  });
});
