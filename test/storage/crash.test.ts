/**
 * Crash test (short run): a child process commits random transactions with synchronous FULL and
 * is killed with SIGKILL at random moments; every acknowledged commit must survive, no partial
 * transaction may be visible, integrity must hold (ours, and SQLite's on the closed file).
 * With history: the child is the whole engine with PRAGMA helios_retention on, and after every
 * kill AS OF TRANSACTION n must return what the child saw right after commit n, and
 * helios_versions() must agree (crash/history-runner.mjs).
 * The long runs (200+ rounds): `node test/storage/crash-long.mjs 200 [seed] [--history]`.
 */
import Database from 'better-sqlite3';
import { afterAll, expect, it } from 'vitest';
// @ts-expect-error plain .mjs helpers without type declarations
import { buildEngine, buildStorage } from './crash/build.mjs';
// @ts-expect-error plain .mjs helpers without type declarations
import { crashRounds } from './crash/runner.mjs';
// @ts-expect-error plain .mjs helpers without type declarations
import { historyCrashRounds } from './crash/history-runner.mjs';
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

it('with history: AS OF and helios_versions() survive SIGKILL (6 rounds)', async () => {
  const entry = (buildEngine as () => string)();
  let sqliteChecks = 0;
  const r = await (historyCrashRounds as (o: object) => Promise<{ acked: number; pointsChecked: number }>)({
    entry,
    dir,
    iterations: 6,
    seed: 11,
    sqliteCheck: (file: string) => {
      const db = new Database(file, { readonly: true, fileMustExist: true });
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      expect((db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = '_helios_history'").get() as { n: number }).n).toBe(1);
      db.close();
      sqliteChecks++;
    },
  });
  expect(r.acked).toBeGreaterThan(6);
  expect(r.pointsChecked).toBeGreaterThan(6);
  expect(sqliteChecks).toBeGreaterThan(0);
}, 120_000);
