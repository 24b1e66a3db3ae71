CREATE TABLE t0 (id INTEGER PRIMARY KEY, c0, c1, c2, c3);
CREATE TABLE t1 (id INTEGER PRIMARY KEY, c0, c1 NUMERIC, c2, c3 TEXT);
CREATE TABLE j (id INTEGER PRIMARY KEY, doc TEXT, n INT);
INSERT INTO t0 VALUES (1, 1, 2, 'a', 3), (2, 2, 3, 'b', NULL), (3, 5, 2, 'A', 4.0), (4, NULL, NULL, 'x', -9223372036854775808);
INSERT INTO t1 VALUES (1, 1, 2, 3, 'a'), (2, 2, 3, 4, 'b'), (3, 0.0, -0.25, 7, 'c'), (4, 0, 14, NULL, 'd');
INSERT INTO j VALUES (1, '{"a":1}', 1), (2, 'not json', 2), (3, '{"a":[1,2]}', -9223372036854775808);
-- ON terms that read no column of the join: at their own join, or before the loop
SELECT * FROM t0 AS a LEFT JOIN t1 AS q ON a.c0 = q.c1 AND EXISTS (SELECT 1 FROM t1 WHERE c0 = 7) LEFT JOIN t0 AS b ON b.c1 = 2;
SELECT * FROM t0 AS a LEFT JOIN (SELECT c1 AS y1 FROM t1) AS q ON a.c0 = q.y1 AND 'zz' NOT IN (SELECT c3 FROM t1) LEFT JOIN t0 AS b ON b.c1 = 2;
SELECT * FROM t0 AS a JOIN t1 AS q ON a.c0 = q.c1 AND EXISTS (SELECT 1 FROM t1 WHERE q.c0 = 7) FULL JOIN t0 AS b ON b.c1 = a.c0;
SELECT DISTINCT -1.5, a.c1, typeof(abs(q.c3)) FROM t0 AS a JOIN t1 AS q ON a.c2 = q.c3 AND q.id NOT IN (SELECT c3 FROM t0) FULL JOIN (SELECT (SELECT count(NULL) FROM t0) AS y2 FROM t0) AS s ON a.c2 IN (s.y2, a.c0);
SELECT * FROM t0 AS a JOIN t0 AS b ON 0 RIGHT JOIN t1 AS c ON 1;
SELECT count(*) FROM t0 WHERE abs(-9223372036854775807) > 0;
-- error
SELECT * FROM t0 AS a LEFT JOIN t0 AS q ON a.c0 = b.c1 LEFT JOIN t0 AS b ON b.c1 = 2;
-- error
SELECT * FROM t0 AS a JOIN t0 AS q ON q.c0 = b.c1 RIGHT JOIN t0 AS b ON b.c1 = 2;
-- error
SELECT count(*) FROM t0 WHERE abs(-9223372036854775808) > 0;
-- error
SELECT count(*) FROM t1 AS e WHERE e.id < 0 AND abs(-9223372036854775808) > 0;
-- flattened subqueries, views and CTEs: a result column is evaluated only where it is used
SELECT json_valid(q.y0) FROM t1 AS a JOIN (SELECT (doc ->> '$.a') AS y0, NULL AS y1 FROM j) AS q ON a.c1 = q.y1;
WITH c AS (SELECT abs(n) AS y0 FROM j) SELECT c.y0 FROM c WHERE EXISTS (SELECT 1 FROM t0 WHERE c0 = 99);
WITH c AS NOT MATERIALIZED (SELECT '[1,2,3]' AS y0, c3 AS y1, json_type(doc) AS y2 FROM j, t1) SELECT c.y1 FROM c WHERE c.y0 < c.y1 ORDER BY 1;
SELECT q.y2 FROM (SELECT doc ->> '$.a' AS y2 FROM j) AS q JOIN t0 ON 9007199254740993 IN (SELECT id FROM t0);
SELECT q.k FROM j LEFT JOIN (SELECT abs(n) AS k, n FROM j WHERE n > 0) AS q ON q.n = j.n;
SELECT j.id, q.k, q.five FROM j LEFT JOIN (SELECT 5 AS five, n + 1 AS k FROM j AS j2 WHERE j2.id = 1) AS q ON q.k = j.n + 1;
SELECT q.five FROM t0 LEFT JOIN (SELECT 5 AS five FROM t1) AS q ON 0;
SELECT q.five, t1.id FROM (SELECT 5 AS five, c0 FROM t0) AS q RIGHT JOIN t1 ON q.c0 = t1.c0;
CREATE VIEW jv AS SELECT id, doc ->> '$.a' AS a, abs(n) AS m FROM j;
SELECT id FROM jv WHERE id = 1;
SELECT v.id, v.a FROM t0 LEFT JOIN jv AS v ON v.id = t0.id WHERE t0.id = 1;
-- error
SELECT m FROM jv;
-- error
WITH c AS MATERIALIZED (SELECT abs(n) AS y FROM j) SELECT * FROM c WHERE EXISTS (SELECT 1 WHERE 0);
SELECT (a.c0 + a.id) AS s, q.c0 FROM (SELECT c0, id FROM t1 WHERE x'00' NOT LIKE '%') AS a LEFT JOIN t0 AS q ON 19 IS NOT NULL LEFT JOIN t0 AS r ON q.c1 = r.c2 AND a.c0 IS q.c3;
SELECT * FROM t0 AS a LEFT JOIN (SELECT CASE c0 WHEN 4 THEN -4 ELSE x'' END AS y0, (11 - c3) AS y1 FROM t0 WHERE c0 IS NULL) AS q ON q.y1 NOT IN (SELECT c1 FROM t0);
-- integer results outside the safe range stay INTEGER
SELECT ~9007199254740991, typeof(~9007199254740991), ~(9007199254740991 >> 0), ~-9007199254740992, ~ -9007199254740991;
-- GROUP BY / ORDER BY ordinals: range first, then the column count
-- error
SELECT 14, 0, count(*) FROM t0 GROUP BY 14, 0;
-- error
SELECT 14, 0, count(*) FROM t0 GROUP BY 0, 14;
-- error
SELECT c0, c1 FROM t0 ORDER BY 5, 0;
-- error
SELECT c0, c1 FROM t0 GROUP BY 70000;
-- error
SELECT c0, sum(c1) FROM t0 GROUP BY sum(c1), 0;
-- error
SELECT c0, sum(c1) FROM t0 GROUP BY 2;
-- a result column that is a GROUP BY term reads the group's key (its first row), a bare column the representative row
CREATE TABLE g (k, b, m, n);
INSERT INTO g VALUES (0, 'r1', 5, 1), (0.0, 'r2', 9, 9), (0, 'r3', 4, 0);
SELECT k + 0, typeof(k + 0), typeof(k), b, max(m) FROM g GROUP BY k + 0;
SELECT k + 0 AS kk, typeof(k + 0), b, max(m) FROM g GROUP BY kk;
SELECT k + 0, b, max(m) FROM g GROUP BY 1;
SELECT (k + 0) * 1, typeof((k + 0) * 1), max(m) FROM g GROUP BY k + 0;
-- EXCEPT and INTERSECT skip the right SELECT when the left is empty
SELECT c0 FROM t0 WHERE 0 EXCEPT SELECT abs(c3) FROM t0;
SELECT c0 FROM t0 WHERE 0 INTERSECT SELECT abs(c3) FROM t0 ORDER BY 1;
-- error
SELECT c0 FROM t0 WHERE 0 UNION SELECT abs(c3) FROM t0;
-- UNION keeps, for each value, the first row of the last SELECT that has it
SELECT v, typeof(v) FROM (SELECT 0 AS v UNION SELECT 0.0);
SELECT v, typeof(v) FROM (SELECT 0.0 AS v UNION SELECT 0 UNION SELECT 0.0);
SELECT v FROM (SELECT 'abc' COLLATE NOCASE AS v UNION SELECT 'ABC');
SELECT v, typeof(v) FROM (SELECT 0.0 AS v UNION SELECT 0 ORDER BY 1);
-- an unqualified rowid needs a single candidate
-- error
SELECT rowid FROM t0, t1;
SELECT rowid FROM t0, (SELECT 1);
SELECT t0.rowid, t1.rowid FROM t0, t1 WHERE t0.id = 1 AND t1.id = 2;
-- subqueries SQLite does not flatten: a co-routine when it is the outer loop, else materialized
CREATE TABLE jn (id INTEGER PRIMARY KEY, n INT);
INSERT INTO jn VALUES (1, 1), (2, -9223372036854775808);
CREATE TABLE kn (id INTEGER PRIMARY KEY, m INT);
INSERT INTO kn VALUES (1, 5), (2, 6);
-- error
WITH c AS (SELECT abs(n) AS y, id FROM jn LIMIT 5) SELECT id FROM c WHERE id > 0;
-- error
WITH c AS (SELECT abs(n) AS y, id FROM jn ORDER BY id) SELECT upper(id) FROM c;
WITH c AS (SELECT abs(n) AS y, id FROM jn ORDER BY id) SELECT id FROM c;
WITH c AS (SELECT abs(n) AS y, id FROM jn UNION ALL SELECT abs(m), id FROM kn) SELECT id FROM c;
-- error
WITH c AS (SELECT abs(n) AS y, id FROM jn UNION ALL SELECT 1, 2) SELECT id FROM c;
-- error
WITH c AS (SELECT DISTINCT abs(n) AS y, id FROM jn) SELECT id FROM c;
-- error
WITH c AS (SELECT abs(n) AS y, id FROM jn LIMIT 5) SELECT id FROM c, kn;
SELECT id FROM (SELECT abs(n) AS y, id FROM jn UNION ALL SELECT 1, 2);
-- compound: a column's collation comes from the left-most arm whose expression has one (multiSelectCollSeq)
CREATE TABLE cc (a TEXT COLLATE NOCASE, b TEXT);
INSERT INTO cc VALUES ('A', 'x'), ('a', 'X'), ('b', 'y');
SELECT 'a' UNION SELECT a FROM cc;
SELECT 'a' UNION SELECT b FROM cc UNION SELECT a FROM cc;
SELECT b FROM cc UNION SELECT a FROM cc;
SELECT 'A' AS z UNION SELECT a FROM cc ORDER BY 1;
SELECT 1 + 0 UNION SELECT a FROM cc;
SELECT 'a' EXCEPT SELECT a FROM cc;
SELECT 'X' INTERSECT SELECT b COLLATE NOCASE FROM cc;
VALUES ('A') UNION SELECT a FROM cc;
SELECT (a || '') AS u FROM cc UNION SELECT a FROM cc;
