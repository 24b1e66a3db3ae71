/**
 * The ORM conformance suite: every scenario of every surface runs on real better-sqlite3 (through
 * the ORM's stock better-sqlite3 integration) and on heliosdb-lite (through our adapter); the
 * plain-data results, including error classes, codes and messages, must be identical.
 */
import { describe, expect, it } from 'vitest';
import { type Engine, helios, oracle, plain } from './support/env.js';
import { type AnySurface, type Scenario, SCENARIOS } from './support/scenario.js';
import { drizzleSurface } from './suites/drizzle.js';
import { knexSurface } from './suites/knex.js';
import { kyselySurface } from './suites/kysely.js';
import { rawSurface } from './suites/raw.js';
import { typeormSurface } from './suites/typeorm.js';

const surfaces: readonly AnySurface[] = [rawSurface, kyselySurface, drizzleSurface, knexSurface, typeormSurface];

async function runOn(s: AnySurface, scenario: Scenario<unknown>, engine: Engine): Promise<unknown> {
  const handle = await s.open(engine);
  try {
    return plain(await scenario(handle, engine));
  } finally {
    await s.close(handle);
  }
}

for (const s of surfaces) {
  describe(s.name, () => {
    for (const name of SCENARIOS) {
      const scenario = s.scenarios[name];
      if ('notApplicable' in scenario) continue;
      it(name, async () => {
        const expected = await runOn(s, scenario as Scenario<unknown>, oracle);
        const actual = await runOn(s, scenario as Scenario<unknown>, helios);
        expect(actual).toStrictEqual(expected);
      });
    }
  });
}
