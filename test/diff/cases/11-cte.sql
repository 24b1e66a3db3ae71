CREATE TABLE edges (src INT, dst INT);
INSERT INTO edges VALUES (1, 2), (2, 3), (3, 4), (2, 5), (5, 1);
WITH x AS (SELECT 1 AS a, 'one' AS b) SELECT * FROM x;
WITH x(a, b) AS (VALUES (1, 2), (3, 4)) SELECT a + b FROM x;
WITH x AS (SELECT src FROM edges), y AS (SELECT src * 10 AS s FROM x) SELECT s FROM y;
WITH RECURSIVE cnt(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM cnt WHERE n < 10) SELECT n FROM cnt;
WITH RECURSIVE cnt(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM cnt LIMIT 5) SELECT sum(n) FROM cnt;
WITH RECURSIVE reach(node) AS (SELECT 1 UNION SELECT dst FROM edges JOIN reach ON src = node) SELECT node FROM reach;
WITH RECURSIVE path(node, depth, trail) AS (SELECT 1, 0, '1' UNION ALL SELECT dst, depth + 1, trail || '>' || dst FROM edges JOIN path ON src = node WHERE depth < 4) SELECT node, depth, trail FROM path ORDER BY depth, trail;
WITH RECURSIVE fib(a, b, i) AS (SELECT 0, 1, 0 UNION ALL SELECT b, a + b, i + 1 FROM fib WHERE i < 90) SELECT a, typeof(a) FROM fib WHERE i IN (10, 50, 90);
WITH RECURSIVE fact(n, f) AS (SELECT 1, 1 UNION ALL SELECT n + 1, f * (n + 1) FROM fact WHERE n < 25) SELECT n, f, typeof(f) FROM fact WHERE n >= 19;
WITH RECURSIVE t(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM t WHERE x < 3) SELECT a.x, b.x FROM t a, t b WHERE a.x < b.x;
WITH m AS MATERIALIZED (SELECT src, count(*) AS n FROM edges GROUP BY src) SELECT * FROM m WHERE n > 1;
WITH m AS NOT MATERIALIZED (SELECT dst FROM edges) SELECT count(*) FROM m;
WITH a AS (SELECT 1 AS v), b AS (SELECT v + 1 AS v FROM a) SELECT * FROM a UNION ALL SELECT * FROM b;
SELECT * FROM (WITH q AS (SELECT 42 AS z) SELECT z FROM q);
WITH RECURSIVE digits(d) AS (SELECT 0 UNION ALL SELECT d + 1 FROM digits WHERE d < 9) SELECT group_concat(d, '') FROM (SELECT d FROM digits ORDER BY d DESC);
WITH x AS (SELECT src, dst FROM edges) INSERT INTO edges SELECT dst, src FROM x WHERE src = 1;
WITH x AS (SELECT 3 AS s) DELETE FROM edges WHERE src IN (SELECT s FROM x);
WITH x AS (SELECT 99 AS d) UPDATE edges SET dst = (SELECT d FROM x) WHERE src = 5;
SELECT * FROM edges;
-- error
WITH x AS (SELECT 1) SELECT * FROM y;
-- error
WITH x(a, b) AS (SELECT 1) SELECT * FROM x;
-- error
WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT max(n) + 1 FROM r WHERE n < 3) SELECT * FROM r;
-- error
WITH x AS (SELECT 1), x AS (SELECT 2) SELECT * FROM x;
