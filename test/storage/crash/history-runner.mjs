// Crash-test driver with history: spawns history-child.mjs, SIGKILLs it at a random moment,
// reopens the database with the engine and checks, after every kill:
//  - every acknowledged commit is there, nothing partial is visible (as runner.mjs does);
//  - the transaction counter never goes backwards (helios_txn() >= every acknowledged txn);
//  - AS OF TRANSACTION n, for acknowledged commits (all of this round's, a sample of older
//    ones), returns exactly the checksum the child computed right after that commit;
//  - helios_versions('g') agrees with AS OF (the rows valid at n are the rows read at n) and
//    with the current table;
//  - the engine's integrity_check (and SQLite's every few rounds, via `sqliteCheck`).
import { runKilledChild } from './kill-child.mjs';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { CHECKSUM_SQL } from './history-child.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

async function runChild(entry, file, seed, killAfterMs) {
  const commits = [];
  await runKilledChild(path.join(here, 'history-child.mjs'), [entry, file, seed], killAfterMs, (line) => {
    if (!line.startsWith('C ')) return;
    const [, T, txn, sum] = line.split(' ');
    commits.push({ T: Number(T), txn: Number(txn), sum });
  });
  return commits;
}

/** The group structure of g (see runner.mjs / verify.mjs); returns the last committed group. */
function verifyGroupRows(rows, acked) {
  const groups = new Map();
  for (const [rowid, T, n] of rows) {
    if (Math.floor(rowid / 1000) !== T) throw new Error(`row ${rowid} has group ${T}`);
    if (n === -1) throw new Error(`rolled-back savepoint row ${rowid} is visible`);
    const g = groups.get(T) ?? { n, seen: 0 };
    g.seen++;
    groups.set(T, g);
  }
  let last = 0;
  for (const [T, g] of groups) {
    if (g.seen !== g.n) throw new Error(`partial transaction ${T}: ${g.seen} of ${g.n} rows`);
    if (T > last) last = T;
  }
  if (last < acked) throw new Error(`acknowledged commit ${acked} lost (last found ${last})`);
  if (last > acked + 1) throw new Error(`found group ${last} beyond acknowledged ${acked} + 1`);
  for (let T = Math.max(1, last - 10); T <= last; T++) {
    const shouldExist = T > last - 5;
    if (shouldExist !== groups.has(T)) throw new Error(`group ${T} ${shouldExist ? 'missing' : 'present but deleted by ' + (T + 5)}`);
  }
  return last;
}

const VALID_AT = 'SELECT rowid FROM helios_versions(?) WHERE (txn_from IS NULL OR txn_from <= ?) AND (txn_to IS NULL OR txn_to > ?) ORDER BY rowid';

/**
 * Runs `iterations` kill/recover rounds on a fresh database in `dir` with the engine bundle
 * `entry`. Returns { acked, pointsChecked }.
 */
export async function historyCrashRounds({ entry, dir, iterations, seed = 1, sqliteCheck, log = () => {} }) {
  const { Database } = require(entry);
  const file = path.join(dir, 'hist.db');
  for (const f of fs.readdirSync(dir)) if (f.startsWith('hist.db')) fs.rmSync(path.join(dir, f));
  const acknowledged = new Map(); // group T -> { txn, sum }
  let acked = 0;
  let maxTxn = 0;
  let pointsChecked = 0;
  let rnd = seed >>> 0;
  const next = () => ((rnd = (Math.imul(rnd, 1103515245) + 12345) >>> 0) / 4294967296);
  for (let it = 0; it < iterations; it++) {
    const got = await runChild(entry, file, seed * 1000 + it, 30 + Math.floor(next() * 400));
    for (const c of got) {
      acknowledged.set(c.T, c);
      acked = Math.max(acked, c.T);
      maxTxn = Math.max(maxTxn, c.txn);
    }
    const db = new Database(file, { fileMustExist: true });
    let last = 0;
    try {
      const hasTable = db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'g'").pluck().get() === 1;
      if (!hasTable) {
        if (acked !== 0) throw new Error('table lost after acknowledged commits');
      } else {
        last = verifyGroupRows(db.prepare('SELECT rowid, t, n FROM g').raw().all(), acked);
        const now = db.prepare('SELECT helios_txn()').pluck().get();
        if (now < maxTxn) throw new Error(`transaction counter went backwards: ${now} < acknowledged ${maxTxn}`);
        // AS OF at acknowledged points: this round's, and a sample of the older ones
        const points = got.slice();
        const older = [...acknowledged.values()].filter((c) => !got.includes(c));
        for (let k = 0; k < 10 && older.length > 0; k++) points.push(older[Math.floor(next() * older.length)]);
        const asOf = db.prepare(`${CHECKSUM_SQL.replace('FROM g', 'FROM g AS OF TRANSACTION ?')}`).pluck();
        const rowsAt = db.prepare('SELECT rowid FROM g AS OF TRANSACTION ? ORDER BY rowid').pluck();
        const validAt = db.prepare(VALID_AT).pluck();
        for (const [j, c] of points.entries()) {
          const sum = asOf.get(c.txn);
          if (sum !== c.sum) throw new Error(`AS OF TRANSACTION ${c.txn} (group ${c.T}): ${sum}, acknowledged ${c.sum}`);
          if (j % 4 === 0) {
            const a = rowsAt.all(c.txn);
            const b = validAt.all('g', c.txn, c.txn);
            if (JSON.stringify(a) !== JSON.stringify(b)) throw new Error(`helios_versions at ${c.txn}: ${b.length} rows valid, AS OF reads ${a.length}`);
          }
          pointsChecked++;
        }
        const current = db.prepare('SELECT rowid FROM g ORDER BY rowid').pluck().all();
        const valid = db.prepare("SELECT rowid FROM helios_versions('g') WHERE txn_to IS NULL ORDER BY rowid").pluck().all();
        if (JSON.stringify(current) !== JSON.stringify(valid)) throw new Error(`helios_versions: ${valid.length} current versions, the table holds ${current.length} rows`);
        const ic = db.pragma('integrity_check', { simple: true });
        if (ic !== 'ok') throw new Error('integrity_check: ' + ic);
      }
    } finally {
      db.close();
    }
    acked = Math.max(acked, last);
    log(`round ${it}: ${got.length} acknowledged this round, last group ${last}, ${pointsChecked} points checked so far`);
    if (sqliteCheck && it % 3 === 0 && last > 0) sqliteCheck(file);
  }
  return { acked, pointsChecked };
}
