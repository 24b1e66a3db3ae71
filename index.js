'use strict';
// heliosdb-lite: the better-sqlite3 12 API. Built by `npm run build` into ./dist.
// Written as plain assignments so that Node's cjs-module-lexer sees the named export
// (`import { SqliteError } from 'heliosdb-lite'` works from ESM).
const api = require('./dist/engine/api/index.js');
module.exports = api.Database;
module.exports.SqliteError = api.SqliteError;
