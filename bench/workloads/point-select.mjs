import { createStandardTable, prng } from './_data.mjs';

/** Point select by INTEGER PRIMARY KEY through a prepared statement's get(). */
export default {
  name: 'point-select',
  title: 'Point select by INTEGER PRIMARY KEY (prepared get, 100k rows)',
  bar: 1.5,
  setup(db, ctx) {
    createStandardTable(db, 't', ctx.rows);
    const rnd = prng(7);
    ctx.keys = Array.from({ length: ctx.rows }, () => 1 + Math.floor(rnd() * ctx.rows));
    ctx.stmt = db.prepare('SELECT id, a, b, c FROM t WHERE id = ?');
  },
  run(db, ctx) {
    let sum = 0;
    const { stmt, keys } = ctx;
    for (let i = 0; i < keys.length; i++) sum += stmt.get(keys[i]).a;
    return sum;
  },
};
