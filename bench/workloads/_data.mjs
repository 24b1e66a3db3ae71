// Shared data helpers for workloads: a deterministic PRNG and the standard 100k-row table.

/** mulberry32: deterministic pseudo-random numbers in [0, 1). */
export function prng(seed) {
  let s = seed >>> 0;
  return () => {
    let t = (s = (s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Creates `name (id INTEGER PRIMARY KEY, a INT, b TEXT, c REAL)` with `rows` rows in one transaction. */
export function createStandardTable(db, name, rows, seed = 1) {
  const rnd = prng(seed);
  db.exec(`CREATE TABLE ${name} (id INTEGER PRIMARY KEY, a INTEGER, b TEXT, c REAL)`);
  const ins = db.prepare(`INSERT INTO ${name} (id, a, b, c) VALUES (?, ?, ?, ?)`);
  db.exec('BEGIN');
  for (let i = 1; i <= rows; i++) {
    ins.run(i, Math.floor(rnd() * rows), `name-${i % 1000}-${Math.floor(rnd() * 1e6)}`, rnd() * 1000);
  }
  db.exec('COMMIT');
}
