import { createStandardTable } from './_data.mjs';

/** Full table scan with a filter and count(*), 10 times per run. */
export default {
  name: 'scan-count',
  title: 'Full scan with filter and count (100k rows, 10 scans)',
  bar: 1.5,
  setup(db, ctx) {
    createStandardTable(db, 't', ctx.rows);
    ctx.stmt = db.prepare('SELECT count(*) AS n FROM t WHERE c > ? AND a % 3 = 0');
  },
  run(db, ctx) {
    let n = 0;
    for (let i = 0; i < 10; i++) n += ctx.stmt.get(i * 50).n;
    return n;
  },
};
