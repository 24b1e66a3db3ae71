-- Statements ORMs and tools send that are not covered elsewhere.
CREATE TABLE t (id INTEGER PRIMARY KEY, a INT, b TEXT);
INSERT INTO t (a, b) VALUES (1, 'x'), (2, 'y'), (2, 'z');
CREATE INDEX t_a ON t (a);
ANALYZE;
SELECT tbl, idx, stat FROM sqlite_stat1 ORDER BY tbl, idx;
ANALYZE t;
VACUUM;
SELECT 1;
VALUES (1, 'a'), (2, 'b');
-- error
SELECT * FROM (VALUES (1), (2)) AS v(x);
SELECT column1, column2 FROM (VALUES (3, 'c'));
SELECT 1 AS "quoted alias", 2 AS [bracket alias], 3 AS `tick alias`, 4 AS 'single alias';
-- error
SELECT a AS x, x + 1 FROM t WHERE x > 1;
SELECT a AS x FROM t WHERE x > 1 ORDER BY x, id;
SELECT t.*, 'const' FROM t WHERE id = 1;
SELECT rowid, _rowid_, oid, id FROM t ORDER BY rowid;
SELECT a + 1, b || 'q', count(*) OVER () FROM t WHERE id = 2;
SELECT max(id), b FROM t;
SELECT DISTINCT a FROM t ORDER BY a;
SELECT ALL a FROM t;
SELECT a FROM t INDEXED BY t_a WHERE a = 2;
SELECT a FROM t NOT INDEXED WHERE a = 2;
-- error
SELECT a FROM t INDEXED BY nope WHERE a = 2;
SELECT CURRENT_DATE IS NOT NULL, length(CURRENT_TIME), length(CURRENT_TIMESTAMP);
SELECT main.t.a FROM main.t WHERE id = 3;
SELECT 'a' 'b';
SELECT sqlite_compileoption_used('ENABLE_UPDATE_DELETE_LIMIT') IN (0, 1);
SELECT x'', X'AbCd', typeof(x'');
