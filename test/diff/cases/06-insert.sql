CREATE TABLE t (id INTEGER PRIMARY KEY, a INT UNIQUE, b TEXT NOT NULL DEFAULT 'dflt', c REAL CHECK (c IS NULL OR c >= 0));
INSERT INTO t (a, b, c) VALUES (1, 'x', 1.0), (2, 'y', NULL), (3, 'z', 2.5);
INSERT INTO t (a) VALUES (4);
INSERT INTO t DEFAULT VALUES;
INSERT INTO t VALUES (100, 5, 'explicit', 0);
INSERT INTO t (id, a) VALUES (NULL, 6);
SELECT * FROM t ORDER BY id;
INSERT INTO t (a, b) SELECT a + 10, b || '2' FROM t WHERE a <= 3 ORDER BY a;
SELECT * FROM t ORDER BY id;
-- error
INSERT INTO t (a) VALUES (1);
-- error
INSERT INTO t (a, c) VALUES (50, -1);
-- error
INSERT INTO t (a, b) VALUES (51, NULL);
-- error
INSERT INTO t (a, b) VALUES (1, 2, 3);
-- error
INSERT INTO t (nope) VALUES (1);
-- error
INSERT INTO t VALUES (1);
-- error
INSERT INTO t (id) VALUES ('abc');
INSERT INTO t (id, a) VALUES ('200', 200);
SELECT id, typeof(id) FROM t WHERE a = 200;
-- conflict clauses
INSERT OR IGNORE INTO t (a, b) VALUES (1, 'ignored'), (60, 'kept');
SELECT changes();
INSERT OR REPLACE INTO t (a, b) VALUES (2, 'replaced');
SELECT * FROM t WHERE a = 2;
REPLACE INTO t (id, a, b) VALUES (100, 5, 'replaced100');
SELECT * FROM t WHERE id = 100;
-- error
INSERT OR ABORT INTO t (a) VALUES (3);
-- error
INSERT OR FAIL INTO t (a) VALUES (70), (3), (71);
SELECT a FROM t WHERE a IN (70, 71) ORDER BY a;
-- error
INSERT OR ROLLBACK INTO t (a) VALUES (3);
INSERT OR REPLACE INTO t (a, b) VALUES (80, NULL);
SELECT a, b FROM t WHERE a = 80;
INSERT OR IGNORE INTO t (a, c) VALUES (81, -5);
SELECT count(*) FROM t WHERE a = 81;
-- multi-row with expressions and subqueries
INSERT INTO t (a, b, c) VALUES (90, upper('q'), 1 + 1), ((SELECT max(a) FROM t) + 1, 'sub', NULL);
SELECT a, b, c FROM t WHERE a >= 90 ORDER BY a;
-- INSERT from VALUES in a subquery and a CTE
INSERT INTO t (a, b) WITH src(x) AS (VALUES (300), (301)) SELECT x, 'cte' FROM src;
INSERT INTO t (a, b) SELECT column1, column2 FROM (VALUES (400, 'v1'), (401, 'v2'));
SELECT a, b FROM t WHERE a >= 300 ORDER BY a;
SELECT last_insert_rowid();
CREATE TABLE big (i INTEGER PRIMARY KEY, v);
INSERT INTO big VALUES (9223372036854775807, 'max');
CREATE TABLE bigai (i INTEGER PRIMARY KEY AUTOINCREMENT, v);
INSERT INTO bigai VALUES (9223372036854775807, 'max');
-- error
INSERT INTO bigai (v) VALUES ('next');
INSERT INTO big VALUES (-9223372036854775808, 'min');
SELECT i, v FROM big ORDER BY i;
