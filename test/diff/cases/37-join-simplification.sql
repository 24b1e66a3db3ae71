-- OUTER JOIN strength reduction (sqlite3ExprImpliesNonNullRow): a WHERE clause that rejects the
-- NULL row of an outer join's side turns LEFT into inner, FULL into RIGHT or LEFT, RIGHT into
-- inner. The plan changes, and a failing WHERE term then sees no NULL-extended row.
CREATE TABLE a (id INTEGER PRIMARY KEY, x, y);
CREATE TABLE b (id INTEGER PRIMARY KEY, x, j TEXT);
CREATE TABLE c (id INTEGER PRIMARY KEY, x, z);
CREATE INDEX bx ON b (x);
INSERT INTO a VALUES (1, 1, 'p'), (2, 2, 'q'), (3, NULL, 'r');
INSERT INTO b VALUES (1, 1, '{"k":1}'), (2, 5, 'not json'), (3, NULL, '[2]');
INSERT INTO c VALUES (1, 1, 10), (2, 7, 20);
SELECT * FROM a LEFT JOIN b ON a.x = b.x WHERE b.id > 0;
EXPLAIN QUERY PLAN SELECT * FROM a LEFT JOIN b ON a.x = b.x WHERE b.id > 0;
EXPLAIN QUERY PLAN SELECT * FROM a LEFT JOIN b ON a.x = b.x WHERE b.x IS NULL;
EXPLAIN QUERY PLAN SELECT * FROM a LEFT JOIN b ON a.x = b.x WHERE b.x NOTNULL;
EXPLAIN QUERY PLAN SELECT * FROM a LEFT JOIN b ON a.x = b.x WHERE b.x = 1 OR a.y = 'q';
EXPLAIN QUERY PLAN SELECT * FROM a LEFT JOIN b ON a.x = b.x WHERE coalesce(b.x, 1) = 1;
EXPLAIN QUERY PLAN SELECT * FROM a LEFT JOIN b ON a.x = b.x WHERE b.x BETWEEN 0 AND 3;
EXPLAIN QUERY PLAN SELECT * FROM a LEFT JOIN b ON a.x = b.x WHERE NOT (b.x = 5);
EXPLAIN QUERY PLAN SELECT * FROM a LEFT JOIN b ON a.x = b.x WHERE CASE WHEN b.x THEN 1 END;
SELECT a.id, json_type(b.j) FROM a LEFT JOIN b ON a.x = b.x WHERE b.x = 1 AND json_type(b.j) = 'object';
SELECT a.id, b.j ->> '$.k' FROM a LEFT JOIN b ON a.id = b.id WHERE b.id = 1 AND b.j ->> '$.k' = 1;
SELECT * FROM a RIGHT JOIN b ON a.x = b.x WHERE a.y = 'p';
EXPLAIN QUERY PLAN SELECT * FROM a RIGHT JOIN b ON a.x = b.x WHERE a.y = 'p';
SELECT * FROM a FULL JOIN b ON a.x = b.x WHERE a.y > 'a';
SELECT * FROM a FULL JOIN b ON a.x = b.x WHERE b.j > 'a';
SELECT * FROM a FULL JOIN b ON a.x = b.x WHERE b.j > 'a' AND a.y < 'z';
EXPLAIN QUERY PLAN SELECT * FROM a FULL JOIN b ON a.x = b.x WHERE a.y > 'a';
SELECT * FROM a LEFT JOIN b ON a.x = b.x JOIN c ON c.x = b.x;
SELECT * FROM a LEFT JOIN b ON a.x = b.x LEFT JOIN c ON c.x = b.x WHERE c.z > 0;
SELECT * FROM a JOIN b ON a.x = b.x RIGHT JOIN c ON c.x = a.x WHERE b.id > 0;
SELECT * FROM (SELECT * FROM a WHERE x > 0) AS q LEFT JOIN b ON q.x = b.x WHERE b.id > 0;
SELECT * FROM a LEFT JOIN (SELECT * FROM b WHERE id < 3) AS q ON a.x = q.x WHERE q.id > 0;
SELECT * FROM a LEFT JOIN b USING (x) WHERE b.id > 0;
SELECT * FROM a NATURAL LEFT JOIN b WHERE b.j IS NOT NULL;
SELECT x FROM a FULL JOIN b USING (x) WHERE a.id > 0;
SELECT x FROM a RIGHT JOIN b USING (x) WHERE a.id > 0;
-- the "references tables to its right" check sees the joins as written
-- error
SELECT * FROM a LEFT JOIN b ON b.x = c.x JOIN c ON c.id = a.id WHERE b.id > 0;
-- error
SELECT * FROM a JOIN b ON b.x = c.x RIGHT JOIN c ON c.id = a.id WHERE a.id > 0;
-- a FULL JOIN whose WHERE needs the left side: json_type() never sees a NULL-extended row
CREATE TABLE t1 (c2, c3);
CREATE TABLE t0 (c0);
INSERT INTO t1 VALUES (1, 'bad json'), (2, '{"a":1}'), (NULL, 'x');
INSERT INTO t0 VALUES (2), (3), (NULL);
SELECT * FROM t1 FULL JOIN t0 ON t1.c2 = t0.c0 AND json_type(t1.c3) LIKE '%b%';
SELECT * FROM t1 FULL JOIN t0 ON t1.c2 = t0.c0 WHERE json_array('a', t0.c0) != (t0.c0 = t1.c2);
-- error
SELECT * FROM t1 FULL JOIN t0 ON json_type(t1.c3) LIKE '%b%' AND t1.c2 = t0.c0;
