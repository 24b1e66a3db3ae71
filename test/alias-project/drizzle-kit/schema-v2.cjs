'use strict';
// Version 2 (push; and generate, for the oracle): a new column (ALTER TABLE ADD COLUMN), a
// changed default (SQLite cannot alter it in place: drizzle-kit rebuilds `tags`, copying its
// rows) and a new table with a foreign key.
// Avoided on purpose, as drizzle-kit 0.31 push fails on SQLite too: rebuilding a table that has
// indexes (it creates them twice, drizzle-team/drizzle-orm#3574) or that also gains a column.
const { index, integer, sqliteTable, text, uniqueIndex } = require('drizzle-orm/sqlite-core');

exports.users = sqliteTable(
  'users',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    name: text('name').notNull(),
    email: text('email').notNull(),
    bio: text('bio'),
  },
  (t) => [uniqueIndex('users_email_idx').on(t.email)],
);

exports.tags = sqliteTable('tags', {
  id: integer('id').primaryKey(),
  label: text('label').notNull().default('none'),
});

exports.posts = sqliteTable(
  'posts',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    userId: integer('user_id')
      .notNull()
      .references(() => exports.users.id, { onDelete: 'cascade' }),
    title: text('title').notNull(),
  },
  (t) => [index('posts_user_idx').on(t.userId)],
);
