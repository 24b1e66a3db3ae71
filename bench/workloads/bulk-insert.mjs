import { prng } from './_data.mjs';

/** 100k single-row INSERTs through one prepared statement inside one transaction. */
export default {
  name: 'bulk-insert',
  title: 'Bulk insert of 100k rows in one transaction',
  bar: 2,
  setup() {},
  before(db) {
    db.exec('DROP TABLE IF EXISTS bulk');
    db.exec('CREATE TABLE bulk (id INTEGER PRIMARY KEY, a INTEGER, b TEXT, c REAL)');
  },
  run(db, ctx) {
    const rnd = prng(5);
    const ins = db.prepare('INSERT INTO bulk (a, b, c) VALUES (?, ?, ?)');
    db.exec('BEGIN');
    for (let i = 0; i < ctx.rows; i++) ins.run(i, `row-${i}`, rnd());
    db.exec('COMMIT');
    return db.prepare('SELECT count(*) AS n FROM bulk').get().n;
  },
};
