CREATE TABLE emp (id INTEGER PRIMARY KEY, name TEXT, dept TEXT, salary INT);
INSERT INTO emp (name, dept, salary) VALUES ('ann', 'eng', 100), ('bob', 'eng', 80), ('cy', 'ops', 70), ('di', NULL, 50);
CREATE VIEW v_eng AS SELECT id, name, salary FROM emp WHERE dept = 'eng';
SELECT * FROM v_eng ORDER BY id;
CREATE VIEW v_dept (d, total, n) AS SELECT dept, sum(salary), count(*) FROM emp GROUP BY dept;
SELECT * FROM v_dept ORDER BY d;
SELECT d, total FROM v_dept WHERE total > 60 ORDER BY d;
CREATE VIEW v_join AS SELECT e.name, d.total FROM emp e JOIN v_dept d ON e.dept = d.d;
SELECT * FROM v_join ORDER BY name;
CREATE TEMP VIEW v_tmp AS SELECT 1 AS one, 'two' AS two;
SELECT * FROM v_tmp;
CREATE VIEW IF NOT EXISTS v_eng AS SELECT 1;
-- error
CREATE VIEW v_eng AS SELECT 1;
-- error
INSERT INTO v_eng (name) VALUES ('x');
-- error
UPDATE v_eng SET name = 'x';
-- error
DELETE FROM v_eng;
CREATE VIEW v_bad (a, b) AS SELECT 1;
-- error
SELECT * FROM v_bad;
SELECT name, type, sql FROM sqlite_master WHERE type = 'view' ORDER BY name;
DROP VIEW v_join;
-- error
DROP VIEW v_join;
DROP VIEW IF EXISTS v_join;
-- error
DROP TABLE v_eng;
-- error
DROP VIEW emp;
CREATE VIEW v_star AS SELECT * FROM emp;
SELECT * FROM v_star WHERE id = 2;
CREATE VIEW v_missing AS SELECT * FROM nope;
-- error
SELECT * FROM v_missing;
DROP VIEW v_missing;
DROP VIEW v_bad;
