// Crash-test worker with history: the whole engine (bundle from build.mjs buildEngine) with
// PRAGMA helios_retention on and synchronous FULL. Killed with SIGKILL by the parent.
//   node history-child.mjs <engine bundle> <db path> <seed>
// Prints "S <T>" when ready, then after each COMMIT returned (acknowledged):
//   "C <T> <txn> <checksum>"   txn = helios_txn() of that commit, checksum = CHECKSUM_SQL on g
// Transaction T inserts group T (rows T*1000+k, k < n, record (T, n, k, payload)), deletes
// group T-5, rewrites the payload of one row of group T-1, and sometimes rolls a row back to a
// savepoint (history-runner.mjs checks all of it, at every acknowledged point, after each kill).
import { createRequire } from 'node:module';
import { mulberry32 } from './rng.mjs';
import { fileURLToPath } from 'node:url';

export const CHECKSUM_SQL = "SELECT count(*) || ':' || total(rowid) || ':' || total(length(p)) || ':' || total(k * t) FROM g";

// runs only as a script (history-runner.mjs imports CHECKSUM_SQL from here)
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [, , entry, file, seedArg] = process.argv;
  const require = createRequire(import.meta.url);
  const { Database } = require(entry);
  const rnd = mulberry32(seedArg);
  const db = new Database(file);
  db.pragma('synchronous = FULL');
  db.pragma(`wal_autocheckpoint = ${20 + Math.floor(rnd() * 100)}`);
  if (db.pragma('helios_retention', { simple: true }) === 0) db.pragma('helios_retention = 864000');
  db.exec('CREATE TABLE IF NOT EXISTS g(t INTEGER, n INTEGER, k INTEGER, p TEXT); CREATE INDEX IF NOT EXISTS gt ON g(t)');
  const max = Number(db.prepare('SELECT coalesce(max(rowid), 0) FROM g').pluck().get());
  let T = Math.floor(max / 1000) + 1;
  const ins = db.prepare('INSERT INTO g(rowid, t, n, k, p) VALUES (?, ?, ?, ?, ?)');
  const del = db.prepare('DELETE FROM g WHERE t = ?');
  const upd = db.prepare("UPDATE g SET p = p || 'u' WHERE t = ? AND k = 0");
  const txn = db.prepare('SELECT helios_txn()').pluck();
  const sum = db.prepare(CHECKSUM_SQL).pluck();
  process.stdout.write(`S ${T}\n`);
  for (;;) {
    db.exec('BEGIN');
    const n = 1 + Math.floor(rnd() * 30);
    for (let k = 0; k < n; k++) {
      const big = rnd() < 0.05;
      ins.run(T * 1000 + k, T, n, k, big ? 'B'.repeat(2000 + Math.floor(rnd() * 5000)) : 'p' + rnd());
    }
    if (T > 5) del.run(T - 5);
    if (T > 1) upd.run(T - 1);
    if (rnd() < 0.1) {
      db.exec('SAVEPOINT sp');
      ins.run(T * 1000 + 999, T, -1, -1, 'rolled back');
      db.exec('ROLLBACK TO sp; RELEASE sp');
    }
    db.exec('COMMIT');
    process.stdout.write(`C ${T} ${txn.get()} ${sum.get()}\n`);
    if (rnd() < 0.05) db.pragma(`wal_checkpoint(${rnd() < 0.5 ? 'PASSIVE' : 'TRUNCATE'})`);
    T++;
  }
}
