CREATE TABLE t (id INTEGER PRIMARY KEY, a INT, b TEXT, c REAL);
INSERT INTO t (a, b, c) VALUES (1, 'x', 1.5), (2, 'Y', 2.5), (3, 'z', NULL), (NULL, 'w', 0.0), (2, 'y', 9.0);
CREATE INDEX ta ON t (a);
CREATE INDEX tbc ON t (b COLLATE NOCASE DESC, c);
CREATE INDEX IF NOT EXISTS ta ON t (b);
-- error
CREATE INDEX ta ON t (b);
-- error
CREATE UNIQUE INDEX tua ON t (a);
CREATE UNIQUE INDEX tub ON t (b);
-- error
INSERT INTO t (a, b) VALUES (5, 'x');
-- partial index
CREATE UNIQUE INDEX tpart ON t (a) WHERE a > 2;
INSERT INTO t (a, b) VALUES (1, 'p');
-- error
INSERT INTO t (a, b) VALUES (3, 'q');
-- expression index
CREATE INDEX texpr ON t (lower(b), a + 1);
-- error
CREATE UNIQUE INDEX tlower ON t (lower(b)) WHERE c IS NOT NULL;
CREATE UNIQUE INDEX tlower ON t (lower(b), c) WHERE c IS NOT NULL;
SELECT id, a, b FROM t WHERE lower(b) = 'y' ORDER BY id;
SELECT id FROM t WHERE a = 2 ORDER BY id;
SELECT id FROM t WHERE a > 1 AND a < 3 ORDER BY id;
SELECT id FROM t WHERE a IN (1, 3) ORDER BY id;
SELECT b FROM t WHERE b = 'y' COLLATE NOCASE ORDER BY b COLLATE BINARY;
SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name;
-- error
CREATE INDEX bad ON t (nope);
-- error
CREATE INDEX bad ON missing (a);
-- error
CREATE INDEX bad ON t (a) WHERE random() > 0;
DROP INDEX ta;
DROP INDEX IF EXISTS ta;
-- error
DROP INDEX ta;
SELECT name FROM sqlite_master WHERE type = 'index' ORDER BY name;
SELECT id FROM t WHERE a = 2 ORDER BY id;
CREATE TABLE w (k INT, v INT, PRIMARY KEY (k DESC)) WITHOUT ROWID;
INSERT INTO w VALUES (1, 10), (3, 30), (2, 20);
CREATE INDEX wv ON w (v DESC);
SELECT * FROM w WHERE v >= 20 ORDER BY v;
SELECT * FROM w;
REINDEX;
REINDEX t;
