/**
 * json_each / json_tree / jsonb_each / jsonb_tree table-valued functions (the json_each virtual
 * table of json.c). Rows are [key, value, type, atom, id, parent, fullkey, path, json, root];
 * `id` is the element's byte offset in the JSONB, `parent` the id of its container (json_tree).
 */
import { sqliteError } from '../../../common/errors.js';
import type { SqlValue } from '../../../common/value.js';
import { badPath, malformed, parseArg, valueText } from './args.js';
import {
  JSONB_ARRAY, JSONB_OBJECT, JsonParse, gSz, isAlnum, isAlpha, jsonbTypeName, payloadSize, textDecoder, textEncoder,
} from './jsonb.js';
import { isLookupError, LOOKUP_NOTFOUND, lookupStep } from './lookup.js';
import { JsonOut, MalformedJson, valueFromBlob } from './render.js';
import type { FunctionContext, TableValuedFunctionDef } from './types.js';

interface Parent {
  iHead: number;
  iValue: number;
  iEnd: number;
  nPath: number;
  iKey: number;
}

class EachCursor {
  i = 0;
  iEnd = 0;
  nRoot = 0;
  eType = 0;
  nParent = 0;
  parents: Parent[] = [];
  path = new JsonOut();
  iRowid = 0;

  constructor(
    readonly p: JsonParse,
    readonly recursive: boolean,
    readonly eMode: 1 | 2,
  ) {}

  skipLabel(): number {
    if (this.eType === JSONB_OBJECT) {
      const n = payloadSize(this.p, this.i);
      return this.i + n + gSz;
    }
    return this.i;
  }

  appendPathName(): void {
    const par = this.parents[this.nParent - 1];
    if (this.eType === JSONB_ARRAY) {
      this.path.ascii(`[${par.iKey}]`);
      return;
    }
    const n = payloadSize(this.p, this.i);
    const sz = gSz;
    const k = this.i + n;
    const z = this.p.blob;
    let needQuote = false;
    if (sz === 0 || !isAlpha(z[k])) needQuote = true;
    else {
      for (let i = 0; i < sz; i++) {
        if (!isAlnum(z[k + i])) {
          needQuote = true;
          break;
        }
      }
    }
    this.path.byte(0x2e);
    if (needQuote) this.path.byte(0x22);
    this.path.bytes(z, k, sz);
    if (needQuote) this.path.byte(0x22);
  }

  next(): void {
    if (this.recursive) {
      let levelChange = false;
      const i = this.skipLabel();
      const x = this.p.blob[i] & 0x0f;
      const n = payloadSize(this.p, i);
      const sz = gSz;
      if (x === JSONB_OBJECT || x === JSONB_ARRAY) {
        levelChange = true;
        const par: Parent = { iHead: this.i, iValue: i, iEnd: i + n + sz, iKey: -1, nPath: this.path.n };
        if (this.eType && this.nParent) this.appendPathName();
        this.parents[this.nParent] = par;
        this.nParent++;
        this.i = i + n;
      } else {
        this.i = i + n + sz;
      }
      while (this.nParent > 0 && this.i >= this.parents[this.nParent - 1].iEnd) {
        this.nParent--;
        this.path.n = this.parents[this.nParent].nPath;
        levelChange = true;
      }
      if (levelChange) {
        if (this.nParent > 0) {
          this.eType = this.p.blob[this.parents[this.nParent - 1].iValue] & 0x0f;
        } else {
          this.eType = 0;
        }
      }
    } else {
      const i = this.skipLabel();
      const n = payloadSize(this.p, i);
      this.i = i + n + gSz;
    }
    if (this.eType === JSONB_ARRAY && this.nParent) this.parents[this.nParent - 1].iKey++;
    this.iRowid++;
  }

  pathLength(): number {
    let n = this.path.n;
    const z = this.path.buf;
    if (this.iRowid === 0 && this.recursive && n >= 2) {
      while (n > 1) {
        n--;
        if (z[n] === 0x5b || z[n] === 0x2e) {
          const sub = new Uint8Array(n);
          sub.set(z.subarray(1, n));
          sub[n - 1] = 0;
          const x = lookupStep(this.p, 0, sub, 0);
          if (isLookupError(x)) continue;
          const hn = payloadSize(this.p, x);
          if (x + hn === this.i) break;
        }
      }
    }
    return n;
  }

  value(i: number, eMode: 1 | 2): SqlValue {
    try {
      return valueFromBlob(this.p, i, eMode);
    } catch (e) {
      if (e instanceof MalformedJson) malformed();
      throw e;
    }
  }

  row(jsonCol: SqlValue): SqlValue[] {
    // key
    let key: SqlValue = null;
    if (this.nParent === 0) {
      if (this.nRoot !== 1) {
        const j = this.pathLength();
        const n = this.nRoot - j;
        const z = this.path.buf;
        if (n !== 0) {
          if (z[j] === 0x5b) {
            key = atoi64(textDecoder.decode(z.subarray(j + 1, j + n)));
          } else if (z[j + 1] === 0x22) {
            key = textDecoder.decode(z.subarray(j + 2, j + 2 + n - 3));
          } else {
            key = textDecoder.decode(z.subarray(j + 1, j + n));
          }
        }
      }
    } else if (this.eType === JSONB_OBJECT) {
      key = this.value(this.i, 1);
    } else {
      key = this.parents[this.nParent - 1].iKey;
    }
    const vi = this.skipLabel();
    const t = this.p.blob[vi] & 0x0f;
    const value = this.value(vi, this.eMode);
    const type = jsonbTypeName[t];
    const atom = t < JSONB_ARRAY ? this.value(vi, 1) : null;
    const id = this.i;
    const parent = this.nParent > 0 && this.recursive ? this.parents[this.nParent - 1].iHead : null;
    const nBase = this.path.n;
    if (this.nParent) this.appendPathName();
    const fullkey = this.path.text();
    this.path.n = nBase;
    const pn = this.pathLength();
    const path = textDecoder.decode(this.path.buf.subarray(0, pn));
    const root = textDecoder.decode(this.path.buf.subarray(0, this.nRoot));
    return [key, value, type, atom, id, parent, fullkey, path, jsonCol, root];
  }
}

/** sqlite3Atoi64 on the digits of an array index in a path (leading digits, saturating). */
function atoi64(s: string): number | bigint {
  const m = /^\s*[+-]?\d+/.exec(s);
  if (!m) return 0;
  const b = BigInt(m[0].trim());
  if (b > 0x7fffffffffffffffn) return 0x7fffffffffffffffn;
  return b >= -9007199254740991n && b <= 9007199254740991n ? Number(b) : b;
}

function* eachRows(args: readonly SqlValue[], recursive: boolean, eMode: 1 | 2): Iterable<readonly SqlValue[]> {
  const input = args[0];
  if (input === null || input === undefined) return;
  const p = parseArg(input, false);
  if (p === null) return;
  const c = new EachCursor(p, recursive, eMode);
  const jsonCol: SqlValue = input instanceof Uint8Array ? input : valueText(input);
  let i: number;
  if (args.length >= 2) {
    const rootV = args[1];
    if (rootV === null || rootV === undefined) return;
    const root = valueText(rootV) as string;
    if (root.charCodeAt(0) !== 0x24) badPath(root);
    const rootBytes = textEncoder.encode(root);
    c.nRoot = rootBytes.length;
    if (root.length === 1) {
      i = c.i = 0;
      c.eType = 0;
    } else {
      const tail = new Uint8Array(rootBytes.length);
      tail.set(rootBytes.subarray(1));
      i = lookupStep(p, 0, tail, 0);
      if (isLookupError(i)) {
        if (i === LOOKUP_NOTFOUND) return;
        badPath(root);
      }
      if (p.iLabel) {
        c.i = p.iLabel;
        c.eType = JSONB_OBJECT;
      } else {
        c.i = i;
        c.eType = JSONB_ARRAY;
      }
    }
    c.path.bytes(rootBytes, 0, rootBytes.length);
  } else {
    i = c.i = 0;
    c.eType = 0;
    c.nRoot = 1;
    c.path.byte(0x24);
  }
  c.nParent = 0;
  const n = payloadSize(p, i);
  c.iEnd = i + n + gSz;
  if ((p.blob[i] & 0x0f) >= JSONB_ARRAY && !recursive) {
    c.i = i + n;
    c.eType = p.blob[i] & 0x0f;
    c.parents[0] = { iKey: 0, iEnd: c.iEnd, iHead: c.i, iValue: i, nPath: 0 };
    c.nParent = 1;
  }
  while (c.i < c.iEnd) {
    yield c.row(jsonCol);
    c.next();
  }
}

function tvf(name: string, recursive: boolean, eMode: 1 | 2): TableValuedFunctionDef {
  return {
    name,
    columns: ['key', 'value', 'type', 'atom', 'id', 'parent', 'fullkey', 'path'],
    hidden: ['json', 'root'],
    rows: (args: readonly SqlValue[], _ctx: FunctionContext) => eachRows(args, recursive, eMode),
  };
}

export const jsonTableFunctions: TableValuedFunctionDef[] = [
  tvf('json_each', false, 1),
  tvf('json_tree', true, 1),
  tvf('jsonb_each', false, 2),
  tvf('jsonb_tree', true, 2),
];

void sqliteError;
