-- DML/DDL divergences found by the differential generator (seeds 1, 20240601, 3735928559, 7)
-- RETURNING of INSERT/UPDATE: an integral REAL column value passed through without REAL affinity
-- (unary +, COLLATE over +, CASE, coalesce...) is the register's MEM_IntReal, an INTEGER
CREATE TABLE r1 (c0, c1 DOUBLE, c2 REAL, c3 FLOAT, c4 BIGINT);
INSERT INTO r1 VALUES (1, 2, 3.0, '4', 5) RETURNING +c1, +c2, +c3, +c4, c1, (+c1) COLLATE NOCASE, c1 COLLATE NOCASE, coalesce(c1, 0), CASE WHEN c0 THEN c1 END, iif(c0, c1, 0), min(c1, 5), nullif(c1, 3), likely(c1), (SELECT c1), c1 + 0, -c1, typeof(+c1), CASE WHEN 0 THEN c1 ELSE 2.0 END;
INSERT INTO r1 VALUES (2, 140737488355327, 140737488355328, 1e15, 7) RETURNING +c1, +c2, +c3;
INSERT INTO r1 VALUES (3, -140737488355328, -140737488355329, 9007199254740993, 8) RETURNING +c1, +c2, +c3;
INSERT INTO r1 VALUES (4, 2.5, 1e300, NULL, -0.0) RETURNING +c1, +c2, +c3, +c4;
INSERT INTO r1 VALUES (5, -0.0, 0, '-0', 0) RETURNING +c1, +c2, +c3;
UPDATE r1 SET c0 = c0 + 10 RETURNING c0, +c1, +c2, +c3;
DELETE FROM r1 WHERE c0 = 15 RETURNING +c1, +c2;
CREATE TABLE r2 (id INTEGER PRIMARY KEY, c1 DOUBLE, c2 REAL AS (c1 * 2), c3 REAL AS (c1) STORED);
INSERT INTO r2 (id, c1) VALUES (1, 2) RETURNING +c1, +c2, +c3;
INSERT INTO r2 (id, c1) VALUES (1, 3) ON CONFLICT (id) DO UPDATE SET c1 = 7 RETURNING +c1, +c2;
INSERT OR REPLACE INTO r2 (id, c1) VALUES (1, 4), (2, 5) RETURNING (+ r2.c1) AS r0, id;
CREATE TABLE r3 (k TEXT PRIMARY KEY, v REAL) WITHOUT ROWID;
INSERT INTO r3 VALUES ('a', 2) RETURNING +v;
UPDATE r3 SET k = 'b' RETURNING +v, v;

-- automatic index numbering: constraints in source order, duplicates merge (a PRIMARY KEY on the
-- columns of an earlier UNIQUE makes that index the primary key), WITHOUT ROWID INTEGER PRIMARY KEY last
CREATE TABLE a1 (c0 NUMERIC UNIQUE, c1 BIGINT, c3 UNIQUE, PRIMARY KEY (c0)) WITHOUT ROWID;
CREATE TABLE a2 (c0 UNIQUE, c1 PRIMARY KEY, c2, UNIQUE (c1), UNIQUE (c2, c0));
CREATE TABLE a3 (id INTEGER PRIMARY KEY, a UNIQUE, b UNIQUE, UNIQUE (id)) WITHOUT ROWID;
CREATE TABLE a4 (id INTEGER PRIMARY KEY DESC, a UNIQUE);
CREATE TABLE a5 (a UNIQUE ON CONFLICT IGNORE, b, PRIMARY KEY (a));
CREATE TABLE a6 (a UNIQUE, b UNIQUE, PRIMARY KEY (b, a), UNIQUE (a COLLATE NOCASE));
-- error
CREATE TABLE a7 (a UNIQUE ON CONFLICT IGNORE, PRIMARY KEY (a) ON CONFLICT REPLACE);
SELECT type, name, tbl_name, sql FROM sqlite_schema WHERE name LIKE 'sqlite_autoindex_a%' ORDER BY name;
SELECT name, "unique", origin, partial FROM pragma_index_list('a1') ORDER BY name;
SELECT name, "unique", origin, partial FROM pragma_index_list('a2') ORDER BY name;
SELECT name, "unique", origin, partial FROM pragma_index_list('a3') ORDER BY name;
SELECT name, "unique", origin, partial FROM pragma_index_list('a5') ORDER BY name;
INSERT INTO a1 VALUES (1, 2, 3), (2, 2, 4);
-- error
INSERT INTO a1 VALUES (1, 5, 6);
INSERT INTO a5 VALUES (1, 1), (1, 2);
SELECT * FROM a5;

-- ALTER TABLE ADD COLUMN is a reader only when sqlite3AlterFinishAddColumn re-checks the table
CREATE TABLE b1 (a CHECK (a > 0), CHECK (a < 100));
INSERT INTO b1 VALUES (5);
ALTER TABLE b1 ADD COLUMN b NUMERIC DEFAULT -0.0;
ALTER TABLE b1 ADD COLUMN c CHECK (c IS NULL OR c > 0);
ALTER TABLE b1 ADD COLUMN d AS (a + 1) NOT NULL;
ALTER TABLE b1 ADD COLUMN e AS (a + 1);
SELECT * FROM b1;

-- DEFAULT -9223372036854775808 is the INTEGER -2^63
CREATE TABLE d1 (c0, c1 DEFAULT -9223372036854775808, c2 DEFAULT (-9223372036854775808), c3 DEFAULT - 9223372036854775808, c4 DEFAULT 9223372036854775808, c5 DEFAULT -9223372036854775809, c6 DEFAULT -9223372036854775808.0);
INSERT OR IGNORE INTO d1 (c0) VALUES (1), (2) RETURNING *;
ALTER TABLE d1 ADD COLUMN c7 DEFAULT -9223372036854775808;
SELECT c7, typeof(c7), typeof(c1), typeof(c3), typeof(c6) FROM d1;

-- an upsert whose first target is a UNIQUE index checks the rowid after that index
CREATE TABLE u1 (id INTEGER PRIMARY KEY, c3 INTEGER UNIQUE, c4);
INSERT INTO u1 VALUES (5, 2, 'x'), (7, 9, 'y');
INSERT INTO u1 (id, c3, c4) VALUES (NULL, 18, 'a'), (7, 2, 'b') ON CONFLICT (c3) DO UPDATE SET c4 = excluded.c4 RETURNING id, c3, c4;
-- error
INSERT INTO u1 (id, c3, c4) VALUES (7, 3, 'c') ON CONFLICT (c3) DO UPDATE SET c4 = excluded.c4;
INSERT INTO u1 (id, c3, c4) VALUES (7, 9, 'd') ON CONFLICT (c3) DO NOTHING ON CONFLICT (id) DO UPDATE SET c4 = 'ipk';
INSERT INTO u1 (id, c3, c4) VALUES (7, 4, 'e') ON CONFLICT (c3) DO NOTHING ON CONFLICT (id) DO UPDATE SET c4 = 'ipk2';
SELECT * FROM u1;
-- INTEGER PRIMARY KEY ON CONFLICT REPLACE is checked after the UNIQUE indexes
CREATE TABLE u2 (id INTEGER PRIMARY KEY ON CONFLICT REPLACE, c UNIQUE);
INSERT INTO u2 VALUES (1, 'a'), (2, 'b');
-- error
INSERT INTO u2 VALUES (1, 'b');
-- error
INSERT INTO u2 VALUES (1, 'a');
INSERT INTO u2 VALUES (1, 'z');
INSERT OR IGNORE INTO u2 VALUES (2, 'a');
UPDATE OR IGNORE u2 SET id = 2 WHERE c = 'a';
SELECT * FROM u2;

-- RETURNING subqueries see the table as it is after each row
CREATE TABLE s1 (a INTEGER PRIMARY KEY, b);
INSERT INTO s1 VALUES (1, 1), (2, 2), (3, 3) RETURNING a, (SELECT count(*) FROM s1), (SELECT sum(b) FROM s1 WHERE a <= 2), EXISTS (SELECT 1 FROM s1 WHERE a = 3), 2 IN (SELECT a FROM s1);
UPDATE s1 SET b = b * 10 RETURNING a, (SELECT sum(b) FROM s1);
DELETE FROM s1 WHERE a < 3 RETURNING a, (SELECT count(*) FROM s1), (SELECT sum(b) FROM s1), (SELECT count(*) FROM s1 AS x WHERE x.a <= s1.a);
INSERT OR REPLACE INTO s1 VALUES (3, 9), (4, 1) RETURNING a, (SELECT sum(b) FROM s1), (SELECT count(*) FROM s1);
INSERT OR IGNORE INTO s1 VALUES (4, 0), (5, 5) RETURNING (SELECT total(11) FROM s1) AS r0, a;
CREATE TABLE s2 (x);
INSERT INTO s2 SELECT a FROM s1 ORDER BY a RETURNING x, (SELECT count(*) FROM s2);
CREATE TABLE s3 (m);
CREATE TRIGGER s1_ai AFTER INSERT ON s1 BEGIN INSERT INTO s3 VALUES (new.a); END;
CREATE TRIGGER s1_ad AFTER DELETE ON s1 BEGIN INSERT INTO s3 VALUES (old.a); END;
INSERT INTO s1 VALUES (10, 1), (11, 2) RETURNING a, (SELECT count(*) FROM s3);
DELETE FROM s1 WHERE a >= 10 RETURNING a, (SELECT count(*) FROM s3), (SELECT count(*) FROM s1);

-- NOT NULL on generated columns (VIRTUAL ones are computed for the check)
CREATE TABLE g1 (a, b AS (a) NOT NULL, c AS (a * 2) STORED NOT NULL);
INSERT INTO g1 (a) VALUES (1);
-- error
INSERT INTO g1 (a) VALUES (NULL);
INSERT OR IGNORE INTO g1 (a) VALUES (NULL), (2);
-- error
UPDATE g1 SET a = NULL;
SELECT * FROM g1;

-- without a statement journal (no constraint that can abort, no function call), an error keeps
-- the rows written before it inside a transaction
CREATE TABLE j1 (id INTEGER PRIMARY KEY, c0 FLOAT, c3 DATE);
CREATE TABLE j2 (id INTEGER PRIMARY KEY, b UNIQUE);
CREATE TABLE j3 (a INT, b TEXT) STRICT;
INSERT INTO j1 VALUES (1, -5, 26), (2, NULL, 3), (3, 4, 1);
INSERT INTO j2 VALUES (1, 1), (2, 2), (3, 3);
BEGIN;
-- error
UPDATE OR REPLACE j1 SET c3 = c3 >> c0, id = id % c0;
SELECT * FROM j1;
-- error
UPDATE j1 SET c3 = c3 + 1, id = CASE WHEN id = 2 THEN 'x' ELSE id + 10 END;
SELECT * FROM j1;
-- error
INSERT OR REPLACE INTO j1 (id, c0) VALUES (200, 1), ('x', 2);
-- error
INSERT INTO j1 (id, c0) VALUES (300, 1), ('x', 2);
SELECT * FROM j1;
-- error
UPDATE OR REPLACE j2 SET b = CASE WHEN id = 2 THEN abs(-9223372036854775808) ELSE b + 100 END;
-- error
UPDATE OR REPLACE j2 SET id = CASE WHEN id = 2 THEN 'x' ELSE id + 100 END;
SELECT * FROM j2;
-- error
INSERT INTO j3 VALUES (1, 'a'), ('x', 'b');
-- error
INSERT INTO j3 VALUES (2, 'a'), (upper('x'), 'b');
SELECT * FROM j3;
COMMIT;
-- error
INSERT OR REPLACE INTO j1 (id, c0) VALUES (400, 1), ('x', 2);
SELECT * FROM j1;

-- AUTOINCREMENT: a new rowid is allocated before the constraint checks, so a conflicting row
-- (DO NOTHING, OR IGNORE, DO UPDATE, REPLACE) still uses up a sequence number
CREATE TABLE ai (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT UNIQUE);
INSERT INTO ai (name) VALUES ('a');
INSERT INTO ai (name) VALUES ('a') ON CONFLICT (name) DO NOTHING;
INSERT OR IGNORE INTO ai (name) VALUES ('a');
INSERT INTO ai (name) VALUES ('z') RETURNING id;
INSERT INTO ai (name) VALUES ('a') ON CONFLICT (name) DO UPDATE SET name = 'b';
REPLACE INTO ai (name) VALUES ('z');
INSERT OR IGNORE INTO ai (id, name) VALUES (40, 'z');
SELECT * FROM sqlite_sequence;
-- a failed statement writes no sequence; OR FAIL keeps its rows but not the sequence
-- error
INSERT INTO ai (name) VALUES ('c'), ('z');
BEGIN;
-- error
INSERT OR FAIL INTO ai (name) VALUES ('d'), ('z');
SELECT * FROM sqlite_sequence;
DELETE FROM ai WHERE name = 'd';
INSERT INTO ai (name) VALUES ('e') RETURNING id;
COMMIT;
-- UPDATE never touches sqlite_sequence
UPDATE ai SET id = 1000 WHERE name = 'e';
SELECT * FROM sqlite_sequence;
-- the register is per statement, shared with the trigger programs; tables a statement's
-- programs may insert into get a sqlite_sequence row even when nothing was inserted
CREATE TABLE ai_log (id INTEGER PRIMARY KEY AUTOINCREMENT, x);
CREATE TABLE ai_src (x);
CREATE TRIGGER ai_src_ins AFTER UPDATE ON ai_src BEGIN INSERT INTO ai_log (x) VALUES (new.x); INSERT OR IGNORE INTO ai (name) VALUES (new.x); END;
UPDATE ai_src SET x = 1;
SELECT * FROM sqlite_sequence;
INSERT INTO ai_src VALUES ('a'), ('q');
UPDATE ai_src SET x = x || '';
SELECT * FROM sqlite_sequence;
SELECT * FROM ai_log;
-- triggers fire newest first
CREATE TABLE tr_order (x);
CREATE TRIGGER tr_order_1 AFTER INSERT ON tr_order BEGIN INSERT INTO ai_log (x) VALUES ('t1'); END;
CREATE TRIGGER tr_order_2 AFTER INSERT ON tr_order BEGIN INSERT INTO ai_log (x) VALUES ('t2'); END;
CREATE TRIGGER tr_order_0 BEFORE INSERT ON tr_order BEGIN INSERT INTO ai_log (x) VALUES ('b0'); END;
CREATE TRIGGER tr_order_3 BEFORE INSERT ON tr_order BEGIN INSERT INTO ai_log (x) VALUES ('b3'); END;
INSERT INTO tr_order VALUES (1);
SELECT * FROM ai_log;
-- error
CREATE TRIGGER tr_qual AFTER INSERT ON tr_order BEGIN DELETE FROM main.ai_log; END;

-- CHECK failure names: the constraint name, else the expression text through sqlite3Dequote
-- (a text starting with a quote keeps only that first quoted token's content)
CREATE TABLE ck1 (a INTEGER CHECK (`a` > 0), b INTEGER CHECK ("b" > 0), c INTEGER CHECK ([c] > 0), d INTEGER CHECK (d > 0), e TEXT CHECK ('it''s' <> e), f INTEGER CONSTRAINT "f pos" CHECK (f > 0));
-- error
INSERT INTO ck1 VALUES (-1, 1, 1, 1, 'x', 1);
-- error
INSERT INTO ck1 VALUES (1, -1, 1, 1, 'x', 1);
-- error
INSERT INTO ck1 VALUES (1, 1, -1, 1, 'x', 1);
-- error
INSERT INTO ck1 VALUES (1, 1, 1, -1, 'x', 1);
-- error
INSERT INTO ck1 VALUES (1, 1, 1, 1, 'it''s', 1);
-- error
INSERT INTO ck1 VALUES (1, 1, 1, 1, 'x', -1);
CREATE TABLE ck2 (a INTEGER, CHECK ("a" > 0 AND a < 10));
-- error
INSERT INTO ck2 VALUES (20);

-- UPDATE paths: one pass by rowid (probes visited once), collected rows otherwise, and a
-- statement that a recursive trigger runs again while it is still updating
CREATE TABLE up (id INTEGER PRIMARY KEY, a INT, b TEXT);
INSERT INTO up VALUES (1, 1, 'x'), (2, 2, 'x'), (3, 3, 'y'), (4, 4, 'y');
UPDATE up SET a = a + 1 WHERE id IN (3, 1, 2, 3) RETURNING *;
UPDATE up SET a = a * 10 WHERE id = 2 AND b = 'x' RETURNING id, a;
UPDATE up SET a = (SELECT max(a) FROM up) + a WHERE id IN (1, 4) RETURNING *;
UPDATE up SET a = a + 100 WHERE id IN (1, 2, 3) AND a < (SELECT avg(a) FROM up) RETURNING *;
UPDATE up SET id = id + 10 WHERE id IN (1, 2) RETURNING *;
PRAGMA recursive_triggers = ON;
CREATE TABLE up_log (x);
CREATE TRIGGER up_again AFTER UPDATE ON up WHEN new.a < 500 BEGIN INSERT INTO up_log VALUES (new.id || ':' || new.a); UPDATE up SET a = a + 200 WHERE b = new.b AND a < 500; END;
UPDATE up SET a = a + 1 WHERE b = 'y';
SELECT * FROM up;
SELECT * FROM up_log;
PRAGMA recursive_triggers = OFF;
-- STRICT: the type named in the error is the value's after the column's affinity
CREATE TABLE st (id INTEGER PRIMARY KEY, c0 TEXT UNIQUE, c1 INT) STRICT;
INSERT INTO st VALUES (49, 'null', -1);
-- error
INSERT INTO st (id, c0, c1) VALUES (41, 'a', 6), (17, 'null', 21) ON CONFLICT (c0) DO UPDATE SET c1 = '9223372036854775808';
-- error
INSERT INTO st (id, c0, c1) VALUES (17, 'x', '1.5');
-- error
UPDATE st SET c1 = 'abc';
INSERT INTO st (id, c0, c1) VALUES (17, 'x', '1e3');
SELECT * FROM st ORDER BY id;
-- UPDATE OR REPLACE on a WITHOUT ROWID table skips rows an earlier REPLACE deleted
CREATE TABLE wr (c0 TEXT UNIQUE, c1 ANY NOT NULL DEFAULT 7, PRIMARY KEY (c0, c1)) WITHOUT ROWID, STRICT;
INSERT INTO wr VALUES ('abc', 9223372036854775807), ('B', 8), ('Abc', 'É');
UPDATE OR REPLACE wr SET c0 = 'abc', c1 = 1.0 WHERE 'Abc' <> 'É';
SELECT changes();
SELECT c0, c1, typeof(c1) FROM wr;
-- statement journal with upserts: a STRICT type error in the middle of a multi-row INSERT keeps
-- the rows before it (inside a transaction) unless SQLite coded a check that may abort
CREATE TABLE su (id INTEGER PRIMARY KEY, c0 TEXT UNIQUE, c1 INT, c2 INT UNIQUE, c3 INT) STRICT;
CREATE TABLE sn (id INTEGER PRIMARY KEY, c0 TEXT UNIQUE, c1 INT, c3 INT NOT NULL DEFAULT 0) STRICT;
INSERT INTO su VALUES (1, 'k', 1, 1, 0);
INSERT INTO sn VALUES (1, 'k', 1, 0);
BEGIN;
-- error
INSERT INTO su (id, c0, c1, c2) VALUES (41, 'a', 6, 7), (17, 'k', 21, 8) ON CONFLICT (c0) DO UPDATE SET c1 = '1.5' ON CONFLICT DO NOTHING;
SELECT id, c0, c1 FROM su ORDER BY id;
-- error
INSERT INTO su (id, c0, c1, c2) VALUES (42, 'b', 6, 9), (18, 'k', 21, 10) ON CONFLICT (c0) DO UPDATE SET c1 = '1.5';
SELECT id, c0, c1 FROM su ORDER BY id;
-- error
INSERT INTO su (id, c0, c1, c2) VALUES (43, 'c', 6, 11), (19, 'k', 21, 12) ON CONFLICT DO UPDATE SET c1 = '1.5', c2 = 1;
SELECT id, c0, c1 FROM su ORDER BY id;
-- error
INSERT INTO su (id, c0, c1, c2) VALUES (44, 'd', 6, 13), (20, 'e', 'x', 14) ON CONFLICT DO NOTHING;
SELECT id, c0, c1 FROM su ORDER BY id;
-- error
INSERT INTO sn (id, c0, c1) VALUES (45, 'f', 6), (21, 'k', 21) ON CONFLICT DO UPDATE SET c1 = '1.5', c3 = 1;
SELECT id, c0, c1 FROM sn ORDER BY id;
-- error
INSERT INTO sn (id, c0, c1) VALUES (46, 'g', 6), (22, 'k', 21) ON CONFLICT DO UPDATE SET c1 = '1.5';
SELECT id, c0, c1 FROM sn ORDER BY id;
COMMIT;
-- RETURNING: an integral value of a REAL column is still the integer the record keeps
-- (MEM_IntReal) for CAST(... AS NUMERIC), which makes it an INTEGER
CREATE TABLE rr (c0 REAL, c1, c3 REAL);
INSERT INTO rr VALUES (-4, 13, 2) RETURNING CAST(rr.c0 AS NUMERIC) AS r0, c0, CAST(c3 AS DECIMAL), CAST(c0 AS REAL), CAST(c0 AS TEXT), CAST(+c0 AS NUMERIC), CAST(c0 + 0 AS NUMERIC);
INSERT OR REPLACE INTO rr (c0, c1, c3) VALUES (28, 13, 2.5) RETURNING CAST(rr.c0 AS NUMERIC) AS r0, c0, CAST(c3 AS NUMERIC);
UPDATE rr SET c0 = 7 RETURNING CAST(c0 AS NUMERIC), CAST(c3 AS NUMERIC);
DELETE FROM rr RETURNING CAST(c0 AS NUMERIC);
