// Read cost of current-state queries with a large history present (issue 4: bar <= 1.1x of the
// same query without history). Ours: two files with identical contents built by the same
// statements, one with `helios_retention = 86400` (every update's old version kept), one with
// retention 0; better-sqlite3: the same statements. Reported: with history / without.
import { createStandardTable, prng } from './_data.mjs';
import { check, fileIn, measure, median, openFile, removeDb, timeMs } from './mvcc-common.mjs';

const ROUNDS = 3; // updates of every row after the load: 3 x rows history versions
const BATCH = 1000; // updates per transaction
const REPS = 15; // interleaved repetitions per harness run (the machine is shared: medians)
const SCAN_REPS = 31; // a scan is short and noisy: more
const WARMUP = 3;

/** Builds the files once per side (both workloads reuse them); returns their paths. */
const built = new Map();
function build(ctx) {
  const key = `${ctx.dir}/${ctx.side}`;
  if (built.has(key)) return built.get(key);
  const variants = ctx.side === 'ours' ? [['plain', 0], ['hist', 86400]] : [['sqlite', null]];
  const files = {};
  for (const [name, retention] of variants) {
    const file = fileIn(ctx, `mvcc-read-${name}.db`);
    removeDb(file);
    const db = openFile(ctx.Ctor, file);
    if (retention !== null) db.pragma(`helios_retention = ${retention}`);
    createStandardTable(db, 't', ctx.rows);
    const upd = db.prepare('UPDATE t SET a = a + 1, c = c + 0.5 WHERE id = ?');
    const rnd = prng(11);
    const n = ROUNDS * ctx.rows;
    for (let i = 0; i < n; i += BATCH) {
      db.exec('BEGIN');
      for (let j = i; j < Math.min(n, i + BATCH); j++) upd.run(1 + Math.floor(rnd() * ctx.rows));
      db.exec('COMMIT');
    }
    if (retention) {
      const versions = db.prepare('SELECT count(*) FROM _helios_history').pluck().get();
      check(versions >= n, `history holds ${versions} versions, expected >= ${n}`);
      files.versions = versions;
    }
    db.close();
    files[name] = file;
  }
  built.set(key, files);
  return files;
}

function open(ctx) {
  const files = build(ctx);
  ctx.versions = files.versions;
  ctx.dbs = ctx.side === 'ours' ? [openFile(ctx.Ctor, files.plain), openFile(ctx.Ctor, files.hist)] : [openFile(ctx.Ctor, files.sqlite)];
}

function close(ctx) {
  for (const db of ctx.dbs ?? []) db.close();
  ctx.dbs = null;
}

/**
 * Times `query(db)` on each of ctx.dbs, interleaved (ABAB..., order alternating), REPS times;
 * records the medians in the report row; returns { value, checksum } for the harness.
 */
function interleaved(ctx, row, query, perOp, reps = REPS) {
  const stmts = ctx.dbs.map((db) => query(db));
  const samples = stmts.map(() => []);
  const answers = stmts.map((s) => s()); // the answers to compare
  for (let r = 0; r < WARMUP; r++) for (const s of stmts) s();
  for (let r = 0; r < reps; r++) {
    const order = r % 2 ? [...stmts.keys()].reverse() : [...stmts.keys()];
    for (const i of order) samples[i].push(timeMs(stmts[i]) / perOp);
  }
  if (ctx.side === 'ours') {
    check(answers[0] === answers[1], `with and without history differ: ${answers[0]} vs ${answers[1]}`);
    row.baseline.push(median(samples[0]));
    row.measured.push(median(samples[1]));
    return { value: median(samples[1]), checksum: answers[1] };
  }
  row.sqlite.push(median(samples[0]));
  return { value: median(samples[0]), checksum: answers[0] };
}

const titleRows = (ctx) => `${ctx.rows.toLocaleString('en-US')} rows, ${(ROUNDS * ctx.rows).toLocaleString('en-US')} updates kept`;

export const historyScan = {
  name: 'mvcc-history-scan',
  title: 'Current-state full scan (count, sum) with a large history present',
  suite: 'mvcc',
  heavy: true,
  open: false,
  modes: ['file'],
  bar: 1.1,
  setup(_db, ctx) {
    open(ctx);
  },
  run(_db, ctx) {
    const row = measure('history-scan', `Full scan \`SELECT count(*), sum(a), sum(c) FROM t\`, ${titleRows(ctx)}`, 'ms', 1.1);
    return interleaved(ctx, row, (db) => {
      const stmt = db.prepare('SELECT count(*) AS n, sum(a) AS s, sum(c) AS c FROM t');
      return () => {
        const r = stmt.get();
        return `${r.n}/${r.s}/${r.c}`;
      };
    }, 1, SCAN_REPS);
  },
  teardown(_db, ctx) {
    close(ctx);
  },
};

export const historyPoint = {
  name: 'mvcc-history-point',
  title: 'Current-state point selects with a large history present',
  suite: 'mvcc',
  heavy: true,
  open: false,
  modes: ['file'],
  unit: 'µs/select',
  bar: 1.1,
  setup(_db, ctx) {
    open(ctx);
    const rnd = prng(7);
    ctx.keys = Array.from({ length: Math.max(10, ctx.rows >> 2) }, () => 1 + Math.floor(rnd() * ctx.rows));
  },
  run(_db, ctx) {
    const row = measure('history-point', `Point select by rowid (prepared get), ${titleRows(ctx)}`, 'µs/select', 1.1);
    const keys = ctx.keys;
    return interleaved(ctx, row, (db) => {
      const stmt = db.prepare('SELECT id, a, b, c FROM t WHERE id = ?');
      return () => {
        let sum = 0;
        for (let i = 0; i < keys.length; i++) sum += stmt.get(keys[i]).a;
        return String(sum);
      };
    }, keys.length / 1000);
  },
  teardown(_db, ctx) {
    close(ctx);
  },
};

