import { prng } from './_data.mjs';

/** Join of a 100k-row fact table to a 1,000-row dimension, then GROUP BY. */
export default {
  name: 'join-group-by',
  title: 'Join + GROUP BY (100k orders x 1k customers)',
  bar: 2,
  setup(db, ctx) {
    const rnd = prng(3);
    db.exec('CREATE TABLE customers (id INTEGER PRIMARY KEY, region TEXT)');
    db.exec('CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER, amount INTEGER)');
    const c = db.prepare('INSERT INTO customers VALUES (?, ?)');
    const o = db.prepare('INSERT INTO orders VALUES (?, ?, ?)');
    db.exec('BEGIN');
    for (let i = 1; i <= 1000; i++) c.run(i, `region-${i % 17}`);
    for (let i = 1; i <= ctx.rows; i++) o.run(i, 1 + Math.floor(rnd() * 1000), Math.floor(rnd() * 500));
    db.exec('COMMIT');
    ctx.stmt = db.prepare(
      'SELECT c.region, count(*) AS n, sum(o.amount) AS total FROM orders o JOIN customers c ON c.id = o.customer_id GROUP BY c.region ORDER BY c.region',
    );
  },
  run(db, ctx) {
    let sum = 0;
    for (const r of ctx.stmt.all()) sum += r.n + r.total;
    return sum;
  },
};
