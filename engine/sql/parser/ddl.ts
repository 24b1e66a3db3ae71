/**
 * CREATE TABLE / INDEX / VIEW / TRIGGER / VIRTUAL TABLE, DROP, ALTER TABLE.
 *
 * Source-text fields follow what SQLite stores:
 * - ColumnDef.type: the raw type span (sqlite3AddColumn), with a trailing `GENERATED ALWAYS`
 *   removed (the type name grammar swallows those two fallback keywords), dequoted.
 * - Default.text: the default's span without the outer parentheses (sqlite3AddDefaultValue).
 * - Check.text / Generated.text: the text inside the parentheses, trimmed.
 * - AddColumn.text: from the column name to the end of the statement, trailing `;` and spaces
 *   removed (sqlite3AlterFinishAddColumn).
 * A constraint name (`CONSTRAINT x`) applies to the following constraints of the same column,
 * or, among table constraints, up to the next comma, as in SQLite.
 */
import type {
  AlterTableStmt,
  ColumnConstraint,
  ColumnDef,
  CreateIndexStmt,
  CreateTableStmt,
  CreateTriggerStmt,
  CreateViewStmt,
  CreateVirtualTableStmt,
  DropStmt,
  Expr,
  FkAction,
  ForeignKeyClause,
  IndexedColumn,
  OrderingTerm,
  SelectStmt,
  InsertStmt,
  UpdateStmt,
  DeleteStmt,
  TableConstraint,
  ConflictAction,
} from '../ast.js';
import type { SqlValue } from '../../common/value.js';
import { TK } from '../lexer.js';
import { parseInsert, parseUpdate, parseDelete, parseResolveType } from './dml.js';
import { parseExpr, parseNumberLiteral, parseSortList } from './expr.js';
import { blobValue, stringValue } from './literals.js';
import { dequote, spanText, type Parser } from './parser.js';
import { parseEidList, parseSelect, startsSelect } from './select.js';
import { parseTypeSpan, typeText } from './typename.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** After CREATE: dispatches on TEMP / UNIQUE / TABLE / INDEX / VIEW / TRIGGER / VIRTUAL. */
export function parseCreate(p: Parser, start: number) {
  p.expect(TK.CREATE);
  let temp = false;
  if (p.t === TK.TEMP) {
    p.advance();
    temp = true;
  }
  switch (p.t) {
    case TK.TABLE:
      return parseCreateTable(p, start, temp);
    case TK.VIEW:
      return parseCreateView(p, start, temp);
    case TK.TRIGGER:
      return parseCreateTrigger(p, start, temp);
    case TK.UNIQUE:
    case TK.INDEX:
      if (!temp) return parseCreateIndex(p, start);
      break;
    case TK.VIRTUAL:
      if (!temp) return parseCreateVirtualTable(p, start);
      break;
  }
  return p.syntaxError();
}

function parseIfNotExists(p: Parser): boolean {
  if (p.t !== TK.IF) return false;
  p.advance();
  p.expect(TK.NOT);
  p.expect(TK.EXISTS);
  return true;
}

function parseIfExists(p: Parser): boolean {
  if (p.t !== TK.IF) return false;
  p.advance();
  p.expect(TK.EXISTS);
  return true;
}

function parseCreateTable(p: Parser, start: number, temp: boolean): CreateTableStmt {
  p.expect(TK.TABLE);
  const ifNotExists = parseIfNotExists(p);
  const [schema, name] = p.fullname();
  if (p.t === TK.AS) {
    p.advance();
    const asSelect = parseSelect(p);
    return {
      kind: 'CreateTable',
      temp,
      ifNotExists,
      schema,
      name,
      columns: [],
      constraints: [],
      withoutRowid: false,
      strict: false,
      asSelect,
      bodyStart: -1,
      start,
      end: p.prevEnd,
    };
  }
  const bodyStart = p.start;
  p.expect(TK.LP);
  const columns: ColumnDef[] = [];
  const constraints: TableConstraint[] = [];
  columns.push(parseColumnDef(p));
  while (p.accept(TK.COMMA)) {
    if (startsTableConstraint(p.t)) {
      // pParse->constraintName is reset by each new column and by the commas between table
      // constraints, not by the comma after the last column: its name reaches the first ones
      parseTableConstraints(p, constraints, lastColumnConstraintName);
      break;
    }
    columns.push(parseColumnDef(p));
  }
  p.expect(TK.RP);
  // table_option_set: [option] (COMMA option)*; an unknown option is reported when the option
  // is reduced, i.e. only when a valid token follows it
  let withoutRowid = false;
  let strict = false;
  const option = (): void => {
    let raw: string;
    let want: string;
    if (p.accept(TK.WITHOUT)) {
      raw = p.text;
      p.nm();
      want = 'rowid';
    } else {
      raw = p.text;
      p.nm();
      want = 'strict';
    }
    if (raw.toLowerCase() !== want) p.reduceError(`unknown table option: ${raw}`);
    if (want === 'rowid') withoutRowid = true;
    else strict = true;
  };
  if (p.t === TK.WITHOUT || p.isNm(p.t)) option();
  while (p.accept(TK.COMMA)) option();
  return {
    kind: 'CreateTable',
    temp,
    ifNotExists,
    schema,
    name,
    columns,
    constraints,
    withoutRowid,
    strict,
    asSelect: null,
    bodyStart,
    start,
    end: p.prevEnd,
  };
}

function startsTableConstraint(t: number): boolean {
  return t === TK.CONSTRAINT || t === TK.PRIMARY || t === TK.UNIQUE || t === TK.CHECK || t === TK.FOREIGN;
}

/** `columnname carglist` */
export function parseColumnDef(p: Parser): ColumnDef {
  const name = p.nm();
  const span = parseTypeSpan(p);
  let type: string | null = null;
  if (span !== null) {
    let raw = p.sql.slice(span.start, span.end);
    raw = stripGeneratedAlways(raw);
    type = raw.length === 0 ? null : typeText(raw);
  }
  const constraints: ColumnConstraint[] = [];
  let cname: string | null = null;
  for (;;) {
    switch (p.t) {
      case TK.CONSTRAINT:
        p.advance();
        cname = p.nm();
        continue;
      case TK.DEFAULT:
        constraints.push(parseDefault(p, cname));
        continue;
      case TK.NULL:
        p.advance();
        parseOnConf(p);
        constraints.push({ kind: 'Null', name: cname });
        continue;
      case TK.NOT:
        if (p.peek(1) === TK.NULL) {
          p.advance();
          p.advance();
          constraints.push({ kind: 'NotNull', name: cname, conflict: parseOnConf(p) });
          continue;
        }
        attachDeferrable(p, constraints);
        continue;
      case TK.DEFERRABLE:
        attachDeferrable(p, constraints);
        continue;
      case TK.PRIMARY: {
        p.advance();
        p.expect(TK.KEY);
        let direction: 'ASC' | 'DESC' | null = null;
        if (p.accept(TK.ASC)) direction = 'ASC';
        else if (p.accept(TK.DESC)) direction = 'DESC';
        const conflict = parseOnConf(p);
        const autoincrement = p.accept(TK.AUTOINCR);
        constraints.push({ kind: 'PrimaryKey', name: cname, direction, conflict, autoincrement });
        continue;
      }
      case TK.UNIQUE:
        p.advance();
        constraints.push({ kind: 'Unique', name: cname, conflict: parseOnConf(p) });
        continue;
      case TK.CHECK: {
        p.advance();
        const { expr, text } = parseParenExpr(p);
        constraints.push({ kind: 'Check', name: cname, expr, text });
        continue;
      }
      case TK.REFERENCES:
        p.advance();
        constraints.push({ kind: 'References', name: cname, fk: parseForeignKeyClause(p, false) });
        continue;
      case TK.COLLATE:
        p.advance();
        constraints.push({ kind: 'Collate', name: cname, collation: p.ids() });
        continue;
      case TK.GENERATED:
        p.advance();
        p.expect(TK.ALWAYS);
        p.expect(TK.AS);
        constraints.push(parseGenerated(p, cname, name));
        continue;
      case TK.AS:
        p.advance();
        constraints.push(parseGenerated(p, cname, name));
        continue;
    }
    break;
  }
  lastColumnConstraintName = cname;
  return { name, type, constraints };
}

/** The `CONSTRAINT name` in force at the end of the most recently parsed column definition. */
let lastColumnConstraintName: string | null = null;

/** sqlite3AddColumn: a type that swallowed `GENERATED ALWAYS` loses it again. */
function stripGeneratedAlways(raw: string): string {
  let n = raw.length;
  if (n >= 16 && raw.slice(n - 6).toLowerCase() === 'always') {
    n -= 6;
    while (n > 0 && isSpaceCode(raw.charCodeAt(n - 1))) n--;
    if (n >= 9 && raw.slice(n - 9, n).toLowerCase() === 'generated') {
      n -= 9;
      while (n > 0 && isSpaceCode(raw.charCodeAt(n - 1))) n--;
    }
  }
  return raw.slice(0, n);
}

function isSpaceCode(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

function parseOnConf(p: Parser): ConflictAction | null {
  if (p.t !== TK.ON) return null;
  p.advance();
  p.expect(TK.CONFLICT);
  return parseResolveType(p);
}

/** `LP expr RP` returning the expression and the trimmed inner text. */
function parseParenExpr(p: Parser): { expr: Expr; text: string } {
  const lp = p.end;
  p.expect(TK.LP);
  const expr = parseExpr(p);
  const rp = p.start;
  p.expect(TK.RP);
  return { expr, text: spanText(p.sql, lp, rp) };
}

function parseDefault(p: Parser, name: string | null): ColumnConstraint {
  p.advance();
  const start = p.start;
  const t = p.t;
  if (t === TK.LP) {
    const { expr, text } = parseParenExpr(p);
    return { kind: 'Default', name, expr, text };
  }
  if (t === TK.PLUS || t === TK.MINUS) {
    p.advance();
    const term = parseDefaultTerm(p);
    const expr: Expr = { kind: 'Unary', op: t === TK.PLUS ? '+' : '-', operand: term, start, end: term.end };
    return { kind: 'Default', name, expr, text: p.sql.slice(start, term.end) };
  }
  if (p.isId(t)) {
    const text = p.text;
    p.advance();
    const lw = text.toLowerCase();
    const value: SqlValue = lw === 'true' ? 1 : lw === 'false' ? 0 : dequote(text);
    return { kind: 'Default', name, expr: { kind: 'Literal', value, start, end: p.prevEnd }, text };
  }
  const expr = parseDefaultTerm(p);
  return { kind: 'Default', name, expr, text: p.sql.slice(start, expr.end) };
}

/** parse.y `term`: a literal token or CURRENT_TIME/DATE/TIMESTAMP. */
function parseDefaultTerm(p: Parser): Expr {
  const start = p.start;
  switch (p.t) {
    case TK.INTEGER:
    case TK.FLOAT:
    case TK.QNUMBER:
      return parseNumberLiteral(p);
    case TK.STRING:
      p.advance();
      return { kind: 'Literal', value: stringValue(p.sql.slice(start, p.prevEnd)), start, end: p.prevEnd };
    case TK.BLOB:
      p.advance();
      return { kind: 'Literal', value: blobValue(p.sql.slice(start, p.prevEnd)), start, end: p.prevEnd };
    case TK.NULL:
      p.advance();
      return { kind: 'Literal', value: null, start, end: p.prevEnd };
    case TK.CTIME_KW: {
      const name = p.text;
      p.advance();
      return {
        kind: 'Function',
        name,
        args: [],
        distinct: false,
        star: false,
        filter: null,
        over: null,
        orderBy: null,
        special: true,
        start,
        end: p.prevEnd,
      };
    }
    default:
      return p.syntaxError();
  }
}

function parseGenerated(p: Parser, name: string | null, column: string): ColumnConstraint {
  const { expr, text } = parseParenExpr(p);
  let stored = false;
  if (p.t === TK.ID || p.t === TK.VIRTUAL || (p.isId(p.t) && p.t !== TK.INDEXED)) {
    const w = p.text.toLowerCase();
    p.advance();
    if (w === 'stored') stored = true;
    else if (w !== 'virtual') p.reduceError(`error in generated column "${column}"`);
  }
  return { kind: 'Generated', name, expr, text, stored };
}

/** A `[NOT] DEFERRABLE [INITIALLY ...]` column constraint modifies the preceding REFERENCES. */
function attachDeferrable(p: Parser, constraints: ColumnConstraint[]): void {
  const d = parseDeferSubclause(p);
  for (let i = constraints.length - 1; i >= 0; i--) {
    const c = constraints[i];
    if (c.kind === 'References') {
      constraints[i] = { ...c, fk: { ...c.fk, deferrable: d } };
      return;
    }
  }
}

function parseDeferSubclause(p: Parser): ForeignKeyClause['deferrable'] {
  let not = false;
  if (p.accept(TK.NOT)) not = true;
  p.expect(TK.DEFERRABLE);
  let initially: 'DEFERRED' | 'IMMEDIATE' | null = null;
  if (p.accept(TK.INITIALLY)) {
    if (p.accept(TK.DEFERRED)) initially = 'DEFERRED';
    else if (p.accept(TK.IMMEDIATE)) initially = 'IMMEDIATE';
    else p.syntaxError();
  }
  return { not, initially };
}

/** After REFERENCES: `nm [(cols)] refargs` (+ a defer clause for table constraints). */
function parseForeignKeyClause(p: Parser, withDefer: boolean): ForeignKeyClause {
  const table = p.nm();
  const columns = p.t === TK.LP ? parseEidList(p) : null;
  const fk: Mutable<ForeignKeyClause> = { table, columns, onDelete: null, onUpdate: null, match: null, deferrable: null };
  for (;;) {
    if (p.t === TK.MATCH) {
      p.advance();
      fk.match = p.nm();
    } else if (p.t === TK.ON) {
      p.advance();
      if (p.accept(TK.INSERT)) parseRefAct(p);
      else if (p.accept(TK.DELETE)) fk.onDelete = parseRefAct(p);
      else if (p.accept(TK.UPDATE)) fk.onUpdate = parseRefAct(p);
      else p.syntaxError();
    } else break;
  }
  if (withDefer && (p.t === TK.DEFERRABLE || p.t === TK.NOT)) {
    fk.deferrable = parseDeferSubclause(p);
  }
  return fk;
}

function parseRefAct(p: Parser): FkAction {
  switch (p.t) {
    case TK.SET:
      p.advance();
      if (p.accept(TK.NULL)) return 'SET NULL';
      p.expect(TK.DEFAULT);
      return 'SET DEFAULT';
    case TK.CASCADE:
      p.advance();
      return 'CASCADE';
    case TK.RESTRICT:
      p.advance();
      return 'RESTRICT';
    case TK.NO:
      p.advance();
      p.expect(TK.ACTION);
      return 'NO ACTION';
    default:
      return p.syntaxError();
  }
}

/** Index / PRIMARY KEY / UNIQUE column list entries from a sortlist. */
function toIndexedColumns(p: Parser, terms: OrderingTerm[]): IndexedColumn[] {
  return terms.map((t) => {
    if (t.nulls !== null) p.defer(`unsupported use of NULLS ${t.nulls}`);
    if (t.expr.kind === 'Collate') return { expr: t.expr.expr, collation: t.expr.collation, direction: t.direction };
    return { expr: t.expr, collation: null, direction: t.direction };
  });
}

/** `conslist`: table constraints separated by optional commas, up to the closing `)`. */
function parseTableConstraints(p: Parser, out: TableConstraint[], carried: string | null): void {
  let name: string | null = carried;
  for (;;) {
    switch (p.t) {
      case TK.CONSTRAINT:
        p.advance();
        name = p.nm();
        break;
      case TK.PRIMARY: {
        p.advance();
        p.expect(TK.KEY);
        p.expect(TK.LP);
        const columns = toIndexedColumns(p, parseSortList(p));
        const autoincrement = p.accept(TK.AUTOINCR);
        p.expect(TK.RP);
        out.push({ kind: 'PrimaryKey', name, columns, conflict: parseOnConf(p), autoincrement });
        break;
      }
      case TK.UNIQUE: {
        p.advance();
        p.expect(TK.LP);
        const columns = toIndexedColumns(p, parseSortList(p));
        p.expect(TK.RP);
        out.push({ kind: 'Unique', name, columns, conflict: parseOnConf(p) });
        break;
      }
      case TK.CHECK: {
        p.advance();
        const { expr, text } = parseParenExpr(p);
        parseOnConf(p);
        out.push({ kind: 'Check', name, expr, text });
        break;
      }
      case TK.FOREIGN: {
        p.advance();
        p.expect(TK.KEY);
        const columns = parseEidList(p);
        p.expect(TK.REFERENCES);
        out.push({ kind: 'ForeignKey', name, columns, fk: parseForeignKeyClause(p, true) });
        break;
      }
      default:
        p.syntaxError();
    }
    if (p.t === TK.COMMA) {
      p.advance();
      name = null;
      continue;
    }
    if (p.t === TK.RP) return;
  }
}

function parseCreateIndex(p: Parser, start: number): CreateIndexStmt {
  const unique = p.accept(TK.UNIQUE);
  p.expect(TK.INDEX);
  const ifNotExists = parseIfNotExists(p);
  const [schema, name] = p.fullname();
  p.expect(TK.ON);
  const table = p.nm();
  let using: CreateIndexStmt['using'] = null;
  let method: string | null = null;
  if (p.accept(TK.USING)) method = p.nm();
  p.expect(TK.LP);
  const columns = toIndexedColumns(p, parseSortList(p));
  p.expect(TK.RP);
  if (method !== null) {
    const params: { name: string; value: SqlValue }[] = [];
    if (p.accept(TK.WITH)) {
      p.expect(TK.LP);
      do {
        const pname = p.nm();
        p.expect(TK.EQ);
        params.push({ name: pname, value: parseParamValue(p) });
      } while (p.accept(TK.COMMA));
      p.expect(TK.RP);
    }
    using = { method, params };
  }
  const where = p.accept(TK.WHERE) ? parseExpr(p) : null;
  return { kind: 'CreateIndex', unique, ifNotExists, schema, name, table, columns, where, using, start, end: p.prevEnd };
}

/** A `WITH (name = value)` index parameter: a (signed) number, string, NULL or bare word. */
function parseParamValue(p: Parser): SqlValue {
  const t = p.t;
  if (t === TK.MINUS || t === TK.PLUS) {
    p.advance();
    if (p.t !== TK.INTEGER && p.t !== TK.FLOAT && p.t !== TK.QNUMBER) p.syntaxError();
    const v = parseNumberLiteral(p).value;
    if (t === TK.PLUS) return v;
    if (typeof v === 'number') return v === 0 ? 0 : -v;
    if (typeof v === 'bigint') return -v;
    return v;
  }
  if (t === TK.INTEGER || t === TK.FLOAT || t === TK.QNUMBER) return parseNumberLiteral(p).value;
  if (t === TK.STRING) {
    const s = stringValue(p.text);
    p.advance();
    return s;
  }
  if (t === TK.NULL) {
    p.advance();
    return null;
  }
  return p.nm();
}

function parseCreateView(p: Parser, start: number, temp: boolean): CreateViewStmt {
  p.expect(TK.VIEW);
  const ifNotExists = parseIfNotExists(p);
  const [schema, name] = p.fullname();
  const columns = p.t === TK.LP ? parseEidList(p) : null;
  p.expect(TK.AS);
  const select = parseSelect(p);
  return { kind: 'CreateView', temp, ifNotExists, schema, name, columns, select, start, end: p.prevEnd };
}

function parseCreateTrigger(p: Parser, start: number, temp: boolean): CreateTriggerStmt {
  p.expect(TK.TRIGGER);
  const ifNotExists = parseIfNotExists(p);
  const [schema, name] = p.fullname();
  let timing: CreateTriggerStmt['timing'] = 'BEFORE';
  if (p.accept(TK.BEFORE)) timing = 'BEFORE';
  else if (p.accept(TK.AFTER)) timing = 'AFTER';
  else if (p.t === TK.INSTEAD) {
    p.advance();
    p.expect(TK.OF);
    timing = 'INSTEAD OF';
  }
  let event: CreateTriggerStmt['event'];
  let updateOf: string[] | null = null;
  if (p.accept(TK.DELETE)) event = 'DELETE';
  else if (p.accept(TK.INSERT)) event = 'INSERT';
  else if (p.accept(TK.UPDATE)) {
    event = 'UPDATE';
    if (p.accept(TK.OF)) {
      updateOf = [p.nm()];
      while (p.accept(TK.COMMA)) updateOf.push(p.nm());
    }
  } else return p.syntaxError();
  p.expect(TK.ON);
  const table = p.fullname()[1];
  let forEachRow = false;
  if (p.accept(TK.FOR)) {
    p.expect(TK.EACH);
    p.expect(TK.ROW);
    forEachRow = true;
  }
  const when = p.accept(TK.WHEN) ? parseExpr(p) : null;
  p.expect(TK.BEGIN);
  const body: (InsertStmt | UpdateStmt | DeleteStmt | SelectStmt)[] = [];
  p.inTrigger = true;
  do {
    const s = p.start;
    switch (p.t) {
      case TK.UPDATE:
        body.push(parseUpdate(p, s, null, true));
        break;
      case TK.DELETE:
        body.push(parseDelete(p, s, null, true));
        break;
      case TK.INSERT:
      case TK.REPLACE: {
        const ins = parseInsert(p, s, null);
        if (ins.source === null) p.syntaxError();
        body.push(ins);
        break;
      }
      default:
        if (!startsSelect(p.t)) p.syntaxError();
        body.push(parseSelect(p));
    }
    p.expect(TK.SEMI);
  } while (p.t !== TK.END);
  p.inTrigger = false;
  p.advance();
  return {
    kind: 'CreateTrigger',
    temp,
    ifNotExists,
    schema,
    name,
    timing,
    event,
    updateOf,
    table,
    forEachRow,
    when,
    body,
    start,
    end: p.prevEnd,
  };
}

function parseCreateVirtualTable(p: Parser, start: number): CreateVirtualTableStmt {
  p.expect(TK.VIRTUAL);
  p.expect(TK.TABLE);
  const ifNotExists = parseIfNotExists(p);
  const [schema, name] = p.fullname();
  p.expect(TK.USING);
  const module = p.nm();
  const args: string[] = [];
  if (p.t === TK.LP) {
    p.advance();
    let argStart = -1;
    let argEnd = -1;
    let depth = 0;
    for (;;) {
      const t = p.t;
      if (t === TK.EOF) p.syntaxError();
      if (depth === 0 && (t === TK.COMMA || t === TK.RP)) {
        if (argStart >= 0) args.push(p.sql.slice(argStart, argEnd));
        argStart = -1;
        p.advance();
        if (t === TK.RP) break;
        continue;
      }
      if (t === TK.LP) depth++;
      else if (t === TK.RP) depth--;
      if (argStart < 0) argStart = p.start;
      argEnd = p.end;
      p.advance();
    }
  }
  return { kind: 'CreateVirtualTable', ifNotExists, schema, name, module, args, start, end: p.prevEnd };
}

export function parseDrop(p: Parser, start: number): DropStmt {
  p.expect(TK.DROP);
  let objectType: DropStmt['objectType'];
  switch (p.t) {
    case TK.TABLE:
      objectType = 'TABLE';
      break;
    case TK.INDEX:
      objectType = 'INDEX';
      break;
    case TK.VIEW:
      objectType = 'VIEW';
      break;
    case TK.TRIGGER:
      objectType = 'TRIGGER';
      break;
    default:
      return p.syntaxError();
  }
  p.advance();
  const ifExists = parseIfExists(p);
  const [schema, name] = p.fullname();
  return { kind: 'Drop', objectType, ifExists, schema, name, start, end: p.prevEnd };
}

export function parseAlterTable(p: Parser, start: number): AlterTableStmt {
  p.expect(TK.ALTER);
  p.expect(TK.TABLE);
  const [schema, table] = p.fullname();
  let action: AlterTableStmt['action'];
  if (p.accept(TK.RENAME)) {
    if (p.accept(TK.TO)) action = { kind: 'RenameTable', newName: p.nm() };
    else {
      p.accept(TK.COLUMNKW);
      const oldName = p.nm();
      p.expect(TK.TO);
      action = { kind: 'RenameColumn', oldName, newName: p.nm() };
    }
  } else if (p.accept(TK.ADD)) {
    p.accept(TK.COLUMNKW);
    const colStart = p.start;
    const column = parseColumnDef(p);
    // sqlite3AlterFinishAddColumn: up to the end of the statement, minus trailing ';' and spaces
    let end = p.t === TK.SEMI ? p.end : p.start;
    while (end > colStart && (p.sql.charCodeAt(end - 1) === 59 || isSpaceCode(p.sql.charCodeAt(end - 1)))) end--;
    action = { kind: 'AddColumn', column, text: p.sql.slice(colStart, end) };
  } else if (p.accept(TK.DROP)) {
    p.accept(TK.COLUMNKW);
    action = { kind: 'DropColumn', name: p.nm() };
  } else return p.syntaxError();
  return { kind: 'AlterTable', schema, table, action, start, end: p.prevEnd };
}
