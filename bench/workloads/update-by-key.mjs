import { createStandardTable, prng } from './_data.mjs';

/** 10k UPDATEs by INTEGER PRIMARY KEY in one transaction. */
export default {
  name: 'update-by-key',
  title: 'Update of 10k rows by key (one transaction)',
  bar: 2,
  setup(db, ctx) {
    createStandardTable(db, 't', ctx.rows);
    const rnd = prng(9);
    ctx.keys = Array.from({ length: Math.max(1, Math.floor(ctx.rows / 10)) }, () => 1 + Math.floor(rnd() * ctx.rows));
    ctx.stmt = db.prepare('UPDATE t SET a = a + 1, c = c * 0.5 WHERE id = ?');
  },
  run(db, ctx) {
    let changes = 0;
    db.exec('BEGIN');
    for (const k of ctx.keys) changes += ctx.stmt.run(k).changes;
    db.exec('COMMIT');
    return changes;
  },
};
