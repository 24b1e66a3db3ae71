/**
 * The conformance scenarios: one list of names, implemented once per surface (raw API, Kysely,
 * Drizzle, Knex, TypeORM). Every implementation runs on both engines and the plain-data results
 * must be identical; a scenario may also assert on its own result (checked on the oracle too).
 */
import type { Engine } from './env.js';

export const SCENARIOS = [
  'crud',
  'multi-row insert ids',
  'upsert',
  'returning',
  'transactions',
  'nested transactions',
  'relations',
  'json',
  'bigint',
  'dates and booleans',
  'introspection',
  'migrations',
  'streaming',
  '32766 parameters',
  'constraint errors',
  'closed connection',
] as const;

export type ScenarioName = (typeof SCENARIOS)[number];

/** One scenario on one engine: returns plain data to compare with the oracle's. */
export type Scenario<H> = (handle: H, engine: Engine) => Promise<unknown>;

/** Why a scenario does not apply to a surface (no test is generated for it). */
export interface NotApplicable {
  readonly notApplicable: string;
}

export interface Surface<H> {
  readonly name: string;
  /** Opens the surface on an engine: the stock ORM integration for the oracle, our adapter otherwise. */
  open(engine: Engine): Promise<H>;
  close(handle: H): Promise<void>;
  readonly scenarios: { readonly [K in ScenarioName]: Scenario<H> | NotApplicable };
}

/** Erases a surface's handle type so surfaces of different ORMs fit in one list. */
export type AnySurface = Surface<never> & { open(engine: Engine): Promise<unknown>; close(handle: unknown): Promise<void> };

export function surface<H>(s: Surface<H>): AnySurface {
  return s as unknown as AnySurface;
}
