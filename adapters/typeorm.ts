/**
 * heliosdb-lite for TypeORM (`heliosdb-lite/typeorm`): DataSource options that run TypeORM's
 * own better-sqlite3 driver on heliosdb-lite through its `driver:` option (no npm alias), a
 * `VECTOR(n)` column type with a transformer (`vectorColumn()` options / `@VectorColumn()`),
 * nearest-neighbour helpers (`orderByVectorDistance()` for a query builder, `nearestNeighbors()`
 * for a repository), and time travel: `bound(dataSource, { asOf })` / `withAsOf()` give a
 * read-only DataSource whose finds, relations and query builders all read one past point,
 * `asOfQueryBuilder()` reads one entity's table as of a point inside a current query.
 *
 * @example
 * import { createHeliosDataSource, vectorColumn, orderByVectorDistance } from 'heliosdb-lite/typeorm';
 * const Item = new EntitySchema<{ id: number; embedding: Float32Array }>({ name: 'item', columns: {
 *   id: { type: Number, primary: true, generated: true },
 *   embedding: vectorColumn({ dimensions: 3 }) } });
 * const ds = createHeliosDataSource({ database: 'app.db', entities: [Item], synchronize: true });
 * await ds.initialize();
 * const near = await nearestNeighbors(ds.getRepository(Item), 'embedding', q, { k: 5 });
 * const then = await withAsOf(ds, { transaction: 42 }, (em) => em.find(Item));
 */
import {
  Column,
  type ColumnOptions,
  type ColumnType,
  DataSource,
  type DataSourceOptions,
  type EntityManager,
  type ObjectLiteral,
  type Repository,
  type SelectQueryBuilder,
  type ValueTransformer,
} from 'typeorm';
import { type AsOfPoint, asOfParts } from './common/as-of.js';
import { bindDatabase, type Binding, type BranchBinding, branchesUnavailable, checkBinding, checkBranch } from './common/binding.js';
import { Database, type HeliosDatabase } from './common/database.js';
import { checkMetric, fromVectorBlob, toVectorBlob, type VectorInput, type VectorMetric } from './common/vector.js';

export type { AsOfPoint, Binding, BranchBinding, HeliosDatabase, VectorInput, VectorMetric };
export { bindDatabase } from './common/binding.js';
export { fromVectorBlob, toVectorBlob } from './common/vector.js';

/** TypeORM's options for its better-sqlite3 driver. */
export type BetterSqlite3Options = Extract<DataSourceOptions, { type: 'better-sqlite3' }>;
/** What {@link heliosDataSourceOptions} takes: the better-sqlite3 options without `type`/`driver`. */
export type HeliosDataSourceOptions = Omit<BetterSqlite3Options, 'type' | 'driver'> & BranchBinding;

/**
 * DataSource options for TypeORM's better-sqlite3 driver running on heliosdb-lite.
 * @example new DataSource(heliosDataSourceOptions({ database: 'app.db', entities: [User] }))
 */
export function heliosDataSourceOptions(options: HeliosDataSourceOptions): BetterSqlite3Options {
  checkBranch(options);
  const { branch: _branch, ...rest } = options;
  return { ...rest, type: 'better-sqlite3', driver: Database };
}

/**
 * A DataSource on heliosdb-lite that also knows the `vector` column type (see
 * {@link registerVectorType}).
 */
export function createHeliosDataSource(options: HeliosDataSourceOptions): DataSource {
  return registerVectorType(new DataSource(heliosDataSourceOptions(options)));
}

/** The column type name of vector columns (declared as `vector(n)`, i.e. `VECTOR(n)`). */
export const VECTOR_COLUMN_TYPE = 'vector' as ColumnType;

/**
 * Teaches a (not yet initialized) SQLite-family DataSource the `vector` column type with a
 * length, so entities may declare `vector(n)` columns and `synchronize` sees them as unchanged.
 * Works for any of TypeORM's SQLite drivers (also on real better-sqlite3, which stores the BLOBs).
 */
export function registerVectorType(dataSource: DataSource): DataSource {
  const driver = dataSource.driver as { supportedDataTypes?: ColumnType[]; withLengthColumnTypes?: ColumnType[] };
  for (const list of [driver.supportedDataTypes, driver.withLengthColumnTypes]) {
    if (list === undefined) throw new TypeError('registerVectorType needs a DataSource with a SQLite driver');
    if (!list.includes(VECTOR_COLUMN_TYPE)) list.push(VECTOR_COLUMN_TYPE);
  }
  return dataSource;
}

/**
 * The transformer of vector columns: `Float32Array | number[]` → float32 BLOB on write, BLOB (or
 * Float32Array) → `Float32Array` on read. Other values (`null`, `undefined`, find operators)
 * pass through.
 */
export const vectorTransformer: ValueTransformer = {
  to(value: unknown): unknown {
    return value instanceof Float32Array || Array.isArray(value) ? toVectorBlob(value as VectorInput) : value;
  },
  from(value: unknown): unknown {
    return value instanceof Uint8Array || value instanceof Float32Array ? fromVectorBlob(value) : value;
  },
};

/** Options of a vector column. `dimensions` is required. */
export interface VectorColumnConfig<N extends number = number> {
  readonly dimensions: N;
  readonly nullable?: boolean;
  readonly name?: string;
}

/** Column options of a vector column: valid both as `@Column()` options and `EntitySchema` columns. */
export interface VectorColumnOptions {
  readonly type: ColumnType;
  readonly length: number;
  readonly nullable: boolean;
  readonly transformer: ValueTransformer;
  readonly name?: string;
}

/**
 * Column options of a `VECTOR(n)` column, for `EntitySchema` columns or `@Column(...)`.
 * @example columns: { embedding: vectorColumn({ dimensions: 384 }) }
 */
export function vectorColumn(config: VectorColumnConfig): VectorColumnOptions {
  const n = config.dimensions;
  if (!Number.isInteger(n) || n < 1) throw new RangeError('vectorColumn() needs { dimensions: n } with n >= 1');
  return {
    type: VECTOR_COLUMN_TYPE,
    length: n,
    nullable: config.nullable ?? false,
    transformer: vectorTransformer,
    ...(config.name === undefined ? {} : { name: config.name }),
  };
}

/**
 * Property decorator for a `VECTOR(n)` column (needs `experimentalDecorators`); the property
 * should be typed `Float32Array`.
 * @example @VectorColumn({ dimensions: 384 }) embedding!: Float32Array;
 */
export function VectorColumn(config: VectorColumnConfig): PropertyDecorator {
  return Column(vectorColumn(config) as ColumnOptions);
}

const PARAMETER_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Orders a query by `vector_distance(column, :param, 'metric')` (nearest first), the query
 * vector bound as a float32 BLOB. `column` is a property path (`'item.embedding'`).
 * @example orderByVectorDistance(repo.createQueryBuilder('item'), 'item.embedding', q, 'l2').limit(5).getMany()
 */
export function orderByVectorDistance<T extends ObjectLiteral>(
  qb: SelectQueryBuilder<T>,
  column: string,
  vector: VectorInput,
  metric: VectorMetric = 'cosine',
  parameterName = 'heliosQueryVector',
): SelectQueryBuilder<T> {
  const m = checkMetric(metric);
  if (!PARAMETER_NAME.test(parameterName)) throw new TypeError(`Invalid parameter name "${parameterName}"`);
  return qb.orderBy(`vector_distance(${column}, :${parameterName}, '${m}')`, 'ASC').setParameter(parameterName, toVectorBlob(vector));
}

/** The properties of `T` that hold vectors (`Float32Array` or `number[]`, possibly nullable). */
export type VectorProperty<T> = {
  [K in keyof T]-?: NonNullable<T[K]> extends Float32Array | readonly number[] ? K : never;
}[keyof T] &
  string;

/** Options of {@link nearestNeighbors}. */
export interface NearestNeighborsOptions {
  /** How many neighbours (LIMIT k). */
  readonly k: number;
  /** Default `'cosine'`. */
  readonly metric?: VectorMetric;
  /** Search the table as it was at this point (see {@link asOfQueryBuilder}). */
  readonly asOf?: AsOfPoint;
  /** Narrows the candidates (e.g. `(qb) => qb.where('nn.lang = :lang', { lang })`; the alias is `nn`). */
  readonly where?: <Q extends SelectQueryBuilder<ObjectLiteral>>(qb: Q) => Q;
}

/** One neighbour: the entity and its distance to the query vector (smaller is closer). */
export interface Neighbor<T> {
  readonly entity: T;
  readonly distance: number;
}

/**
 * The `k` entities nearest to `vector` by `vector_distance(property, vector, metric)`, nearest
 * first, with their distances. With an HNSW index on the column and no `asOf`/`where`, the
 * engine answers from the index.
 * @example const near = await nearestNeighbors(ds.getRepository(Doc), 'embedding', q, { k: 5, metric: 'l2' });
 */
export async function nearestNeighbors<T extends ObjectLiteral>(
  repository: Repository<T>,
  property: VectorProperty<T>,
  vector: VectorInput,
  options: NearestNeighborsOptions,
): Promise<Array<Neighbor<T>>> {
  const { k } = options;
  if (!Number.isSafeInteger(k) || k < 0) throw new RangeError('nearestNeighbors() needs { k } with k a non-negative integer');
  const metric = checkMetric(options.metric ?? 'cosine');
  if (repository.metadata.findColumnWithPropertyPath(property) === undefined) {
    throw new TypeError(`${repository.metadata.name} has no column "${property}"`);
  }
  const alias = 'nn';
  let qb = options.asOf === undefined ? repository.createQueryBuilder(alias) : asOfQueryBuilder(repository, alias, options.asOf);
  if (options.where !== undefined) qb = options.where(qb);
  const column = `${alias}.${property}`;
  const { entities, raw } = await orderByVectorDistance(qb, column, vector, metric)
    .addSelect(`vector_distance(${column}, :heliosQueryVector, '${metric}')`, 'helios_distance')
    .limit(k)
    .getRawAndEntities<{ helios_distance: number }>();
  const out: Array<Neighbor<T>> = new Array(entities.length);
  for (let i = 0; i < entities.length; i++) out[i] = { entity: entities[i] as T, distance: Number(raw[i]?.helios_distance) };
  return out;
}

// ---------------------------------------------------------------------------------------------
// Time travel and binding

/**
 * A query builder over `repository`'s entity whose main table is read as it was at `point`:
 * `FROM (SELECT * FROM "table" AS OF TRANSACTION ?) "alias"`. Everything else (where, order,
 * entity mapping) is TypeORM's; tables joined through relations read the current state, so for
 * a whole past state (relations included) use {@link bound} / {@link withAsOf}.
 * @example const then = await asOfQueryBuilder(repo, 'doc', { transaction: 42 }).where('doc.id = :id', { id: 1 }).getOne();
 */
export function asOfQueryBuilder<T extends ObjectLiteral>(repository: Repository<T>, alias: string, point: AsOfPoint): SelectQueryBuilder<T> {
  const { keyword, value } = asOfParts(point);
  const qb = repository.createQueryBuilder(alias);
  const main = qb.expressionMap.mainAlias;
  if (main === undefined || !main.hasMetadata) throw new TypeError('asOfQueryBuilder() needs a repository of an entity');
  const table = main.metadata.tablePath.split('.').map((part) => qb.escape(part)).join('.');
  const parameter = `heliosAsOf_${alias.replace(/[^A-Za-z0-9_]/g, '_')}`;
  main.subQuery = `(SELECT * FROM ${table} AS OF ${keyword} :${parameter})`;
  return qb.setParameter(parameter, value);
}

/** Options of a bound DataSource that may differ from its parent's. */
export interface BoundDataSourceOptions {
  /** Runs on the bound (read-only) connection before use, e.g. to register functions. */
  readonly prepareDatabase?: (db: HeliosDatabase) => unknown;
}

/** The engine connection under an initialized DataSource running on heliosdb-lite. */
function engineConnection(dataSource: DataSource): HeliosDatabase {
  if (!dataSource.isInitialized) throw new TypeError('Binding needs an initialized DataSource');
  const connection = (dataSource.driver as { databaseConnection?: Partial<HeliosDatabase> }).databaseConnection;
  if (dataSource.options.type !== 'better-sqlite3' || connection === undefined || typeof connection.asOf !== 'function') {
    throw new TypeError('Binding needs a DataSource on heliosdb-lite (heliosDataSourceOptions(), or type better-sqlite3 through the npm alias)');
  }
  return connection as HeliosDatabase;
}

/**
 * A new, initialized DataSource with the entities and settings of `dataSource`, bound as
 * `binding` says: `{ asOf: point }` reads the whole database as it was at `point` (finds,
 * relations, eager loading, query builders, raw queries) through the engine's read-only
 * `db.asOf()` connection, and any write fails with SQLITE_READONLY; `{ branch }` throws
 * SqliteError until branches land. `destroy()` it when done; the parent stays as it is.
 * @example const then = await bound(ds, { asOf: { timestamp: new Date('2026-01-01') } });
 *   const users = await then.getRepository(User).find({ relations: { posts: true } });
 *   await then.destroy();
 */
export async function bound(dataSource: DataSource, binding: Binding, options: BoundDataSourceOptions = {}): Promise<DataSource> {
  checkBinding(binding);
  if (binding.branch !== undefined) throw branchesUnavailable(binding.branch);
  const connection = bindDatabase(engineConnection(dataSource), binding);
  try {
    // TypeORM's driver calls `new driver(file, options)`: this constructor hands it the bound connection.
    const BoundConnection = function BoundConnection(): HeliosDatabase {
      return connection;
    } as unknown as typeof Database;
    const parent = dataSource.options as BetterSqlite3Options;
    const child = new DataSource({
      ...parent,
      driver: BoundConnection,
      readonly: true,
      synchronize: false,
      migrationsRun: false,
      dropSchema: false,
      enableWAL: false,
      prepareDatabase: options.prepareDatabase as BetterSqlite3Options['prepareDatabase'],
    });
    // The same column types as the parent (the vector type of registerVectorType(), others').
    const from = dataSource.driver as { supportedDataTypes?: ColumnType[]; withLengthColumnTypes?: ColumnType[] };
    const to = child.driver as typeof from;
    for (const key of ['supportedDataTypes', 'withLengthColumnTypes'] as const) {
      const list = to[key];
      for (const type of from[key] ?? []) if (list !== undefined && !list.includes(type)) list.push(type);
    }
    return await child.initialize();
  } catch (e) {
    connection.close();
    throw e;
  }
}

/**
 * Runs `work` with an EntityManager that reads the database as it was at `point` (see
 * {@link bound}), then releases the bound connection.
 * @example const old = await withAsOf(ds, { transaction: 42 }, (em) => em.find(Doc, { order: { id: 'ASC' } }));
 */
export async function withAsOf<R>(dataSource: DataSource, point: AsOfPoint, work: (manager: EntityManager) => R | Promise<R>): Promise<R> {
  const then = await bound(dataSource, { asOf: point });
  try {
    return await work(then.manager);
  } finally {
    await then.destroy();
  }
}
