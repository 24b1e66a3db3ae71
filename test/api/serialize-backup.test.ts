import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type BS3 from 'better-sqlite3';
import RealSqlite from 'better-sqlite3';
import { impls, tempFile, thrown } from './impls.js';

describe.each(impls)('serialize() and backup() [$name]', ({ Database, SqliteError }) => {
  let db: BS3.Database;
  beforeEach(() => {
    db = new Database(':memory:');
    db.exec('CREATE TABLE t (a, b); WITH RECURSIVE s(v) AS (SELECT 1 UNION ALL SELECT v + 1 FROM s WHERE v < 500) INSERT INTO t SELECT v, randomblob(100) FROM s');
  });
  afterEach(() => {
    if (db.open) db.close();
  });

  it('serialize() returns a SQLite image', () => {
    const image = db.serialize();
    expect(Buffer.isBuffer(image)).toBe(true);
    expect(image.subarray(0, 16).toString('latin1')).toBe('SQLite format 3\u0000');
    const check = new RealSqlite(image);
    expect(check.prepare('SELECT count(*) FROM t').pluck().get()).toBe(500);
    expect(check.pragma('integrity_check', { simple: true })).toBe('ok');
    check.close();
    expect(thrown(() => db.serialize({ attached: '' })).message).toBe('The "attached" option cannot be an empty string');
    expect(thrown(() => db.serialize({ attached: 1 as unknown as string })).message).toBe('Expected the "attached" option to be a string');
  });

  it('backup() copies to a file with progress', async () => {
    const file = tempFile();
    const seen: { totalPages: number; remainingPages: number }[] = [];
    const result = await db.backup(file, {
      progress(info) {
        seen.push(info);
        return 5;
      },
    });
    expect(result.remainingPages).toBe(0);
    expect(result.totalPages).toBeGreaterThan(10);
    expect(seen[0]).toEqual({ totalPages: result.totalPages, remainingPages: result.totalPages });
    expect(seen[1]).toEqual({ totalPages: result.totalPages, remainingPages: result.totalPages - 5 });
    expect(seen.length).toBe(Math.ceil(result.totalPages / 5));
    const copy = new RealSqlite(file, { readonly: true });
    expect(copy.prepare('SELECT count(*) FROM t').pluck().get()).toBe(500);
    copy.close();
    const again = await db.backup(file);
    expect(again).toEqual(result);
  });

  it('backup() validates its arguments (as rejections)', async () => {
    const bad: [unknown[], string][] = [
      [[123], 'Expected first argument to be a string'],
      [[''], 'Backup filename cannot be an empty string'],
      [[':memory:'], 'Invalid backup filename ":memory:"'],
      [[tempFile(), { attached: '' }], 'The "attached" option cannot be an empty string'],
      [[tempFile(), { progress: 1 }], 'Expected the "progress" option to be a function'],
      [[path.join(tempFile(), 'missing', 'x.db')], 'Cannot save backup because the directory does not exist'],
    ];
    for (const [args, message] of bad) {
      const p = (db.backup as (...a: unknown[]) => Promise<unknown>)(...args);
      await expect(p).rejects.toThrow(message);
      await expect(p).rejects.toBeInstanceOf(TypeError);
    }
    const file = tempFile();
    await expect(db.backup(file, { progress: () => 'x' as unknown as number })).rejects.toThrow(
      'Expected progress callback to return a number or undefined',
    );
    expect(fs.existsSync(file)).toBe(false);
    await expect(db.backup(tempFile(), { attached: 'nope' } as unknown as BS3.BackupOptions)).rejects.toBeInstanceOf(SqliteError);
    db.close();
    await expect(db.backup(tempFile())).rejects.toThrow('The database connection is not open');
  });
});
