SELECT abs(-5), abs(5.5), abs('-3'), abs('x'), abs(-0.0), length('héllo'), length(x'0001'), length(123), length(1.50), length(NULL);
SELECT lower('ÀBC'), upper('àbc'), upper('straße'), lower('MiXeD');
SELECT substr('hello', 2), substr('hello', 2, 3), substr('hello', -3), substr('hello', -3, 2), substr('hello', 0, 2), substr('hello', 10), substr('héllo', 2, 2), substr(x'01020304', 2, 2), substring('hello', 1, 1);
SELECT substr('hello', 3, -2), substr('hello', -10, 3);
SELECT trim('  ab  '), ltrim('  ab  '), rtrim('  ab  '), trim('xxabxx', 'x'), ltrim('abcab', 'ab'), rtrim('abcba', 'ab');
SELECT instr('hello', 'l'), instr('hello', 'z'), instr('hello', ''), instr(x'010203', x'03'), instr(NULL, 'a');
SELECT replace('aaa', 'a', 'bb'), replace('abc', '', 'x'), replace('abc', 'b', NULL), replace(123, 2, 9);
SELECT hex('abc'), hex(x'00ff'), hex(12), hex(1.5), hex(NULL), unhex('616263'), unhex('6 1'), unhex('61-62', '-');
SELECT quote('it''s'), quote(12), quote(1.5), quote(x'0aff'), quote(NULL), quote(1e300);
SELECT typeof(1), typeof(1.0), typeof('1'), typeof(x'01'), typeof(NULL), typeof(1 + 1.0), typeof('1' + 1), typeof(9223372036854775807 + 1);
SELECT coalesce(NULL, 2, 3), ifnull(NULL, NULL), iif(1, 'y', 'n'), iif(0, 'y', 'n'), iif(NULL, 'y', 'n'), if(1 > 2, 'a', 'b');
SELECT min(3, 1, 2), max(3, 1, 2), min('a', 'B'), max(1, 'a', x'00'), min(1, NULL), max(NULL, 2);
SELECT round(2.5), round(-2.5), round(3.14159, 2), round(1234.5678, -1), round(0.5), round(1.005, 2), round(5), round('3.7'), round(2.675, 2);
SELECT sign(-3), sign(0), sign(2.5), sign('x'), sign(NULL);
SELECT unicode('A'), unicode('é'), unicode(''), char(72, 105), char(233, 0x1F600), char();
SELECT printf('%d|%5d|%-5d|%05d', 42, 42, 42, 42), printf('%.2f|%10.3f|%e|%g', 3.14159, 2.5, 12345.678, 0.0001), printf('%s|%10s|%-10s|', 'a', 'b', 'c');
SELECT printf('%x|%X|%o|%c|%%|%q|%Q|%w', 255, 255, 8, 'xyz', 'it''s', 'it''s', 'a"b'), printf('%d', '12abc'), printf('%s %s', 1), format('%.1f', 2.25);
SELECT printf('%,d', 1234567), printf('%!.3g', 1.0), printf('%.3s', 'abcdef'), printf('%lld', 9223372036854775807), printf('%5.1f%%', 99.44);
SELECT concat('a', 1, NULL, 2.5), concat_ws('-', 'a', NULL, 'b', 3), concat_ws(NULL, 'a');
SELECT zeroblob(3), length(zeroblob(5)), typeof(randomblob(4)), length(randomblob(7));
SELECT nullif('a', 'A'), likely(5), unlikely(6), likelihood(7, 0.5), soundex('Robert'), soundex('');
SELECT octet_length('héllo'), octet_length(x'0102'), octet_length(12), ltrim(' x'), glob('*', '');
SELECT sqlite_version() IS NOT NULL, typeof(changes()), last_insert_rowid();
-- error
SELECT nope(1);
-- error
SELECT abs(1, 2);
-- error
SELECT substr('a');
-- error
SELECT char(1) FILTER (WHERE 1);
-- error
SELECT likelihood(1, 2);
-- error
SELECT abs(-9223372036854775808);
-- char() of a surrogate code point: one character reading back as U+FFFD (hex() differs: docs/compat.md)
SELECT length(char(55296)), unicode(char(55296)), length(char(56320, 65)), unicode(char(56320, 65)), length(char(55357, 56832)), instr(char(55357, 56832, 66), 'B'), substr(char(55296, 67), 2);
