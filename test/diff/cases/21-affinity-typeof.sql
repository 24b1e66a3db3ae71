CREATE TABLE aff (i INTEGER, n NUMERIC, r REAL, t TEXT, b BLOB, none, vc VARCHAR(10), fl FLOATING POINT, dt DATETIME, bo BOOLEAN, ch CHARINT);
INSERT INTO aff VALUES ('12', '12', '12', 12, '12', '12', 12, '12', '2024-01-01', 'true', '7');
INSERT INTO aff VALUES ('12.0', '12.0', 12, 12.0, 12.0, 12.0, 12.5, '1e3', '12', '1', '7.5');
INSERT INTO aff VALUES ('12.5', '1e2', '1e2', 1e2, x'01', x'01', x'01', 'abc', 12.25, 0, 'x');
INSERT INTO aff VALUES (' 7 ', ' 8 ', ' 9 ', ' 10 ', ' 11 ', ' 12 ', '0x10', '-0', '9223372036854775808', '1.0', '00012');
INSERT INTO aff VALUES (9223372036854775807, '9223372036854775807', '9223372036854775807', 9223372036854775807, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
INSERT INTO aff VALUES ('9223372036854775808', '9223372036854775808', '1e400', '-0.0', NULL, -0.0, NULL, '-0.0', '1.50', NULL, NULL);
SELECT i, typeof(i), n, typeof(n), r, typeof(r), t, typeof(t), b, typeof(b), none, typeof(none) FROM aff ORDER BY rowid;
SELECT vc, typeof(vc), fl, typeof(fl), dt, typeof(dt), bo, typeof(bo), ch, typeof(ch) FROM aff ORDER BY rowid;
-- comparisons apply column affinity to the other operand
SELECT rowid FROM aff WHERE i = '12' ORDER BY rowid;
SELECT rowid FROM aff WHERE t = 12 ORDER BY rowid;
SELECT rowid FROM aff WHERE none = '12' ORDER BY rowid;
SELECT rowid FROM aff WHERE n = 12 ORDER BY rowid;
SELECT rowid FROM aff WHERE r > '11' ORDER BY rowid;
SELECT rowid FROM aff WHERE t > 5 ORDER BY rowid;
SELECT rowid FROM aff WHERE i IN ('12', '13') ORDER BY rowid;
SELECT rowid FROM aff WHERE t IN (12, 100) ORDER BY rowid;
SELECT rowid, t BETWEEN 1 AND 20, i BETWEEN '1' AND '20' FROM aff ORDER BY rowid;
SELECT 12 = '12', '12' = 12, CAST(12 AS TEXT) = '12', 12 = 12.0, '12' = '12.0', 1 = '1.0', 12 < '13', '9' > 10;
SELECT (SELECT i FROM aff WHERE rowid = 1) = '12', (SELECT t FROM aff WHERE rowid = 1) = 12, (SELECT t FROM aff WHERE rowid = 1) = '12';
SELECT typeof(1), typeof(1.0), typeof(1e0), typeof(100000000000000000000), typeof('a'), typeof(x''), typeof(NULL), typeof(-0.0), typeof(1 / 2), typeof(1 / 2.0);
SELECT typeof(sum(1)), typeof(sum(1.0)), typeof(avg(1)), typeof(total(1)), typeof(max(1, 2.0)), typeof(min(1, 2.0)), typeof(count(*)) FROM (SELECT 1);
SELECT x, typeof(x) FROM (SELECT 1 AS x UNION ALL SELECT 1.0 UNION ALL SELECT '1' UNION ALL SELECT x'31' UNION ALL SELECT NULL) ORDER BY typeof(x);
SELECT 1 = 1.0, 1 IS 1.0, typeof(1) = typeof(1.0), x'31' = '1', 'a' = x'61', NULL = NULL;
-- storage class ordering: NULL < numbers < text < blob
SELECT v FROM (SELECT x'00' AS v UNION ALL SELECT 'text' UNION ALL SELECT 3 UNION ALL SELECT 2.5 UNION ALL SELECT NULL UNION ALL SELECT -1) ORDER BY v;
SELECT max(v), min(v) FROM (SELECT x'00' AS v UNION ALL SELECT 'text' UNION ALL SELECT 3 UNION ALL SELECT NULL);
-- column affinity in CREATE TABLE AS and views
CREATE TABLE ctas AS SELECT 1 AS a, 1.5 AS b, 'x' AS c, x'00' AS d, NULL AS e, i + 0 AS f, t || '' AS g, CAST(n AS REAL) AS h FROM aff;
SELECT sql FROM sqlite_master WHERE name = 'ctas';
SELECT name, type FROM pragma_table_info('ctas') ORDER BY cid;
-- Integer overflow in SUM vs total, and in expressions
CREATE TABLE big (v INTEGER);
INSERT INTO big VALUES (9223372036854775807), (1);
-- error
SELECT sum(v) FROM big;
SELECT total(v), avg(v), max(v) + 0.0 FROM big;
INSERT INTO big VALUES (-2);
SELECT sum(v) FROM big WHERE v <> 1;
SELECT v + 1, v * 2, v - -1, -v FROM big WHERE v > 0 ORDER BY v;
-- NULL rules in ORDER BY, DISTINCT, GROUP BY, UNIQUE
CREATE TABLE nul (a INT UNIQUE, b INT);
INSERT INTO nul VALUES (NULL, 1), (NULL, 2), (1, NULL), (2, NULL);
SELECT DISTINCT b IS NULL FROM nul;
SELECT count(*), count(a), count(b), count(DISTINCT a) FROM nul;
SELECT a, count(*) FROM nul GROUP BY a;
SELECT b FROM nul ORDER BY b;
SELECT a IS NULL, count(*) FROM nul GROUP BY 1;
