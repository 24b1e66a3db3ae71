/**
 * Patterns of Kysely's test/node/src (sqlite dialect) not covered by the conformance scenarios:
 * joins of every kind (join.test.ts), CTEs incl. recursive (with.test.ts), set operations
 * (set-operation.test.ts), case expressions (case.test.ts), window and filtered aggregates
 * (aggregate-function.test.ts), insert from select / or ignore / or replace / default values
 * (insert.test.ts), UPDATE ... FROM (update.test.ts), JSON traversal (json-traversal.test.ts),
 * schema builder incl. views and temporary tables (schema.test.ts), introspection with views
 * (introspect.test.ts), `$if`/`$call`, and error identity (transaction.test.ts).
 */
import { type Generated, Kysely, SqliteDialect, sql } from 'kysely';
import { jsonArrayFrom, jsonObjectFrom } from 'kysely/helpers/sqlite';
import { HeliosDialect } from '../../../adapters/kysely.js';
import { attempt, type Engine, oracle } from '../support/env.js';
import type { UpstreamCases } from './cases.js';

interface DB {
  person: { id: Generated<number>; first_name: string; last_name: string | null; gender: 'male' | 'female' | 'other'; age: number; data: string | null };
  pet: { id: Generated<number>; name: string; owner_id: number; species: 'dog' | 'cat' | 'hamster' };
  toy: { id: Generated<number>; name: string; pet_id: number; price: number };
  tree: { id: number; parent_id: number | null; name: string };
}

async function open(engine: Engine): Promise<{ db: Kysely<DB>; SqliteError: Engine['SqliteError'] }> {
  const database = new engine.Database(':memory:');
  const dialect = engine === oracle ? new SqliteDialect({ database }) : new HeliosDialect({ database: database as never });
  const db = new Kysely<DB>({ dialect });
  // test/node/src/test-setup.ts: createTableWithId + the person/pet/toy fixtures.
  await db.schema
    .createTable('person')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('first_name', 'varchar(255)', (c) => c.notNull())
    .addColumn('last_name', 'varchar(255)')
    .addColumn('gender', 'varchar(50)', (c) => c.notNull())
    .addColumn('age', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('data', 'text')
    .execute();
  await db.schema
    .createTable('pet')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('name', 'varchar(255)', (c) => c.notNull().unique())
    .addColumn('owner_id', 'integer', (c) => c.references('person.id').onDelete('cascade').notNull())
    .addColumn('species', 'varchar(50)', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('toy')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('name', 'varchar(255)', (c) => c.notNull())
    .addColumn('pet_id', 'integer', (c) => c.references('pet.id').notNull())
    .addColumn('price', 'double precision', (c) => c.notNull())
    .execute();
  await db.schema.createTable('tree').addColumn('id', 'integer', (c) => c.primaryKey()).addColumn('parent_id', 'integer').addColumn('name', 'text', (c) => c.notNull()).execute();
  await db.schema.createIndex('pet_owner_id_index').on('pet').column('owner_id').execute();
  await db
    .insertInto('person')
    .values([
      { first_name: 'Jennifer', last_name: 'Aniston', gender: 'female', age: 25, data: '{"tags":["a","b"],"n":{"x":1}}' },
      { first_name: 'Arnold', last_name: 'Schwarzenegger', gender: 'male', age: 70, data: '{"tags":[],"n":{"x":2}}' },
      { first_name: 'Sylvester', last_name: 'Stallone', gender: 'male', age: 40, data: null },
    ])
    .execute();
  await db
    .insertInto('pet')
    .values([
      { name: 'Catto', owner_id: 1, species: 'cat' },
      { name: 'Doggo', owner_id: 2, species: 'dog' },
      { name: 'Hammo', owner_id: 3, species: 'hamster' },
    ])
    .execute();
  await db
    .insertInto('toy')
    .values([
      { name: 'spool', pet_id: 1, price: 10.5 },
      { name: 'ball', pet_id: 2, price: 3 },
      { name: 'wheel', pet_id: 3, price: 7.25 },
      { name: 'mouse', pet_id: 1, price: 2 },
    ])
    .execute();
  await db
    .insertInto('tree')
    .values([
      { id: 1, parent_id: null, name: 'root' },
      { id: 2, parent_id: 1, name: 'a' },
      { id: 3, parent_id: 1, name: 'b' },
      { id: 4, parent_id: 2, name: 'a1' },
      { id: 5, parent_id: 4, name: 'a1x' },
    ])
    .execute();
  return { db, SqliteError: engine.SqliteError };
}

async function using<T>(engine: Engine, f: (db: Kysely<DB>, SqliteError: Engine['SqliteError']) => Promise<T>): Promise<T> {
  const { db, SqliteError } = await open(engine);
  try {
    return await f(db, SqliteError);
  } finally {
    await db.destroy();
  }
}

export const kyselyCases: UpstreamCases = {
  'joins: inner, left, right, full, cross, subquery, nested callbacks': (e) =>
    using(e, async (db) => ({
      inner: await db.selectFrom('person').innerJoin('pet', 'pet.owner_id', 'person.id').select(['person.first_name', 'pet.name']).orderBy('person.id').execute(),
      left: await db.selectFrom('pet').leftJoin('toy', 'toy.pet_id', 'pet.id').select(['pet.name', 'toy.name as toy']).orderBy('pet.id').orderBy('toy.id').execute(),
      right: await db.selectFrom('toy').rightJoin('pet', 'pet.id', 'toy.pet_id').select(['pet.name', 'toy.price']).orderBy('pet.id').orderBy('toy.id').execute(),
      full: await db
        .selectFrom('person')
        .fullJoin('pet', (j) => j.onRef('pet.owner_id', '=', 'person.id').on('pet.species', '!=', 'dog'))
        .select(['person.first_name', 'pet.name'])
        .orderBy(sql`coalesce(person.id, 99)`)
        .orderBy('pet.id')
        .execute(),
      cross: await db.selectFrom('person').crossJoin('pet').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst(),
      subquery: await db
        .selectFrom('person')
        .innerJoin((eb) => eb.selectFrom('pet').select(['owner_id as oid', 'name']).where('species', '!=', 'hamster').as('p'), (j) => j.onRef('p.oid', '=', 'person.id'))
        .select(['person.first_name', 'p.name'])
        .orderBy('person.id')
        .execute(),
      multiple: await db
        .selectFrom('person')
        .innerJoin('pet', 'pet.owner_id', 'person.id')
        .innerJoin('toy', (j) => j.onRef('toy.pet_id', '=', 'pet.id').on('toy.price', '>', 2))
        .select(['person.first_name', 'toy.name'])
        .orderBy('toy.id')
        .execute(),
    })),

  'CTEs: multiple, column lists, recursive, materialized, insert/update/delete with CTE': (e) =>
    using(e, async (db) => ({
      multiple: await db
        .with('jennifer', (qb) => qb.selectFrom('person').where('first_name', '=', 'Jennifer').select(['id', 'first_name']))
        .with('jennifer_pets', (qb) => qb.selectFrom('pet').innerJoin('jennifer', 'jennifer.id', 'pet.owner_id').select(['pet.name']))
        .selectFrom('jennifer_pets')
        .selectAll()
        .execute(),
      columns: await db
        .with('p(pid, pname)', (qb) => qb.selectFrom('pet').select(['id as pid', 'name as pname']))
        .selectFrom('p')
        .select(['pid', 'pname'])
        .orderBy('pid')
        .execute(),
      recursive: await db
        .withRecursive('ancestors(id, parent_id, name, depth)', (qb) =>
          qb
            .selectFrom('tree')
            .where('id', '=', 5)
            .select(['id', 'parent_id', 'name', sql<number>`0`.as('depth')])
            .unionAll((eb) => eb.selectFrom('tree').innerJoin('ancestors', 'ancestors.parent_id', 'tree.id').select(['tree.id', 'tree.parent_id', 'tree.name', sql<number>`ancestors.depth + 1`.as('depth')])),
        )
        .selectFrom('ancestors')
        .select(['name', 'depth'])
        .orderBy('depth')
        .execute(),
      materialized: await db
        .with((cte) => cte('m').materialized(), (qb) => qb.selectFrom('toy').select(['id', 'price']))
        .with((cte) => cte('n').notMaterialized(), (qb) => qb.selectFrom('m').select((eb) => eb.fn.sum<number>('price').as('total')))
        .selectFrom('n')
        .selectAll()
        .execute(),
      insert: await db
        .with('cats', (qb) => qb.selectFrom('pet').where('species', '=', 'cat').select(['id']))
        .insertInto('toy')
        .columns(['name', 'pet_id', 'price'])
        .expression((eb) => eb.selectFrom('cats').select([sql.lit('yarn').as('name'), 'id', sql.lit(1.5).as('price')]))
        .returning(['name', 'pet_id'])
        .execute(),
      update: await db
        .with('cheap', (qb) => qb.selectFrom('toy').where('price', '<', 5).select('id'))
        .updateTable('toy')
        .set((eb) => ({ price: eb('price', '*', 2) }))
        .where('id', 'in', (eb) => eb.selectFrom('cheap').select('id'))
        .returning(['id', 'price'])
        .execute(),
      delete: await db
        .with('dogs', (qb) => qb.selectFrom('pet').where('species', '=', 'dog').select('id'))
        .deleteFrom('toy')
        .where('pet_id', 'in', (eb) => eb.selectFrom('dogs').select('id'))
        .returning('name')
        .execute(),
    })),

  'set operations: union, unionAll, intersect, except with orderBy and limit': (e) =>
    using(e, async (db) => ({
      union: await db
        .selectFrom('person')
        .select(['id', 'first_name as name'])
        .union(db.selectFrom('pet').select(['id', 'name']))
        .orderBy('name')
        .limit(4)
        .execute(),
      unionAll: await db.selectFrom('person').select('id').unionAll(db.selectFrom('pet').select('id')).unionAll((eb) => eb.selectFrom('toy').select('id')).execute(),
      intersect: await db.selectFrom('person').select('id').intersect(db.selectFrom('toy').select('pet_id as id')).orderBy('id').execute(),
      except: await db.selectFrom('person').select('id').except(db.selectFrom('toy').select('pet_id as id')).execute(),
    })),

  'case, coalesce, $if/$call, exists, in-subquery, selectNoFrom': (e) =>
    using(e, async (db) => ({
      case: await db
        .selectFrom('person')
        .select((eb) => [
          'first_name',
          eb.case().when('age', '<', 30).then('young').when('age', '<', 60).then('middle').else('old').end().as('bucket'),
          eb.case('gender').when('male').then(1).else(0).end().as('is_male'),
          eb.fn.coalesce('last_name', sql.lit('?')).as('ln'),
        ])
        .orderBy('id')
        .execute(),
      conditional: await db
        .selectFrom('person')
        .select('first_name')
        .$if(true, (qb) => qb.where('age', '>', 30))
        .$if(false, (qb) => qb.where('age', '>', 1000))
        .$call((qb) => qb.orderBy('first_name', 'desc'))
        .execute(),
      exists: await db
        .selectFrom('person')
        .select('first_name')
        .where((eb) => eb.exists(eb.selectFrom('pet').innerJoin('toy', 'toy.pet_id', 'pet.id').whereRef('pet.owner_id', '=', 'person.id').where('toy.price', '>', 5).select(sql.lit(1).as('one'))))
        .orderBy('id')
        .execute(),
      notIn: await db.selectFrom('pet').select('name').where('id', 'not in', (eb) => eb.selectFrom('toy').select('pet_id')).execute(),
      noFrom: await db.selectNoFrom((eb) => [eb.val(1).as('one'), sql<string>`'x' || 'y'`.as('xy'), eb.selectFrom('person').select((e2) => e2.fn.max('age').as('m')).as('oldest')]).execute(),
    })),

  'aggregates: filterWhere, distinct, window functions over partitions': (e) =>
    using(e, async (db) => ({
      filtered: await db
        .selectFrom('toy')
        .select((eb) => [eb.fn.count<number>('id').filterWhere('price', '>', 5).as('expensive'), eb.fn.count<number>('pet_id').distinct().as('pets'), eb.fn.avg<number>('price').as('avg')])
        .execute(),
      window: await db
        .selectFrom('toy')
        .select((eb) => [
          'name',
          eb.fn.sum<number>('price').over((ob) => ob.partitionBy('pet_id').orderBy('id')).as('running'),
          eb.fn.agg<number>('row_number').over((ob) => ob.orderBy('price', 'desc')).as('rank'),
          eb.fn.count<number>('id').over().as('total'),
        ])
        .orderBy('id')
        .execute(),
      groupBy: await db
        .selectFrom('person')
        .innerJoin('pet', 'pet.owner_id', 'person.id')
        .innerJoin('toy', 'toy.pet_id', 'pet.id')
        .select((eb) => ['person.gender', eb.fn.sum<number>('toy.price').as('spent'), eb.fn.max('toy.name').as('last')])
        .groupBy('person.gender')
        .having((eb) => eb.fn.count('toy.id'), '>', 1)
        .execute(),
    })),

  'insert: from select, or ignore, or replace, default values, onConflict where, returning expressions': (e) =>
    using(e, async (db) => {
      const fromSelect = await db
        .insertInto('person')
        .columns(['first_name', 'gender', 'age'])
        .expression((eb) => eb.selectFrom('pet').select(['name', sql.lit('other').as('gender'), sql.lit(1).as('age')]).where('species', '=', 'dog'))
        .executeTakeFirst();
      const ignore = await db.insertInto('pet').orIgnore().values({ name: 'Catto', owner_id: 2, species: 'cat' }).executeTakeFirst();
      // better-sqlite3 enables foreign keys by default: replacing a pet that has toys fails.
      const replaceFk = await attempt(() => db.insertInto('pet').orReplace().values({ name: 'Doggo', owner_id: 3, species: 'dog' }).execute());
      await db.insertInto('pet').values({ name: 'Newbie', owner_id: 1, species: 'cat' }).execute();
      const replace = await db.insertInto('pet').orReplace().values({ name: 'Newbie', owner_id: 2, species: 'dog' }).returning(['id', 'owner_id']).execute();
      await db.schema.createTable('defaults').addColumn('id', 'integer', (c) => c.primaryKey()).addColumn('v', 'text', (c) => c.defaultTo('dflt')).execute();
      const defaults = await db.insertInto('defaults' as never).defaultValues().returningAll().execute();
      const conflict = await db
        .insertInto('pet')
        .values({ name: 'Hammo', owner_id: 1, species: 'hamster' })
        .onConflict((oc) => oc.column('name').where('species', '=', 'hamster').doUpdateSet((eb) => ({ owner_id: eb.ref('excluded.owner_id') })).where('pet.owner_id', '!=', 1))
        .returning((eb) => ['id', 'owner_id', eb('id', '*', 10).as('id10'), sql<string>`upper(name)`.as('upper')])
        .execute();
      const unique = await attempt(() => db.insertInto('pet').values({ name: 'Hammo', owner_id: 1, species: 'cat' }).execute());
      return { fromSelect, ignore, replaceFk, replace, defaults, conflict, unique, pets: await db.selectFrom('pet').selectAll().orderBy('id').execute() };
    }),

  'update from, update/delete returning, limit via subquery': (e) =>
    using(e, async (db) => ({
      updateFrom: await db
        .updateTable('toy')
        .from('pet')
        .set((eb) => ({ name: sql<string>`${eb.ref('toy.name')} || '-' || ${eb.ref('pet.name')}` }))
        .whereRef('pet.id', '=', 'toy.pet_id')
        .where('pet.species', '=', 'cat')
        .returning(['toy.id', 'toy.name'])
        .execute(),
      deleted: await db.deleteFrom('toy').where('id', 'in', (eb) => eb.selectFrom('toy').select('id').orderBy('price').limit(1)).returningAll().execute(),
      rest: await db.selectFrom('toy').select(['id', 'name']).orderBy('id').execute(),
    })),

  'JSON: ->$ traversal, ->> values, jsonArrayFrom / jsonObjectFrom nested': (e) =>
    using(e, async (db) => ({
      traversal: await db
        .selectFrom('person')
        .select((eb) => [eb.ref('data', '->>').key('n' as never).key('x' as never).as('x'), eb.ref('data', '->>$').key('tags' as never).at(0 as never).as('first_tag')])
        .orderBy('id')
        .execute(),
      nested: await db
        .selectFrom('person')
        .select((eb) => [
          'first_name',
          jsonArrayFrom(
            eb
              .selectFrom('pet')
              .select((eb2) => ['pet.name', jsonArrayFrom(eb2.selectFrom('toy').select(['toy.name', 'toy.price']).whereRef('toy.pet_id', '=', 'pet.id').orderBy('toy.id')).as('toys')])
              .whereRef('pet.owner_id', '=', 'person.id'),
          ).as('pets'),
          jsonObjectFrom(eb.selectFrom('pet').select(['pet.id', 'pet.species']).whereRef('pet.owner_id', '=', 'person.id')).as('pet'),
        ])
        .orderBy('person.id')
        .execute(),
    })),

  'schema: views, temporary tables, alter table add/rename/drop column, indexes, introspection': (e) =>
    using(e, async (db) => {
      await db.schema.createView('dogs').as(db.selectFrom('pet').selectAll().where('species', '=', 'dog')).execute();
      await db.schema.createView('dogs').orReplace().as(db.selectFrom('pet').select(['id', 'name'])).execute().catch(() => undefined);
      await db.schema.createTable('tmp').temporary().addColumn('x', 'integer').execute();
      await db.schema.alterTable('person').addColumn('nick', 'text', (c) => c.defaultTo('none')).execute();
      await db.schema.alterTable('person').renameColumn('nick', 'nickname').execute();
      await db.schema.alterTable('person').dropColumn('data').execute();
      await db.schema.alterTable('toy').renameTo('toys').execute();
      await db.schema.createIndex('toys_price').on('toys').columns(['price', 'name']).unique().where(sql.ref('price'), '>', 0).execute();
      await db.schema.dropIndex('pet_owner_id_index').ifExists().execute();
      const tables = await db.introspection.getTables();
      const withInternal = await db.introspection.getTables({ withInternalKyselyTables: true });
      return {
        // Views' column types are left out: heliosdb-lite reports them as declared ('integer'),
        // SQLite as its standard type names ('INTEGER'); reported to the engine owners.
        tables: tables.map((t) => ({ name: t.name, isView: t.isView, columns: t.isView ? t.columns.map((c) => c.name) : t.columns })),
        internal: withInternal.length,
        viewRows: await db.selectFrom('dogs' as never).selectAll().execute(),
        schema: await sql`SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name`.execute(db),
        tmp: await sql`SELECT name FROM sqlite_temp_master`.execute(db),
        person: await db.selectFrom('person').selectAll().orderBy('id').execute(),
      };
    }),

  'errors: SqliteError identity and codes, unknown table, aborted transaction': (e) =>
    using(e, async (db, SqliteError) => {
      const unique = await db
        .insertInto('pet')
        .values({ name: 'Catto', owner_id: 1, species: 'cat' })
        .execute()
        .catch((x: unknown) => ({ isSqliteError: x instanceof SqliteError, code: (x as { code?: string }).code, message: (x as Error).message }));
      // better-sqlite3 turns foreign keys on by default (SQLITE_DEFAULT_FOREIGN_KEYS=1).
      const fk = await attempt(() => db.insertInto('pet').values({ name: 'Ghost', owner_id: 99, species: 'cat' }).execute());
      const fkPragma = await sql`PRAGMA foreign_keys`.execute(db);
      const tx = await attempt(() =>
        db.transaction().execute(async (trx) => {
          await trx.insertInto('person').values({ first_name: 'T', gender: 'other', last_name: null, age: 1, data: null }).execute();
          await trx.selectFrom('nope' as never).selectAll().execute();
        }),
      );
      return { unique, fk, fkPragma: fkPragma.rows, tx, persons: await db.selectFrom('person').select('first_name').orderBy('id').execute() };
    }),

  'generated columns, autoincrement and defaults in the schema builder and introspection': (e) =>
    using(e, async (db) => {
      await db.schema
        .createTable('gen')
        .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
        .addColumn('a', 'integer', (c) => c.notNull().defaultTo(2))
        .addColumn('b', 'integer', (c) => c.generatedAlwaysAs(sql`a * 2`).stored())
        .addColumn('c', 'text', (c) => c.generatedAlwaysAs(sql`'a=' || a`))
        .addColumn('d', 'real', (c) => c.defaultTo(sql`(1.5)`))
        .addColumn('e', 'varchar(10)', (c) => c.defaultTo('it\'s'))
        .addCheckConstraint('a_positive', sql`a > 0`)
        .addUniqueConstraint('a_d_unique', ['a', 'd'])
        .execute();
      await db.insertInto('gen' as never).values([{ a: 1 }, { a: 3 }] as never).execute();
      const bad = await attempt(() => db.insertInto('gen' as never).values({ a: -1 } as never).execute());
      const tables = await db.introspection.getTables();
      return {
        gen: tables.find((t) => t.name === 'gen'),
        rows: await db.selectFrom('gen' as never).selectAll().execute(),
        bad,
        xinfo: await sql`PRAGMA table_xinfo(gen)`.execute(db),
      };
    }),
};
