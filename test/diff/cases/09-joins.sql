CREATE TABLE a (id INTEGER PRIMARY KEY, x INT, name TEXT);
CREATE TABLE b (id INTEGER PRIMARY KEY, a_id INT, x INT, label TEXT);
CREATE TABLE c (x INT, tag TEXT);
INSERT INTO a (x, name) VALUES (1, 'one'), (2, 'two'), (3, 'three'), (NULL, 'null');
INSERT INTO b (a_id, x, label) VALUES (1, 1, 'b1'), (1, 10, 'b2'), (2, 2, 'b3'), (5, NULL, 'b4');
INSERT INTO c VALUES (1, 'c1'), (2, 'c2'), (2, 'c2b'), (NULL, 'cnull');
SELECT a.name, b.label FROM a JOIN b ON b.a_id = a.id;
SELECT a.name, b.label FROM a INNER JOIN b ON b.a_id = a.id AND b.x > 1;
SELECT a.name, b.label FROM a LEFT JOIN b ON b.a_id = a.id;
SELECT a.name, b.label FROM a LEFT OUTER JOIN b ON b.a_id = a.id WHERE b.id IS NULL;
SELECT a.name, b.label FROM a RIGHT JOIN b ON b.a_id = a.id;
SELECT a.name, b.label FROM a FULL JOIN b ON b.a_id = a.id;
SELECT a.name, b.label FROM a FULL OUTER JOIN b ON b.a_id = a.id WHERE a.id IS NULL OR b.id IS NULL;
SELECT a.name, c.tag FROM a CROSS JOIN c WHERE a.id <= 2;
SELECT a.name, c.tag FROM a, c WHERE a.x = c.x;
SELECT * FROM a NATURAL JOIN c;
SELECT * FROM a JOIN c USING (x);
SELECT x, name, tag FROM a LEFT JOIN c USING (x);
SELECT * FROM a NATURAL LEFT JOIN b;
SELECT * FROM c RIGHT JOIN a USING (x);
SELECT * FROM c FULL JOIN a USING (x);
SELECT a.name, b.label, c.tag FROM a JOIN b ON b.a_id = a.id LEFT JOIN c ON c.x = b.x;
SELECT a1.name, a2.name FROM a a1 JOIN a a2 ON a1.x < a2.x;
SELECT a.name, b.label FROM a LEFT JOIN b ON b.a_id = a.id AND b.label = 'b2';
SELECT a.name, b.label FROM a LEFT JOIN b ON b.a_id = a.id WHERE b.label = 'b2';
SELECT a.name, t.cnt FROM a JOIN (SELECT a_id, count(*) AS cnt FROM b GROUP BY a_id) t ON t.a_id = a.id;
SELECT * FROM a JOIN b ON 1 WHERE a.id = 1 AND b.id = 1;
SELECT a.name FROM a LEFT JOIN b ON a.id = b.a_id GROUP BY a.name HAVING count(b.id) = 0;
-- error
SELECT x FROM a JOIN b ON a.id = b.a_id;
-- error
SELECT * FROM a JOIN b USING (nope);
-- error
SELECT * FROM a JOIN missing ON 1;
SELECT * FROM a JOIN b USING (x) JOIN c USING (x);
SELECT a.x, b.x FROM a JOIN b USING (x) ORDER BY 1;
SELECT count(*) FROM a, b, c;
SELECT a.name, b.label FROM a JOIN b ON a.id = b.a_id ORDER BY b.label DESC;

-- Join order (wherePathSolver) decides which of two SQL-equal values DISTINCT keeps: SQLite
-- scans jo_a outside (its path costs less in total although jo_b is the cheaper scan).
CREATE TABLE jo_a (x, pad TEXT);
INSERT INTO jo_a VALUES (0, 'a'), (1.0, 'b');
CREATE TABLE jo_b (k INTEGER PRIMARY KEY, y) WITHOUT ROWID;
INSERT INTO jo_b VALUES (1, 0), (2, 1);
SELECT v, typeof(v) FROM (SELECT DISTINCT a.x + b.y AS v FROM jo_b AS b, jo_a AS a);
SELECT typeof(a.x + b.y) FROM jo_b AS b, jo_a AS a;
