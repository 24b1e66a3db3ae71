/** Shared helpers of the MVCC / time-travel tests. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach } from 'vitest';
import { Database } from '../../engine/api/index.js';

export type Db = InstanceType<typeof Database>;

/** mulberry32: a small seeded PRNG. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'helios-mvcc-'));
}

/** Blocks for `ms` milliseconds (the synchronous API has no other way to let wall time pass). */
export function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * For a test file that opens connections; call it at module scope (it registers an afterEach
 * hook). `keep(...dbs)` has connections closed after the current test; `connect(file, n)`
 * opens n connections to `file`, kept so.
 */
export function closeAfterEach(): { keep(...dbs: Db[]): void; connect(file: string, n: number): Db[] } {
  const open: Db[] = [];
  afterEach(() => {
    while (open.length) {
      const d = open.pop()!;
      if (d.open) d.close();
    }
  });
  const keep = (...dbs: Db[]): void => {
    open.push(...dbs);
  };
  const connect = (file: string, n: number): Db[] => {
    const out = Array.from({ length: n }, () => new Database(file));
    keep(...out);
    return out;
  };
  return { keep, connect };
}
