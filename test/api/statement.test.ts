import { beforeEach, afterEach, describe, expect, it } from 'vitest';
import type BS3 from 'better-sqlite3';
import { impls, thrown } from './impls.js';

const ROW = { a: 'foo', b: 1, c: 3.14, d: Buffer.alloc(4).fill(0xdd), e: null };

describe.each(impls)('Statement [$name]', ({ Database, SqliteError }) => {
  let db: BS3.Database;
  beforeEach(() => {
    db = new Database(':memory:');
    db.exec('CREATE TABLE entries (a TEXT, b INTEGER, c REAL, d BLOB, e TEXT)');
    db.exec(
      "INSERT INTO entries WITH RECURSIVE temp(a, b, c, d, e) AS (SELECT 'foo', 1, 3.14, x'dddddddd', NULL UNION ALL SELECT a, b + 1, c, d, e FROM temp LIMIT 10) SELECT * FROM temp",
    );
  });
  afterEach(() => db.close());

  it('prepare() rejects empty, multiple and invalid SQL', () => {
    for (const sql of ['', ';', '  ', '-- c\n', '/* x */ ;']) {
      const e = thrown(() => db.prepare(sql));
      expect(e).toBeInstanceOf(RangeError);
      expect(e.message).toBe('The supplied SQL string contains no statements');
    }
    for (const sql of ['SELECT 1; SELECT 2', 'SELECT 1;;SELECT 2', 'SELECT 1; SELECT * FROM nope']) {
      const e = thrown(() => db.prepare(sql));
      expect(e).toBeInstanceOf(RangeError);
      expect(e.message).toBe('The supplied SQL string contains more than one statement');
    }
    for (const sql of ['SELECT 1;', 'SELECT 1; -- c', 'SELECT 1 /* x */ ;; \n /* y */']) {
      expect(db.prepare(sql).pluck().get()).toBe(1);
    }
    const e1 = thrown(() => db.prepare('selec 1'));
    expect(e1).toBeInstanceOf(SqliteError);
    expect(e1.code).toBe('SQLITE_ERROR');
    expect(e1.message).toBe('near "selec": syntax error');
    const e2 = thrown(() => db.prepare('SELECT * FROM nope'));
    expect(e2.message).toBe('no such table: nope');
    expect(thrown(() => db.prepare(123 as unknown as string))).toBeInstanceOf(TypeError);
  });

  it('has better-sqlite3 statement properties', () => {
    const sql = 'SELECT * FROM entries';
    const stmt = db.prepare(sql);
    expect(Object.keys(stmt)).toEqual(['busy', 'reader', 'readonly', 'source', 'database']);
    expect(stmt.source).toBe(sql);
    expect(stmt.database).toBe(db);
    expect(stmt.reader).toBe(true);
    expect(stmt.readonly).toBe(true);
    expect(stmt.busy).toBe(false);
    expect(Object.isExtensible(stmt)).toBe(true);
    expect((stmt as unknown as { then?: unknown }).then).toBe(undefined);
    expect(() => {
      'use strict';
      (stmt as unknown as { reader: boolean }).reader = false;
    }).toThrow(TypeError);
    const ins = db.prepare("INSERT INTO entries (a) VALUES ('x')");
    expect(ins.reader).toBe(false);
    expect(ins.readonly).toBe(false);
    expect(db.prepare('INSERT INTO entries (a) VALUES (1) RETURNING rowid').reader).toBe(true);
    expect(db.prepare('BEGIN').readonly).toBe(true);
    expect(thrown(() => new (stmt.constructor as new () => unknown)())).toBeInstanceOf(TypeError);
  });

  it('run() reports changes and lastInsertRowid', () => {
    expect(db.prepare("INSERT INTO entries (a) VALUES ('x')").run()).toEqual({ changes: 1, lastInsertRowid: 11 });
    expect(db.prepare("UPDATE entries SET e = 'z' WHERE b > 5").run()).toEqual({ changes: 5, lastInsertRowid: 11 });
    expect(db.prepare('DELETE FROM entries WHERE b IS NULL').run()).toEqual({ changes: 1, lastInsertRowid: 11 });
    // run() on a reader steps once; changes stay 0 when total_changes did not move
    expect(db.prepare('SELECT * FROM entries').run()).toEqual({ changes: 0, lastInsertRowid: 11 });
    expect(db.prepare('CREATE TABLE t2 (x)').run()).toEqual({ changes: 0, lastInsertRowid: 11 });
    const r = db.prepare("INSERT INTO t2 VALUES ('a') RETURNING x").run();
    expect(r).toEqual({ changes: 1, lastInsertRowid: 1 });
    expect(db.prepare('INSERT INTO t2 VALUES (1)').safeIntegers().run()).toEqual({ changes: 1, lastInsertRowid: 2n });
  });

  it('get() and all() return rows; undefined / [] when none', () => {
    expect(db.prepare('SELECT * FROM entries ORDER BY rowid').get()).toEqual(ROW);
    expect(db.prepare('SELECT * FROM entries WHERE b > 100').get()).toBe(undefined);
    const rows = db.prepare('SELECT * FROM entries ORDER BY rowid').all();
    expect(rows.length).toBe(10);
    expect(rows[9]).toEqual({ ...ROW, b: 10 });
    expect(db.prepare('SELECT * FROM entries WHERE b > 100').all()).toEqual([]);
    for (const m of ['get', 'all', 'iterate'] as const) {
      const e = thrown(() => db.prepare("INSERT INTO entries (a) VALUES ('x')")[m]());
      expect(e).toBeInstanceOf(TypeError);
      expect(e.message).toBe('This statement does not return data. Use run() instead');
    }
  });

  it('returns fresh Buffers and keeps result types', () => {
    const stmt = db.prepare('SELECT d FROM entries WHERE b = 1').pluck();
    const b1 = stmt.get() as Buffer;
    const b2 = stmt.get() as Buffer;
    expect(Buffer.isBuffer(b1)).toBe(true);
    expect(b1).not.toBe(b2);
    b1.fill(0);
    expect(stmt.get()).toEqual(Buffer.alloc(4).fill(0xdd));
    expect(db.prepare("SELECT 1 AS i, 1.0 AS r, 1.5 AS f, 'x' AS t, x'' AS b, NULL AS n").get()).toEqual({
      i: 1, r: 1, f: 1.5, t: 'x', b: Buffer.alloc(0), n: null,
    });
    const dup = db.prepare('SELECT 1 AS a, 2 AS b, 3 AS a').get();
    expect(dup).toEqual({ a: 3, b: 2 });
    expect(Object.keys(dup as object)).toEqual(['a', 'b']);
    expect(db.prepare('SELECT 1 AS a, 2 AS b, 3 AS a').raw().get()).toEqual([1, 2, 3]);
    expect(db.prepare('SELECT count(*), 1 + 1 FROM entries').get()).toEqual({ 'count(*)': 10, '1 + 1': 2 });
  });

  it('pluck(), raw() and expand() are exclusive modes', () => {
    const stmt = db.prepare('SELECT *, 2 + 3.5 AS c FROM entries ORDER BY rowid');
    const expanded = { entries: { ...ROW }, $: { c: 5.5 } };
    expect(stmt.get()).toEqual({ ...ROW, c: 5.5 });
    expect(stmt.pluck().get()).toBe('foo');
    expect(stmt.expand().get()).toEqual(expanded);
    expect(stmt.raw().get()).toEqual(['foo', 1, 3.14, Buffer.alloc(4).fill(0xdd), null, 5.5]);
    expect(stmt.pluck(false).get()).toEqual(['foo', 1, 3.14, Buffer.alloc(4).fill(0xdd), null, 5.5]);
    expect(stmt.raw(false).get()).toEqual({ ...ROW, c: 5.5 });
    expect(stmt.expand(true).pluck(true).expand(false).get()).toBe('foo');
    expect(thrown(() => stmt.pluck('yes' as unknown as boolean)).message).toBe('Expected first argument to be a boolean');
    for (const m of ['pluck', 'expand', 'raw', 'columns'] as const) {
      const e = thrown(() => db.prepare('DELETE FROM entries')[m]());
      expect(e).toBeInstanceOf(TypeError);
      expect(e.message).toBe(`The ${m}() method is only for statements that return data`);
    }
  });

  it('columns() describes result columns', () => {
    db.exec('CREATE TABLE ref (id INTEGER PRIMARY KEY, name VARCHAR(20))');
    const cols = db.prepare('SELECT id, name AS n, 1 + 1 AS e, * FROM ref').columns();
    expect(cols).toEqual([
      { name: 'id', column: 'id', table: 'ref', database: 'main', type: 'INTEGER' },
      { name: 'n', column: 'name', table: 'ref', database: 'main', type: 'VARCHAR(20)' },
      { name: 'e', column: null, table: null, database: null, type: null },
      { name: 'id', column: 'id', table: 'ref', database: 'main', type: 'INTEGER' },
      { name: 'name', column: 'name', table: 'ref', database: 'main', type: 'VARCHAR(20)' },
    ]);
    expect(Object.keys(cols[0])).toEqual(['name', 'column', 'table', 'database', 'type']);
  });

  it('iterate() returns an iterator over rows', () => {
    const stmt = db.prepare('SELECT * FROM entries ORDER BY rowid');
    const iterator = stmt.iterate();
    expect(typeof iterator.next).toBe('function');
    expect(typeof iterator.return).toBe('function');
    expect((iterator as unknown as { throw?: unknown }).throw).toBe(undefined);
    expect(iterator[Symbol.iterator]()).toBe(iterator);
    expect(Object.keys(iterator)).toEqual(['statement']);
    expect((iterator as unknown as { statement: unknown }).statement).toBe(stmt);
    let count = 0;
    for (const row of iterator) expect(row).toEqual({ ...ROW, b: ++count });
    expect(count).toBe(10);
    expect(iterator.next()).toEqual({ value: undefined, done: true });
    const rows = [...db.prepare('SELECT b FROM entries WHERE b > ? ORDER BY b').pluck().iterate(7)];
    expect(rows).toEqual([8, 9, 10]);
  });

  it('iterate() closes on break and throw', () => {
    const stmt = db.prepare('SELECT * FROM entries ORDER BY rowid');
    const iterator = stmt.iterate();
    let count = 0;
    for (const _ of iterator) {
      ++count;
      break;
    }
    expect(stmt.busy).toBe(false);
    expect(iterator.next()).toEqual({ value: undefined, done: true });
    const err = new Error('foobar');
    const it2 = stmt.iterate();
    expect(() => {
      for (const _ of it2) throw err;
    }).toThrow(err);
    expect(it2.next()).toEqual({ value: undefined, done: true });
    for (const _ of stmt.iterate()) ++count;
    expect(count).toBe(11);
  });

  it('locks the connection and the statement while iterating', () => {
    const stmt1 = db.prepare('SELECT * FROM entries ORDER BY rowid');
    const stmt2 = db.prepare('CREATE TABLE numbers (number INTEGER)');
    const reader = db.prepare('SELECT 1');
    const busyDb = 'This database connection is busy executing a query';
    const busyStmt = 'This statement is busy executing a query';
    let count = 0;
    for (const _ of stmt1.iterate()) {
      ++count;
      expect(stmt1.busy).toBe(true);
      expect(thrown(() => db.close()).message).toBe(busyDb);
      expect(thrown(() => db.pragma('cache_size')).message).toBe(busyDb);
      expect(thrown(() => db.exec('SELECT 1')).message).toBe(busyDb);
      expect(thrown(() => db.function('f', () => 1)).message).toBe(busyDb);
      expect(thrown(() => db.aggregate('g', { step: () => 1 })).message).toBe(busyDb);
      expect(thrown(() => db.serialize()).message).toBe(busyDb);
      expect(thrown(() => stmt2.run()).message).toBe(busyDb);
      expect(thrown(() => stmt1.get()).message).toBe(busyStmt);
      expect(thrown(() => stmt1.all()).message).toBe(busyStmt);
      expect(thrown(() => stmt1.iterate()).message).toBe(busyStmt);
      expect(thrown(() => stmt1.run()).message).toBe(busyStmt);
      expect(thrown(() => stmt1.pluck()).message).toBe(busyStmt);
      expect(thrown(() => stmt1.bind()).message).toBe(busyStmt);
      expect(thrown(() => stmt1.safeIntegers()).message).toBe(busyStmt);
      // reading with other statements, preparing and creating transactions stay allowed
      expect(reader.pluck().get()).toBe(1);
      expect(db.prepare('SELECT 2').pluck().get()).toBe(2);
      expect(typeof db.transaction(() => {})).toBe('function');
      expect(thrown(() => db.transaction(() => {})()).message).toBe(busyDb);
    }
    expect(count).toBe(10);
    stmt2.run();
    const it = stmt1.iterate();
    it.next();
    expect(it.return!()).toEqual({ value: undefined, done: true });
    db.prepare('INSERT INTO numbers VALUES (1)').run();
  });

  it('re-entrancy from user functions is refused', () => {
    const inner = db.prepare('SELECT 1');
    let message = '';
    db.function('reenter', () => {
      try {
        inner.get();
      } catch (e) {
        message = (e as Error).message;
      }
      try {
        db.prepare('SELECT 1');
      } catch (e) {
        message += '|' + (e as Error).message;
      }
      return 1;
    });
    expect(db.prepare('SELECT reenter()').pluck().get()).toBe(1);
    expect(message).toBe('This database connection is busy executing a query|This database connection is busy executing a query');
  });

  it('errors at step time are SqliteErrors with extended codes', () => {
    db.exec('CREATE TABLE u (id INTEGER PRIMARY KEY, a UNIQUE, b NOT NULL CHECK (b >= 0))');
    db.prepare('INSERT INTO u VALUES (1, 1, 1)').run();
    const cases: [string, string, string][] = [
      ['INSERT INTO u VALUES (2, 1, 1)', 'SQLITE_CONSTRAINT_UNIQUE', 'UNIQUE constraint failed: u.a'],
      ['INSERT INTO u VALUES (1, 2, 1)', 'SQLITE_CONSTRAINT_PRIMARYKEY', 'UNIQUE constraint failed: u.id'],
      ['INSERT INTO u VALUES (3, 3, NULL)', 'SQLITE_CONSTRAINT_NOTNULL', 'NOT NULL constraint failed: u.b'],
      ['INSERT INTO u VALUES (3, 3, -1)', 'SQLITE_CONSTRAINT_CHECK', 'CHECK constraint failed: b >= 0'],
    ];
    for (const [sql, code, message] of cases) {
      const e = thrown(() => db.prepare(sql).run());
      expect(e).toBeInstanceOf(SqliteError);
      expect(e).toBeInstanceOf(Error);
      expect(e.name).toBe('SqliteError');
      expect(e.code).toBe(code);
      expect(e.message).toBe(message);
      e.message = 'rewritten';
      expect(e.message).toBe('rewritten');
    }
    // the statement stays usable after an error
    const stmt = db.prepare('INSERT INTO u VALUES (?, ?, 1)');
    expect(() => stmt.run(1, 9)).toThrow(SqliteError);
    expect(stmt.run(2, 9).changes).toBe(1);
  });
});
