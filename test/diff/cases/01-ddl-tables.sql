-- CREATE/DROP TABLE with every column and table constraint.
CREATE TABLE t1 (id INTEGER PRIMARY KEY, name TEXT NOT NULL, score REAL DEFAULT 0.5, tag TEXT COLLATE NOCASE UNIQUE, n INT CHECK (n >= 0));
INSERT INTO t1 (name, tag, n) VALUES ('a', 'X', 1), ('b', 'y', 2);
SELECT id, name, score, tag, n, typeof(score) FROM t1 ORDER BY id;
-- error
INSERT INTO t1 (name, tag) VALUES ('c', 'x');
-- error
INSERT INTO t1 (name, n) VALUES ('c', -1);
-- error
INSERT INTO t1 (tag) VALUES ('zz');
CREATE TABLE t2 (a INTEGER PRIMARY KEY AUTOINCREMENT, b TEXT);
INSERT INTO t2 (b) VALUES ('x'), ('y');
DELETE FROM t2 WHERE a = 2;
INSERT INTO t2 (b) VALUES ('z');
SELECT a, b FROM t2 ORDER BY a;
SELECT name, seq FROM sqlite_sequence;
CREATE TABLE t3 (a, b, c, PRIMARY KEY (a, b), UNIQUE (b, c), CHECK (a <> b));
INSERT INTO t3 VALUES (1, 2, 3), (2, 1, 3);
-- error
INSERT INTO t3 VALUES (1, 2, 4);
-- error
INSERT INTO t3 VALUES (5, 5, 5);
-- error
INSERT INTO t3 VALUES (7, 2, 3);
INSERT INTO t3 VALUES (NULL, 9, 9), (NULL, 9, 10);
SELECT a, b, c FROM t3;
-- DEFAULT with expressions and constants
CREATE TABLE t4 (a INT DEFAULT (1 + 2), b TEXT DEFAULT 'x''y', c DEFAULT -5, d DEFAULT (upper('q')), e BLOB DEFAULT x'00', f DEFAULT NULL, g DEFAULT TRUE, h DEFAULT 1.5e3);
INSERT INTO t4 DEFAULT VALUES;
SELECT a, b, c, d, e, f, g, h, typeof(h) FROM t4;
-- generated columns
CREATE TABLE t5 (a INT, b INT, s INT GENERATED ALWAYS AS (a + b) STORED, v TEXT AS (a || '-' || b) VIRTUAL);
INSERT INTO t5 (a, b) VALUES (1, 2), (10, NULL);
SELECT a, b, s, v FROM t5;
UPDATE t5 SET a = 100 WHERE b = 2;
SELECT a, b, s, v FROM t5;
-- error
INSERT INTO t5 (a, b, s) VALUES (1, 1, 1);
-- WITHOUT ROWID and STRICT
CREATE TABLE t6 (k TEXT PRIMARY KEY, v INT) WITHOUT ROWID;
INSERT INTO t6 VALUES ('b', 2), ('a', 1);
SELECT * FROM t6;
-- error
INSERT INTO t6 VALUES (NULL, 3);
-- error
CREATE TABLE t7 (a INT) WITHOUT ROWID;
CREATE TABLE t8 (i INTEGER, r REAL, t TEXT, b BLOB, x ANY) STRICT;
INSERT INTO t8 VALUES (1, 2, 'x', x'01', 'any'), ('5', 3, 4, NULL, 1.5);
SELECT i, typeof(i), r, typeof(r), t, typeof(t), b, x, typeof(x) FROM t8;
-- error
INSERT INTO t8 (i) VALUES ('abc');
-- error
INSERT INTO t8 (r) VALUES (x'00');
-- error
CREATE TABLE t9 (a VARCHAR(10)) STRICT;
CREATE TABLE t10 (a INT PRIMARY KEY, b TEXT) STRICT, WITHOUT ROWID;
INSERT INTO t10 VALUES (1, 'one');
SELECT * FROM t10;
-- CREATE TABLE AS SELECT and TEMP
CREATE TABLE t11 AS SELECT id, name || '!' AS nm, score * 2 AS s2, 1 AS one FROM t1;
SELECT * FROM t11;
CREATE TEMP TABLE tt (x INTEGER PRIMARY KEY, y);
INSERT INTO tt VALUES (1, 'temp');
SELECT * FROM temp.tt;
SELECT * FROM tt;
CREATE TABLE IF NOT EXISTS t1 (z);
-- error
CREATE TABLE t1 (z);
-- error
CREATE TABLE bad (a, a);
-- error
CREATE TABLE bad2 (a INTEGER PRIMARY KEY, b PRIMARY KEY);
DROP TABLE t11;
DROP TABLE IF EXISTS t11;
-- error
DROP TABLE t11;
-- error
SELECT * FROM t11;
-- error
CREATE TABLE sqlite_x (a);
CREATE TABLE "quoted name" ("col one" INT, [col two] TEXT, `col three`);
INSERT INTO "quoted name" VALUES (1, 'two', 3);
SELECT "col one", [col two], `col three` FROM "quoted name";
