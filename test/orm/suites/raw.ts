/** The raw better-sqlite3 API surface: the same scenarios without an ORM. */
import type BS3 from 'better-sqlite3';
import { expect } from 'vitest';
import { attempt, attemptSync, type Engine } from '../support/env.js';
import { surface } from '../support/scenario.js';

type Db = BS3.Database;

const USERS = `CREATE TABLE users (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, email TEXT UNIQUE,
  age INTEGER CHECK (age >= 0), meta TEXT, created_at TEXT DEFAULT CURRENT_TIMESTAMP)`;
const POSTS = `CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE, title TEXT NOT NULL)`;

export const rawSurface = surface<Db>({
  name: 'raw API',
  async open(engine: Engine) {
    return new engine.Database(':memory:');
  },
  async close(db) {
    db.close();
  },
  scenarios: {
    async crud(db) {
      db.exec(USERS);
      const ins = db.prepare('INSERT INTO users (name, email, age) VALUES (?, ?, ?)');
      const runs = [ins.run('ada', 'ada@x', 36), ins.run('bob', 'bob@x', 41), ins.run('cy', null, null)];
      const upd = db.prepare('UPDATE users SET age = age + 1 WHERE age IS NOT NULL').run();
      const del = db.prepare('DELETE FROM users WHERE name = ?').run('bob');
      const rows = db.prepare('SELECT id, name, email, age FROM users ORDER BY id').all();
      const one = db.prepare('SELECT name FROM users WHERE id = ?').get(1);
      const none = db.prepare('SELECT name FROM users WHERE id = ?').get(99);
      expect(rows).toHaveLength(2);
      return { runs, upd, del, rows, one, none };
    },
    async 'multi-row insert ids'(db) {
      db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)');
      const a = db.prepare('INSERT INTO t (v) VALUES (?), (?), (?)').run('a', 'b', 'c');
      const b = db.prepare('INSERT INTO t (v) SELECT v || v FROM t ORDER BY id').run();
      const ids = db.prepare('SELECT id FROM t ORDER BY id').pluck().all();
      expect(ids).toEqual([1, 2, 3, 4, 5, 6]);
      return { a, b, ids };
    },
    async upsert(db) {
      db.exec('CREATE TABLE kv (k TEXT PRIMARY KEY, v INTEGER, n INTEGER DEFAULT 0)');
      const up = db.prepare(
        'INSERT INTO kv (k, v) VALUES (?, ?) ON CONFLICT (k) DO UPDATE SET v = excluded.v, n = n + 1 WHERE excluded.v > kv.v',
      );
      const results = [up.run('a', 1), up.run('a', 5), up.run('a', 2), up.run('b', 7)];
      const nothing = db.prepare('INSERT INTO kv (k, v) VALUES (?, ?) ON CONFLICT DO NOTHING').run('b', 100);
      return { results, nothing, rows: db.prepare('SELECT * FROM kv ORDER BY k').all() };
    },
    async returning(db) {
      db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT, n INTEGER DEFAULT 7)');
      const ins = db.prepare('INSERT INTO t (v) VALUES (?), (?) RETURNING id, v, n').all('x', 'y');
      const upd = db.prepare("UPDATE t SET v = v || '!' WHERE id = ? RETURNING *").get(2);
      const del = db.prepare('DELETE FROM t RETURNING id').all();
      const runOnReturning = db.prepare('INSERT INTO t (v) VALUES (?) RETURNING id').run('z');
      return { ins, upd, del, runOnReturning, reader: db.prepare('INSERT INTO t (v) VALUES (1) RETURNING id').reader };
    },
    async transactions(db) {
      db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)');
      const add = db.prepare('INSERT INTO t (v) VALUES (?)');
      const ok = db.transaction((vs: string[]) => vs.map((v) => add.run(v).lastInsertRowid));
      const committed = ok(['a', 'b']);
      const failed = await attempt(() =>
        db.transaction(() => {
          add.run('c');
          throw new Error('boom');
        })(),
      );
      const imm = db.transaction(() => db.inTransaction).immediate();
      const rows = db.prepare('SELECT v FROM t ORDER BY id').pluck().all();
      expect(rows).toEqual(['a', 'b']);
      return { committed, failed, imm, rows, inTx: db.inTransaction };
    },
    async 'nested transactions'(db) {
      db.exec('CREATE TABLE t (v TEXT)');
      const add = db.prepare('INSERT INTO t VALUES (?)');
      const outer = db.transaction(() => {
        add.run('outer');
        const inner = attemptSync(() =>
          db.transaction(() => {
            add.run('inner');
            throw new Error('inner fails');
          })(),
        );
        db.transaction(() => add.run('inner2'))();
        return inner;
      });
      const innerResult = outer();
      db.exec('BEGIN; SAVEPOINT a; INSERT INTO t VALUES (1); SAVEPOINT b; INSERT INTO t VALUES (2); ROLLBACK TO b; RELEASE a; COMMIT');
      const rows = db.prepare('SELECT v FROM t').pluck().all();
      expect(rows).toEqual(['outer', 'inner2', '1']);
      return { innerResult, rows };
    },
    async relations(db) {
      db.exec(`${USERS}; ${POSTS}`);
      db.exec("INSERT INTO users (name) VALUES ('ada'), ('bob'); INSERT INTO posts VALUES (1, 1, 'p1'), (2, 1, 'p2'), (3, 2, 'p3')");
      const joined = db.prepare('SELECT u.name, p.title FROM users u JOIN posts p ON p.user_id = u.id ORDER BY p.id').all();
      const nested = db
        .prepare(
          `SELECT u.name, (SELECT coalesce(json_group_array(json_object('id', p.id, 'title', p.title)), '[]') FROM
           (SELECT * FROM posts WHERE user_id = u.id ORDER BY id) p) AS posts,
           (SELECT json_object('id', p.id, 'title', p.title) FROM posts p WHERE p.user_id = u.id ORDER BY p.id LIMIT 1) AS first
           FROM users u ORDER BY u.id`,
        )
        .all();
      db.prepare('DELETE FROM users WHERE id = 1').run();
      return { joined, nested, left: db.prepare('SELECT * FROM posts').all() };
    },
    async json(db) {
      db.exec('CREATE TABLE j (id INTEGER PRIMARY KEY, doc TEXT)');
      db.prepare('INSERT INTO j (doc) VALUES (?)').run(JSON.stringify({ a: { b: [1, 2, { c: 'x' }] }, t: true, n: null }));
      return db
        .prepare(
          `SELECT doc ->> '$.a.b[2].c' AS c, doc -> '$.a.b' AS arr, doc ->> '$.a.b[#-1]' AS last, json_extract(doc, '$.t') AS t,
           json_type(doc, '$.n') AS nt, json_set(doc, '$.a.z', 5) ->> 'a' AS set_a, json_array_length(doc, '$.a.b') AS len FROM j`,
        )
        .get();
    },
    async bigint(db) {
      db.exec('CREATE TABLE b (id INTEGER PRIMARY KEY, v INTEGER)');
      const big = 2n ** 53n + 1n;
      const r = db.prepare('INSERT INTO b (v) VALUES (?), (?), (?)').run(big, 1n, 2 ** 31);
      const lossy = db.prepare('SELECT v FROM b ORDER BY id').pluck().all();
      const safe = db.prepare('SELECT v FROM b ORDER BY id').pluck().safeIntegers().all();
      db.defaultSafeIntegers(true);
      const dflt = db.prepare('SELECT id, v, typeof(v) AS t FROM b WHERE v = ?').get(big);
      const rid = db.prepare('INSERT INTO b (id, v) VALUES (?, 0)').run(2n ** 62n);
      const tooBig = await attempt(() => db.prepare('SELECT ?').get(2n ** 63n));
      return { r, lossy, safe, dflt, rid, tooBig };
    },
    async 'dates and booleans'(db) {
      db.exec("CREATE TABLE d (id INTEGER PRIMARY KEY, at DATETIME, flag BOOLEAN DEFAULT false, day TEXT DEFAULT (date('2024-02-29', '+1 year')))");
      db.prepare('INSERT INTO d (at, flag) VALUES (?, ?)').run(Date.UTC(2024, 0, 2, 3, 4, 5), 1);
      db.prepare('INSERT INTO d (at) VALUES (?)').run('2024-01-02 03:04:05');
      const rejected = [await attempt(() => db.prepare('SELECT ?').get(new Date(0))), await attempt(() => db.prepare('SELECT ?').get(true))];
      const rows = db.prepare("SELECT at, flag, day, typeof(at) AS t, datetime(at / 1000, 'unixepoch') AS iso, flag IS TRUE AS truth FROM d").all();
      return { rows, rejected };
    },
    async introspection(db) {
      db.exec(`${USERS}; ${POSTS}; CREATE INDEX posts_user ON posts (user_id); CREATE VIEW v AS SELECT name FROM users`);
      return {
        master: db.prepare('SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name').all(),
        info: db.pragma('table_info(users)'),
        xinfo: db.prepare("SELECT * FROM pragma_table_xinfo('posts')").all(),
        fks: db.pragma('foreign_key_list(posts)'),
        idx: db.pragma('index_list(users)'),
        fkOn: db.pragma('foreign_keys', { simple: true }),
      };
    },
    async migrations(db) {
      // The rebuild recipe (https://sqlite.org/lang_altertable.html#otheralter) with FKs off.
      db.exec(`${USERS}; ${POSTS}; INSERT INTO users (name) VALUES ('ada'); INSERT INTO posts VALUES (1, 1, 'p')`);
      db.pragma('foreign_keys = OFF');
      db.transaction(() => {
        db.exec(`CREATE TABLE users_new (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, email TEXT);
          INSERT INTO users_new (id, name, email) SELECT id, name, email FROM users; DROP TABLE users;
          ALTER TABLE users_new RENAME TO users`);
      })();
      db.pragma('foreign_keys = ON');
      const check = db.pragma('foreign_key_check');
      // Inside a transaction, foreign_keys = OFF is a no-op: dropping the parent cascades.
      db.exec('BEGIN; PRAGMA foreign_keys = OFF; DROP TABLE users; COMMIT');
      return { check, posts: db.prepare('SELECT * FROM posts').all(), fk: db.pragma('foreign_keys', { simple: true }) };
    },
    async streaming(db) {
      db.exec('CREATE TABLE s (n INTEGER)');
      const ins = db.prepare('INSERT INTO s VALUES (?)');
      db.transaction(() => {
        for (let i = 0; i < 500; i++) ins.run(i);
      })();
      const stmt = db.prepare('SELECT n FROM s WHERE n % ? = 0 ORDER BY n');
      const seen: number[] = [];
      let busy = false;
      let blocked: unknown = null;
      for (const row of stmt.iterate(7) as IterableIterator<{ n: number }>) {
        seen.push(row.n);
        busy ||= stmt.busy;
        if (blocked === null) blocked = await attempt(() => ins.run(1));
        if (seen.length === 30) break;
      }
      expect(seen).toHaveLength(30);
      return { seen, busy, blocked, after: stmt.busy, count: db.prepare('SELECT count(*) FROM s').pluck().get() };
    },
    async '32766 parameters'(db) {
      const n = 32766;
      const args = Array.from({ length: n }, (_, i) => i);
      db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY)');
      db.prepare('INSERT INTO t (id) VALUES (?), (?), (?)').run(5, 32765, 40000);
      const marks = args.map(() => '?').join(',');
      const found = db.prepare(`SELECT id FROM t WHERE id IN (${marks}) ORDER BY id`).pluck().all(args);
      expect(found).toEqual([5, 32765]);
      const over = await attempt(() => db.prepare(`SELECT id FROM t WHERE id IN (${marks}, ?)`));
      return { found, over };
    },
    async 'constraint errors'(db, engine) {
      db.exec(`${USERS}; ${POSTS}; INSERT INTO users (name, email) VALUES ('ada', 'a@x')`);
      const e = (sql: string) => attempt(() => db.prepare(sql).run());
      return {
        unique: await e("INSERT INTO users (name, email) VALUES ('b', 'a@x')"),
        pk: await e("INSERT INTO users (id, name) VALUES (1, 'b')"),
        notnull: await e('INSERT INTO users (email) VALUES (1)'),
        check: await e("INSERT INTO users (name, age) VALUES ('c', -1)"),
        fk: await e("INSERT INTO posts VALUES (1, 99, 't')"),
        noColumn: await e('INSERT INTO users (nope) VALUES (1)'),
        noTable: await e('SELECT * FROM nope'),
        dqs: await e('SELECT "x" FROM users'),
        instance: await attempt(() => {
          try {
            db.prepare("INSERT INTO users (name, email) VALUES ('b', 'a@x')").run();
          } catch (err) {
            return err instanceof engine.SqliteError && err instanceof Error;
          }
          return 'not thrown';
        }),
      };
    },
    async 'closed connection'(db) {
      const stmt = db.prepare('SELECT 1');
      db.close();
      return {
        open: db.open,
        inTx: db.inTransaction,
        prepare: await attempt(() => db.prepare('SELECT 1')),
        exec: await attempt(() => db.exec('SELECT 1')),
        stmt: await attempt(() => stmt.get()),
        pragma: await attempt(() => db.pragma('foreign_keys')),
        again: await attempt(() => db.close() === db),
      };
    },
  },
});
