/**
 * The column names of a subquery, view, CTE or CREATE TABLE ... AS SELECT as a FROM source or a
 * new table sees them: SQLite's sqlite3ColumnsFromExprList makes them unique, case-insensitively,
 * by appending ":N" (a name that already ends in ":digits" has that suffix replaced), N counting
 * up from 1 for each name until it no longer collides. A result set read directly keeps its
 * duplicate names (`SELECT * FROM t, t AS u` has two columns `v`).
 *
 * Deviation: after 3 collisions of one name SQLite continues with random numbers; this counts on,
 * so names stay deterministic (docs/compat.md).
 */
export function uniqueColumnNames(names: readonly string[]): readonly string[] {
  const seen = new Set<string>();
  let out: string[] | null = null;
  for (let i = 0; i < names.length; i++) {
    let name = names[i];
    let cnt = 0;
    while (seen.has(name.toLowerCase())) {
      let n = name.length;
      if (n > 0) {
        let j = n - 1;
        while (j > 0 && name.charCodeAt(j) >= 48 && name.charCodeAt(j) <= 57) j--;
        if (name[j] === ':') n = j;
      }
      name = `${name.slice(0, n)}:${++cnt}`;
    }
    seen.add(name.toLowerCase());
    if (name !== names[i]) (out ??= names.slice())[i] = name;
  }
  // the common case, every name distinct: the same array
  return out ?? names;
}
