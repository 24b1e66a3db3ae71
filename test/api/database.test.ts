import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type BS3 from 'better-sqlite3';
import { impls, thrown } from './impls.js';

describe.each(impls)('Database methods [$name]', ({ Database, SqliteError }) => {
  let db: BS3.Database;
  beforeEach(() => {
    db = new Database(':memory:');
  });
  afterEach(() => {
    if (db.open) db.close();
  });

  it('exec() runs every statement and throws at the failing one', () => {
    expect(db.exec('CREATE TABLE t (a); INSERT INTO t VALUES (1);; INSERT INTO t VALUES (2) -- end')).toBe(db);
    expect(db.exec('')).toBe(db);
    expect(db.exec(' ; -- nothing\n')).toBe(db);
    const e = thrown(() => db.exec('INSERT INTO t VALUES (3); INSERT INTO nope VALUES (1); INSERT INTO t VALUES (4)'));
    expect(e).toBeInstanceOf(SqliteError);
    expect(e.message).toBe('no such table: nope');
    expect(db.prepare('SELECT a FROM t ORDER BY a').pluck().all()).toEqual([1, 2, 3]);
    db.exec("CREATE TRIGGER tr AFTER INSERT ON t BEGIN INSERT INTO t2 VALUES (new.a); SELECT 1; END; CREATE TABLE t2 (a)");
    db.exec('INSERT INTO t VALUES (5); SELECT * FROM t');
    expect(db.prepare('SELECT a FROM t2').pluck().all()).toEqual([5]);
    db.exec('SELECT ? AS x');
    expect(thrown(() => db.exec(1 as unknown as string)).message).toBe('Expected first argument to be a string');
  });

  it('every call on a closed database throws; close() is idempotent', () => {
    const stmt = db.prepare('SELECT 1');
    const tx = db.transaction(() => 1);
    expect(db.close()).toBe(db);
    expect(db.close()).toBe(db);
    expect(db.open).toBe(false);
    expect(db.inTransaction).toBe(false);
    const notOpen = 'The database connection is not open';
    const calls: (() => unknown)[] = [
      () => db.prepare('SELECT 1'),
      () => db.exec('SELECT 1'),
      () => db.pragma('cache_size'),
      () => db.function('f', () => 1),
      () => db.aggregate('g', { step: () => 1 }),
      () => db.table('v', { columns: ['x'], *rows() {} }),
      () => db.serialize(),
      () => db.loadExtension('x'),
      () => tx(),
      () => stmt.get(),
      () => stmt.all(),
      () => stmt.run(),
      () => stmt.iterate(),
      () => stmt.columns(),
      () => stmt.bind(),
    ];
    for (const call of calls) {
      const e = thrown(call);
      expect(e).toBeInstanceOf(TypeError);
      expect(e.message).toBe(notOpen);
    }
    // the transaction controller was prepared while open, so creating transactions still works
    expect(typeof db.transaction(() => 1)).toBe('function');
    expect(thrown(() => new Database(':memory:').close().transaction(() => 1)).message).toBe(notOpen);
    expect(stmt.pluck()).toBe(stmt);
    expect(db.defaultSafeIntegers()).toBe(db);
  });

  it('transaction() commits, rolls back, nests with savepoints', () => {
    db.exec('CREATE TABLE t (a UNIQUE)');
    const ins = db.prepare('INSERT INTO t VALUES (?)');
    const count = () => db.prepare('SELECT count(*) FROM t').pluck().get();
    const seen: unknown[] = [];
    const tx = db.transaction(function (this: unknown, a: number, b: number) {
      seen.push(this, db.inTransaction);
      ins.run(a);
      ins.run(b);
      return a + b;
    });
    type Variant = { database: unknown; immediate: unknown };
    const txv = tx as unknown as Variant;
    const variant = (k: string): Variant => (tx as unknown as Record<string, Variant>)[k];
    expect(Object.keys(tx)).toEqual(['database']);
    expect(txv.database).toBe(db);
    for (const k of ['default', 'deferred', 'immediate', 'exclusive']) {
      expect(typeof variant(k)).toBe('function');
      expect(variant(k).database).toBe(db);
      expect(variant(k).immediate).toBe(txv.immediate);
    }
    expect(tx.call(7, 1n as unknown as number, 2n as unknown as number)).toBe(3n);
    expect(seen[1]).toBe(true);
    expect(Number(seen[0])).toBe(7);
    expect(db.inTransaction).toBe(false);
    expect(count()).toBe(2);
    expect(() => tx(3, 1)).toThrow(SqliteError);
    expect(count()).toBe(2);
    expect(db.inTransaction).toBe(false);
    tx.immediate(3, 4);
    tx.exclusive(5, 6);
    tx.deferred(7, 8);
    expect(count()).toBe(8);

    const err = new Error('inner');
    const inner = db.transaction(() => {
      ins.run(100);
      throw err;
    });
    const outer = db.transaction(() => {
      ins.run(99);
      expect(() => inner()).toThrow(err);
      expect(db.inTransaction).toBe(true);
      return 'done';
    });
    expect(outer()).toBe('done');
    expect(db.prepare('SELECT a FROM t WHERE a >= 99').pluck().all()).toEqual([99]);
  });

  it('transaction() uses better-sqlite3 savepoint names and refuses promises', () => {
    const logged: string[] = [];
    const vdb = new Database(':memory:', { verbose: (s: unknown) => logged.push(String(s)) });
    const t = vdb.transaction(() => vdb.transaction(() => 1)());
    expect(t()).toBe(1);
    expect(logged).toEqual(['BEGIN', 'SAVEPOINT `\t_bs3.\t`', 'RELEASE `\t_bs3.\t`', 'COMMIT']);
    logged.length = 0;
    const p = vdb.transaction(async () => 1);
    const e = thrown(() => p());
    expect(e).toBeInstanceOf(TypeError);
    expect(e.message).toBe('Transaction function cannot return a promise');
    expect(logged).toEqual(['BEGIN', 'ROLLBACK']);
    expect(vdb.inTransaction).toBe(false);
    expect(thrown(() => vdb.transaction(123 as unknown as () => void)).message).toBe('Expected first argument to be a function');
    vdb.close();
  });

  it('transaction() does not roll back twice after SQLite already did', () => {
    db.exec('CREATE TABLE t (a UNIQUE ON CONFLICT ROLLBACK)');
    db.exec('INSERT INTO t VALUES (1)');
    const tx = db.transaction(() => db.prepare('INSERT INTO t VALUES (1)').run());
    const e = thrown(() => tx());
    expect(e.code).toBe('SQLITE_CONSTRAINT_UNIQUE');
    expect(db.inTransaction).toBe(false);
  });

  it('pragma() returns rows, or the first value with simple', () => {
    expect(db.pragma('cache_size')).toEqual([{ cache_size: -16000 }]);
    expect(db.pragma('cache_size', { simple: true })).toBe(-16000);
    expect(db.pragma('cache_size = 100')).toEqual([]);
    expect(db.pragma('cache_size = 100', { simple: true })).toBe(undefined);
    expect(db.pragma('cache_size', { simple: true })).toBe(100);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, b TEXT NOT NULL DEFAULT \'x\')');
    expect(db.pragma('table_info(t)')).toEqual([
      { cid: 0, name: 'id', type: 'INTEGER', notnull: 0, dflt_value: null, pk: 1 },
      { cid: 1, name: 'b', type: 'TEXT', notnull: 1, dflt_value: "'x'", pk: 0 },
    ]);
    expect(thrown(() => db.pragma(1 as unknown as string)).message).toBe('Expected first argument to be a string');
    expect(thrown(() => db.pragma('x', 1 as unknown as object)).message).toBe('Expected second argument to be an options object');
    expect(thrown(() => db.pragma('x', { simple: 1 as unknown as boolean })).message).toBe('Expected the "simple" option to be a boolean');
  });

  it('verbose receives the expanded SQL of each executed statement', () => {
    const logged: unknown[] = [];
    const vdb = new Database(':memory:', { verbose: (s: unknown) => logged.push(s) });
    vdb.exec('CREATE TABLE t (a, b); INSERT INTO t VALUES (1, 2)');
    vdb.prepare('INSERT INTO t VALUES (?, @x)').run(1.5, { x: "it's" });
    vdb.prepare('INSERT INTO t VALUES (?, ?)').run(Buffer.from([1, 255]), 10n);
    vdb.prepare('SELECT * FROM t WHERE a = ?').get(1);
    vdb.prepare('SELECT * FROM t WHERE a = ?').all(null);
    const it = vdb.prepare('SELECT * FROM t WHERE a = :a').iterate({ a: 'x' });
    expect(logged.length).toBe(6);
    it.next();
    expect(logged).toEqual([
      'CREATE TABLE t (a, b);',
      'INSERT INTO t VALUES (1, 2)',
      "INSERT INTO t VALUES (1.5, 'it''s')",
      "INSERT INTO t VALUES (x'01ff', 10)",
      'SELECT * FROM t WHERE a = 1.0',
      'SELECT * FROM t WHERE a = NULL',
      "SELECT * FROM t WHERE a = 'x'",
    ]);
    const boom = new Error('log failed');
    const fdb = new Database(':memory:', {
      verbose: () => {
        throw boom;
      },
    });
    expect(() => fdb.prepare('SELECT 1').get()).toThrow(boom);
    vdb.close();
    fdb.close();
  });

  it('defaultSafeIntegers() and safeIntegers() control INTEGER results', () => {
    db.exec('CREATE TABLE t (a INTEGER, r REAL)');
    const big = 2n ** 53n + 1n;
    db.prepare('INSERT INTO t VALUES (?, 1.5)').run(big);
    const sel = db.prepare('SELECT a, r FROM t');
    expect(sel.get()).toEqual({ a: Number(big), r: 1.5 });
    expect(sel.safeIntegers().get()).toEqual({ a: big, r: 1.5 });
    expect(sel.safeIntegers(false).get()).toEqual({ a: Number(big), r: 1.5 });
    expect(db.defaultSafeIntegers()).toBe(db);
    const sel2 = db.prepare('SELECT a, 1 AS one, 1.0 AS real FROM t');
    expect(sel2.get()).toEqual({ a: big, one: 1n, real: 1 });
    expect(sel.get()).toEqual({ a: Number(big), r: 1.5 });
    expect(db.prepare('INSERT INTO t VALUES (1, 1)').run().lastInsertRowid).toBe(2n);
    db.defaultSafeIntegers(false);
    expect(db.prepare('SELECT a FROM t').pluck().get()).toBe(Number(big));
    expect(db.prepare('SELECT a FROM t').raw().safeIntegers(true).get()).toEqual([big]);
    expect(thrown(() => db.defaultSafeIntegers(1 as unknown as boolean)).message).toBe('Expected first argument to be a boolean');
    expect(thrown(() => sel.safeIntegers(1 as unknown as boolean)).message).toBe('Expected first argument to be a boolean');
  });

  it('unsafeMode() allows writes while iterating', () => {
    db.exec('CREATE TABLE t (a); INSERT INTO t VALUES (1), (2), (3)');
    const ins = db.prepare('INSERT INTO t VALUES (?)');
    expect(db.unsafeMode()).toBe(db);
    let n = 0;
    for (const row of db.prepare('SELECT a FROM t WHERE a < 10 ORDER BY rowid').pluck().iterate()) {
      ins.run(BigInt((row as number) * 100));
      db.exec('SELECT 1');
      db.pragma('cache_size');
      n++;
    }
    expect(n).toBe(3);
    db.unsafeMode(false);
    const it = db.prepare('SELECT a FROM t').iterate();
    it.next();
    expect(thrown(() => ins.run(5n)).message).toBe('This database connection is busy executing a query');
    it.return!();
    expect(db.prepare('SELECT count(*) FROM t').pluck().get()).toBe(6);
  });

  it('loadExtension() validates and throws SqliteError', () => {
    expect(thrown(() => db.loadExtension(1 as unknown as string)).message).toBe('Expected first argument to be a string');
    const e = thrown(() => db.loadExtension('/definitely/not/here.so'));
    expect(e).toBeInstanceOf(SqliteError);
    expect(e.code).toBe('SQLITE_ERROR');
  });
});
