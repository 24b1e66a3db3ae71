/**
 * Isolation between connections (MVCC increment 2), Hermitage style: each named anomaly is played
 * with two or three `Database` objects on one file (one shared engine). Readers read snapshots
 * ("current state minus changes after S"); there is one writer at a time (page-level write
 * transactions), a second writer gets SQLITE_BUSY, and a read transaction whose snapshot went
 * stale cannot start writing (SQLITE_BUSY_SNAPSHOT), exactly as SQLite in WAL mode. Under this
 * regime every Hermitage anomaly is prevented, write skew included (it becomes possible, as
 * snapshot isolation allows, once concurrent write transactions land: docs/internals/mvcc.md).
 * This is the regime of `PRAGMA helios_concurrent_writes = OFF` (the default is ON since session
 * 3: concurrent-writers.test.ts and hermitage-concurrent.test.ts cover it), so every database
 * here turns it off.
 */
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Database } from '../../engine/api/index.js';
import { VersionLog } from '../../engine/mvcc/version-log.js';
import { rng, tempDir, closeAfterEach, type Db } from './helpers.js';

const { keep, connect } = closeAfterEach();

function conns(n: number, setup: string, retention = 0): Db[] {
  const file = path.join(tempDir(), 'iso.db');
  const out = connect(file, n);
  out[0].pragma('helios_concurrent_writes = OFF');
  if (retention > 0) out[0].pragma(`helios_retention = ${retention}`);
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

const T = 'CREATE TABLE t(id INTEGER PRIMARY KEY, v INTEGER); INSERT INTO t VALUES (1, 10), (2, 20);';
const val = (d: Db, id: number): unknown => (d.prepare('SELECT v FROM t WHERE id = ?').get(id) as { v: number } | undefined)?.v;

describe('Hermitage anomalies with two connections', () => {
  it('G0 dirty write: a second writer is refused while the first is open, then succeeds', () => {
    const [a, b] = conns(2, T);
    a.exec('BEGIN');
    a.exec('UPDATE t SET v = 11 WHERE id = 1');
    expect(code(() => b.exec('UPDATE t SET v = 12 WHERE id = 1'))).toBe('SQLITE_BUSY');
    a.exec('COMMIT');
    b.exec('UPDATE t SET v = 12 WHERE id = 1');
    expect(val(a, 1)).toBe(12);
  });

  it('G1a aborted read: a rolled-back write is never seen', () => {
    const [a, b] = conns(2, T);
    a.exec('BEGIN');
    a.exec('UPDATE t SET v = 101 WHERE id = 1');
    expect(val(b, 1)).toBe(10);
    a.exec('ROLLBACK');
    expect(val(b, 1)).toBe(10);
  });

  it('G1b intermediate read: only the final committed value is seen', () => {
    const [a, b] = conns(2, T);
    a.exec('BEGIN');
    a.exec('UPDATE t SET v = 101 WHERE id = 1');
    expect(val(b, 1)).toBe(10);
    a.exec('UPDATE t SET v = 11 WHERE id = 1');
    a.exec('COMMIT');
    expect(val(b, 1)).toBe(11);
  });

  it('G1c circular information flow: neither sees the other uncommitted', () => {
    const [a, b] = conns(2, T);
    a.exec('BEGIN');
    a.exec('UPDATE t SET v = 11 WHERE id = 1');
    b.exec('BEGIN');
    expect(val(b, 1)).toBe(10);
    expect(code(() => b.exec('UPDATE t SET v = 22 WHERE id = 2'))).toBe('SQLITE_BUSY');
    expect(val(a, 2)).toBe(20);
    a.exec('COMMIT');
    b.exec('ROLLBACK');
  });

  it('OTV observed transaction vanishes: a snapshot never mixes two commits', () => {
    const [a, b, c] = conns(3, T);
    a.exec('BEGIN');
    a.exec('UPDATE t SET v = 11 WHERE id = 1');
    a.exec('UPDATE t SET v = 19 WHERE id = 2');
    c.exec('BEGIN');
    expect(val(c, 1)).toBe(10);
    a.exec('COMMIT');
    b.exec('UPDATE t SET v = 12 WHERE id = 1');
    b.exec('UPDATE t SET v = 18 WHERE id = 2');
    expect(val(c, 2)).toBe(20);
    expect(val(c, 1)).toBe(10);
    c.exec('COMMIT');
    expect([val(c, 1), val(c, 2)]).toEqual([12, 18]);
  });

  it('PMP predicate many preceders: a predicate read repeats inside a transaction', () => {
    const [a, b] = conns(2, T);
    a.exec('BEGIN');
    const q = a.prepare('SELECT count(*) AS n FROM t WHERE v = 30');
    expect(q.get()).toEqual({ n: 0 });
    b.exec('INSERT INTO t VALUES (3, 30)');
    expect(q.get()).toEqual({ n: 0 });
    a.exec('COMMIT');
    expect(q.get()).toEqual({ n: 1 });
  });

  it('P4 lost update: the second read-modify-write fails with SQLITE_BUSY_SNAPSHOT', () => {
    const [a, b] = conns(2, T);
    a.exec('BEGIN');
    b.exec('BEGIN');
    const av = val(a, 1) as number;
    const bv = val(b, 1) as number;
    a.prepare('UPDATE t SET v = ? WHERE id = 1').run(av + 1);
    expect(code(() => b.prepare('UPDATE t SET v = ? WHERE id = 1').run(bv + 1))).toBe('SQLITE_BUSY');
    a.exec('COMMIT');
    expect(code(() => b.prepare('UPDATE t SET v = ? WHERE id = 1').run(bv + 1))).toBe('SQLITE_BUSY_SNAPSHOT');
    expect(b.inTransaction).toBe(true);
    b.exec('ROLLBACK');
    expect(val(b, 1)).toBe(11);
  });

  it('G-single read skew: a transaction sees both rows as of its snapshot', () => {
    const [a, b] = conns(2, T);
    a.exec('BEGIN');
    expect(val(a, 1)).toBe(10);
    b.exec('BEGIN');
    b.exec('UPDATE t SET v = 12 WHERE id = 1');
    b.exec('UPDATE t SET v = 18 WHERE id = 2');
    b.exec('COMMIT');
    expect(val(a, 2)).toBe(20);
    expect(a.prepare('SELECT sum(v) AS s FROM t').get()).toEqual({ s: 30 });
    expect(code(() => a.exec('DELETE FROM t'))).toBe('SQLITE_BUSY_SNAPSHOT');
    a.exec('ROLLBACK');
  });

  it('G2-item write skew: prevented while there is one writer at a time (documented)', () => {
    const [a, b] = conns(2, T);
    a.exec('BEGIN');
    b.exec('BEGIN');
    expect(a.prepare('SELECT sum(v) AS s FROM t').get()).toEqual({ s: 30 });
    expect(b.prepare('SELECT sum(v) AS s FROM t').get()).toEqual({ s: 30 });
    a.exec('UPDATE t SET v = 0 WHERE id = 1');
    a.exec('COMMIT');
    expect(code(() => b.exec('UPDATE t SET v = 0 WHERE id = 2'))).toBe('SQLITE_BUSY_SNAPSHOT');
    b.exec('ROLLBACK');
    expect(a.prepare('SELECT sum(v) AS s FROM t').get()).toEqual({ s: 20 });
  });

  it('G2 anti-dependency cycle over a predicate: the second writer cannot commit on its stale snapshot', () => {
    const [a, b] = conns(2, T);
    a.exec('BEGIN');
    b.exec('BEGIN');
    expect(a.prepare('SELECT count(*) AS n FROM t WHERE v % 3 = 0').get()).toEqual({ n: 0 });
    expect(b.prepare('SELECT count(*) AS n FROM t WHERE v % 3 = 0').get()).toEqual({ n: 0 });
    a.exec('INSERT INTO t VALUES (3, 30)');
    a.exec('COMMIT');
    expect(code(() => b.exec('INSERT INTO t VALUES (4, 42)'))).toBe('SQLITE_BUSY_SNAPSHOT');
    b.exec('ROLLBACK');
  });
});

describe('snapshot reads', () => {
  it('readers are never blocked by a writer and never block it', () => {
    const [a, b] = conns(2, T);
    b.exec('BEGIN');
    expect(val(b, 1)).toBe(10);
    a.exec('BEGIN IMMEDIATE');
    a.exec('UPDATE t SET v = 11 WHERE id = 1');
    expect(val(b, 1)).toBe(10);
    a.exec('COMMIT');
    expect(val(b, 1)).toBe(10);
    b.exec('COMMIT');
    expect(val(b, 1)).toBe(11);
  });

  it('an iterator keeps returning its snapshot while another connection commits (rowid, index, DESC, WITHOUT ROWID)', () => {
    const setup =
      'CREATE TABLE t(id INTEGER PRIMARY KEY, v INTEGER, s TEXT); CREATE INDEX tv ON t(v);' +
      'CREATE TABLE w(k TEXT PRIMARY KEY, n INTEGER) WITHOUT ROWID;' +
      "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 300) INSERT INTO t SELECT i, (i * 37) % 101, 's' || i FROM c;" +
      "INSERT INTO w SELECT 'k' || printf('%04d', id), v FROM t;";
    const [a, b] = conns(2, setup);
    const queries = [
      'SELECT * FROM t',
      'SELECT * FROM t ORDER BY id DESC',
      'SELECT id, v FROM t WHERE v BETWEEN 20 AND 80 ORDER BY v, id',
      'SELECT v, id FROM t ORDER BY v DESC, id DESC',
      'SELECT * FROM w',
      'SELECT * FROM w WHERE k > ? ORDER BY k DESC',
    ];
    const r = rng(7);
    let n = 400;
    for (const q of queries) {
      const params = q.includes('?') ? ['k0100'] : [];
      const expected = b.prepare(q).all(...params);
      const it = b.prepare(q).iterate(...params);
      const got: unknown[] = [];
      for (const row of it) {
        got.push(row);
        // another connection commits between every few rows: updates, deletes, inserts, moved keys
        if (r() < 0.3) {
          const id = 1 + Math.floor(r() * 400);
          const op = r();
          if (op < 0.4) a.prepare('UPDATE t SET v = ?, s = ? WHERE id = ?').run(Math.floor(r() * 101), 'u' + id, id);
          else if (op < 0.6) a.prepare('DELETE FROM t WHERE id = ?').run(id);
          else if (op < 0.8) a.prepare('INSERT OR REPLACE INTO t VALUES (?, ?, ?)').run(n++, Math.floor(r() * 101), 'n');
          else {
            a.exec('BEGIN');
            a.prepare("UPDATE w SET n = n + 1 WHERE k = 'k' || printf('%04d', ?)").run(id);
            a.prepare("DELETE FROM w WHERE k = 'k' || printf('%04d', ?)").run(id + 1);
            a.prepare("INSERT OR REPLACE INTO w VALUES ('k' || printf('%04d', ?), 0)").run(id + 500);
            a.exec('COMMIT');
          }
        }
      }
      expect(got).toEqual(expected);
      // and the changes are visible once the iterator is done
      expect(b.prepare('SELECT count(*) AS n FROM t').get()).toEqual(a.prepare('SELECT count(*) AS n FROM t').get());
    }
  });

  it('two iterators of one connection share a snapshot; a get() beside them reads it too', () => {
    const [a, b] = conns(2, T);
    const i1 = b.prepare('SELECT * FROM t').iterate();
    expect(i1.next().value).toEqual({ id: 1, v: 10 });
    a.exec('UPDATE t SET v = 99');
    expect(val(b, 2)).toBe(20);
    const i2 = b.prepare('SELECT * FROM t').iterate();
    expect([...i2]).toEqual([{ id: 1, v: 10 }, { id: 2, v: 20 }]);
    expect(i1.next().value).toEqual({ id: 2, v: 20 });
    expect(i1.next().done).toBe(true);
    expect(val(b, 2)).toBe(99);
  });

  it('works with history on (retention > 0): snapshots and AS OF agree', () => {
    const [a, b] = conns(2, T, 3600);
    b.exec('BEGIN');
    expect(val(b, 1)).toBe(10); // the first read takes the snapshot
    const txn = (b.prepare('SELECT helios_txn() AS n').get() as { n: number }).n;
    a.exec('UPDATE t SET v = v + 1');
    a.exec('DELETE FROM t WHERE id = 2');
    expect(b.prepare('SELECT * FROM t').all()).toEqual([{ id: 1, v: 10 }, { id: 2, v: 20 }]);
    expect(b.prepare(`SELECT * FROM t AS OF TRANSACTION ${txn}`).all()).toEqual([{ id: 1, v: 10 }, { id: 2, v: 20 }]);
    b.exec('COMMIT');
    expect(b.prepare('SELECT * FROM t').all()).toEqual([{ id: 1, v: 11 }]);
  });

  it('DDL by another connection: new tables stay invisible, a redefined table cannot be read at the old snapshot', () => {
    const [a, b] = conns(2, T);
    b.exec('BEGIN');
    expect(val(b, 1)).toBe(10);
    a.exec('CREATE TABLE u(x)');
    expect(code(() => b.prepare('SELECT * FROM u').all())).toBe('SQLITE_ERROR');
    a.exec('CREATE INDEX tv ON t(v)');
    expect(b.prepare('SELECT id FROM t WHERE v = 20').all()).toEqual([{ id: 2 }]);
    a.exec('ALTER TABLE t ADD COLUMN w');
    expect(code(() => b.prepare('SELECT * FROM t').all())).toBe('SQLITE_SCHEMA');
    b.exec('ROLLBACK');
    expect(b.prepare('SELECT * FROM t WHERE id = 1').get()).toEqual({ id: 1, v: 10, w: null });
  });

  it('a read transaction begun while alone makes a later connection wait (SQLITE_BUSY), never read wrong', () => {
    const [a] = conns(1, T);
    a.exec('BEGIN');
    expect(val(a, 1)).toBe(10);
    const b = new Database(a.name);
    keep(b);
    expect(val(b, 1)).toBe(10);
    expect(code(() => b.exec('UPDATE t SET v = 0'))).toBe('SQLITE_BUSY');
    expect(val(a, 1)).toBe(10);
    a.exec('COMMIT');
    b.exec('UPDATE t SET v = 0');
    expect(val(a, 1)).toBe(0);
  });

  it('an unique-key insert race: the loser sees a constraint or a stale snapshot, never a duplicate', () => {
    const [a, b] = conns(2, 'CREATE TABLE u(id INTEGER PRIMARY KEY, email TEXT UNIQUE);');
    a.exec('BEGIN');
    b.exec('BEGIN');
    expect(b.prepare("SELECT count(*) AS n FROM u WHERE email = 'x'").get()).toEqual({ n: 0 });
    a.exec("INSERT INTO u(email) VALUES ('x')");
    a.exec('COMMIT');
    expect(code(() => b.exec("INSERT INTO u(email) VALUES ('x')"))).toBe('SQLITE_BUSY_SNAPSHOT');
    b.exec('ROLLBACK');
    expect(code(() => b.exec("INSERT INTO u(email) VALUES ('x')"))).toBe('SQLITE_CONSTRAINT_UNIQUE');
    expect(a.prepare('SELECT count(*) AS n FROM u').get()).toEqual({ n: 1 });
  });
});

describe('randomized snapshot checker (3 connections)', () => {
  for (const seed of [1, 2, 3, Math.floor(Math.random() * 1e9)]) {
    it(`every read of a read transaction equals the committed state at its snapshot (seed ${seed})`, () => {
      const ctx = `seed ${seed}`;
      const dbs = conns(3, 'CREATE TABLE t(id INTEGER PRIMARY KEY, v INTEGER, s TEXT); CREATE INDEX tv ON t(v);');
      const r = rng(seed);
      // the model: committed state, updated after every successful commit
      let model = new Map<number, { id: number; v: number; s: string }>();
      type Reader = { snap: Map<number, { id: number; v: number; s: string }>; it: Iterator<unknown> | null; got: unknown[]; q: number };
      const readers: (Reader | null)[] = [null, null, null];
      const writeTxn: (Map<number, { id: number; v: number; s: string }> | null)[] = [null, null, null];
      const rowsOf = (m: Map<number, { id: number; v: number; s: string }>, q: number): unknown[] => {
        const rows = [...m.values()];
        if (q === 0) return rows.sort((x, y) => x.id - y.id);
        return rows.filter((x) => x.v >= 20 && x.v <= 60).sort((x, y) => x.v - y.v || x.id - y.id).map((x) => ({ id: x.id, v: x.v }));
      };
      const Q = ['SELECT * FROM t', 'SELECT id, v FROM t WHERE v BETWEEN 20 AND 60 ORDER BY v, id'];
      for (let step = 0; step < 1500; step++) {
        const c = Math.floor(r() * 3);
        const d = dbs[c];
        const rd = readers[c];
        const w = writeTxn[c];
        const x = r();
        if (w !== null) {
          // inside a write transaction: write more or finish
          if (x < 0.6) {
            const id = 1 + Math.floor(r() * 60);
            const v = Math.floor(r() * 80);
            if (r() < 0.3) {
              d.prepare('DELETE FROM t WHERE id = ?').run(id);
              w.delete(id);
            } else {
              d.prepare('INSERT OR REPLACE INTO t VALUES (?, ?, ?)').run(id, v, `c${c}s${step}`);
              w.set(id, { id, v, s: `c${c}s${step}` });
            }
          } else if (x < 0.85) {
            d.exec('COMMIT');
            model = w;
            writeTxn[c] = null;
          } else {
            d.exec('ROLLBACK');
            writeTxn[c] = null;
          }
        } else if (rd !== null) {
          if (rd.it !== null) {
            const n = rd.it.next();
            if (n.done) {
              expect(rd.got, ctx).toEqual(rowsOf(rd.snap, rd.q));
              rd.it = null;
            } else rd.got.push(n.value);
          } else if (x < 0.4) {
            const q = Math.floor(r() * 2);
            expect(d.prepare(Q[q]).all(), ctx).toEqual(rowsOf(rd.snap, q));
          } else if (x < 0.6) {
            const id = 1 + Math.floor(r() * 60);
            expect(d.prepare('SELECT * FROM t WHERE id = ?').get(id), ctx).toEqual(rd.snap.get(id));
          } else if (x < 0.75) {
            const q = Math.floor(r() * 2);
            rd.q = q;
            rd.got = [];
            rd.it = d.prepare(Q[q]).iterate();
          } else if (x < 0.85) {
            // try to start writing: only allowed while no one else committed since the snapshot
            const stale = model !== rd.snap; // every commit makes a new model object
            const id = 1 + Math.floor(r() * 60);
            const e = code(() => d.prepare('DELETE FROM t WHERE id = ?').run(id));
            if (e === null) {
              expect(stale, ctx).toBe(false);
              const m = new Map(model);
              m.delete(id);
              writeTxn[c] = m;
              readers[c] = null;
            } else if (e === 'SQLITE_BUSY_SNAPSHOT') expect(stale, ctx).toBe(true);
            else expect(e, ctx).toBe('SQLITE_BUSY');
          } else {
            d.exec('COMMIT');
            readers[c] = null;
          }
        } else if (x < 0.35) {
          d.exec('BEGIN');
          // the snapshot is taken by the first read
          const q = Math.floor(r() * 2);
          expect(d.prepare(Q[q]).all(), ctx).toEqual(rowsOf(model, q));
          readers[c] = { snap: model, it: null, got: [], q: 0 };
        } else if (x < 0.7) {
          const e = code(() => d.exec('BEGIN IMMEDIATE'));
          if (e === null) writeTxn[c] = new Map(model);
          else expect(e, ctx).toBe('SQLITE_BUSY');
        } else {
          // autocommit write
          const id = 1 + Math.floor(r() * 60);
          const v = Math.floor(r() * 80);
          const e = code(() => d.prepare('INSERT OR REPLACE INTO t VALUES (?, ?, ?)').run(id, v, 'auto'));
          if (e === null) {
            model = new Map(model);
            model.set(id, { id, v, s: 'auto' });
          } else expect(e, ctx).toBe('SQLITE_BUSY');
        }
      }
      for (let c = 0; c < 3; c++) {
        readers[c]?.it?.return?.();
        if (dbs[c].inTransaction) dbs[c].exec('ROLLBACK');
      }
      expect(dbs[0].prepare(Q[0]).all(), ctx).toEqual(rowsOf(model, 0));
    });
  }
});

describe('VersionLog', () => {
  it('keeps commits an open snapshot needs and collects the rest', () => {
    const log = new VersionLog();
    expect(log.needed(0)).toBe(false);
    log.open(10);
    log.open(20);
    expect(log.needed(1)).toBe(true);
    for (const ts of [11, 15, 21, 30]) log.append({ ts, trees: new Map(), invalid: new Set() });
    expect(log.firstAfter(10)).toBe(0);
    expect(log.firstAfter(20)).toBe(2);
    log.close(10);
    expect(log.firstAfter(20)).toBe(2);
    expect(log.at(2).ts).toBe(21);
    expect(log.end).toBe(4);
    log.close(20);
    expect(log.end).toBe(4);
    expect(log.firstAfter(0)).toBe(4);
    expect(() => log.append({ ts: 30, trees: new Map(), invalid: new Set() })).toThrow();
  });
});
