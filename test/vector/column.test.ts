import BS3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Database, tempDbPath, type Db } from './helpers.js';

describe('VECTOR(n) columns', () => {
  let db: Db;
  beforeEach(() => {
    db = new Database(':memory:');
    db.exec('CREATE TABLE t(id INTEGER PRIMARY KEY, v VECTOR(3), note TEXT)');
  });
  afterEach(() => db.close());

  const errorOf = (f: () => unknown): { code: string; message: string } => {
    try {
      f();
    } catch (e) {
      return e as { code: string; message: string };
    }
    throw new Error('no error');
  };

  it('stores Float32Array, 4n-byte BLOBs and text as little-endian float32 BLOBs', () => {
    const ins = db.prepare('INSERT INTO t(id, v) VALUES (?, ?)');
    ins.run(1, new Float32Array([1, 2, 3]));
    ins.run(2, '[4, 5.5, -6]');
    const bytes = Buffer.alloc(12);
    [0.25, 0.5, 0.75].forEach((x, i) => bytes.writeFloatLE(x, i * 4));
    ins.run(3, bytes);
    ins.run(4, null);
    expect(db.prepare('SELECT id, typeof(v) AS t, length(v) AS n FROM t ORDER BY id').raw().all()).toEqual([
      [1, 'blob', 12],
      [2, 'blob', 12],
      [3, 'blob', 12],
      [4, 'null', null],
    ]);
    const rows = db.prepare('SELECT id, v FROM t ORDER BY id').all() as { id: number; v: Float32Array | null }[];
    expect(rows[0].v).toBeInstanceOf(Float32Array);
    expect(Array.from(rows[0].v!)).toEqual([1, 2, 3]);
    expect(Array.from(rows[1].v!)).toEqual([4, 5.5, -6]);
    expect(Array.from(rows[2].v!)).toEqual([0.25, 0.5, 0.75]);
    expect(rows[3].v).toBeNull();
    // raw, pluck, iterate and expand modes convert too; CAST(... AS BLOB) gives the stored bytes
    expect(db.prepare('SELECT v FROM t WHERE id = 2').pluck().get()).toEqual(new Float32Array([4, 5.5, -6]));
    expect((db.prepare('SELECT v FROM t WHERE id = 1').raw().get() as unknown[])[0]).toBeInstanceOf(Float32Array);
    expect([...db.prepare('SELECT v FROM t WHERE id = 1').pluck().iterate()][0]).toBeInstanceOf(Float32Array);
    const blob = db.prepare('SELECT CAST(v AS BLOB) FROM t WHERE id = 3').pluck().get() as Buffer;
    expect(Buffer.isBuffer(blob) && blob.equals(bytes)).toBe(true);
    // a returned vector is a copy: changing it does not change the next read
    const first = db.prepare('SELECT v FROM t WHERE id = 1').pluck().get() as Float32Array;
    first[0] = 99;
    expect((db.prepare('SELECT v FROM t WHERE id = 1').pluck().get() as Float32Array)[0]).toBe(1);
  });

  it('UPDATE converts and validates too', () => {
    db.prepare('INSERT INTO t(id, v) VALUES (1, ?)').run('[1,1,1]');
    db.prepare('UPDATE t SET v = ? WHERE id = 1').run('[2,2,2]');
    expect(db.prepare('SELECT vector_to_json(v) FROM t').pluck().get()).toBe('[2,2,2]');
    const e = errorOf(() => db.prepare('UPDATE t SET v = ? WHERE id = 1').run('[1,2]'));
    expect(e.code).toBe('SQLITE_CONSTRAINT_DATATYPE');
    expect(db.prepare('SELECT vector_to_json(v) FROM t').pluck().get()).toBe('[2,2,2]');
  });

  it('rejects wrong dimensions, NaN/Infinity, malformed text and other types', () => {
    const ins = db.prepare('INSERT INTO t(id, v) VALUES (1, ?)');
    const cases: [unknown, RegExp][] = [
      ['[1,2]', /expected 3 dimensions, got 2/],
      [new Float32Array([1, 2, 3, 4]), /4 bytes per dimension|expected 3 dimensions, got 4/],
      [new Float32Array([1, NaN, 3]), /component 2 is NaN/],
      [new Float32Array([1, 2, Infinity]), /component 3 is Infinity/],
      ['[1,2,nope]', /malformed vector text/],
      ['hello', /malformed vector text/],
      [42n, /got INTEGER/],
      [42, /got REAL/],
      [1.5, /got REAL/],
      [Buffer.from([1, 2, 3]), /4 bytes per dimension/],
    ];
    for (const [value, msg] of cases) {
      const e = errorOf(() => ins.run(value));
      expect(e.code).toBe('SQLITE_CONSTRAINT_DATATYPE');
      expect(e.message).toMatch(/^cannot store value in VECTOR\(3\) column t\.v: /);
      expect(e.message).toMatch(msg);
    }
    expect(db.prepare('SELECT count(*) FROM t').pluck().get()).toBe(0);
    // OR IGNORE does not turn a type error into a skipped row (as STRICT typing)
    expect(errorOf(() => db.prepare("INSERT OR IGNORE INTO t(id, v) VALUES (1, '[1]')").run()).code).toBe('SQLITE_CONSTRAINT_DATATYPE');
  });

  it('VECTOR(n) accepts any n from 1 to 16000; other columns are untouched', () => {
    db.exec('CREATE TABLE big(v vector ( 4096 ), w VECTOR(1), s VARCHAR(10), x VECTORISH)');
    const v = Float32Array.from({ length: 4096 }, (_, i) => i / 7);
    db.prepare("INSERT INTO big VALUES (?, '[5]', '[1,2]', '[1,2]')").run(v);
    const r = db.prepare('SELECT v, w, s, x FROM big').get() as { v: Float32Array; w: Float32Array; s: string; x: string };
    expect(r.v).toEqual(v);
    expect(Array.from(r.w)).toEqual([5]);
    expect(r.s).toBe('[1,2]');
    expect(r.x).toBe('[1,2]');
    db.exec('CREATE TABLE huge(v VECTOR(16000))');
    db.prepare('INSERT INTO huge VALUES (?)').run(new Float32Array(16000).fill(1));
    expect(db.prepare('SELECT vector_dims(v) FROM huge').pluck().get()).toBe(16000);
  });

  it('files stay readable by stock SQLite (BLOBs of float32 LE) and pass integrity_check', () => {
    const file = tempDbPath();
    const ours = new Database(file);
    ours.exec('CREATE TABLE e(id INTEGER PRIMARY KEY, v VECTOR(2))');
    ours.prepare('INSERT INTO e VALUES (1, ?)').run('[1.5, -2]');
    ours.close();
    const stock = new BS3(file, { readonly: true });
    const b = stock.prepare('SELECT v FROM e').pluck().get() as Buffer;
    expect([b.readFloatLE(0), b.readFloatLE(4)]).toEqual([1.5, -2]);
    expect(stock.prepare('PRAGMA integrity_check').pluck().get()).toBe('ok');
    expect(stock.prepare("SELECT type FROM pragma_table_info('e') WHERE name = 'v'").pluck().get()).toBe('VECTOR(2)');
    stock.close();
  });
});
