/**
 * Prepares the alias project: heliosdb-lite packed with `npm pack` and installed under the name
 * `better-sqlite3` (a `file:` tarball dependency, as `npm i better-sqlite3@npm:heliosdb-lite`
 * would do from the registry) next to unchanged Drizzle, drizzle-kit, Knex and TypeORM.
 *
 * The install runs with npm's default peer-dependency checking (the project has no .npmrc; no
 * legacy-peer-deps anywhere): the alias carries heliosdb-lite's version, 12.x, which satisfies the
 * ORMs' optional peer ranges for better-sqlite3 (alias.test.ts checks them).
 *
 * The install lives in `<tmpdir>/heliosdb-alias-<key>`, where the key covers everything but the
 * tarball (the project's manifest, the ORM versions, Node's ABI, this checkout), so
 * the ORMs and the native build of hnswlib-node are installed once; a new tarball (any change to
 * dist/) only makes npm replace `node_modules/better-sqlite3`. A stamp file records the tarball's
 * hash; a run with the same tarball reuses the install as it is.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const root = path.resolve(__dirname, '..', '..');
export const projectSource = path.join(root, 'test', 'alias-project');

/** The ORM packages whose versions follow the repository's own devDependencies (the oracle side). */
const SAME_AS_ROOT = ['drizzle-orm', 'knex', 'typeorm', 'reflect-metadata'] as const;
/** The folders copied into the install (the programs and their fixtures). */
const SOURCES = ['programs', 'drizzle-migrations', 'drizzle-kit'] as const;
const STAMP = '.heliosdb-alias.json';

export interface AliasProject {
  /** The installed project's folder. */
  readonly dir: string;
  /** sha1 of the packed tarball. */
  readonly tarballSha: string;
  /** The tarball's file name as the project's package.json refers to it. */
  readonly tarballName: string;
  /** True when the install of an earlier run was reused unchanged. */
  readonly reused: boolean;
}

interface Manifest {
  name: string;
  dependencies: Record<string, string>;
  allowScripts?: Record<string, boolean>;
  [key: string]: unknown;
}

interface NpmResult {
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * The environment for the nested npm: without the npm_* variables of an enclosing `npm test`
 * (lifecycle and package variables, local prefix), which would describe the repository, not the
 * alias project. Registry, cache and TLS settings are kept.
 */
function npmEnv(): NodeJS.ProcessEnv {
  const keep = /^npm_config_(registry|cache|userconfig|globalconfig|cafile|strict_ssl|proxy|https_proxy|noproxy)$/i;
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if ((/^npm_/i.test(k) && !keep.test(k)) || k === 'INIT_CWD') continue;
    env[k] = v;
  }
  env.npm_config_update_notifier = 'false';
  env.npm_config_fund = 'false';
  env.npm_config_audit = 'false';
  return env;
}

export function npm(args: readonly string[], cwd: string, timeoutMs: number): NpmResult {
  const r = spawnSync('npm', args, { cwd, env: npmEnv(), encoding: 'utf8', timeout: timeoutMs, maxBuffer: 64 << 20 });
  if (r.error !== undefined) {
    const code = (r.error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new Error('npm is not on PATH: the alias test packs heliosdb-lite and installs test/alias-project with npm');
    }
    throw new Error(`npm ${args.join(' ')} failed in ${cwd}: ${r.error.message}`);
  }
  if (r.status !== 0) {
    const tail = `${r.stdout}\n${r.stderr}`.trim().split('\n').slice(-40).join('\n');
    throw new Error(`npm ${args.join(' ')} exited with ${r.status ?? r.signal} in ${cwd}:\n${tail}`);
  }
  return { stdout: r.stdout, stderr: r.stderr };
}

function installedVersion(name: string): string {
  const file = path.join(root, 'node_modules', name, 'package.json');
  if (!fs.existsSync(file)) throw new Error(`${name} is not installed in the repository: run \`npm install\` first`);
  return (JSON.parse(fs.readFileSync(file, 'utf8')) as { version: string }).version;
}

/** `npm pack` of the repository (dist/ must be built; npm test builds it) into `dest`. */
function pack(dest: string): { file: string; sha: string } {
  for (const f of ['dist/engine/api/index.js', 'dist/adapters/drizzle.js']) {
    if (!fs.existsSync(path.join(root, f))) throw new Error(`${f} is missing: run \`npm run build\` first (npm test does)`);
  }
  // --ignore-scripts: prepack would run the build again.
  const { stdout } = npm(['pack', '--ignore-scripts', '--json', '--pack-destination', dest], root, 120_000);
  let info: Array<{ filename: string; shasum: string }>;
  try {
    info = JSON.parse(stdout) as Array<{ filename: string; shasum: string }>;
  } catch {
    throw new Error(`npm pack printed no JSON:\n${stdout.slice(0, 2000)}`);
  }
  const first = info[0];
  if (first === undefined) throw new Error('npm pack produced no tarball');
  return { file: path.join(dest, first.filename), sha: first.shasum };
}

function hash(text: string): string {
  return createHash('sha1').update(text).digest('hex');
}

/** Packs heliosdb-lite and installs (or reuses) the alias project. */
export function prepareAliasProject(): AliasProject {
  const packDir = fs.mkdtempSync(path.join(os.tmpdir(), 'heliosdb-pack-'));
  try {
    const tarball = pack(packDir);
    const tarballName = `heliosdb-lite-${tarball.sha.slice(0, 16)}.tgz`;

    const manifest = JSON.parse(fs.readFileSync(path.join(projectSource, 'package.json'), 'utf8')) as Manifest;
    for (const name of SAME_AS_ROOT) manifest.dependencies[name] = installedVersion(name);
    const key = hash(JSON.stringify([manifest, root, process.versions.modules, process.platform, process.arch])).slice(0, 12);
    manifest.dependencies['better-sqlite3'] = `file:${tarballName}`;

    const dir = path.join(os.tmpdir(), `heliosdb-alias-${key}`);
    const stampFile = path.join(dir, STAMP);
    const stamp = fs.existsSync(stampFile) ? (JSON.parse(fs.readFileSync(stampFile, 'utf8')) as { sha?: string }) : {};
    const reused = stamp.sha === tarball.sha && fs.existsSync(path.join(dir, 'node_modules', 'better-sqlite3', 'package.json'));
    if (!reused) {
      fs.mkdirSync(dir, { recursive: true });
      fs.rmSync(stampFile, { force: true });
      fs.copyFileSync(tarball.file, path.join(dir, tarballName));
      fs.writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
      fs.rmSync(path.join(dir, '.npmrc'), { force: true });
      // --prefer-offline: packages already in npm's cache are not revalidated with the registry.
      npm(['install', '--no-audit', '--no-fund', '--prefer-offline'], dir, 600_000);
      for (const f of fs.readdirSync(dir)) {
        if (f.startsWith('heliosdb-lite-') && f.endsWith('.tgz') && f !== tarballName) fs.rmSync(path.join(dir, f));
      }
      fs.writeFileSync(stampFile, JSON.stringify({ sha: tarball.sha }));
    }
    for (const s of SOURCES) {
      fs.rmSync(path.join(dir, s), { recursive: true, force: true });
      fs.cpSync(path.join(projectSource, s), path.join(dir, s), { recursive: true });
    }
    return { dir, tarballSha: tarball.sha, tarballName, reused };
  } finally {
    fs.rmSync(packDir, { recursive: true, force: true });
  }
}
