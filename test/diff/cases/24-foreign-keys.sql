-- better-sqlite3 turns foreign keys on by default.
PRAGMA foreign_keys;
CREATE TABLE parent (id INTEGER PRIMARY KEY, code TEXT UNIQUE);
CREATE TABLE child (id INTEGER PRIMARY KEY, pid INT REFERENCES parent (id) ON DELETE CASCADE ON UPDATE CASCADE, pcode TEXT REFERENCES parent (code) ON DELETE SET NULL ON UPDATE RESTRICT);
CREATE TABLE dflt (id INTEGER PRIMARY KEY, pid INT DEFAULT 1 REFERENCES parent ON DELETE SET DEFAULT);
CREATE TABLE noact (id INTEGER PRIMARY KEY, pid INT REFERENCES parent (id));
INSERT INTO parent VALUES (1, 'a'), (2, 'b'), (3, 'c');
INSERT INTO child (pid, pcode) VALUES (1, 'a'), (2, 'b'), (2, NULL), (NULL, 'c');
-- error
INSERT INTO child (pid) VALUES (99);
-- error
INSERT INTO child (pcode) VALUES ('zz');
UPDATE parent SET id = 20 WHERE id = 2;
SELECT * FROM child ORDER BY id;
-- error
UPDATE parent SET code = 'bb' WHERE code = 'b';
DELETE FROM parent WHERE id = 1;
SELECT * FROM child ORDER BY id;
DELETE FROM parent WHERE code = 'c';
SELECT * FROM child ORDER BY id;
INSERT INTO dflt (pid) VALUES (20);
INSERT INTO parent VALUES (1, 'a');
DELETE FROM parent WHERE id = 20;
SELECT * FROM dflt;
SELECT * FROM child ORDER BY id;
INSERT INTO noact (pid) VALUES (1);
-- error
DELETE FROM parent WHERE id = 1;
-- error
UPDATE parent SET id = 5 WHERE id = 1;
-- error
DROP TABLE parent;
DELETE FROM noact;
-- deferred constraints are checked at COMMIT
CREATE TABLE d_parent (id INTEGER PRIMARY KEY);
CREATE TABLE d_child (id INTEGER PRIMARY KEY, pid INT REFERENCES d_parent (id) DEFERRABLE INITIALLY DEFERRED);
BEGIN;
INSERT INTO d_child (pid) VALUES (7);
SELECT count(*) FROM d_child;
INSERT INTO d_parent VALUES (7);
COMMIT;
BEGIN;
INSERT INTO d_child (pid) VALUES (8);
-- error
COMMIT;
SELECT count(*) FROM d_child;
ROLLBACK;
SELECT count(*) FROM d_child;
-- PRAGMA defer_foreign_keys makes immediate constraints deferred
BEGIN;
PRAGMA defer_foreign_keys = ON;
INSERT INTO noact (pid) VALUES (123);
INSERT INTO parent VALUES (123, 'x123');
COMMIT;
PRAGMA defer_foreign_keys;
-- PRAGMA foreign_keys is a no-op inside a transaction
BEGIN;
PRAGMA foreign_keys = OFF;
PRAGMA foreign_keys;
ROLLBACK;
PRAGMA foreign_keys = OFF;
INSERT INTO noact (pid) VALUES (555);
PRAGMA foreign_key_check;
PRAGMA foreign_keys = ON;
-- error
UPDATE noact SET pid = 556 WHERE pid = 555;
DELETE FROM noact WHERE pid = 555;
-- Composite and self-referencing keys
CREATE TABLE node (id INTEGER PRIMARY KEY, parent INT REFERENCES node (id) ON DELETE CASCADE);
INSERT INTO node VALUES (1, NULL), (2, 1), (3, 2), (4, 1);
DELETE FROM node WHERE id = 2;
SELECT id FROM node ORDER BY id;
CREATE TABLE cp (a INT, b INT, PRIMARY KEY (a, b));
CREATE TABLE cc (x INT, y INT, FOREIGN KEY (x, y) REFERENCES cp (a, b) ON DELETE CASCADE);
INSERT INTO cp VALUES (1, 1), (1, 2);
INSERT INTO cc VALUES (1, 1), (1, 2), (NULL, 5);
-- error
INSERT INTO cc VALUES (2, 2);
DELETE FROM cp WHERE b = 1;
SELECT * FROM cc;
-- a foreign key to a non-unique column is an error when used
CREATE TABLE badp (v INT);
CREATE TABLE badc (v INT REFERENCES badp (v));
-- error
INSERT INTO badc VALUES (1);
-- error
INSERT INTO noact (pid) VALUES ('1x');
-- DROP TABLE with FKs on: implicit DELETE fires actions
DROP TABLE child;
DROP TABLE dflt;
DELETE FROM node;
SELECT count(*) FROM node;
-- foreign_key_check with a WITHOUT ROWID parent
PRAGMA foreign_keys = OFF;
CREATE TABLE wpar (k1 TEXT, k2 INTEGER, v, PRIMARY KEY (k1, k2)) WITHOUT ROWID;
CREATE TABLE wch (id INTEGER PRIMARY KEY, a TEXT, b INTEGER, FOREIGN KEY (a, b) REFERENCES wpar (k1, k2));
INSERT INTO wpar VALUES ('x', 1, 0), ('y', 2, 0);
INSERT INTO wch VALUES (10, 'x', 1), (11, 'x', 2), (12, 'y', 1), (13, NULL, 1), (14, 'y', 2);
PRAGMA foreign_key_check(wch);
SELECT * FROM pragma_foreign_key_check('wch');
PRAGMA foreign_keys = ON;
