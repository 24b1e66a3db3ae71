-- The order WHERE / ON terms are tested in decides which error, if any, a row raises:
--  * a term that is NULL rejects the row at once (sqlite3ExprIfFalse with SQLITE_JUMPIFNULL);
--  * `(a, b) = (x, y)` is split into `a = x` and `b = y`, tested in that order after the others;
--  * an index scan that reads the table row first tests the terms the index entry answers
--    (iLoop 1 of sqlite3WhereCodeOneLoopStart), including terms on other tables only.
CREATE TABLE t (id INTEGER PRIMARY KEY, a, b TEXT, c);
CREATE INDEX ta ON t (a);
INSERT INTO t VALUES (1, 1, 'bad json', NULL), (2, 2, '{"a":1}', 5), (3, NULL, 'x', 6);
SELECT id FROM t WHERE c = 5 AND json_type(b) = 'object';
-- error
SELECT id FROM t WHERE c > 4 AND json_type(b) IS NOT NULL;
SELECT id FROM t WHERE (c, json_type(b)) = (5, 'object');
SELECT id FROM t WHERE ((SELECT max(c) FROM t), b ->> '$.a') = (id, 1);
-- error
SELECT id FROM t WHERE (json_type(b), c) = ('object', 5);
SELECT id FROM t WHERE (c, b ->> '$.a') IS (5, 1);
CREATE TABLE u (k, v);
INSERT INTO u VALUES (1, 'not json'), (2, '[1]');
-- error
SELECT t.id FROM u LEFT JOIN t ON t.a > 0 AND json_type(u.v) = 'array';
-- error
SELECT t.id FROM u LEFT JOIN t ON t.id = u.k AND json_type(u.v) = 'array';
-- last_insert_rowid() is set when the row is written, before RETURNING fails
CREATE TABLE r (x UNIQUE, y);
INSERT INTO r VALUES (1, 1);
-- error
INSERT INTO r VALUES (3, 'x') ON CONFLICT DO NOTHING RETURNING json_type(y);
SELECT last_insert_rowid();
-- a term holding a correlated subquery (TERM_VARSELECT) is tested after the loop's other terms
CREATE TABLE v (id INTEGER PRIMARY KEY, j TEXT, n);
INSERT INTO v VALUES (1, 'bad', 1), (2, '[1]', 2), (3, 'also bad', 3);
-- error
SELECT id FROM v WHERE EXISTS (SELECT 1 FROM u WHERE u.k < v.n) AND json_type(v.j) = 'array';
SELECT id FROM v WHERE (SELECT count(*) FROM u WHERE u.k < v.n) > 0 AND v.id = 2 AND json_type(v.j) = 'array';
-- error
SELECT id FROM v WHERE v.id IN (SELECT k FROM u) AND json_type(v.j) = 'array';
-- error
SELECT id FROM (SELECT id, json_type(j) AS t FROM v WHERE EXISTS (SELECT 1 FROM u WHERE u.k > v.n)) WHERE t NOT IN (SELECT 'x' FROM u WHERE 0);
-- `x IN (SELECT ...)` correlated is not deferred (exprAnalyze takes its SELECT's usage directly);
-- EXISTS, scalar subqueries and NOT IN are; BETWEEN as a filter stops at `x >= a` unless true
CREATE TABLE w (c0 INTEGER, c1, c2, c4);
INSERT INTO w VALUES (-3, x'6162', 11, 'zz'), (30, x'ff00ff', 6, 'yy');
SELECT 1 FROM w AS a WHERE 'Abc' IN (SELECT s.c4 FROM w AS s WHERE s.c0 IN (a.c1, s.c4)) AND (2 - a.c0) BETWEEN min(a.c2, -3) AND json_array(a.c1, a.c0);
-- error
SELECT 1 FROM w AS a WHERE (2 - a.c0) BETWEEN min(a.c2, -3) AND json_array(a.c1, a.c0) AND 'Abc' IN (SELECT s.c4 FROM w AS s WHERE s.c0 IN (a.c1, s.c4));
-- error
SELECT 1 FROM w AS a WHERE EXISTS (SELECT 1 FROM w AS s WHERE s.c0 = a.c1 AND s.c4 = 'Abc') AND (2 - a.c0) BETWEEN min(a.c2, -3) AND json_array(a.c1, a.c0);
-- error
SELECT 1 FROM w AS a WHERE (SELECT s.c4 FROM w AS s WHERE s.c0 = a.c1) = 'Abc' AND (2 - a.c0) BETWEEN min(a.c2, -3) AND json_array(a.c1, a.c0);
-- error
SELECT 1 FROM w AS a WHERE 'Abc' NOT IN (SELECT s.c4 FROM w AS s WHERE s.c0 = a.c1) AND 5 <= json_array(a.c1, a.c0);
SELECT 1 FROM w AS a WHERE a.c0 IN (SELECT s.c0 FROM w AS s WHERE s.c2 = a.c2 + 100) AND 5 <= json_array(a.c1, a.c0);
-- error
SELECT 1 FROM w AS a WHERE (a.c0 + 100) BETWEEN a.c2 AND json_array(a.c1);
SELECT (a.c0 + 100) BETWEEN NULL AND 1, (a.c0 - 100) BETWEEN NULL AND 1 FROM w AS a;
-- UPDATE computes the new rowid first (OP_MustBeInt), then the new values in column order
CREATE TABLE x (id INTEGER PRIMARY KEY, c0, c1);
INSERT INTO x VALUES (1, 'not json', 'b');
-- error
UPDATE x SET c0 = (c1 ->> '$.a'), id = c1 WHERE c1 GLOB '*b*';
-- error
UPDATE x SET c1 = json(c0), c0 = json_array(x'00');
UPDATE x SET c0 = json(c0), c0 = 5;
SELECT * FROM x;
-- UPDATE ... FROM computes every row's new values in its collecting SELECT before updating any
CREATE TABLE uf (id INTEGER PRIMARY KEY, c0, c1 UNIQUE);
INSERT INTO uf VALUES (1, NULL, '[1]'), (2, NULL, '[2]'), (3, NULL, 'bad');
-- error
UPDATE uf SET c0 = json_type(uf.c1), c1 = -2 FROM (SELECT 1 AS one) AS f WHERE uf.c1 IS NOT NULL AND f.one;
SELECT * FROM uf;

-- an IN list of expressions is compared element by element without testing its left operand for
-- NULL first (sqlite3ExprCodeIN, IN_INDEX_NOOP): every element is evaluated and may raise
CREATE TABLE inl (x, y);
INSERT INTO inl VALUES (NULL, 'bad'), (1, '{"a":1}');
-- error
SELECT x IN (x, json(y)) FROM inl;
SELECT x IN (x, json(y)) FROM inl WHERE y <> 'bad';
-- error
SELECT count(*) FROM inl WHERE CASE 1.0 WHEN x THEN x END IN ((y ->> '$.a'), 5);
-- error
SELECT count(*) FROM inl WHERE CASE 1.0 WHEN x THEN x END IN ((y ->> '$.a'), 5) AND y <> 'bad';
