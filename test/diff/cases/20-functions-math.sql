-- Values with exact results, or rounded so that last-bit libm differences cannot show.
SELECT sqrt(16), sqrt(2), sqrt(-1), sqrt(0), pow(2, 10), power(2, 0.5), pow(-8, 1.0 / 3), pow(0, 0);
SELECT floor(2.7), floor(-2.7), ceil(2.1), ceiling(-2.1), trunc(2.7), trunc(-2.7), floor(5), typeof(floor(5)), typeof(floor(5.0)), ceil('3.5');
SELECT mod(7, 3), mod(-7, 3), mod(7.5, 2), mod(7, 0), mod(NULL, 1);
SELECT exp(0), ln(1), log(100), log10(1000), log2(8), log(2, 8), log(10, 100), ln(0), ln(-1), log(0);
SELECT round(exp(1), 12), round(ln(10), 12), round(sin(1), 12), round(cos(1), 12), round(tan(1), 12), round(pi(), 12);
SELECT round(asin(0.5), 12), round(acos(0.5), 12), round(atan(1), 12), round(atan2(1, 2), 12), round(sinh(1), 12), round(cosh(1), 12), round(tanh(1), 12);
SELECT round(asinh(1), 12), round(acosh(2), 12), round(atanh(0.5), 12), degrees(pi()), radians(180) = pi(), asin(2), acosh(0.5);
SELECT sin(0), cos(0), atan2(0, 1), sqrt('9'), sqrt('x'), sqrt(NULL), pow(2, 1024), -pow(2, 1024), pi() * 0;
SELECT 9223372036854775807 + 1, 9223372036854775807 * 2, -9223372036854775808 - 1, 9223372036854775807 - -1, -(-9223372036854775808), 4611686018427387904 * 2;
SELECT 9223372036854775807 + 0, 9223372036854775806 + 1, -9223372036854775807 - 1, 3037000499 * 3037000499, 3037000500 * 3037000500;
SELECT 9223372036854775808, -9223372036854775808, typeof(9223372036854775808), typeof(-9223372036854775808), 18446744073709551616;
SELECT 1e308 * 10, -1e308 * 10, 1e-320, 2.2250738585072014e-308, 4.9e-324, 1.7976931348623157e308;
SELECT 0.1 + 0.2, 1.0 / 3, 2.0 / 3, 1e21 + 1, 123456789012345.6, 1.5e-7, 100.0, -0.0, 0.0 = -0.0;
SELECT 9007199254740993, 9007199254740993 + 0.0, 9007199254740992 + 1, CAST(9007199254740993 AS REAL), 2.0 * 4611686018427387904;
SELECT 5 / 2 * 2.0, 10 % 3.5, -10 % 3, 10 % -3, 9223372036854775807 % -1, -9223372036854775808 % -1, -9223372036854775808 / -1;
SELECT abs(-9223372036854775807), 1 / 3, -1 / 3, 7 / -2, (-7) / 2;
