// Quick start: open a database, create a table, write and query it; vectors; time travel.
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

// Vectors: VECTOR(n) columns, vector_distance(), an HNSW index (one is kept per VECTOR column).
db.exec('CREATE TABLE docs (id INTEGER PRIMARY KEY, title TEXT, embedding VECTOR(3))');
const addDoc = db.prepare('INSERT INTO docs (title, embedding) VALUES (?, ?)');
addDoc.run('cats', new Float32Array([0.9, 0.1, 0.0]));
addDoc.run('dogs', '[0.8, 0.3, 0.1]'); // the text form works too
addDoc.run('stars', new Float32Array([0.0, 0.2, 0.9]));
const nearest = db.prepare(`
  SELECT title, round(vector_distance(embedding, ?, 'cosine'), 4) AS distance
  FROM docs ORDER BY vector_distance(embedding, ?, 'cosine') LIMIT 2`);
const q = new Float32Array([1, 0, 0]);
console.log('nearest:', nearest.all(q, q));

// Time travel: keep history (retention in seconds), then read a table as it was.
db.pragma('helios_retention = 86400');
db.prepare("UPDATE users SET name = 'Ada Lovelace' WHERE email = 'ada@example.com'").run();
const before = db.prepare('SELECT helios_txn() AS txn').get().txn;
db.prepare("UPDATE users SET name = 'Countess' WHERE email = 'ada@example.com'").run();
const asOf = db.prepare(`SELECT name FROM users AS OF TRANSACTION ${before} WHERE email = 'ada@example.com'`);
console.log('now:', db.prepare("SELECT name FROM users WHERE email = 'ada@example.com'").get().name, '| as of txn', before + ':', asOf.get().name);
// Branches are not built yet (see the README's status table).

db.close();
// The file is a SQLite database: stock SQLite tools can read it.
console.log('database file:', file, fs.statSync(file).size, 'bytes');
