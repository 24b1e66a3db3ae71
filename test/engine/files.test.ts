/**
 * Files written through the SQL engine are valid SQLite files: after close, real SQLite opens
 * them, `PRAGMA integrity_check` says ok and it reads the same rows. And files made by SQLite
 * open, change through our SQL, and stay valid.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import BS3 from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { Database } from '../../engine/api/index.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'helios-files-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
let n = 0;
const file = () => path.join(dir, `f${++n}.db`);

function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SCHEMA = `
  CREATE TABLE item (id INTEGER PRIMARY KEY, name TEXT NOT NULL, qty INT, price REAL, tag TEXT COLLATE NOCASE, data BLOB, UNIQUE (name));
  CREATE INDEX item_qty ON item (qty DESC, price);
  CREATE INDEX item_tag ON item (tag) WHERE tag IS NOT NULL;
  CREATE INDEX item_expr ON item (lower(name));
  CREATE TABLE kv (k TEXT PRIMARY KEY, v ANY) WITHOUT ROWID;
`;

function dump(db: { prepare(sql: string): { all(): unknown[] } }): unknown {
  return {
    item: db.prepare('SELECT * FROM item ORDER BY id').all(),
    kv: db.prepare('SELECT * FROM kv ORDER BY k').all(),
    schema: db.prepare('SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name').all(),
  };
}

function checkWithSqlite(f: string, expected: unknown): void {
  const s = new BS3(f, { readonly: true });
  try {
    expect(s.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(dump(s)).toEqual(expected);
  } finally {
    s.close();
  }
}

describe('files written through SQL', () => {
  it('random inserts, updates and deletes leave a file SQLite accepts', () => {
    const f = file();
    const db = new Database(f);
    db.exec(SCHEMA);
    const rnd = prng(42);
    const ins = db.prepare('INSERT INTO item (name, qty, price, tag, data) VALUES (?, ?, ?, ?, ?)');
    const upd = db.prepare('UPDATE item SET qty = ?, tag = ? WHERE id = ?');
    const del = db.prepare('DELETE FROM item WHERE id = ?');
    const kv = db.prepare('INSERT OR REPLACE INTO kv VALUES (?, ?)');
    for (let round = 0; round < 20; round++) {
      db.transaction(() => {
        for (let i = 0; i < 300; i++) {
          const r = rnd();
          const id = 1 + Math.floor(rnd() * (round + 1) * 300);
          if (r < 0.6) {
            ins.run(`n${round}-${i}`, Math.floor(rnd() * 100), rnd() * 1000, rnd() < 0.3 ? null : `T${i % 7}`, Buffer.alloc(Math.floor(rnd() * 3000), i));
          } else if (r < 0.8) upd.run(Math.floor(rnd() * 100), `t${i % 5}`, id);
          else if (r < 0.9) del.run(id);
          else kv.run(`k${Math.floor(rnd() * 500)}`, rnd() < 0.5 ? i : `v${i}`);
        }
      })();
    }
    const expected = dump(db);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();
    checkWithSqlite(f, expected);
  });

  it('a file made by SQLite opens, changes through SQL and stays valid', () => {
    const f = file();
    const s = new BS3(f);
    s.exec(SCHEMA);
    const ins = s.prepare('INSERT INTO item (name, qty, price, tag, data) VALUES (?, ?, ?, ?, ?)');
    s.transaction(() => {
      for (let i = 0; i < 5000; i++) ins.run(`s${i}`, i % 50, i / 4, i % 3 ? `x${i % 11}` : null, Buffer.alloc(i % 700, 1));
    })();
    s.close();
    const db = new Database(f);
    expect(db.prepare('SELECT count(*) AS c FROM item WHERE qty = 7').get()).toEqual({ c: 100 });
    db.exec("UPDATE item SET price = price * 2 WHERE qty < 10; DELETE FROM item WHERE id % 7 = 0; INSERT INTO kv VALUES ('a', 1), ('b', x'00ff')");
    db.exec("CREATE INDEX item_price ON item (price); ALTER TABLE item ADD COLUMN note TEXT DEFAULT 'n/a'");
    const expected = dump(db);
    db.close();
    checkWithSqlite(f, expected);
  });
});
