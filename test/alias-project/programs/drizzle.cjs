'use strict';
// Drizzle ORM exactly as its docs show it for better-sqlite3: `drizzle-orm/better-sqlite3`,
// its migrator, CRUD, relational queries, transactions with a savepoint, constraint errors.
const fs = require('node:fs');
const path = require('node:path');
const { drizzle } = require('drizzle-orm/better-sqlite3');
const { migrate } = require('drizzle-orm/better-sqlite3/migrator');
const { asc, count, eq, relations, sql } = require('drizzle-orm');
const { integer, sqliteTable, text } = require('drizzle-orm/sqlite-core');
const { asOfProbe, errorShape, HELIOS_PROBE_SQL, loadedDriver, probe, run } = require('./support.cjs');

const users = sqliteTable('users', {
  id: integer('id').primaryKey(),
  name: text('name').notNull(),
  email: text('email').notNull().unique(),
  born: integer('born', { mode: 'timestamp' }),
});
const posts = sqliteTable('posts', {
  id: integer('id').primaryKey(),
  userId: integer('user_id')
    .notNull()
    .references(() => users.id),
  title: text('title').notNull(),
  meta: text('meta', { mode: 'json' }),
});
const usersRelations = relations(users, ({ many }) => ({ posts: many(posts) }));
const postsRelations = relations(posts, ({ one }) => ({ author: one(users, { fields: [posts.userId], references: [users.id] }) }));

run(async ({ file }) => {
  const db = drizzle(file, { schema: { users, posts, usersRelations, postsRelations } });
  migrate(db, { migrationsFolder: path.join(__dirname, '..', 'drizzle-migrations') });
  const migrations = db.all(sql`select id, hash, created_at from __drizzle_migrations order by id`);

  const inserted = db
    .insert(users)
    .values([
      { name: 'Ada', email: 'ada@example.com', born: new Date(Date.UTC(1815, 11, 10)) },
      { name: 'Linus', email: 'linus@example.com' },
    ])
    .returning()
    .all();
  const postInsert = db
    .insert(posts)
    .values([
      { userId: 1, title: 'Notes', meta: { tags: ['math'] } },
      { userId: 1, title: 'Engine', meta: null },
      { userId: 2, title: 'Kernel', meta: { tags: ['os', 'c'] } },
    ])
    .run();
  const updated = db.update(users).set({ name: 'Ada Lovelace' }).where(eq(users.id, 1)).run();
  const deleted = db.delete(posts).where(eq(posts.title, 'Engine')).returning({ id: posts.id }).all();

  let nestedError = null;
  db.transaction((tx) => {
    tx.insert(users).values({ name: 'Grace', email: 'grace@example.com' }).run();
    try {
      tx.transaction((inner) => {
        inner.insert(posts).values({ userId: 3, title: 'COBOL' }).run();
        inner.insert(users).values({ name: 'Ada again', email: 'ada@example.com' }).run();
      });
    } catch (e) {
      nestedError = errorShape(e);
    }
  });
  let rollback = null;
  try {
    db.transaction((tx) => {
      tx.delete(posts).run();
      tx.rollback();
    });
  } catch (e) {
    rollback = e.constructor.name;
  }
  let fkError = null;
  try {
    db.insert(posts).values({ userId: 99, title: 'orphan' }).run();
  } catch (e) {
    fkError = errorShape(e);
  }

  const relational = db.query.posts.findMany({ with: { author: { columns: { name: true } } }, orderBy: asc(posts.id) }).sync();
  const relationalMany = db.query.users.findMany({ with: { posts: { orderBy: asc(posts.id) } }, orderBy: asc(users.id) }).sync();
  const perUser = db
    .select({ name: users.name, n: count(posts.id) })
    .from(users)
    .leftJoin(posts, eq(posts.userId, users.id))
    .groupBy(users.id)
    .orderBy(users.id)
    .all();
  const json = db.all(sql`select title, ${posts.meta} ->> '$.tags[0]' as first_tag from ${posts} order by ${posts.id}`);

  const helios = {
    hlog: fs.existsSync(`${file}-hlog`),
    vectorDistance: await probe(() => db.get(sql.raw(HELIOS_PROBE_SQL))),
    asOf: await asOfProbe({
      enable: () => db.$client.pragma('helios_retention = 3600'),
      txn: () => db.get(sql`SELECT helios_txn() AS t`).t,
      read: () => db.query.users.findMany({ orderBy: asc(users.id) }).sync().map((u) => u.name),
      change: () => db.run(sql`UPDATE users SET name = name || '!'`),
      readBound: (point) => {
        const then = require('better-sqlite3/drizzle').bound(db, { asOf: point });
        try {
          return then.query.users.findMany({ orderBy: asc(users.id) }).sync().map((u) => u.name);
        } finally {
          then.$client.close();
        }
      },
    }),
  };
  db.$client.close();
  return {
    driver: loadedDriver('drizzle-orm'),
    helios,
    results: { migrations, inserted, postInsert, updated, deleted, nestedError, rollback, fkError, relational, relationalMany, perUser, json },
  };
});
