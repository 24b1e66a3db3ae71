// Kysely on heliosdb-lite: CRUD, a VECTOR column with nearest-neighbour search (HNSW index), and
// AS OF reads of an earlier transaction. Run with `npm run build && node examples/orm-kysely.mjs`.
// 'heliosdb-lite/kysely' resolves inside this repository too (Node's package self-reference).
import { Kysely, sql } from 'kysely';
import Database from 'heliosdb-lite';
import { HeliosDialect, asOf, bound, fromVectorBlob, toVectorBlob, vectorDistance } from 'heliosdb-lite/kysely';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'helios-kysely-')), 'app.db');
const database = new Database(file);
database.pragma('helios_retention = 3600'); // keep an hour of history: AS OF can read it

const db = new Kysely({ dialect: new HeliosDialect({ database }) });

await db.schema
  .createTable('docs')
  .addColumn('id', 'integer', (c) => c.primaryKey())
  .addColumn('title', 'text', (c) => c.notNull())
  .addColumn('embedding', sql`VECTOR(3)`, (c) => c.notNull())
  .execute();
await sql`CREATE INDEX docs_embedding ON docs USING hnsw (embedding) WITH (metric = 'cosine')`.execute(db);

// Create
const created = await db
  .insertInto('docs')
  .values([
    { title: 'Cats purr', embedding: toVectorBlob([0.9, 0.1, 0.0]) },
    { title: 'Dogs bark', embedding: toVectorBlob([0.8, 0.3, 0.1]) },
    { title: 'Stocks fell', embedding: toVectorBlob([0.0, 0.2, 0.9]) },
    { title: 'Bonds rallied', embedding: toVectorBlob([0.1, 0.1, 0.95]) },
  ])
  .returning('id')
  .execute();
console.log('created ids:', created.map((r) => r.id));
// The last committed transaction: the point to travel back to.
const { txn: before } = await sql`SELECT helios_txn() AS txn`.execute(db).then((r) => r.rows[0]);

// Update, delete, read
await db.updateTable('docs').set({ title: 'Dogs bark loudly' }).where('id', '=', 2).execute();
await db.deleteFrom('docs').where('id', '=', 4).execute();
const docs = await db.selectFrom('docs').select(['id', 'title', 'embedding']).orderBy('id').execute();
console.log('docs:', docs.map((d) => `${d.id} ${d.title} [${Array.from(fromVectorBlob(d.embedding)).map((x) => x.toFixed(2))}]`));

// Nearest neighbours of a query vector (cosine distance, smaller is closer)
const nearest = await db
  .selectFrom('docs')
  .select((eb) => ['id', 'title', vectorDistance(eb.ref('embedding'), [1, 0.2, 0], 'cosine').as('distance')])
  .orderBy('distance')
  .limit(2)
  .execute();
console.log('nearest:', nearest.map((r) => `${r.title} (${r.distance.toFixed(4)})`));

// Time travel: one table as of a transaction (asOf), or a whole Kysely instance bound to it
// (bound: read-only; withAsOf(db, point) instead rewrites the SELECTs of an instance)
const then = await db.selectFrom(asOf(db, 'docs', { transaction: before })).select(['id', 'title']).orderBy('id').execute();
console.log(`as of transaction ${before}:`, then.map((r) => r.title));
const old = await bound(db, { asOf: { transaction: before } });
const oldNearest = await old
  .selectFrom('docs')
  .select((eb) => ['title', vectorDistance(eb.ref('embedding'), [0, 0, 1], 'cosine').as('distance')])
  .orderBy('distance')
  .limit(1)
  .executeTakeFirstOrThrow();
console.log('nearest to [0,0,1] back then:', oldNearest.title);
await old.destroy();

await db.destroy();
