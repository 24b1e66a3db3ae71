-- An upsert target resolves only the index whose columns it names exactly (sqlite3UpsertAnalyzeTarget);
-- a conflict on another index is an ABORT check, so SQLite opens a statement journal and an
-- error in a later row of a multi-row INSERT rolls back the rows before it.
CREATE TABLE u (a INT UNIQUE, b INT, UNIQUE (a, b)) STRICT;
BEGIN;
-- error
INSERT INTO u VALUES (2, 2), (3, 'x') ON CONFLICT (a, b) DO NOTHING;
SELECT * FROM u;
-- error
INSERT INTO u VALUES (4, 4), (5, 'x') ON CONFLICT (a) DO NOTHING;
SELECT * FROM u;
-- error
INSERT INTO u VALUES (6, 6), (7, 'x') ON CONFLICT (a) DO NOTHING ON CONFLICT (b, a) DO NOTHING;
SELECT * FROM u;
-- error
INSERT INTO u VALUES (8, 8), (9, 'x') ON CONFLICT DO NOTHING;
SELECT * FROM u;
COMMIT;
CREATE TABLE w (k TEXT PRIMARY KEY, a INT, b INT, UNIQUE (a, b)) STRICT, WITHOUT ROWID;
BEGIN;
-- error
INSERT INTO w VALUES ('x', 1, 1), ('y', 2, 'z') ON CONFLICT (k) DO NOTHING;
SELECT * FROM w;
-- error
INSERT INTO w VALUES ('x', 1, 1), ('y', 2, 'z') ON CONFLICT (k, a) DO NOTHING;
SELECT * FROM w;
-- error
INSERT INTO w VALUES ('x', 1, 1), ('y', 2, 'z') ON CONFLICT (a, b) DO NOTHING ON CONFLICT (k) DO NOTHING;
SELECT * FROM w;
COMMIT;
-- OR REPLACE on a NOT NULL column with a DEFAULT: the second pass checks it again as ABORT, so
-- the statement has a journal and a later "datatype mismatch" undoes the rows before it
CREATE TABLE rj (id INTEGER PRIMARY KEY, c0 INTEGER DEFAULT NULL UNIQUE, c1 DOUBLE NOT NULL DEFAULT 21);
INSERT INTO rj VALUES (22, 6, 1), (27, -5, 0.5), (28, 'null', -2);
BEGIN;
-- error
UPDATE OR REPLACE rj SET id = rj.c1, c1 = rj.c0 WHERE rj.c0 IS NOT rj.c1;
SELECT rowid, * FROM rj;
-- error
INSERT OR REPLACE INTO rj VALUES (50, 50, 50), ('x', 1, 1);
SELECT rowid, * FROM rj;
-- error
UPDATE rj SET id = rj.c1 WHERE rj.c0 IS NOT rj.c1;
SELECT rowid, * FROM rj;
COMMIT;
