'use strict';
// Knex exactly as its docs show it for SQLite: `client: 'better-sqlite3'`, the migrator (with an
// alter-table rebuild of a parent table that has child rows, which must survive), CRUD,
// transactions, savepoints.
const fs = require('node:fs');
const { asOfProbe, errorShape, HELIOS_PROBE_SQL, loadedDriver, probe, run } = require('./support.cjs');
const createKnex = require('knex');

const MIGRATIONS = {
  '001_users': {
    up: (k) =>
      k.schema.createTable('users', (t) => {
        t.increments('id');
        t.string('name').notNullable();
        t.string('email').unique();
        t.boolean('active').defaultTo(true);
        t.bigInteger('karma');
      }),
    down: (k) => k.schema.dropTable('users'),
  },
  '002_posts': {
    up: (k) =>
      k.schema.createTable('posts', (t) => {
        t.increments('id');
        t.integer('user_id').notNullable().references('id').inTable('users');
        t.string('title');
        t.json('meta');
      }),
    down: (k) => k.schema.dropTable('posts'),
  },
  // An alter that SQLite cannot do in place: Knex rebuilds `users` (copy, drop, rename).
  '003_users_name_nullable': {
    up: (k) =>
      k.schema.alterTable('users', (t) => {
        t.string('name').nullable().alter();
      }),
    down: () => Promise.resolve(),
  },
};

function source(names) {
  return {
    getMigrations: async () => names,
    getMigrationName: (name) => name,
    getMigration: async (name) => MIGRATIONS[name],
  };
}

run(async ({ file }) => {
  const knex = createKnex({ client: 'better-sqlite3', connection: { filename: file }, useNullAsDefault: true });
  const first = await knex.migrate.latest({ migrationSource: source(['001_users', '002_posts']) });

  const ids = await knex('users').insert([
    { name: 'Ada', email: 'ada@example.com', karma: 10 },
    { name: 'Linus', email: 'linus@example.com', active: false, karma: 2 ** 40 },
  ]);
  await knex('posts').insert([
    { user_id: 1, title: 'Notes', meta: JSON.stringify({ tags: ['math'] }) },
    { user_id: 2, title: 'Kernel', meta: JSON.stringify({ tags: ['os'] }) },
  ]);
  // Outside a transaction, so that Knex's `PRAGMA foreign_keys = OFF` around the rebuild takes
  // effect (inside BEGIN SQLite ignores it and DROP TABLE "users" fails on the posts rows).
  const second = await knex.migrate.latest({ migrationSource: source(Object.keys(MIGRATIONS)), disableTransactions: true });
  const postsAfterRebuild = await knex('posts').select('id', 'user_id').orderBy('id');
  const nullableName = await knex('users').insert({ name: null, email: 'anon@example.com' }).returning(['id', 'name']);

  const updated = await knex('users').where({ id: 1 }).update({ name: 'Ada Lovelace' });
  const deleted = await knex('users').where({ email: 'anon@example.com' }).del();

  let savepointError = null;
  await knex.transaction(async (trx) => {
    await trx('users').insert({ name: 'Grace', email: 'grace@example.com' });
    try {
      await trx.transaction(async (inner) => {
        await inner('posts').insert({ user_id: 3, title: 'COBOL' });
        await inner('users').insert({ name: 'dup', email: 'ada@example.com' });
      });
    } catch (e) {
      savepointError = errorShape(e);
    }
  });
  let rolledBack = null;
  try {
    await knex.transaction(async (trx) => {
      await trx('posts').del();
      throw new Error('undo');
    });
  } catch (e) {
    rolledBack = e.message;
  }

  const joined = await knex('users as u')
    .leftJoin('posts as p', 'p.user_id', 'u.id')
    .select('u.name', 'u.active', 'u.karma')
    .count({ n: 'p.id' })
    .groupBy('u.id')
    .orderBy('u.id');
  const json = await knex('posts').select('title', knex.raw("meta ->> '$.tags[0]' as tag")).orderBy('id');
  const columns = await knex('users').columnInfo();
  const schema = await knex('sqlite_master').select('type', 'name', 'sql').whereNot('name', 'like', 'sqlite_%').orderBy('name');
  const migrations = await knex('knex_migrations').select('name', 'batch').orderBy('id');

  const helios = {
    hlog: fs.existsSync(`${file}-hlog`),
    vectorDistance: await probe(async () => (await knex.raw(HELIOS_PROBE_SQL))[0]),
    asOf: await asOfProbe({
      enable: () => knex.raw('PRAGMA helios_retention = 3600'),
      txn: async () => (await knex.raw('SELECT helios_txn() AS t'))[0].t,
      read: () => knex('users').orderBy('id').pluck('name'),
      change: () => knex('users').update({ name: knex.raw("coalesce(name, '') || '!'") }),
      readBound: async (point) => {
        const then = await require('better-sqlite3/knex').bound(knex, { asOf: point });
        try {
          return await then('users').orderBy('id').pluck('name');
        } finally {
          await then.destroy();
        }
      },
    }),
    // A vector index (HNSW on hnswlib-node, a native dependency of heliosdb-lite): proves the
    // alias project built it.
    hnsw: await probe(async () => {
      await knex.schema.createTable('items', (t) => {
        t.integer('id').primary();
        t.specificType('embedding', 'VECTOR(2)');
      });
      await knex.raw("insert into items values (1, vector('[1,0]')), (2, vector('[0,1]')), (3, vector('[0.7,0.7]'))");
      await knex.raw("create index items_embedding on items using hnsw (embedding) with (metric = 'cosine')");
      return knex.raw("select id from items order by vector_distance(embedding, vector('[1,0.1]'), 'cosine') limit 2");
    }),
  };
  await knex.destroy();
  return {
    driver: loadedDriver('knex'),
    helios,
    results: { first, ids, second, postsAfterRebuild, nullableName, updated, deleted, savepointError, rolledBack, joined, json, columns, schema, migrations },
  };
});
