/**
 * The SQL engine's entry point for the API layer: one Session (connection) per Database object.
 */
import type { Session, SessionOptions } from './session-api.js';
import { Connection } from './connection.js';

export function openSession(path: string, options: SessionOptions): Session {
  return new Connection(path, options);
}
