'use strict';
// TypeORM exactly as its docs show it for SQLite: `type: 'better-sqlite3'`, a migration, then
// `synchronize()` adding a column (a table rebuild under child rows), repositories with
// relations, multi-row saves (ids derived from lastInsertRowid), transactions, query runners.
require('reflect-metadata');
const fs = require('node:fs');
const { DataSource, EntitySchema } = require('typeorm');
const { asOfProbe, errorShape, HELIOS_PROBE_SQL, loadedDriver, probe, run } = require('./support.cjs');

const User = new EntitySchema({
  name: 'User',
  tableName: 'users',
  columns: {
    id: { type: Number, primary: true, generated: true },
    name: { type: String },
    email: { type: String, unique: true },
    active: { type: Boolean, default: true },
    // Not in the migration: synchronize() adds it.
    born: { type: 'datetime', nullable: true },
  },
  relations: { posts: { type: 'one-to-many', target: 'Post', inverseSide: 'author' } },
});
const Post = new EntitySchema({
  name: 'Post',
  tableName: 'posts',
  columns: {
    id: { type: Number, primary: true, generated: true },
    title: { type: String },
    meta: { type: 'simple-json', nullable: true },
  },
  relations: { author: { type: 'many-to-one', target: 'User', joinColumn: { name: 'author_id' }, inverseSide: 'posts', nullable: false } },
});

class Init1700000000000 {
  name = 'Init1700000000000';
  async up(queryRunner) {
    await queryRunner.query(
      `CREATE TABLE "users" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "name" varchar NOT NULL, "email" varchar NOT NULL, "active" boolean NOT NULL DEFAULT (1), CONSTRAINT "UQ_users_email" UNIQUE ("email"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "posts" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "title" varchar NOT NULL, "meta" text, "author_id" integer NOT NULL, CONSTRAINT "FK_posts_author" FOREIGN KEY ("author_id") REFERENCES "users" ("id") ON DELETE NO ACTION ON UPDATE NO ACTION)`,
    );
  }
  async down(queryRunner) {
    await queryRunner.query(`DROP TABLE "posts"`);
    await queryRunner.query(`DROP TABLE "users"`);
  }
}

run(async ({ file }) => {
  const ds = new DataSource({ type: 'better-sqlite3', database: file, entities: [User, Post], migrations: [Init1700000000000] });
  await ds.initialize();
  const migrated = (await ds.runMigrations()).map((m) => m.name);
  const users = ds.getRepository(User);
  const posts = ds.getRepository(Post);

  // born is not a column yet: insert through SQL, then let synchronize() rebuild users.
  await ds.query(`INSERT INTO users (name, email) VALUES ('Ada', 'ada@example.com'), ('Linus', 'linus@example.com')`);
  await ds.query(`INSERT INTO posts (title, meta, author_id) VALUES ('Notes', '{"tags":["math"]}', 1), ('Kernel', NULL, 2)`);
  const pending = (await ds.driver.createSchemaBuilder().log()).upQueries.map((q) => q.query);
  await ds.synchronize();
  const afterSync = (await ds.driver.createSchemaBuilder().log()).upQueries.length;
  const postsKept = await posts.count();

  const saved = await users.save([
    { name: 'Grace', email: 'grace@example.com', born: new Date(Date.UTC(1906, 11, 9)) },
    { name: 'Edsger', email: 'edsger@example.com', active: false },
  ]);
  await posts.save({ title: 'COBOL', meta: { tags: ['lang'] }, author: { id: saved[0].id } });
  const updated = await users.update({ email: 'ada@example.com' }, { name: 'Ada Lovelace' });
  const removed = await users.delete({ email: 'edsger@example.com' });

  let transactionError = null;
  try {
    await ds.transaction(async (manager) => {
      await manager.getRepository(User).save({ name: 'tmp', email: 'tmp@example.com' });
      await manager.getRepository(User).save({ name: 'dup', email: 'ada@example.com' });
    });
  } catch (e) {
    transactionError = { ...errorShape(e), driverError: e.driverError ? errorShape(e.driverError) : null };
  }
  const runner = ds.createQueryRunner();
  await runner.startTransaction();
  await runner.manager.getRepository(Post).clear();
  await runner.rollbackTransaction();
  await runner.release();

  const withPosts = await users.find({ relations: { posts: true }, order: { id: 'ASC', posts: { id: 'ASC' } } });
  const byQueryBuilder = await posts
    .createQueryBuilder('p')
    .innerJoin('p.author', 'a')
    .select(['p.title AS title', 'a.name AS author'])
    .where('a.active = :active', { active: true })
    .orderBy('p.id')
    .getRawMany();
  const schema = await ds.query(`SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name`);

  const helios = {
    hlog: fs.existsSync(`${file}-hlog`),
    vectorDistance: await probe(() => ds.query(HELIOS_PROBE_SQL)),
    asOf: await asOfProbe({
      enable: () => ds.query('PRAGMA helios_retention = 3600'),
      txn: async () => (await ds.query('SELECT helios_txn() AS t'))[0].t,
      read: async () => (await users.find({ order: { id: 'ASC' } })).map((u) => u.name),
      change: () => ds.query("UPDATE users SET name = name || '!'"),
      readBound: async (point) => {
        const then = await require('better-sqlite3/typeorm').bound(ds, { asOf: point });
        try {
          return (await then.getRepository(User).find({ order: { id: 'ASC' } })).map((u) => u.name);
        } finally {
          await then.destroy();
        }
      },
    }),
  };
  await ds.destroy();
  return {
    driver: loadedDriver('typeorm'),
    helios,
    results: { migrated, pending, afterSync, postsKept, saved, updated, removed, transactionError, withPosts, byQueryBuilder, schema },
  };
});
