CREATE TABLE emp (id INTEGER PRIMARY KEY, name TEXT, dept INT, sal INT);
CREATE TABLE dept (id INTEGER PRIMARY KEY, dname TEXT);
INSERT INTO dept VALUES (1, 'eng'), (2, 'ops'), (3, 'empty');
INSERT INTO emp (name, dept, sal) VALUES ('a', 1, 100), ('b', 1, 200), ('c', 2, 150), ('d', NULL, 50), ('e', 2, NULL);
SELECT name, (SELECT dname FROM dept WHERE dept.id = emp.dept) AS dname FROM emp;
SELECT name FROM emp WHERE sal > (SELECT avg(sal) FROM emp);
SELECT name FROM emp e WHERE sal = (SELECT max(sal) FROM emp WHERE dept = e.dept);
SELECT dname FROM dept d WHERE EXISTS (SELECT 1 FROM emp WHERE dept = d.id);
SELECT dname FROM dept d WHERE NOT EXISTS (SELECT 1 FROM emp WHERE dept = d.id);
SELECT name FROM emp WHERE dept IN (SELECT id FROM dept WHERE dname LIKE 'e%');
SELECT name FROM emp WHERE dept NOT IN (SELECT id FROM dept WHERE dname = 'ops');
SELECT name FROM emp WHERE dept NOT IN (SELECT dept FROM emp WHERE name = 'd');
SELECT 1 IN (SELECT NULL), 1 NOT IN (SELECT NULL), NULL IN (SELECT 1 WHERE 0), 1 IN (SELECT 1 UNION SELECT NULL);
SELECT name, sal, (SELECT count(*) FROM emp e2 WHERE e2.sal > e1.sal) AS rank_above FROM emp e1;
SELECT (SELECT 1 WHERE 0), (SELECT 5), (SELECT x FROM (SELECT 7 AS x));
SELECT d.dname, s.total FROM dept d JOIN (SELECT dept, sum(sal) AS total FROM emp GROUP BY dept) s ON s.dept = d.id;
SELECT * FROM (SELECT name, sal * 2 AS dbl FROM emp) WHERE dbl > 200;
SELECT name FROM emp WHERE (dept, sal) IN (SELECT dept, max(sal) FROM emp GROUP BY dept);
-- error
SELECT name FROM emp WHERE sal > ALL (SELECT sal FROM emp);
SELECT name, EXISTS (SELECT 1 FROM dept WHERE id = emp.dept AND dname = 'eng') AS in_eng FROM emp;
SELECT dname, (SELECT group_concat(name, ',') FROM (SELECT name FROM emp WHERE dept = dept.id ORDER BY name)) FROM dept;
-- error
SELECT (SELECT 1, 2);
-- error
SELECT 1 IN (SELECT 1, 2);
SELECT name FROM emp WHERE sal IN (100, 200, NULL);
SELECT count(*) FROM emp WHERE sal NOT IN (100, NULL);
SELECT name FROM emp WHERE id IN (SELECT id FROM emp ORDER BY sal DESC LIMIT 2);
SELECT (SELECT sal FROM emp ORDER BY sal DESC NULLS LAST LIMIT 1 OFFSET 1);
SELECT name FROM emp WHERE EXISTS (SELECT 1) AND sal IS NOT NULL;
