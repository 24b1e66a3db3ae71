-- Statements without a statement journal run without a statement savepoint (connection.ts
-- runWrite): an error keeps the rows written before it; an enclosing SAVEPOINT or the whole
-- transaction still rolls them back.
CREATE TABLE nj (id INTEGER PRIMARY KEY, a INT, b TEXT) STRICT;
INSERT INTO nj VALUES (1, 10, 'x'), (2, 20, 'y'), (3, 30, 'z'), (4, 40, 'w');
BEGIN;
-- error
UPDATE nj SET a = CASE WHEN id = 3 THEN 'bad' ELSE a + 1 END;
SELECT * FROM nj ORDER BY id;
ROLLBACK;
SELECT * FROM nj ORDER BY id;
BEGIN;
UPDATE nj SET a = a + 100 WHERE id = 1;
SAVEPOINT s1;
-- error
UPDATE nj SET a = CASE WHEN id = 4 THEN 'bad' ELSE a + 1 END;
SELECT * FROM nj ORDER BY id;
ROLLBACK TO s1;
SELECT * FROM nj ORDER BY id;
UPDATE nj SET b = b || '!' WHERE id >= 2;
RELEASE s1;
COMMIT;
SELECT * FROM nj ORDER BY id;
-- a savepoint named before the first write maps to the start of the write transaction
SAVEPOINT outer_sp;
SAVEPOINT inner_sp;
UPDATE nj SET a = 0;
ROLLBACK TO outer_sp;
SELECT * FROM nj ORDER BY id;
INSERT INTO nj VALUES (5, 50, 'v');
RELEASE outer_sp;
SELECT * FROM nj ORDER BY id;
-- autocommit: an error without a statement journal rolls the statement's rows back
-- error
UPDATE nj SET a = CASE WHEN id = 5 THEN 'bad' ELSE a + 1 END;
SELECT * FROM nj ORDER BY id;
-- INSERT without a journal, then ROLLBACK of the transaction
BEGIN;
-- error
INSERT INTO nj VALUES (6, 60, 'u'), (7, 'bad', 't');
SELECT * FROM nj ORDER BY id;
ROLLBACK;
SELECT * FROM nj ORDER BY id;
-- after a partial failure the transaction goes on and commits what it kept
BEGIN;
-- error
INSERT INTO nj VALUES (8, 80, 's'), (9, 'bad', 'r');
INSERT INTO nj VALUES (10, 100, 'q');
COMMIT;
SELECT * FROM nj ORDER BY id;
