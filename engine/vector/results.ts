/**
 * Result conversion for VECTOR(n) columns (the API layer's hook, engine/api/statement.ts).
 *
 * better-sqlite3 returns BLOBs as Buffers. A result column whose declared type (decltype, as
 * `stmt.columns()[i].type` reports it) is VECTOR(n) returns its BLOB values as a fresh
 * `Float32Array` instead. Expressions have no declared type, so `SELECT CAST(v AS BLOB)` or
 * `SELECT vector(v)` return a Buffer holding the stored bytes, and NULL stays null.
 *
 * Mechanism: the statement's row builder is wrapped once per result shape; the wrapper marks the
 * vector columns' BLOBs (a zero-copy `VectorBlob` view) and gives the builder a converter that
 * turns marked values into Float32Array and everything else through the usual conversion.
 */
import type { SqlValue } from '../common/value.js';
import type { ColumnDescriptor, CompiledStatement } from '../sql/session-api.js';
import { vectorTypeDims } from './vector-value.js';
import { vectorCopyFromBlob } from './vector-value.js';

type ToJs = (v: SqlValue) => unknown;
type RowBuilder = (row: readonly SqlValue[], toJs: ToJs) => unknown;

/** A BLOB that came from a VECTOR(n) result column. */
class VectorBlob extends Uint8Array {}

const converters = new WeakMap<ToJs, ToJs>();

function vectorToJs(toJs: ToJs): ToJs {
  let c = converters.get(toJs);
  if (!c) {
    c = (v) => (v instanceof VectorBlob ? vectorCopyFromBlob(v) : toJs(v));
    converters.set(toJs, c);
  }
  return c;
}

const positionsCache = new WeakMap<readonly ColumnDescriptor[], number[] | null>();

function vectorPositions(cols: readonly ColumnDescriptor[]): number[] | null {
  let p = positionsCache.get(cols);
  if (p === undefined) {
    const out: number[] = [];
    cols.forEach((c, i) => {
      if (c.type !== null && vectorTypeDims(c.type) > 0) out.push(i);
    });
    p = out.length ? out : null;
    positionsCache.set(cols, p);
  }
  return p;
}

const wrapped = new WeakMap<RowBuilder, { positions: number[]; builder: RowBuilder }>();

/**
 * The row builder to use for `compiled`: `build` itself when no result column is VECTOR(n).
 * @example const build = vectorRowBuilder(shape.builder(mode, compiled), compiled);
 */
export function vectorRowBuilder<B extends RowBuilder>(build: B, compiled: CompiledStatement): B {
  const positions = vectorPositions(compiled.columns());
  if (positions === null) return build;
  const w = wrapped.get(build);
  if (w && w.positions === positions) return w.builder as B;
  const builder: RowBuilder = (row, toJs) => {
    let r = row;
    for (const i of positions) {
      const v = row[i];
      if (v instanceof Uint8Array && v.byteLength > 0 && (v.byteLength & 3) === 0) {
        if (r === row) r = row.slice();
        (r as SqlValue[])[i] = new VectorBlob(v.buffer as ArrayBuffer, v.byteOffset, v.byteLength);
      }
    }
    return build(r, vectorToJs(toJs));
  };
  wrapped.set(build, { positions, builder });
  return builder as B;
}
