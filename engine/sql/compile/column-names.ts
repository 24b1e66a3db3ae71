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
export function uniqueColumnNames(names: readonly string[]): string[] {
  const seen = new Set<string>();
  const out = new Array<string>(names.length);
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
    out[i] = name;
  }
  return out;
}

/** Whether every name differs from the others (case-insensitively): the common case, no copy needed. */
export function namesAreUnique(names: readonly string[]): boolean {
  if (names.length < 2) return true;
  const seen = new Set<string>();
  for (const n of names) {
    const k = n.toLowerCase();
    if (seen.has(k)) return false;
    seen.add(k);
  }
  return true;
}
