/**
 * PRAGMA helios_conflict = last_writer_wins: a concurrent write transaction whose rows another
 * connection changed after its snapshot commits anyway, and its version of each row it wrote
 * (the whole row, as it saw it plus its own changes) replaces the committed one. Unique-key
 * collisions between different rows cannot be "won": they still fail with SQLITE_BUSY_SNAPSHOT.
 * Indexes must hold exactly the entries of the surviving rows (index scans = table scans,
 * integrity_check), checked by hand-written cases and a randomized checker against a model.
 */
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { rng, tempDir, closeAfterEach, type Db } from './helpers.js';

const { keep, connect } = closeAfterEach();

function conns(n: number, setup: string, policy: string | null = 'last_writer_wins'): Db[] {
  const file = path.join(tempDir(), 'lww.db');
  const out = connect(file, n);
  out[0].pragma('helios_concurrent_writes = ON');
  if (policy !== null) out[0].pragma(`helios_conflict = ${policy}`);
  out[0].exec(setup);
  return out;
}

function code(fn: () => unknown): string | null {
  try {
    fn();
    return null;
  } catch (e) {
    return (e as { code?: string }).code ?? String(e);
  }
}

const T = "CREATE TABLE t(id INTEGER PRIMARY KEY, v INTEGER, u TEXT UNIQUE); CREATE INDEX tv ON t(v); INSERT INTO t VALUES (1, 10, 'a'), (2, 20, 'b'), (3, 30, NULL);";

/** Every index agrees with the table. */
function consistent(d: Db): void {
  const all = d.prepare('SELECT id, v, u FROM t ORDER BY id').raw().all() as [number, number, string | null][];
  const byV = d.prepare('SELECT id FROM t WHERE v >= -1000000 ORDER BY v, id').pluck().all();
  expect(byV).toEqual([...all].sort((x, y) => x[1] - y[1] || x[0] - y[0]).map((r) => r[0]));
  const byU = d.prepare("SELECT id FROM t WHERE u >= '' ORDER BY u").pluck().all();
  expect(byU).toEqual(all.filter((r) => r[2] !== null).sort((x, y) => (x[2]! < y[2]! ? -1 : 1)).map((r) => r[0]));
  expect(d.pragma('integrity_check', { simple: true })).toBe('ok');
}

describe('PRAGMA helios_conflict', () => {
  it('defaults to first_committer_wins; accepts the two policies; refuses anything else', () => {
    const [a, b] = conns(2, T, null);
    expect(a.pragma('helios_conflict', { simple: true })).toBe('first_committer_wins');
    a.pragma('helios_conflict = last_writer_wins');
    expect(b.pragma('helios_conflict', { simple: true })).toBe('last_writer_wins');
    expect(code(() => a.pragma('helios_conflict = whatever'))).toBe('SQLITE_ERROR');
    a.pragma("helios_conflict = 'FIRST_COMMITTER_WINS'");
    expect(a.pragma('helios_conflict', { simple: true })).toBe('first_committer_wins');
  });

  it('first_committer_wins: the same row conflicts', () => {
    const [a, b] = conns(2, T, 'first_committer_wins');
    a.exec('BEGIN; UPDATE t SET v = 11 WHERE id = 1');
    b.exec('BEGIN; UPDATE t SET v = 12 WHERE id = 1');
    a.exec('COMMIT');
    expect(code(() => b.exec('COMMIT'))).toBe('SQLITE_BUSY_SNAPSHOT');
  });
});

describe('last_writer_wins', () => {
  it('update/update of the same row: both commit, the later version of the whole row wins', () => {
    const [a, b] = conns(2, T);
    a.exec('BEGIN; UPDATE t SET v = 11 WHERE id = 1; UPDATE t SET v = 21 WHERE id = 2');
    b.exec("BEGIN; UPDATE t SET u = 'z' WHERE id = 1");
    a.exec('COMMIT');
    b.exec('COMMIT');
    // row 1 is b's version (v as b saw it, u as b set it); row 2 keeps a's change
    expect(a.prepare('SELECT * FROM t ORDER BY id').raw().all()).toEqual([
      [1, 10, 'z'],
      [2, 21, 'b'],
      [3, 30, null],
    ]);
    consistent(a);
  });

  it('delete/update and update/delete: the later commit decides whether the row exists', () => {
    const [a, b] = conns(2, T);
    a.exec('BEGIN; DELETE FROM t WHERE id = 2');
    b.exec('BEGIN; UPDATE t SET v = 22 WHERE id = 2');
    a.exec('COMMIT');
    b.exec('COMMIT');
    expect(a.prepare('SELECT * FROM t WHERE id = 2').raw().get()).toEqual([2, 22, 'b']);
    consistent(a);
    a.exec('BEGIN; UPDATE t SET v = 33, u = \'c\' WHERE id = 3');
    b.exec('BEGIN; DELETE FROM t WHERE id = 3');
    a.exec('COMMIT');
    b.exec('COMMIT');
    expect(a.prepare('SELECT count(*) FROM t WHERE id = 3').pluck().get()).toBe(0);
    consistent(a);
  });

  it('a row moved by another commit is moved back in every index', () => {
    const [a, b, c] = conns(3, T);
    a.exec("BEGIN; UPDATE t SET v = 15, u = 'aa' WHERE id = 1");
    b.exec('BEGIN; UPDATE t SET v = 16 WHERE id = 1');
    c.exec("BEGIN; UPDATE t SET u = 'q' WHERE id = 1");
    a.exec('COMMIT');
    b.exec('COMMIT');
    expect(a.prepare('SELECT * FROM t WHERE id = 1').raw().get()).toEqual([1, 16, 'a']);
    consistent(a);
    c.exec('COMMIT');
    expect(a.prepare('SELECT * FROM t WHERE id = 1').raw().get()).toEqual([1, 10, 'q']);
    consistent(a);
  });

  it('unique-key collision between different rows still fails (SQLITE_BUSY_SNAPSHOT); the same row does not', () => {
    const [a, b] = conns(2, T);
    a.exec("BEGIN; INSERT INTO t(v, u) VALUES (1, 'x')");
    b.exec("BEGIN; INSERT INTO t(v, u) VALUES (2, 'x')");
    a.exec('COMMIT');
    expect(code(() => b.exec('COMMIT'))).toBe('SQLITE_BUSY_SNAPSHOT');
    expect(b.inTransaction).toBe(false);
    // a row taking back its old value that another row took meanwhile
    a.exec("BEGIN; UPDATE t SET u = 'b2' WHERE id = 2; UPDATE t SET u = 'b' WHERE id = 3");
    b.exec('BEGIN; UPDATE t SET v = 0 WHERE id = 2');
    a.exec('COMMIT');
    expect(code(() => b.exec('COMMIT'))).toBe('SQLITE_BUSY_SNAPSHOT');
    // both change the same row's unique value: the later one wins
    a.exec("BEGIN; UPDATE t SET u = 'm' WHERE id = 1");
    b.exec("BEGIN; UPDATE t SET u = 'n' WHERE id = 1");
    a.exec('COMMIT');
    b.exec('COMMIT');
    expect(a.prepare('SELECT u FROM t WHERE id = 1').pluck().get()).toBe('n');
    consistent(a);
  });

  it('WITHOUT ROWID tables with a secondary index: the later version wins', () => {
    const [a, b] = conns(2, 'CREATE TABLE w(k TEXT PRIMARY KEY, v INTEGER, x) WITHOUT ROWID; CREATE INDEX wv ON w(v); INSERT INTO w VALUES (\'k\', 1, 0), (\'j\', 2, 0);');
    a.exec("BEGIN; UPDATE w SET v = 5 WHERE k = 'k'; DELETE FROM w WHERE k = 'j'");
    b.exec("BEGIN; UPDATE w SET x = 9 WHERE k = 'k'; UPDATE w SET v = 7 WHERE k = 'j'");
    a.exec('COMMIT');
    b.exec('COMMIT');
    expect(a.prepare('SELECT * FROM w ORDER BY k').raw().all()).toEqual([
      ['j', 7, 0],
      ['k', 1, 9],
    ]);
    expect(a.prepare('SELECT k FROM w WHERE v > 0 ORDER BY v').pluck().all()).toEqual(['k', 'j']);
    expect(a.pragma('integrity_check', { simple: true })).toBe('ok');
  });

  it('history and AS OF see the overwritten version', () => {
    const [a, b] = conns(2, T);
    a.pragma('helios_retention = 3600');
    a.exec('BEGIN; UPDATE t SET v = 11 WHERE id = 1');
    b.exec('BEGIN; UPDATE t SET v = 12 WHERE id = 1');
    a.exec('COMMIT');
    const mid = a.prepare('SELECT helios_txn()').pluck().get() as number;
    b.exec('COMMIT');
    expect(a.prepare(`SELECT v FROM t AS OF TRANSACTION ${mid} WHERE id = 1`).pluck().get()).toBe(11);
    expect(a.prepare('SELECT v FROM t WHERE id = 1').pluck().get()).toBe(12);
  });
});

// ---- randomized checker -------------------------------------------------------------------------

type Row = { v: number; u: string | null };

function runLww(seed: number, nConn: number, nTxn: number): void {
  const r = rng(seed);
  const pick = (n: number): number => Math.floor(r() * n);
  const dbs = conns(
    nConn,
    'CREATE TABLE t(id INTEGER PRIMARY KEY, v INTEGER, u TEXT UNIQUE); CREATE INDEX tv ON t(v); CREATE TABLE w(k TEXT PRIMARY KEY, v INTEGER, x INTEGER) WITHOUT ROWID; CREATE INDEX wv ON w(v);',
  );
  const model = new Map<number, Row>();
  /** The WITHOUT ROWID table: key -> [v, x]. */
  const wModel = new Map<string, [number, number]>();
  interface Live {
    view: Map<number, Row>;
    touched: Set<number>;
    wView: Map<string, [number, number]>;
    wTouched: Set<string>;
    left: number;
  }
  const live: (Live | null)[] = dbs.map(() => null);
  let started = 0;
  let committed = 0;
  const clone = (m: Map<number, Row>): Map<number, Row> => new Map([...m].map(([k, x]) => [k, { ...x }]));
  while (started < nTxn || live.some((l) => l !== null)) {
    const i = pick(nConn);
    const d = dbs[i];
    const l = live[i];
    if (l === null) {
      if (started >= nTxn) continue;
      started++;
      d.exec('BEGIN');
      d.prepare('SELECT count(*) FROM t').get(); // the snapshot: the model's current state
      live[i] = { view: clone(model), touched: new Set(), wView: new Map([...wModel].map(([k, x]) => [k, [x[0], x[1]]])), wTouched: new Set(), left: 1 + pick(5) };
      continue;
    }
    if (l.left-- > 0) {
      const ids = [...l.view.keys()];
      const id = ids.length > 0 && r() < 0.85 ? ids[pick(ids.length)] : 1 + pick(30);
      const what = r();
      const key = `k${pick(8)}`;
      try {
        if (what >= 0.9) {
          // the WITHOUT ROWID table: upsert one column, or delete
          const w = l.wView.get(key);
          if (r() < 0.2) {
            if (d.prepare('DELETE FROM w WHERE k = ?').run(key).changes > 0) {
              l.wView.delete(key);
              l.wTouched.add(key);
            }
          } else if (w === undefined) {
            const v = pick(20);
            d.prepare('INSERT INTO w VALUES (?, ?, 0)').run(key, v);
            l.wView.set(key, [v, 0]);
            l.wTouched.add(key);
          } else if (r() < 0.5) {
            const v = pick(20);
            d.prepare('UPDATE w SET v = ? WHERE k = ?').run(v, key);
            w[0] = v;
            l.wTouched.add(key);
          } else {
            d.prepare('UPDATE w SET x = x + 1 WHERE k = ?').run(key);
            w[1]++;
            l.wTouched.add(key);
          }
        } else if (what < 0.25) {
          const v = pick(50);
          const u = r() < 0.4 ? `u${pick(10)}` : null;
          const nid = Number(d.prepare('INSERT INTO t(v, u) VALUES (?, ?)').run(v, u).lastInsertRowid);
          l.view.set(nid, { v, u });
          l.touched.add(nid);
        } else if (what < 0.6) {
          const v = pick(50);
          if (d.prepare('UPDATE t SET v = ? WHERE id = ?').run(v, id).changes > 0) {
            l.view.get(id)!.v = v;
            l.touched.add(id);
          }
        } else if (what < 0.8) {
          const u = r() < 0.2 ? null : `u${pick(10)}`;
          if (d.prepare('UPDATE t SET u = ? WHERE id = ?').run(u, id).changes > 0) {
            l.view.get(id)!.u = u;
            l.touched.add(id);
          }
        } else if (d.prepare('DELETE FROM t WHERE id = ?').run(id).changes > 0) {
          l.view.delete(id);
          l.touched.add(id);
        }
      } catch (e) {
        expect((e as { code?: string }).code, `seed ${seed}`).toBe('SQLITE_CONSTRAINT_UNIQUE');
      }
      continue;
    }
    live[i] = null;
    // expected: the transaction's version of every row it touched replaces the committed one,
    // unless a unique value then belongs to two rows
    const next = clone(model);
    for (const id of l.touched) {
      const row = l.view.get(id);
      if (row === undefined) next.delete(id);
      else next.set(id, { ...row });
    }
    const wNext = new Map(wModel);
    for (const k of l.wTouched) {
      const x = l.wView.get(k);
      if (x === undefined) wNext.delete(k);
      else wNext.set(k, [x[0], x[1]]);
    }
    const us = [...next.values()].filter((x) => x.u !== null).map((x) => x.u);
    const clash = new Set(us).size !== us.length;
    const got = code(() => d.exec('COMMIT'));
    expect(got, `seed ${seed}: COMMIT ${clash ? 'must fail' : 'must succeed'}`).toBe(clash ? 'SQLITE_BUSY_SNAPSHOT' : null);
    expect(d.inTransaction).toBe(false);
    if (!clash) {
      committed++;
      model.clear();
      for (const [k, x] of next) model.set(k, x);
      wModel.clear();
      for (const [k, x] of wNext) wModel.set(k, x);
    }
  }
  const want = [...model.entries()].sort((x, y) => x[0] - y[0]).map(([id, x]) => [id, x.v, x.u]);
  expect(dbs[0].prepare('SELECT id, v, u FROM t ORDER BY id').raw().all(), `seed ${seed}: final state`).toEqual(want);
  expect(dbs[0].prepare('SELECT id FROM t WHERE v >= 0 ORDER BY v, id').pluck().all(), `seed ${seed}: index tv`).toEqual(
    [...want].sort((x, y) => (x[1] as number) - (y[1] as number) || (x[0] as number) - (y[0] as number)).map((x) => x[0]),
  );
  expect(dbs[0].prepare("SELECT count(*) FROM t WHERE u >= ''").pluck().get(), `seed ${seed}: index on u`).toBe(want.filter((x) => x[2] !== null).length);
  const wWant = [...wModel.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([k, x]) => [k, x[0], x[1]]);
  expect(dbs[0].prepare('SELECT k, v, x FROM w ORDER BY k').raw().all(), `seed ${seed}: final state of w`).toEqual(wWant);
  expect(dbs[0].prepare('SELECT k FROM w WHERE v >= 0 ORDER BY v, k').pluck().all(), `seed ${seed}: index wv`).toEqual(
    [...wWant].sort((a, b) => (a[1] as number) - (b[1] as number) || (a[0] < b[0] ? -1 : 1)).map((x) => x[0]),
  );
  expect(dbs[0].pragma('integrity_check', { simple: true })).toBe('ok');
  expect(committed).toBeGreaterThan(nTxn / 3);
}

describe('randomized last-writer-wins checker', () => {
  for (const seed of [1, 2, 3]) it(`seed ${seed}: 3 connections, 250 transactions`, () => runLww(seed, 3, 250));
  it('a random seed (printed on failure)', () => {
    const seed = (Date.now() ^ (Math.random() * 0x7fffffff)) >>> 0;
    try {
      runLww(seed, 2 + (seed % 3), 250);
    } catch (e) {
      console.error(`last-writer-wins random seed: ${seed}`);
      throw e;
    }
  });
});
