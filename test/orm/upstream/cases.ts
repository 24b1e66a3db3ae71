/**
 * Upstream patterns: cases taken from each ORM's own SQLite test suite. A case opens its own
 * ORM instance on the engine it is given (the stock better-sqlite3 integration on the oracle, our
 * adapter on heliosdb-lite) and returns data; upstream.test.ts requires the plain-data results of
 * both engines to be identical.
 */
import type { Engine } from '../support/env.js';

export type UpstreamCase = (engine: Engine) => Promise<unknown>;
export type UpstreamCases = Readonly<Record<string, UpstreamCase>>;
