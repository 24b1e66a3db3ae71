import { createStandardTable, prng } from './_data.mjs';

/** Range select on a secondary index: 1,000 queries returning ~100 rows each. */
export default {
  name: 'range-select',
  title: 'Indexed range select (1,000 ranges of ~100 rows over 100k rows)',
  bar: 1.5,
  setup(db, ctx) {
    createStandardTable(db, 't', ctx.rows);
    db.exec('CREATE INDEX t_a ON t (a)');
    const rnd = prng(11);
    ctx.starts = Array.from({ length: 1000 }, () => Math.floor(rnd() * ctx.rows));
    ctx.stmt = db.prepare('SELECT id, a FROM t WHERE a BETWEEN ? AND ?');
  },
  run(db, ctx) {
    let n = 0;
    for (const s of ctx.starts) n += ctx.stmt.all(s, s + 100).length;
    return n;
  },
};
