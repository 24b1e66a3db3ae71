import { describe, expect, it } from 'vitest';
import { Database } from '../../engine/api/index.js';

describe('smoke', () => {
  it('creates, inserts, selects', () => {
    const db = new Database(':memory:');
    db.exec('CREATE TABLE t(id INTEGER PRIMARY KEY, a TEXT, b REAL)');
    const ins = db.prepare('INSERT INTO t(a, b) VALUES (?, ?)');
    for (let i = 0; i < 10; i++) ins.run(`x${i}`, i * 1.5);
    expect(db.prepare('SELECT count(*) AS n FROM t').get()).toEqual({ n: 10 });
    expect(db.prepare('SELECT * FROM t WHERE id = ?').get(3)).toEqual({ id: 3, a: 'x2', b: 3 });
    expect(db.prepare('SELECT a FROM t ORDER BY b DESC LIMIT 2').all()).toEqual([{ a: 'x9' }, { a: 'x8' }]);
  });
});
