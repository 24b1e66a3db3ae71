-- Windows that differ are computed in nested passes (sqlite3WindowRewrite): the windows identical
-- to the first one in the outer query, the others in a subquery, recursively; each pass sorts
-- (stably) the rows the inner pass produced. sum() sees the rows in that order, which decides
-- whether an intermediate int64 overflow ("integer overflow") happens.
CREATE TABLE t0 (id INTEGER PRIMARY KEY, c0 INTEGER, c1 DATE);
INSERT INTO t0 VALUES (28, -9223372036854775808, '10'), (38, -3, NULL), (51, 9, 3), (57, 11, 15), (58, NULL, 3);
SELECT sum(c0) OVER (), ntile(3) OVER (PARTITION BY c1 ORDER BY id) FROM t0;
SELECT sum(c0) OVER (), max(c0) OVER (ORDER BY c1, id) FROM t0;
-- error
SELECT sum(c0) OVER (), max(c0) OVER (ORDER BY id) FROM t0;
-- error
SELECT sum(c0) OVER (), max(c0) OVER (ORDER BY id), min(c0) OVER (ORDER BY c1 DESC, id) FROM t0;
SELECT sum(c0) OVER (), min(c0) OVER (ORDER BY c1 DESC, id), max(c0) OVER (ORDER BY id) FROM t0;
-- identical windows share one pass; a different frame is another window
SELECT sum(c0) OVER (), count(*) OVER (), row_number() OVER (ORDER BY c1, id) FROM t0;
SELECT sum(c0) OVER (ORDER BY c1, id ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING), rank() OVER (ORDER BY c1, id) FROM t0;
SELECT sum(c0) OVER (ORDER BY c1, id ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING), rank() OVER (ORDER BY id) FROM t0;
-- the output order without ORDER BY is the first window's
SELECT id, c1, row_number() OVER (ORDER BY c1 DESC), row_number() OVER (ORDER BY id DESC) FROM t0;
SELECT id, group_concat(id, ',') OVER (ORDER BY c1 ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING), group_concat(id, ',') OVER () FROM t0 ORDER BY id;
SELECT id, group_concat(id, ',') OVER (), group_concat(id, ',') OVER (ORDER BY c1 DESC ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) FROM t0 ORDER BY id;
SELECT id, group_concat(id, ',') OVER (), group_concat(id, ',') OVER (PARTITION BY c1 IS NULL), group_concat(id, ',') OVER (ORDER BY c1 DESC ROWS UNBOUNDED PRECEDING) FROM t0 ORDER BY id;
