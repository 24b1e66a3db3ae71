/**
 * ORM instances bound to a point in time (`bound(instance, { asOf })` in every adapter, TypeORM's
 * `withAsOf()` / `asOfQueryBuilder()`), and the branch shape that waits for branches.
 *
 * The oracle is the recorded past: each test reads the database through the ORM, remembers the
 * result and the commit (`helios_txn()`, `helios_commit_time()`), changes the data, and then
 * requires the bound instance to return exactly what was recorded, while the live instance
 * returns the new state.
 */
import 'reflect-metadata';
import { eq, relations } from 'drizzle-orm';
import { drizzle as drizzleBs3 } from 'drizzle-orm/better-sqlite3';
import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { knex as createKnex, type Knex } from 'knex';
import { type Generated, Kysely, SqliteDialect, sql } from 'kysely';
import { jsonArrayFrom } from 'kysely/helpers/sqlite';
import { DataSource, EntitySchema } from 'typeorm';
import { describe, expect, it } from 'vitest';
import { bindDatabase } from '../../adapters/common/binding.js';
import * as D from '../../adapters/drizzle.js';
import * as Kn from '../../adapters/knex.js';
import * as K from '../../adapters/kysely.js';
import * as T from '../../adapters/typeorm.js';
import { errorShape, helios, oracle, plain, tempPath } from './support/env.js';

/** A commit to travel back to: its number and its exact commit time. */
interface Point {
  readonly txn: number;
  readonly time: string;
}

const POINT_SQL = 'SELECT helios_txn() AS txn, helios_commit_time() AS time';
const SEED = [
  "CREATE TABLE users (id integer PRIMARY KEY, name text NOT NULL)",
  'CREATE TABLE posts (id integer PRIMARY KEY, user_id integer NOT NULL REFERENCES users(id) ON DELETE CASCADE, title text NOT NULL)',
  "INSERT INTO users VALUES (1, 'Ada'), (2, 'Linus'), (3, 'Grace')",
  "INSERT INTO posts VALUES (1, 1, 'Engines'), (2, 1, 'Notes'), (3, 2, 'Kernels'), (4, 3, 'Compilers')",
];
const CHANGE = [
  "UPDATE users SET name = 'Ada L.' WHERE id = 1",
  'DELETE FROM users WHERE id = 3',
  "INSERT INTO users VALUES (4, 'Barbara')",
  "INSERT INTO posts (id, user_id, title) VALUES (5, 4, 'Abstractions')",
  "UPDATE posts SET title = 'Kernel notes' WHERE id = 3",
];

/** Both forms of the same point. */
function pointsOf(p: Point): ReadonlyArray<readonly [string, K.AsOfPoint]> {
  return [
    ['transaction', { transaction: p.txn }],
    ['timestamp', { timestamp: p.time }],
  ];
}

const READONLY = { code: 'SQLITE_READONLY', message: 'attempt to write a readonly database' };

describe('bindDatabase and branch bindings', () => {
  it('binds a connection to a point; branches fail with SqliteError until they exist', () => {
    const db = new helios.Database(':memory:');
    db.pragma('helios_retention = 3600');
    db.exec("CREATE TABLE t (x); INSERT INTO t VALUES (1)");
    const p = db.prepare(POINT_SQL).get() as Point;
    db.exec('INSERT INTO t VALUES (2)');
    const then = bindDatabase(db as never, { asOf: { transaction: p.txn } });
    expect(then.prepare('SELECT x FROM t').pluck().all()).toEqual([1]);
    expect(then.readonly).toBe(true);
    then.close();
    const branch = errorShape(attemptThrow(() => bindDatabase(db as never, { branch: 'dev' })));
    expect(branch).toEqual({
      error: 'SqliteError',
      name: 'SqliteError',
      code: 'SQLITE_ERROR',
      message: 'cannot bind to branch "dev": branches are not available yet in heliosdb-lite',
    });
    expect(() => bindDatabase(db as never, { asOf: { transaction: 1 }, branch: 'x' } as never)).toThrow(TypeError);
    expect(() => bindDatabase(db as never, {} as never)).toThrow(TypeError);
    // A future point is the engine's SqliteError.
    expect(() => bindDatabase(db as never, { asOf: { transaction: p.txn + 100 } })).toThrow(helios.SqliteError);
    // better-sqlite3 connections cannot be bound.
    const real = new oracle.Database(':memory:');
    expect(() => bindDatabase(real as never, { asOf: { transaction: 1 } })).toThrow('Binding needs a heliosdb-lite connection');
    real.close();
    db.close();
    // The factories' branch option: 'main' is accepted, any other branch is the same SqliteError.
    expect(() => new K.HeliosDialect({ branch: 'dev' })).toThrow(helios.SqliteError);
    expect(() => D.drizzle(':memory:', { branch: 'dev' })).toThrow('branches are not available yet');
    expect(() => T.heliosDataSourceOptions({ database: ':memory:', branch: 'dev' })).toThrow(helios.SqliteError);
    D.drizzle(':memory:', { branch: 'main' }).$client.close();
  });
});

function attemptThrow(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error('expected a throw');
}

// ---------------------------------------------------------------------------------------------

interface KDB {
  users: { id: Generated<number>; name: string };
  posts: { id: Generated<number>; user_id: number; title: string };
}

describe('Kysely bound()', () => {
  const read = (db: Kysely<KDB>) =>
    db
      .selectFrom('users')
      .select((eb) => ['id', 'name', jsonArrayFrom(eb.selectFrom('posts').select(['posts.id', 'posts.title']).whereRef('posts.user_id', '=', 'users.id').orderBy('posts.id')).as('posts')])
      .orderBy('id')
      .execute();

  it('reads the recorded past through relations and subqueries; writes are read-only', async () => {
    const database = new helios.Database(':memory:');
    database.pragma('helios_retention = 3600');
    const db = new Kysely<KDB>({ dialect: new K.HeliosDialect({ database: database as never }) });
    for (const s of SEED) await sql.raw(s).execute(db);
    const before = plain(await read(db));
    const p = (await sql.raw<Point>(POINT_SQL).execute(db)).rows[0] as Point;
    for (const s of CHANGE) await sql.raw(s).execute(db);
    const after = plain(await read(db));
    expect(after).not.toStrictEqual(before);
    for (const [, point] of pointsOf(p)) {
      const then = await K.bound(db, { asOf: point });
      expect(plain(await read(then))).toStrictEqual(before);
      expect(await then.selectFrom('posts').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst()).toEqual({ n: 4 });
      const write = await then.insertInto('users').values({ name: 'x' }).execute().catch(errorShape);
      expect(write).toMatchObject(READONLY);
      await then.destroy();
    }
    expect(plain(await read(db))).toStrictEqual(after);
    await expect(K.bound(db, { branch: 'dev' })).rejects.toThrow('branches are not available yet');
    await db.destroy();
    const real = new Kysely<KDB>({ dialect: new SqliteDialect({ database: new oracle.Database(':memory:') }) });
    await expect(K.bound(real, { asOf: { transaction: 1 } })).rejects.toThrow('needs a Kysely instance that uses HeliosDialect');
    await real.destroy();
  });
});

// ---------------------------------------------------------------------------------------------

const users = sqliteTable('users', { id: integer('id').primaryKey(), name: text('name').notNull() });
const posts = sqliteTable('posts', {
  id: integer('id').primaryKey(),
  userId: integer('user_id').notNull(),
  title: text('title').notNull(),
});
const usersRelations = relations(users, ({ many }) => ({ posts: many(posts) }));
const postsRelations = relations(posts, ({ one }) => ({ user: one(users, { fields: [posts.userId], references: [users.id] }) }));
const schema = { users, posts, usersRelations, postsRelations };

describe('Drizzle bound()', () => {
  it('reads the recorded past through relational queries and joins; writes are read-only', () => {
    const db = D.drizzle(':memory:', { schema });
    db.$client.pragma('helios_retention = 3600');
    for (const s of SEED) db.$client.exec(s);
    const read = (d: typeof db) => ({
      rq: d.query.users.findMany({ with: { posts: { orderBy: posts.id } }, orderBy: users.id }).sync(),
      join: d.select({ name: users.name, title: posts.title }).from(posts).innerJoin(users, eq(users.id, posts.userId)).orderBy(posts.id).all(),
    });
    const before = plain(read(db));
    const p = db.$client.prepare(POINT_SQL).get() as Point;
    for (const s of CHANGE) db.$client.exec(s);
    const after = plain(read(db));
    expect(after).not.toStrictEqual(before);
    for (const [, point] of pointsOf(p)) {
      const then = D.bound(db, { asOf: point });
      expect(plain(read(then))).toStrictEqual(before);
      expect(errorShape(attemptThrow(() => then.insert(users).values({ name: 'x' }).run()))).toMatchObject(READONLY);
      then.$client.close();
    }
    expect(plain(read(db))).toStrictEqual(after);
    expect(() => D.bound(db, { branch: 'dev' })).toThrow(helios.SqliteError);
    // A database object of drizzle-orm/better-sqlite3 over heliosdb-lite (the npm alias) binds too.
    const stock = drizzleBs3(db.$client as never, { schema });
    const then = D.bound(stock, { asOf: { transaction: p.txn } });
    expect(plain(read(then as never))).toStrictEqual(before);
    then.$client.close();
    db.$client.close();
  });
});

// ---------------------------------------------------------------------------------------------

describe('Knex bound()', () => {
  for (const file of [':memory:', 'file'] as const) {
    it(`reads the recorded past through joins (${file}); writes are read-only`, async () => {
      const db = createKnex({
        client: Kn.HeliosKnexClient,
        connection: { filename: file === 'file' ? tempPath('knex.db') : ':memory:' },
        useNullAsDefault: true,
        // Pool hooks carry over to the bound instance, whose connections are read-only.
        pool: {
          afterCreate: (c: { readonly: boolean; pragma(s: string): unknown }, done: (e: Error | null, c: unknown) => void) => {
            if (!c.readonly) c.pragma('helios_retention = 3600');
            done(null, c);
          },
        },
      });
      for (const s of SEED) await db.raw(s);
      const read = async (k: Knex) => ({
        join: await k('posts').join('users', 'users.id', 'posts.user_id').select('users.name', 'posts.title').orderBy('posts.id'),
        sub: await k('users').whereIn('id', k('posts').select('user_id')).orderBy('id'),
      });
      const before = plain(await read(db));
      const p = (await db.raw(POINT_SQL))[0] as Point;
      for (const s of CHANGE) await db.raw(s);
      const after = plain(await read(db));
      expect(after).not.toStrictEqual(before);
      for (const [, point] of pointsOf(p)) {
        const then = await Kn.bound(db, { asOf: point });
        expect(plain(await read(then))).toStrictEqual(before);
        expect(await then('users').insert({ name: 'x' }).catch(errorShape)).toMatchObject({
          code: READONLY.code,
          message: `insert into \`users\` (\`name\`) values ('x') - ${READONLY.message}`,
        });
        await then.destroy();
      }
      expect(plain(await read(db))).toStrictEqual(after);
      await expect(Kn.bound(db, { branch: 'dev' })).rejects.toThrow(helios.SqliteError);
      await db.destroy();
    });
  }

  it('rejects a branch in the connection settings', async () => {
    const db = createKnex({ client: Kn.HeliosKnexClient, connection: { filename: ':memory:', branch: 'dev' } as Knex.Sqlite3ConnectionConfig, useNullAsDefault: true });
    await expect(db.raw('SELECT 1')).rejects.toThrow('cannot bind to branch "dev"');
    await db.destroy();
  });
});

// ---------------------------------------------------------------------------------------------

interface User {
  id: number;
  name: string;
  posts: Post[];
}
interface Post {
  id: number;
  title: string;
  user: User;
}
const UserEntity = new EntitySchema<User>({
  name: 'User',
  tableName: 'users',
  columns: { id: { type: Number, primary: true, generated: true }, name: { type: String } },
  relations: { posts: { type: 'one-to-many', target: 'Post', inverseSide: 'user' } },
});
const PostEntity = new EntitySchema<Post>({
  name: 'Post',
  tableName: 'posts',
  columns: { id: { type: Number, primary: true, generated: true }, title: { type: String } },
  relations: { user: { type: 'many-to-one', target: 'User', joinColumn: { name: 'user_id' }, inverseSide: 'posts', onDelete: 'CASCADE', eager: true } },
});

describe('TypeORM bound(), withAsOf() and asOfQueryBuilder()', () => {
  it('reads the recorded past through finds, relations, eager loading and query builders', async () => {
    const ds = await T.createHeliosDataSource({
      database: ':memory:',
      entities: [UserEntity, PostEntity],
      synchronize: true,
      prepareDatabase: (db) => db.pragma('helios_retention = 3600'),
    }).initialize();
    await ds.query("INSERT INTO users (id, name) VALUES (1, 'Ada'), (2, 'Linus'), (3, 'Grace')");
    await ds.query("INSERT INTO posts (id, user_id, title) VALUES (1, 1, 'Engines'), (2, 1, 'Notes'), (3, 2, 'Kernels'), (4, 3, 'Compilers')");
    const read = async (d: DataSource) => ({
      find: await d.getRepository(UserEntity).find({ relations: { posts: true }, order: { id: 'ASC', posts: { id: 'ASC' } } }),
      eager: await d.getRepository(PostEntity).find({ order: { id: 'ASC' } }),
      qb: await d.getRepository(PostEntity).createQueryBuilder('p').leftJoinAndSelect('p.user', 'u').where('u.name LIKE :n', { n: '%a%' }).orderBy('p.id').getMany(),
      raw: await d.query('SELECT count(*) AS n FROM posts'),
    });
    const before = plain(await read(ds));
    const [p] = (await ds.query(POINT_SQL)) as Point[];
    for (const s of CHANGE) await ds.query(s);
    const after = plain(await read(ds));
    expect(after).not.toStrictEqual(before);
    for (const [, point] of pointsOf(p as Point)) {
      const then = await T.bound(ds, { asOf: point });
      expect(plain(await read(then))).toStrictEqual(before);
      const write = await then.getRepository(UserEntity).save({ name: 'x' }).catch(errorShape);
      expect(write).toMatchObject({ error: 'QueryFailedError', driverError: { ...READONLY, error: 'SqliteError' } });
      await then.destroy();
      expect(plain(await T.withAsOf(ds, point, async (em) => ({ ...(await read(em.connection)) })))).toStrictEqual(before);
    }
    // asOfQueryBuilder: the main table in the past, inside a query on the live connection.
    const oldUsers = await T.asOfQueryBuilder(ds.getRepository(UserEntity), 'u', { transaction: (p as Point).txn }).orderBy('u.id').getMany();
    const recorded = (before as { find: Array<{ id: number; name: string }> }).find;
    expect(oldUsers.map((u) => [u.id, u.name])).toEqual(recorded.map((u) => [u.id, u.name]));
    expect(recorded.map((u) => u.name)).toEqual(['Ada', 'Linus', 'Grace']);
    const one = await T.asOfQueryBuilder(ds.getRepository(UserEntity), 'u', { timestamp: (p as Point).time }).where('u.id = :id', { id: 3 }).getOne();
    expect(one?.name).toBe('Grace');
    expect(plain(await read(ds))).toStrictEqual(after);
    await expect(T.bound(ds, { branch: 'dev' })).rejects.toThrow(helios.SqliteError);
    await ds.destroy();
    await expect(T.bound(ds, { asOf: { transaction: 1 } })).rejects.toThrow('needs an initialized DataSource');
    const real = await new DataSource({ type: 'better-sqlite3', database: ':memory:', entities: [UserEntity, PostEntity] }).initialize();
    await expect(T.bound(real, { asOf: { transaction: 1 } })).rejects.toThrow('needs a DataSource on heliosdb-lite');
    await real.destroy();
  });
});
