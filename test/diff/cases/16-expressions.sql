-- Row values
SELECT (1, 2) = (1, 2), (1, 2) < (1, 3), (1, NULL) = (1, 2), (1, NULL) IS (1, NULL), (2, 'a') > (1, 'z');
SELECT (1, 2) IN (VALUES (1, 2), (3, 4)), (1, 2) BETWEEN (0, 0) AND (1, 5);
-- error
SELECT (1, 2) = (1, 2, 3);
-- error
SELECT (1, 2) + 1;
-- CASE
SELECT CASE 1 WHEN 1 THEN 'one' WHEN 2 THEN 'two' END, CASE 3 WHEN 1 THEN 'one' ELSE 'other' END, CASE WHEN NULL THEN 1 ELSE 2 END, CASE NULL WHEN NULL THEN 'eq' ELSE 'ne' END;
SELECT CASE WHEN 1 > 0 THEN 1 WHEN 1 / 0 THEN 2 END, CASE 'a' WHEN 'A' THEN 1 ELSE 0 END, CASE 1 WHEN 1.0 THEN 'num' END;
-- CAST
SELECT CAST('12abc' AS INTEGER), CAST('  42  ' AS INTEGER), CAST('0x10' AS INTEGER), CAST('1e3' AS INTEGER), CAST('-' AS INTEGER), CAST(3.99 AS INTEGER), CAST(-3.99 AS INTEGER);
SELECT CAST('1.5e2' AS REAL), CAST('abc' AS REAL), CAST(5 AS REAL), CAST('9223372036854775808' AS INTEGER), CAST(1e20 AS INTEGER), CAST(-1e20 AS INTEGER);
SELECT CAST(12 AS TEXT), CAST(1.0 AS TEXT), CAST(x'414243' AS TEXT), CAST('abc' AS BLOB), CAST(12 AS BLOB), CAST(NULL AS TEXT);
SELECT CAST('12.0' AS NUMERIC), CAST('12.5' AS NUMERIC), CAST('1e2' AS NUMERIC), CAST('abc' AS NUMERIC), CAST('9223372036854775807' AS NUMERIC), CAST('9223372036854775808' AS NUMERIC), CAST(' 7 ' AS NUMERIC);
SELECT CAST(1 AS VARCHAR(3)), CAST('5' AS FLOATING), CAST('5' AS CHARINT), CAST('5' AS BOOL), CAST('5' AS DATE), typeof(CAST('5' AS NONSENSE));
SELECT CAST(0.1 + 0.2 AS TEXT), CAST(1e100 AS TEXT), CAST(-0.0 AS TEXT), CAST(123456789012345678 AS REAL), 1e15, 1e16, 123456789.123456789;
-- LIKE / GLOB
SELECT 'abc' LIKE 'a%', 'ABC' LIKE 'a%', 'abc' LIKE 'a_c', 'abc' LIKE '%B%', 'a%c' LIKE 'a\%c' ESCAPE '\', 'axc' LIKE 'a\%c' ESCAPE '\';
SELECT 'é' LIKE 'É', 'ß' LIKE 'SS', NULL LIKE 'a', 'a' LIKE NULL, 'abc' NOT LIKE 'a%', 123 LIKE '1%', 'line
break' LIKE 'line_break';
SELECT 'abc' GLOB 'a*', 'ABC' GLOB 'a*', 'abc' GLOB 'a?c', 'abc' GLOB '[a-c]bc', 'xbc' GLOB '[^a]bc', 'a*c' GLOB 'a[*]c', 'abc' NOT GLOB '*d';
SELECT like('a%', 'abc'), glob('a*', 'abc'), like('a!%', 'a%', '!');
-- error
SELECT 'a' LIKE 'a' ESCAPE 'ab';
-- error
SELECT 'a' REGEXP 'a';
-- IS [NOT] DISTINCT FROM, IS, NULL logic
SELECT 1 IS DISTINCT FROM 1, 1 IS DISTINCT FROM NULL, NULL IS DISTINCT FROM NULL, 1 IS NOT DISTINCT FROM 1, NULL IS NOT DISTINCT FROM NULL;
SELECT NULL = NULL, NULL IS NULL, NULL IS NOT NULL, 1 IS 1, 1 IS NOT 2, NULL ISNULL, 5 NOTNULL, 5 NOT NULL;
SELECT NULL AND 0, NULL AND 1, NULL OR 1, NULL OR 0, NOT NULL, 0 AND 1 / 0, 1 OR 1 / 0;
SELECT 1 IN (1, NULL), 2 IN (1, NULL), 2 NOT IN (1, NULL), NULL IN (), 1 IN (), 1 NOT IN ();
SELECT NULL + 1, NULL || 'a', -NULL, abs(NULL), coalesce(NULL, NULL, 3), ifnull(NULL, 'x'), nullif(1, 1), nullif(1, 2);
-- Arithmetic and operators
SELECT 7 / 2, 7 / 2.0, -7 / 2, 7 % 3, -7 % 3, 7.5 % 2, 1 / 0, 1 % 0, 1.0 / 0, 0.0 / 0;
SELECT 5 & 3, 5 | 3, ~5, 1 << 3, -8 >> 1, 1 << 64, 1 << -1, 1 << 63;
SELECT 'a' || 'b' || 1 || 2.5 || NULL, 'x' || x'41', 1 || 1;
SELECT 2 + 3 * 4, (2 + 3) * 4, 2 - -3, - - 3, +'5', -'5', -'abc', 10 - 2 - 3;
SELECT 1 < 2 < 3, 3 > 2 > 1, 1 = 1 = 1, 'a' < 'b', 'a' < 'B', 1 < 'a', x'00' > 'zzz', 1 < x'00';
SELECT 1 BETWEEN 0 AND 2, 5 NOT BETWEEN 1 AND 3, 'b' BETWEEN 'a' AND 'c', NULL BETWEEN 1 AND 2, 2 BETWEEN 3 AND 1;
SELECT 1 == 1, 1 != 2, 1 <> 1, TRUE, FALSE, TRUE + TRUE, 'true' = TRUE;
SELECT 0x10, 0xFF + 1, 0x7FFFFFFFFFFFFFFF, 0xFFFFFFFFFFFFFFFF, 1_000, 1e-3, .5, 5., 1E2;
-- error
SELECT 0x;
-- error
SELECT "no_such_column";
-- error
SELECT 1 +;
-- error
SELECT * ;
-- error
SELECT 'unterminated;
