/**
 * heliosdb-lite for Drizzle ORM (`heliosdb-lite/drizzle`): the usual better-sqlite3 database
 * object (same session, dialect, relational queries and migrator) over heliosdb-lite, built
 * without loading `drizzle-orm/better-sqlite3`'s driver module (which imports the native
 * better-sqlite3 package). Plus a `vector()` column type and `vectorDistance()` / `asOf()`.
 *
 * @example
 * import { drizzle, vector, vectorDistance, asOf } from 'heliosdb-lite/drizzle';
 * const items = sqliteTable('items', { id: integer('id').primaryKey(), embedding: vector('embedding', { dimensions: 3 }) });
 * const db = drizzle('app.db', { schema: { items } });
 * const d = vectorDistance(items.embedding, [0.1, 0.2, 0.3], 'cosine');
 * db.select({ id: items.id, d }).from(items).orderBy(d).limit(5).all();
 * db.select().from(asOf(items, { transaction: 7 })).all();
 * const then = bound(db, { asOf: { transaction: 7 } }); // the whole database, read-only, at that point
 */
import { type AnyColumn, DefaultLogger, type Logger, sql, type SQL, Subquery, getTableColumns, getTableName, createTableRelationsHelpers, extractTablesRelationalConfig } from 'drizzle-orm';
import type { BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { BetterSQLiteSession } from 'drizzle-orm/better-sqlite3/session';
import { BaseSQLiteDatabase, customType, type SQLiteTable, SQLiteSyncDialect, type SubqueryWithSelection } from 'drizzle-orm/sqlite-core';
import type { Casing } from 'drizzle-orm';
import { type AsOfPoint, asOfParts } from './common/as-of.js';
import { bindDatabase, type Binding, type BranchBinding, checkBranch } from './common/binding.js';
import { type DatabaseSource, type HeliosDatabase, type HeliosDatabaseOptions, openDatabase } from './common/database.js';
import { checkMetric, fromVectorBlob, toVectorBlob, type VectorInput, type VectorMetric } from './common/vector.js';

export type { AsOfPoint, Binding, BranchBinding, HeliosDatabase, VectorInput, VectorMetric };
export { bindDatabase } from './common/binding.js';
export { fromVectorBlob, toVectorBlob } from './common/vector.js';
export { migrate } from 'drizzle-orm/better-sqlite3/migrator';

/** Options of {@link drizzle}: Drizzle's own (`schema`, `logger`, `casing`) plus the engine's. */
export interface HeliosDrizzleConfig<TSchema extends Record<string, unknown>> extends BranchBinding {
  readonly schema?: TSchema;
  readonly logger?: boolean | Logger;
  readonly casing?: Casing;
  /** Constructor options used when the database is given as a file name. */
  readonly options?: HeliosDatabaseOptions;
}

/** The database object: Drizzle's better-sqlite3 database whose `$client` is heliosdb-lite. */
export type HeliosDrizzleDatabase<TSchema extends Record<string, unknown> = Record<string, never>> = BetterSQLite3Database<TSchema> & {
  $client: HeliosDatabase;
};

class HeliosSQLiteDatabase extends BaseSQLiteDatabase<'sync', unknown, Record<string, unknown>> {}

/**
 * drizzle-orm's single-argument form: Drizzle's options plus the connection, either opened from
 * `connection` (a file name, or `{ source, ...constructor options }`) or given as `client`.
 */
export type HeliosDrizzleInit<TSchema extends Record<string, unknown>> = Omit<HeliosDrizzleConfig<TSchema>, 'options'> &
  (
    | { readonly connection?: string | ({ readonly source?: string } & HeliosDatabaseOptions); readonly client?: never }
    | { readonly client: HeliosDatabase; readonly connection?: never }
  );

/**
 * Drizzle over heliosdb-lite, with the call forms of `drizzle-orm/better-sqlite3`:
 * `drizzle()`, `drizzle('file.db', { schema })`, `drizzle(db, { schema })`,
 * `drizzle({ connection: 'file.db' | { source, ...options }, schema })`, `drizzle({ client: db })`.
 * @example const db = drizzle(new Database('app.db'), { schema });
 */
export function drizzle<TSchema extends Record<string, unknown> = Record<string, never>>(
  init: HeliosDrizzleInit<TSchema>,
): HeliosDrizzleDatabase<TSchema>;
export function drizzle<TSchema extends Record<string, unknown> = Record<string, never>>(
  database?: DatabaseSource,
  config?: HeliosDrizzleConfig<TSchema>,
): HeliosDrizzleDatabase<TSchema>;
export function drizzle<TSchema extends Record<string, unknown>>(
  database?: DatabaseSource | HeliosDrizzleInit<TSchema>,
  config: HeliosDrizzleConfig<TSchema> = {},
): HeliosDrizzleDatabase<TSchema> {
  if (database !== null && typeof database === 'object' && typeof (database as Partial<HeliosDatabase>).prepare !== 'function') {
    const { connection, client, ...rest } = database as HeliosDrizzleInit<TSchema>;
    if (client !== undefined) return drizzle<TSchema>(client, rest);
    if (connection !== null && typeof connection === 'object') {
      const { source, ...options } = connection;
      return drizzle<TSchema>(source, { ...rest, options });
    }
    return drizzle<TSchema>(connection, rest);
  }
  checkBranch(config);
  // No file name: better-sqlite3's anonymous temporary database, as drizzle-orm opens it.
  const client = openDatabase(database as DatabaseSource | undefined, config.options);
  const dialect = new SQLiteSyncDialect({ casing: config.casing });
  const logger = config.logger === true ? new DefaultLogger() : config.logger === false ? undefined : config.logger;
  let schema: ConstructorParameters<typeof BetterSQLiteSession>[2];
  if (config.schema !== undefined) {
    const tables = extractTablesRelationalConfig(config.schema, createTableRelationsHelpers);
    schema = { fullSchema: config.schema, schema: tables.tables, tableNamesMap: tables.tableNamesMap };
  }
  // drizzle-orm types its session's client with @types/better-sqlite3; the shapes are the same.
  const bs3Client = client as unknown as ConstructorParameters<typeof BetterSQLiteSession>[0];
  const session = new BetterSQLiteSession(bs3Client, dialect, schema, { logger });
  const db = new HeliosSQLiteDatabase('sync', dialect, session as never, schema as never) as unknown as HeliosDrizzleDatabase<TSchema>;
  db.$client = client;
  const { options: _options, branch: _branch, ...drizzleConfig } = config;
  configs.set(db, drizzleConfig);
  return db;
}

/** Each database object's Drizzle options, for bound(). */
const configs = new WeakMap<object, HeliosDrizzleConfig<Record<string, unknown>>>();

/**
 * A new database object with the schema and options of `db`, bound as `binding` says:
 * `{ asOf: point }` runs every query (selects, relational queries, raw SQL) on the engine's
 * read-only `db.asOf(point)` connection, so it reads the whole database as it was at `point` and
 * writes fail with SQLITE_READONLY; `{ branch }` throws SqliteError until branches land. Close it
 * with `then.$client.close()`. `db` may also come from `drizzle-orm/better-sqlite3` on the npm alias.
 * @example const then = bound(db, { asOf: { transaction: 42 } });
 *   const users = then.query.users.findMany({ with: { posts: true } }).sync();
 *   then.$client.close();
 */
export function bound<TSchema extends Record<string, unknown>>(
  db: BetterSQLite3Database<TSchema> & { $client: unknown },
  binding: Binding,
): HeliosDrizzleDatabase<TSchema> {
  const client = bindDatabase(db.$client as HeliosDatabase, binding);
  const known = configs.get(db) as HeliosDrizzleConfig<TSchema> | undefined;
  // A database object made by drizzle-orm/better-sqlite3 keeps its schema in `_.fullSchema`.
  const fullSchema = (db as unknown as { _: { fullSchema?: TSchema } })._.fullSchema;
  const config: HeliosDrizzleConfig<TSchema> = known ?? (fullSchema === undefined ? {} : { schema: fullSchema });
  try {
    return drizzle<TSchema>(client, config);
  } catch (e) {
    client.close();
    throw e;
  }
}

// ---------------------------------------------------------------------------------------------
// Vectors

/** `vector()`'s options: `dimensions` is required; `mode: 'array'` reads `number[]`. */
export interface VectorConfig<N extends number = number> {
  readonly dimensions: N;
  readonly mode?: 'float32array' | 'array';
}

const vectorFloat32 = customType<{ data: Float32Array; driverData: Uint8Array | Float32Array; config: VectorConfig; configRequired: true }>({
  dataType: (config) => vectorTypeName(config),
  toDriver: (value) => (value === null ? null : toVectorBlob(value)) as Uint8Array,
  fromDriver: (value) => fromVectorBlob(value as Uint8Array | Float32Array | null) as Float32Array,
});

const vectorArray = customType<{ data: number[]; driverData: Uint8Array | Float32Array; config: VectorConfig; configRequired: true }>({
  dataType: (config) => vectorTypeName(config),
  toDriver: (value) => (value === null ? null : toVectorBlob(value)) as Uint8Array,
  fromDriver: (value) => {
    const v = fromVectorBlob(value as Uint8Array | Float32Array | null);
    return (v === null ? null : Array.from(v)) as number[];
  },
});

function vectorTypeName(config: VectorConfig | undefined): string {
  const n = config?.dimensions;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) throw new RangeError('vector() needs { dimensions: n } with n >= 1');
  return `VECTOR(${n})`;
}

/**
 * A `VECTOR(n)` column, stored as a float32 little-endian BLOB. Reads a `Float32Array`
 * (or `number[]` with `mode: 'array'`); writes either.
 * @example embedding: vector('embedding', { dimensions: 384 })
 */
export function vector<TName extends string>(name: TName, config: VectorConfig & { readonly mode: 'array' }): ReturnType<typeof vectorArrayColumn<TName>>;
export function vector<TName extends string>(name: TName, config: VectorConfig & { readonly mode?: 'float32array' }): ReturnType<typeof vectorFloat32Column<TName>>;
export function vector(name: string, config: VectorConfig): unknown {
  vectorTypeName(config);
  return config.mode === 'array' ? vectorArray(name, config) : vectorFloat32(name, config);
}

function vectorArrayColumn<TName extends string>(name: TName, config: VectorConfig) {
  return vectorArray(name, config);
}
function vectorFloat32Column<TName extends string>(name: TName, config: VectorConfig) {
  return vectorFloat32(name, config);
}

/** A column holding vectors (made by {@link vector}). */
export type VectorColumn = AnyColumn<{ data: Float32Array }> | AnyColumn<{ data: number[] }>;

/**
 * `vector_distance(column, ?, 'metric')` with the query vector bound as a float32 BLOB; smaller
 * is closer. `number`, or `number | null` for a nullable column.
 * @example const d = vectorDistance(items.embedding, q, 'l2'); db.select({ id: items.id, d }).from(items).orderBy(d)
 */
export function vectorDistance<C extends VectorColumn>(
  column: C,
  vector: VectorInput,
  metric: VectorMetric = 'cosine',
): SQL<C['_']['notNull'] extends true ? number : number | null> {
  return sql`vector_distance(${column}, ${toVectorBlob(vector)}, ${sql.raw(`'${checkMetric(metric)}'`)})`.mapWith(Number) as SQL<
    C['_']['notNull'] extends true ? number : number | null
  >;
}

// ---------------------------------------------------------------------------------------------
// Time travel

/**
 * A table read as of a point in the past, for `.from()` and joins: the derived table
 * `(select * from "items" AS OF TRANSACTION ?) "items"`, named like the table (or its alias), so
 * the table's own columns, `where` conditions and `db.select().from(...)` typing work unchanged.
 * @example db.select().from(asOf(items, { timestamp: '2024-05-01T00:00:00Z' })).where(eq(items.id, 1)).all()
 */
export function asOf<T extends SQLiteTable>(table: T, point: AsOfPoint): SubqueryWithSelection<T['_']['columns'], T['_']['name']> {
  const { keyword, value } = asOfParts(point);
  const name = getTableName(table);
  // drizzle's own symbol (table.ts `OriginalName`): the table's name before alias().
  const original = (table as unknown as Record<symbol, string | undefined>)[Symbol.for('drizzle:OriginalName')] ?? name;
  const columns = getTableColumns(table);
  const inner = sql`select * from ${sql.identifier(original)} AS OF ${sql.raw(keyword)} ${value}`;
  const subquery = new Subquery(inner, columns, name);
  for (const key of Object.keys(columns)) Object.defineProperty(subquery, key, { value: columns[key], enumerable: true });
  return subquery as unknown as SubqueryWithSelection<T['_']['columns'], T['_']['name']>;
}
