// AS OF reads when 1%, 10% and 50% of the rows changed since the point, relative to the same
// query on the current data (issue 4: bar at 10% <= 3x). One table, three points: after the load
// (P50), 40% of the rows are updated, then (P10) 9% more, then (P1) 1% more, disjoint sets, so
// 50%, 10% and 1% of the rows changed after P50, P10 and P1. Every answer is checked against a
// model of the table at each point. better-sqlite3 runs the current query (for the usual columns).
import { createStandardTable, prng } from './_data.mjs';
import { check, fileIn, measure, median, openFile, removeDb, timeMs } from './mvcc-common.mjs';

const SHARES = [1, 10, 50]; // percent of the rows changed since the point
const REPS = 9;
const POINT_LOOKUPS = 100; // AS OF point selects per measurement (each pays the overlay build)

function shuffled(n, seed) {
  const rnd = prng(seed);
  const ids = Array.from({ length: n }, (_, i) => i + 1);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [ids[i], ids[j]] = [ids[j], ids[i]];
  }
  return ids;
}

function build(ctx) {
  const file = fileIn(ctx, `mvcc-asof-${ctx.side}.db`);
  removeDb(file);
  const db = openFile(ctx.Ctor, file);
  const ours = ctx.side === 'ours';
  if (ours) db.pragma('helios_retention = 86400');
  createStandardTable(db, 't', ctx.rows);
  const a = [0, ...db.prepare('SELECT a FROM t ORDER BY id').pluck().all()];
  const ids = shuffled(ctx.rows, 5);
  const upd = db.prepare('UPDATE t SET a = ? WHERE id = ?');
  // points from the oldest (50% changed since) to the newest (1%)
  const cuts = [0, 0.4, 0.49, 0.5].map((x) => Math.round(x * ctx.rows));
  const points = {};
  const models = {};
  for (let k = 0; k < 3; k++) {
    const share = SHARES[2 - k];
    if (ours) points[share] = db.prepare('SELECT helios_txn()').pluck().get();
    models[share] = { sum: a.reduce((x, y) => x + y, 0), a: a.slice() };
    const part = ids.slice(cuts[k], cuts[k + 1]);
    for (let i = 0; i < part.length; i += 1000) {
      db.exec('BEGIN');
      for (const id of part.slice(i, i + 1000)) {
        a[id] += 1_000_000;
        upd.run(a[id], id);
      }
      db.exec('COMMIT');
    }
  }
  ctx.db = db;
  ctx.points = points;
  ctx.models = models;
  ctx.current = { sum: a.reduce((x, y) => x + y, 0), a };
  const rnd = prng(9);
  ctx.keys = Array.from({ length: POINT_LOOKUPS }, () => 1 + Math.floor(rnd() * ctx.rows));
}

const rowsTitle = (ctx) => `${ctx.rows.toLocaleString('en-US')} rows`;

export default {
  name: 'mvcc-as-of',
  title: 'AS OF full scan, 10% of the rows changed since the point, vs the current data',
  suite: 'mvcc',
  heavy: true,
  open: false,
  modes: ['file'],
  bar: 3,
  setup(_db, ctx) {
    build(ctx);
  },
  run(_db, ctx) {
    const { db, models, current, keys } = ctx;
    const scanSql = (from) => `SELECT count(*) AS n, sum(a) AS s FROM ${from}`;
    const scan = (stmt, model) => () => {
      const r = stmt.get();
      check(r.n === ctx.rows && r.s === model.sum, `scan answered ${r.n}/${r.s}, expected ${ctx.rows}/${model.sum}`);
    };
    const lookups = (stmt, model) => () => {
      for (const k of keys) check(stmt.get(k) === model.a[k], `point select of id ${k}`);
    };
    const cur = scan(db.prepare(scanSql('t')), current);
    if (ctx.side !== 'ours') {
      for (let r = 0; r < 3; r++) cur();
      const ms = median(Array.from({ length: REPS }, () => timeMs(cur)));
      const curPoint = lookups(db.prepare('SELECT a FROM t WHERE id = ?').pluck(), current);
      curPoint();
      const us = median(Array.from({ length: REPS }, () => (timeMs(curPoint) * 1000) / keys.length));
      for (const share of SHARES) {
        measure(`asof-scan-${share}`, '', 'ms', share === 10 ? 3 : undefined).sqlite.push(ms);
        measure(`asof-point-${share}`, '', 'µs/select').sqlite.push(us);
        measure(`asof-conn-point-${share}`, '', 'µs/select').sqlite.push(us);
      }
      return { value: ms, checksum: `${ctx.rows}/${current.sum}` };
    }
    const curPoint = lookups(db.prepare('SELECT a FROM t WHERE id = ?').pluck(), current);
    let value;
    for (const share of SHARES) {
      const from = `t AS OF TRANSACTION ${ctx.points[share]}`;
      const asOf = scan(db.prepare(scanSql(from)), models[share]);
      const asOfPoint = lookups(db.prepare(`SELECT a FROM ${from} WHERE id = ?`).pluck(), models[share]);
      const row = measure(`asof-scan-${share}`, `AS OF full scan (count, sum), ${share}% of ${rowsTitle(ctx)} changed since the point`, 'ms', share === 10 ? 3 : undefined);
      const prow = measure(`asof-point-${share}`, `AS OF point select by rowid, ${share}% of ${rowsTitle(ctx)} changed since the point`, 'µs/select');
      const crow = measure(`asof-conn-point-${share}`, `Point select by rowid on \`db.asOf(point)\`, ${share}% of ${rowsTitle(ctx)} changed since the point`, 'µs/select');
      const old = db.asOf(ctx.points[share]);
      const connPoint = lookups(old.prepare('SELECT a FROM t WHERE id = ?').pluck(), models[share]);
      for (let r = 0; r < 3; r++) {
        cur();
        asOf();
      }
      curPoint();
      asOfPoint();
      for (let r = 0; r < 10; r++) {
        curPoint();
        connPoint();
      }
      const s = { cur: [], asOf: [], curPoint: [], asOfPoint: [], connPoint: [] };
      for (let r = 0; r < REPS; r++) {
        if (r % 2) {
          s.asOf.push(timeMs(asOf));
          s.cur.push(timeMs(cur));
        } else {
          s.cur.push(timeMs(cur));
          s.asOf.push(timeMs(asOf));
        }
      }
      // point selects: fewer repetitions, each AS OF lookup resolves its point anew
      for (let r = 0; r < 2; r++) s.asOfPoint.push((timeMs(asOfPoint) * 1000) / keys.length);
      for (let r = 0; r < 3 * REPS; r++) {
        s.curPoint.push((timeMs(curPoint) * 1000) / keys.length);
        s.connPoint.push((timeMs(connPoint) * 1000) / keys.length);
      }
      old.close();
      row.baseline.push(median(s.cur));
      row.measured.push(median(s.asOf));
      prow.baseline.push(median(s.curPoint));
      prow.measured.push(median(s.asOfPoint));
      crow.baseline.push(median(s.curPoint));
      crow.measured.push(median(s.connPoint));
      if (share === 10) value = median(s.asOf);
    }
    return { value, checksum: `${ctx.rows}/${current.sum}` };
  },
  teardown(_db, ctx) {
    ctx.db?.close();
    ctx.db = null;
  },
};
