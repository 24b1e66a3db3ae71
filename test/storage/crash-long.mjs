// Long crash test: 200+ SIGKILL/recover rounds.  Run after nothing else (it builds what it needs):
//   node test/storage/crash-long.mjs [iterations=200] [seed=1] [--history]
// --history: the child is the whole engine with PRAGMA helios_retention on; every round also
// checks AS OF TRANSACTION n at acknowledged points and helios_versions() (crash/history-runner.mjs).
import Database from 'better-sqlite3';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildEngine, buildStorage } from './crash/build.mjs';
import { crashRounds } from './crash/runner.mjs';
import { historyCrashRounds } from './crash/history-runner.mjs';

const args = process.argv.slice(2).filter((a) => a !== '--history');
const history = process.argv.includes('--history');
const iterations = Number(args[0] ?? 200);
const seed = Number(args[1] ?? 1);
const entry = history ? buildEngine() : buildStorage();
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hdb-crash-long-'));
const sqliteCheck = (file) => {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  const ic = db.pragma('integrity_check', { simple: true });
  db.close();
  if (ic !== 'ok') throw new Error('SQLite integrity_check: ' + ic);
};
try {
  if (history) {
    const r = await historyCrashRounds({ entry, dir, iterations, seed, sqliteCheck, log: (m) => console.log(m) });
    console.log(`ok: ${iterations} rounds with history, ${r.acked} transactions acknowledged, ${r.pointsChecked} AS OF points checked`);
  } else {
    const acked = await crashRounds({ entry, dir, iterations, seed, sqliteCheck, log: (m) => console.log(m) });
    console.log(`ok: ${iterations} rounds, ${acked} transactions acknowledged`);
  }
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
