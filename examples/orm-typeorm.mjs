// TypeORM on heliosdb-lite: CRUD, a vector column with nearest-neighbour search (HNSW index), and AS OF
// reads of an earlier transaction. Run with `npm run build && node examples/orm-typeorm.mjs`.
// 'heliosdb-lite/typeorm' resolves inside this repository too (Node's package self-reference).
import 'reflect-metadata';
import { EntitySchema } from 'typeorm';
import { asOfQueryBuilder, bound, createHeliosDataSource, nearestNeighbors, vectorColumn, withAsOf } from 'heliosdb-lite/typeorm';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

// With decorators: `@VectorColumn({ dimensions: 3 }) embedding!: Float32Array;`
const Doc = new EntitySchema({
  name: 'Doc',
  tableName: 'docs',
  columns: {
    id: { type: Number, primary: true, generated: true },
    title: { type: String },
    embedding: vectorColumn({ dimensions: 3 }),
  },
});

const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'helios-typeorm-')), 'app.db');
const ds = createHeliosDataSource({
  database: file,
  entities: [Doc],
  synchronize: true,
  prepareDatabase: (db) => db.pragma('helios_retention = 3600'), // keep an hour of history: AS OF can read it
});
await ds.initialize();
await ds.query("CREATE INDEX docs_embedding ON docs USING hnsw (embedding) WITH (metric = 'cosine')");
const repo = ds.getRepository(Doc);

// Create
const created = await repo.save([
  { title: 'Cats purr', embedding: [0.9, 0.1, 0.0] },
  { title: 'Dogs bark', embedding: [0.8, 0.3, 0.1] },
  { title: 'Stocks fell', embedding: [0.0, 0.2, 0.9] },
  { title: 'Bonds rallied', embedding: [0.1, 0.1, 0.95] },
]);
console.log('created ids:', created.map((d) => d.id));
const [{ txn: before }] = await ds.query('SELECT helios_txn() AS txn'); // the point to travel back to

// Update, delete, read
await repo.update({ id: 2 }, { title: 'Dogs bark loudly' });
await repo.delete({ id: 4 });
const docs = await repo.find({ order: { id: 'ASC' } });
console.log('docs:', docs.map((d) => `${d.id} ${d.title} [${Array.from(d.embedding).map((x) => x.toFixed(2))}]`));

// Nearest neighbours of a query vector (cosine distance, smaller is closer); the HNSW index answers
const nearest = await nearestNeighbors(repo, 'embedding', [1, 0.2, 0], { k: 2, metric: 'cosine' });
console.log('nearest:', nearest.map(({ entity, distance }) => `${entity.title} (${distance.toFixed(4)})`));

// Time travel: an EntityManager that reads the whole database as of a transaction (read-only) ...
const then = await withAsOf(ds, { transaction: before }, (em) => em.find(Doc, { order: { id: 'ASC' } }));
console.log(`as of transaction ${before}:`, then.map((d) => d.title));
// ... a bound DataSource (keep it for several queries; destroy() it when done) ...
const old = await bound(ds, { asOf: { transaction: before } });
const [oldNearest] = await nearestNeighbors(old.getRepository(Doc), 'embedding', [0, 0, 1], { k: 1 });
console.log('nearest to [0,0,1] back then:', oldNearest.entity.title);
await old.destroy();
// ... or one table in the past inside a query builder on the live DataSource.
const gone = await asOfQueryBuilder(repo, 'doc', { transaction: before }).where('doc.id = :id', { id: 4 }).getOne();
console.log('deleted since:', gone?.title);

await ds.destroy();
