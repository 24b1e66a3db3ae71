// Knex on heliosdb-lite: CRUD, a VECTOR column with nearest-neighbour search (HNSW index), and AS OF
// reads of an earlier transaction. Run with `npm run build && node examples/orm-knex.mjs`.
// 'heliosdb-lite/knex' resolves inside this repository too (Node's package self-reference).
import knex from 'knex';
import { HeliosKnexClient, asOf, bound, fromVectorBlob, toVectorBlob, vectorDistance } from 'heliosdb-lite/knex';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'helios-knex-')), 'app.db');
const db = knex({
  client: HeliosKnexClient,
  connection: { filename: file },
  useNullAsDefault: true,
  pool: {
    afterCreate(conn, done) {
      // keep an hour of history: AS OF can read it (bound() instances reuse this hook on read-only connections)
      if (!conn.readonly) conn.pragma('helios_retention = 3600');
      done(null, conn);
    },
  },
});

await db.schema.createTable('docs', (t) => {
  t.increments('id');
  t.string('title').notNullable();
  t.specificType('embedding', 'VECTOR(3)').notNullable();
});
await db.raw("CREATE INDEX docs_embedding ON docs USING hnsw (embedding) WITH (metric = 'cosine')");

// Create
const ids = await db('docs')
  .insert([
    { title: 'Cats purr', embedding: toVectorBlob([0.9, 0.1, 0.0]) },
    { title: 'Dogs bark', embedding: toVectorBlob([0.8, 0.3, 0.1]) },
    { title: 'Stocks fell', embedding: toVectorBlob([0.0, 0.2, 0.9]) },
    { title: 'Bonds rallied', embedding: toVectorBlob([0.1, 0.1, 0.95]) },
  ])
  .returning('id');
console.log('created ids:', ids.map((r) => r.id));
const [{ txn: before }] = await db.raw('SELECT helios_txn() AS txn'); // the point to travel back to

// Update, delete, read
await db('docs').where({ id: 2 }).update({ title: 'Dogs bark loudly' });
await db('docs').where({ id: 4 }).del();
const rows = await db('docs').select('id', 'title', 'embedding').orderBy('id');
console.log('docs:', rows.map((d) => `${d.id} ${d.title} [${Array.from(fromVectorBlob(d.embedding)).map((x) => x.toFixed(2))}]`));

// Nearest neighbours of a query vector (cosine distance, smaller is closer)
const nearest = await db('docs').select('title', vectorDistance(db, 'embedding', [1, 0.2, 0], 'cosine', 'distance')).orderBy('distance').limit(2);
console.log('nearest:', nearest.map((r) => `${r.title} (${r.distance.toFixed(4)})`));

// Time travel: a table as of a transaction, composed with the query builder
const then = await db.select('d.id', 'd.title').from(asOf(db, 'docs as d', { transaction: before })).orderBy('d.id');
console.log(`as of transaction ${before}:`, then.map((r) => r.title));
// A whole Knex instance bound to that transaction (read-only)
const old = await bound(db, { asOf: { transaction: before } });
const [oldNearest] = await old
  .select('title')
  .from('docs')
  .orderBy(vectorDistance(old, 'embedding', [0, 0, 1], 'cosine'))
  .limit(1);
console.log('nearest to [0,0,1] back then:', oldNearest.title);
await old.destroy();

await db.destroy();
