/**
 * Knex: `client: 'better-sqlite3'` (oracle) vs `client: HeliosKnexClient` (ours). Mirrors
 * knex test/integration2 (schema/*, migrate/sqlite.spec.js, dialects/better-sqlite3.spec.js).
 */
import knexFactory, { type Knex } from 'knex';
import { expect } from 'vitest';
import { HeliosKnexClient } from '../../../adapters/knex.js';
import { attempt, type Engine, oracle } from '../support/env.js';
import { surface } from '../support/scenario.js';

async function schema(k: Knex): Promise<void> {
  await k.schema.createTable('users', (t) => {
    t.increments('id');
    t.string('email').notNullable().unique();
    t.boolean('active').defaultTo(true);
    // unnamed: SQLite reports the dequoted first token (`CHECK constraint failed: age`)
    t.integer('age').checkPositive();
    t.json('meta');
    t.datetime('seen_at');
    t.bigInteger('big');
  });
  await k.schema.createTable('posts', (t) => {
    t.increments('id');
    t.integer('user_id').notNullable().references('id').inTable('users').onDelete('CASCADE');
    t.string('title').notNullable();
    t.index(['user_id']);
  });
}

async function seed(k: Knex): Promise<void> {
  await schema(k);
  await k('users').insert([{ email: 'a@x', age: 30 }, { email: 'b@x', age: 40 }, { email: 'c@x' }]);
  await k('posts').insert([
    { user_id: 1, title: 'p1' },
    { user_id: 1, title: 'p2' },
    { user_id: 2, title: 'p3' },
  ]);
}

function open(engine: Engine, extra: Partial<Knex.Config> = {}, options: Record<string, unknown> = {}): Knex {
  return knexFactory({
    client: engine === oracle ? 'better-sqlite3' : HeliosKnexClient,
    connection: { filename: ':memory:', options },
    useNullAsDefault: true,
    ...extra,
  });
}

export const knexSurface = surface<Knex>({
  name: 'Knex',
  open: async (engine) => open(engine),
  async close(k) {
    await k.destroy();
  },
  scenarios: {
    async crud(k) {
      await schema(k);
      const ins = await k('users').insert({ email: 'a@x', age: 1 });
      await k('users').insert({ email: 'b@x' });
      const upd = await k('users').where({ email: 'a@x' }).increment('age', 5);
      const del = await k('users').where('email', 'b@x').del();
      const rows = await k('users').select('id', 'email', 'age', 'active').orderBy('id');
      const first = await k('users').where('id', 1).first('email');
      const count = await k('users').count({ n: '*' });
      const page = await k('users').select('id').offset(0).limit(10);
      expect(rows).toHaveLength(1);
      return { ins, upd, del, rows, first, count, page };
    },
    async 'multi-row insert ids'(k) {
      await schema(k);
      // Knex sends multi-row inserts as `insert ... select ? as a union all select ?`.
      const ids = await k('users').insert([{ email: 'a' }, { email: 'b' }, { email: 'c' }]);
      const returned = await k('users').insert([{ email: 'd' }, { email: 'e' }], ['id', 'email']);
      expect(returned).toEqual([
        { id: 4, email: 'd' },
        { id: 5, email: 'e' },
      ]);
      return { ids, returned };
    },
    async upsert(k) {
      await seed(k);
      const merged = await k('users').insert({ email: 'a@x', age: 99 }).onConflict('email').merge(['age']).returning(['id', 'age']);
      const where = await k('users')
        .insert({ email: 'b@x', age: 1 })
        .onConflict('email')
        .merge({ age: k.raw('excluded.age + 1000') })
        .where('users.age', '>', 100)
        .returning('*');
      const ignored = await k('users').insert([{ email: 'c@x' }, { email: 'c@x' }]).onConflict('email').ignore();
      return { merged, where, ignored, rows: await k('users').select('email', 'age').orderBy('id') };
    },
    async returning(k) {
      await seed(k);
      const ins = await k('posts').insert({ user_id: 2, title: 'n' }).returning('*');
      const upd = await k('users').update({ active: false }).where('age', '>', 35).returning(['id', 'active']);
      const del = await k('posts').del().where('user_id', 1).returning('id');
      return { ins, upd, del };
    },
    async transactions(k) {
      await schema(k);
      const committed = await k.transaction(async (trx) => {
        await trx('users').insert({ email: 'a' });
        return trx('users').count({ n: '*' });
      });
      const failed = await attempt(() =>
        k.transaction(async (trx) => {
          await trx('users').insert({ email: 'b' });
          await trx('users').insert({ email: 'a' });
        }),
      );
      const trx = await k.transaction();
      await trx('users').insert({ email: 'c' });
      await trx.rollback();
      const rows = await k('users').pluck('email');
      expect(rows).toEqual(['a']);
      return { committed, failed, rows, done: trx.isCompleted() };
    },
    async 'nested transactions'(k) {
      await schema(k);
      await k.transaction(async (trx) => {
        await trx('users').insert({ email: 'outer' });
        await trx.transaction(async (t2) => {
          await t2('users').insert({ email: 'inner' });
        });
        await trx
          .transaction(async (t2) => {
            await t2('users').insert({ email: 'inner-fails' });
            throw new Error('inner');
          })
          .catch(() => undefined);
      });
      const rows = await k('users').pluck('email');
      expect(rows).toEqual(['outer', 'inner']);
      return rows;
    },
    async relations(k) {
      await seed(k);
      const joined = await k('users')
        .leftJoin('posts', 'posts.user_id', 'users.id')
        .select('users.email', 'posts.title')
        .orderBy([{ column: 'users.id' }, { column: 'posts.id' }]);
      const counts = await k('users')
        .join('posts', 'posts.user_id', 'users.id')
        .groupBy('users.id')
        .having(k.raw('count(posts.id) > ?', [1]))
        .select('users.email', k.raw('count(posts.id) as n'));
      const sub = await k('users').whereIn('id', k('posts').select('user_id')).pluck('email');
      await k('users').where('id', 1).del();
      return { joined, counts, sub, cascaded: await k('posts').select('*') };
    },
    async json(k) {
      await schema(k);
      await k('users').insert({ email: 'j', meta: JSON.stringify({ a: { b: [1, 2, 3] }, s: 'x' }) });
      const rows = await k('users').select(
        k.jsonExtract('meta', '$.a.b[1]', 'second'),
        k.jsonExtract('meta', '$.s', 's'),
        k.raw("json_array_length(meta, '$.a.b') as len"),
      );
      const set = await k('users').update({ meta: k.jsonSet('meta', '$.s', 'y') }).returning('meta');
      const where = await k('users').whereJsonPath('meta', '$.a.b[0]', '=', 1).pluck('email');
      return { rows, set, where };
    },
    async bigint(k, engine) {
      await schema(k);
      const big = 2n ** 53n + 1n;
      await k('users').insert({ email: 'b', big });
      const lossy = await k('users').first('big');
      const safe = await k('users').first('big').options({ safeIntegers: true });
      const k2 = open(engine, {}, { safeIntegers: true });
      try {
        await k2.schema.createTable('t', (t) => t.bigInteger('v'));
        await k2('t').insert({ v: big });
        return { lossy, safe, connectionLevel: await k2('t').first('v'), off: await k2('t').first('v').options({ safeIntegers: false }) };
      } finally {
        await k2.destroy();
      }
    },
    async 'dates and booleans'(k) {
      await schema(k);
      // Knex binds a Date as epoch milliseconds and a boolean as 0/1.
      await k('users').insert({ email: 'd', seen_at: new Date(Date.UTC(2024, 6, 1, 2, 3, 4, 5)), active: false });
      await k('users').insert({ email: 'e' });
      const rows = await k('users').select('email', 'seen_at', 'active', k.raw('typeof(seen_at) as t')).orderBy('id');
      const filtered = await k('users').where('active', true).pluck('email');
      return { rows, filtered };
    },
    async introspection(k) {
      await seed(k);
      await k.schema.createView('v', (view) => {
        view.columns(['email']);
        view.as(k('users').select('email'));
      });
      return {
        hasTable: [await k.schema.hasTable('users'), await k.schema.hasTable('nope')],
        hasColumn: [await k.schema.hasColumn('users', 'email'), await k.schema.hasColumn('users', 'nope')],
        columnInfo: await k('users').columnInfo(),
        one: await k('posts').columnInfo('user_id'),
        master: await k.raw("select type, name, sql from sqlite_master where name not like 'sqlite_%' order by name"),
      };
    },
    async migrations(_k, engine) {
      // Knex's own FK-safety case (test/integration2/migrate/sqlite.spec.js): alter-table rebuilds
      // of a parent table must not cascade-delete child rows when run outside a transaction.
      const source = (steps: Record<string, (k: Knex) => Promise<void>>): Knex.MigratorConfig['migrationSource'] => ({
        getMigrations: async () => Object.keys(steps),
        getMigrationName: (m: string) => m,
        getMigration: async (m: string) => ({ up: steps[m] as (k: Knex) => Promise<void>, down: async () => undefined }),
      });
      const steps = {
        '001_init': async (k: Knex) => {
          await seed(k);
        },
        '002_rebuild': async (k: Knex) => {
          await k.schema.alterTable('users', (t) => {
            t.dropColumn('meta');
            t.string('nick').defaultTo('n');
            t.renameColumn('age', 'years');
          });
          await k.schema.alterTable('users', (t) => t.setNullable('email'));
          await k.schema.alterTable('posts', (t) => t.dropForeign(['user_id']));
        },
      };
      const results: Record<string, unknown> = {};
      for (const disableTransactions of [true, false]) {
        const k = open(engine);
        try {
          const [batch, log] = await k.migrate.latest({ migrationSource: source(steps), disableTransactions });
          results[`disableTransactions=${disableTransactions}`] = {
            batch,
            log,
            posts: await k('posts').count({ n: '*' }),
            users: await k('users').select('*').orderBy('id'),
            cols: Object.keys(await k('users').columnInfo()),
            sql: await k.raw("select name, sql from sqlite_master where name in ('users', 'posts')"),
            fk: await k.raw('PRAGMA foreign_keys'),
            status: await k.migrate.status({ migrationSource: source(steps) }),
          };
        } finally {
          await k.destroy();
        }
      }
      const outside = results['disableTransactions=true'] as { posts: unknown };
      expect(outside.posts).toEqual([{ n: 3 }]);
      return results;
    },
    streaming: { notApplicable: "Knex's better-sqlite3 client streams by calling all() (no iterate())" },
    async '32766 parameters'(k) {
      await seed(k);
      const ids = Array.from({ length: 32766 }, (_, i) => i + 1);
      const found = await k('users').whereIn('id', ids).pluck('id');
      const over = await attempt(() => k('users').whereIn('id', [...ids, 0]).pluck('id'));
      expect(found).toEqual([1, 2, 3]);
      return { found, over: 'thrown' in over ? { ...over.thrown, message: over.thrown.message.slice(-40) } : over };
    },
    async 'constraint errors'(k) {
      await seed(k);
      return {
        unique: await attempt(() => k('users').insert({ email: 'a@x' })),
        pk: await attempt(() => k('posts').insert({ id: 1, user_id: 1, title: 't' })),
        notNull: await attempt(() => k('posts').insert({ user_id: 1 })),
        check: await attempt(() => k('users').update({ age: -5 })),
        fk: await attempt(() => k('posts').insert({ user_id: 99, title: 't' })),
        noColumn: await attempt(() => k('users').select('nope')),
      };
    },
    async 'closed connection'(k) {
      await schema(k);
      const conn = (await k.client.acquireConnection()) as { close(): void };
      conn.close();
      await k.client.releaseConnection(conn);
      return { afterClose: await attempt(() => k('users').select('*')) };
    },
  },
});
