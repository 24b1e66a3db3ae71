-- excluded.* in an upsert are registers (TK_REGISTER): the values of the proposed row (after
-- the column affinity) compared with no affinity and no collation of their own.
CREATE TABLE t1 (c0 INT UNIQUE, c1 TEXT COLLATE NOCASE, c2 REAL, c3 NUMERIC);
INSERT INTO t1 VALUES (16, 'a', 1, 1);
INSERT INTO t1 (c0, c1) VALUES (16, 'b') ON CONFLICT (c0) DO UPDATE SET c1 = 'P' WHERE excluded.c1 = 'B';
INSERT INTO t1 (c0, c1) VALUES (16, ' 3 ') ON CONFLICT (c0) DO UPDATE SET c1 = 'Q' WHERE excluded.c1 <= 16;
INSERT INTO t1 (c0, c1) VALUES (16, ' 3 ') ON CONFLICT (c0) DO UPDATE SET c1 = 'Q' WHERE excluded.c0 >= excluded.c1;
INSERT INTO t1 (c0, c2) VALUES (16, '5') ON CONFLICT (c0) DO UPDATE SET c1 = 'R' WHERE excluded.c2 = '5';
INSERT INTO t1 (c0, c3) VALUES (16, '7') ON CONFLICT (c0) DO UPDATE SET c1 = 'S' WHERE excluded.c3 = '7';
SELECT * FROM t1;
INSERT INTO t1 (c0, c3) VALUES (16, '7') ON CONFLICT (c0) DO UPDATE SET c1 = 'T' WHERE excluded.c3 = 7;
SELECT * FROM t1;
INSERT INTO t1 (c0, c1) VALUES (16, 'x') ON CONFLICT (c0) DO UPDATE SET c1 = 'U' WHERE excluded.c1 IN ('X');
INSERT INTO t1 (c0, c1) VALUES (16, 'x') ON CONFLICT (c0) DO UPDATE SET c1 = 'V' WHERE t1.c1 = excluded.c1;
INSERT INTO t1 (c0, c1) VALUES (16, 'v') ON CONFLICT (c0) DO UPDATE SET c1 = 'W' WHERE excluded.c1 = t1.c1;
INSERT INTO t1 (c0, c1) VALUES (16, 'w') ON CONFLICT (c0) DO UPDATE SET c1 = excluded.c1 || typeof(excluded.c3) WHERE excluded.c1 COLLATE NOCASE = 'W';
INSERT INTO t1 (c0, c1) VALUES (16, ' 3 ') ON CONFLICT (c0) DO UPDATE SET c1 = 'Y' WHERE t1.c0 >= excluded.c1;
SELECT * FROM t1;
-- NOT NULL with ON CONFLICT REPLACE: a column with a DEFAULT (even NULL) takes it on the first
-- pass and is checked again (as ABORT) on a second one, after the other columns
CREATE TABLE t3 (c0 NOT NULL DEFAULT NULL, c1 DECIMAL(10,2) UNIQUE, c2 VARCHAR(20), PRIMARY KEY (c0, c1)) WITHOUT ROWID;
-- error
INSERT OR REPLACE INTO t3 (c2) VALUES ('null');
-- error
INSERT OR REPLACE INTO t3 (c1, c2) VALUES (1, 'null');
CREATE TABLE t4 (a NOT NULL DEFAULT 5, b NOT NULL, c NOT NULL DEFAULT NULL);
-- error
INSERT OR REPLACE INTO t4 (a, b, c) VALUES (NULL, NULL, NULL);
-- error
INSERT OR REPLACE INTO t4 (a, b, c) VALUES (NULL, 1, NULL);
INSERT OR REPLACE INTO t4 (a, b, c) VALUES (NULL, 1, 2);
SELECT * FROM t4;
