import { afterAll, describe, expect, it } from 'vitest';
import { Database, distance, randomVectors, type Db, type Metric } from './helpers.js';

const db: Db = new Database(':memory:');
afterAll(() => db.close());

const text = (v: Float32Array): string => `[${Array.from(v).join(', ')}]`;

describe('vector functions against a JS oracle', () => {
  const vs = randomVectors(40, 7, 11);
  const metrics: Metric[] = ['cosine', 'l2', 'dot'];

  it('vector_distance matches the oracle for every metric and input form', () => {
    const stmt = db.prepare('SELECT vector_distance(?, ?, ?) AS d').pluck();
    for (let i = 0; i + 1 < vs.length; i += 2) {
      for (const m of metrics) {
        const want = distance(vs[i], vs[i + 1], m)!;
        expect(stmt.get(vs[i], vs[i + 1], m)).toBeCloseTo(want, 12);
        expect(stmt.get(text(vs[i]), vs[i + 1], m.toUpperCase())).toBeCloseTo(want, 12);
      }
    }
  });

  it('known values (pgvector definitions)', () => {
    const d = (a: string, b: string, m: string): unknown => db.prepare('SELECT vector_distance(?, ?, ?)').pluck().get(a, b, m);
    expect(d('[1,0]', '[0,1]', 'cosine')).toBe(1);
    expect(d('[1,1]', '[2,2]', 'cosine')).toBeCloseTo(0, 12);
    expect(d('[1,0]', '[-1,0]', 'cosine')).toBe(2);
    expect(d('[0,0]', '[3,4]', 'l2')).toBe(5);
    expect(d('[1,2]', '[3,4]', 'dot')).toBe(-11);
    expect(d('[0,0]', '[1,1]', 'cosine')).toBeNull(); // pgvector: NaN
  });

  it('vector_norm, vector_dims, vector_to_json, vector()', () => {
    for (const v of vs.slice(0, 10)) {
      const n = Math.sqrt(v.reduce((s, x) => s + x * x, 0));
      expect(db.prepare('SELECT vector_norm(?)').pluck().get(v)).toBeCloseTo(n, 12);
      expect(db.prepare('SELECT vector_dims(?)').pluck().get(text(v))).toBe(7);
      const json = db.prepare('SELECT vector_to_json(?)').pluck().get(v) as string;
      expect(Float32Array.from(JSON.parse(json) as number[])).toEqual(v);
      const blob = db.prepare('SELECT vector(?)').pluck().get(text(v)) as Buffer;
      expect(new Float32Array(blob.buffer.slice(blob.byteOffset, blob.byteOffset + blob.length))).toEqual(v);
    }
    expect(db.prepare("SELECT vector_to_json('[ 1 , 2.5,-3e-2 ]')").pluck().get()).toBe('[1,2.5,-0.03]');
    expect(db.prepare("SELECT vector_to_json(vector('[0.1]'))").pluck().get()).toBe('[0.1]');
    expect(db.prepare("SELECT typeof(vector('[1,2]')), length(vector('[1,2]'))").raw().get()).toEqual(['blob', 8]);
  });

  it('NULL arguments give NULL', () => {
    expect(db.prepare("SELECT vector_distance(NULL, '[1]', 'l2'), vector_dims(NULL), vector_norm(NULL), vector(NULL), vector_to_json(NULL)").raw().get()).toEqual([null, null, null, null, null]);
  });

  it('bad input is a clear SQLITE_ERROR', () => {
    const err = (sql: string, ...args: unknown[]): { code: string; message: string } => {
      try {
        db.prepare(sql).get(...args);
      } catch (e) {
        return e as { code: string; message: string };
      }
      throw new Error(`no error for ${sql}`);
    };
    expect(err("SELECT vector_distance('[1,2]', '[1,2,3]', 'l2')")).toMatchObject({ code: 'SQLITE_ERROR', message: 'vector_distance(): different vector dimensions 2 and 3' });
    expect(err("SELECT vector_distance('[1]', '[1]', 'hamming')").message).toMatch(/unknown metric 'hamming'/);
    expect(err("SELECT vector('1,2')").message).toMatch(/malformed vector text/);
    expect(err("SELECT vector('[1,x]')").message).toMatch(/component 2 is not a number/);
    expect(err("SELECT vector('[]')").message).toMatch(/at least 1 dimension/);
    expect(err("SELECT vector('[1e39]')").message).toMatch(/not a finite float32/);
    expect(err('SELECT vector(?)', new Float32Array([1, NaN])).message).toMatch(/component 2 is NaN/);
    expect(err('SELECT vector(?)', Buffer.from([1, 2, 3])).message).toMatch(/4 bytes per dimension/);
    expect(err('SELECT vector_dims(42)').message).toMatch(/BLOB or TEXT/);
  });
});

describe('vector_distance on stored BLOBs with NaN or Infinity components', () => {
  it('is an error naming the component for every metric; a zero vector under cosine is NULL', () => {
    const d = new Database(':memory:');
    const blob = (xs: number[]): Uint8Array => new Uint8Array(Float32Array.from(xs).buffer);
    const [nan, inf, ok, zero] = [blob([1, NaN]), blob([Infinity, 0]), blob([1, 0]), blob([0, 0])];
    const dist = d.prepare('SELECT vector_distance(?, ?, ?)').pluck();
    for (const m of ['cosine', 'l2', 'dot']) {
      expect(() => dist.get(nan, ok, m)).toThrow(/component 2 is NaN/);
      expect(() => dist.get(ok, inf, m)).toThrow(/component 1 is Infinity/);
      expect(() => dist.get(inf, zero, m)).toThrow(/component 1 is Infinity/);
    }
    expect(dist.get(zero, ok, 'cosine')).toBeNull();
    expect(dist.get(zero, ok, 'l2')).toBe(1);
    d.close();
  });
});
