// Group-commit crash driver: spawns group-child.mjs (async clients at synchronous NORMAL that
// acknowledge a commit only after db.whenDurable() resolved), SIGKILLs it at a random moment,
// reopens the database with the engine, checks every acknowledged row is there (and that each
// client's rows are k = 0..last with no gap), closes it and checks the file with real SQLite
// (integrity_check, same row count and checksum).
//   long run: node test/storage/crash/group-runner.mjs [iterations=100] [seed=1]
import { runKilledChild } from './kill-child.mjs';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const SUM = 'SELECT count(*) AS n, coalesce(sum(c * 1000003 + k), 0) AS s, coalesce(sum(length(p)), 0) AS l FROM a';

async function runChild(entry, file, seed, killAfterMs, clients) {
  const acked = new Map();
  let count = 0;
  await runKilledChild(path.join(here, 'group-child.mjs'), [entry, file, seed, clients], killAfterMs, (line) => {
    if (!line.startsWith('A ')) return;
    const [, c, k] = line.split(' ').map(Number);
    acked.set(c, Math.max(acked.get(c) ?? -1, k));
    count++;
  });
  return { acked, count };
}

/**
 * Runs `iterations` kill/recover rounds on a fresh database in `dir` with the engine bundle
 * `entry` (build.mjs buildEngine). `sqliteCheck(file)` (optional) runs more checks with SQLite.
 * Returns { acked }: the number of acknowledged commits over all rounds.
 */
export async function groupCrashRounds({ entry, dir, iterations, seed = 1, clients = 6, sqliteCheck, log = () => {} }) {
  const { Database } = require(entry);
  const Sqlite = require('better-sqlite3');
  const file = path.join(dir, 'group.db');
  for (const f of fs.readdirSync(dir)) if (f.startsWith('group.db')) fs.rmSync(path.join(dir, f));
  const ackedMax = new Map();
  let total = 0;
  let rnd = seed >>> 0;
  const next = () => ((rnd = (Math.imul(rnd, 1103515245) + 12345) >>> 0) / 4294967296);
  for (let it = 0; it < iterations; it++) {
    const got = await runChild(entry, file, seed * 1000 + it, 30 + Math.floor(next() * 400), clients);
    total += got.count;
    for (const [c, k] of got.acked) ackedMax.set(c, Math.max(ackedMax.get(c) ?? -1, k));
    const db = new Database(file);
    let ours;
    try {
      const hasTable = db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'a'").pluck().get();
      if (!hasTable) {
        if (ackedMax.size) throw new Error('table lost after acknowledged commits');
        continue;
      }
      for (const [c, k] of ackedMax) {
        const r = db.prepare('SELECT count(*) AS n, max(k) AS m FROM a WHERE c = ?').get(c);
        if (r.m === null || r.m < k) throw new Error(`round ${it}: client ${c} acknowledged k=${k}, last found ${r.m}`);
        if (r.n !== r.m + 1) throw new Error(`round ${it}: client ${c} has ${r.n} rows for k = 0..${r.m}`);
        ackedMax.set(c, r.m); // what is now durable (the reopen checkpointed it)
      }
      ours = db.prepare(SUM).get();
    } finally {
      db.close();
    }
    const s = new Sqlite(file, { readonly: true, fileMustExist: true });
    try {
      const ic = s.pragma('integrity_check', { simple: true });
      if (ic !== 'ok') throw new Error(`round ${it}: SQLite integrity_check: ${ic}`);
      const theirs = s.prepare(SUM).get();
      if (JSON.stringify(theirs) !== JSON.stringify(ours)) throw new Error(`round ${it}: SQLite sees ${JSON.stringify(theirs)}, we saw ${JSON.stringify(ours)}`);
    } finally {
      s.close();
    }
    sqliteCheck?.(file);
    log(`round ${it}: ${got.count} acknowledged, ${ours.n} rows`);
  }
  return { acked: total };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { buildEngine } = await import('./build.mjs');
  const iterations = Number(process.argv[2] ?? 100);
  const seed = Number(process.argv[3] ?? 1);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hdb-group-crash-'));
  try {
    const r = await groupCrashRounds({ entry: buildEngine('engine-group-long.cjs'), dir, iterations, seed, log: (m) => console.log(m) });
    console.log(`ok: ${iterations} rounds, ${r.acked} commits acknowledged after whenDurable()`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
