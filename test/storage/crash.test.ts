/**
 * Crash test (short run): a child process commits random transactions with synchronous FULL and
 * is killed with SIGKILL at random moments; every acknowledged commit must survive, no partial
 * transaction may be visible, integrity must hold (ours, and SQLite's on the closed file).
 * The long run (200+ rounds): `node test/storage/crash-long.mjs 200`.
 */
import Database from 'better-sqlite3';
import { afterAll, expect, it } from 'vitest';
// @ts-expect-error plain .mjs helpers without type declarations
import { buildStorage } from './crash/build.mjs';
// @ts-expect-error plain .mjs helpers without type declarations
import { crashRounds } from './crash/runner.mjs';
import { rmDir, tmpDir } from './helpers.js';

const dir = tmpDir('crash');
afterAll(() => rmDir(dir));

it('survives SIGKILL at random moments (10 rounds)', async () => {
  const entry = (buildStorage as () => string)();
  let sqliteChecks = 0;
  const acked = await (crashRounds as (o: object) => Promise<number>)({
    entry,
    dir,
    iterations: 10,
    seed: 7,
    sqliteCheck: (file: string) => {
      const db = new Database(file, { readonly: true, fileMustExist: true });
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      expect((db.prepare('SELECT count(DISTINCT t) AS n FROM g').get() as { n: number }).n).toBeGreaterThan(0);
      db.close();
      sqliteChecks++;
    },
  });
  expect(acked).toBeGreaterThan(10);
  expect(sqliteChecks).toBeGreaterThan(0);
});
