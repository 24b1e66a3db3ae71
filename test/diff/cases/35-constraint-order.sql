-- Which error a row that breaks several constraints reports (sqlite3GenerateConstraintChecks):
-- NOT NULL, then CHECK (an UPDATE skips those reading no assigned column), the rowid, then the
-- indexes in order (an UPDATE visits only those whose key it may change). STRICT typing
-- (OP_TypeCheck) runs lazily: before the first CHECK evaluated or index key built, else before
-- the record is written, so a rowid conflict is reported first.
CREATE TABLE a (id INTEGER PRIMARY KEY, x NOT NULL, y UNIQUE);
INSERT INTO a VALUES (1, 1, 1), (2, 2, 2);
-- error
UPDATE a SET id = 2, x = NULL WHERE id = 1;
-- error
UPDATE a SET y = 2, x = NULL WHERE id = 1;
-- error
UPDATE a SET id = 2, y = 2 WHERE id = 1;
UPDATE OR IGNORE a SET id = 2, x = NULL WHERE id = 1;
-- error
UPDATE OR REPLACE a SET id = 2, x = NULL WHERE id = 1;
CREATE TABLE b (k TEXT PRIMARY KEY, x NOT NULL, y UNIQUE) WITHOUT ROWID;
INSERT INTO b VALUES ('a', 1, 1), ('b', 2, 2);
-- error
UPDATE b SET k = 'b', x = NULL WHERE k = 'a';
-- error
UPDATE b SET k = NULL WHERE k = 'a';
-- error
UPDATE b SET k = 'b', y = 2 WHERE k = 'a';
-- error
UPDATE b SET y = 2, k = 'b' WHERE k = 'a';
CREATE TABLE c (k, j, x NOT NULL, PRIMARY KEY (k, j));
INSERT INTO c VALUES (1, 1, 1), (2, 2, 2);
-- error
UPDATE c SET k = 2, j = 2, x = NULL WHERE k = 1;
-- error
UPDATE c SET k = 2, j = 2 WHERE k = 1;
CREATE TABLE d (id INTEGER PRIMARY KEY, x NOT NULL CHECK (x > 0));
INSERT INTO d VALUES (1, 1), (2, 2);
-- error
UPDATE d SET id = 2, x = 0 WHERE id = 1;
-- error
UPDATE d SET id = 2, x = NULL WHERE id = 1;
CREATE TABLE e (id INTEGER PRIMARY KEY, x INT NOT NULL, y INT UNIQUE) STRICT;
INSERT INTO e VALUES (1, 1, 1), (2, 2, 2);
-- error
INSERT INTO e VALUES (2, 'abc', 5);
-- error
INSERT INTO e VALUES (3, 'abc', 2);
-- error
INSERT INTO e VALUES (2, NULL, 'x');
-- error
UPDATE e SET id = 2, x = 'abc' WHERE id = 1;
-- error
UPDATE e SET y = 2, x = 'abc' WHERE id = 1;
-- error
UPDATE e SET id = 2, y = 'abc' WHERE id = 1;
CREATE TABLE f (id INTEGER PRIMARY KEY, x INT NOT NULL, y INT UNIQUE, CHECK (y > 0)) STRICT;
INSERT INTO f VALUES (1, 1, 1), (2, 2, 2);
-- error
INSERT INTO f VALUES (2, 'abc', 5);
-- error
UPDATE f SET id = 2, x = 'abc' WHERE id = 1;
-- error
UPDATE f SET id = 2, x = 'abc', y = 3 WHERE id = 1;
CREATE TABLE g (id TEXT PRIMARY KEY, x INT NOT NULL, y INT UNIQUE) STRICT, WITHOUT ROWID;
INSERT INTO g VALUES ('a', 1, 1), ('b', 2, 2);
-- error
INSERT INTO g VALUES ('b', 'abc', 5);
-- error
UPDATE g SET id = 'b', x = 'abc' WHERE id = 'a';
-- error
UPDATE g SET y = 2, x = 'abc' WHERE id = 'a';
CREATE TABLE h (id INTEGER PRIMARY KEY, x INT, y INT, z INT UNIQUE) STRICT;
CREATE INDEX hx ON h (x);
INSERT INTO h VALUES (1, 1, 1, 1), (2, 2, 2, 2);
-- error
UPDATE h SET y = 'abc', z = 2 WHERE id = 1;
-- error
UPDATE h SET x = 'abc', z = 2 WHERE id = 1;
-- error
UPDATE h SET y = 'abc', id = 2 WHERE id = 1;
-- error
INSERT INTO h VALUES (2, 'q', 1, 1);
INSERT OR IGNORE INTO h VALUES (2, 'q', 1, 1);
UPDATE OR IGNORE h SET y = 'abc', id = 2 WHERE id = 1;
SELECT * FROM h;
