/**
 * SQLite's date and time functions (https://sqlite.org/lang_datefunc.html), SQLite 3.53 behaviour.
 * CURRENT_TIME / CURRENT_DATE / CURRENT_TIMESTAMP are time('now') / date('now') / datetime('now').
 */
export { datetimeScalars } from './functions.js';
