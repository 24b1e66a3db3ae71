// Shared helpers of the MVCC suite (mvcc-*.mjs): files, the report the section is rendered
// from (mvcc-report.mjs), and interleaved timing so that both variants of a comparison see the
// same machine load.
import { rmSync } from 'node:fs';
import * as path from 'node:path';

/** Measures gathered by the workloads, keyed by measure id; rendered by mvcc-report.mjs. */
export const mvccReport = { measures: new Map(), concurrency: null, notes: new Map() };

/**
 * A row of the MVCC table: better-sqlite3, ours baseline, ours measured (samples, medians
 * taken at render time). `bar` (optional) applies to measured / baseline.
 */
export function measure(id, title, unit, bar) {
  let m = mvccReport.measures.get(id);
  if (!m) {
    m = { id, title, unit, bar, sqlite: [], baseline: [], measured: [] };
    mvccReport.measures.set(id, m);
  }
  if (title) m.title = title;
  return m;
}

export function median(xs) {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const k = s.length >> 1;
  return s.length % 2 ? s[k] : (s[k - 1] + s[k]) / 2;
}

/** Milliseconds taken by fn(). */
export function timeMs(fn) {
  const t0 = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

/** Opens (creating if needed) a WAL file with synchronous = NORMAL, as the rest of bench/ does. */
export function openFile(Ctor, file, options) {
  const db = new Ctor(file, options);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  return db;
}

/** Removes a database file and its companions (-wal, -shm, our -hlog). */
export function removeDb(file) {
  for (const s of ['', '-wal', '-shm', '-hlog', '-journal']) rmSync(file + s, { force: true });
}

export const fileIn = (ctx, name) => path.join(ctx.dir, name);

/** Throws when a check fails: the harness reports it as the workload's error. */
export function check(ok, what) {
  if (!ok) throw new Error(`check failed: ${what}`);
}

/** `count(*)/sum(a)` of table t, the checksum both sides agree on. */
export function countSum(db, from = 't') {
  const r = db.prepare(`SELECT count(*) AS n, sum(a) AS s FROM ${from}`).get();
  return `${r.n}/${r.s}`;
}
