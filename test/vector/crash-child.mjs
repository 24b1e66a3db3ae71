// Vector crash-test worker: commits random transactions on a table with a VECTOR column whose
// HNSW index is built (so every commit goes through the index upkeep), with synchronous FULL,
// and prints "C <T>" after each COMMIT returns (acknowledged). Killed with SIGKILL by the parent.
//   node crash-child.mjs <engine bundle> <db path> <seed>
//
// Transaction T: inserts group T, rows id = T*100 + k (k < n, 1 <= n <= 10) with g = T, n = n;
// sometimes moves the vectors of a random earlier group (UPDATE); deletes group T-40; sometimes
// inserts a row and rolls it back to a savepoint (k = 99: must never be seen), or rolls the whole
// transaction back (T is then reused). Every few transactions the database is closed and
// reopened (the index files are written at close: a later crash leaves them behind the log).
import { createRequire } from 'node:module';
import { mulberry32 } from '../storage/crash/rng.mjs';

const [, , entry, file, seedArg] = process.argv;
const require = createRequire(import.meta.url);
const { Database } = require(entry);

const DIMS = 16;

const rnd = mulberry32(seedArg);
const vec = () => Float32Array.from({ length: DIMS }, () => rnd() * 2 - 1);
const KNN = "SELECT id FROM t ORDER BY vector_distance(v, ?, 'cosine') LIMIT 10";

function openDb() {
  const db = new Database(file);
  db.pragma('synchronous = FULL');
  db.exec(`CREATE TABLE IF NOT EXISTS t(id INTEGER PRIMARY KEY, g INTEGER NOT NULL, n INTEGER NOT NULL, v VECTOR(${DIMS}))`);
  db.prepare(KNN).all(vec()); // builds or loads the index: commits from now on update it
  return db;
}

let db = openDb();
let T = (db.prepare('SELECT max(g) FROM t').pluck().get() ?? 0) + 1;
process.stdout.write(`S ${T}\n`);
let sinceReopen = 0;
for (;;) {
  const n = 1 + Math.floor(rnd() * 10);
  const ins = db.prepare('INSERT INTO t(id, g, n, v) VALUES (?, ?, ?, ?)');
  db.exec('BEGIN');
  for (let k = 0; k < n; k++) ins.run(T * 100 + k, T, n, vec());
  if (rnd() < 0.3 && T > 1) {
    const g = 1 + Math.floor(rnd() * (T - 1));
    const up = db.prepare('UPDATE t SET v = ? WHERE id = ?');
    for (const id of db.prepare('SELECT id FROM t WHERE g = ?').pluck().all(g)) up.run(vec(), id);
  }
  if (T > 40) db.prepare('DELETE FROM t WHERE g = ?').run(T - 40);
  if (rnd() < 0.1) {
    db.exec('SAVEPOINT s');
    ins.run(T * 100 + 99, T, -1, vec());
    db.exec('ROLLBACK TO s');
    db.exec('RELEASE s');
  }
  if (rnd() < 0.05) {
    db.exec('ROLLBACK');
    continue;
  }
  if (rnd() < 0.2) db.prepare(KNN).all(vec()); // a search inside the transaction
  db.exec('COMMIT');
  process.stdout.write(`C ${T}\n`);
  T++;
  if (++sinceReopen >= 5 && rnd() < 0.08) {
    db.close(); // writes the index files
    db = openDb();
    sinceReopen = 0;
  }
}
