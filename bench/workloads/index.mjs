// The workload registry: add a file and list it here (MVCC and vector workloads later).
//
// A workload is { name, title, bar, setup(db, ctx), before?(db, ctx), run(db, ctx), teardown?(db, ctx) }
// plus optional fields:
//   suite      'sql' (default), 'storage', 'vector' or 'mvcc': the section of docs/benchmarks.md it is reported in
//   heavy      true: runs only when its suite is named (--suite=storage) or it is named (--only=)
//   modes      the modes it supports (e.g. ['file']); others are skipped
//   open       false: the harness opens no connection (db is null); the workload opens its own
//              files with ctx.Ctor in ctx.dir, named per ctx.side ('sqlite' | 'ours')
//   synchronous  the level both sides' file connections use (default NORMAL)
//   unit       what the measure is (default 'ms'); barKind 'absolute': ours must be < bar units
// run() returns a checksum (both sides must agree), or { value, checksum } where value replaces
// the harness's own timing (a per-operation time, a size, ...).
import pointSelect from './point-select.mjs';
import rangeSelect from './range-select.mjs';
import scanCount from './scan-count.mjs';
import joinGroupBy from './join-group-by.mjs';
import orderByLimit from './order-by-limit.mjs';
import bulkInsert from './bulk-insert.mjs';
import updateByKey from './update-by-key.mjs';
import { insertNormal, insertFull } from './autocommit-insert.mjs';
import groupCommit from './group-commit.mjs';
import bulkLoad from './bulk-load.mjs';
import coldScan from './cold-scan.mjs';
import openBig from './open-big.mjs';
import fileSize from './file-size.mjs';
import vectorKnn from './vector-knn.mjs';
import { historyScan, historyPoint } from './mvcc-history-read.mjs';
import mvccAsOf from './mvcc-as-of.mjs';
import { writeAutocommit, writeBulk } from './mvcc-write.mjs';
import mvccConcurrency from './mvcc-concurrency.mjs';

export const workloads = [
  pointSelect,
  rangeSelect,
  scanCount,
  joinGroupBy,
  orderByLimit,
  bulkInsert,
  updateByKey,
  insertNormal,
  insertFull,
  groupCommit,
  bulkLoad,
  coldScan,
  openBig,
  fileSize,
  vectorKnn,
  historyScan,
  historyPoint,
  mvccAsOf,
  writeAutocommit,
  writeBulk,
  mvccConcurrency,
];
