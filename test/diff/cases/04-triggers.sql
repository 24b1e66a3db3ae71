CREATE TABLE acct (id INTEGER PRIMARY KEY, bal INT NOT NULL DEFAULT 0);
CREATE TABLE log (seq INTEGER PRIMARY KEY, what TEXT, old_bal INT, new_bal INT);
CREATE TRIGGER acct_ai AFTER INSERT ON acct BEGIN
  INSERT INTO log (what, new_bal) VALUES ('ins ' || NEW.id, NEW.bal);
END;
CREATE TRIGGER acct_bu BEFORE UPDATE OF bal ON acct FOR EACH ROW WHEN NEW.bal < 0 BEGIN
  SELECT RAISE(ABORT, 'negative balance');
END;
CREATE TRIGGER acct_au AFTER UPDATE ON acct WHEN OLD.bal <> NEW.bal BEGIN
  INSERT INTO log (what, old_bal, new_bal) VALUES ('upd ' || OLD.id, OLD.bal, NEW.bal);
END;
CREATE TRIGGER acct_bd BEFORE DELETE ON acct BEGIN
  INSERT INTO log (what, old_bal) VALUES ('del ' || OLD.id, OLD.bal);
END;
INSERT INTO acct (bal) VALUES (10), (20);
UPDATE acct SET bal = bal + 5 WHERE id = 1;
UPDATE acct SET bal = bal WHERE id = 2;
-- error
UPDATE acct SET bal = -1 WHERE id = 1;
DELETE FROM acct WHERE id = 2;
SELECT * FROM log ORDER BY seq;
SELECT * FROM acct ORDER BY id;
-- RAISE(IGNORE) and RAISE(FAIL)
CREATE TRIGGER acct_bi BEFORE INSERT ON acct WHEN NEW.bal > 1000 BEGIN
  SELECT RAISE(IGNORE);
END;
INSERT INTO acct (bal) VALUES (5000);
SELECT count(*) FROM acct;
CREATE TRIGGER acct_bi2 BEFORE INSERT ON acct WHEN NEW.bal = 999 BEGIN
  SELECT RAISE(FAIL, 'no 999');
END;
-- error
INSERT INTO acct (bal) VALUES (999);
-- INSTEAD OF on a view
CREATE VIEW v_acct AS SELECT id, bal, bal * 2 AS dbl FROM acct;
CREATE TRIGGER v_acct_ii INSTEAD OF INSERT ON v_acct BEGIN
  INSERT INTO acct (bal) VALUES (NEW.bal);
END;
CREATE TRIGGER v_acct_iu INSTEAD OF UPDATE ON v_acct BEGIN
  UPDATE acct SET bal = NEW.bal WHERE id = OLD.id;
END;
CREATE TRIGGER v_acct_id INSTEAD OF DELETE ON v_acct BEGIN
  DELETE FROM acct WHERE id = OLD.id;
END;
INSERT INTO v_acct (bal) VALUES (7);
UPDATE v_acct SET bal = 8 WHERE bal = 7;
SELECT * FROM v_acct ORDER BY id;
DELETE FROM v_acct WHERE bal = 8;
SELECT * FROM v_acct ORDER BY id;
-- Trigger with CASE and multiple statements, recursive_triggers off by default
CREATE TABLE cnt (k TEXT PRIMARY KEY, n INT);
CREATE TRIGGER log_ai AFTER INSERT ON log BEGIN
  INSERT INTO cnt VALUES (CASE WHEN NEW.what LIKE 'ins%' THEN 'ins' ELSE 'other' END, 1)
    ON CONFLICT (k) DO UPDATE SET n = n + 1;
  UPDATE cnt SET n = n WHERE k = 'none';
END;
INSERT INTO acct (bal) VALUES (1), (2);
UPDATE acct SET bal = 3 WHERE bal = 2;
SELECT * FROM cnt ORDER BY k;
-- error
CREATE TRIGGER acct_ai AFTER INSERT ON acct BEGIN SELECT 1; END;
-- error
CREATE TRIGGER bad INSTEAD OF INSERT ON acct BEGIN SELECT 1; END;
-- error
CREATE TRIGGER bad2 AFTER INSERT ON v_acct BEGIN SELECT 1; END;
-- error
SELECT RAISE(ABORT, 'outside');
SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name;
DROP TRIGGER acct_bi2;
-- error
DROP TRIGGER acct_bi2;
DROP TRIGGER IF EXISTS acct_bi2;
INSERT INTO acct (bal) VALUES (999);
-- Triggers are dropped with their table
DROP TABLE cnt;
DROP TABLE log;
SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name;
