/**
 * Vector values as the engine stores them: a VECTOR(n) value is a BLOB of n little-endian
 * IEEE-754 float32s (architecture section 6). The ORM adapters bind query vectors as such BLOBs,
 * which every engine accepts (better-sqlite3 rejects a bare Float32Array), and decode results
 * that come back either as that BLOB (a Buffer) or already as a Float32Array.
 */

/** The distance metrics of `vector_distance(a, b, metric)`: smaller is always closer. */
export type VectorMetric = 'cosine' | 'l2' | 'dot';

/** What a helper accepts as a vector. */
export type VectorInput = Float32Array | readonly number[];

const METRICS: ReadonlySet<string> = new Set<VectorMetric>(['cosine', 'l2', 'dot']);
const littleEndian = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** Checks a metric name at run time (the types already restrict it for typed callers). */
export function checkMetric(metric: string): VectorMetric {
  if (!METRICS.has(metric)) throw new RangeError(`Unknown vector metric "${metric}" (expected 'cosine', 'l2' or 'dot')`);
  return metric as VectorMetric;
}

/**
 * Encodes a vector as the float32 little-endian BLOB the engine stores.
 * @example db.prepare('INSERT INTO items (embedding) VALUES (?)').run(toVectorBlob([0.1, 0.2, 0.3]));
 */
export function toVectorBlob(vector: VectorInput, dimensions?: number): Buffer {
  const n = vector.length;
  if (dimensions !== undefined && n !== dimensions) {
    throw new RangeError(`Expected a vector of ${dimensions} dimensions, got ${n}`);
  }
  const out = Buffer.allocUnsafe(n * 4);
  if (littleEndian && vector instanceof Float32Array) {
    out.set(new Uint8Array(vector.buffer, vector.byteOffset, n * 4));
    return out;
  }
  for (let i = 0; i < n; i++) {
    const x = vector[i];
    if (typeof x !== 'number') throw new TypeError(`Vector element ${i} is not a number`);
    out.writeFloatLE(x, i * 4);
  }
  return out;
}

/**
 * Decodes a vector read from the database (a float32 little-endian BLOB, or a Float32Array when
 * the engine already returns one). `null` stays `null`.
 */
export function fromVectorBlob(value: Uint8Array | Float32Array): Float32Array;
export function fromVectorBlob(value: Uint8Array | Float32Array | null): Float32Array | null;
export function fromVectorBlob(value: Uint8Array | Float32Array | null): Float32Array | null {
  if (value === null) return null;
  if (value instanceof Float32Array) return value;
  if (!(value instanceof Uint8Array)) throw new TypeError('A vector must be read from a BLOB');
  if (value.byteLength % 4 !== 0) throw new RangeError(`A vector BLOB must hold a multiple of 4 bytes, got ${value.byteLength}`);
  const n = value.byteLength >>> 2;
  if (littleEndian) {
    // Copy: the BLOB's buffer may be shared (Buffer pool) or unaligned.
    const out = new Float32Array(n);
    new Uint8Array(out.buffer).set(value);
    return out;
  }
  const view = new DataView(value.buffer, value.byteOffset, value.byteLength);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}
