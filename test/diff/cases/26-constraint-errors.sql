-- Each constraint kind: SQLite's exact message and extended code.
CREATE TABLE t (id INTEGER PRIMARY KEY, u TEXT UNIQUE, nn TEXT NOT NULL DEFAULT 'd', ck INT CHECK (ck > 0), named INT CONSTRAINT positive CHECK (named >= 0), a INT, b INT, UNIQUE (a, b));
CREATE TABLE pk (k TEXT PRIMARY KEY, v);
CREATE TABLE wr (k INT PRIMARY KEY, v) WITHOUT ROWID;
CREATE TABLE st (i INTEGER, t TEXT) STRICT;
INSERT INTO t (id, u, a, b) VALUES (1, 'x', 1, 1);
-- error
INSERT INTO t (id) VALUES (1);
-- error
INSERT INTO t (u) VALUES ('x');
-- error
INSERT INTO t (nn) VALUES (NULL);
-- error
INSERT INTO t (ck) VALUES (0);
-- error
INSERT INTO t (named) VALUES (-1);
-- error
INSERT INTO t (a, b) VALUES (1, 1);
INSERT INTO t (a, b) VALUES (1, NULL), (1, NULL);
INSERT INTO pk VALUES ('a', 1);
-- error
INSERT INTO pk VALUES ('a', 2);
INSERT INTO pk VALUES (NULL, 3), (NULL, 4);
INSERT INTO wr VALUES (1, 1);
-- error
INSERT INTO wr VALUES (1, 2);
-- error
INSERT INTO wr VALUES (NULL, 2);
-- error
INSERT INTO st VALUES ('x', 1);
-- error
INSERT INTO st VALUES (1, x'00');
-- error
INSERT INTO t (id) VALUES (1.5);
-- error
UPDATE t SET u = 'x' WHERE id <> 1;
-- error
UPDATE t SET id = 1 WHERE id = 2;
-- error
UPDATE t SET nn = NULL;
-- error
UPDATE t SET ck = -5;
CREATE TABLE trig (a);
CREATE TRIGGER trig_bi BEFORE INSERT ON trig BEGIN SELECT RAISE(ABORT, 'custom abort message'); END;
-- error
INSERT INTO trig VALUES (1);
CREATE TRIGGER trig_bu BEFORE UPDATE ON trig BEGIN SELECT RAISE(FAIL, 'fail msg'); END;
CREATE TABLE fkp (id INTEGER PRIMARY KEY);
CREATE TABLE fkc (pid INT REFERENCES fkp (id));
-- error
INSERT INTO fkc VALUES (1);
-- errors that are not constraints
-- error
SELECT * FROM nope;
-- error
SELECT nope FROM t;
-- error
SELECT t.nope FROM t;
-- error
SELECT * FROM t WHERE;
-- error
INSERT INTO t VALUES (1, 2);
-- error
CREATE TABLE t (x);
-- error
SELECT max();
-- error
SELECT count(*, 1);
-- error
SELECT * FROM t, t;
-- error
SELECT "double quoted string";
CREATE TABLE dq (a TEXT DEFAULT "dq");
INSERT INTO dq DEFAULT VALUES;
SELECT a FROM dq;
-- error
SELECT 1 FROM t GROUP BY count(*);
-- error
SELECT * FROM t LIMIT 1 LIMIT 2;
-- error
VACUUM nope;
-- error
DETACH nope;
-- error
SELECT ?;
-- the last column's CONSTRAINT name reaches the first table constraints (up to a comma between them)
CREATE TABLE cn1 (a INT CONSTRAINT c1 NOT NULL, CHECK (a > 0));
-- error
INSERT INTO cn1 VALUES (-1);
CREATE TABLE cn2 (a INT CONSTRAINT c1 NOT NULL, b INT CHECK (b > 0));
-- error
INSERT INTO cn2 VALUES (1, -1);
CREATE TABLE cn3 (a INT, b INT CONSTRAINT c6 NULL, CHECK (b > 0), CHECK (a > 0));
-- error
INSERT INTO cn3 VALUES (1, -1);
-- error
INSERT INTO cn3 VALUES (-1, 1);
CREATE TABLE cn4 (a INT, CONSTRAINT c2 UNIQUE (a), CHECK (a > 0));
-- error
INSERT INTO cn4 VALUES (-1);
CREATE TABLE cn5 (a INT CONSTRAINT c1 NOT NULL, b INT CONSTRAINT c5 DEFAULT 1 CHECK (b > 0));
-- error
INSERT INTO cn5 VALUES (1, -1);
