-- sqlite_master keeps the CREATE text as written (normalised only in its first words), and ALTER rewrites it.
CREATE TABLE   "Users" (
  id    INTEGER PRIMARY KEY AUTOINCREMENT, -- comment kept
  email TEXT NOT NULL UNIQUE,
  "display name" TEXT DEFAULT 'anon',
  created_at TEXT DEFAULT CURRENT_TIMESTAMP
);
create table if not exists posts(id integer primary key, user_id integer references "Users"(id) on delete cascade, body text);
CREATE TEMP TABLE scratch (x);
create unique index if not exists posts_user on posts (user_id, id desc);
CREATE VIEW "recent posts" AS SELECT p.id, u.email FROM posts p JOIN "Users" u ON u.id = p.user_id;
CREATE TRIGGER posts_ai AFTER INSERT ON posts BEGIN SELECT 1; END;
create temporary view tv as select 1;
SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name;
SELECT type, name, tbl_name, sql FROM sqlite_temp_master ORDER BY name;
SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY name;
SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name;
ALTER TABLE "Users" RENAME TO accounts;
ALTER TABLE accounts RENAME COLUMN "display name" TO nick;
ALTER TABLE posts ADD COLUMN published INTEGER NOT NULL DEFAULT 0;
ALTER TABLE posts RENAME COLUMN body TO content;
SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name;
ALTER TABLE posts DROP COLUMN published;
SELECT sql FROM sqlite_master WHERE name = 'posts';
CREATE TABLE [br] ([a b] INT);
CREATE TABLE `bt` (`c` INT);
CREATE TABLE IF NOT EXISTS main.qualified (a);
CREATE INDEX main.q_a ON qualified (a);
SELECT name, sql FROM sqlite_master WHERE name IN ('br', 'bt', 'qualified', 'q_a') ORDER BY name;
SELECT count(*) FROM sqlite_master WHERE sql IS NULL;
SELECT name, sql IS NULL FROM sqlite_master WHERE type = 'index' ORDER BY name;
-- error
INSERT INTO sqlite_master VALUES ('table', 'x', 'x', 0, 'CREATE TABLE x (a)');
-- error
DROP TABLE sqlite_master;
