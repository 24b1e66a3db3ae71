/**
 * The adapters' helpers: vectors (encoding, `vector()` column, `vectorDistance()`) and time travel
 * (`asOf`, `withAsOf`). Generated SQL is checked as text; vector queries also run on both engines
 * with `vector_distance` registered as a JS function (a brute-force oracle), until the engine's
 * built-in lands.
 */
import 'reflect-metadata';
import { eq, sql as dsql } from 'drizzle-orm';
import { drizzle as drizzleBs3 } from 'drizzle-orm/better-sqlite3';
import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import knexFactory from 'knex';
import { type Generated, Kysely, SqliteDialect, sql as ksql } from 'kysely';
import { DataSource, EntitySchema } from 'typeorm';
import { describe, expect, it } from 'vitest';
import { asOfParts } from '../../adapters/common/as-of.js';
import { checkBranch } from '../../adapters/common/binding.js';
import { fromVectorBlob, toVectorBlob } from '../../adapters/common/vector.js';
import * as D from '../../adapters/drizzle.js';
import * as Kn from '../../adapters/knex.js';
import * as K from '../../adapters/kysely.js';
import * as T from '../../adapters/typeorm.js';
import { type Engine, helios, oracle, plain } from './support/env.js';

const engines: readonly Engine[] = [oracle, helios];
const ITEMS: ReadonlyArray<readonly [number, string, number[]]> = [
  [1, 'x', [1, 0, 0]],
  [2, 'y', [0, 1, 0]],
  [3, 'xy', [0.7, 0.7, 0]],
  [4, 'z', [0, 0, -2]],
];
const Q = [0.9, 0.1, 0];

function distance(a: Float32Array, b: Float32Array, metric: string): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  let l2 = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    dot += x * y;
    na += x * x;
    nb += y * y;
    l2 += (x - y) * (x - y);
  }
  if (metric === 'l2') return Math.sqrt(l2);
  if (metric === 'dot') return -dot;
  return 1 - dot / Math.sqrt(na * nb);
}

/** Registers a brute-force `vector_distance` on a raw connection. */
function withDistance<Db extends { function(name: string, fn: (...args: never[]) => unknown): unknown }>(db: Db): Db {
  db.function('vector_distance', ((a: Uint8Array | null, b: Uint8Array | null, m: string) =>
    a === null || b === null ? null : distance(fromVectorBlob(a), fromVectorBlob(b), m)) as never);
  return db;
}

/** Brute force: ids by distance to Q. */
function nearest(metric: string): number[] {
  const q = new Float32Array(Q);
  return [...ITEMS].sort((a, b) => distance(new Float32Array(a[2]), q, metric) - distance(new Float32Array(b[2]), q, metric)).map((r) => r[0]);
}

describe('vector encoding', () => {
  it('round-trips float32 little-endian BLOBs', () => {
    const blob = toVectorBlob([1.5, -2, 0.1]);
    expect(blob.toString('hex')).toBe('0000c03f000000c0cdcccc3d');
    expect(toVectorBlob(new Float32Array([1.5, -2, 0.1]))).toEqual(blob);
    expect(Array.from(fromVectorBlob(blob))).toEqual([1.5, -2, Math.fround(0.1)]);
    expect(fromVectorBlob(blob.subarray(4))).toEqual(new Float32Array([-2, Math.fround(0.1)]));
    expect(() => toVectorBlob([1, 2], 3)).toThrow('Expected a vector of 3 dimensions, got 2');
    expect(() => fromVectorBlob(new Uint8Array(5))).toThrow(RangeError);
    expect(() => K.vectorDistance(dsql`x` as never, [1], 'hamming' as never)).toThrow('Unknown vector metric "hamming"');
  });

  it('maps AS OF points and rejects branches until they exist', () => {
    expect(asOfParts({ transaction: 7 })).toEqual({ keyword: 'TRANSACTION', value: 7 });
    expect(asOfParts({ timestamp: new Date(Date.UTC(2024, 0, 2)) })).toEqual({ keyword: 'TIMESTAMP', value: '2024-01-02T00:00:00.000Z' });
    expect(asOfParts({ timestamp: '2024-01-02 03:04:05' })).toEqual({ keyword: 'TIMESTAMP', value: '2024-01-02 03:04:05' });
    expect(() => asOfParts({ transaction: -1 })).toThrow(RangeError);
    expect(() => checkBranch({ branch: 'dev' })).toThrow('cannot bind to branch "dev": branches are not available yet');
    expect(() => checkBranch({ branch: 'main' })).not.toThrow();
    expect(() => new K.HeliosDialect({ branch: 'dev' })).toThrow(helios.SqliteError);
  });
});

interface KDB {
  items: { id: Generated<number>; name: string; embedding: K.Vector<3> };
  tags: { item_id: number; tag: string };
}

describe('Kysely helpers', () => {
  const compileOnly = new Kysely<KDB>({ dialect: new K.HeliosDialect() });

  it('vectorDistance renders vector_distance(col, ?, literal metric) with a BLOB parameter', () => {
    const q = compileOnly
      .selectFrom('items')
      .select((eb) => ['id', K.vectorDistance(eb.ref('embedding'), Q, 'l2').as('d')])
      .orderBy('d')
      .limit(2)
      .compile();
    expect(q.sql).toBe(`select "id", vector_distance("embedding", ?, 'l2') as "d" from "items" order by "d" limit ?`);
    expect(q.parameters).toEqual([toVectorBlob(Q), 2]);
  });

  it('asOf and withAsOf put AS OF after the table name of reads only', () => {
    const one = compileOnly.selectFrom(K.asOf(compileOnly, 'items', { transaction: 3 })).selectAll().where('id', '=', 1).compile();
    expect(one.sql).toBe('select * from "items" AS OF TRANSACTION ? as "items" where "id" = ?');
    expect(one.parameters).toEqual([3, 1]);
    const aliased = compileOnly.selectFrom(K.asOf(compileOnly, 'items', { timestamp: '2024-01-01' }, 'i')).select('i.name').compile();
    expect(aliased.sql).toBe('select "i"."name" from "items" AS OF TIMESTAMP ? as "i"');
    const old = K.withAsOf(compileOnly, { transaction: 9n });
    const joined = old
      .selectFrom('items as i')
      .innerJoin('tags', 'tags.item_id', 'i.id')
      .select(['i.name', 'tags.tag'])
      .where('i.id', 'in', (eb) => eb.selectFrom('tags').select('item_id'))
      .compile();
    expect(joined.sql).toBe(
      'select "i"."name", "tags"."tag" from "items" AS OF TRANSACTION ? as "i" inner join "tags" AS OF TRANSACTION ? as "tags" on "tags"."item_id" = "i"."id" where "i"."id" in (select "item_id" from "tags" AS OF TRANSACTION ? as "tags")',
    );
    expect(joined.parameters).toEqual([9n, 9n, 9n]);
    const only = K.withAsOf(compileOnly, { transaction: 1 }, ['tags']).selectFrom('items').innerJoin('tags', 'tags.item_id', 'items.id').selectAll().compile();
    expect(only.sql).toBe('select * from "items" inner join "tags" AS OF TRANSACTION ? as "tags" on "tags"."item_id" = "items"."id"');
    const write = old.updateTable('items').set({ name: 'n' }).where('id', '=', 1).compile();
    expect(write.sql).toBe('update "items" set "name" = ? where "id" = ?');
    const del = old.deleteFrom('items').where('id', '=', 1).compile();
    expect(del.sql).toBe('delete from "items" where "id" = ?');
  });

  it('nearest neighbours run on both engines and match brute force', async () => {
    const results = [];
    for (const engine of engines) {
      const database = withDistance(new engine.Database(':memory:'));
      const dialect = engine === oracle ? new SqliteDialect({ database }) : new K.HeliosDialect({ database: database as never });
      const db = new Kysely<KDB>({ dialect });
      await db.schema.createTable('items').addColumn('id', 'integer', (c) => c.primaryKey()).addColumn('name', 'text').addColumn('embedding', ksql`VECTOR(3)`).execute();
      await db.insertInto('items').values(ITEMS.map(([id, name, v]) => ({ id, name, embedding: K.toVectorBlob(v) }))).execute();
      const byMetric: Record<string, unknown> = {};
      for (const metric of ['cosine', 'l2', 'dot'] as const) {
        const rows = await db
          .selectFrom('items')
          .select((eb) => ['id', 'embedding', K.vectorDistance(eb.ref('embedding'), new Float32Array(Q), metric).as('d')])
          .orderBy('d')
          .execute();
        expect(rows.map((r) => r.id)).toEqual(nearest(metric));
        byMetric[metric] = rows.map((r) => ({ ...r, embedding: Array.from(K.fromVectorBlob(r.embedding)) }));
      }
      results.push(plain(byMetric));
      await db.destroy();
    }
    expect(results[1]).toStrictEqual(results[0]);
  });
});

const items = sqliteTable('items', {
  id: integer('id').primaryKey(),
  name: text('name').notNull(),
  embedding: D.vector('embedding', { dimensions: 3 }).notNull(),
  loose: D.vector('loose', { dimensions: 3, mode: 'array' }),
});

describe('Drizzle helpers', () => {
  it('vector() declares VECTOR(n) and round-trips Float32Array and number[] on both engines', () => {
    expect(items.embedding.getSQLType()).toBe('VECTOR(3)');
    const results = [];
    for (const engine of engines) {
      const client = withDistance(new engine.Database(':memory:'));
      const db = engine === oracle ? drizzleBs3(client) : (D.drizzle(client as never) as unknown as ReturnType<typeof drizzleBs3>);
      client.exec('CREATE TABLE items (id integer PRIMARY KEY, name text NOT NULL, embedding VECTOR(3) NOT NULL, loose VECTOR(3))');
      db.insert(items)
        .values(ITEMS.map(([id, name, v]) => ({ id, name, embedding: new Float32Array(v), loose: id === 1 ? null : v })))
        .run();
      const all = db.select().from(items).orderBy(items.id).all();
      expect(all[0]?.embedding).toBeInstanceOf(Float32Array);
      expect(all[1]?.loose).toEqual([0, 1, 0]);
      const byMetric: Record<string, unknown> = {};
      for (const metric of ['cosine', 'l2', 'dot'] as const) {
        const d = D.vectorDistance(items.embedding, Q, metric);
        const rows = db.select({ id: items.id, d }).from(items).orderBy(d).all();
        expect(rows.map((r) => r.id)).toEqual(nearest(metric));
        byMetric[metric] = rows;
      }
      const nullable = db.select({ d: D.vectorDistance(items.loose, Q) }).from(items).orderBy(items.id).all();
      expect(nullable[0]?.d).toBeNull();
      results.push(plain({ all, byMetric, nullable }));
      client.close();
    }
    expect(results[1]).toStrictEqual(results[0]);
  });

  it('vectorDistance and asOf render the expected SQL', () => {
    const db = D.drizzle(':memory:');
    const d = D.vectorDistance(items.embedding, [1, 2, 3], 'dot');
    const q = db.select({ id: items.id, d }).from(items).orderBy(d).limit(1).toSQL();
    expect(q.sql).toBe(`select "id", vector_distance("embedding", ?, 'dot') from "items" order by vector_distance("items"."embedding", ?, 'dot') limit ?`);
    expect(q.params).toEqual([toVectorBlob([1, 2, 3]), toVectorBlob([1, 2, 3]), 1]);
    const old = db.select().from(D.asOf(items, { transaction: 4 })).where(eq(items.id, 2)).toSQL();
    expect(old.sql).toBe('select "id", "name", "embedding", "loose" from (select * from "items" AS OF TRANSACTION ?) "items" where "items"."id" = ?');
    expect(old.params).toEqual([4, 2]);
    const cols = db.select({ n: items.name }).from(D.asOf(items, { timestamp: '2024-01-01' })).toSQL();
    expect(cols.sql).toBe('select "name" from (select * from "items" AS OF TIMESTAMP ?) "items"');
    db.$client.close();
    expect(() => D.vector('v', { dimensions: 0 })).toThrow(RangeError);
  });
});

describe('Knex helpers', () => {
  it('vectorDistance and asOf compose with the query builder', async () => {
    const results = [];
    for (const engine of engines) {
      const k = knexFactory({
        client: engine === oracle ? 'better-sqlite3' : Kn.HeliosKnexClient,
        connection: { filename: ':memory:' },
        useNullAsDefault: true,
        pool: { afterCreate: (conn: Parameters<typeof withDistance>[0], done: (e: Error | null, c: unknown) => void) => done(null, withDistance(conn)) },
      });
      await k.schema.createTable('items', (t) => {
        t.integer('id').primary();
        t.string('name');
        t.specificType('embedding', 'VECTOR(3)');
      });
      await k('items').insert(ITEMS.map(([id, name, v]) => ({ id, name, embedding: Kn.toVectorBlob(v) })));
      const query = k('items').select('id', Kn.vectorDistance(k, 'embedding', Q, 'l2', 'd')).orderBy('d').limit(3);
      expect(query.toSQL().sql).toBe("select `id`, vector_distance(`embedding`, ?, 'l2') as `d` from `items` order by `d` asc limit ?");
      const rows = await query;
      expect(rows.map((r: { id: number }) => r.id)).toEqual(nearest('l2').slice(0, 3));
      const old = k.select('*').from(Kn.asOf(k, 'items as i', { transaction: 2 })).where('i.id', 1).toSQL();
      expect(old.sql).toBe('select * from `items` as `i` AS OF TRANSACTION ? where `i`.`id` = ?');
      expect(old.bindings).toEqual([2, 1]);
      results.push(plain(rows));
      await k.destroy();
    }
    expect(results[1]).toStrictEqual(results[0]);
  });
});

interface Item {
  id: number;
  embedding: Float32Array;
}
const ItemEntity = new EntitySchema<Item>({
  name: 'item',
  columns: { id: { type: Number, primary: true }, embedding: T.vectorColumn({ dimensions: 3 }) },
});

describe('TypeORM helpers', () => {
  it('vector columns survive synchronize and orderByVectorDistance finds nearest first', async () => {
    const results = [];
    for (const engine of engines) {
      const common = { database: ':memory:', entities: [ItemEntity], synchronize: true, prepareDatabase: (db: Parameters<typeof withDistance>[0]) => void withDistance(db) };
      const ds = await (engine === oracle
        ? T.registerVectorType(new DataSource({ type: 'better-sqlite3', ...common }))
        : T.createHeliosDataSource(common)
      ).initialize();
      const repo = ds.getRepository(ItemEntity);
      await repo.save(ITEMS.map(([id, , v]) => ({ id, embedding: new Float32Array(v) })));
      const near = await T.orderByVectorDistance(repo.createQueryBuilder('item'), 'item.embedding', Q, 'cosine').take(2).getMany();
      expect(near.map((r) => r.id)).toEqual(nearest('cosine').slice(0, 2));
      expect(near[0]?.embedding).toBeInstanceOf(Float32Array);
      const ddl = await ds.query(`SELECT sql FROM sqlite_master WHERE name = 'item'`);
      const log = await ds.driver.createSchemaBuilder().log();
      expect(log.upQueries).toEqual([]);
      results.push(plain({ near, ddl }));
      await ds.destroy();
    }
    expect(results[1]).toStrictEqual(results[0]);
    expect(() => T.vectorColumn({ dimensions: 1.5 })).toThrow(RangeError);
    expect(T.heliosDataSourceOptions({ database: 'x.db' })).toMatchObject({ type: 'better-sqlite3', database: 'x.db' });
  });

  it('nearestNeighbors matches brute force on both engines, now and (asOf) in the past', async () => {
    const results = [];
    for (const engine of engines) {
      const common = {
        database: ':memory:',
        entities: [ItemEntity],
        synchronize: true,
        // The oracle gets a JS vector_distance; heliosdb-lite uses its built-in one (and keeps history).
        prepareDatabase: (db: Parameters<typeof withDistance>[0] & { pragma(s: string): unknown }) =>
          void (engine === oracle ? withDistance(db) : db.pragma('helios_retention = 3600')),
      };
      const ds = await (engine === oracle
        ? T.registerVectorType(new DataSource({ type: 'better-sqlite3', ...common }))
        : T.createHeliosDataSource(common)
      ).initialize();
      const repo = ds.getRepository(ItemEntity);
      await repo.save(ITEMS.map(([id, , v]) => ({ id, embedding: new Float32Array(v) })));
      const byMetric: Record<string, unknown> = {};
      const q = new Float32Array(Q);
      for (const metric of ['cosine', 'l2', 'dot'] as const) {
        const near = await T.nearestNeighbors(repo, 'embedding', Q, { k: 3, metric });
        expect(near.map((n) => n.entity.id)).toEqual(nearest(metric).slice(0, 3));
        for (const n of near) expect(n.distance).toBeCloseTo(distance(n.entity.embedding, q, metric), 5);
        byMetric[metric] = near.map((n) => n.entity);
      }
      const filtered = await T.nearestNeighbors(repo, 'embedding', Q, { k: 2, metric: 'l2', where: (qb) => qb.where('nn.id > :min', { min: 1 }) });
      expect(filtered.map((n) => n.entity.id)).toEqual(nearest('l2').filter((id) => id > 1).slice(0, 2));
      expect(await T.nearestNeighbors(repo, 'embedding', Q, { k: 0 })).toEqual([]);
      await expect(T.nearestNeighbors(repo, 'nope' as 'embedding', Q, { k: 1 })).rejects.toThrow('item has no column "nope"');
      if (engine === helios) {
        // Move item 1 far away and add a close one; the past still answers with the old vectors.
        const [point] = (await ds.query('SELECT helios_txn() AS txn')) as Array<{ txn: number }>;
        await repo.save([{ id: 1, embedding: new Float32Array([-1, 0, 0]) }, { id: 9, embedding: q }]);
        const now = await T.nearestNeighbors(repo, 'embedding', Q, { k: 2, metric: 'l2' });
        expect(now.map((n) => n.entity.id)).toEqual([9, 3]);
        const then = await T.nearestNeighbors(repo, 'embedding', Q, { k: 3, metric: 'l2', asOf: { transaction: point?.txn ?? -1 } });
        expect(then.map((n) => n.entity.id)).toEqual(nearest('l2').slice(0, 3));
        expect(plain(then.map((n) => n.entity))).toStrictEqual(plain(byMetric['l2']));
      }
      results.push(plain(byMetric));
      await ds.destroy();
    }
    expect(results[1]).toStrictEqual(results[0]);
  });
});
