/**
 * heliosdb-lite for Kysely (`heliosdb-lite/kysely`): a dialect built on Kysely's own SQLite
 * pieces (query compiler, introspector, adapter, driver), so Kysely behaves exactly as with
 * `SqliteDialect` over better-sqlite3, plus typed helpers for vectors and time travel.
 *
 * @example
 * import { Kysely } from 'kysely';
 * import { HeliosDialect, vectorDistance, toVectorBlob, withAsOf } from 'heliosdb-lite/kysely';
 * const db = new Kysely<DB>({ dialect: new HeliosDialect({ database: 'app.db' }) });
 * const nearest = await db.selectFrom('items')
 *   .select((eb) => ['id', vectorDistance(eb.ref('embedding'), [0.1, 0.2, 0.3], 'cosine').as('d')])
 *   .orderBy('d').limit(5).execute();
 * const before = await withAsOf(db, { transaction: 42 }).selectFrom('items').selectAll().execute();
 * const then = await bound(db, { asOf: { transaction: 42 } }); // a read-only Kysely at that point
 */
import {
  AliasNode,
  type ColumnType,
  type Expression,
  FromNode,
  JoinNode,
  Kysely,
  type KyselyPlugin,
  type OperationNode,
  OperationNodeTransformer,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type QueryResult,
  RawNode,
  type RootOperationNode,
  type RawBuilder,
  type AliasedRawBuilder,
  type DatabaseConnection,
  type Driver,
  SelectQueryNode,
  SqliteDialect,
  type SqliteDialectConfig,
  SqliteDriver,
  type SqliteDatabase,
  type UnknownRow,
  sql,
  TableNode,
  ValueNode,
} from 'kysely';
import { type AsOfPoint, asOfParts } from './common/as-of.js';
import { bindDatabase, type Binding, type BranchBinding, branchesUnavailable, checkBinding, checkBranch } from './common/binding.js';
import { type DatabaseSource, type HeliosDatabase, type HeliosDatabaseOptions, openDatabase } from './common/database.js';
import { checkMetric, toVectorBlob, type VectorInput, type VectorMetric } from './common/vector.js';

export type { AsOfPoint, Binding, BranchBinding, HeliosDatabase, VectorInput, VectorMetric };
export { bindDatabase } from './common/binding.js';
export { fromVectorBlob, toVectorBlob } from './common/vector.js';

/** Configuration of {@link HeliosDialect}. */
export interface HeliosDialectConfig extends BranchBinding {
  /**
   * An open connection, a file name (`':memory:'` for a private in-memory database), or an async
   * factory. Kysely closes the connection on `destroy()`. Default: `':memory:'`.
   */
  readonly database?: DatabaseSource | (() => Promise<HeliosDatabase>);
  /** Constructor options used when `database` is a file name. */
  readonly options?: HeliosDatabaseOptions;
  /** Called once with the connection before the first query (pragmas, UDFs). */
  readonly onCreateConnection?: (connection: import('kysely').DatabaseConnection) => Promise<void>;
}

/**
 * Kysely's SQLite dialect over heliosdb-lite.
 * @example new Kysely<DB>({ dialect: new HeliosDialect({ database: ':memory:' }) })
 */
export class HeliosDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;

  constructor(config: HeliosDialectConfig = {}) {
    checkBranch(config);
    const source = config.database;
    // An open connection is passed as it is (as SqliteDialect gets it: Kysely's synchronous
    // execution needs that); a file name is opened on first use.
    const database: SqliteDatabase | (() => Promise<SqliteDatabase>) =
      typeof source === 'function'
        ? async () => (await source()) as unknown as SqliteDatabase
        : typeof source === 'object'
          ? (source as unknown as SqliteDatabase)
          : async () => openDatabase(source ?? ':memory:', config.options) as unknown as SqliteDatabase;
    const sqliteConfig: SqliteDialectConfig =
      config.onCreateConnection === undefined ? { database } : { database, onCreateConnection: config.onCreateConnection };
    super(sqliteConfig);
    this.#config = sqliteConfig;
  }

  override createDriver(): Driver {
    return new HeliosDriver(this.#config);
  }
}

/** The heliosdb-lite connection behind each connection a HeliosDriver hands out (for bound()). */
const connectionDatabases = new WeakMap<DatabaseConnection, HeliosDatabase>();

/** Kysely's SqliteDriver, remembering its engine connection so that bound() can reach it. */
class HeliosDriver extends SqliteDriver {
  readonly #opened: { db?: HeliosDatabase };

  constructor(config: SqliteDialectConfig) {
    const opened: { db?: HeliosDatabase } = {};
    const source = config.database;
    if (typeof source === 'function') {
      super({
        ...config,
        database: async () => {
          const db = await source();
          opened.db = db as unknown as HeliosDatabase;
          return db;
        },
      });
    } else {
      opened.db = source as unknown as HeliosDatabase;
      super(config);
    }
    this.#opened = opened;
  }

  #registered: DatabaseConnection | null = null;

  override async acquireConnection(): Promise<DatabaseConnection> {
    const connection = await super.acquireConnection();
    // SqliteDriver hands out one connection object: register it once, not on every query.
    if (connection !== this.#registered && this.#opened.db !== undefined) {
      connectionDatabases.set(connection, this.#opened.db);
      this.#registered = connection;
    }
    return connection;
  }
}

/**
 * A new Kysely instance (same plugins) bound as `binding` says: `{ asOf: point }` runs every
 * query on the engine's read-only `db.asOf(point)` connection, so every read (subqueries, CTEs,
 * views, `jsonArrayFrom` relations) sees the database as it was at `point` and writes fail with
 * SQLITE_READONLY; `{ branch }` throws SqliteError until branches land. `destroy()` it when done.
 * `db` must use {@link HeliosDialect}. ({@link withAsOf} instead rewrites the SQL of one
 * instance's SELECTs and leaves writes alone.)
 * @example const then = await bound(db, { asOf: { transaction: 42 } });
 *   const rows = await then.selectFrom('items').selectAll().execute();
 *   await then.destroy();
 */
export async function bound<DB>(db: Kysely<DB>, binding: Binding): Promise<Kysely<DB>> {
  checkBinding(binding);
  if (binding.branch !== undefined) throw branchesUnavailable(binding.branch);
  const executor = db.getExecutor();
  const source = await executor.provideConnection(async (connection) => connectionDatabases.get(connection));
  if (source === undefined) throw new TypeError('bound() needs a Kysely instance that uses HeliosDialect');
  const connection = bindDatabase(source, binding);
  return new Kysely<DB>({ dialect: new HeliosDialect({ database: connection }), plugins: [...executor.plugins] });
}

// ---------------------------------------------------------------------------------------------
// Vectors

declare const vectorDimensions: unique symbol;

/**
 * A stored vector as read back: the float32 little-endian BLOB (a Buffer) or a Float32Array.
 * `fromVectorBlob()` turns either into a Float32Array. `N` records the declared dimensions.
 */
export type StoredVector<N extends number = number> = (Uint8Array | Float32Array) & { readonly [vectorDimensions]?: N };

/**
 * The column type of a `VECTOR(N)` column in a Kysely `DB` interface. Insert and update with
 * `toVectorBlob(values)` (or a Float32Array, which heliosdb-lite binds natively).
 * @example interface Items { id: Generated<number>; embedding: Vector<3> }
 */
export type Vector<N extends number = number> = ColumnType<StoredVector<N>, Uint8Array | Float32Array, Uint8Array | Float32Array>;

/**
 * `vector_distance(column, ?, metric)`, the query vector bound as a float32 BLOB. Smaller is
 * closer for every metric. The column must be a vector (`eb.ref('embedding')`); the result is
 * `number`, or `number | null` when the column is nullable.
 * @example .select((eb) => vectorDistance(eb.ref('embedding'), q, 'cosine').as('d')).orderBy('d')
 */
export function vectorDistance<C extends StoredVector | null>(
  column: Expression<C>,
  vector: VectorInput,
  metric: VectorMetric = 'cosine',
): RawBuilder<null extends C ? number | null : number> {
  return sql<null extends C ? number | null : number>`vector_distance(${column}, ${toVectorBlob(vector)}, ${sql.lit(checkMetric(metric))})`;
}

// ---------------------------------------------------------------------------------------------
// Time travel

/**
 * One table read as of a point in the past, for `selectFrom`/joins: renders
 * `"items" AS OF TRANSACTION ? AS "items"` (or `AS OF TIMESTAMP ?`).
 * @example db.selectFrom(asOf(db, 'items', { transaction: 7 })).selectAll().execute()
 */
export function asOf<DB, T extends keyof DB & string>(
  _db: Kysely<DB>,
  table: T,
  point: AsOfPoint,
): AliasedRawBuilder<DB[T], T>;
export function asOf<DB, T extends keyof DB & string, A extends string>(
  _db: Kysely<DB>,
  table: T,
  point: AsOfPoint,
  alias: A,
): AliasedRawBuilder<DB[T], A>;
export function asOf(_db: unknown, table: string, point: AsOfPoint, alias?: string): AliasedRawBuilder<unknown, string> {
  const { keyword, value } = asOfParts(point);
  return sql`${sql.table(table)} AS OF ${sql.raw(keyword)} ${value}`.as(alias ?? table);
}

/**
 * A Kysely instance that reads every table of its SELECTs (FROM and JOIN, including
 * subqueries) as of `point`, or only the tables named in `tables`. Writes are unchanged.
 * @example const old = withAsOf(db, { timestamp: new Date('2024-01-01') });
 */
export function withAsOf<DB>(db: Kysely<DB>, point: AsOfPoint, tables?: ReadonlyArray<keyof DB & string>): Kysely<DB> {
  return db.withPlugin(new AsOfPlugin(point, tables));
}

/** The plugin behind {@link withAsOf}. */
export class AsOfPlugin implements KyselyPlugin {
  readonly #transformer: AsOfTransformer;

  constructor(point: AsOfPoint, tables?: ReadonlyArray<string>) {
    const { keyword, value } = asOfParts(point);
    this.#transformer = new AsOfTransformer(keyword, value, tables === undefined ? null : new Set(tables));
  }

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    return this.#transformer.transformNode(args.node, args.queryId);
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return args.result;
  }
}

class AsOfTransformer extends OperationNodeTransformer {
  constructor(
    private readonly keyword: string,
    private readonly value: number | bigint | string,
    private readonly tables: ReadonlySet<string> | null,
  ) {
    super();
  }

  protected override transformFrom(node: FromNode, queryId?: import('kysely').QueryId): FromNode {
    const from = super.transformFrom(node, queryId);
    if (!this.inSelect()) return from;
    return FromNode.create(from.froms.map((f) => this.travel(f)));
  }

  protected override transformJoin(node: JoinNode, queryId?: import('kysely').QueryId): JoinNode {
    const join = super.transformJoin(node, queryId);
    if (!this.inSelect()) return join;
    return Object.freeze({ ...join, table: this.travel(join.table) });
  }

  /** The node below the FROM/JOIN on the stack is the statement that owns it. */
  private inSelect(): boolean {
    const owner = this.nodeStack[this.nodeStack.length - 2];
    return owner !== undefined && SelectQueryNode.is(owner);
  }

  private travel(node: OperationNode): OperationNode {
    if (TableNode.is(node)) return this.asOfTable(node, node);
    if (AliasNode.is(node) && TableNode.is(node.node)) return AliasNode.create(this.asOfTable(node.node, null), node.alias);
    return node;
  }

  /** `table AS OF kw ? [AS "table"]`: an unaliased table keeps its name as the alias. */
  private asOfTable(table: TableNode, keepName: TableNode | null): OperationNode {
    const name = table.table.identifier.name;
    if (this.tables !== null && !this.tables.has(name)) return keepName ?? table;
    const raw = RawNode.create(['', ` AS OF ${this.keyword} `, ''], [table, ValueNode.create(this.value)]);
    return keepName === null ? raw : AliasNode.create(raw, table.table.identifier);
  }
}
