import { prng } from './_data.mjs';

/**
 * Single-row INSERTs, each its own (autocommit) transaction, on a WAL file at the given
 * synchronous level (the harness opens both sides with it). Reports the time per insert.
 */
function autocommitInsert(level) {
  return {
    name: `insert-${level.toLowerCase()}`,
    title: `Autocommit single-row insert, synchronous=${level} (2,000 inserts)`,
    suite: 'storage',
    modes: ['file'],
    synchronous: level,
    unit: 'µs/insert',
    bar: 2,
    setup(db, ctx) {
      ctx.inserts = Math.max(10, Math.round(2000 * ctx.scale));
    },
    before(db) {
      db.exec('DROP TABLE IF EXISTS ins');
      db.exec('CREATE TABLE ins (id INTEGER PRIMARY KEY, a INTEGER, b TEXT)');
    },
    run(db, ctx) {
      const rnd = prng(17);
      const ins = db.prepare('INSERT INTO ins (a, b) VALUES (?, ?)');
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < ctx.inserts; i++) ins.run(Math.floor(rnd() * 1e9), `row-${i}`);
      const us = Number(process.hrtime.bigint() - t0) / 1e3 / ctx.inserts;
      const r = db.prepare('SELECT count(*) AS n, sum(a) AS s FROM ins').get();
      return { value: us, checksum: `${r.n}/${r.s}` };
    },
  };
}

export const insertNormal = autocommitInsert('NORMAL');
export const insertFull = autocommitInsert('FULL');
