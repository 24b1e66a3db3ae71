import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type BS3 from 'better-sqlite3';
import { impls, thrown } from './impls.js';

describe.each(impls)('binding [$name]', ({ Database }) => {
  let db: BS3.Database;
  beforeEach(() => {
    db = new Database(':memory:');
    db.exec('CREATE TABLE entries (a TEXT, b INTEGER, c BLOB)');
  });
  afterEach(() => db.close());

  it('binds anonymous parameters, flattening arrays', () => {
    const stmt = db.prepare('SELECT ? AS x, ? AS y, ? AS z');
    const want = { x: 1, y: 'two', z: null };
    expect(stmt.get(1, 'two', null)).toEqual(want);
    expect(stmt.get([1, 'two', null])).toEqual(want);
    expect(stmt.get([1], ['two'], [undefined])).toEqual(want);
    expect(stmt.get([1, 'two'], [,])).toEqual(want);
  });

  it('binds named parameters from one plain object, mixed with anonymous ones', () => {
    expect(db.prepare('SELECT :a AS a, @b AS b, $c AS c').get({ a: 1, b: 2, c: 3 })).toEqual({ a: 1, b: 2, c: 3 });
    expect(db.prepare('SELECT @a AS a, @a AS a2, ? AS x').get({ a: 'v' }, 9)).toEqual({ a: 'v', a2: 'v', x: 9 });
    expect(db.prepare('SELECT ? AS x, @a AS a').get(9, { a: 'v' })).toEqual({ x: 9, a: 'v' });
    expect(db.prepare('SELECT ?2 AS b, ?1 AS a').get({ 1: 'one', 2: 'two' })).toEqual({ b: 'two', a: 'one' });
    const nullProto = Object.assign(Object.create(null) as object, { a: 5 });
    expect(db.prepare('SELECT @a AS a').get(nullProto)).toEqual({ a: 5 });
  });

  it('reports binding errors with better-sqlite3 messages', () => {
    const anon = db.prepare('INSERT INTO entries VALUES (?, ?, ?)');
    const named = db.prepare('INSERT INTO entries VALUES (@a, @a, ?)');
    const cases: [() => unknown, ErrorConstructor, string][] = [
      [() => anon.run('foo', 25), RangeError, 'Too few parameter values were provided'],
      [() => anon.run('foo', 25, null, null), RangeError, 'Too many parameter values were provided'],
      [() => anon.run(), RangeError, 'Too few parameter values were provided'],
      [() => anon.run('foo', new Number(25), null), TypeError, 'SQLite3 can only bind numbers, strings, bigints, buffers, and null'],
      [() => anon.run('foo', true, null), TypeError, 'SQLite3 can only bind numbers, strings, bigints, buffers, and null'],
      [() => anon.run('foo', new Date(), null), TypeError, 'SQLite3 can only bind numbers, strings, bigints, buffers, and null'],
      [() => anon.run('foo', 2n ** 63n, null), RangeError, 'The bound string, buffer, or bigint is too big'],
      [() => anon.run('foo', -(2n ** 63n) - 1n, null), RangeError, 'The bound string, buffer, or bigint is too big'],
      [() => anon.run({}, 1, 2), RangeError, 'Too few parameter values were provided'],
      [() => named.run({ a: '123' }), RangeError, 'Too few parameter values were provided'],
      [() => named.run(null), TypeError, 'Missing named parameters'],
      [() => named.run({ b: 1 }, null), RangeError, 'Missing named parameter "a"'],
      [() => named.run({ a: 1 }, { a: 2 }), TypeError, 'You cannot specify named parameters in two different objects'],
      [() => named.run({ a: '123' }, null, null), RangeError, 'Too many parameter values were provided'],
      [() => named.run(new (class { a = 1 })(), null), TypeError, 'Named parameters can only be passed within plain objects'],
      [() => named.run([1, 2]), RangeError, 'Too many parameter values were provided'],
      [() => db.prepare('SELECT ?2').get(1, 2), RangeError, 'Too many parameter values were provided'],
      [() => db.prepare('SELECT ?5, :x, ?').get({ 5: 1, x: 2 }, 3), RangeError, 'Too few parameter values were provided'],
    ];
    for (const [f, type, message] of cases) {
      const e = thrown(f);
      expect(e, message).toBeInstanceOf(type);
      expect(e.message).toBe(message);
    }
    expect(named.run({ a: '123' }, null).changes).toBe(1);
  });

  it('converts bound values: number -> REAL, bigint -> INTEGER, views -> BLOB', () => {
    const stmt = db.prepare('SELECT typeof(?) AS t, ? AS v');
    expect(stmt.get(1, 1)).toEqual({ t: 'real', v: 1 });
    expect(stmt.get(1.5, 1.5)).toEqual({ t: 'real', v: 1.5 });
    expect(stmt.get(1n, 1n)).toEqual({ t: 'integer', v: 1 });
    expect(stmt.get(NaN, NaN)).toEqual({ t: 'null', v: null });
    expect(stmt.get(Infinity, Infinity)).toEqual({ t: 'real', v: Infinity });
    expect(stmt.get('x', 'x')).toEqual({ t: 'text', v: 'x' });
    expect(stmt.get(undefined, undefined)).toEqual({ t: 'null', v: null });
    expect(stmt.get(Buffer.from('ab'), Buffer.from('ab'))).toEqual({ t: 'blob', v: Buffer.from('ab') });
    const f32 = new Float32Array([1]);
    expect(stmt.get(f32, f32)).toEqual({ t: 'blob', v: Buffer.from([0, 0, 0x80, 0x3f]) });
    expect(stmt.get(new Uint8Array([1, 2]), new Uint8Array([1, 2]))).toEqual({ t: 'blob', v: Buffer.from([1, 2]) });
    expect(stmt.get('\ud800x', '\ud800x')).toEqual({ t: 'text', v: '\ufffd\ufffd\ufffdx' });
    expect(stmt.get('\ud83d\ude00', '\ud83d\ude00')).toEqual({ t: 'text', v: '\ud83d\ude00' });
    expect(db.prepare('SELECT ? AS v').safeIntegers().get(2n ** 63n - 1n)).toEqual({ v: 2n ** 63n - 1n });
  });

  it('bind() binds permanently, once', () => {
    const stmt = db.prepare('INSERT INTO entries VALUES (?, ?, ?)');
    const buffer = Buffer.alloc(4).fill(0xdd);
    expect(stmt.bind('foobar', 25n, buffer)).toBe(stmt);
    stmt.run();
    buffer.fill(0xaa);
    stmt.run();
    const rows = db.prepare('SELECT * FROM entries').all();
    expect(rows).toEqual([
      { a: 'foobar', b: 25, c: Buffer.alloc(4).fill(0xdd) },
      { a: 'foobar', b: 25, c: Buffer.alloc(4).fill(0xdd) },
    ]);
    let e = thrown(() => stmt.run(null));
    expect(e).toBeInstanceOf(TypeError);
    expect(e.message).toBe('This statement already has bound parameters');
    e = thrown(() => stmt.bind('x', 1, null));
    expect(e.message).toBe('The bind() method can only be invoked once per statement object');
    const sel = db.prepare('SELECT * FROM entries WHERE a = ?');
    expect(thrown(() => sel.bind()).message).toBe('Too few parameter values were provided');
    sel.bind('foobar');
    expect(sel.all().length).toBe(2);
    expect([...sel.iterate()].length).toBe(2);
  });

  it('accepts 32766 parameters', () => {
    const sql = (n: number) => `SELECT 1 IN (${Array.from({ length: n }, () => '?').join(',')}) AS s`;
    const values = (n: number) => Array.from({ length: n }, (_, i) => BigInt(i));
    expect(db.prepare(sql(32766)).get(values(32766))).toEqual({ s: 1 });
    expect(thrown(() => db.prepare(sql(32767))).message).toBe('too many SQL variables');
  });
});
