// Crash-test driver: spawns child.mjs, SIGKILLs it at a random moment, reopens the database
// (taking over the stale lock file), checks every acknowledged commit is there and nothing
// partial is visible, and runs the engine's integrity check (and SQLite's every few rounds).
// With HDB_CRASH_GROUP_ROUNDS=N in the environment (e.g. `HDB_CRASH_GROUP_ROUNDS=100 npm run
// test:crash`), N group-commit rounds follow (group-runner.mjs: async clients at NORMAL that
// acknowledge after whenDurable()).
import { runKilledChild } from './kill-child.mjs';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { verifyGroups } from './verify.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

async function runChild(entry, file, seed, killAfterMs) {
  let acked = 0;
  await runKilledChild(path.join(here, 'child.mjs'), [entry, file, seed], killAfterMs, (line) => {
    if (line.startsWith('C ')) acked = Math.max(acked, Number(line.slice(2)));
  });
  return acked;
}

/**
 * Runs `iterations` kill/recover rounds on a fresh database in `dir`.
 * `sqliteCheck(file)` (optional) checks the closed file with real SQLite.
 */
export async function crashRounds({ entry, dir, iterations, seed = 1, sqliteCheck, log = () => {} }) {
  const { openStorage } = require(entry);
  const file = path.join(dir, 'crash.db');
  for (const f of fs.readdirSync(dir)) if (f.startsWith('crash.db')) fs.rmSync(path.join(dir, f));
  let acked = 0;
  let rnd = seed >>> 0;
  const next = () => ((rnd = (Math.imul(rnd, 1103515245) + 12345) >>> 0) / 4294967296);
  for (let it = 0; it < iterations; it++) {
    const got = await runChild(entry, file, seed * 1000 + it, 20 + Math.floor(next() * 400));
    acked = Math.max(acked, got);
    const readonly = it % 2 === 1;
    const st = openStorage(file, { readonly, fileMustExist: true });
    let last = 0;
    try {
      const schema = st.read().openTable(1);
      if (schema.count() === 0) {
        if (acked !== 0) throw new Error('schema lost after acknowledged commits');
      } else {
        last = verifyGroups(st, acked, Number(schema.get(1)[3]));
        const problems = st.integrityCheck([{ root: Number(schema.get(1)[3]), kind: 'table', name: 'g' }], 10);
        if (problems.length) throw new Error('integrity: ' + problems.join('; '));
      }
    } finally {
      st.close();
    }
    acked = Math.max(acked, last);
    log(`round ${it}: acknowledged ${got}, last committed ${last}${readonly ? ' (read-only reopen)' : ''}`);
    if (sqliteCheck && !readonly && it % 3 === 0 && last > 0) sqliteCheck(file);
  }
  const groupRounds = Number(process.env.HDB_CRASH_GROUP_ROUNDS ?? 0);
  if (groupRounds > 0) {
    const { buildEngine } = await import('./build.mjs');
    const { groupCrashRounds } = await import('./group-runner.mjs');
    const r = await groupCrashRounds({ entry: buildEngine('engine-group-long.cjs'), dir, iterations: groupRounds, seed, sqliteCheck, log: (m) => log(`group ${m}`) });
    log(`group commit: ${groupRounds} rounds, ${r.acked} commits acknowledged after whenDurable()`);
  }
  return acked;
}
