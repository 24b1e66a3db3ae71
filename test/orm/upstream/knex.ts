/**
 * Patterns of Knex's test/integration2 (better-sqlite3) not covered by the conformance
 * scenarios: the where/order/aggregate/union/CTE variety of query/select.spec.js and
 * aggregate.spec.js, increments and returning (update/insert specs), conflict merge with columns
 * and where, batchInsert, the JSON functions of schema/json.spec.js, the schema changes that make
 * Knex rebuild a SQLite table (alter, set/drop nullable, primary and foreign keys, unique, checks),
 * columnInfo/hasTable/hasColumn, views, and streaming.
 */
import { type Knex, knex as createKnex } from 'knex';
import { HeliosKnexClient } from '../../../adapters/knex.js';
import { attempt, type Engine, oracle } from '../support/env.js';
import type { UpstreamCases } from './cases.js';

async function open(engine: Engine): Promise<Knex> {
  const k = createKnex({ client: engine === oracle ? 'better-sqlite3' : HeliosKnexClient, connection: { filename: ':memory:' }, useNullAsDefault: true });
  await k.schema.createTable('accounts', (t) => {
    t.increments('id');
    t.string('first_name');
    t.string('last_name');
    t.string('email').unique();
    t.integer('logins').defaultTo(1);
    t.decimal('balance', 10, 2).defaultTo(0);
    t.text('about');
    t.json('settings');
    t.timestamps(false, false);
  });
  await k.schema.createTable('posts', (t) => {
    t.increments('id');
    t.integer('account_id').unsigned().references('accounts.id').onDelete('CASCADE');
    t.string('title').notNullable();
    t.integer('votes').nullable();
  });
  await k('accounts').insert([
    { first_name: 'Test', last_name: 'User', email: 'test1@example.com', logins: 1, about: 'Lorem', settings: JSON.stringify({ theme: 'dark', langs: ['en', 'fr'] }) },
    { first_name: 'Test', last_name: 'User', email: 'test2@example.com', logins: 2, about: 'Ipsum', settings: JSON.stringify({ theme: 'light', langs: [] }) },
    { first_name: 'Test', last_name: 'User', email: 'test3@example.com', logins: 2, about: null, settings: null },
    { first_name: 'Test', last_name: 'Null', email: 'test4@example.com', logins: 5, about: 'Dolor', settings: null },
  ]);
  await k('posts').insert([
    { account_id: 1, title: 'a', votes: 3 },
    { account_id: 1, title: 'b', votes: null },
    { account_id: 2, title: 'c', votes: 10 },
    { account_id: 4, title: 'd', votes: 1 },
  ]);
  return k;
}

async function using<T>(engine: Engine, f: (k: Knex) => Promise<T>): Promise<T> {
  const k = await open(engine);
  try {
    return await f(k);
  } finally {
    await k.destroy();
  }
}

export const knexCases: UpstreamCases = {
  'select: where variants, order by nulls, distinct, first, pluck, offset without limit': (e) =>
    using(e, async (k) => ({
      whereIn: await k('accounts').select('id').whereIn('id', k('posts').select('account_id')).orderBy('id'),
      whereNotIn: await k('accounts').pluck('id').whereNotIn('id', [1, 2]),
      between: await k('posts').select('title').whereBetween('votes', [1, 5]).orderBy('title'),
      nullChecks: await k('posts').select('title').whereNull('votes').orWhere((q) => q.whereNotNull('votes').andWhere('votes', '>', 5)),
      like: await k('accounts').pluck('email').whereLike('email', 'TEST1%'),
      ilike: await k('accounts').pluck('email').whereILike('email', 'TEST1%'),
      nullsFirst: await k('posts').pluck('title').orderBy('votes', 'desc', 'first'),
      nullsLast: await k('posts').pluck('title').orderBy([{ column: 'votes', order: 'asc', nulls: 'last' }]),
      distinct: await k('accounts').distinct('last_name').orderBy('last_name'),
      first: await k('accounts').first('id', 'email').where('logins', '>', 1).orderBy('id'),
      offset: await k('accounts').pluck('id').offset(2).orderBy('id'),
      whereRaw: await k('accounts').pluck('id').whereRaw('logins + ? > ?', [1, 3]),
      columnCompare: await k('accounts').pluck('id').where('id', '<', k.ref('logins')),
      exists: await k('accounts').pluck('id').whereExists(k('posts').select(k.raw('1')).whereRaw('posts.account_id = accounts.id').where('votes', '>', 2)),
    })),

  'aggregates: count, countDistinct, sum, avg, min, max with aliases; groupBy/having': (e) =>
    using(e, async (k) => ({
      one: await k('accounts').count('id as n').first(),
      multi: await k('accounts').count({ n: 'id' }).countDistinct({ logins: 'logins' }).sum({ total: 'logins' }).avg({ avg: 'logins' }).min({ lo: 'logins' }).max({ hi: 'logins' }),
      raw: await k('accounts').select(k.raw('count(*) as ??', ['n'])),
      grouped: await k('accounts').select('logins').count('* as n').groupBy('logins').having('logins', '>', 1).orderBy('logins'),
      sumDistinct: await k('accounts').sumDistinct('logins as s').avgDistinct('logins as a'),
    })),

  'joins, unions, CTEs (recursive), subquery columns, modify, clear': (e) =>
    using(e, async (k) => ({
      left: await k('accounts').leftJoin('posts', 'posts.account_id', 'accounts.id').select('accounts.id', 'posts.title').orderBy(['accounts.id', 'posts.id']),
      rightJoin: await k('posts').rightJoin('accounts', 'posts.account_id', 'accounts.id').select('accounts.id', 'posts.title').orderBy(['accounts.id', 'posts.id']),
      complexOn: await k('accounts')
        .join('posts', (j) => j.on('posts.account_id', '=', 'accounts.id').andOnVal('posts.votes', '>', 1).orOnNull('posts.votes'))
        .select('accounts.id', 'posts.title')
        .orderBy('posts.id'),
      cross: await k('accounts').crossJoin('posts' as never).count('* as n').first(),
      union: await k('accounts').select('id').where('id', 1).union((q) => q.select('id').from('posts').where('id', 3)).unionAll([k('posts').select('id').where('id', 3)]),
      intersect: await k('accounts').select('id').intersect(k('posts').select('account_id')),
      except: await k('accounts').select('id').except(k('posts').select('account_id')),
      with: await k.with('p', k('posts').where('votes', '>', 1)).select('title').from('p').orderBy('title'),
      withColumns: await k.with('p', ['x', 'y'], k('posts').select('id', 'title')).select('*').from('p').orderBy('x'),
      recursive: await k.withRecursive('n', ['v'], k.raw('select 1 union all select v + 1 from n where v < ?', [5])).select('v').from('n'),
      subColumn: await k('accounts').select('id', k('posts').count('*').whereRaw('posts.account_id = accounts.id').as('n')).orderBy('id'),
      modify: await k('accounts')
        .pluck('id')
        .modify((q, min: number) => void q.where('logins', '>=', min), 2)
        .clearWhere()
        .where('id', '<', 3),
    })),

  'writes: increment/decrement, update/delete returning, merge with columns and where, ignore, batchInsert': (e) =>
    using(e, async (k) => {
      const inc = await k('accounts').where('id', 1).increment({ logins: 2, balance: 10.5 }).returning(['logins', 'balance']);
      const dec = await k('accounts').where('id', 2).decrement('logins', 1);
      const upd = await k('accounts').where('logins', '>', 2).update({ about: 'busy' }, ['id', 'about']);
      const merge = await k('accounts')
        .insert({ email: 'test1@example.com', first_name: 'New', last_name: 'Name' })
        .onConflict('email')
        .merge(['first_name'])
        .returning(['id', 'first_name', 'last_name']);
      const mergeWhere = await k('accounts')
        .insert({ email: 'test2@example.com', first_name: 'Never' })
        .onConflict('email')
        .merge()
        .where('accounts.logins', '>', 100)
        .returning('*');
      const ignore = await k('accounts').insert({ email: 'test3@example.com' }).onConflict('email').ignore();
      const batch = await k.batchInsert('posts', Array.from({ length: 7 }, (_, i) => ({ account_id: 3, title: `b${i}`, votes: i })), 3).returning('id' as never);
      const empty = await k('posts').insert({ account_id: 3, title: 'defaults' }).returning(['id', 'votes']);
      const del = await k('posts').where('account_id', 3).andWhere('votes', '<', 3).del(['id', 'title']);
      const unique = await attempt(() => k('accounts').insert({ email: 'test4@example.com' }));
      return { inc, dec, upd, merge, mergeWhere, ignore, batch, empty, del, unique, accounts: await k('accounts').select('id', 'first_name', 'logins', 'balance', 'about').orderBy('id') };
    }),

  'JSON functions: jsonExtract, jsonSet, jsonInsert, jsonRemove, whereJsonPath': (e) =>
    using(e, async (k) => ({
      extract: await k('accounts').select('id', k.jsonExtract('settings', '$.theme', 'theme'), k.jsonExtract('settings', '$.langs[0]', 'lang')).orderBy('id'),
      extractMany: await k('accounts').jsonExtract([
        ['settings', '$.theme', 't'],
        ['settings', '$.langs', 'l'],
      ]).where('id', 1),
      set: await k('accounts').select(k.jsonSet('settings', '$.theme', 'blue', 's')).where('id', 1),
      insert: await k('accounts').select(k.jsonInsert('settings', '$.extra', 'x', 's')).where('id', 2),
      remove: await k('accounts').select(k.jsonRemove('settings', '$.langs', 's')).where('id', 1),
      wherePath: await k('accounts').pluck('id').whereJsonPath('settings', '$.theme', '=', 'dark'),
    })),

  'schema rebuilds: alter column, nullable, primary/foreign keys, unique, checks, rename/drop, keep child rows': (e) =>
    using(e, async (k) => {
      await k.raw('PRAGMA foreign_keys = ON');
      await k.schema.alterTable('accounts', (t) => {
        t.string('about', 500).notNullable().defaultTo('n/a').alter();
      }).catch(() => undefined);
      await k('accounts').whereNull('about').update({ about: 'n/a' });
      await k.schema.alterTable('accounts', (t) => {
        t.string('about', 500).notNullable().defaultTo('n/a').alter();
      });
      await k.schema.alterTable('posts', (t) => {
        t.setNullable('title');
      });
      await k.schema.alterTable('posts', (t) => {
        t.dropNullable('title');
      });
      await k.schema.alterTable('accounts', (t) => {
        t.unique(['first_name', 'email'], { indexName: 'fn_email' });
        t.index(['logins'], 'logins_idx', { predicate: k.whereNotNull('logins') });
      });
      await k.schema.alterTable('posts', (t) => {
        t.dropForeign('account_id');
      });
      await k.schema.alterTable('posts', (t) => {
        t.foreign('account_id').references('accounts.id').onDelete('SET NULL');
      });
      await k.schema.createTable('tagged', (t) => {
        t.integer('post_id');
        t.string('tag');
        t.integer('weight').checkPositive();
        t.string('kind').checkIn(['a', 'b']);
      });
      await k.schema.alterTable('tagged', (t) => {
        t.primary(['post_id', 'tag']);
      });
      await k.schema.alterTable('accounts', (t) => {
        t.renameColumn('last_name', 'surname');
        t.dropColumn('settings');
      });
      const check = await attempt(() => k('tagged').insert({ post_id: 1, tag: 'x', weight: -1, kind: 'a' }));
      await k('accounts').where('id', 1).del();
      const fkList = await k.raw('PRAGMA foreign_key_list(posts)');
      return {
        schema: await k('sqlite_master').select('type', 'name', 'tbl_name', 'sql').whereNot('name', 'like', 'sqlite_%').orderBy('name'),
        check,
        fkList,
        posts: await k('posts').orderBy('id'),
        accounts: await k('accounts').select('id', 'surname', 'about').orderBy('id'),
        integrity: await k.raw('PRAGMA foreign_key_check'),
      };
    }),

  'introspection: hasTable, hasColumn, columnInfo, views, createTableLike': (e) =>
    using(e, async (k) => {
      await k.schema.createView('busy', (v) => {
        v.columns(['id', 'email']);
        v.as(k('accounts').select('id', 'email').where('logins', '>', 1));
      });
      await k.schema.createTableLike('accounts_copy', 'accounts', (t) => {
        t.string('extra');
      });
      return {
        hasTable: [await k.schema.hasTable('accounts'), await k.schema.hasTable('nope')],
        hasColumn: [await k.schema.hasColumn('accounts', 'email'), await k.schema.hasColumn('accounts', 'nope')],
        columnInfo: await k('accounts').columnInfo(),
        emailInfo: await k('accounts').columnInfo('email'),
        view: await k('busy').orderBy('id'),
        copy: await k('sqlite_master').where('name', 'accounts_copy').first('sql'),
      };
    }),

  'transactions: nested savepoints, rollback with error, transactionProvider, streaming': (e) =>
    using(e, async (k) => {
      const outer = await attempt(() =>
        k.transaction(async (trx) => {
          await trx('posts').insert({ account_id: 1, title: 'outer' });
          const inner = await attempt(() =>
            trx.transaction(async (trx2) => {
              await trx2('posts').insert({ account_id: 1, title: 'inner' });
              throw new Error('inner fails');
            }),
          );
          await trx('posts').insert({ account_id: 1, title: 'after' });
          return inner;
        }),
      );
      const provider = k.transactionProvider();
      const trx = await provider();
      await trx('posts').insert({ account_id: 2, title: 'provided' });
      await trx.rollback();
      const rejected = await attempt(() => trx.executionPromise);
      const streamed: unknown[] = [];
      for await (const row of k('posts').select('id', 'title').orderBy('id').stream()) streamed.push(row);
      return { outer, rejected, streamed };
    }),

  'truncate resets autoincrement; first/pluck on empty; raw bindings (named and positional); toSQL().toNative()': (e) =>
    using(e, async (k) => {
      await k('posts').truncate();
      const afterTruncate = await k('posts').insert({ account_id: 1, title: 'again' }).returning('id');
      const seq = await k('sqlite_sequence').select('name', 'seq').orderBy('name');
      return {
        afterTruncate,
        seq,
        emptyFirst: (await k('posts').where('id', 99).first()) ?? 'undefined',
        emptyPluck: await k('posts').where('id', 99).pluck('id'),
        named: await k.raw('select :a as a, :b as ?? ', { a: 1, b: 'two' }).catch((x: Error) => x.message),
        namedId: await k.raw('select :a as a, :col: from accounts where id = :id', { a: 1, col: 'email', id: 2 }),
        positional: await k.raw('select ? as a, ?? from accounts where id in (?, ?) order by id', [5, 'email', 1, 3]),
        native: k('accounts').where('id', 1).update({ logins: 3 }).toSQL().toNative(),
      };
    }),
};
