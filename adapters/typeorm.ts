/**
 * heliosdb-lite for TypeORM (`heliosdb-lite/typeorm`): DataSource options that run TypeORM's
 * own better-sqlite3 driver on heliosdb-lite through its `driver:` option (no npm alias), a
 * `VECTOR(n)` column type with a transformer (`vectorColumn()` options / `@VectorColumn()`),
 * and a nearest-neighbour query-builder helper.
 *
 * @example
 * import { createHeliosDataSource, vectorColumn, orderByVectorDistance } from 'heliosdb-lite/typeorm';
 * const Item = new EntitySchema<{ id: number; embedding: Float32Array }>({ name: 'item', columns: {
 *   id: { type: Number, primary: true, generated: true },
 *   embedding: vectorColumn({ dimensions: 3 }) } });
 * const ds = createHeliosDataSource({ database: 'app.db', entities: [Item], synchronize: true });
 * await ds.initialize();
 * const near = await orderByVectorDistance(ds.getRepository(Item).createQueryBuilder('i'), 'i.embedding', q).limit(5).getMany();
 */
import { Column, type ColumnOptions, type ColumnType, DataSource, type DataSourceOptions, type ObjectLiteral, type SelectQueryBuilder, type ValueTransformer } from 'typeorm';
import { type BranchBinding, checkBranch } from './common/as-of.js';
import { Database } from './common/database.js';
import { checkMetric, fromVectorBlob, toVectorBlob, type VectorInput, type VectorMetric } from './common/vector.js';

export type { BranchBinding, VectorInput, VectorMetric };
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
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(parameterName)) throw new TypeError(`Invalid parameter name "${parameterName}"`);
  return qb.orderBy(`vector_distance(${column}, :${parameterName}, '${m}')`, 'ASC').setParameter(parameterName, toVectorBlob(vector));
}
