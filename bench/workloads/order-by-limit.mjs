import { createStandardTable } from './_data.mjs';

/** ORDER BY an unindexed column with LIMIT 10 (top-k), 10 times per run. */
export default {
  name: 'order-by-limit',
  title: 'ORDER BY ... LIMIT 10 over 100k rows (unindexed, 10 queries)',
  bar: 1.5,
  setup(db, ctx) {
    createStandardTable(db, 't', ctx.rows);
    ctx.stmt = db.prepare('SELECT id, a, b, c FROM t WHERE a > ? ORDER BY c DESC LIMIT 10');
  },
  run(db, ctx) {
    let sum = 0;
    for (let i = 0; i < 10; i++) for (const r of ctx.stmt.all(i)) sum += r.id;
    return sum;
  },
};
