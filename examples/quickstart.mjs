// Quick start: open a database, create a table, write and query it.
// Run with `npm run build && node examples/quickstart.mjs` (npm test builds too).
import Database from '../index.mjs';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'helios-quickstart-')), 'app.db');
const db = new Database(file);

db.exec(`
  CREATE TABLE users (
    id    INTEGER PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    name  TEXT,
    meta  TEXT DEFAULT '{}'
  );
  CREATE INDEX users_name ON users(name);
`);

const insert = db.prepare('INSERT INTO users (email, name, meta) VALUES (?, ?, json(?)) RETURNING id');
const addMany = db.transaction((people) => people.map((p) => insert.get(p.email, p.name, JSON.stringify(p.meta)).id));
console.log('inserted ids:', addMany([
  { email: 'ada@example.com', name: 'Ada', meta: { langs: ['en', 'fr'] } },
  { email: 'linus@example.com', name: 'Linus', meta: { langs: ['fi'] } },
  { email: 'grace@example.com', name: 'Grace', meta: { langs: ['en'] } },
]));

console.log(db.prepare("SELECT name, meta ->> '$.langs[0]' AS first_lang FROM users ORDER BY name").all());
console.log(db.prepare('SELECT count(*) AS n FROM users WHERE name > ?').get('B'));

try {
  insert.get('ada@example.com', 'Ada again', '{}');
} catch (e) {
  console.log('constraint error:', e.code, '-', e.message);
}

db.close();
// The file is a SQLite database: stock SQLite tools can read it.
console.log('database file:', file, fs.statSync(file).size, 'bytes');
