// Crash-test worker for group commit: the whole engine (bundle from build.mjs buildEngine) at
// synchronous NORMAL, with K async "clients" on one connection. Each client inserts its next row
// (autocommit), awaits db.whenDurable(), and only then prints "A <client> <k>" (acknowledged).
// Killed with SIGKILL by the parent (group-runner.mjs).
//   node group-child.mjs <engine bundle> <db path> <seed> [clients=6]
// Rows: a(c, k, p) with primary key (c, k); client c inserts k = 0, 1, 2, ... in order, so the
// rows of a client are always k = 0..last, and last >= its largest acknowledged k.
import { createRequire } from 'node:module';
import { mulberry32 } from './rng.mjs';

const [, , entry, file, seedArg, clientsArg] = process.argv;
const require = createRequire(import.meta.url);
const { Database } = require(entry);
const rnd = mulberry32(seedArg);
const K = Number(clientsArg ?? 6);
const db = new Database(file);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
db.pragma(`wal_autocheckpoint = ${20 + Math.floor(rnd() * 200)}`);
db.exec('CREATE TABLE IF NOT EXISTS a (c INTEGER, k INTEGER, p TEXT, PRIMARY KEY (c, k))');
const next = db.prepare('SELECT coalesce(max(k), -1) + 1 FROM a WHERE c = ?').pluck();
const ins = db.prepare('INSERT INTO a (c, k, p) VALUES (?, ?, ?)');
process.stdout.write('S\n');
const client = async (c) => {
  for (let k = next.get(c); ; k++) {
    const big = rnd() < 0.05;
    ins.run(c, k, big ? 'B'.repeat(1500 + Math.floor(rnd() * 4000)) : 'p' + rnd());
    if (rnd() < 0.02) db.pragma(`wal_checkpoint(${rnd() < 0.5 ? 'PASSIVE' : 'TRUNCATE'})`);
    await db.whenDurable();
    process.stdout.write(`A ${c} ${k}\n`);
    // sometimes let other work (timers, I/O callbacks) run between a client's commits
    if (rnd() < 0.1) await new Promise((r) => setImmediate(r));
  }
};
await Promise.all(Array.from({ length: K }, (_, c) => client(c)));
