/**
 * Type tests of the adapters' helpers: checked by `tsc -p tsconfig.json --noEmit` (the
 * `@ts-expect-error` lines must stay errors; they sit in functions that never run).
 */
import { sqliteTable, integer, text } from 'drizzle-orm/sqlite-core';
import type { SQL } from 'drizzle-orm';
import { type Generated, Kysely, type RawBuilder } from 'kysely';
import { describe, expectTypeOf, it } from 'vitest';
import * as D from '../../adapters/drizzle.js';
import * as K from '../../adapters/kysely.js';
import * as Kn from '../../adapters/knex.js';
import * as T from '../../adapters/typeorm.js';

interface DB {
  items: { id: Generated<number>; name: string; embedding: K.Vector<3>; maybe: K.Vector<3> | null };
}

describe('Kysely helper types', () => {
  it('vectorDistance takes vector columns only and is a number (or nullable number)', () => {
    const db = new Kysely<DB>({ dialect: new K.HeliosDialect() });
    void db.selectFrom('items').select((eb) => {
      expectTypeOf(K.vectorDistance(eb.ref('embedding'), [1, 2, 3])).toEqualTypeOf<RawBuilder<number>>();
      expectTypeOf(K.vectorDistance(eb.ref('maybe'), new Float32Array(3), 'l2')).toEqualTypeOf<RawBuilder<number | null>>();
      // @ts-expect-error a text column is not a vector
      void (() => K.vectorDistance(eb.ref('name'), [1, 2, 3]));
      // @ts-expect-error unknown metric
      void (() => K.vectorDistance(eb.ref('embedding'), [1, 2, 3], 'hamming'));
      // @ts-expect-error a string is not a vector
      void (() => K.vectorDistance(eb.ref('embedding'), '[1,2,3]'));
      return ['id' as const];
    });
    const q = db.selectFrom('items').select((eb) => ['id', K.vectorDistance(eb.ref('embedding'), [0, 0, 1]).as('d')]);
    expectTypeOf<Awaited<ReturnType<typeof q.executeTakeFirstOrThrow>>>().toEqualTypeOf<{ id: number; d: number }>();
  });

  it('asOf keeps the row type; withAsOf keeps the Kysely type', () => {
    const db = new Kysely<DB>({ dialect: new K.HeliosDialect() });
    const q = db.selectFrom(K.asOf(db, 'items', { transaction: 1 })).select(['id', 'name']);
    expectTypeOf<Awaited<ReturnType<typeof q.executeTakeFirstOrThrow>>>().toEqualTypeOf<{ id: number; name: string }>();
    const aliased = db.selectFrom(K.asOf(db, 'items', { timestamp: new Date() }, 'i')).select('i.name');
    expectTypeOf<Awaited<ReturnType<typeof aliased.executeTakeFirstOrThrow>>>().toEqualTypeOf<{ name: string }>();
    expectTypeOf(K.withAsOf(db, { transaction: 2n })).toEqualTypeOf<Kysely<DB>>();
    // @ts-expect-error unknown table
    void (() => K.asOf(db, 'nope', { transaction: 1 }));
    // @ts-expect-error a point needs transaction or timestamp
    void (() => K.asOf(db, 'items', { at: 1 }));
  });
});

const items = sqliteTable('items', {
  id: integer('id').primaryKey(),
  name: text('name').notNull(),
  embedding: D.vector('embedding', { dimensions: 3 }).notNull(),
  arr: D.vector('arr', { dimensions: 3, mode: 'array' }),
});

describe('Drizzle helper types', () => {
  it('vector() needs dimensions and maps Float32Array / number[]', () => {
    expectTypeOf<typeof items.$inferSelect>().toEqualTypeOf<{ id: number; name: string; embedding: Float32Array; arr: number[] | null }>();
    // @ts-expect-error dimensions are required
    void (() => D.vector('v', {}));
    // @ts-expect-error dimensions are required
    void (() => D.vector('v'));
  });

  it('vectorDistance accepts vector columns only; asOf keeps the table row type', () => {
    expectTypeOf(D.vectorDistance(items.embedding, [1, 2, 3])).toEqualTypeOf<SQL<number>>();
    expectTypeOf(D.vectorDistance(items.arr, [1, 2, 3], 'dot')).toEqualTypeOf<SQL<number | null>>();
    // @ts-expect-error a text column is not a vector
    void (() => D.vectorDistance(items.name, [1, 2, 3]));
    // @ts-expect-error unknown metric
    void (() => D.vectorDistance(items.embedding, [1, 2, 3], 'manhattan'));
    const db = D.drizzle(':memory:');
    const rows = db.select().from(D.asOf(items, { transaction: 1 })).all;
    expectTypeOf<ReturnType<typeof rows>>().toEqualTypeOf<Array<typeof items.$inferSelect>>();
    db.$client.close();
  });
});

interface Doc {
  id: number;
  title: string;
  embedding: Float32Array;
  maybe: number[] | null;
}

describe('binding and TypeORM helper types', () => {
  it('bound() keeps each ORM type; a binding is { asOf } or { branch }, not both', () => {
    const kdb = new Kysely<DB>({ dialect: new K.HeliosDialect() });
    const kBound = () => K.bound(kdb, { asOf: { transaction: 1 } });
    expectTypeOf(kBound).returns.toEqualTypeOf<Promise<Kysely<DB>>>();
    const ddb = D.drizzle(':memory:', { schema: { items } });
    const dBound = () => D.bound(ddb, { branch: 'dev' });
    expectTypeOf(dBound).returns.toEqualTypeOf<D.HeliosDrizzleDatabase<{ items: typeof items }>>();
    expectTypeOf(Kn.bound).returns.toEqualTypeOf<Promise<import('knex').Knex>>();
    expectTypeOf(T.bound).returns.toEqualTypeOf<Promise<import('typeorm').DataSource>>();
    // @ts-expect-error asOf and branch together
    void (() => K.bound(kdb, { asOf: { transaction: 1 }, branch: 'dev' }));
    // @ts-expect-error a point is an object
    void (() => D.bound(ddb, { asOf: 5 }));
    // @ts-expect-error an empty binding
    void (() => Kn.bound(null as never, {}));
    ddb.$client.close();
  });

  it('nearestNeighbors takes vector properties only and returns entities with distances', () => {
    type Repo = import('typeorm').Repository<Doc>;
    const near = (repo: Repo) => T.nearestNeighbors(repo, 'embedding', [1, 2, 3], { k: 3, metric: 'l2' });
    expectTypeOf(near).returns.toEqualTypeOf<Promise<Array<T.Neighbor<Doc>>>>();
    expectTypeOf<T.VectorProperty<Doc>>().toEqualTypeOf<'embedding' | 'maybe'>();
    // @ts-expect-error a text property is not a vector
    void ((repo: Repo) => T.nearestNeighbors(repo, 'title', [1, 2, 3], { k: 3 }));
    // @ts-expect-error k is required
    void ((repo: Repo) => T.nearestNeighbors(repo, 'embedding', [1, 2, 3], {}));
    // @ts-expect-error unknown metric
    void ((repo: Repo) => T.nearestNeighbors(repo, 'embedding', [1, 2, 3], { k: 1, metric: 'hamming' }));
    expectTypeOf(T.asOfQueryBuilder<Doc>).returns.toEqualTypeOf<import('typeorm').SelectQueryBuilder<Doc>>();
    expectTypeOf(T.withAsOf<number>).returns.toEqualTypeOf<Promise<number>>();
  });
});

describe('Knex and TypeORM helper types', () => {
  it('are typed', () => {
    expectTypeOf(Kn.HeliosKnexClient.prototype._driver).returns.toHaveProperty('SqliteError');
    expectTypeOf(T.vectorColumn({ dimensions: 3 })).toEqualTypeOf<T.VectorColumnOptions>();
    // @ts-expect-error dimensions are required
    void (() => T.vectorColumn({}));
    // @ts-expect-error the engine is fixed: no driver option
    void (() => T.heliosDataSourceOptions({ database: 'x', driver: {} }));
    expectTypeOf(T.heliosDataSourceOptions({ database: 'x' }).type).toEqualTypeOf<'better-sqlite3'>();
  });
});
