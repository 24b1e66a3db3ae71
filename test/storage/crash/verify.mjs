// Shared verification for crash tests (used by the vitest test and crash-long.mjs).
// Returns the last committed txn found; throws on any violation.
export function verifyGroups(storage, acked, root = 2) {
  const view = storage.read();
  const c = view.openTable(root).cursor();
  const groups = new Map();
  let overwrittenBy = 0;
  const firstPayload = new Map();
  for (let ok = c.first(); ok; ok = c.next()) {
    const rec = c.record();
    const T = Number(rec[0]);
    const rowid = Number(c.rowid());
    if (Math.floor(rowid / 1000) !== T) throw new Error(`row ${rowid} has txn ${T}`);
    if (rec[1] === -1) throw new Error(`rolled-back savepoint row ${rowid} is visible`);
    const g = groups.get(T) ?? { n: Number(rec[1]), seen: 0 };
    g.seen++;
    groups.set(T, g);
    // a payload overwritten by transaction U ("u<U>.", child.mjs): U must be committed whole
    const p = rec[3];
    if (typeof p === 'string' && p.startsWith('u')) overwrittenBy = Math.max(overwrittenBy, Number(p.slice(1, p.indexOf('.'))));
    if (rowid % 1000 === 0) firstPayload.set(T, p);
  }
  let last = 0;
  for (const [T, g] of groups) {
    if (g.seen !== g.n) throw new Error(`partial transaction ${T}: ${g.seen} of ${g.n} rows`);
    if (T > last) last = T;
  }
  if (last < acked) throw new Error(`acknowledged commit ${acked} lost (last found ${last})`);
  if (overwrittenBy > last) throw new Error(`an overwrite by transaction ${overwrittenBy} is visible, but its rows are not (last ${last})`);
  // with child.mjs's overwrites: transaction T+1 rewrote row 0 of group T (a short payload)
  for (const [T, p] of firstPayload) {
    if (T + 1 > last || typeof p !== 'string' || p.length >= 100 || p.length < `u${T + 1}.`.length) continue;
    if (!p.startsWith(`u${T + 1}.`)) throw new Error(`row ${T * 1000} lost the overwrite of committed transaction ${T + 1}: ${p}`);
  }
  if (last > acked + 1) throw new Error(`found txn ${last} beyond acknowledged ${acked} + 1`);
  for (let T = 1; T <= last; T++) {
    const shouldExist = T > last - 5;
    if (shouldExist !== groups.has(T)) throw new Error(`txn ${T} ${shouldExist ? 'missing' : 'present but deleted by txn ' + (T + 5)}`);
  }
  return last;
}
