// Compiles engine/storage (and engine/common) to CommonJS for child processes of the crash tests.
// Usage from code: `const dir = buildStorage()`; returns the directory holding engine/storage/index.js.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

export function buildStorage() {
  const out = path.join(repo, 'node_modules', '.cache', 'hdb-storage-crash-build');
  const tsc = path.join(repo, 'node_modules', 'typescript', 'bin', 'tsc');
  execFileSync(
    process.execPath,
    [tsc, path.join(repo, 'engine/storage/index.ts'), '--outDir', out, '--rootDir', repo, '--module', 'nodenext', '--moduleResolution', 'nodenext',
      '--target', 'es2022', '--types', 'node', '--strict', '--skipLibCheck', '--declaration', 'false', '--sourceMap', 'false'],
    { cwd: repo, stdio: 'inherit' },
  );
  const entry = path.join(out, 'engine', 'storage', 'index.js');
  if (!fs.existsSync(entry)) throw new Error('storage build failed: ' + entry);
  // NodeNext compiles to CommonJS unless a package.json says "module"; pin it.
  fs.writeFileSync(path.join(out, 'package.json'), '{"type":"commonjs"}\n');
  return entry;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) console.log(buildStorage());

/**
 * Bundles the whole engine (engine/api/index.ts) into one CommonJS file for the child processes
 * of the engine-level crash tests (history, group commit, vectors), with esbuild (a devDependency).
 * Native modules stay external. Returns the bundle's path; it exports { Database, ... }.
 * `name` names the output file (default engine.cjs).
 */
export function buildEngine(name = 'engine.cjs') {
  // `name`: test files running in parallel each build their own file (no reader sees a half-written one)
  const out = path.join(repo, 'node_modules', '.cache', 'hdb-history-crash-build', name);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  const require = createRequire(path.join(repo, 'package.json'));
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
