'use strict';
/**
 * What the ORM programs share besides their (unchanged) ORM code: which `better-sqlite3` package
 * the ORM loaded, heliosdb-only probes, and printing results as one line of comparable JSON.
 *
 * A program runs twice: from test/alias-project/programs/ (no node_modules there, so the ORMs
 * resolve `better-sqlite3` from the repository's root: real better-sqlite3, the oracle) and from
 * a copy inside the installed alias project (where `better-sqlite3` is heliosdb-lite).
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

/** The folder of an installed package, found from its resolved entry point. */
function packageDir(entry, name) {
  const marker = `${path.sep}node_modules${path.sep}${name.split('/').join(path.sep)}${path.sep}`;
  const at = entry.lastIndexOf(marker);
  if (at < 0) throw new Error(`${entry} is not inside node_modules/${name}`);
  return entry.slice(0, at + marker.length - 1);
}

/**
 * The `better-sqlite3` package an ORM actually loaded: the package.json of every module in
 * require.cache that lives in a `node_modules/better-sqlite3` folder, resolved from the ORM's
 * own folder (as its `require('better-sqlite3')` does).
 */
function loadedDriver(ormPackage) {
  const ormDir = packageDir(require.resolve(ormPackage), ormPackage);
  const expected = packageDir(require.resolve('better-sqlite3', { paths: [ormDir] }), 'better-sqlite3');
  const loaded = Object.keys(require.cache).some((f) => f.startsWith(expected + path.sep));
  const pkg = JSON.parse(fs.readFileSync(path.join(expected, 'package.json'), 'utf8'));
  return { resolvedFrom: ormPackage, loaded, name: pkg.name };
}

/** The heliosdb-only SQL function, run through the ORM; real SQLite has no `vector()`. */
const HELIOS_PROBE_SQL = "select vector_distance(vector('[1,0]'), vector('[0,1]'), 'cosine') as d";

/** Runs `probe` and returns its value or the error's message (the probe is expected to fail on SQLite). */
async function probe(f) {
  try {
    return { ok: await f() };
  } catch (e) {
    return { error: String(e && e.message) };
  }
}

function replacer(_key, value) {
  if (typeof value === 'bigint') return { bigint: value.toString() };
  if (value instanceof Float32Array) return { float32: Array.from(value) };
  if (value instanceof Uint8Array && !Buffer.isBuffer(value)) return { bytes: Buffer.from(value).toString('hex') };
  return value;
}

/** Shape of an error for comparison. */
function errorShape(e) {
  return { class: e.constructor.name, code: e.code ?? null, message: e.message };
}

/**
 * Runs a program: `main({ dir, file })` gets a fresh folder and a database path in it and
 * returns `{ driver, helios, results }`; prints it as JSON on one line.
 */
function run(main) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'heliosdb-alias-run-'));
  Promise.resolve()
    .then(() => main({ dir, file: path.join(dir, 'app.db') }))
    .then((out) => {
      fs.rmSync(dir, { recursive: true, force: true });
      // exit explicitly: a failed program may leave a pool or timer behind
      process.stdout.write(JSON.stringify(out, replacer) + '\n', () => process.exit(0));
    })
    .catch((e) => {
      console.error(e);
      process.exit(1);
    });
}

/**
 * heliosdb time travel through the adapter the package also carries (`better-sqlite3/<orm>` under
 * the alias), on the ORM's stock better-sqlite3 integration: turn history on, change the users'
 * names (a commit inside the retention window), remember that transaction, change them again,
 * then read them through `bound(orm, { asOf })`. On real SQLite it fails at `helios_txn()`.
 */
function asOfProbe({ enable, txn, read, change, readBound }) {
  return probe(async () => {
    await enable();
    const point = { transaction: await txn() };
    await change();
    point.transaction = await txn();
    const before = await read();
    await change();
    return { before, after: await read(), bound: await readBound(point) };
  });
}

module.exports = { asOfProbe, loadedDriver, HELIOS_PROBE_SQL, probe, errorShape, run };
