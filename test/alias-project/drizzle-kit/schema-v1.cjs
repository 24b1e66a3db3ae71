'use strict';
// Version 1 of the drizzle-kit test schema (generate + migrate).
const { integer, sqliteTable, text, uniqueIndex } = require('drizzle-orm/sqlite-core');

exports.users = sqliteTable(
  'users',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    name: text('name').notNull(),
    email: text('email').notNull(),
  },
  (t) => [uniqueIndex('users_email_idx').on(t.email)],
);

exports.tags = sqliteTable('tags', {
  id: integer('id').primaryKey(),
  label: text('label').notNull(),
});
