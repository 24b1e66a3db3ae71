import { afterAll, describe, expect, it } from 'vitest';
import type {
  CreateIndexStmt,
  CreateTableStmt,
  Expr,
  InsertStmt,
  JoinRef,
  SelectCore,
  SelectStmt,
  Statement,
  AlterTableStmt,
  TableRef,
} from '../../engine/sql/ast.js';
import { storageClass, Real } from '../../engine/common/value.js';
import { parseExpression, parseStatement, tokenize, TK } from '../../engine/sql/parser/index.js';
import { oracleDb } from './oracle.js';

const db = oracleDb();
afterAll(() => db.close());

function stmt(sql: string): Statement {
  const s = parseStatement(sql, 0).stmt;
  if (s === null) throw new Error('no statement');
  return s;
}
function select(sql: string): SelectStmt {
  return stmt(sql) as SelectStmt;
}
function core(sql: string): SelectCore {
  return select(sql).body as SelectCore;
}
function firstExpr(sql: string): Expr {
  const c = core(sql).columns[0];
  if (c.kind !== 'Expr') throw new Error('not an expression column');
  return c.expr;
}

/** Fully parenthesised rendering of an expression, for precedence checks. */
function show(e: Expr): string {
  switch (e.kind) {
    case 'Literal':
      return e.value === null ? 'NULL' : String(e.value instanceof Real ? e.value.value : e.value);
    case 'Column':
      return (e.table ? e.table + '.' : '') + e.name;
    case 'Param':
      return `?${e.slot}`;
    case 'Unary':
      return `(${e.op} ${show(e.operand)})`;
    case 'Binary':
      return `(${show(e.left)} ${e.op} ${show(e.right)})`;
    case 'Like':
      return `(${show(e.left)} ${e.not ? 'NOT ' : ''}${e.op} ${show(e.right)}${e.escape ? ' ESCAPE ' + show(e.escape) : ''})`;
    case 'Between':
      return `(${show(e.expr)} ${e.not ? 'NOT ' : ''}BETWEEN ${show(e.low)} AND ${show(e.high)})`;
    case 'IsNull':
      return `(${show(e.expr)} ${e.not ? 'NOTNULL' : 'ISNULL'})`;
    case 'Collate':
      return `(${show(e.expr)} COLLATE ${e.collation})`;
    case 'InList':
      return `(${show(e.expr)} ${e.not ? 'NOT ' : ''}IN [${e.list.map(show).join(', ')}])`;
    case 'Function':
      return `${e.name}(${e.star ? '*' : e.args.map(show).join(', ')})`;
    case 'RowValue':
      return `<${e.items.map(show).join(', ')}>`;
    case 'Exists':
      return `${e.not ? 'NOT ' : ''}EXISTS(...)`;
    default:
      return e.kind;
  }
}

describe('expression precedence', () => {
  const cases: [string, string][] = [
    ['1 + 2 * 3', '(1 + (2 * 3))'],
    ['1 - 2 - 3', '((1 - 2) - 3)'],
    ['a OR b AND c', '(a OR (b AND c))'],
    ['NOT a = b', '(NOT (a = b))'],
    ['NOT a AND b', '((NOT a) AND b)'],
    ['a = b < c', '(a = (b < c))'],
    ['a < b = c', '((a < b) = c)'],
    ['a & b + c', '(a & (b + c))'],
    ['a || b * c', '((a || b) * c)'],
    ['-a * b', '((- a) * b)'],
    ['-a COLLATE x', '((- a) COLLATE x)'],
    ['a || b COLLATE x', '(a || (b COLLATE x))'],
    ['a = b IS NULL', '((a = b) ISNULL)'],
    ['a IS NOT NULL', '(a NOTNULL)'],
    ['a NOT NULL', '(a NOTNULL)'],
    ['a IS b', '(a IS b)'],
    ['a IS NOT DISTINCT FROM b', '(a IS b)'],
    ['a IS DISTINCT FROM b', '(a IS NOT b)'],
    ['a == b', '(a = b)'],
    ['a <> b', '(a != b)'],
    ['a BETWEEN 1 AND 2 AND c', '((a BETWEEN 1 AND 2) AND c)'],
    ['a NOT BETWEEN b + 1 AND c * 2', '(a NOT BETWEEN (b + 1) AND (c * 2))'],
    ["a NOT LIKE 'x' ESCAPE '!'", '(a NOT LIKE x ESCAPE !)'],
    ['a GLOB b AND c', '((a GLOB b) AND c)'],
    ['a = b NOT IN (1, 2)', '((a = b) NOT IN [1, 2])'],
    ['a AND b NOT IN (1)', '(a AND (b NOT IN [1]))'],
    ["a -> 'x' ->> 'y'", '((a -> x) ->> y)'],
    ['~a + 1', '((~ a) + 1)'],
    ['a << 1 >> 2', '((a << 1) >> 2)'],
    ['(1, 2) = (a, b)', '(<1, 2> = <a, b>)'],
    ['NOT EXISTS (SELECT 1)', 'NOT EXISTS(...)'],
    ['a + NOT b = c', '(a + (NOT (b = c)))'],
    ['- - 1', '(- (- 1))'],
  ];
  for (const [src, expected] of cases) {
    it(src, () => expect(show(parseExpression(src))).toBe(expected));
  }
  it('spans cover the source', () => {
    const sql = 'SELECT  a + b * 2 , f(x) FROM t';
    const c = core(sql).columns;
    const spans = c.map((x) => (x.kind === 'Expr' ? sql.slice(x.expr.start, x.expr.end) : ''));
    expect(spans).toEqual(['a + b * 2', 'f(x)']);
  });
});

describe('literals match SQLite values', () => {
  const lits = [
    '0', '1', '-1', '9007199254740991', '9007199254740992', '9223372036854775807', '-9223372036854775808',
    '9223372036854775808', '18446744073709551616', '0x7FFFFFFFFFFFFFFF', '0xFFFFFFFFFFFFFFFF', '0x8000000000000000',
    '0x1_0', '1.0', '1.5', '.5', '5.', '1e3', '1E-3', '1e308', '1e309', '1_000', '1_0.2_5', '0.1', "'a''b'", "x'00ff'",
    'NULL', 'TRUE', 'FALSE', '123456789012345678',
  ];
  const sqlite = db.prepare(`SELECT ${lits.map((l) => `${l}, typeof(${l})`).join(', ')}`).raw().safeIntegers(true).get() as unknown[];
  lits.forEach((l, i) => {
    it(l, () => {
      let e = parseExpression(l);
      const expectedValue = sqlite[2 * i];
      const expectedType = sqlite[2 * i + 1];
      if (e.kind === 'Unary' && e.op === '-' && e.operand.kind === 'Literal') {
        const v = e.operand.value;
        e = { ...e.operand, value: typeof v === 'number' ? -v : typeof v === 'bigint' ? -v : v instanceof Real ? new Real(-v.value) : v };
      }
      expect(e.kind).toBe('Literal');
      if (e.kind !== 'Literal') return;
      expect(storageClass(e.value)).toBe(expectedType);
      const v = e.value;
      if (typeof expectedValue === 'bigint') expect(BigInt(v as number | bigint)).toBe(expectedValue);
      else if (typeof expectedValue === 'number') expect(v instanceof Real ? v.value : v).toBe(expectedValue);
      else if (expectedValue instanceof Uint8Array) expect(Array.from(v as Uint8Array)).toEqual(Array.from(expectedValue));
      else expect(v).toEqual(expectedValue);
    });
  });
});

describe('parameters', () => {
  it('numbers slots like SQLite', () => {
    const sql = 'SELECT ?, ?5, ?, :a, @b, $c, :a, ?2, ?';
    const r = parseStatement(sql, 0);
    const slots = core(sql).columns.map((c) => (c.kind === 'Expr' && c.expr.kind === 'Param' ? c.expr.slot : -1));
    expect(slots).toEqual([1, 5, 6, 7, 8, 9, 7, 2, 10]);
    expect(r.paramCount).toBe(10);
    // better-sqlite3 binds named parameters by these slots: :a is shared by both uses
    expect(db.prepare('SELECT :a, ?, :a').raw().get({ a: 7 } as never, 8 as never)).toEqual([7, 8, 7]);
    expect(r.paramNames.slice(1)).toEqual([null, '?2', null, null, '?5', null, ':a', '@b', '$c', null]);
  });
  it('names include the prefix, plain ? has none', () => {
    const e = firstExpr('SELECT :x');
    expect(e).toMatchObject({ kind: 'Param', slot: 1, name: ':x' });
    expect(firstExpr('SELECT ?')).toMatchObject({ kind: 'Param', slot: 1, name: null });
  });
  it('counts each statement separately', () => {
    const sql = 'SELECT ?; SELECT ?, ?';
    const a = parseStatement(sql, 0);
    expect(parseStatement(sql, a.end).paramCount).toBe(2);
  });
});

describe('select structure', () => {
  it('joins are left-deep with types', () => {
    const f = core('SELECT * FROM t NATURAL LEFT JOIN u, users CROSS JOIN posts p ON 1 RIGHT OUTER JOIN pet USING (id)').from as JoinRef;
    expect(f.joinType).toBe('RIGHT');
    expect(f.using).toEqual(['id']);
    const l1 = f.left as JoinRef;
    expect(l1).toMatchObject({ joinType: 'CROSS', right: { kind: 'TableRef', name: 'posts', alias: 'p' } });
    const l2 = l1.left as JoinRef;
    expect(l2).toMatchObject({ joinType: 'COMMA', right: { name: 'users' } });
    expect(l2.left).toMatchObject({ kind: 'Join', joinType: 'LEFT', natural: true });
    expect(core('SELECT * FROM t FULL OUTER JOIN u').from).toMatchObject({ joinType: 'FULL', natural: false });
  });
  it('compound selects are left-associative; ORDER BY/LIMIT belong to the whole', () => {
    const s = select('SELECT 1 UNION SELECT 2 EXCEPT VALUES (3) UNION ALL SELECT 4 ORDER BY 1 LIMIT 2 OFFSET 1');
    expect(s.body).toMatchObject({
      kind: 'Compound',
      op: 'UNION ALL',
      right: { kind: 'SelectCore' },
      left: { kind: 'Compound', op: 'EXCEPT', right: { kind: 'Values' }, left: { kind: 'Compound', op: 'UNION' } },
    });
    expect(s.orderBy).toHaveLength(1);
    expect(s.limit).toMatchObject({ value: 2 });
    expect(s.offset).toMatchObject({ value: 1 });
    const c = select('SELECT 1 LIMIT 5, 10');
    expect(c.limit).toMatchObject({ value: 10 });
    expect(c.offset).toMatchObject({ value: 5 });
  });
  it('WITH, subqueries, table functions, table stars', () => {
    const s = select('WITH RECURSIVE r(n) AS NOT MATERIALIZED (SELECT 1) SELECT t.*, * FROM r, json_each(?) j, (SELECT 1) AS s');
    expect(s.with).toMatchObject({ recursive: true, ctes: [{ name: 'r', columns: ['n'], materialized: false }] });
    const c = s.body as SelectCore;
    expect(c.columns).toEqual([{ kind: 'TableStar', table: 't' }, { kind: 'Star' }]);
    const f = c.from as JoinRef;
    expect(f.right).toMatchObject({ kind: 'SubqueryRef', alias: 's' });
    expect((f.left as JoinRef).right).toMatchObject({ kind: 'TableFunctionRef', name: 'json_each', alias: 'j' });
  });
  it('INDEXED BY / NOT INDEXED', () => {
    expect(core('SELECT * FROM t INDEXED BY ti').from).toMatchObject({ indexedBy: 'ti' });
    expect(core('SELECT * FROM t NOT INDEXED').from).toMatchObject({ indexedBy: false });
  });
  it('window functions and frames', () => {
    const e = firstExpr(
      'SELECT sum(a) FILTER (WHERE b) OVER (w PARTITION BY c ORDER BY d DESC NULLS FIRST RANGE BETWEEN 2 PRECEDING AND UNBOUNDED FOLLOWING EXCLUDE TIES) FROM t WINDOW w AS ()',
    );
    expect(e).toMatchObject({
      kind: 'Function',
      name: 'sum',
      filter: { kind: 'Column', name: 'b' },
      over: {
        base: 'w',
        partitionBy: [{ name: 'c' }],
        orderBy: [{ direction: 'DESC', nulls: 'FIRST' }],
        frame: { units: 'RANGE', start: { kind: 'Preceding', offset: { value: 2 } }, end: { kind: 'UnboundedFollowing' }, exclude: 'TIES' },
      },
    });
    expect(firstExpr('SELECT rank() OVER win FROM t WINDOW win AS (ORDER BY a)')).toMatchObject({ over: 'win' });
    expect(firstExpr('SELECT count(*) OVER (ROWS CURRENT ROW) FROM t')).toMatchObject({
      star: true,
      over: { frame: { units: 'ROWS', start: { kind: 'CurrentRow' }, end: { kind: 'CurrentRow' }, exclude: 'NO OTHERS' } },
    });
    expect(core('SELECT 1 FROM t WINDOW a AS (PARTITION BY b), c AS (a ROWS 1 PRECEDING)').windows).toMatchObject([
      { name: 'a' },
      { name: 'c', spec: { base: 'a' } },
    ]);
  });
  it('aggregate ORDER BY, DISTINCT, special functions', () => {
    expect(firstExpr('SELECT group_concat(DISTINCT a ORDER BY b) FROM t')).toMatchObject({ distinct: true, orderBy: [{ expr: { name: 'b' } }] });
    expect(firstExpr('SELECT CURRENT_TIMESTAMP')).toMatchObject({ kind: 'Function', name: 'CURRENT_TIMESTAMP', special: true, args: [] });
  });
  it('IN forms', () => {
    expect(firstExpr('SELECT a IN () FROM t')).toMatchObject({ kind: 'InList', list: [] });
    expect(firstExpr('SELECT a IN ((SELECT 1)) FROM t')).toMatchObject({ kind: 'InSelect' });
    expect(firstExpr('SELECT a NOT IN main.u FROM t')).toMatchObject({ kind: 'InTable', not: true, schema: 'main', table: 'u', args: null });
    expect(firstExpr('SELECT a IN f(1, 2) FROM t')).toMatchObject({ kind: 'InTable', table: 'f', args: [{}, {}] });
  });
  it('quoted identifiers and keyword names', () => {
    expect(firstExpr('SELECT "a""b" FROM t')).toMatchObject({ kind: 'Column', name: 'a"b', quoted: true });
    expect(firstExpr('SELECT [a b] FROM t')).toMatchObject({ name: 'a b', quoted: false });
    expect(firstExpr('SELECT main.t.`c` FROM t')).toMatchObject({ schema: 'main', table: 't', name: 'c', quoted: false });
    expect(firstExpr('SELECT key FROM t')).toMatchObject({ kind: 'Column', name: 'key' });
    expect(firstExpr('SELECT replace(a, 1, 2) FROM t')).toMatchObject({ kind: 'Function', name: 'replace' });
    expect(core('SELECT 1 AS "x" , 2 y, 3 \'z\'').columns.map((c) => (c.kind === 'Expr' ? c.alias : null))).toEqual(['x', 'y', 'z']);
  });
});

describe('heliosdb time travel (AS OF)', () => {
  const ref = (sql: string): TableRef => core(sql).from as TableRef;
  it('AS OF TIMESTAMP / TRANSACTION / FOR SYSTEM_TIME AS OF', () => {
    expect(ref("SELECT * FROM t AS OF TIMESTAMP '2024-01-01'")).toMatchObject({ name: 't', alias: null, asOf: { kind: 'Timestamp', expr: { value: '2024-01-01' } } });
    expect(ref('SELECT * FROM t AS OF TRANSACTION 42')).toMatchObject({ asOf: { kind: 'Transaction', expr: { value: 42 } } });
    expect(ref('SELECT * FROM t FOR SYSTEM_TIME AS OF ?')).toMatchObject({ asOf: { kind: 'Timestamp', expr: { kind: 'Param' } } });
  });
  it('before or after an alias', () => {
    expect(ref('SELECT * FROM t AS x AS OF TRANSACTION 1')).toMatchObject({ alias: 'x', asOf: { kind: 'Transaction' } });
    expect(ref('SELECT * FROM t x AS OF TIMESTAMP 1')).toMatchObject({ alias: 'x', asOf: { kind: 'Timestamp' } });
    expect(ref('SELECT * FROM t AS OF TIMESTAMP 1 AS x')).toMatchObject({ alias: 'x', asOf: { kind: 'Timestamp' } });
  });
  it('does not change plain SQLite meanings', () => {
    expect(ref('SELECT * FROM t AS of')).toMatchObject({ alias: 'of', asOf: null });
    expect(ref('SELECT * FROM t for')).toMatchObject({ alias: 'for', asOf: null });
  });
  it('works on joined tables', () => {
    const j = core("SELECT * FROM t AS OF TIMESTAMP '2024' JOIN u AS OF TRANSACTION 3 ON t.a = u.a").from as JoinRef;
    expect(j.left).toMatchObject({ asOf: { kind: 'Timestamp' } });
    expect(j.right).toMatchObject({ asOf: { kind: 'Transaction' } });
    expect(j.on).not.toBeNull();
  });
});

describe('DML', () => {
  it('upsert clauses and RETURNING', () => {
    const s = stmt(
      'INSERT INTO t AS x (a, b) VALUES (1, 2) ON CONFLICT ("t"."a") WHERE b > 0 DO UPDATE SET (a, b) = (excluded.a, 2), c = 3 WHERE x.c IS NULL ON CONFLICT DO NOTHING RETURNING a, *',
    ) as InsertStmt;
    expect(s).toMatchObject({ kind: 'Insert', table: 't', alias: 'x', columns: ['a', 'b'], orAction: null });
    expect(s.upsert).toHaveLength(2);
    expect(s.upsert[0]).toMatchObject({
      target: [{ expr: { kind: 'Column', table: null, name: 'a' } }],
      targetWhere: { kind: 'Binary' },
      update: { sets: [{ columns: ['a', 'b'] }, { columns: ['c'] }], where: { kind: 'IsNull' } },
    });
    expect(s.upsert[1]).toEqual({ target: null, targetWhere: null, update: null });
    expect(s.returning).toHaveLength(2);
    expect(stmt('REPLACE INTO t DEFAULT VALUES')).toMatchObject({ orAction: 'REPLACE', source: null });
    expect(stmt('INSERT OR IGNORE INTO t SELECT * FROM u')).toMatchObject({ orAction: 'IGNORE', source: { kind: 'Select' } });
  });
  it('UPDATE / DELETE with FROM, ORDER BY, LIMIT', () => {
    expect(stmt('WITH w AS (SELECT 1) UPDATE OR FAIL t AS x INDEXED BY ti SET a = 1 FROM u WHERE u.a = x.a RETURNING * ORDER BY a LIMIT 1 OFFSET 2')).toMatchObject({
      kind: 'Update',
      with: { ctes: [{ name: 'w' }] },
      orAction: 'FAIL',
      table: { name: 't', alias: 'x', indexedBy: 'ti' },
      from: { kind: 'TableRef', name: 'u' },
      returning: [{ kind: 'Star' }],
      limit: { value: 1 },
      offset: { value: 2 },
    });
    expect(stmt('DELETE FROM main.t WHERE a ORDER BY b LIMIT 3')).toMatchObject({ kind: 'Delete', table: { schema: 'main', name: 't' }, limit: { value: 3 } });
  });
});

describe('DDL', () => {
  it('CREATE TABLE column and table constraints', () => {
    const sql = `CREATE TEMP TABLE IF NOT EXISTS x (
      id INTEGER PRIMARY KEY DESC ON CONFLICT REPLACE AUTOINCREMENT,
      a varchar(255) NOT NULL DEFAULT 'x' CONSTRAINT ck CHECK ( a <> '' ) COLLATE NOCASE,
      b REFERENCES users (id) ON DELETE CASCADE ON UPDATE SET NULL MATCH SIMPLE DEFERRABLE INITIALLY DEFERRED,
      g INT GENERATED ALWAYS AS ( a || 'y' ) STORED,
      CONSTRAINT pk UNIQUE (a COLLATE NOCASE DESC, b) CHECK (b > 0),
      FOREIGN KEY (b, a) REFERENCES users NOT DEFERRABLE
    ) WITHOUT ROWID, STRICT`;
    const s = stmt(sql) as CreateTableStmt;
    expect(s).toMatchObject({ temp: true, ifNotExists: true, name: 'x', withoutRowid: true, strict: true, asSelect: null });
    expect(sql[s.bodyStart]).toBe('(');
    expect(s.columns.map((c) => [c.name, c.type])).toEqual([
      ['id', 'INTEGER'],
      ['a', 'varchar(255)'],
      ['b', null],
      ['g', 'INT'],
    ]);
    expect(s.columns[0].constraints).toEqual([{ kind: 'PrimaryKey', name: null, direction: 'DESC', conflict: 'REPLACE', autoincrement: true }]);
    expect(s.columns[1].constraints).toMatchObject([
      { kind: 'NotNull', conflict: null },
      { kind: 'Default', text: "'x'", expr: { value: 'x' } },
      { kind: 'Check', name: 'ck', text: "a <> ''" },
      { kind: 'Collate', name: 'ck', collation: 'NOCASE' },
    ]);
    expect(s.columns[2].constraints).toMatchObject([
      { kind: 'References', fk: { table: 'users', columns: ['id'], onDelete: 'CASCADE', onUpdate: 'SET NULL', match: 'SIMPLE', deferrable: { not: false, initially: 'DEFERRED' } } },
    ]);
    expect(s.columns[3].constraints).toMatchObject([{ kind: 'Generated', text: "a || 'y'", stored: true }]);
    expect(s.constraints).toMatchObject([
      { kind: 'Unique', name: 'pk', columns: [{ collation: 'NOCASE', direction: 'DESC', expr: { name: 'a' } }, { collation: null }] },
      { kind: 'Check', name: 'pk', text: 'b > 0' },
      { kind: 'ForeignKey', name: null, columns: ['b', 'a'], fk: { table: 'users', columns: null, deferrable: { not: true, initially: null } } },
    ]);
  });
  it('types and defaults match PRAGMA table_xinfo', () => {
    const sql = `CREATE TABLE ty (a varchar  (  255 ), b double   precision, c "my type", d 'x' y, e int generated always as (1),
      f /*c*/ int  /*d*/ unsigned big, g default ( 1 + 2 ) , h default - 1, i default abc, j default "q", k numeric(6,2),
      l default CURRENT_TIMESTAMP, m generated always as (a) stored, n varchar(-1, +2), o DEFAULT (datetime('now')),
      p DEFAULT x'AB', q DEFAULT +1.5, r DEFAULT TRUE, s DEFAULT false, t integer key, u text DEFAULT '')`;
    const s = stmt(sql) as CreateTableStmt;
    const d = oracleDb();
    d.exec(sql);
    const info = d.prepare('PRAGMA table_xinfo(ty)').all() as { name: string; type: string; dflt_value: string | null }[];
    d.close();
    expect(s.columns.map((c) => c.name)).toEqual(info.map((r) => r.name));
    s.columns.forEach((c, i) => {
      const t = c.type ?? '';
      expect([t, t.toUpperCase()]).toContain(info[i].type);
      const dflt = c.constraints.find((k) => k.kind === 'Default');
      expect(dflt && dflt.kind === 'Default' ? dflt.text : null).toBe(info[i].dflt_value);
    });
  });
  it('CREATE INDEX, including USING hnsw', () => {
    expect(stmt('CREATE UNIQUE INDEX IF NOT EXISTS s.i ON t (a COLLATE NOCASE, b DESC, lower(c)) WHERE a > 0')).toMatchObject({
      kind: 'CreateIndex',
      unique: true,
      ifNotExists: true,
      schema: 's',
      name: 'i',
      table: 't',
      columns: [{ collation: 'NOCASE', direction: null }, { direction: 'DESC' }, { expr: { kind: 'Function' } }],
      where: { kind: 'Binary' },
      using: null,
    });
    const h = stmt("CREATE INDEX vi ON docs USING hnsw (embedding) WITH (metric = 'l2', m = 16, ef_construction = 200, scale = -0.5, mode = fast)") as CreateIndexStmt;
    expect(h.using).toEqual({
      method: 'hnsw',
      params: [
        { name: 'metric', value: 'l2' },
        { name: 'm', value: 16 },
        { name: 'ef_construction', value: 200 },
        { name: 'scale', value: -0.5 },
        { name: 'mode', value: 'fast' },
      ],
    });
    expect(stmt('CREATE INDEX vi ON docs USING hnsw (e)')).toMatchObject({ using: { method: 'hnsw', params: [] } });
  });
  it('CREATE VIEW / TRIGGER / VIRTUAL TABLE', () => {
    expect(stmt('CREATE VIEW v (x) AS SELECT 1')).toMatchObject({ kind: 'CreateView', columns: ['x'] });
    expect(stmt('CREATE TRIGGER tg INSTEAD OF UPDATE OF a, b ON v FOR EACH ROW WHEN 1 BEGIN SELECT 1; DELETE FROM t; END')).toMatchObject({
      kind: 'CreateTrigger',
      timing: 'INSTEAD OF',
      event: 'UPDATE',
      updateOf: ['a', 'b'],
      table: 'v',
      forEachRow: true,
      body: [{ kind: 'Select' }, { kind: 'Delete' }],
    });
    expect(stmt("CREATE VIRTUAL TABLE f USING fts5(a, b UNINDEXED, tokenize = 'porter (x, y)', )")).toMatchObject({
      module: 'fts5',
      args: ['a', 'b UNINDEXED', "tokenize = 'porter (x, y)'"],
    });
  });
  it('ALTER TABLE', () => {
    const s = stmt('ALTER TABLE main.t ADD COLUMN e INT DEFAULT 0 NOT NULL  ;  ') as AlterTableStmt;
    expect(s.action).toMatchObject({ kind: 'AddColumn', text: 'e INT DEFAULT 0 NOT NULL', column: { name: 'e', type: 'INT' } });
    expect(stmt('ALTER TABLE t RENAME a TO b')).toMatchObject({ action: { kind: 'RenameColumn', oldName: 'a', newName: 'b' } });
    expect(stmt('ALTER TABLE t RENAME TO "x y"')).toMatchObject({ action: { kind: 'RenameTable', newName: 'x y' } });
    expect(stmt('ALTER TABLE t DROP COLUMN c')).toMatchObject({ action: { kind: 'DropColumn', name: 'c' } });
  });
});

describe('utility statements', () => {
  it('transactions', () => {
    expect(stmt('BEGIN IMMEDIATE TRANSACTION')).toMatchObject({ kind: 'Begin', mode: 'IMMEDIATE' });
    expect(stmt('END')).toMatchObject({ kind: 'Commit' });
    expect(stmt('ROLLBACK TO sp')).toMatchObject({ kind: 'Rollback', savepoint: 'sp' });
    expect(stmt('ROLLBACK')).toMatchObject({ kind: 'Rollback', savepoint: null });
    expect(stmt('RELEASE SAVEPOINT "a"')).toMatchObject({ kind: 'Release', name: 'a' });
  });
  it('pragmas', () => {
    expect(stmt('PRAGMA main.cache_size = -2000')).toMatchObject({ schema: 'main', name: 'cache_size', value: { kind: 'Literal', value: -2000 } });
    expect(stmt('PRAGMA journal_mode=WAL')).toMatchObject({ value: { kind: 'Column', name: 'WAL' } });
    expect(stmt("PRAGMA table_info('t')")).toMatchObject({ value: { kind: 'Literal', value: 't' } });
    expect(stmt('PRAGMA foreign_keys = ON')).toMatchObject({ value: { kind: 'Column', name: 'ON' } });
    expect(stmt('PRAGMA foreign_keys')).toMatchObject({ value: null });
  });
  it('explain and others', () => {
    expect(stmt('EXPLAIN QUERY PLAN SELECT 1')).toMatchObject({ kind: 'Explain', queryPlan: true, stmt: { kind: 'Select' } });
    expect(stmt("VACUUM INTO 'x.db'")).toMatchObject({ kind: 'Vacuum', schema: null, into: { value: 'x.db' } });
    expect(stmt('ANALYZE main.t')).toMatchObject({ kind: 'Analyze', schema: 'main', target: 't' });
    expect(stmt("ATTACH 'f' AS aux KEY 'k'")).toMatchObject({ kind: 'Attach', name: { name: 'aux' }, key: { value: 'k' } });
    expect(stmt('DETACH DATABASE "aux"')).toMatchObject({ kind: 'Detach', name: 'aux' });
  });
});

describe('tokenize', () => {
  it('gives types and offsets, skipping whitespace and comments', () => {
    const sql = 'CREATE TABLE "a b" ( x /* c */ INT ) -- x';
    const toks = tokenize(sql);
    expect(toks.map((t) => sql.slice(t.start, t.end))).toEqual(['CREATE', 'TABLE', '"a b"', '(', 'x', 'INT', ')']);
    expect(toks[0].type).toBe(TK.CREATE);
    expect(toks[2].type).toBe(TK.ID);
  });
});
