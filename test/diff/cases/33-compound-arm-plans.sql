-- A UNION keeps, of the rows its collation finds equal, the first one its part produces; SQLite
-- plans each part for the merge's ORDER BY (every result column), so an index that might help
-- that order (indexMightHelpWithOrderBy: any key column named, whatever the collation) may be
-- scanned in full, here because the join's ON term it covers makes it cheaper than the table.
CREATE TABLE t0 (c0 DATE, c1 DATE, c2 BLOB, PRIMARY KEY (c0, c1));
CREATE TABLE t1 (c0 INT, c1 CLOB COLLATE NOCASE, PRIMARY KEY (c0, c1));
CREATE TABLE t2 (c0 BLOB, c1 REAL DEFAULT 26, c2 REAL, c3 VARCHAR(20), c4 VARCHAR(20) COLLATE RTRIM, PRIMARY KEY (c0, c1));
CREATE INDEX i2 ON t2 (c0, c3);
CREATE INDEX i3 ON t2 (c4, c1);
INSERT INTO t0 VALUES (1, -0.25, NULL), (2, 5, NULL), (3, 7, x'00');
INSERT INTO t1 VALUES (1, 'x'), (2, 'B');
INSERT INTO t2 VALUES (1, 0.000025, x'01', 'p', 'B'), (2, 1, 2.5, 'q', 'x'), (3, 26, 1.5, NULL, 'b'), (4, 5, 3.5, 'r', 'X'), (5, -0.25, 0.5, 's', 'B'), (6, 7, NULL, 't', 'b  ');
SELECT c1, c0 FROM t1 WHERE c0 > 5 UNION SELECT a.c4, typeof(a.c2) FROM t2 AS a LEFT JOIN t0 AS b ON a.c1 = b.c1;
SELECT c1 AS u0, 'real' FROM t1 UNION SELECT a.c4, typeof(a.c2) FROM t2 AS a LEFT JOIN t0 AS b ON a.c1 = b.c1;
SELECT 'zz' COLLATE NOCASE AS x, 1 AS y UNION SELECT a.c4, typeof(a.c2) FROM t2 AS a LEFT JOIN t0 AS b ON a.c1 = b.c1;
SELECT 'zz' COLLATE NOCASE AS x, 1 AS y UNION SELECT a.c4, typeof(a.c2) FROM t2 AS a;
SELECT 'zz' COLLATE NOCASE AS x UNION SELECT a.c4 FROM t2 AS a JOIN t0 AS b ON a.c1 = b.c1;
SELECT 'zz' COLLATE NOCASE AS x UNION SELECT a.c4 FROM t2 AS a ORDER BY 1;
SELECT 'zz' COLLATE NOCASE AS x INTERSECT SELECT a.c4 FROM t2 AS a LEFT JOIN t0 AS b ON a.c1 = b.c1;
SELECT a.c4 COLLATE NOCASE AS x FROM t2 AS a LEFT JOIN t0 AS b ON a.c1 = b.c1 EXCEPT SELECT 'x';
EXPLAIN QUERY PLAN SELECT 'zz' COLLATE NOCASE AS x, 1 AS y UNION SELECT a.c4, typeof(a.c2) FROM t2 AS a JOIN t0 AS b ON a.c1 = b.c1 AND b.c0 = 1;
EXPLAIN QUERY PLAN SELECT a.c4, typeof(a.c2) FROM t2 AS a WHERE a.c1 > 0 ORDER BY a.c4 COLLATE NOCASE;
-- a flattened subquery's result columns the query does not read do not make its table's columns
-- needed: the covering index decides the row order, so which of 0 and 0.0 a UNION keeps
CREATE TABLE w1 (c0 BLOB COLLATE RTRIM, c1 INT, c2 BIGINT, c3 DECIMAL(10,2), c4 FLOAT, PRIMARY KEY (c0)) WITHOUT ROWID;
CREATE UNIQUE INDEX w1i ON w1 (c4, c2 DESC);
INSERT INTO w1 VALUES (1, 1, 2.5, 8, 9), (2, 2, 3, 0, 1), (3, 3, 1.5, 9, 0.5), (4, 4, NULL, NULL, 2);
EXPLAIN QUERY PLAN SELECT q.y0 FROM (SELECT c2 AS y0, c1 AS y1, CAST(4 AS FLOAT) AS y2 FROM w1 WHERE 'B' <> x'ff00ff') AS q;
EXPLAIN QUERY PLAN SELECT y1 FROM (SELECT c2 AS y0, c1 AS y1 FROM w1) AS q;
EXPLAIN QUERY PLAN SELECT * FROM (SELECT c2 AS y0, c1 AS y1 FROM w1) AS q;
SELECT (8 & c3) AS u0 FROM w1 UNION SELECT (q.y0 - q.y0) FROM (SELECT c2 AS y0, c1 AS y1, CAST(4 AS FLOAT) AS y2 FROM w1 WHERE 'B' <> x'ff00ff') AS q;
