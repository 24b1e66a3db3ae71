/**
 * The one place where the API layer reaches the SQL engine: a Session factory.
 *
 * By default it is the engine's `openSession` from engine/sql/session.ts. Tests may install
 * another factory with `setSessionFactory` (test/api/fake-session.ts runs this API over real
 * SQLite to check the API layer on its own).
 */
import type { Session, SessionOptions } from '../sql/session-api.js';
import { openSession as engineOpenSession } from '../sql/session.js';

export type SessionFactory = (path: string, options: SessionOptions) => Session;

let factory: SessionFactory | null = null;

/** Installs the Session factory used by `new Database()`; `null` restores the engine's. */
export function setSessionFactory(f: SessionFactory | null): void {
  factory = f;
}

export function openSession(path: string, options: SessionOptions): Session {
  return (factory ?? engineOpenSession)(path, options);
}
