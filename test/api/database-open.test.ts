import * as fs from 'node:fs';
import * as path from 'node:path';
import * as util from 'node:util';
import { describe, expect, it } from 'vitest';
import { impls, tempFile, thrown } from './impls.js';

describe.each(impls)('new Database() [$name]', ({ Database, SqliteError }) => {
  it('opens in-memory and temporary databases', () => {
    for (const args of [[], [undefined], [null], [''], [':memory:'], [' :memory: ']] as unknown[][]) {
      const db = new Database(...(args as [string]));
      expect(db.memory).toBe(true);
      expect(db.open).toBe(true);
      expect(db.readonly).toBe(false);
      expect(db.inTransaction).toBe(false);
      expect(db.name).toBe(args[0] == null ? '' : args[0]);
      db.close();
    }
  });

  it('is callable without new', () => {
    const db = (Database as unknown as (f: string) => InstanceType<typeof Database>)(':memory:');
    expect(db).toBeInstanceOf(Database);
    expect(db.prepare('SELECT 1 AS x').get()).toEqual({ x: 1 });
    db.close();
  });

  it('opens a file, creating it', () => {
    const file = tempFile();
    const db = new Database(file);
    expect(db.name).toBe(file);
    expect(db.memory).toBe(false);
    db.exec('CREATE TABLE t (a); INSERT INTO t VALUES (1)');
    db.close();
    expect(fs.existsSync(file)).toBe(true);
    const db2 = new Database(file, { readonly: true, fileMustExist: true });
    expect(db2.readonly).toBe(true);
    expect(db2.prepare('SELECT a FROM t').pluck().get()).toBe(1);
    const e = thrown(() => db2.exec('INSERT INTO t VALUES (2)'));
    expect(e).toBeInstanceOf(SqliteError);
    expect(e.code).toBe('SQLITE_READONLY');
    expect(e.message).toBe('attempt to write a readonly database');
    db2.close();
  });

  it('validates its arguments and options', () => {
    const cases: [unknown[], ErrorConstructor, string][] = [
      [[123], TypeError, 'Expected first argument to be a string'],
      [[':memory:', 'x'], TypeError, 'Expected second argument to be an options object'],
      [[':memory:', { readOnly: true }], TypeError, 'Misspelled option "readOnly" should be "readonly"'],
      [[':memory:', { memory: true }], TypeError, 'Option "memory" was removed in v7.0.0 (use ":memory:" filename instead)'],
      [[':memory:', { readonly: true }], TypeError, 'In-memory/temporary databases cannot be readonly'],
      [['', { readonly: true }], TypeError, 'In-memory/temporary databases cannot be readonly'],
      [[':memory:', { readonly: 1 }], TypeError, 'Expected the "readonly" option to be a boolean'],
      [[':memory:', { fileMustExist: 'yes' }], TypeError, 'Expected the "fileMustExist" option to be a boolean'],
      [[':memory:', { timeout: 1.5 }], TypeError, 'Expected the "timeout" option to be a positive integer'],
      [[':memory:', { timeout: -1 }], TypeError, 'Expected the "timeout" option to be a positive integer'],
      [[':memory:', { timeout: 0x80000000 }], RangeError, 'Option "timeout" cannot be greater than 2147483647'],
      [[':memory:', { verbose: 'x' }], TypeError, 'Expected the "verbose" option to be a function'],
      [[':memory:', { nativeBinding: 12 }], TypeError, 'Expected the "nativeBinding" option to be a string or addon object'],
      [[path.join(tempFile(), 'nope', 'x.db')], TypeError, 'Cannot open database because the directory does not exist'],
    ];
    for (const [args, type, message] of cases) {
      const e = thrown(() => new Database(...(args as [string])));
      expect(e).toBeInstanceOf(type);
      expect(e.message).toBe(message);
    }
  });

  it('fileMustExist on a missing file throws SQLITE_CANTOPEN', () => {
    const e = thrown(() => new Database(tempFile(), { fileMustExist: true }));
    expect(e).toBeInstanceOf(SqliteError);
    expect(e.code).toBe('SQLITE_CANTOPEN');
    expect(e.message).toBe('unable to open database file');
  });

  it('feeds the timeout option to busy_timeout', () => {
    const db = new Database(':memory:', { timeout: 1234 });
    expect(db.pragma('busy_timeout')).toEqual([{ timeout: 1234 }]);
    db.close();
    const db2 = new Database(':memory:');
    expect(db2.pragma('busy_timeout', { simple: true })).toBe(5000);
    db2.close();
  });

  it('has better-sqlite3 object shapes', () => {
    const db = new Database(':memory:');
    expect(Object.keys(db)).toEqual(['name', 'open', 'inTransaction', 'readonly', 'memory']);
    for (const key of Object.keys(db)) {
      const d = Object.getOwnPropertyDescriptor(db, key)!;
      expect(typeof d.get).toBe('function');
      expect(d.enumerable).toBe(true);
      expect(d.configurable).toBe(false);
      expect(d.set).toBe(undefined);
    }
    expect(Object.isExtensible(db)).toBe(true);
    expect((db as unknown as { then?: unknown }).then).toBe(undefined);
    expect(util.inspect(db)).toBe(
      "Database {\n  name: ':memory:',\n  open: true,\n  inTransaction: false,\n  readonly: false,\n  memory: true\n}",
    );
    (db as unknown as Record<string, unknown>).__knexUid = 'x';
    expect((db as unknown as Record<string, unknown>).__knexUid).toBe('x');
    expect(Database.name).toBe('Database');
    const protoMethods = ['prepare', 'transaction', 'pragma', 'backup', 'serialize', 'function', 'aggregate', 'table', 'loadExtension', 'exec', 'close', 'defaultSafeIntegers', 'unsafeMode'];
    for (const m of protoMethods) expect(typeof (Database.prototype as unknown as Record<string, unknown>)[m]).toBe('function');
    db.close();
  });

  it('supports subclassing', () => {
    class MyDb extends Database {
      hello(): number {
        return this.prepare('SELECT 7').pluck().get() as number;
      }
    }
    const db = new MyDb(':memory:');
    expect(db).toBeInstanceOf(MyDb);
    expect(db).toBeInstanceOf(Database);
    expect(db.hello()).toBe(7);
    db.close();
  });

  it('opens a serialized image (Buffer) as an in-memory copy', () => {
    const src = new Database(':memory:');
    src.exec("CREATE TABLE t (a, b); INSERT INTO t VALUES (1, 'x'), (2, 'y')");
    const image = src.serialize();
    expect(Buffer.isBuffer(image)).toBe(true);
    const copy = new Database(image);
    expect(copy.name).toBe(':memory:');
    expect(copy.memory).toBe(true);
    expect(copy.prepare('SELECT * FROM t ORDER BY a').all()).toEqual([{ a: 1, b: 'x' }, { a: 2, b: 'y' }]);
    copy.exec('INSERT INTO t VALUES (3, 3)');
    expect(src.prepare('SELECT count(*) FROM t').pluck().get()).toBe(2);
    const ro = new Database(image, { readonly: true });
    expect(ro.readonly).toBe(true);
    expect(thrown(() => ro.exec('INSERT INTO t VALUES (4, 4)')).code).toBe('SQLITE_READONLY');
    for (const d of [src, copy, ro]) d.close();
  });
});
