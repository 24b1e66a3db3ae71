/**
 * A compiled AS OF reference keeps its old-version set across executions while the point and
 * the committed state are unchanged. These tests re-execute prepared AS OF statements across
 * commits (own, other connections', concurrent writers'), DDL, changing parameters and open
 * transactions with uncommitted writes, and compare every answer with the state recorded at
 * that point.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { Database } from '../../engine/api/index.js';
import { rng, tempDir } from './helpers.js';

type Db = InstanceType<typeof Database>;
type Row = Record<string, unknown>;
interface Recorded {
  txn: number;
  ts: string;
  rows: Row[];
}

const dir = tempDir();
const open: Db[] = [];
let files = 0;
afterEach(() => {
  while (open.length) {
    const d = open.pop()!;
    if (d.open) d.close();
  }
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function openDb(file?: string): Db {
  const d = new Database(file ?? path.join(dir, `c${files++}.db`));
  open.push(d);
  return d;
}

function setup(d: Db): void {
  d.pragma('helios_retention = 86400');
  d.exec('CREATE TABLE t(id INTEGER PRIMARY KEY, a INT, b TEXT); CREATE INDEX t_a ON t(a);');
  const ins = d.prepare('INSERT INTO t VALUES (?, ?, ?)');
  d.transaction(() => {
    for (let i = 1; i <= 60; i++) ins.run(i, i % 7, `r${i}`);
  })();
}

function record(d: Db): Recorded {
  const p = d.prepare('SELECT helios_txn() AS txn, helios_commit_time() AS ts').get() as { txn: number; ts: string };
  return { txn: p.txn, ts: p.ts, rows: d.prepare('SELECT * FROM t ORDER BY id').all() as Row[] };
}

/** One random committed change to t (through `d`). */
function change(d: Db, r: () => number): void {
  const id = 1 + Math.floor(r() * 70);
  switch (Math.floor(r() * 4)) {
    case 0:
      d.prepare('UPDATE t SET a = a + 1, b = b || ? WHERE id BETWEEN ? AND ?').run('u', id, id + 4);
      break;
    case 1:
      d.prepare('DELETE FROM t WHERE id = ?').run(id);
      break;
    case 2:
      d.prepare('INSERT OR REPLACE INTO t VALUES (?, ?, ?)').run(id, Math.floor(r() * 7), `n${id}`);
      break;
    default:
      d.transaction(() => {
        d.prepare('UPDATE t SET a = ? WHERE a = ?').run(Math.floor(r() * 7), Math.floor(r() * 7));
        d.prepare('DELETE FROM t WHERE id > ?').run(55 + Math.floor(r() * 15));
      })();
  }
}

/** Prepared AS OF statements (scan, rowid lookup, index lookup) with the point written in the SQL or bound. */
function statements(d: Db, at: string) {
  return {
    scan: d.prepare(`SELECT * FROM t AS OF ${at} ORDER BY id`),
    byId: d.prepare(`SELECT * FROM t AS OF ${at} WHERE id = @id`),
    byA: d.prepare(`SELECT * FROM t AS OF ${at} WHERE a = @a ORDER BY id`),
  };
}

function expectAt(st: ReturnType<typeof statements>, p: Recorded, bind: Record<string, unknown> = {}): void {
  expect(st.scan.all(bind)).toEqual(p.rows);
  for (const id of [1, 10, 33, 58, 66]) expect(st.byId.all({ ...bind, id })).toEqual(p.rows.filter((r) => r.id === id));
  for (const a of [0, 3, 6]) expect(st.byA.all({ ...bind, a })).toEqual(p.rows.filter((r) => r.a === a));
}

describe('AS OF old-version set reuse', () => {
  it('a literal AS OF TRANSACTION statement re-executed across commits returns the recorded state each time', () => {
    const d = openDb();
    setup(d);
    const r = rng(7);
    change(d, r);
    const p = record(d);
    const st = statements(d, `TRANSACTION ${p.txn}`);
    expectAt(st, p);
    for (let i = 0; i < 12; i++) {
      change(d, r);
      expectAt(st, p);
      expectAt(st, p); // same committed state: the kept set
    }
    expect(record(d).rows).not.toEqual(p.rows);
  });

  it('a bound AS OF TRANSACTION / TIMESTAMP point may change between executions and across commits', () => {
    const d = openDb();
    setup(d);
    const r = rng(11);
    const points: Recorded[] = [record(d)];
    const byTxn = statements(d, 'TRANSACTION @at');
    const byTs = statements(d, 'TIMESTAMP @at');
    for (let i = 0; i < 10; i++) {
      change(d, r);
      points.push(record(d));
      // every recorded point, in an order that revisits each one, with no commit in between
      for (const j of [i + 1, 0, Math.floor(i / 2), i + 1, i + 1]) {
        expectAt(byTxn, points[j], { at: points[j].txn });
        expectAt(byTs, points[j], { at: points[j].ts });
      }
    }
  });

  it('reads committed history only inside a transaction with its own uncommitted writes', () => {
    const d = openDb();
    setup(d);
    const p = record(d);
    const st = statements(d, `TRANSACTION ${p.txn}`);
    const bound = statements(d, 'TRANSACTION @at');
    expectAt(st, p);
    d.exec("BEGIN; UPDATE t SET a = 100, b = 'mine' WHERE id <= 20; DELETE FROM t WHERE id > 50; INSERT INTO t VALUES (70, 3, 'new')");
    expectAt(st, p);
    expectAt(bound, p, { at: p.txn });
    expect(d.prepare('SELECT count(*) AS n FROM t WHERE a = 100').get()).toEqual({ n: 20 });
    d.exec('COMMIT');
    const q = record(d);
    expectAt(st, p);
    expectAt(bound, q, { at: q.txn });
    expectAt(bound, p, { at: p.txn });
    d.exec("BEGIN; UPDATE t SET b = 'again'");
    expectAt(bound, q, { at: q.txn });
    d.exec('ROLLBACK');
    expectAt(bound, q, { at: q.txn });
  });

  it('sees commits of other connections and of concurrent writers, and DDL on other tables', () => {
    const file = path.join(dir, 'shared.db');
    const a = openDb(file);
    setup(a);
    const b = openDb(file);
    a.pragma('helios_concurrent_writes = ON');
    const r = rng(23);
    const points: Recorded[] = [record(a)];
    const st = statements(a, 'TRANSACTION @at');
    const fixed = statements(a, `TRANSACTION ${points[0].txn}`);
    for (let i = 0; i < 6; i++) {
      expectAt(st, points[i], { at: points[i].txn });
      // two concurrent write transactions on disjoint rows; both commit
      a.exec(`BEGIN; UPDATE t SET a = a + 10 WHERE id = ${1 + i}`);
      b.exec(`BEGIN; UPDATE t SET b = 'b${i}' WHERE id = ${30 + i}; INSERT OR REPLACE INTO t VALUES (${61 + i}, ${i}, 'b')`);
      expectAt(st, points[i], { at: points[i].txn }); // a's own uncommitted write is not history
      b.exec('COMMIT');
      const afterB = record(b);
      expectAt(st, afterB, { at: afterB.txn }); // b's commit, seen from a inside its transaction
      a.exec('COMMIT');
      points.push(record(a));
      expectAt(st, points[i + 1], { at: points[i + 1].txn });
      expectAt(st, afterB, { at: afterB.txn });
      expectAt(fixed, points[0]);
      if (i === 2) a.exec(`CREATE TABLE other${i}(x)`);
      change(b, r);
      expectAt(st, points[i + 1], { at: points[i + 1].txn });
    }
    expect(b.prepare(`SELECT * FROM t AS OF TRANSACTION ${points[3].txn} ORDER BY id`).all()).toEqual(points[3].rows);
  });

  it('re-checks a reused point after history is dropped (PRAGMA helios_retention = 0)', () => {
    const d = openDb();
    setup(d);
    const p = record(d);
    d.prepare('UPDATE t SET a = -1 WHERE id < 5').run();
    const st = statements(d, 'TRANSACTION @at');
    expectAt(st, p, { at: p.txn });
    d.pragma('helios_retention = 0');
    expect(() => st.scan.all({ at: p.txn })).toThrow(/keeps no history/);
    expect(() => st.byId.all({ at: p.txn, id: 1 })).toThrow(/keeps no history/);
  });
});
