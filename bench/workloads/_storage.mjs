// Shared helpers for the storage workloads: opening a file the same way on both sides, the
// fixtures they share (built once per harness run in its temp dir, by the engine being measured),
// on-disk size, and content checksums that prove both engines hold the same data.
import { existsSync, rmSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { prng } from './_data.mjs';

/** Every file that holds database content: ours (`-hlog`) and SQLite's (`-wal`); not locks or `-shm`. */
const CONTENT_SUFFIXES = ['', '-wal', '-hlog'];
/** Everything either engine may leave next to a database file. */
const ALL_SUFFIXES = ['', '-wal', '-shm', '-journal', '-hlog', '-hlock'];

/** Opens `file` in WAL mode with the given synchronous level and (optionally) cache size. */
export function openFile(Ctor, file, { synchronous = 'NORMAL', cacheSize } = {}) {
  const db = new Ctor(file);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${synchronous}`);
  if (cacheSize !== undefined) db.pragma(`cache_size = ${cacheSize}`);
  return db;
}

/** Removes a database file and every companion file. */
export function removeDatabase(file) {
  for (const s of ALL_SUFFIXES) rmSync(file + s, { force: true });
}

/** Bytes of database content on disk: the main file plus any write-ahead log. */
export function contentBytes(file) {
  let n = 0;
  for (const s of CONTENT_SUFFIXES) if (existsSync(file + s)) n += statSync(file + s).size;
  return n;
}

/** Path of a per-side file in the harness's temp dir. */
export function sideFile(ctx, name) {
  return path.join(ctx.dir, `${name}-${ctx.side}.db`);
}

/** Rows of the storage fixtures: 1M at --scale=1. */
export function storageRows(ctx) {
  return Math.max(100, Math.round(1_000_000 * ctx.scale));
}

/** Inserts `rows` rows of `t (id INTEGER PRIMARY KEY, a INTEGER, b TEXT, c REAL)` in one transaction. */
export function loadRows(db, rows, seed = 1) {
  const rnd = prng(seed);
  const ins = db.prepare('INSERT INTO t (id, a, b, c) VALUES (?, ?, ?, ?)');
  db.exec('BEGIN');
  for (let i = 1; i <= rows; i++) ins.run(i, Math.floor(rnd() * rows), `name-${i % 1000}-${Math.floor(rnd() * 1e6)}`, rnd() * 1000);
  db.exec('COMMIT');
}

export const ROWS_TABLE_SQL = 'CREATE TABLE t (id INTEGER PRIMARY KEY, a INTEGER, b TEXT, c REAL)';

/** Checksum of table `t`: row count, sum of a, total length of b (integers, so exact on both sides). */
export function rowsChecksum(db) {
  const r = db.prepare('SELECT count(*) AS n, sum(a) AS sa, sum(length(b)) AS sb FROM t').get();
  return `${r.n}/${r.sa}/${r.sb}`;
}

/**
 * The "rows" fixture: table t with storageRows(ctx) rows and an index on a, written by this
 * side's engine in WAL mode and closed cleanly. Built once per harness run; shared by cold-scan
 * and file-size. Returns its path.
 */
export function rowsFixture(ctx) {
  const file = sideFile(ctx, 'fixture-rows');
  buildOnce(ctx, file, (db) => {
    db.exec(ROWS_TABLE_SQL);
    loadRows(db, storageRows(ctx));
    db.exec('CREATE INDEX t_a ON t (a)');
  });
  return file;
}

/** Fixtures built in this process (a failed build leaves nothing behind and is retried). */
const built = new Set();

/** Builds `file` with `fill(db)` on a WAL connection of ctx.Ctor unless already built; closes it. */
function buildOnce(ctx, file, fill) {
  if (built.has(file)) return;
  removeDatabase(file);
  try {
    const db = openFile(ctx.Ctor, file);
    try {
      fill(db);
    } finally {
      db.close();
    }
  } catch (e) {
    removeDatabase(file);
    throw e;
  }
  built.add(file);
}

/** Size of the "big" fixture: 1 GiB at --scale=1. */
export function bigBytes(ctx) {
  return Math.max(1 << 20, Math.round(2 ** 30 * ctx.scale));
}

/** Payload size of one row of the big fixture (overflow chains of 16 pages at 4 KiB). */
export const BIG_PAYLOAD = 64 * 1024;

/**
 * The "big" fixture: `big (id INTEGER PRIMARY KEY, n INTEGER, payload BLOB)` with bigBytes(ctx)
 * of 64 KiB blobs, written in 16 MiB transactions by this side's engine, closed cleanly.
 * Returns { file, rows, checksum } where checksum is count/sum(n), computed after a reopen.
 */
export function bigFixture(ctx) {
  const file = sideFile(ctx, 'fixture-big');
  const rows = Math.max(1, Math.round(bigBytes(ctx) / BIG_PAYLOAD));
  buildOnce(ctx, file, (db) => {
    const payload = new Uint8Array(BIG_PAYLOAD);
    const rnd = prng(13);
    for (let i = 0; i < payload.length; i++) payload[i] = Math.floor(rnd() * 256);
    const view = new DataView(payload.buffer);
    db.exec('CREATE TABLE big (id INTEGER PRIMARY KEY, n INTEGER, payload BLOB)');
    const ins = db.prepare('INSERT INTO big (id, n, payload) VALUES (?, ?, ?)');
    const perTxn = 256;
    for (let i = 1; i <= rows; i += perTxn) {
      db.exec('BEGIN');
      for (let k = i; k < i + perTxn && k <= rows; k++) {
        view.setUint32(0, k); // every blob differs, so no engine can share pages between rows
        ins.run(k, k * 7, payload);
      }
      db.exec('COMMIT');
    }
  });
  const db = new ctx.Ctor(file);
  try {
    const r = db.prepare('SELECT count(*) AS c, sum(n) AS s FROM big').get();
    return { file, rows, checksum: `${r.c}/${r.s}` };
  } finally {
    db.close();
  }
}
