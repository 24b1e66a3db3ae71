CREATE TABLE t (g TEXT, v INT, r REAL, s TEXT);
INSERT INTO t VALUES ('a', 1, 0.5, 'x'), ('a', 2, 1.5, 'y'), ('a', 2, NULL, 'x'), ('b', NULL, 2.25, NULL), ('b', 5, 4.0, 'z'), (NULL, 7, 8.0, 'w');
SELECT count(*), count(v), count(DISTINCT v), sum(v), total(v), avg(v), min(v), max(v) FROM t;
SELECT sum(r), avg(r), min(r), max(r), typeof(sum(v)), typeof(total(v)), typeof(avg(v)) FROM t;
SELECT g, count(*), sum(v) FROM t GROUP BY g;
SELECT g, count(*) FROM t GROUP BY g HAVING count(*) > 1;
SELECT g, sum(v) AS sv FROM t GROUP BY g HAVING sv > 3 OR sv IS NULL;
SELECT g, count(DISTINCT s), group_concat(DISTINCT s ORDER BY s) FROM t GROUP BY g;
SELECT g, count(*) FILTER (WHERE v > 1), sum(v) FILTER (WHERE s = 'x') FROM t GROUP BY g;
SELECT sum(v), count(*) FROM t WHERE 0;
SELECT g, max(v), s FROM t WHERE g = 'b' GROUP BY g;
SELECT v % 2 AS parity, count(*) FROM t GROUP BY parity;
SELECT g, s, count(*) FROM t GROUP BY g, s;
SELECT count(*) FROM t GROUP BY g ORDER BY 1 DESC, min(g);
SELECT group_concat(s ORDER BY s DESC) FROM t;
SELECT g, string_agg(s, ';' ORDER BY v DESC, s) FROM t GROUP BY g;
SELECT json_group_array(v ORDER BY v) FROM t;
-- error
SELECT sum(9223372036854775807 - v) FROM t WHERE v IN (1, 2);
SELECT sum(9223372036854775807 - v) FROM t WHERE v = 1;
SELECT total(9223372036854775807), sum(1e308) + sum(1e308);
SELECT avg(DISTINCT v), sum(DISTINCT v) FROM t;
SELECT count() FROM t;
SELECT max(s), min(s) FROM t;
SELECT max(v, 3), min(v, 3) FROM t WHERE v IS NOT NULL;
SELECT g FROM t GROUP BY g HAVING max(r) > 3;
-- error
SELECT sum(v) FROM t WHERE sum(v) > 1;
-- error
SELECT g, count(*) FROM t GROUP BY 3;
-- error
SELECT sum(v, v) FROM t;
-- error
SELECT sum(9223372036854775807) FROM t;
-- error
SELECT count(DISTINCT v, s) FROM t;
SELECT count(*) FROM t HAVING count(*) > 2;
SELECT DISTINCT g FROM t;
SELECT DISTINCT v % 2, s IS NULL FROM t;
