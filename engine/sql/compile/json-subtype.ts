/**
 * SQLite's JSON subtype: a JSON function receiving the result of another JSON function nests it
 * instead of quoting it as a string. The value model has no subtype slot, so the JSON module
 * keeps a side channel: an argument carries the subtype when its expression is a direct call to
 * a function in `jsonSubtypeFunctions` (or `->`) and `lastResultIsJson()` is true right after
 * evaluating it (json_extract carries it only for arrays and objects).
 */
import { jsonSubtypeFunctions, lastResultIsJson } from '../functions/json/index.js';

export const JSON_RESULT_FUNCTIONS: ReadonlySet<string> = new Set([...jsonSubtypeFunctions, '->']);
export { lastResultIsJson };
