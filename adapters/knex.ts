/**
 * heliosdb-lite for Knex (`heliosdb-lite/knex`): Knex's own better-sqlite3 client (query and
 * schema compilers, alter-table rebuilds, migrations, transactions) with the driver swapped for
 * heliosdb-lite, usable as `client:` without an npm alias; plus raw helpers for vector distance
 * and time travel that compose with the query builder.
 *
 * @example
 * import knex from 'knex';
 * import { HeliosKnexClient, vectorDistance, asOf } from 'heliosdb-lite/knex';
 * const db = knex({ client: HeliosKnexClient, connection: { filename: 'app.db' }, useNullAsDefault: true });
 * await db('items').select('id', vectorDistance(db, 'embedding', q, 'cosine', 'd')).orderBy('d').limit(5);
 * await db.select('*').from(asOf(db, 'items', { transaction: 7 }));
 * const then = await bound(db, { asOf: { transaction: 7 } }); // a read-only Knex at that point
 */
import { type Knex, knex as createKnex } from 'knex';
import { type AsOfPoint, asOfParts } from './common/as-of.js';
import { bindDatabase, type Binding, type BranchBinding, branchesUnavailable, checkBinding, checkBranch } from './common/binding.js';
import { Database, type HeliosDatabase } from './common/database.js';
import { checkMetric, toVectorBlob, type VectorInput, type VectorMetric } from './common/vector.js';

export type { AsOfPoint, Binding, BranchBinding, HeliosDatabase, VectorInput, VectorMetric };
export { bindDatabase } from './common/binding.js';
export { fromVectorBlob, toVectorBlob } from './common/vector.js';

// Knex does not export its dialect classes; this path is stable across Knex 2 and 3.
const BetterSqlite3Client = require('knex/lib/dialects/better-sqlite3/index.js') as typeof Knex.Client;

/**
 * Knex's better-sqlite3 client over heliosdb-lite (`driverName` stays `better-sqlite3`, so
 * Knex's SQLite behaviour is unchanged). Connection options: `filename`, `options.readonly`,
 * `options.safeIntegers`, and `branch` (only `'main'` until branches land).
 * @example knex({ client: HeliosKnexClient, connection: { filename: ':memory:' }, useNullAsDefault: true })
 */
export class HeliosKnexClient extends BetterSqlite3Client {
  /** Knex calls this once to obtain the driver module (the `Database` constructor). */
  _driver(): typeof Database {
    return Database;
  }

  override async acquireRawConnection(): Promise<unknown> {
    checkBranch(this.connectionSettings as BranchBinding);
    return super.acquireRawConnection();
  }
}

/**
 * A new Knex instance (same settings and pool hooks) bound as `binding` says: `{ asOf: point }`
 * runs every query on read-only `db.asOf(point)` connections of the engine, so every read
 * (joins, subqueries, raw SQL) sees the database as it was at `point` and writes fail with
 * SQLITE_READONLY; `{ branch }` throws SqliteError until branches land. `destroy()` it when
 * done. `knex` must run on heliosdb-lite (HeliosKnexClient, or `better-sqlite3` on the npm alias).
 * @example const then = await bound(db, { asOf: { timestamp: new Date('2026-01-01') } });
 *   const rows = await then('items').select('*');
 *   await then.destroy();
 */
export async function bound(knex: Knex, binding: Binding): Promise<Knex> {
  checkBinding(binding);
  if (binding.branch !== undefined) throw branchesUnavailable(binding.branch);
  const client = knex.client as Knex.Client;
  const connection = (await client.acquireConnection()) as HeliosDatabase;
  let anchor: HeliosDatabase;
  try {
    anchor = bindDatabase(connection, binding);
  } finally {
    await client.releaseConnection(connection);
  }
  // Each pooled connection is another bound connection on the anchor's engine; Knex's own
  // acquireRawConnection() calls `new driver(filename, options)` and applies safeIntegers.
  const BoundConnection = function BoundConnection(): HeliosDatabase {
    return bindDatabase(anchor, binding);
  } as unknown as typeof Database;
  class BoundKnexClient extends HeliosKnexClient {
    override _driver(): typeof Database {
      return BoundConnection;
    }

    override async destroy(callback?: unknown): Promise<void> {
      try {
        await super.destroy(callback);
      } finally {
        anchor.close();
      }
    }
  }
  const { client: _client, connection: settings, ...rest } = client.config;
  const connectionSettings = typeof settings === 'object' && settings !== null ? settings : {};
  return createKnex({ ...rest, client: BoundKnexClient, connection: { ...connectionSettings, filename: anchor.name } as Knex.Sqlite3ConnectionConfig });
}

/**
 * `vector_distance(column, ?, 'metric')` as a raw expression for `select`/`orderBy`, with the
 * query vector bound as a float32 BLOB; `as` names the result column.
 * @example db('items').select('id', vectorDistance(db, 'embedding', q, 'l2', 'd')).orderBy('d').limit(3)
 */
export function vectorDistance(knex: Knex, column: string, vector: VectorInput, metric: VectorMetric = 'cosine', as?: string): Knex.Raw<number> {
  const m = checkMetric(metric);
  return as === undefined
    ? knex.raw<number>(`vector_distance(??, ?, '${m}')`, [column, toVectorBlob(vector)])
    : knex.raw<number>(`vector_distance(??, ?, '${m}') as ??`, [column, toVectorBlob(vector), as]);
}

/**
 * A table read as of a point in the past, for `from()`/`join()`: `` `items` AS OF TRANSACTION ? ``.
 * `table` may carry an alias (`'items as i'`).
 * @example db.select('*').from(asOf(db, 'items', { timestamp: new Date('2024-05-01') }))
 */
export function asOf(knex: Knex, table: string, point: AsOfPoint): Knex.Raw {
  const { keyword, value } = asOfParts(point);
  // Knex binds bigint values as they are (its `Value` type predates bigint).
  return knex.raw(`?? AS OF ${keyword} ?`, [table, value as Knex.Value]);
}
