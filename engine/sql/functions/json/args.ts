/**
 * Function arguments to JSONB and back (jsonParseFuncArg, jsonFunctionArgToBlob,
 * jsonAppendSqlValue, jsonReturnParse), plus the JSON subtype side channel.
 *
 * The JSON subtype rule (SQLite's JSON_SUBTYPE, which our value model has no slot for):
 *   - A TEXT argument is JSON (nested as-is rather than quoted as a string) when `argIsJson[i]`
 *     is true. The executor sets it when the argument expression is a direct call of a function in
 *     `jsonSubtypeFunctions` AND `lastResultIsJson()` returned true right after evaluating it.
 *   - Every JSON function sets the flag read by `lastResultIsJson()` before returning: true when
 *     SQLite would attach the subtype (json(), json_array(), json_extract() of an array/object,
 *     `->`, json_set(), json_group_array(), ...), false otherwise.
 */
import { sqliteError } from '../../../common/errors.js';
import { Real, type SqlValue } from '../../../common/value.js';
import { JSONB_FLOAT, JSONB_INT, JSONB_NULL, JSONB_TEXTRAW, JsonParse, textEncoder, utf8z, utf8zScratch } from './jsonb.js';
import { blobIsJsonb } from './lookup.js';
import { convertTextToBlob, parseJsonBytes } from './parse.js';
import { realToJsonText, realToText } from './real-text.js';
import { JsonOut, appendJsonString, blobToText } from './render.js';

let lastJson = false;
/** Did the most recent JSON function call return a value carrying SQLite's JSON subtype? */
export function lastResultIsJson(): boolean {
  return lastJson;
}
export function setResultJson(v: boolean): void {
  lastJson = v;
}

export function malformed(): never {
  throw sqliteError('malformed JSON');
}

/** %Q quoting for error messages. */
export function sqlQuote(s: string): string {
  return "'" + s.replace(/'/g, "''") + "'";
}

export function badPath(path: string): never {
  throw sqliteError(`bad JSON path: ${sqlQuote(path)}`);
}

/** sqlite3_value_text of a value. */
export function valueText(v: SqlValue): string | null {
  if (v === null) return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return Number.isSafeInteger(v) ? String(v) : realToText(v);
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof Real) return realToText(v.value);
  return new TextDecoder().decode(v);
}

/** UTF-8 NUL-terminated bytes of sqlite3_value_text. */
export function valueTextBytes(v: SqlValue): Uint8Array | null {
  if (v === null) return null;
  if (v instanceof Uint8Array && !(v instanceof Real)) {
    const z = new Uint8Array(v.length + 1);
    z.set(v);
    // C stops at the first NUL
    return z;
  }
  const t = valueText(v);
  return t === null ? null : utf8z(t);
}

// A small cache of parsed JSON text (SQLite keeps 4 per statement; we keep a few per process).
const CACHE_SIZE = 8;
const cacheKeys: string[] = [];
const cacheVals: JsonParse[] = [];

function cacheGet(s: string): JsonParse | null {
  for (let i = cacheKeys.length - 1; i >= 0; i--) {
    if (cacheKeys[i] === s) return cacheVals[i];
  }
  return null;
}
function cachePut(s: string, p: JsonParse): void {
  if (cacheKeys.length >= CACHE_SIZE) {
    cacheKeys.shift();
    cacheVals.shift();
  }
  cacheKeys.push(s);
  cacheVals.push(p);
}

function copyParse(p: JsonParse): JsonParse {
  const q = new JsonParse(p.blob.slice(0, Math.max(p.nBlob + 16, 100)), p.nBlob);
  q.hasNonstd = p.hasNonstd;
  return q;
}

/**
 * jsonParseFuncArg: the JSONB of a JSON argument, or null for SQL NULL. Throws "malformed JSON".
 * With `editable` the result is a private copy; otherwise it must not be modified.
 */
export function parseArg(v: SqlValue, editable: boolean): JsonParse | null {
  if (v === null) return null;
  if (typeof v === 'string') {
    const hit = cacheGet(v);
    if (hit) return editable ? copyParse(hit) : hit;
    if (v.length === 0) malformed();
    const z = utf8zScratch(v);
    const p = new JsonParse(new Uint8Array(z.length + 16));
    p.json = z;
    p.nJson = z.length - 1;
    if (!convertTextToBlob(p)) malformed();
    p.json = null;
    cachePut(v, p);
    return editable ? copyParse(p) : p;
  }
  if (v instanceof Uint8Array) {
    if (blobIsJsonb(v)) {
      if (editable) {
        const b = new Uint8Array(v.length + 100);
        b.set(v);
        return new JsonParse(b, v.length);
      }
      return new JsonParse(v, v.length);
    }
    if (v.length === 0) malformed();
    const r = parseJsonBytes(v);
    if (!r.parse) malformed();
    r.parse.json = null;
    return r.parse;
  }
  const t = valueText(v) as string;
  return parseArg(t, editable);
}

/** Like parseArg but keeps errors: returns [parse|null, ok, errorByteOffset, textBytes]. */
export function parseArgKeepError(v: SqlValue): { p: JsonParse | null; iErr: number; json: Uint8Array | null } {
  const z = valueTextBytes(v);
  if (z === null) return { p: null, iErr: 0, json: null };
  const p = new JsonParse(new Uint8Array(z.length + 16));
  p.json = z;
  p.nJson = z.length - 1;
  if (p.nJson === 0 || !convertTextToBlob(p)) return { p: null, iErr: p.iErr, json: z };
  return { p, iErr: 0, json: z };
}

const NULL_BLOB = new Uint8Array([JSONB_NULL]);
const TXT_9E999 = textEncoder.encode('9e999');
const TXT_M9E999 = textEncoder.encode('-9e999');

/** jsonFunctionArgToBlob: a value to be inserted into JSON, as JSONB. */
export function valueToBlob(v: SqlValue, isJson: boolean): JsonParse {
  if (v === null) return new JsonParse(NULL_BLOB, 1);
  if (v instanceof Uint8Array) {
    if (!blobIsJsonb(v)) throw sqliteError('JSON cannot hold BLOB values');
    return new JsonParse(v, v.length);
  }
  const p = new JsonParse(new Uint8Array(32));
  if (typeof v === 'string') {
    if (isJson) {
      const z = utf8z(v);
      p.expand(z.length + 16);
      p.json = z;
      p.nJson = z.length - 1;
      if (!convertTextToBlob(p)) malformed();
      p.json = null;
      return p;
    }
    const z = textEncoder.encode(v);
    p.appendNode(JSONB_TEXTRAW, z.length, z);
    return p;
  }
  if (typeof v === 'number' && Number.isSafeInteger(v)) {
    const z = textEncoder.encode(String(v));
    p.appendNode(JSONB_INT, z.length, z);
    return p;
  }
  if (typeof v === 'bigint') {
    const z = textEncoder.encode(v.toString());
    p.appendNode(JSONB_INT, z.length, z);
    return p;
  }
  const r = v instanceof Real ? v.value : (v as number);
  if (r === Infinity) p.appendNode(JSONB_FLOAT, 5, TXT_9E999);
  else if (r === -Infinity) p.appendNode(JSONB_FLOAT, 6, TXT_M9E999);
  else {
    const z = textEncoder.encode(realToText(r));
    p.appendNode(JSONB_FLOAT, z.length, z);
  }
  return p;
}

/** jsonAppendSqlValue: a function argument appended to JSON text under construction. */
export function appendSqlValue(o: JsonOut, v: SqlValue, isJson: boolean): void {
  if (v === null) {
    o.ascii('null');
  } else if (typeof v === 'string') {
    const z = textEncoder.encode(v);
    if (isJson) o.bytes(z, 0, z.length);
    else appendJsonString(o, z, 0, z.length);
  } else if (typeof v === 'number') {
    o.ascii(Number.isSafeInteger(v) ? String(v) : realToJsonText(v));
  } else if (typeof v === 'bigint') {
    o.ascii(v.toString());
  } else if (v instanceof Real) {
    o.ascii(realToJsonText(v.value));
  } else {
    if (!blobIsJsonb(v)) throw sqliteError('JSON cannot hold BLOB values');
    blobToText(new JsonParse(v, v.length), 0, o);
  }
}

/** JSON text (already well formed) converted to JSONB bytes (jsonReturnStringAsBlob). */
export function textToJsonb(o: JsonOut): Uint8Array {
  const z = new Uint8Array(o.n + 1);
  z.set(o.buf.subarray(0, o.n));
  const p = new JsonParse(new Uint8Array(o.n + 16));
  p.json = z;
  p.nJson = o.n;
  convertTextToBlob(p);
  return p.toBytes();
}

/** jsonReturnParse: the result of a JSON function as text (with subtype) or JSONB. */
export function returnParse(p: JsonParse, asBlob: boolean): SqlValue {
  if (asBlob) {
    lastJson = false;
    return p.toBytes();
  }
  const o = new JsonOut(p.nBlob + 16);
  p.delta = 0;
  blobToText(p, 0, o);
  if (o.malformed) malformed();
  lastJson = true;
  return o.text();
}
