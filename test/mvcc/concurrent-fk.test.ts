/**
 * Foreign keys under concurrent write transactions, checked row by row at COMMIT
 * (engine/sql/time-travel/fk-replay.ts). Two connections run their statements inside BEGIN ...
 * before either commits, then commit in a given order. Oracle: real SQLite running the same
 * transactions one after the other in commit order. When both commit, the final state must be
 * SQLite's; when the second committer must fail (it wrote a child of a key the first removed, or
 * removed a key the first gave a child), it gets SQLITE_BUSY_SNAPSHOT, the state is SQLite's after
 * the first transaction alone, and SQLite itself refuses the second transaction's statements
 * after the first (so the conflict was needed).
 */
import * as path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { Database } from '../../engine/api/index.js';
import { rng, tempDir, closeAfterEach, type Db } from './helpers.js';

const { keep, connect } = closeAfterEach();

interface Case {
  readonly name: string;
  readonly setup: string;
  readonly a: readonly string[];
  readonly b: readonly string[];
  /** Which connection commits first. */
  readonly first: 'a' | 'b';
  readonly outcome: 'both' | 'second-fails' | 'second-fails-cascade';
}

function dump(d: { prepare(sql: string): { all(): unknown[]; raw(on?: boolean): { all(): unknown[] } } }, setup: string): unknown {
  const names = [...setup.matchAll(/CREATE TABLE (\w+)/gi)].map((m) => m[1]);
  const out: Record<string, unknown[]> = {};
  for (const n of names) out[n] = d.prepare(`SELECT * FROM ${n} ORDER BY 1`).raw(true).all();
  return out;
}

function oracle(c: Case, both: boolean): { state: unknown; secondFails: boolean } {
  const db = new BetterSqlite3(':memory:');
  db.exec(c.setup);
  const run = (stmts: readonly string[]): boolean => {
    db.exec('BEGIN');
    try {
      for (const s of stmts) db.exec(s);
      db.exec('COMMIT');
      return true;
    } catch {
      db.exec('ROLLBACK');
      return false;
    }
  };
  const [x, y] = c.first === 'a' ? [c.a, c.b] : [c.b, c.a];
  expect(run(x), `${c.name}: first transaction alone`).toBe(true);
  let secondFails = false;
  if (both) expect(run(y), `${c.name}: second transaction after the first`).toBe(true);
  else {
    const snap = db.serialize();
    secondFails = !run(y);
    if (!secondFails) {
      // it succeeded serially: restore the first transaction's state as the expected one
      db.close();
      const again = new BetterSqlite3(snap);
      const state = dump(again, c.setup);
      again.close();
      return { state, secondFails };
    }
  }
  const state = dump(db, c.setup);
  db.close();
  return { state, secondFails };
}

function runCase(c: Case): void {
  const file = path.join(tempDir(), 'fk.db');
  const a = new Database(file);
  const b = new Database(file);
  keep(a, b);
  a.pragma('helios_concurrent_writes = ON');
  a.exec(c.setup);
  a.exec('BEGIN');
  for (const s of c.a) a.exec(s);
  b.exec('BEGIN');
  for (const s of c.b) b.exec(s);
  const [x, y] = c.first === 'a' ? [a, b] : [b, a];
  x.exec('COMMIT');
  let err: { code?: string } | null = null;
  try {
    y.exec('COMMIT');
  } catch (e) {
    err = e as { code?: string };
  }
  const both = c.outcome === 'both';
  expect(err?.code ?? null, `${c.name}: second COMMIT`).toBe(both ? null : 'SQLITE_BUSY_SNAPSHOT');
  expect(y.inTransaction).toBe(false);
  const want = oracle(c, both);
  if (c.outcome === 'second-fails') expect(want.secondFails, `${c.name}: SQLite refuses the second transaction after the first`).toBe(true);
  if (c.outcome === 'second-fails-cascade') expect(want.secondFails, `${c.name}: SQLite would cascade instead`).toBe(false);
  expect(dump(a, c.setup), c.name).toEqual(want.state);
  // (PRAGMA foreign_key_check cannot read a WITHOUT ROWID parent yet: compile/pragma.ts hasParent)
  if (!/WITHOUT ROWID/i.test(c.setup)) expect(a.prepare('PRAGMA foreign_key_check').all()).toEqual([]);
  expect(a.pragma('integrity_check', { simple: true })).toBe('ok');
}

const P = 'CREATE TABLE par(id INTEGER PRIMARY KEY, name TEXT); CREATE TABLE ch(id INTEGER PRIMARY KEY, p INTEGER REFERENCES par(id), x); INSERT INTO par VALUES (1, \'one\'), (2, \'two\'), (3, \'three\'); INSERT INTO ch VALUES (10, 1, 0);';
const PI = P + ' CREATE INDEX chp ON ch(p);';
const U = "CREATE TABLE par(id INTEGER PRIMARY KEY, code TEXT UNIQUE); CREATE TABLE ch(id INTEGER PRIMARY KEY, c TEXT REFERENCES par(code) ON UPDATE CASCADE ON DELETE CASCADE); INSERT INTO par VALUES (1, 'a'), (2, 'b'), (3, 'c'); INSERT INTO ch VALUES (10, 'a');";
const W = "CREATE TABLE par(k1 TEXT, k2 INTEGER, v, PRIMARY KEY (k1, k2)) WITHOUT ROWID; CREATE TABLE ch(id INTEGER PRIMARY KEY, a TEXT, b INTEGER, FOREIGN KEY (a, b) REFERENCES par(k1, k2)); INSERT INTO par VALUES ('x', 1, 0), ('x', 2, 0), ('y', 1, 0); INSERT INTO ch VALUES (10, 'x', 1);";
const D = 'CREATE TABLE par(id INTEGER PRIMARY KEY); CREATE TABLE ch(id INTEGER PRIMARY KEY, p REFERENCES par(id) DEFERRABLE INITIALLY DEFERRED); INSERT INTO par VALUES (1), (2), (3);';
const S = 'CREATE TABLE node(id INTEGER PRIMARY KEY, up INTEGER REFERENCES node(id)); INSERT INTO node VALUES (1, NULL), (2, 1), (3, 1), (4, NULL);';

const cases: Case[] = [];
for (const [tag, setup] of [
  ['no child index', P],
  ['child index', PI],
] as const) {
  cases.push(
    { name: `${tag}: unrelated parent delete and child insert both commit`, setup, a: ['DELETE FROM par WHERE id = 3'], b: ['INSERT INTO ch VALUES (11, 2, 0)'], first: 'a', outcome: 'both' },
    { name: `${tag}: same, other order`, setup, a: ['DELETE FROM par WHERE id = 3'], b: ['INSERT INTO ch VALUES (11, 2, 0)'], first: 'b', outcome: 'both' },
    { name: `${tag}: child inserted for a parent deleted concurrently (parent first)`, setup, a: ['DELETE FROM par WHERE id = 2'], b: ['INSERT INTO ch VALUES (11, 2, 0)'], first: 'a', outcome: 'second-fails' },
    { name: `${tag}: child inserted for a parent deleted concurrently (child first)`, setup, a: ['DELETE FROM par WHERE id = 2'], b: ['INSERT INTO ch VALUES (11, 2, 0)'], first: 'b', outcome: 'second-fails' },
    { name: `${tag}: parent re-keyed away while a child is inserted`, setup, a: ['UPDATE par SET id = 20 WHERE id = 2'], b: ['INSERT INTO ch VALUES (11, 2, 0)'], first: 'a', outcome: 'second-fails' },
    { name: `${tag}: child re-pointed to a parent deleted concurrently`, setup, a: ['DELETE FROM par WHERE id = 3'], b: ['UPDATE ch SET p = 3 WHERE id = 10'], first: 'a', outcome: 'second-fails' },
    { name: `${tag}: parent non-key update and child insert of the same key commit`, setup, a: ["UPDATE par SET name = 'TWO' WHERE id = 2"], b: ['INSERT INTO ch VALUES (11, 2, 0)'], first: 'a', outcome: 'both' },
    { name: `${tag}: child non-key update while another parent is deleted`, setup, a: ['DELETE FROM par WHERE id = 2'], b: ['UPDATE ch SET x = 5 WHERE id = 10'], first: 'b', outcome: 'both' },
    { name: `${tag}: parent deleted and re-inserted before the child commits`, setup, a: ['DELETE FROM par WHERE id = 2', "INSERT INTO par VALUES (2, 'again')"], b: ['INSERT INTO ch VALUES (11, 2, 0)'], first: 'a', outcome: 'both' },
    { name: `${tag}: child with a NULL key never conflicts`, setup, a: ['DELETE FROM par WHERE id = 2'], b: ['INSERT INTO ch VALUES (11, NULL, 0)'], first: 'a', outcome: 'both' },
    { name: `${tag}: deleting the child first lets the parent go`, setup, a: ['DELETE FROM ch WHERE id = 10'], b: ['INSERT INTO par VALUES (4, \'four\')'], first: 'a', outcome: 'both' },
  );
}
cases.push(
  { name: 'unique text parent key: other keys commit side by side', setup: U, a: ["UPDATE par SET code = 'bb' WHERE id = 2"], b: ["INSERT INTO ch VALUES (11, 'c')"], first: 'a', outcome: 'both' },
  { name: 'unique text parent key: re-keyed away (ON UPDATE CASCADE) while a child is added: conflict instead of a cascade', setup: U, a: ["UPDATE par SET code = 'cc' WHERE id = 3"], b: ["INSERT INTO ch VALUES (11, 'c')"], first: 'b', outcome: 'second-fails-cascade' },
  { name: 'ON DELETE CASCADE: the cascade of a committed delete and a new child of that key', setup: U, a: ['DELETE FROM par WHERE id = 1'], b: ["INSERT INTO ch VALUES (11, 'a')"], first: 'a', outcome: 'second-fails' },
  { name: 'ON DELETE CASCADE: cascaded rows are in the write set (different key commits)', setup: U, a: ['DELETE FROM par WHERE id = 1'], b: ["INSERT INTO ch VALUES (11, 'b')"], first: 'b', outcome: 'both' },
  { name: 'WITHOUT ROWID composite parent key: other keys commit', setup: W, a: ["DELETE FROM par WHERE k1 = 'y'"], b: ["INSERT INTO ch VALUES (11, 'x', 2)"], first: 'a', outcome: 'both' },
  { name: 'WITHOUT ROWID composite parent key: the same key conflicts', setup: W, a: ["DELETE FROM par WHERE k1 = 'x' AND k2 = 2"], b: ["INSERT INTO ch VALUES (11, 'x', 2)"], first: 'b', outcome: 'second-fails' },
  { name: 'WITHOUT ROWID parent: non-key update commits beside a child insert', setup: W, a: ["UPDATE par SET v = 9 WHERE k1 = 'x' AND k2 = 2"], b: ["INSERT INTO ch VALUES (11, 'x', 2)"], first: 'a', outcome: 'both' },
  { name: 'deferred constraint: child inserted before its parent inside the transaction commits beside others', setup: D, a: ['INSERT INTO ch VALUES (10, 9)', 'INSERT INTO par VALUES (9)'], b: ['DELETE FROM par WHERE id = 3'], first: 'b', outcome: 'both' },
  { name: 'deferred constraint: a child of a key deleted concurrently', setup: D, a: ['INSERT INTO ch VALUES (10, 2)'], b: ['DELETE FROM par WHERE id = 2'], first: 'b', outcome: 'second-fails' },
  { name: 'self-referencing table: a new node under a node deleted concurrently', setup: S, a: ['DELETE FROM node WHERE id = 4'], b: ['INSERT INTO node VALUES (5, 4)'], first: 'a', outcome: 'second-fails' },
  { name: 'self-referencing table: unrelated nodes commit', setup: S, a: ['DELETE FROM node WHERE id = 4'], b: ['INSERT INTO node VALUES (5, 2)', 'INSERT INTO node VALUES (6, 6)'], first: 'b', outcome: 'both' },
);

describe('row-level foreign key validation of concurrent commits', () => {
  for (const c of cases) it(c.name, () => runCase(c));

  it('foreign_keys off: no foreign key conflict', () => {
    const file = path.join(tempDir(), 'fk-off.db');
    const a = new Database(file);
    const b = new Database(file);
    keep(a, b);
    a.pragma('helios_concurrent_writes = ON');
    a.exec(P);
    a.pragma('foreign_keys = OFF');
    b.pragma('foreign_keys = OFF');
    a.exec('BEGIN; DELETE FROM par WHERE id = 2');
    b.exec('BEGIN; INSERT INTO ch VALUES (11, 2, 0)');
    a.exec('COMMIT');
    b.exec('COMMIT');
    expect(a.prepare('PRAGMA foreign_key_check').raw().all()).toEqual([['ch', 11, 'par', 0]]);
  });

  it('a child table created after the snapshot is checked too', () => {
    const file = path.join(tempDir(), 'fk-new.db');
    const a = new Database(file);
    const b = new Database(file);
    keep(a, b);
    a.pragma('helios_concurrent_writes = ON');
    a.exec(P);
    a.exec('BEGIN; DELETE FROM par WHERE id = 3');
    b.exec('CREATE TABLE ch2(id INTEGER PRIMARY KEY, p REFERENCES par(id)); INSERT INTO ch2 VALUES (1, 3)');
    expect(() => a.exec('COMMIT')).toThrow(expect.objectContaining({ code: 'SQLITE_BUSY_SNAPSHOT' }));
    expect(a.prepare('PRAGMA foreign_key_check').all()).toEqual([]);
  });

  it('a row inserted and deleted again by a replayed commit still conflicts with a concurrent writer of it', () => {
    // found by the randomized checker (seed 1674723731): c's commit is replayed (a committed
    // after its snapshot), and the replay has nothing to delete, yet c wrote row 2
    const file = path.join(tempDir(), 'fk-net-zero.db');
    const [a, b, c] = [new Database(file), new Database(file), new Database(file)];
    keep(a, b, c);
    a.exec('CREATE TABLE par(id INTEGER PRIMARY KEY, name TEXT)');
    for (const d of [a, b, c]) {
      d.exec('BEGIN');
      d.prepare('SELECT count(*) FROM par').get();
    }
    a.exec("INSERT INTO par VALUES (6, 'n'); COMMIT");
    c.exec("INSERT INTO par VALUES (2, 'n')");
    b.exec("INSERT INTO par VALUES (2, 'n')");
    c.exec('DELETE FROM par WHERE id = 2; COMMIT');
    expect(() => b.exec('COMMIT')).toThrow(expect.objectContaining({ code: 'SQLITE_BUSY_SNAPSHOT' }));
    expect(a.prepare('SELECT id FROM par ORDER BY id').pluck().all()).toEqual([6]);
  });
});

// ---- randomized checker: a conflict exactly when a row or a foreign key requires it ------------

function runFkHistory(seed: number, nConn: number, nTxn: number): void {
  const r = rng(seed);
  const pick = (n: number): number => Math.floor(r() * n);
  const file = path.join(tempDir(), 'fk-rand.db');
  const dbs = connect(file, nConn);
  dbs[0].exec('CREATE TABLE par(id INTEGER PRIMARY KEY, name TEXT); CREATE TABLE ch(id INTEGER PRIMARY KEY, p INTEGER REFERENCES par(id)); CREATE INDEX chp ON ch(p)');
  interface State {
    par: Set<number>;
    ch: Map<number, number>;
  }
  const model: State = { par: new Set(), ch: new Map() };
  const clone = (s: State): State => ({ par: new Set(s.par), ch: new Map(s.ch) });
  const log: { par: Set<number>; ch: Set<number> }[] = [];
  interface Live {
    view: State;
    at: number;
    par: Set<number>;
    ch: Set<number>;
    left: number;
  }
  const live: (Live | null)[] = dbs.map(() => null);
  let started = 0;
  let fkConflicts = 0;
  let committed = 0;
  while (started < nTxn || live.some((l) => l !== null)) {
    const i = pick(nConn);
    const d = dbs[i];
    const l = live[i];
    if (l === null) {
      if (started >= nTxn) continue;
      started++;
      d.exec('BEGIN');
      d.prepare('SELECT count(*) FROM par').get();
      live[i] = { view: clone(model), at: log.length, par: new Set(), ch: new Set(), left: 1 + pick(4) };
      continue;
    }
    if (l.left-- > 0) {
      const what = r();
      const pid = 1 + pick(12);
      const cid = 100 + pick(25);
      try {
        if (what < 0.25) {
          d.prepare('INSERT INTO par VALUES (?, ?)').run(pid, 'n');
          l.view.par.add(pid);
          l.par.add(pid);
        } else if (what < 0.45) {
          if (d.prepare('DELETE FROM par WHERE id = ?').run(pid).changes > 0) {
            l.view.par.delete(pid);
            l.par.add(pid);
          }
        } else if (what < 0.7) {
          d.prepare('INSERT INTO ch VALUES (?, ?)').run(cid, pid);
          l.view.ch.set(cid, pid);
          l.ch.add(cid);
        } else if (what < 0.85) {
          if (d.prepare('UPDATE ch SET p = ? WHERE id = ?').run(pid, cid).changes > 0) {
            l.view.ch.set(cid, pid);
            l.ch.add(cid);
          }
        } else if (d.prepare('DELETE FROM ch WHERE id = ?').run(cid).changes > 0) {
          l.view.ch.delete(cid);
          l.ch.add(cid);
        }
      } catch (e) {
        expect(['SQLITE_CONSTRAINT_PRIMARYKEY', 'SQLITE_CONSTRAINT_FOREIGNKEY'], `seed ${seed}`).toContain((e as { code?: string }).code);
      }
      continue;
    }
    live[i] = null;
    // the expected outcome: a row conflict, else the state after it must keep every key it touched valid
    let rowConflict = false;
    for (let k = l.at; k < log.length; k++) {
      for (const x of log[k].par) if (l.par.has(x)) rowConflict = true;
      for (const x of log[k].ch) if (l.ch.has(x)) rowConflict = true;
    }
    const next = clone(model);
    for (const x of l.par) {
      if (l.view.par.has(x)) next.par.add(x);
      else next.par.delete(x);
    }
    for (const x of l.ch) {
      const p = l.view.ch.get(x);
      if (p === undefined) next.ch.delete(x);
      else next.ch.set(x, p);
    }
    let fkConflict = false;
    for (const x of l.ch) {
      const p = next.ch.get(x);
      if (p !== undefined && !next.par.has(p)) fkConflict = true;
    }
    for (const x of l.par) if (!next.par.has(x) && [...next.ch.values()].includes(x)) fkConflict = true;
    const conflict = rowConflict || fkConflict;
    let got: string | null = null;
    try {
      d.exec('COMMIT');
    } catch (e) {
      got = (e as { code?: string }).code ?? String(e);
    }
    expect(got, `seed ${seed}: COMMIT (row conflict ${rowConflict}, foreign key conflict ${fkConflict})`).toBe(conflict ? 'SQLITE_BUSY_SNAPSHOT' : null);
    if (!conflict) {
      committed++;
      model.par = next.par;
      model.ch = next.ch;
      if (l.par.size + l.ch.size > 0) log.push({ par: l.par, ch: l.ch });
    } else if (!rowConflict) fkConflicts++;
  }
  expect(dbs[0].prepare('SELECT id FROM par ORDER BY id').pluck().all()).toEqual([...model.par].sort((a, b) => a - b));
  expect(dbs[0].prepare('SELECT id, p FROM ch ORDER BY id').raw().all()).toEqual([...model.ch].sort((a, b) => a[0] - b[0]));
  expect(dbs[0].prepare('PRAGMA foreign_key_check').all()).toEqual([]);
  expect(dbs[0].pragma('integrity_check', { simple: true })).toBe('ok');
  expect(committed).toBeGreaterThan(nTxn / 3);
  if (process.env.CW_STATS) console.log(`seed ${seed}: committed ${committed}, foreign key conflicts ${fkConflicts}`);
}

describe('randomized foreign key checker (concurrent writers)', () => {
  for (const seed of [1, 2, 3]) it(`seed ${seed}: 3 connections, 250 transactions`, () => runFkHistory(seed, 3, 250));
  it('a random seed (printed on failure)', () => {
    const seed = (Date.now() ^ (Math.random() * 0x7fffffff)) >>> 0;
    try {
      runFkHistory(seed, 2 + (seed % 3), 250);
    } catch (e) {
      console.error(`foreign key random seed: ${seed}`);
      throw e;
    }
  });
});
