/**
 * JSON scalar SQL functions (json1): json, jsonb, json_array, json_extract, ->, ->>, json_set, ...
 * Behaviour and error texts follow SQLite 3.53's json.c.
 */
import { sqliteError } from '../../../common/errors.js';
import { Real, type SqlValue } from '../../../common/value.js';
import {
  appendSqlValue, badPath, lastResultIsJson, malformed, parseArg, parseArgKeepError, returnParse, setResultJson,
  sqlQuote, textToJsonb, valueText, valueToBlob,
} from './args.js';
import {
  JEDIT_DEL, JEDIT_INS, JEDIT_REPL, JEDIT_SET, JSONB_ARRAY, JsonParse, arrayCount, isAlnum, jsonbTypeName, utf8z,
  textEncoder,
} from './jsonb.js';
import {
  JEDIT_AINS, LOOKUP_ERROR, LOOKUP_NOTARRAY, LOOKUP_NOTFOUND, LOOKUP_PATHERROR, MERGE_OK, blobIsJsonb, isLookupError, lookupStep, mergePatch,
  validityCheck,
} from './lookup.js';
import { JsonOut, MalformedJson, blobToPrettyText, blobToText, valueFromBlob } from './render.js';
import type { FunctionContext, ScalarFunctionDef } from './types.js';

type Impl = (args: readonly SqlValue[], ctx: FunctionContext, argIsJson?: readonly boolean[]) => SqlValue;

const isJsonArg = (argIsJson: readonly boolean[] | undefined, i: number): boolean =>
  argIsJson !== undefined && argIsJson[i] === true;

function extractValue(p: JsonParse, j: number, eMode: 1 | 2): SqlValue {
  try {
    return valueFromBlob(p, j, eMode);
  } catch (e) {
    if (e instanceof MalformedJson) malformed();
    throw e;
  }
}

function renderAt(p: JsonParse, j: number, o: JsonOut): void {
  blobToText(p, j, o);
  if (o.malformed) malformed();
}

/** json(X) and jsonb(X) */
function jsonFunc(asBlob: boolean): Impl {
  return (args) => {
    const p = parseArg(args[0], false);
    if (p === null) return setNull();
    return returnParse(p, asBlob);
  };
}

function setNull(): null {
  setResultJson(false);
  return null;
}

/** json_array(...) / jsonb_array(...) */
function arrayFunc(asBlob: boolean): Impl {
  return (args, _ctx, argIsJson) => {
    const o = new JsonOut();
    o.byte(0x5b);
    for (let i = 0; i < args.length; i++) {
      o.separator();
      appendSqlValue(o, args[i], isJsonArg(argIsJson, i));
    }
    o.byte(0x5d);
    if (asBlob) {
      setResultJson(false);
      return textToJsonb(o);
    }
    setResultJson(true);
    return o.text();
  };
}

/** json_object(...) / jsonb_object(...) */
function objectFunc(asBlob: boolean): Impl {
  return (args, _ctx, argIsJson) => {
    if (args.length & 1) throw sqliteError('json_object() requires an even number of arguments');
    const o = new JsonOut();
    o.byte(0x7b);
    let blobError: unknown = null;
    for (let i = 0; i < args.length; i += 2) {
      const label = args[i];
      if (typeof label !== 'string') throw sqliteError('json_object() labels must be TEXT');
      o.separator();
      appendSqlValue(o, label, false);
      o.byte(0x3a);
      // SQLite records a BLOB error and keeps going: a later label error takes precedence
      try {
        appendSqlValue(o, args[i + 1], isJsonArg(argIsJson, i + 1));
      } catch (e) {
        blobError = e;
      }
    }
    if (blobError !== null) throw blobError;
    o.byte(0x7d);
    if (asBlob) {
      setResultJson(false);
      return textToJsonb(o);
    }
    setResultJson(true);
    return o.text();
  };
}

const jsonQuote: Impl = (args, _ctx, argIsJson) => {
  const o = new JsonOut();
  appendSqlValue(o, args[0], isJsonArg(argIsJson, 0));
  setResultJson(true);
  return o.text();
};

const pathCache = new Map<string, Uint8Array>();
/** The path bytes after '$', NUL-terminated (cached: paths are usually constants). */
function pathTail(path: string): Uint8Array {
  let z = pathCache.get(path);
  if (z === undefined) {
    z = utf8z(path.slice(1));
    if (pathCache.size > 256) pathCache.clear();
    pathCache.set(path, z);
  }
  return z;
}

const jsonArrayLength: Impl = (args) => {
  setResultJson(false);
  const p = parseArg(args[0], false);
  if (p === null) return null;
  let i = 0;
  if (args.length === 2) {
    const path = valueText(args[1]);
    if (path === null) return null;
    i = lookupStep(p, 0, path.charCodeAt(0) === 0x24 ? pathTail(path) : utf8z('@'), 0);
    if (isLookupError(i)) {
      if (i === LOOKUP_NOTFOUND) return null;
      if (i === LOOKUP_PATHERROR) badPath(path);
      malformed();
    }
  }
  if ((p.blob[i] & 0x0f) === JSONB_ARRAY) return arrayCount(p, i);
  return 0;
};

/** True if the string is all alphanumerics and underscores */
function allAlphanum(z: string): boolean {
  for (let i = 0; i < z.length; i++) {
    const c = z.charCodeAt(i);
    if (!(isAlnum(c) || c === 0x5f)) return false;
  }
  return true;
}

const JSON_JSON = 1;
const JSON_SQL = 2;

/** json_extract / jsonb_extract / -> / ->> (flags JSON_JSON, JSON_SQL; abbreviated paths for the arrows) */
function extractFunc(flags: number, abPath: boolean, asBlob: boolean): Impl {
  return (args) => {
    setResultJson(false);
    if (args.length < 2) return null;
    const p = parseArg(args[0], false);
    if (p === null) return null;
    const multi = args.length > 2;
    const o = new JsonOut();
    if (multi) o.byte(0x5b);
    for (let i = 1; i < args.length; i++) {
      const arg = args[i];
      const path = valueText(arg);
      if (path === null) return null;
      let j: number;
      if (path.charCodeAt(0) === 0x24) {
        j = lookupStep(p, 0, pathTail(path), 0);
      } else if (abPath) {
        let full: string;
        if (typeof arg === 'bigint' || (typeof arg === 'number' && Number.isSafeInteger(arg))) {
          full = '[' + (path.charCodeAt(0) === 0x2d ? '#' : '') + path + ']';
        } else if (allAlphanum(path)) {
          full = '.' + path;
        } else if (path.charCodeAt(0) === 0x5b && path.length >= 3 && path.charCodeAt(path.length - 1) === 0x5d) {
          full = path;
        } else {
          full = '."' + path + '"';
        }
        j = lookupStep(p, 0, utf8z(full), 0);
      } else {
        badPath(path);
      }
      if (j < p.nBlob) {
        if (!multi) {
          if (flags & JSON_JSON) {
            const oo = new JsonOut();
            renderAt(p, j, oo);
            setResultJson(true);
            return oo.text();
          }
          const v = extractValue(p, j, asBlob ? 2 : 1);
          setResultJson((flags & JSON_SQL) === 0 && !asBlob && (p.blob[j] & 0x0f) >= JSONB_ARRAY);
          return v;
        }
        o.separator();
        renderAt(p, j, o);
      } else if (j === LOOKUP_NOTFOUND) {
        if (!multi) return null;
        o.separator();
        o.ascii('null');
      } else if (j === LOOKUP_ERROR) {
        malformed();
      } else {
        badPath(path);
      }
    }
    o.byte(0x5d);
    if (asBlob) return textToJsonb(o);
    setResultJson(true);
    return o.text();
  };
}

/** json_insert / json_replace / json_set / json_array_insert (+ jsonb_ forms) */
function insertFunc(name: string, eEdit: number, asBlob: boolean): Impl {
  return (args, _ctx, argIsJson) => {
    setResultJson(false);
    if (args.length < 1) return null;
    if ((args.length & 1) === 0) throw sqliteError(`json_${name}() needs an odd number of arguments`);
    const p = parseArg(args[0], args.length > 1);
    if (p === null) return null;
    for (let i = 1; i < args.length - 1; i += 2) {
      if (args[i] === null) continue;
      const path = valueText(args[i]) as string;
      if (path.charCodeAt(0) !== 0x24) badPath(path);
      const ax = valueToBlob(args[i + 1], isJsonArg(argIsJson, i + 1));
      let rc = 0;
      if (path.length === 1) {
        if (eEdit === JEDIT_REPL || eEdit === JEDIT_SET) p.edit(0, p.nBlob, ax.blob, ax.nBlob);
      } else {
        p.eEdit = eEdit;
        p.nIns = ax.nBlob;
        p.ins = ax.blob;
        p.delta = 0;
        rc = lookupStep(p, 0, pathTail(path), 0);
        p.eEdit = 0;
      }
      if (rc === LOOKUP_NOTFOUND) continue;
      if (isLookupError(rc)) {
        if (rc === LOOKUP_ERROR) malformed();
        if (rc === LOOKUP_NOTARRAY) throw sqliteError(`not an array element: ${sqlQuote(path)}`);
        badPath(path);
      }
    }
    return returnParse(p, asBlob);
  };
}

/** json_remove / jsonb_remove */
function removeFunc(asBlob: boolean): Impl {
  return (args) => {
    setResultJson(false);
    if (args.length < 1) return null;
    const p = parseArg(args[0], args.length > 1);
    if (p === null) return null;
    for (let i = 1; i < args.length; i++) {
      const path = valueText(args[i]);
      if (path === null) return setNull();
      if (path.charCodeAt(0) !== 0x24) badPath(path);
      if (path.length === 1) return setNull();
      p.eEdit = JEDIT_DEL;
      p.delta = 0;
      const rc = lookupStep(p, 0, pathTail(path), 0);
      p.eEdit = 0;
      if (isLookupError(rc)) {
        if (rc === LOOKUP_NOTFOUND) continue;
        if (rc === LOOKUP_PATHERROR) badPath(path);
        malformed();
      }
    }
    return returnParse(p, asBlob);
  };
}

/** json_patch / jsonb_patch */
function patchFunc(asBlob: boolean): Impl {
  return (args) => {
    setResultJson(false);
    const target = parseArg(args[0], true);
    if (target === null) return null;
    const patch = parseArg(args[1], false);
    if (patch === null) return null;
    const rc = mergePatch(target, 0, patch, 0);
    if (rc !== MERGE_OK) malformed();
    return returnParse(target, asBlob);
  };
}

const jsonType: Impl = (args) => {
  setResultJson(false);
  const p = parseArg(args[0], false);
  if (p === null) return null;
  let i = 0;
  if (args.length === 2) {
    const path = valueText(args[1]);
    if (path === null) return null;
    if (path.charCodeAt(0) !== 0x24) badPath(path);
    i = lookupStep(p, 0, pathTail(path), 0);
    if (isLookupError(i)) {
      if (i === LOOKUP_NOTFOUND) return null;
      if (i === LOOKUP_PATHERROR) badPath(path);
      malformed();
    }
  }
  return jsonbTypeName[p.blob[i] & 0x0f];
};

const jsonPretty: Impl = (args) => {
  setResultJson(false);
  const p = parseArg(args[0], false);
  if (p === null) return null;
  let indent = '    ';
  if (args.length === 2) {
    const t = valueText(args[1]);
    if (t !== null) indent = t;
  }
  const o = new JsonOut();
  blobToPrettyText(p, 0, o, textEncoder.encode(indent), { n: 0 });
  if (o.malformed) malformed();
  return o.text();
};

/** sqlite3_value_int64 (numeric prefix of text, truncation of reals). */
function valueInt64(v: SqlValue): number {
  if (v === null) return 0;
  if (typeof v === 'number') return Number.isSafeInteger(v) ? v : Math.trunc(v);
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Real) return v.value;
  const t = typeof v === 'string' ? v : new TextDecoder().decode(v);
  const m = /^\s*([+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?)/.exec(t);
  return m ? Math.trunc(Number(m[1])) : 0;
}

const jsonValid: Impl = (args) => {
  setResultJson(false);
  let flags = 1;
  if (args.length === 2) {
    const f = valueInt64(args[1]);
    if (f < 1 || f > 15) throw sqliteError('FLAGS parameter to json_valid() must be between 1 and 15');
    flags = f & 0x0f;
  }
  const v = args[0];
  if (v === null) return null;
  if (v instanceof Uint8Array && blobIsJsonb(v)) {
    if (flags & 0x04) return 1;
    if (flags & 0x08) return validityCheck(new JsonParse(v, v.length), 0, v.length, 1) === 0 ? 1 : 0;
    return 0;
  }
  if ((flags & 0x3) === 0) return 0;
  const r = parseArgKeepError(v);
  if (r.p === null) return 0;
  return (flags & 0x02) !== 0 || !r.p.hasNonstd ? 1 : 0;
};

const jsonErrorPosition: Impl = (args) => {
  setResultJson(false);
  const v = args[0];
  if (v === null) return null;
  if (v instanceof Uint8Array && blobIsJsonb(v)) {
    return validityCheck(new JsonParse(v, v.length), 0, v.length, 1);
  }
  const r = parseArgKeepError(v);
  if (r.json === null) return null;
  if (r.p !== null) return 0;
  // byte offset to character offset
  const z = r.json;
  let pos = 0;
  for (let k = 0; k < r.iErr && z[k]; k++) {
    if ((z[k] & 0xc0) !== 0x80) pos++;
  }
  return pos + 1;
};

function def(name: string, nArgs: number, impl: Impl): ScalarFunctionDef {
  return { name, nArgs, deterministic: true, impl };
}

export const jsonScalars: ScalarFunctionDef[] = [
  def('json', 1, jsonFunc(false)),
  def('jsonb', 1, jsonFunc(true)),
  def('json_array', -1, arrayFunc(false)),
  def('jsonb_array', -1, arrayFunc(true)),
  def('json_array_length', 1, jsonArrayLength),
  def('json_array_length', 2, jsonArrayLength),
  def('json_error_position', 1, jsonErrorPosition),
  def('json_extract', -1, extractFunc(0, false, false)),
  def('jsonb_extract', -1, extractFunc(0, false, true)),
  def('->', 2, extractFunc(JSON_JSON, true, false)),
  def('->>', 2, extractFunc(JSON_SQL, true, false)),
  def('json_insert', -1, insertFunc('insert', JEDIT_INS, false)),
  def('jsonb_insert', -1, insertFunc('insert', JEDIT_INS, true)),
  def('json_array_insert', -1, insertFunc('array_insert', JEDIT_AINS, false)),
  def('jsonb_array_insert', -1, insertFunc('array_insert', JEDIT_AINS, true)),
  def('json_object', -1, objectFunc(false)),
  def('jsonb_object', -1, objectFunc(true)),
  def('json_patch', 2, patchFunc(false)),
  def('jsonb_patch', 2, patchFunc(true)),
  def('json_pretty', 1, jsonPretty),
  def('json_pretty', 2, jsonPretty),
  def('json_quote', 1, jsonQuote),
  def('json_remove', -1, removeFunc(false)),
  def('jsonb_remove', -1, removeFunc(true)),
  def('json_replace', -1, insertFunc('replace', JEDIT_REPL, false)),
  def('jsonb_replace', -1, insertFunc('replace', JEDIT_REPL, true)),
  def('json_set', -1, insertFunc('set', JEDIT_SET, false)),
  def('jsonb_set', -1, insertFunc('set', JEDIT_SET, true)),
  def('json_type', 1, jsonType),
  def('json_type', 2, jsonType),
  def('json_valid', 1, jsonValid),
  def('json_valid', 2, jsonValid),
];

const arrowExtract = extractFunc(JSON_JSON, true, false);
const arrowExtractText = extractFunc(JSON_SQL, true, false);

/**
 * The `->` (textResult false) and `->>` (textResult true) operators.
 *
 * @example jsonArrowOp('{"a":[1,2]}', 'a', false) === '[1,2]'; jsonArrowOp('[1,2]', -1, true) === 2
 */
export function jsonArrowOp(left: SqlValue, right: SqlValue, textResult: boolean): SqlValue {
  const none: FunctionContext = NO_CONTEXT;
  return textResult ? arrowExtractText([left, right], none) : arrowExtract([left, right], none);
}

const NO_CONTEXT: FunctionContext = {
  now: () => Date.now(),
  lastInsertRowid: () => 0,
  changes: () => 0,
  totalChanges: () => 0,
  caseSensitiveLike: () => false,
};

/** Names of functions whose result may carry the JSON subtype (see args.ts for the rule). */
export const jsonSubtypeFunctions: Set<string> = new Set([
  'json', 'json_array', 'json_object', 'json_quote', 'json_extract', '->', 'json_insert', 'json_replace', 'json_set',
  'json_array_insert', 'json_remove', 'json_patch', 'json_group_array', 'json_group_object',
]);

export { lastResultIsJson };
