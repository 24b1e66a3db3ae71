// Drizzle ORM on heliosdb-lite: CRUD, a vector() column with nearest-neighbour search (HNSW index),
// and AS OF reads of an earlier transaction. Run with `npm run build && node examples/orm-drizzle.mjs`.
// 'heliosdb-lite/drizzle' resolves inside this repository too (Node's package self-reference).
import { eq, sql } from 'drizzle-orm';
import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { asOf, bound, drizzle, vector, vectorDistance } from 'heliosdb-lite/drizzle';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const docs = sqliteTable('docs', {
  id: integer('id').primaryKey(),
  title: text('title').notNull(),
  embedding: vector('embedding', { dimensions: 3, mode: 'array' }).notNull(),
});

const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'helios-drizzle-')), 'app.db');
const db = drizzle(file, { schema: { docs } });
db.$client.pragma('helios_retention = 3600'); // keep an hour of history: AS OF can read it

// Schema (with drizzle-kit you would generate this; see the README)
db.run(sql`CREATE TABLE docs (id INTEGER PRIMARY KEY, title TEXT NOT NULL, embedding VECTOR(3) NOT NULL)`);
db.run(sql`CREATE INDEX docs_embedding ON docs USING hnsw (embedding) WITH (metric = 'cosine')`);

// Create
const created = db
  .insert(docs)
  .values([
    { title: 'Cats purr', embedding: [0.9, 0.1, 0.0] },
    { title: 'Dogs bark', embedding: [0.8, 0.3, 0.1] },
    { title: 'Stocks fell', embedding: [0.0, 0.2, 0.9] },
    { title: 'Bonds rallied', embedding: [0.1, 0.1, 0.95] },
  ])
  .returning({ id: docs.id })
  .all();
console.log('created ids:', created.map((r) => r.id));
const before = db.get(sql`SELECT helios_txn() AS txn`).txn; // the point to travel back to

// Update, delete, read
db.update(docs).set({ title: 'Dogs bark loudly' }).where(eq(docs.id, 2)).run();
db.delete(docs).where(eq(docs.id, 4)).run();
const rows = db.query.docs.findMany({ orderBy: docs.id }).sync();
console.log('docs:', rows.map((d) => `${d.id} ${d.title} [${d.embedding.map((x) => x.toFixed(2))}]`));

// Nearest neighbours of a query vector (cosine distance, smaller is closer)
const distance = vectorDistance(docs.embedding, [1, 0.2, 0], 'cosine');
const nearest = db.select({ title: docs.title, distance }).from(docs).orderBy(distance).limit(2).all();
console.log('nearest:', nearest.map((r) => `${r.title} (${r.distance.toFixed(4)})`));

// Time travel: the table as of a transaction (columns, where and orderBy work as usual)
const then = db.select({ id: docs.id, title: docs.title }).from(asOf(docs, { transaction: before })).orderBy(docs.id).all();
console.log(`as of transaction ${before}:`, then.map((r) => r.title));
// A whole database object bound to that transaction (read-only; relational queries work too)
const old = bound(db, { asOf: { transaction: before } });
const oldNearest = old
  .select({ title: docs.title })
  .from(docs)
  .orderBy(vectorDistance(docs.embedding, [0, 0, 1], 'cosine'))
  .limit(1)
  .get();
console.log('nearest to [0,0,1] back then:', oldNearest.title);
old.$client.close();

db.$client.close();
