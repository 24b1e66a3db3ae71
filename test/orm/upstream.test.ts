/**
 * Patterns from the ORMs' own SQLite suites (Drizzle integration-tests/tests/sqlite, Kysely
 * test/node/src, Knex test/integration2, TypeORM test/functional), each run on real
 * better-sqlite3 and on heliosdb-lite with identical plain-data results required.
 */
import { describe, expect, it } from 'vitest';
import { helios, oracle, plain } from './support/env.js';
import type { UpstreamCases } from './upstream/cases.js';
import { drizzleCases } from './upstream/drizzle.js';
import { knexCases } from './upstream/knex.js';
import { kyselyCases } from './upstream/kysely.js';
import { typeormCases } from './upstream/typeorm.js';

const suites: ReadonlyArray<readonly [string, UpstreamCases]> = [
  ['Drizzle', drizzleCases],
  ['Kysely', kyselyCases],
  ['Knex', knexCases],
  ['TypeORM', typeormCases],
];

for (const [orm, cases] of suites) {
  describe(`${orm} upstream patterns`, () => {
    for (const [name, run] of Object.entries(cases)) {
      it(name, async () => {
        const expected = plain(await run(oracle));
        const actual = plain(await run(helios));
        expect(actual).toStrictEqual(expected);
      });
    }
  });
}
