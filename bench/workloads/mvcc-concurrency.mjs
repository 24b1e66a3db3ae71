// In-process concurrency (issue 4): M connections on one file interleave write transactions on
// distinct rows turn by turn: every connection BEGINs, then each runs its 1st UPDATE, then each its
// 2nd, ..., then each COMMITs. Ours with `helios_concurrent_writes = ON` must commit all of them
// (zero conflicts). better-sqlite3 cannot interleave: the attempt is made once and its error is
// reported; its time is for the same transactions serialized (one connection's BEGIN..COMMIT
// after another's). Ours serialized is reported as the baseline.
import { createStandardTable } from './_data.mjs';
import { check, fileIn, measure, mvccReport, openFile, removeDb, timeMs } from './mvcc-common.mjs';

const M = 4; // connections
const K = 5; // UPDATEs per transaction

/** Row updated by connection c in round r, statement k: distinct across connections. */
const rowOf = (ctx, r, k, c) => 1 + (((r * K + k) * M + c) % ctx.rows);

function interleavedRounds(ctx, conns, stmts) {
  let conflicts = 0;
  let firstError = null;
  for (let r = 0; r < ctx.rounds; r++) {
    const alive = conns.map(() => true);
    for (const db of conns) db.exec('BEGIN');
    for (let k = 0; k < K; k++) {
      for (let c = 0; c < M; c++) {
        if (!alive[c]) continue;
        try {
          stmts[c].run(rowOf(ctx, r, k, c));
        } catch (e) {
          firstError ??= e;
          alive[c] = false;
          conflicts++;
        }
      }
    }
    for (let c = 0; c < M; c++) {
      try {
        if (alive[c]) conns[c].exec('COMMIT');
        else if (conns[c].inTransaction) conns[c].exec('ROLLBACK');
      } catch (e) {
        firstError ??= e;
        conflicts++;
        if (conns[c].inTransaction) conns[c].exec('ROLLBACK');
      }
    }
  }
  return { conflicts, firstError };
}

function serializedRounds(ctx, conns, stmts) {
  for (let r = 0; r < ctx.rounds; r++) {
    for (let c = 0; c < M; c++) {
      conns[c].exec('BEGIN');
      for (let k = 0; k < K; k++) stmts[c].run(rowOf(ctx, r, k, c));
      conns[c].exec('COMMIT');
    }
  }
}

export default {
  name: 'mvcc-concurrency',
  title: `${M} connections interleaving write transactions on distinct rows`,
  suite: 'mvcc',
  heavy: true,
  open: false,
  modes: ['file'],
  unit: 'µs/txn',
  bar: Infinity,
  setup(_db, ctx) {
    const file = fileIn(ctx, `mvcc-conc-${ctx.side}.db`);
    removeDb(file);
    const first = openFile(ctx.Ctor, file, ctx.side === 'ours' ? undefined : { timeout: 0 });
    createStandardTable(first, 't', ctx.rows);
    ctx.conns = [first];
    for (let c = 1; c < M; c++) ctx.conns.push(openFile(ctx.Ctor, file, ctx.side === 'ours' ? undefined : { timeout: 0 }));
    if (ctx.side === 'ours') first.pragma('helios_concurrent_writes = ON');
    ctx.stmts = ctx.conns.map((db) => db.prepare('UPDATE t SET a = a + 1 WHERE id = ?'));
    ctx.rounds = Math.max(4, Math.round(250 * ctx.scale));
    if (ctx.side !== 'ours') {
      // one interleaved round, to report what better-sqlite3 does (before the model sum is read)
      const attempt = interleavedRounds({ ...ctx, rounds: 1 }, ctx.conns, ctx.stmts);
      const e = attempt.firstError;
      const report = (mvccReport.concurrency ??= { m: M, k: K, conflicts: [], sqliteError: null });
      report.sqliteError = e ? `${e.code}: "${e.message}" (${attempt.conflicts} of ${M} transactions failed)` : 'no error';
    }
    ctx.expectedA = first.prepare('SELECT sum(a) FROM t').pluck().get();
  },
  run(_db, ctx) {
    const { conns, stmts } = ctx;
    const txns = ctx.rounds * M;
    const row = measure('concurrency', '', 'µs/txn');
    const report = (mvccReport.concurrency ??= { m: M, k: K, conflicts: [], sqliteError: null });
    report.txns = txns;
    if (ctx.side === 'ours') {
      let result;
      const inter = (timeMs(() => (result = interleavedRounds(ctx, conns, stmts))) * 1000) / txns;
      check(result.conflicts === 0, `${result.conflicts} conflicts: ${result.firstError?.code} ${result.firstError?.message}`);
      const serial = (timeMs(() => serializedRounds(ctx, conns, stmts)) * 1000) / txns;
      report.conflicts.push(result.conflicts);
      row.measured.push(inter);
      row.baseline.push(serial);
    } else {
      const serial = (timeMs(() => serializedRounds(ctx, conns, stmts)) * 1000) / txns;
      serializedRounds(ctx, conns, stmts); // as many updates as ours (interleaved + serialized)
      row.sqlite.push(serial);
    }
    ctx.expectedA += 2 * txns * K;
    const sums = conns.map((db) => db.prepare('SELECT sum(a) FROM t').pluck().get());
    check(sums.every((s) => s === ctx.expectedA), `sum(a) ${sums.join(', ')}, expected ${ctx.expectedA}`);
    const mine = ctx.side === 'ours' ? row.measured : row.sqlite;
    return { value: mine[mine.length - 1], checksum: `${2 * txns * K} updates applied` };
  },
  teardown(_db, ctx) {
    for (const db of ctx.conns ?? []) db.close();
    ctx.conns = null;
  },
};
