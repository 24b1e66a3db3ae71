-- A partial index serves a query when a WHERE term implies its WHERE expression
-- (whereUsablePartialIndex / sqlite3ExprImpliesExpr), including `x IS NOT NULL` implied by a
-- comparison, arithmetic, IN or BETWEEN on x, and terms naming the column with a qualifier
CREATE TABLE pi (id INTEGER PRIMARY KEY, a, b, c TEXT COLLATE NOCASE);
CREATE INDEX pi_a ON pi (a) WHERE a IS NOT NULL;
CREATE INDEX pi_b ON pi ((b + 1)) WHERE b IS NOT NULL;
CREATE INDEX pi_c ON pi (c) WHERE c > 'm' OR c IS NULL;
INSERT INTO pi VALUES (1, 5, NULL, 'B'), (2, NULL, 3, 'b'), (3, 7, 1, 'A'), (4, 2, NULL, 'a'), (5, NULL, NULL, NULL), (6, 9, 8, 'zz'), (7, 5, 2, 'b');
EXPLAIN QUERY PLAN SELECT * FROM pi WHERE a > 3;
SELECT * FROM pi WHERE a > 3 ORDER BY id;
EXPLAIN QUERY PLAN SELECT * FROM pi AS p WHERE p.a > 3;
EXPLAIN QUERY PLAN SELECT c, count(*) FROM pi AS p WHERE p.b <= p.id GROUP BY c;
SELECT c, count(*) FROM pi AS p WHERE p.b <= p.id GROUP BY c;
EXPLAIN QUERY PLAN SELECT * FROM pi WHERE a IN (5, 7);
SELECT * FROM pi WHERE a IN (5, 7) ORDER BY id;
EXPLAIN QUERY PLAN SELECT * FROM pi WHERE a + 1 = 6;
SELECT * FROM pi WHERE a + 1 = 6 ORDER BY id;
EXPLAIN QUERY PLAN SELECT * FROM pi WHERE a BETWEEN 1 AND 6;
SELECT * FROM pi WHERE a BETWEEN 1 AND 6 ORDER BY id;
EXPLAIN QUERY PLAN SELECT * FROM pi WHERE NOT (a BETWEEN 1 AND 6);
EXPLAIN QUERY PLAN SELECT * FROM pi WHERE a NOT IN (5, 7);
SELECT * FROM pi WHERE a NOT IN (5, 7) ORDER BY id;
EXPLAIN QUERY PLAN SELECT * FROM pi WHERE c > 'm';
SELECT * FROM pi WHERE c > 'm' ORDER BY id;
EXPLAIN QUERY PLAN SELECT * FROM pi WHERE a * 2 > 4;
EXPLAIN QUERY PLAN SELECT * FROM pi WHERE -a < 0;
EXPLAIN QUERY PLAN SELECT * FROM pi WHERE a IS 5;
