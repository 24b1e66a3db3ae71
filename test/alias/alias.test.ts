/**
 * Drop-in by alias: heliosdb-lite installed under the name `better-sqlite3` (test/alias-project,
 * prepared by project.ts) runs unchanged Drizzle, Knex, TypeORM and drizzle-kit.
 *
 * Each ORM program (test/alias-project/programs) runs twice: in place, where the ORMs resolve the
 * repository's real better-sqlite3 (the oracle), and inside the installed alias project, where
 * they resolve heliosdb-lite. The results must be identical; what differs is the proof of which
 * engine ran: the package the ORM loaded, heliosdb's `-hlog` file next to the open database, and
 * the heliosdb-only `vector_distance()` run through the ORM.
 */
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import BetterSqlite3 from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadSemver, satisfiesSimple } from './peer-range.js';
import { type AliasProject, npm, prepareAliasProject, projectSource, root } from './project.js';

const run = promisify(execFile);

interface ProgramOutput {
  readonly driver: { readonly resolvedFrom: string; readonly loaded: boolean; readonly name: string };
  readonly helios: { readonly hlog: boolean; readonly vectorDistance: { ok?: unknown; error?: string }; readonly [k: string]: unknown };
  readonly results: unknown;
}

async function program(dir: string, name: string): Promise<ProgramOutput> {
  const file = path.join(dir, 'programs', `${name}.cjs`);
  try {
    const { stdout } = await run(process.execPath, [file], { encoding: 'utf8', timeout: 60_000, maxBuffer: 16 << 20 });
    return JSON.parse(stdout) as ProgramOutput;
  } catch (e) {
    const x = e as { stderr?: string; message: string };
    throw new Error(`${file} failed: ${x.stderr ?? x.message}`);
  }
}

let project: AliasProject;
let started = 0;

beforeAll(() => {
  started = Date.now();
  project = prepareAliasProject();
  // Visible in the test output: how long preparing took, and whether the install was reused.
  console.log(`alias project ${project.dir} ${project.reused ? 'reused' : 'installed'} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}, 600_000);

describe('npm alias: better-sqlite3 = heliosdb-lite', () => {
  it('installs the packed tarball as better-sqlite3, with no better-sqlite3 build and hnswlib-node built', () => {
    const nm = path.join(project.dir, 'node_modules');
    const pkg = JSON.parse(fs.readFileSync(path.join(nm, 'better-sqlite3', 'package.json'), 'utf8')) as { name: string };
    expect(pkg.name).toBe('heliosdb-lite');
    const lock = JSON.parse(fs.readFileSync(path.join(project.dir, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { resolved?: string }>;
    };
    expect(lock.packages['node_modules/better-sqlite3']?.resolved).toBe(`file:${project.tarballName}`);
    // Nothing native of better-sqlite3's: our package ships JavaScript only.
    expect(fs.existsSync(path.join(nm, 'better-sqlite3', 'build'))).toBe(false);
    expect(fs.existsSync(path.join(nm, 'better-sqlite3', 'binding.gyp'))).toBe(false);
    // hnswlib-node (our one native dependency) was built: allowScripts approves it.
    expect(fs.existsSync(path.join(nm, 'hnswlib-node', 'build', 'Release', 'addon.node'))).toBe(true);
    // What the ORMs' own require('better-sqlite3') resolves to.
    const requireFrom = (pkgName: string) => createRequire(path.join(nm, pkgName, 'package.json'));
    for (const orm of ['drizzle-orm', 'knex', 'typeorm', 'drizzle-kit']) {
      expect(requireFrom(orm).resolve('better-sqlite3')).toBe(path.join(nm, 'better-sqlite3', 'index.js'));
    }
    // drizzle-kit picks @libsql/client over better-sqlite3 when it can import it.
    expect(() => requireFrom('drizzle-kit').resolve('@libsql/client')).toThrow();
  });

  it("installs with npm's default peer checks: the ORMs' better-sqlite3 peer ranges accept the alias", () => {
    const nm = path.join(project.dir, 'node_modules');
    const json = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8')) as { version: string; peerDependencies?: Record<string, string> };
    // No legacy-peer-deps anywhere: no .npmrc in the project, and npm's effective setting there is the default.
    expect(fs.existsSync(path.join(project.dir, '.npmrc'))).toBe(false);
    expect(npm(['config', 'get', 'legacy-peer-deps'], project.dir, 60_000).stdout.trim()).toBe('false');
    // The alias carries heliosdb-lite's version, which tracks the better-sqlite3 major it implements.
    const alias = json(path.join(nm, 'better-sqlite3', 'package.json')).version;
    expect(alias).toBe(json(path.join(root, 'package.json')).version);
    expect(alias).toMatch(/^12\./);
    const ranges = Object.fromEntries(
      (['drizzle-orm', 'typeorm'] as const).map((orm) => [orm, json(path.join(nm, orm, 'package.json')).peerDependencies?.['better-sqlite3']]),
    );
    expect(ranges).toEqual({ 'drizzle-orm': expect.any(String), typeorm: expect.any(String) });
    const semver = loadSemver(root);
    for (const range of Object.values(ranges) as string[]) {
      expect({ range, ok: satisfiesSimple(alias, range) }).toEqual({ range, ok: true });
      if (semver !== null) expect({ range, ok: semver.satisfies(alias, range) }).toEqual({ range, ok: true });
    }
    // The small checker agrees with npm's semver where both exist (and can say no).
    for (const [v, r] of [['0.1.0', '>=7'], ['0.1.0', '^12.0.0'], ['11.9.9', '^12.0.0'], ['12.3.4', '^12.0.0'], ['13.0.0', '^12.0.0'], ['12.0.0', '~12.0'], ['7.0.0', '>=7 <8 || ^12']] as const) {
      const ok = satisfiesSimple(v, r);
      if (semver !== null) expect({ v, r, ok }).toEqual({ v, r, ok: semver.satisfies(v, r) });
    }
    expect(satisfiesSimple('0.1.0', '>=7')).toBe(false);
    // npm itself finds no invalid peer (`npm ls` fails with ELSPROBLEMS on one).
    const ls = JSON.parse(npm(['ls', 'better-sqlite3', '--json'], project.dir, 120_000).stdout) as { problems?: string[] };
    expect(ls.problems ?? []).toEqual([]);
  });

  for (const orm of ['drizzle', 'knex', 'typeorm'] as const) {
    it(`${orm} runs unchanged on heliosdb-lite with the results of better-sqlite3`, async () => {
      const [oracle, ours] = await Promise.all([program(projectSource, orm), program(project.dir, orm)]);
      expect(oracle.driver).toMatchObject({ loaded: true, name: 'better-sqlite3' });
      expect(ours.driver).toMatchObject({ loaded: true, name: 'heliosdb-lite' });
      expect(oracle.helios.hlog).toBe(false);
      expect(ours.helios.hlog).toBe(true);
      expect(oracle.helios.vectorDistance.error).toContain('no such function: vector');
      expect(JSON.stringify(ours.helios.vectorDistance.ok)).toContain('"d":1');
      if (orm === 'knex') expect(ours.helios['hnsw']).toEqual({ ok: [{ id: 1 }, { id: 3 }] });
      // The adapter's bound() through the alias (`better-sqlite3/<orm>`) on the stock integration.
      expect(oracle.helios['asOf']).toEqual({ error: expect.stringContaining('no such function: helios_txn') });
      const asOf = ours.helios['asOf'] as { ok?: { before: string[]; after: string[]; bound: string[] } };
      expect(asOf.ok?.before.length).toBeGreaterThan(0);
      expect(asOf.ok?.after).toEqual(asOf.ok?.before.map((n) => `${n ?? ''}!`));
      expect(asOf.ok?.bound).toEqual(asOf.ok?.before);
      expect(ours.results).toStrictEqual(oracle.results);
    });
  }

  it('drizzle-kit generate, migrate and push run on heliosdb-lite', async () => {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'heliosdb-drizzle-kit-'));
    try {
      const Ours = createRequire(path.join(project.dir, 'package.json'))('better-sqlite3') as typeof BetterSqlite3;
      const kitDir = path.join(project.dir, 'drizzle-kit');
      const file = path.join(work, 'app.db');
      const kit = async (command: string, schema: string, ...args: string[]) => {
        const env = { ...process.env, DK_SCHEMA: path.join(kitDir, schema), DK_OUT: 'out', DK_DB: file };
        const bin = path.join(project.dir, 'node_modules', 'drizzle-kit', 'bin.cjs');
        try {
          return (await run(process.execPath, [bin, command, '--config', path.join(kitDir, 'drizzle.config.cjs'), ...args], { cwd: work, env, timeout: 60_000 })).stdout;
        } catch (e) {
          const x = e as { stdout?: string; stderr?: string; message: string };
          throw new Error(`drizzle-kit ${command} failed: ${x.stdout ?? ''}${x.stderr ?? x.message}`);
        }
      };
      const helios = <T>(f: (db: BetterSqlite3.Database) => T): T => {
        const db = new Ours(file);
        try {
          return f(db);
        } finally {
          db.close();
        }
      };
      // History on, so that every commit drizzle-kit makes shows in helios_txn(): only heliosdb counts them.
      const txn = (db: BetterSqlite3.Database) => db.prepare('SELECT helios_txn()').pluck().get() as number;
      const t0 = helios((db) => {
        db.pragma('helios_retention = 3600');
        return txn(db);
      });
      const seed = "INSERT INTO users (name, email) VALUES ('Ada', 'ada@example.com'), ('Linus', 'linus@example.com'); INSERT INTO tags VALUES (1, 'a'), (2, 'b')";

      expect(await kit('generate', 'schema-v1.cjs', '--name', 'init')).toContain('0000_init.sql');
      expect(await kit('migrate', 'schema-v1.cjs')).toContain('migrations applied successfully');
      const t1 = helios((db) => {
        db.exec(seed);
        return txn(db);
      });
      expect(t1).toBeGreaterThan(t0 + 2); // the seed made 2 commits; the rest are drizzle-kit's
      expect(await kit('push', 'schema-v2.cjs')).toContain('Changes applied');
      // DB-less: the same change as a migration file, for the oracle.
      expect(await kit('generate', 'schema-v2.cjs', '--name', 'v2')).toContain('0001_v2.sql');

      const dump = (db: BetterSqlite3.Database) => ({
        schema: db.prepare("SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE '\\_helios\\_%' ESCAPE '\\' ORDER BY name").all(),
        users: db.prepare('SELECT * FROM users ORDER BY id').all(),
        tags: db.prepare('SELECT * FROM tags ORDER BY id').all(),
        firstMigration: db.prepare('SELECT hash, created_at FROM __drizzle_migrations ORDER BY created_at LIMIT 1').get(),
      });
      const ours = helios((db) => ({ ...dump(db), txn: txn(db) }));
      expect(ours.txn).toBeGreaterThan(t1);

      // Oracle: drizzle-orm's migrator (what drizzle-kit migrate runs) on real better-sqlite3,
      // 0000 first, the same seed, then 0001 (what push applied).
      const out = path.join(work, 'out');
      const v1 = path.join(work, 'out-v1');
      fs.mkdirSync(path.join(v1, 'meta'), { recursive: true });
      const journal = JSON.parse(fs.readFileSync(path.join(out, 'meta', '_journal.json'), 'utf8')) as { entries: Array<{ tag: string }> };
      expect(journal.entries.map((e) => e.tag)).toEqual(['0000_init', '0001_v2']);
      fs.writeFileSync(path.join(v1, 'meta', '_journal.json'), JSON.stringify({ ...journal, entries: journal.entries.slice(0, 1) }));
      fs.copyFileSync(path.join(out, '0000_init.sql'), path.join(v1, '0000_init.sql'));
      const oracleDb = new BetterSqlite3(path.join(work, 'oracle.db'));
      migrate(drizzle(oracleDb), { migrationsFolder: v1 });
      oracleDb.exec(seed);
      migrate(drizzle(oracleDb), { migrationsFolder: out });
      const expected = dump(oracleDb);
      oracleDb.close();
      const { txn: _txn, ...actual } = ours;
      expect(actual).toStrictEqual(expected);

      // The file drizzle-kit wrote through heliosdb-lite is a valid SQLite database.
      const check = new BetterSqlite3(file, { readonly: true });
      expect(check.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(check.prepare('SELECT * FROM users ORDER BY id').all()).toStrictEqual(expected.users);
      check.close();
    } finally {
      fs.rmSync(work, { recursive: true, force: true });
    }
  });
});
