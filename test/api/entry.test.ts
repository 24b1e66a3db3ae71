/**
 * The package entry points, loaded by Node itself (not through vitest's transform): CommonJS
 * `require`, ESM default + named import, and the type declarations.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '../..');
const run = (args: string[]): string => execFileSync(process.execPath, args, { cwd: root, encoding: 'utf8' }).trim();

describe('package entry points', () => {
  beforeAll(() => {
    const built = path.join(root, 'dist/engine/api/index.js');
    if (!fs.existsSync(built)) {
      try {
        execFileSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
          cwd: root,
          stdio: 'pipe',
        });
      } catch {
        // Type errors elsewhere in the tree do not stop tsc from emitting; what matters is below.
      }
    }
    expect(fs.existsSync(built)).toBe(true);
  });

  it('require() gives the Database constructor with SqliteError attached', () => {
    const out = run([
      '-e',
      `const D = require('./index.js');
       const ok = typeof D === 'function' && typeof D.SqliteError === 'function' && D.name === 'Database'
         && new D.SqliteError('m', 'SQLITE_ERROR') instanceof Error && D.prototype.prepare !== undefined;
       console.log(ok, Object.keys(require('./index.js')).join());`,
    ]);
    expect(out).toBe('true SqliteError');
  });

  it('ESM import gives default and named SqliteError (index.mjs and the CJS file)', () => {
    for (const spec of ['./index.mjs', './index.js']) {
      const out = run([
        '--input-type=module',
        '-e',
        `import Database, { SqliteError } from '${spec}';
         console.log(typeof Database, SqliteError === Database.SqliteError, SqliteError.prototype.name);`,
      ]);
      expect(out).toBe('function true SqliteError');
    }
  });

  it('index.d.ts type-checks code written against better-sqlite3', () => {
    const dir = fs.mkdtempSync(path.join(root, 'node_modules/.heliosdb-types-'));
    try {
      fs.writeFileSync(
        path.join(dir, 'use.ts'),
        `import Database = require('../../index.js');
         const db: Database.Database = new Database(':memory:', { timeout: 10 });
         const stmt: Database.Statement<[number], { x: number }> = db.prepare('SELECT ? AS x');
         const r: Database.RunResult = db.prepare('SELECT 1').run();
         const row: { x: number } | undefined = stmt.get(1);
         const tx = db.transaction((a: number) => a + 1);
         const n: number = tx.immediate(1);
         const opts: Database.Options = { readonly: false, verbose: console.log };
         const isErr = (e: unknown) => e instanceof Database.SqliteError;
         db.table('t', { columns: ['a'], *rows() { yield [1]; } });
         void [r, row, n, opts, isErr];
         db.close();`,
      );
      execFileSync(
        process.execPath,
        [path.join(root, 'node_modules/typescript/bin/tsc'), '--noEmit', '--strict', '--esModuleInterop', '--module', 'nodenext',
          '--moduleResolution', 'nodenext', '--types', 'node', path.join(dir, 'use.ts')],
        { cwd: root, encoding: 'utf8' },
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
