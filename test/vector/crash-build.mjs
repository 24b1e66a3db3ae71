// Bundles the engine (engine/api/index.ts, vectors included) into one CommonJS file for the child
// processes of the vector crash test, with esbuild (a devDependency). hnswlib-node and
// better-sqlite3 stay external (native), resolved from the repository's node_modules.
// Usage from code: `const entry = buildEngineBundle()`; the file exports { Database, ... }.
import { createRequire } from 'node:module';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(path.join(repo, 'package.json'));

/** The worker script (crash-child.mjs). */
export const crashChild = path.join(path.dirname(fileURLToPath(import.meta.url)), 'crash-child.mjs');

export function buildEngineBundle() {
  const out = path.join(repo, 'node_modules', '.cache', 'hdb-vector-crash-build', 'engine.cjs');
  fs.mkdirSync(path.dirname(out), { recursive: true });
  require('esbuild').buildSync({
    entryPoints: [path.join(repo, 'engine/api/index.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outfile: out,
    external: ['hnswlib-node', 'better-sqlite3'],
    logLevel: 'warning',
  });
  return out;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) console.log(buildEngineBundle());
