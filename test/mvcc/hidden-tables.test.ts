/**
 * The internal tables of time travel (`_helios_*`) never show in what SQLite shows an
 * application about its schema: sqlite_master, PRAGMA table_list (also its order, which
 * depends on the set of names) and pragma_table_list(). Compared with real SQLite running the
 * same application statements.
 */
import BS3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { Database } from '../../engine/api/index.js';

interface Db {
  exec(sql: string): unknown;
  pragma(sql: string): unknown;
  prepare(sql: string): { raw(on?: boolean): { all(...a: unknown[]): unknown[] } };
  close(): unknown;
}

const APP = 'CREATE TABLE a(x); CREATE TABLE b(y INT) STRICT; CREATE VIEW v AS SELECT 1; INSERT INTO a VALUES (1); UPDATE a SET x = 2; CREATE TABLE zz(q); DELETE FROM a';

function schemaView(db: Db): unknown[] {
  db.exec(APP);
  const out = [
    db.prepare('PRAGMA table_list').raw(true).all(),
    db.prepare("SELECT * FROM pragma_table_list WHERE schema = 'main' ORDER BY name").raw(true).all(),
    db.prepare('SELECT type, name, tbl_name FROM sqlite_master ORDER BY name').raw(true).all(),
  ];
  db.close();
  return out;
}

describe('internal tables', () => {
  it('are hidden from the schema an application sees, with history kept', () => {
    const ours = new Database(':memory:') as unknown as Db;
    ours.pragma('helios_retention = 3600');
    const mine = schemaView(ours);
    expect(mine).toEqual(schemaView(new BS3(':memory:') as unknown as Db));
  });
});
