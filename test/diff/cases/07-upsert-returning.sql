CREATE TABLE kv (k TEXT PRIMARY KEY, v INT, n INT DEFAULT 0, u TEXT UNIQUE);
INSERT INTO kv (k, v, u) VALUES ('a', 1, 'ua'), ('b', 2, 'ub');
INSERT INTO kv (k, v) VALUES ('a', 10) ON CONFLICT (k) DO UPDATE SET v = excluded.v, n = n + 1;
INSERT INTO kv (k, v) VALUES ('c', 3) ON CONFLICT (k) DO UPDATE SET v = excluded.v;
INSERT INTO kv (k, v) VALUES ('b', 20) ON CONFLICT DO NOTHING;
INSERT INTO kv (k, v) VALUES ('b', 20) ON CONFLICT (k) DO UPDATE SET v = excluded.v WHERE excluded.v > 100;
SELECT * FROM kv ORDER BY k;
-- several ON CONFLICT clauses
INSERT INTO kv (k, v, u) VALUES ('z', 5, 'ua') ON CONFLICT (k) DO UPDATE SET v = -1 ON CONFLICT (u) DO UPDATE SET v = excluded.v + 100;
INSERT INTO kv (k, v, u) VALUES ('b', 6, 'new') ON CONFLICT (k) DO UPDATE SET v = 66 ON CONFLICT (u) DO NOTHING;
INSERT INTO kv (k, v, u) VALUES ('q', 7, 'ub') ON CONFLICT (k) DO NOTHING ON CONFLICT DO UPDATE SET n = 99;
SELECT * FROM kv ORDER BY k;
-- error
INSERT INTO kv (k, v) VALUES ('a', 1) ON CONFLICT (v) DO NOTHING;
-- error
INSERT INTO kv (k, v, u) VALUES ('x', 1, 'ub') ON CONFLICT (k) DO UPDATE SET v = 1;
-- error
INSERT INTO kv (k, v) VALUES ('a', 1) ON CONFLICT (k) DO UPDATE SET nope = 1;
-- upsert from SELECT needs a WHERE to disambiguate
INSERT INTO kv (k, v) SELECT 'a', 1000 WHERE true ON CONFLICT (k) DO UPDATE SET v = kv.v + excluded.v;
SELECT k, v FROM kv WHERE k = 'a';
-- RETURNING
INSERT INTO kv (k, v) VALUES ('r1', 1), ('r2', 2) RETURNING k, v * 10 AS ten, rowid;
INSERT INTO kv (k, v) VALUES ('r1', 5) ON CONFLICT (k) DO UPDATE SET v = excluded.v + 1 RETURNING *;
UPDATE kv SET n = n + 1 WHERE k LIKE 'r%' RETURNING k, n;
DELETE FROM kv WHERE k = 'r2' RETURNING k, v, 'gone' AS status;
INSERT INTO kv (k) VALUES ('d') RETURNING typeof(v), n, u IS NULL;
INSERT OR IGNORE INTO kv (k) VALUES ('d') RETURNING k;
-- error
INSERT INTO kv (k) VALUES ('e') RETURNING nope;
SELECT * FROM kv ORDER BY k;
CREATE TABLE ai (id INTEGER PRIMARY KEY AUTOINCREMENT, x);
INSERT INTO ai (x) VALUES ('a'), ('b') RETURNING id, x;
INSERT INTO ai (x) SELECT x || x FROM ai ORDER BY id RETURNING id, x;
