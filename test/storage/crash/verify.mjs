// Shared verification for crash tests (used by the vitest test and crash-long.mjs).
// Returns the last committed txn found; throws on any violation.
export function verifyGroups(storage, acked, root = 2) {
  const view = storage.read();
  const c = view.openTable(root).cursor();
  const groups = new Map();
  for (let ok = c.first(); ok; ok = c.next()) {
    const rec = c.record();
    const T = Number(rec[0]);
    const rowid = Number(c.rowid());
    if (Math.floor(rowid / 1000) !== T) throw new Error(`row ${rowid} has txn ${T}`);
    if (rec[1] === -1) throw new Error(`rolled-back savepoint row ${rowid} is visible`);
    const g = groups.get(T) ?? { n: Number(rec[1]), seen: 0 };
    g.seen++;
    groups.set(T, g);
  }
  let last = 0;
  for (const [T, g] of groups) {
    if (g.seen !== g.n) throw new Error(`partial transaction ${T}: ${g.seen} of ${g.n} rows`);
    if (T > last) last = T;
  }
  if (last < acked) throw new Error(`acknowledged commit ${acked} lost (last found ${last})`);
  if (last > acked + 1) throw new Error(`found txn ${last} beyond acknowledged ${acked} + 1`);
  for (let T = 1; T <= last; T++) {
    const shouldExist = T > last - 5;
    if (shouldExist !== groups.has(T)) throw new Error(`txn ${T} ${shouldExist ? 'missing' : 'present but deleted by txn ' + (T + 5)}`);
  }
  return last;
}
