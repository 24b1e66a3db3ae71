/** better-sqlite3 as the oracle: a database with the schema the test corpora refer to. */
import Database from 'better-sqlite3';

export const SCHEMA = `
CREATE TABLE t(a, b, c, d);
CREATE TABLE u(a, b, c);
CREATE TABLE users(id INTEGER PRIMARY KEY, name TEXT UNIQUE, email TEXT UNIQUE, verified INT, meta TEXT,
  big INT, active INT, role TEXT, createdAt TEXT, data TEXT, age INT);
CREATE TABLE posts(id INTEGER PRIMARY KEY, user_id INT REFERENCES users(id), title TEXT, body TEXT);
CREATE TABLE person(id INTEGER PRIMARY KEY, first_name TEXT, last_name TEXT, gender TEXT, age INT);
CREATE TABLE pet(id INTEGER PRIMARY KEY, name TEXT, owner_id INT, species TEXT);
CREATE TABLE kysely_migration(name VARCHAR(255) PRIMARY KEY, timestamp VARCHAR(255));
CREATE TABLE n(nb);
CREATE TABLE one(x);
CREATE TABLE _knex_temp_alter111(a integer, b text);
CREATE TABLE temporary_t(a integer, b integer, c integer, d integer);
CREATE TABLE "__drizzle_migrations"(id SERIAL PRIMARY KEY, hash text NOT NULL, created_at numeric);
CREATE TABLE ai(id INTEGER PRIMARY KEY AUTOINCREMENT, x);
CREATE TABLE "User"(id INTEGER PRIMARY KEY, email TEXT UNIQUE, active INT, role TEXT, "createdAt" TEXT);
CREATE TABLE emp(id INTEGER PRIMARY KEY, dept TEXT, salary REAL, hired TEXT);
CREATE TABLE docs USING fts5(title, body);
CREATE INDEX ti ON t(a);
CREATE INDEX ui ON u(a, b);
CREATE VIEW v AS SELECT a, b FROM t;
CREATE TRIGGER tr AFTER INSERT ON t BEGIN SELECT 1; END;
`.replace('CREATE TABLE docs USING', 'CREATE VIRTUAL TABLE docs USING');

export function oracleDb(): Database.Database {
  const db = new Database(':memory:');
  db.exec(SCHEMA);
  return db;
}

/** The error message better-sqlite3 gives for `prepare(sql)`, or null if it prepares. */
export function oracleError(db: Database.Database, sql: string): string | null {
  try {
    db.prepare(sql);
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}
