CREATE TABLE t (id INTEGER PRIMARY KEY, grp TEXT, v INT, w REAL);
INSERT INTO t (grp, v, w) VALUES ('a', 1, 0.5), ('a', 2, 1.5), ('b', 3, 2.5), ('b', 4, NULL), ('c', 5, 4.5), ('c', NULL, 5.5);
UPDATE t SET v = v * 10 WHERE grp = 'a';
SELECT changes();
UPDATE t SET v = v + 1, w = coalesce(w, 0) + 1 WHERE id IN (3, 4);
SELECT * FROM t ORDER BY id;
UPDATE t SET grp = upper(grp);
SELECT grp, count(*) FROM t GROUP BY grp ORDER BY grp;
-- UPDATE/DELETE with ORDER BY and LIMIT (enabled in better-sqlite3's build)
UPDATE t SET v = -1 ORDER BY id DESC LIMIT 2;
SELECT id, v FROM t ORDER BY id;
UPDATE t SET w = 0 WHERE v > 0 ORDER BY v LIMIT 1 OFFSET 1;
SELECT id, w FROM t ORDER BY id;
DELETE FROM t WHERE v = -1 ORDER BY id LIMIT 1;
SELECT id FROM t ORDER BY id;
-- UPDATE FROM
CREATE TABLE adj (grp TEXT PRIMARY KEY, delta INT);
INSERT INTO adj VALUES ('A', 100), ('B', 200);
UPDATE t SET v = t.v + adj.delta FROM adj WHERE adj.grp = t.grp;
SELECT id, grp, v FROM t ORDER BY id;
UPDATE t SET v = s.total FROM (SELECT grp, sum(v) AS total FROM t GROUP BY grp) AS s WHERE s.grp = t.grp AND t.grp = 'B';
SELECT id, grp, v FROM t ORDER BY id;
-- row-value and subquery SET
UPDATE t SET (v, w) = (SELECT 7, 7.5) WHERE id = 1;
UPDATE t SET v = (SELECT max(v) FROM t) WHERE id = 2;
SELECT id, v, w FROM t ORDER BY id;
-- error
UPDATE t SET nope = 1;
-- error
UPDATE nope SET v = 1;
-- error
UPDATE t SET (v, w) = (1, 2, 3);
-- error
DELETE FROM nope;
UPDATE t SET v = v WHERE 0;
SELECT changes();
DELETE FROM t WHERE grp = 'C' RETURNING id;
DELETE FROM t;
SELECT changes();
SELECT count(*) FROM t;
UPDATE OR IGNORE adj SET grp = 'A' WHERE grp = 'B';
SELECT * FROM adj ORDER BY grp;
UPDATE OR REPLACE adj SET grp = 'A' WHERE grp = 'B';
SELECT * FROM adj ORDER BY grp;
