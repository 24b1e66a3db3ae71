CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT UNIQUE);
BEGIN;
INSERT INTO t (v) VALUES ('a');
ROLLBACK;
SELECT count(*) FROM t;
BEGIN DEFERRED;
INSERT INTO t (v) VALUES ('b');
COMMIT;
BEGIN IMMEDIATE;
INSERT INTO t (v) VALUES ('c');
END;
BEGIN EXCLUSIVE TRANSACTION;
INSERT INTO t (v) VALUES ('d');
COMMIT TRANSACTION;
SELECT v FROM t ORDER BY id;
-- error
COMMIT;
-- error
ROLLBACK;
BEGIN;
-- error
BEGIN;
ROLLBACK;
-- savepoints
SAVEPOINT s1;
INSERT INTO t (v) VALUES ('e');
SAVEPOINT s2;
INSERT INTO t (v) VALUES ('f');
ROLLBACK TO s2;
INSERT INTO t (v) VALUES ('g');
RELEASE s1;
SELECT v FROM t ORDER BY id;
BEGIN;
SAVEPOINT a;
INSERT INTO t (v) VALUES ('h');
SAVEPOINT b;
INSERT INTO t (v) VALUES ('i');
RELEASE b;
ROLLBACK TO a;
SELECT count(*) FROM t WHERE v IN ('h', 'i');
INSERT INTO t (v) VALUES ('j');
ROLLBACK TRANSACTION TO SAVEPOINT a;
RELEASE SAVEPOINT a;
COMMIT;
SELECT v FROM t ORDER BY id;
-- error
RELEASE nope;
-- error
ROLLBACK TO nope;
SAVEPOINT outer_sp;
INSERT INTO t (v) VALUES ('k');
ROLLBACK TO outer_sp;
SELECT count(*) FROM t WHERE v = 'k';
ROLLBACK;
-- statement-level atomicity: a failing multi-row statement leaves nothing behind
-- error
INSERT INTO t (v) VALUES ('m'), ('n'), ('b');
SELECT count(*) FROM t WHERE v IN ('m', 'n');
BEGIN;
INSERT INTO t (v) VALUES ('o');
-- error
INSERT INTO t (v) VALUES ('p'), ('o');
SELECT v FROM t WHERE v IN ('o', 'p');
COMMIT;
SELECT v FROM t WHERE v IN ('o', 'p');
-- OR ROLLBACK ends the whole transaction
BEGIN;
INSERT INTO t (v) VALUES ('q');
-- error
INSERT OR ROLLBACK INTO t (v) VALUES ('b');
SELECT count(*) FROM t WHERE v = 'q';
-- error
COMMIT;
-- OR FAIL keeps earlier rows of the statement
BEGIN;
-- error
INSERT OR FAIL INTO t (v) VALUES ('r'), ('b'), ('s');
COMMIT;
SELECT v FROM t WHERE v IN ('r', 's');
-- DDL is transactional
BEGIN;
CREATE TABLE tmp (a);
INSERT INTO tmp VALUES (1);
ROLLBACK;
-- error
SELECT * FROM tmp;
BEGIN;
DROP TABLE t;
ROLLBACK;
SELECT count(*) FROM t;
BEGIN;
ALTER TABLE t ADD COLUMN extra;
ROLLBACK;
SELECT sql FROM sqlite_master WHERE name = 't';
