// The engine bundle for the child processes of the vector crash test (storage/crash/build.mjs
// bundles it with esbuild; hnswlib-node and better-sqlite3 stay external, resolved from the
// repository's node_modules), and the path of the child script.
// Usage from code: `const entry = buildEngineBundle()`; the file exports { Database, ... }.
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildEngine } from '../storage/crash/build.mjs';

/** The worker script (crash-child.mjs). */
export const crashChild = path.join(path.dirname(fileURLToPath(import.meta.url)), 'crash-child.mjs');

export function buildEngineBundle() {
  return buildEngine('vector-crash-engine.cjs');
}
