// Long crash test: 200+ SIGKILL/recover rounds.  Run after nothing else (it builds what it needs):
//   node test/storage/crash-long.mjs [iterations=200] [seed=1]
import Database from 'better-sqlite3';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildStorage } from './crash/build.mjs';
import { crashRounds } from './crash/runner.mjs';

const iterations = Number(process.argv[2] ?? 200);
const seed = Number(process.argv[3] ?? 1);
const entry = buildStorage();
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hdb-crash-long-'));
const sqliteCheck = (file) => {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  const ic = db.pragma('integrity_check', { simple: true });
  db.close();
  if (ic !== 'ok') throw new Error('SQLite integrity_check: ' + ic);
};
try {
  const acked = await crashRounds({ entry, dir, iterations, seed, sqliteCheck, log: (m) => console.log(m) });
  console.log(`ok: ${iterations} rounds, ${acked} transactions acknowledged`);
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
