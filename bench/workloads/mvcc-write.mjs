// Write overhead of keeping history (issue 4: reported, no bar): autocommit UPDATEs and a bulk
// INSERT, ours with `helios_retention = 86400` vs ours with retention 0 (the default), on WAL
// files with synchronous = NORMAL; better-sqlite3 runs the same statements.
import { createStandardTable, prng } from './_data.mjs';
import { check, countSum, fileIn, measure, median, openFile, removeDb, timeMs } from './mvcc-common.mjs';

const BLOCKS = 10; // interleaved blocks of autocommit updates per run

const variantsOf = (ctx) => (ctx.side === 'ours' ? [['plain', 0], ['hist', 86400]] : [['sqlite', null]]);

function openVariant(ctx, prefix, name, retention) {
  const file = fileIn(ctx, `${prefix}-${name}.db`);
  removeDb(file);
  const db = openFile(ctx.Ctor, file);
  if (retention !== null) db.pragma(`helios_retention = ${retention}`);
  return db;
}

/** Records one run's times (one per variant) and returns the harness's { value, checksum }. */
function record(ctx, row, times, sums) {
  if (ctx.side === 'ours') {
    check(sums[0] === sums[1], `with and without history differ: ${sums[0]} vs ${sums[1]}`);
    row.baseline.push(times[0]);
    row.measured.push(times[1]);
    return { value: times[1], checksum: sums[1] };
  }
  row.sqlite.push(times[0]);
  return { value: times[0], checksum: sums[0] };
}

export const writeAutocommit = {
  name: 'mvcc-write-autocommit',
  title: 'Autocommit UPDATE by key, history kept vs retention 0',
  suite: 'mvcc',
  heavy: true,
  open: false,
  modes: ['file'],
  unit: 'µs/update',
  bar: Infinity,
  setup(_db, ctx) {
    ctx.dbs = variantsOf(ctx).map(([name, retention]) => {
      const db = openVariant(ctx, 'mvcc-write-auto', name, retention);
      createStandardTable(db, 't', ctx.rows);
      return db;
    });
    ctx.updates = Math.max(10, Math.round(2000 * ctx.scale));
    ctx.run = 0;
  },
  run(_db, ctx) {
    const row = measure('write-autocommit', `Autocommit \`UPDATE t SET a = a + 1 WHERE id = ?\` (${ctx.updates.toLocaleString('en-US')} updates, ${ctx.rows.toLocaleString('en-US')} rows)`, 'µs/update');
    // BLOCKS interleaved blocks per variant (same keys on every variant), median per update
    const seed = 100 + ctx.run++;
    const blocks = Math.min(BLOCKS, ctx.updates);
    const per = Math.ceil(ctx.updates / blocks);
    const upds = ctx.dbs.map((db) => db.prepare('UPDATE t SET a = a + 1 WHERE id = ?'));
    const rnds = ctx.dbs.map(() => prng(seed));
    const samples = ctx.dbs.map(() => []);
    for (let b = 0; b < blocks; b++) {
      const n = Math.min(per, ctx.updates - b * per);
      if (n <= 0) break;
      const idx = [...ctx.dbs.keys()];
      if ((b + ctx.run) % 2) idx.reverse();
      for (const i of idx) {
        const upd = upds[i];
        const rnd = rnds[i];
        samples[i].push((timeMs(() => {
          for (let k = 0; k < n; k++) upd.run(1 + Math.floor(rnd() * ctx.rows));
        }) * 1000) / n);
      }
    }
    const times = samples.map(median);
    const sums = ctx.dbs.map((db) => countSum(db));
    if (ctx.side === 'ours') {
      const kept = ctx.dbs[1].prepare('SELECT count(*) FROM _helios_history').pluck().get();
      check(kept >= ctx.rows + ctx.run * ctx.updates, `history holds ${kept} versions`);
    }
    return record(ctx, row, times, sums);
  },
  teardown(_db, ctx) {
    for (const db of ctx.dbs ?? []) db.close();
    ctx.dbs = null;
  },
};

export const writeBulk = {
  name: 'mvcc-write-bulk',
  title: 'Bulk INSERT in one transaction, history kept vs retention 0',
  suite: 'mvcc',
  heavy: true,
  open: false,
  modes: ['file'],
  bar: Infinity,
  setup(_db, ctx) {
    ctx.run = 0;
  },
  before(_db, ctx) {
    for (const db of ctx.dbs ?? []) db.close();
    ctx.dbs = variantsOf(ctx).map(([name, retention]) => {
      const db = openVariant(ctx, 'mvcc-write-bulk', name, retention);
      db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, a INTEGER, b TEXT, c REAL)');
      return db;
    });
  },
  run(_db, ctx) {
    const row = measure('write-bulk', `Bulk INSERT of ${ctx.rows.toLocaleString('en-US')} rows into an existing empty table, one transaction`, 'ms');
    const times = [];
    const idx = [...ctx.dbs.keys()];
    if (ctx.run++ % 2) idx.reverse();
    for (const i of idx) {
      const db = ctx.dbs[i];
      const ins = db.prepare('INSERT INTO t (id, a, b, c) VALUES (?, ?, ?, ?)');
      const rnd = prng(3);
      times[i] = timeMs(() => {
        db.exec('BEGIN');
        for (let k = 1; k <= ctx.rows; k++) ins.run(k, Math.floor(rnd() * ctx.rows), `name-${k % 1000}`, rnd() * 1000);
        db.exec('COMMIT');
      });
    }
    const sums = ctx.dbs.map((db) => countSum(db));
    if (ctx.side === 'ours') {
      const before = ctx.dbs[1].prepare('SELECT helios_txn()').pluck().get() - 1;
      check(countSum(ctx.dbs[1], `t AS OF TRANSACTION ${before}`) === '0/null', 'AS OF before the bulk insert is empty');
    }
    return record(ctx, row, times, sums);
  },
  teardown(_db, ctx) {
    for (const db of ctx.dbs ?? []) db.close();
    ctx.dbs = null;
  },
};
