/**
 * Kysely: `SqliteDialect` over better-sqlite3 (oracle) vs `HeliosDialect` (ours). Mirrors
 * kysely-org/kysely test/node/src (insert, update, delete, transaction, controlled-transaction,
 * json-traversal, introspect, migration, stream).
 */
import { type Generated, Kysely, type Migration, Migrator, SqliteDialect, sql } from 'kysely';
import { jsonArrayFrom, jsonObjectFrom } from 'kysely/helpers/sqlite';
import { expect } from 'vitest';
import { HeliosDialect } from '../../../adapters/kysely.js';
import { attempt, type Engine, oracle } from '../support/env.js';
import { surface } from '../support/scenario.js';

interface DB {
  person: { id: Generated<number>; first_name: string; last_name: string | null; age: number | null; meta: string | null };
  pet: { id: Generated<number>; owner_id: number; name: string; species: Generated<string> };
  kv: { k: string; v: number; n: Generated<number> };
  big: { id: Generated<number>; v: number | bigint };
  ev: { id: Generated<number>; at: string; done: number };
}

type K = Kysely<DB>;

async function schema(db: K): Promise<void> {
  await db.schema
    .createTable('person')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('first_name', 'varchar(255)', (c) => c.notNull().unique())
    .addColumn('last_name', 'text')
    .addColumn('age', 'integer', (c) => c.check(sql`age >= 0`))
    .addColumn('meta', 'text')
    .execute();
  await db.schema
    .createTable('pet')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('owner_id', 'integer', (c) => c.notNull().references('person.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('species', 'text', (c) => c.notNull().defaultTo('cat'))
    .execute();
  await db.schema.createIndex('pet_owner').on('pet').column('owner_id').execute();
}

async function people(db: K): Promise<void> {
  await schema(db);
  await db
    .insertInto('person')
    .values([
      { first_name: 'Jennifer', last_name: 'Aniston', age: 55 },
      { first_name: 'Arnold', last_name: 'Schwarzenegger', age: 76 },
      { first_name: 'Sylvester', last_name: null, age: null },
    ])
    .execute();
  await db
    .insertInto('pet')
    .values([
      { owner_id: 1, name: 'Catto', species: 'cat' },
      { owner_id: 2, name: 'Doggo', species: 'dog' },
      { owner_id: 2, name: 'Hammo', species: 'hamster' },
    ])
    .execute();
}

export const kyselySurface = surface<K>({
  name: 'Kysely',
  async open(engine: Engine) {
    const database = new engine.Database(':memory:');
    const dialect = engine === oracle ? new SqliteDialect({ database }) : new HeliosDialect({ database: database as never });
    return new Kysely<DB>({ dialect });
  },
  async close(db) {
    await db.destroy();
  },
  scenarios: {
    async crud(db) {
      await schema(db);
      const ins = await db.insertInto('person').values({ first_name: 'Foo', last_name: 'Barson', age: 1 }).executeTakeFirst();
      await db.insertInto('person').values({ first_name: 'Bar', last_name: null, age: 2 }).execute();
      const upd = await db.updateTable('person').set((eb) => ({ age: eb('age', '+', 10) })).where('first_name', '=', 'Foo').executeTakeFirst();
      const del = await db.deleteFrom('person').where('age', '<', 5).executeTakeFirst();
      const rows = await db.selectFrom('person').selectAll().orderBy('id').execute();
      const count = await db.selectFrom('person').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      expect(rows).toHaveLength(1);
      return { ins, upd, del, rows, count };
    },
    async 'multi-row insert ids'(db) {
      await schema(db);
      const multi = await db
        .insertInto('person')
        .values([{ first_name: 'a' }, { first_name: 'b' }, { first_name: 'c' }])
        .executeTakeFirst();
      const returned = await db.insertInto('person').values([{ first_name: 'd' }, { first_name: 'e' }]).returning('id').execute();
      expect(returned).toEqual([{ id: 4 }, { id: 5 }]);
      return { multi, returned };
    },
    async upsert(db) {
      await db.schema
        .createTable('kv')
        .addColumn('k', 'text', (c) => c.primaryKey())
        .addColumn('v', 'integer')
        .addColumn('n', 'integer', (c) => c.defaultTo(0))
        .execute();
      const up = (k: string, v: number) =>
        db
          .insertInto('kv')
          .values({ k, v })
          .onConflict((oc) =>
            oc
              .column('k')
              .doUpdateSet((eb) => ({ v: eb.ref('excluded.v'), n: eb('n', '+', 1) }))
              .where('excluded.v', '>', (eb) => eb.ref('kv.v')),
          )
          .executeTakeFirst();
      const results = [await up('a', 1), await up('a', 5), await up('a', 2), await up('b', 7)];
      const nothing = await db.insertInto('kv').values({ k: 'b', v: 100 }).onConflict((oc) => oc.doNothing()).executeTakeFirst();
      const ignore = await db.insertInto('kv').orIgnore().values({ k: 'a', v: 0 }).executeTakeFirst();
      return { results, nothing, ignore, rows: await db.selectFrom('kv').selectAll().orderBy('k').execute() };
    },
    async returning(db) {
      await people(db);
      const ins = await db.insertInto('person').values({ first_name: 'New' }).returning(['id', 'first_name', 'age']).executeTakeFirst();
      const upd = await db
        .updateTable('person')
        .set({ last_name: 'X' })
        .where('age', 'is not', null)
        .returning(['id', 'last_name'])
        .orderBy('id', 'desc')
        .limit(1)
        .execute();
      const del = await db.deleteFrom('pet').where('species', '!=', 'cat').returningAll().execute();
      return { ins, upd, del };
    },
    async transactions(db, engine) {
      await schema(db);
      const committed = await db.transaction().execute(async (trx) => {
        await trx.insertInto('person').values({ first_name: 'in-tx' }).execute();
        return trx.selectFrom('person').select('first_name').execute();
      });
      const failed = await attempt(() =>
        db.transaction().execute(async (trx) => {
          await trx.insertInto('person').values({ first_name: 'rolled-back' }).execute();
          await trx.insertInto('person').values({ first_name: 'in-tx' }).execute();
        }),
      );
      const isSqliteError = await db
        .insertInto('person')
        .values({ first_name: 'in-tx' })
        .execute()
        .then(() => 'no error', (e: unknown) => e instanceof engine.SqliteError);
      const rows = await db.selectFrom('person').select('first_name').execute();
      expect(rows).toEqual([{ first_name: 'in-tx' }]);
      return { committed, failed, isSqliteError, rows };
    },
    async 'nested transactions'(db) {
      await schema(db);
      const trx = await db.startTransaction().execute();
      await trx.insertInto('person').values({ first_name: 'outer' }).execute();
      const sp1 = await trx.savepoint('sp1').execute();
      await sp1.insertInto('person').values({ first_name: 'inner' }).execute();
      const sp2 = await sp1.savepoint('sp2').execute();
      await sp2.insertInto('person').values({ first_name: 'inner2' }).execute();
      const back = await sp2.rollbackToSavepoint('sp2').execute();
      await back.releaseSavepoint('sp1').execute();
      await trx.commit().execute();
      const t2 = await db.startTransaction().execute();
      await t2.insertInto('person').values({ first_name: 'gone' }).execute();
      await t2.rollback().execute();
      const rows = await db.selectFrom('person').select('first_name').orderBy('id').execute();
      expect(rows).toEqual([{ first_name: 'outer' }, { first_name: 'inner' }]);
      return rows;
    },
    async relations(db) {
      await people(db);
      const withOwner = await db
        .selectFrom('pet')
        .select((eb) => [
          'pet.name',
          jsonObjectFrom(eb.selectFrom('person').select(['person.id', 'person.first_name']).whereRef('person.id', '=', 'pet.owner_id')).as(
            'owner',
          ),
        ])
        .orderBy('pet.id')
        .execute();
      const joined = await db
        .selectFrom('person')
        .leftJoin('pet', 'pet.owner_id', 'person.id')
        .select(['person.first_name', 'pet.name'])
        .orderBy('person.id')
        .orderBy('pet.id')
        .execute();
      const counts = await db
        .selectFrom('person')
        .innerJoin('pet', 'pet.owner_id', 'person.id')
        .select(['person.first_name', (eb) => eb.fn.count<number>('pet.id').as('pets')])
        .groupBy('person.id')
        .having((eb) => eb.fn.count('pet.id'), '>', 1)
        .execute();
      expect(JSON.parse(String(withOwner[0]?.owner))).toEqual({ id: 1, first_name: 'Jennifer' });
      const withPets = await db
        .selectFrom('person')
        .select((eb) => [
          'person.first_name',
          jsonArrayFrom(eb.selectFrom('pet').select(['pet.id', 'pet.name']).whereRef('pet.owner_id', '=', 'person.id').orderBy('pet.id')).as('pets'),
        ])
        .orderBy('person.id')
        .execute();
      // without ParseJSONResultsPlugin the array arrives as JSON text: nested objects, not strings
      expect(JSON.parse(String(withPets[0]?.pets))[0]).toHaveProperty('name');
      return { withOwner, joined, counts, withPets };
    },
    async json(db) {
      await schema(db);
      await db
        .insertInto('person')
        .values({ first_name: 'J', meta: JSON.stringify({ pets: [{ name: 'a', tags: ['x', 'y'] }, { name: 'b', tags: [] }], n: 1 }) })
        .execute();
      const traversal = await db
        .selectFrom('person')
        .select((eb) => [
          eb.ref('meta', '->>$').key('n' as never).as('n'),
          sql<string>`meta ->> '$.pets[0].tags[#-1]'`.as('lastTag'),
          sql<string>`meta -> '$.pets[1]'`.as('second'),
          sql<number>`json_array_length(meta, '$.pets')`.as('len'),
        ])
        .executeTakeFirst();
      const filtered = await db
        .selectFrom('person')
        .select('first_name')
        .where(sql`meta ->> '$.pets[0].name'`, '=', 'a')
        .execute();
      return { traversal, filtered };
    },
    async bigint(db) {
      await db.schema
        .createTable('big')
        .addColumn('id', 'integer', (c) => c.primaryKey())
        .addColumn('v', 'bigint')
        .execute();
      const r = await db
        .insertInto('big')
        .values([{ v: 2n ** 53n + 1n }, { v: 42 }])
        .executeTakeFirst();
      const rows = await db.selectFrom('big').select(['id', 'v', sql<string>`typeof(v)`.as('t'), sql<string>`cast(v as text)`.as('s')]).execute();
      return { r, rows };
    },
    async 'dates and booleans'(db) {
      await db.schema
        .createTable('ev')
        .addColumn('id', 'integer', (c) => c.primaryKey())
        .addColumn('at', 'text', (c) => c.notNull().defaultTo(sql`'2024-01-01 00:00:00'`))
        .addColumn('done', 'boolean', (c) => c.notNull().defaultTo(false))
        .execute();
      // Kysely does not convert: Dates and booleans must be converted by the caller.
      await db.insertInto('ev').values({ at: new Date(Date.UTC(2024, 4, 6, 7, 8, 9)).toISOString(), done: 1 }).execute();
      await db.insertInto('ev').defaultValues().execute();
      const rejected = await attempt(() => db.insertInto('ev').values({ at: 'x', done: true as never }).execute());
      const rows = await db
        .selectFrom('ev')
        .select(['at', 'done', sql<string>`datetime(at)`.as('dt'), sql<number>`done is true`.as('truth')])
        .where('done', 'in', [0, 1])
        .orderBy('id')
        .execute();
      return { rows, rejected };
    },
    async introspection(db) {
      await people(db);
      await db.schema.createView('adults').as(db.selectFrom('person').select('first_name').where('age', '>=', 18)).execute();
      const tables = await db.introspection.getTables();
      const withInternal = await db.introspection.getTables({ withInternalKyselyTables: true });
      const schemas = await db.introspection.getSchemas();
      return { tables, n: withInternal.length, schemas };
    },
    async migrations(db) {
      const migrations: Record<string, Migration> = {
        '001_people': { up: async (k: K) => schema(k), down: async (k: K) => k.schema.dropTable('person').execute() },
        '002_add_col': {
          async up(k: K) {
            await k.schema.alterTable('person').addColumn('nick', 'text', (c) => c.defaultTo('none')).execute();
            await k.schema.alterTable('pet').renameColumn('species', 'kind').execute();
            await k.insertInto('person').values({ first_name: 'a' }).execute();
          },
          async down(k: K) {
            await k.schema.alterTable('person').dropColumn('nick').execute();
          },
        },
      };
      const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
      const up = await migrator.migrateToLatest();
      const again = await migrator.migrateToLatest();
      const down = await migrator.migrateDown();
      const rows = await db.selectFrom('person').selectAll().execute();
      const cols = (await db.introspection.getTables()).map((t) => [t.name, t.columns.map((c) => c.name)]);
      const strip = (r: Awaited<ReturnType<typeof migrator.migrateToLatest>>) => ({
        error: r.error === undefined ? null : String(r.error),
        results: r.results?.map((x) => [x.migrationName, x.direction, x.status]),
      });
      return { up: strip(up), again: strip(again), down: strip(down), rows, cols };
    },
    async streaming(db) {
      await schema(db);
      await db
        .insertInto('person')
        .values(Array.from({ length: 300 }, (_, i) => ({ first_name: `p${i}`, age: i })))
        .execute();
      const seen: unknown[] = [];
      for await (const row of db.selectFrom('person').select(['id', 'age']).where('age', '>', 250).orderBy('id').stream()) {
        seen.push(row);
        if (seen.length === 20) break;
      }
      expect(seen).toHaveLength(20);
      // The stream was closed by `break`: the connection is usable again.
      const after = await db.selectFrom('person').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst();
      return { seen, after };
    },
    async '32766 parameters'(db) {
      await schema(db);
      await db.insertInto('person').values([{ id: 3, first_name: 'x' }, { id: 32766, first_name: 'y' }, { id: 40000, first_name: 'z' }]).execute();
      const ids = Array.from({ length: 32766 }, (_, i) => i + 1);
      const found = await db.selectFrom('person').select('id').where('id', 'in', ids).orderBy('id').execute();
      const over = await attempt(() => db.selectFrom('person').select('id').where('id', 'in', [...ids, 0]).execute());
      expect(found).toEqual([{ id: 3 }, { id: 32766 }]);
      return { found, over };
    },
    async 'constraint errors'(db) {
      await people(db);
      const e = (f: () => Promise<unknown>) => attempt(f);
      return {
        unique: await e(() => db.insertInto('person').values({ first_name: 'Arnold' }).execute()),
        pk: await e(() => db.insertInto('pet').values({ id: 1, owner_id: 1, name: 'x' }).execute()),
        notNull: await e(() => db.insertInto('pet').values({ owner_id: 1, name: null as never }).execute()),
        check: await e(() => db.updateTable('person').set({ age: -1 }).where('id', '=', 1).execute()),
        fk: await e(() => db.insertInto('pet').values({ owner_id: 99, name: 'x' }).execute()),
        noColumn: await e(() => db.selectFrom('person').select(sql`nope`.as('x')).execute()),
      };
    },
    async 'closed connection'(db) {
      await schema(db);
      await db.destroy();
      return { afterDestroy: await attempt(() => db.selectFrom('person').selectAll().execute()) };
    },
  },
});
