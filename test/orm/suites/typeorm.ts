/**
 * TypeORM: `type: 'better-sqlite3'` (oracle) vs `createHeliosDataSource()` (ours, the `driver:`
 * option). Entities are EntitySchemas (no decorators needed). Mirrors typeorm test/functional
 * (driver/better-sqlite3, query-builder/insert-on-conflict, transaction, relations/eager,
 * schema-builder, query-builder/take/sqlite-high-take-limit).
 */
import 'reflect-metadata';
import { DataSource, EntitySchema, In, type MigrationInterface, type QueryRunner, TableColumn } from 'typeorm';
import { expect } from 'vitest';
import { createHeliosDataSource, registerVectorType, vectorColumn } from '../../../adapters/typeorm.js';
import { attempt, type Engine, oracle } from '../support/env.js';
import { surface } from '../support/scenario.js';

interface User {
  id: number;
  name: string;
  age: number | null;
  active: boolean;
  profile: { tags: string[] } | null;
  born: Date | null;
  big: string | number | null;
  embedding: Float32Array | null;
  posts?: Post[];
}
interface Post {
  id: number;
  title: string;
  author?: User;
}

const UserEntity = new EntitySchema<User>({
  name: 'user',
  columns: {
    id: { type: Number, primary: true, generated: 'increment' },
    name: { type: 'varchar', unique: true },
    age: { type: 'integer', nullable: true },
    active: { type: 'boolean', default: true },
    profile: { type: 'simple-json', nullable: true },
    born: { type: 'datetime', nullable: true },
    big: { type: 'bigint', nullable: true },
    embedding: vectorColumn({ dimensions: 3, nullable: true }),
  },
  checks: [{ name: 'CHK_age', expression: '"age" >= 0' }],
  relations: { posts: { type: 'one-to-many', target: 'post', inverseSide: 'author' } },
});
const PostEntity = new EntitySchema<Post>({
  name: 'post',
  columns: { id: { type: Number, primary: true, generated: 'increment' }, title: { type: 'varchar' } },
  relations: { author: { type: 'many-to-one', target: 'user', inverseSide: 'posts', eager: true, onDelete: 'CASCADE', nullable: false } },
});

function dataSource(engine: Engine, extra: { migrations?: Array<new () => MigrationInterface>; synchronize?: boolean } = {}): DataSource {
  const common = { database: ':memory:', entities: [UserEntity, PostEntity], synchronize: extra.synchronize ?? true, migrations: extra.migrations ?? [] };
  return engine === oracle ? registerVectorType(new DataSource({ type: 'better-sqlite3', ...common })) : createHeliosDataSource(common);
}

async function seed(ds: DataSource): Promise<void> {
  const users = ds.getRepository(UserEntity);
  await users.insert([{ name: 'ada', age: 36 }, { name: 'bob', age: 41 }, { name: 'cy' }]);
  await ds.getRepository(PostEntity).insert([
    { title: 'p1', author: { id: 1 } as User },
    { title: 'p2', author: { id: 1 } as User },
    { title: 'p3', author: { id: 2 } as User },
  ]);
}

export const typeormSurface = surface<DataSource>({
  name: 'TypeORM',
  open: async (engine) => dataSource(engine).initialize(),
  async close(ds) {
    if (ds.isInitialized) await ds.destroy();
  },
  scenarios: {
    async crud(ds) {
      const repo = ds.getRepository(UserEntity);
      const saved = await repo.save({ name: 'ada', age: 1, embedding: new Float32Array([0.5, -1, 2]) });
      await repo.save({ name: 'bob' });
      const upd = await repo.update({ name: 'ada' }, { age: 2 });
      const inc = await repo.increment({ name: 'ada' }, 'age', 3);
      const del = await repo.delete({ name: 'bob' });
      const all = await repo.find({ order: { id: 'ASC' } });
      const one = await repo.findOneBy({ id: 1 });
      const count = await repo.count();
      const exists = await repo.exists({ where: { name: 'bob' } });
      expect(one?.embedding).toEqual(new Float32Array([0.5, -1, 2]));
      return { saved, upd: upd.affected, inc: inc.affected, del: del.affected, all, one, count, exists };
    },
    async 'multi-row insert ids'(ds) {
      const repo = ds.getRepository(UserEntity);
      // TypeORM derives each id from lastInsertRowid (consecutive rowids required).
      const r = await repo.insert([{ name: 'a' }, { name: 'b' }, { name: 'c' }]);
      const saved = await repo.save([{ name: 'd' }, { name: 'e' }]);
      expect(r.identifiers).toEqual([{ id: 1 }, { id: 2 }, { id: 3 }]);
      return { identifiers: r.identifiers, generated: r.generatedMaps, saved: saved.map((u) => u.id) };
    },
    async upsert(ds) {
      await seed(ds);
      const repo = ds.getRepository(UserEntity);
      // Inserts before conflicts: a conflicting insert into an AUTOINCREMENT table consumes a
      // sequence number in SQLite, which the engine does not yet do (see the report).
      const inserted = await repo.upsert([{ name: 'dee', age: 1 }], { conflictPaths: ['name'] });
      const updated = await repo.upsert([{ name: 'ada', age: 99 }], { conflictPaths: ['name'] });
      const up = [...inserted.identifiers, ...updated.identifiers];
      const ignore = await ds.createQueryBuilder().insert().into(UserEntity).values({ name: 'bob', age: 0 }).orIgnore().execute();
      const qb = await ds
        .createQueryBuilder()
        .insert()
        .into(UserEntity)
        .values({ name: 'cy', age: 5 })
        .orUpdate(['age'], ['name'])
        .execute();
      return { up, ignore: ignore.raw, qb: qb.raw, rows: await repo.find({ select: { name: true, age: true }, order: { id: 'ASC' } }) };
    },
    returning: { notApplicable: 'TypeORM does not use RETURNING on SQLite (isReturningSqlSupported() is false)' },
    async transactions(ds) {
      const repo = ds.getRepository(UserEntity);
      const committed = await ds.transaction(async (em) => {
        await em.save(UserEntity, { name: 'a' });
        return em.count(UserEntity);
      });
      const failed = await attempt(() =>
        ds.transaction(async (em) => {
          await em.save(UserEntity, { name: 'b' });
          await em.insert(UserEntity, { name: 'a' });
        }),
      );
      const qr = ds.createQueryRunner();
      await qr.startTransaction();
      await qr.manager.save(UserEntity, { name: 'c' });
      const inTx = qr.isTransactionActive;
      await qr.rollbackTransaction();
      await qr.release();
      const names = (await repo.find({ order: { id: 'ASC' } })).map((u) => u.name);
      expect(names).toEqual(['a']);
      return { committed, failed, inTx, names };
    },
    async 'nested transactions'(ds) {
      const qr = ds.createQueryRunner();
      await qr.startTransaction();
      await qr.manager.save(UserEntity, { name: 'outer' });
      await qr.startTransaction();
      await qr.manager.save(UserEntity, { name: 'inner-rolled-back' });
      await qr.rollbackTransaction();
      await qr.startTransaction();
      await qr.manager.save(UserEntity, { name: 'inner' });
      await qr.commitTransaction();
      await qr.commitTransaction();
      await qr.release();
      const names = (await ds.getRepository(UserEntity).find({ order: { id: 'ASC' } })).map((u) => u.name);
      expect(names).toEqual(['outer', 'inner']);
      return names;
    },
    async relations(ds) {
      await seed(ds);
      const withPosts = await ds.getRepository(UserEntity).find({ relations: { posts: true }, order: { id: 'ASC', posts: { id: 'ASC' } } });
      const eager = await ds.getRepository(PostEntity).find({ order: { id: 'DESC' } });
      const qb = await ds
        .getRepository(UserEntity)
        .createQueryBuilder('u')
        .leftJoinAndSelect('u.posts', 'p')
        .where('p.title IN (:...titles)', { titles: ['p1', 'p3'] })
        .orderBy('u.id')
        .addOrderBy('p.id')
        .getMany();
      const paged = await ds.getRepository(UserEntity).find({ relations: { posts: true }, order: { id: 'ASC' }, skip: 1, take: 1 });
      await ds.getRepository(UserEntity).delete({ id: 1 });
      expect(eager[0]?.author?.name).toBe('bob');
      return { withPosts, eager, qb, paged, left: await ds.getRepository(PostEntity).count() };
    },
    async json(ds) {
      const repo = ds.getRepository(UserEntity);
      await repo.save({ name: 'j', profile: { tags: ['x', 'y'] } });
      const loaded = await repo.findOneByOrFail({ name: 'j' });
      const traversed = await repo
        .createQueryBuilder('u')
        .select("json_extract(u.profile, '$.tags[1]')", 'second')
        .addSelect("u.profile ->> '$.tags[#-1]'", 'last')
        .where("json_array_length(u.profile, '$.tags') = :n", { n: 2 })
        .getRawMany();
      return { profile: loaded.profile, traversed };
    },
    async bigint(ds) {
      const repo = ds.getRepository(UserEntity);
      await repo.save({ name: 'b', big: '9007199254740993' });
      await repo.save({ name: 'c', big: 42 });
      const rows = await ds.query('SELECT big, typeof(big) AS t FROM user ORDER BY id');
      return { rows, loaded: await repo.find({ select: { big: true }, order: { id: 'ASC' } }) };
    },
    async 'dates and booleans'(ds) {
      const repo = ds.getRepository(UserEntity);
      await repo.save({ name: 'd', born: new Date(Date.UTC(2001, 1, 3, 4, 5, 6, 789)), active: false });
      await repo.save({ name: 'e' });
      const loaded = await repo.find({ select: { name: true, born: true, active: true }, order: { id: 'ASC' } });
      const raw = await ds.query('SELECT born, active, typeof(active) AS t FROM user ORDER BY id');
      const filtered = await repo.findBy({ active: true });
      expect(loaded[0]?.born?.toISOString()).toBe('2001-02-03T04:05:06.789Z');
      return { loaded, raw, filtered: filtered.map((u) => u.name) };
    },
    async introspection(ds) {
      // synchronize ran at initialize(): a second pass must find nothing to change (vector column included).
      const log = await ds.driver.createSchemaBuilder().log();
      const qr = ds.createQueryRunner();
      try {
        const user = await qr.getTable('user');
        const post = await qr.getTable('post');
        expect(log.upQueries).toEqual([]);
        return {
          up: log.upQueries.map((q) => q.query),
          columns: user?.columns.map((c) => [c.name, c.type, c.length, c.isNullable, c.isGenerated, c.default ?? null, c.isUnique]),
          checks: user?.checks.map((c) => c.expression),
          fks: post?.foreignKeys.map((f) => [f.columnNames, f.referencedTableName, f.onDelete]),
          indices: post?.indices.map((i) => i.columnNames),
          tables: (await qr.getTables()).map((t) => t.name).sort(),
        };
      } finally {
        await qr.release();
      }
    },
    async migrations(_ds, engine) {
      // Migrations run with foreign_keys OFF around the transaction, so TypeORM's table rebuild
      // (temporary_user) of the parent table must keep the child rows.
      class Init1700000000000 implements MigrationInterface {
        async up(qr: QueryRunner): Promise<void> {
          await qr.query('CREATE TABLE "user" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "name" varchar NOT NULL)');
          await qr.query(
            'CREATE TABLE "post" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "title" varchar NOT NULL, "authorId" integer NOT NULL, CONSTRAINT "FK_p" FOREIGN KEY ("authorId") REFERENCES "user" ("id") ON DELETE CASCADE)',
          );
          await qr.query(`INSERT INTO "user" ("name") VALUES ('ada'), ('bob')`);
          await qr.query(`INSERT INTO "post" ("title", "authorId") VALUES ('p1', 1), ('p2', 2)`);
        }
        async down(): Promise<void> {}
      }
      class Rebuild1700000000001 implements MigrationInterface {
        async up(qr: QueryRunner): Promise<void> {
          await qr.addColumn('user', new TableColumn({ name: 'age', type: 'integer', isNullable: true }));
          await qr.changeColumn('user', 'name', new TableColumn({ name: 'name', type: 'varchar', isUnique: true }));
          await qr.dropColumn('user', 'age');
        }
        async down(): Promise<void> {}
      }
      const ds = await dataSource(engine, { migrations: [Init1700000000000, Rebuild1700000000001], synchronize: false }).initialize();
      try {
        const ran = await ds.runMigrations();
        const again = await ds.runMigrations();
        return {
          ran: ran.map((m) => m.name),
          again: again.length,
          posts: await ds.query('SELECT * FROM "post" ORDER BY id'),
          schema: await ds.query(`SELECT name, sql FROM sqlite_master WHERE name IN ('user', 'post')  ORDER BY name`),
          migrations: await ds.query('SELECT timestamp, name FROM migrations ORDER BY id'),
          fk: await ds.query('PRAGMA foreign_keys'),
        };
      } finally {
        await ds.destroy();
      }
    },
    streaming: { notApplicable: "TypeORM's better-sqlite3 query runner does not support stream()" },
    async '32766 parameters'(ds) {
      await seed(ds);
      const ids = Array.from({ length: 32766 }, (_, i) => i + 1);
      const found = await ds.getRepository(UserEntity).find({ select: { id: true }, where: { id: In(ids) }, order: { id: 'ASC' } });
      const over = await attempt(() => ds.getRepository(UserEntity).findBy({ id: In([...ids, 0]) }));
      expect(found.map((u) => u.id)).toEqual([1, 2, 3]);
      const shape = 'thrown' in over ? { code: over.thrown.code, error: over.thrown.error, driver: over.thrown.driverError } : over;
      return { found, over: shape };
    },
    async 'constraint errors'(ds) {
      await seed(ds);
      const users = ds.getRepository(UserEntity);
      return {
        unique: await attempt(() => users.insert({ name: 'ada' })),
        pk: await attempt(() => users.insert({ id: 1, name: 'zz' })),
        notNull: await attempt(() => ds.query('INSERT INTO "post" ("title") VALUES (?)', ['t'])),
        check: await attempt(() => users.update({ id: 1 }, { age: -1 })),
        fk: await attempt(() => ds.getRepository(PostEntity).insert({ title: 't', author: { id: 99 } as User })),
        noTable: await attempt(() => ds.query('SELECT * FROM nope')),
      };
    },
    async 'closed connection'(ds) {
      // typeorm test/functional/driver/better-sqlite3/error-on-query-after-close.test.ts
      const qr = ds.createQueryRunner();
      const raw = (await qr.connect()) as { close(): void };
      raw.close();
      const after = await attempt(() => qr.query('SELECT 1'));
      await qr.release();
      return { after };
    },
  },
});
