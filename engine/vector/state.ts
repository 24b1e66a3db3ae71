/**
 * Per-database vector index state: the in-memory index structures of one Engine (shared by all
 * connections of the file), the record of rows each write transaction touched, and the policy
 * that keeps the structures equal to the committed table contents.
 *
 * Model:
 *
 *   - A built index holds the vectors of the LATEST COMMITTED state: exactly the committed rows
 *     as of its last `sync()` (each row's vector bytes are hashed so changes are cheap to detect).
 *   - Every write to a table with VECTOR columns goes through TableWriter, which records the
 *     rowid in the write transaction's `TxnChanges` (dml-hooks.ts), one record per transaction
 *     (concurrent writers interleave freely). Nothing is applied while the transaction is open.
 *   - `sync()` takes the changes of transactions that have ENDED, whether they committed or
 *     rolled back, and re-reads those rows from the committed state: a rolled-back insert finds
 *     no row (and the index never had it); a committed one is added. It runs right after every
 *     commit (`vectorCommitted`, called by Connection.commitNow: the committed changes reach the
 *     index inside the COMMIT call, one batch per transaction), before every index search and at
 *     close (which also pick up rolled-back records). So the index equals the latest committed
 *     state whenever a statement runs.
 *   - The writing connection's own searches exclude the rows its open transaction touched from
 *     the index results and evaluate those rows exactly from its own view; readers at an older
 *     point (snapshots, concurrent transactions, AS OF) do the same with the rows committed
 *     after their point (search-op.ts).
 *   - When a transaction touched too many rows (or emptied a table), its record degrades to
 *     "every row may have changed": the writer searches exactly, and the sync resyncs the
 *     index by scanning the table and comparing hashes.
 *   - A change of the table's layout (ALTER TABLE, re-created table: another root page or CREATE
 *     text) also forces a resync.
 *
 * Persistence (file databases): at the last close, each built index that changed is written to
 * `<db>-hvec/<name>.graph|.labels|.meta`; `.meta` records the database's change counter. At the
 * next first use, an index whose meta matches the definition and the table layout is loaded;
 * if the change counter moved since (a crash, or commits before the first use), the loaded
 * index is resynced against the table before it answers. A missing or unusable file means a
 * rebuild. Long builds, resyncs and large committed batches report progress to
 * `onVectorIndexProgress` listeners.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { SqlValue } from '../common/value.js';
import type { Schema } from '../catalog/schema.js';
import type { TableSchema } from '../catalog/types.js';
import type { PageView, Rowid, Storage, WriteTxn } from '../storage/api.js';
import type { VersionLog } from '../mvcc/version-log.js';
import { findVectorIndex, tableSignature, vectorIndexDefs } from './catalog.js';
import { hashBytes } from './hnsw-graph.js';
import { indexMethod, type VectorIndexDef, type VectorIndexStructure } from './index-method.js';
import { checkFinite, vectorFromBlob } from './vector-value.js';
import './hnsw-method.js';

/** Rows a transaction touched in one table. `all`: any row may have changed (rowids not kept). */
export interface TableChanges {
  readonly rowids: Set<Rowid>;
  all: boolean;
}

/** Above this many touched rows a table's record degrades to `all`. */
const MAX_TRACKED_ROWS = 100_000;

export function touch(c: TableChanges, rowid: Rowid): void {
  if (c.all) return;
  c.rowids.add(rowid);
  if (c.rowids.size > MAX_TRACKED_ROWS) markAll(c);
}

export function markAll(c: TableChanges): void {
  c.all = true;
  c.rowids.clear();
}

class TxnChanges {
  readonly tables = new Map<string, TableChanges>();
  constructor(readonly txn: WriteTxn) {}

  table(name: string): TableChanges {
    const k = name.toLowerCase();
    let c = this.tables.get(k);
    if (!c) this.tables.set(k, (c = { rowids: new Set(), all: false }));
    return c;
  }
}

/** Progress of a long index build or resync. */
export interface VectorIndexProgress {
  readonly index: string;
  /** build: from the table; resync: files or layout behind the table; commit: a large committed batch. */
  readonly phase: 'build' | 'resync' | 'commit';
  readonly done: number;
  readonly total: number;
}

const progressListeners = new Set<(p: VectorIndexProgress) => void>();

/**
 * Registers a listener for progress of index builds, resyncs and committed batches over 10 000
 * rows (called every 10 000 rows and at the end). Returns a function that removes it.
 * @example const off = onVectorIndexProgress((p) => console.log(p.index, p.done, '/', p.total));
 */
export function onVectorIndexProgress(listener: (p: VectorIndexProgress) => void): () => void {
  progressListeners.add(listener);
  return () => progressListeners.delete(listener);
}

const PROGRESS_STEP = 10_000;

function report(p: VectorIndexProgress): void {
  for (const l of progressListeners) l(p);
}

/** What happened to an index, for tests and diagnostics. */
export interface VectorIndexStats {
  builds: number;
  loads: number;
  resyncs: number;
}

/**
 * Process-wide totals (diagnostics and tests): index builds, loads from files, resyncs, and rows
 * brought to a built index by `sync()` (`applied`; at commit, or at a search after a rollback).
 */
export const vectorIndexCounters = { builds: 0, loads: 0, resyncs: 0, applied: 0 };

/** uint32 label for a rowid, or -1 when the rowid cannot be one (negative, beyond 2^32-1). */
export function labelOf(rowid: Rowid): number {
  return typeof rowid === 'number' && rowid >= 0 && rowid <= 0xffffffff ? rowid : -1;
}

/**
 * One built index: its structure plus the rows it cannot hold (`unindexed`: NULL or malformed
 * vectors, zero vectors under cosine, rowids that are not labels), which every search
 * evaluates exactly so that answers equal a full scan's.
 */
export class VectorIndex {
  readonly unindexed = new Set<Rowid>();
  dirty = true;
  readonly stats: VectorIndexStats = { builds: 0, loads: 0, resyncs: 0 };
  /** The last lookup that validated this index (state.index fast path). */
  checkedSchema: Schema | null = null;
  checkedTable: TableSchema | undefined = undefined;
  checkedDef: VectorIndexDef | null = null;

  constructor(
    readonly def: VectorIndexDef,
    readonly defKey: string,
    public signature: string,
    readonly structure: VectorIndexStructure,
  ) {}

  /** Brings one row (undefined: absent) to the index. `ri` is the column's record index. */
  applyRow(rowid: Rowid, rec: readonly SqlValue[] | undefined, ri: number): void {
    const label = labelOf(rowid);
    if (rec === undefined) {
      this.unindexed.delete(rowid);
      if (label >= 0 && this.structure.hashOf(label) !== undefined) {
        this.structure.remove(label);
        this.dirty = true;
      }
      return;
    }
    const v = ri < rec.length ? rec[ri] : null;
    const vec = v instanceof Uint8Array && v.byteLength === this.def.dims * 4 ? vectorFromBlob(v) : null;
    if (label < 0 || vec === null || checkFinite(vec) !== null || (this.def.metric === 'cosine' && isZero(vec))) {
      if (label >= 0 && this.structure.hashOf(label) !== undefined) {
        this.structure.remove(label);
        this.dirty = true;
      }
      // NULL and malformed vectors stay searchable exactly: their NULL distance sorts first
      this.unindexed.add(rowid);
      return;
    }
    this.unindexed.delete(rowid);
    const h = hashBytes(v as Uint8Array);
    if (this.structure.hashOf(label) === h) return;
    this.structure.upsert(label, vec, h);
    this.dirty = true;
  }

  /** Makes the index equal to the table in `view` (a full scan comparing hashes). */
  resync(view: PageView, table: TableSchema, phase: 'build' | 'resync'): void {
    const ri = recordIndexOf(table, this.def.column);
    const t = view.openTable(table.root);
    const total = t.count();
    const seen = new Set<number>();
    const seenUnindexed = new Set<Rowid>();
    const c = t.cursor();
    let done = 0;
    for (let ok = c.first(); ok; ok = c.next()) {
      const rowid = c.rowid();
      this.applyRow(rowid, c.record(), ri);
      const label = labelOf(rowid);
      if (label >= 0) seen.add(label);
      if (this.unindexed.has(rowid)) seenUnindexed.add(rowid);
      if (++done % PROGRESS_STEP === 0 && total >= PROGRESS_STEP) report({ index: this.def.name, phase, done, total });
    }
    const gone: number[] = [];
    for (const label of this.structure.labels()) if (!seen.has(label)) gone.push(label);
    for (const label of gone) this.structure.remove(label);
    if (gone.length) this.dirty = true;
    for (const r of [...this.unindexed]) if (!seenUnindexed.has(r)) this.unindexed.delete(r);
    this.signature = tableSignature(table);
    if (total >= PROGRESS_STEP) report({ index: this.def.name, phase, done: total, total });
    if (phase === 'resync') {
      this.stats.resyncs++;
      vectorIndexCounters.resyncs++;
    }
  }
}

function isZero(v: Float32Array): boolean {
  for (let i = 0; i < v.length; i++) if (v[i] !== 0) return false;
  return true;
}

function recordIndexOf(table: TableSchema, column: string): number {
  const ci = table.columnIndex.get(column.toLowerCase());
  return ci === undefined ? -1 : table.columns[ci].recordIndex;
}

function defKeyOf(d: VectorIndexDef): string {
  return JSON.stringify([d.name.toLowerCase(), d.table.toLowerCase(), d.column.toLowerCase(), d.dims, d.method, d.metric, d.params]);
}

/** What decides the structure's content, names aside (see VectorEngineState.adopt). */
function structureKeyOf(d: VectorIndexDef): string {
  return JSON.stringify([d.dims, d.method, d.metric, d.automatic ? {} : d.params]);
}

function rootOfSignature(signature: string): number {
  return Number.parseInt(signature, 10);
}

interface MetaFile {
  readonly version: 1;
  readonly defKey: string;
  readonly signature: string;
  readonly changeCounter: number;
  readonly unindexed: readonly string[];
}

/** The part of the Engine this module uses (engine/sql/engine.ts). */
export interface VectorEngine {
  readonly storage: Storage;
  readonly memory: boolean;
  committed(): Schema;
  /** MVCC: commits other connections' snapshots still need (search-op.ts, concurrent writers). */
  readonly versions?: VersionLog;
  readonly mvcc?: { readonly lastTs: number };
}

export class VectorEngineState {
  /** Change records of transactions not yet applied, by transaction (insertion order). */
  private readonly pending = new Map<WriteTxn, TxnChanges>();
  /** Lower-cased index name -> built index. */
  private readonly built = new Map<string, VectorIndex>();

  constructor(private readonly engine: VectorEngine) {}

  /**
   * The change record of write transaction `txn` (created on first use). Several transactions
   * may be open at once (concurrent writers): each has its own record however they interleave.
   */
  changesFor(txn: WriteTxn): TxnChanges {
    let c = this.pending.get(txn);
    if (c === undefined) {
      this.collectEnded();
      c = new TxnChanges(txn);
      this.pending.set(txn, c);
    }
    return c;
  }

  /** What the still-open transaction `txn` changed in `table` (undefined: nothing). */
  openChanges(txn: WriteTxn | null, table: string): TableChanges | undefined {
    if (txn === null || !txn.open || this.pending.size === 0) return undefined;
    return this.pending.get(txn)?.tables.get(table.toLowerCase());
  }

  /** Drops the records of ended transactions when no index needs them (nothing is built). */
  private collectEnded(): void {
    if (this.built.size === 0) {
      for (const [txn] of this.pending) if (!txn.open) this.pending.delete(txn);
    } else {
      for (const txn of this.pending.keys()) {
        if (!txn.open) {
          this.sync();
          return;
        }
      }
    }
  }

  /**
   * Called right after a transaction of this engine committed (connection.ts): its changes reach
   * the built indexes now, in the COMMIT call, as one batch per index. A failure here cannot undo
   * the commit: the indexes are then dropped from memory, and the next search loads them from
   * their files (older than this commit, so resynced against the table) or rebuilds them.
   */
  committed(): void {
    if (this.pending.size === 0) return;
    try {
      this.sync();
    } catch {
      this.built.clear();
      this.pending.clear();
    }
  }

  /** Applies the changes of every ended transaction to the built indexes (see the module comment). */
  sync(): void {
    if (this.pending.size === 0) return;
    let ended: TxnChanges[] | null = null;
    for (const [txn, c] of this.pending) {
      if (txn.open) continue;
      (ended ??= []).push(c);
      this.pending.delete(txn);
    }
    if (ended === null || this.built.size === 0) return;
    const view = this.engine.storage.read();
    const schema = this.engine.committed();
    for (const idx of this.built.values()) {
      const key = idx.def.table.toLowerCase();
      let all = false;
      let rowids: Set<Rowid> | null = null;
      for (const c of ended) {
        const t = c.tables.get(key);
        if (!t) continue;
        if (t.all) all = true;
        else if (rowids === null) rowids = new Set(t.rowids);
        else for (const r of t.rowids) rowids.add(r);
      }
      if (!all && rowids === null) continue;
      const table = schema.table(idx.def.table, 'main');
      if (!table) continue; // dropped: the index is discarded by the next lookup
      if (all || tableSignature(table) !== idx.signature) {
        idx.resync(view, table, 'resync');
        continue;
      }
      const tree = view.openTable(table.root);
      const ri = recordIndexOf(table, idx.def.column);
      const total = rowids!.size;
      let done = 0;
      for (const r of rowids!) {
        idx.applyRow(r, tree.get(r), ri);
        if (++done % PROGRESS_STEP === 0 && total >= PROGRESS_STEP) report({ index: idx.def.name, phase: 'commit', done, total });
      }
      if (total >= PROGRESS_STEP) report({ index: idx.def.name, phase: 'commit', done: total, total });
      vectorIndexCounters.applied += total;
    }
  }

  /**
   * The built index for `def` as committed, synced to the committed state, or null when `def`
   * is not (or not identically) committed, or the connection's table differs from the
   * committed one (uncommitted DDL): the caller then searches exactly.
   */
  index(def: VectorIndexDef, connTable: TableSchema | undefined): VectorIndex | null {
    this.sync();
    const schema = this.engine.committed();
    // fast path: same committed schema and table object as the last successful lookup
    const hit = this.built.get(def.name.toLowerCase());
    if (hit !== undefined && hit.checkedSchema === schema && hit.checkedTable === connTable && hit.checkedDef === def) return hit;
    const view = this.engine.storage.read();
    const committedDef = findVectorIndex(schema, def.name);
    const key = defKeyOf(def);
    if (!committedDef || defKeyOf(committedDef) !== key) return null;
    const table = schema.table(def.table, 'main');
    if (!table || !connTable || tableSignature(table) !== tableSignature(connTable)) return null;
    const name = def.name.toLowerCase();
    let idx = this.built.get(name);
    if (idx && idx.defKey !== key) idx = undefined; // redefined (or renamed): adopt() may reuse it
    if (idx) {
      if (idx.signature !== tableSignature(table)) idx.resync(view, table, 'resync');
    } else {
      idx = this.adopt(def, key, table, view) ?? this.load(def, key, table, view) ?? this.build(def, key, table, view);
      this.built.set(name, idx);
    }
    idx.checkedSchema = schema;
    idx.checkedTable = connTable;
    idx.checkedDef = def;
    return idx;
  }

  /**
   * A built index whose definition is gone but whose structure can serve `def` (ALTER TABLE
   * RENAME of the table or column renames the definition, not the graph): same method, metric,
   * parameters and dimensions, same table B-tree. Resynced (a hash-comparing scan, far cheaper
   * than a build) since the table's layout changed. Null when there is none.
   */
  private adopt(def: VectorIndexDef, key: string, table: TableSchema, view: PageView): VectorIndex | null {
    const want = structureKeyOf(def);
    const schema = this.engine.committed();
    for (const [name, old] of this.built) {
      if (structureKeyOf(old.def) !== want || rootOfSignature(old.signature) !== table.root) continue;
      const current = findVectorIndex(schema, old.def.name);
      if (current && defKeyOf(current) === old.defKey) continue; // still serving its own definition
      this.built.delete(name);
      const idx = new VectorIndex(def, key, old.signature, old.structure);
      for (const r of old.unindexed) idx.unindexed.add(r);
      idx.resync(view, table, 'resync');
      idx.dirty = true;
      return idx;
    }
    return null;
  }

  private build(def: VectorIndexDef, key: string, table: TableSchema, view: PageView): VectorIndex {
    const idx = new VectorIndex(def, key, tableSignature(table), indexMethod(def.method).create(def));
    idx.resync(view, table, 'build');
    idx.stats.builds++;
    vectorIndexCounters.builds++;
    idx.dirty = true;
    return idx;
  }

  private dir(): string | null {
    if (this.engine.memory) return null;
    return `${this.engine.storage.path}-hvec`;
  }

  private base(name: string): string | null {
    const d = this.dir();
    return d === null ? null : path.join(d, encodeURIComponent(name.toLowerCase()));
  }

  private load(def: VectorIndexDef, key: string, table: TableSchema, view: PageView): VectorIndex | null {
    const base = this.base(def.name);
    if (base === null) return null;
    let meta: MetaFile;
    try {
      meta = JSON.parse(fs.readFileSync(`${base}.meta`, 'utf8')) as MetaFile;
    } catch {
      return null;
    }
    // another layout of the same B-tree (ALTER TABLE) is fine: the resync below re-reads every row
    if (meta.version !== 1 || meta.defKey !== key || rootOfSignature(meta.signature) !== table.root) return null;
    const structure = indexMethod(def.method).load(def, base);
    if (structure === null) return null;
    const idx = new VectorIndex(def, key, meta.signature, structure);
    for (const r of meta.unindexed) {
      const n = Number(r);
      idx.unindexed.add(Number.isSafeInteger(n) ? n : BigInt(r));
    }
    idx.stats.loads++;
    vectorIndexCounters.loads++;
    idx.dirty = false;
    if (meta.changeCounter !== view.header.changeCounter || meta.signature !== tableSignature(table)) idx.resync(view, table, 'resync');
    return idx;
  }

  /** Writes changed indexes next to the database (file databases) and frees them. */
  close(): void {
    try {
      this.sync();
      const d = this.dir();
      if (d === null || this.engine.storage.readonly) return;
      const view = this.engine.storage.read();
      const schema = this.engine.committed();
      removeOrphanFiles(d, schema);
      for (const idx of this.built.values()) {
        const base = this.base(idx.def.name)!;
        const committedDef = findVectorIndex(schema, idx.def.name);
        if (!committedDef || defKeyOf(committedDef) !== idx.defKey) {
          removeFiles(base);
          continue;
        }
        if (!idx.dirty) continue;
        fs.mkdirSync(d, { recursive: true });
        removeFiles(base);
        idx.structure.save(base);
        const meta: MetaFile = {
          version: 1,
          defKey: idx.defKey,
          signature: idx.signature,
          changeCounter: view.header.changeCounter,
          unindexed: [...idx.unindexed].map(String),
        };
        fs.writeFileSync(`${base}.meta`, JSON.stringify(meta));
        idx.dirty = false;
      }
    } finally {
      this.built.clear();
      this.pending.clear();
    }
  }

  /** Built indexes (for diagnostics and tests). */
  builtIndexes(): readonly VectorIndex[] {
    return [...this.built.values()];
  }
}

/**
 * Removes the file sets in `dir` that belong to no index of `schema` (a dropped table or
 * column, a renamed table's automatic index, an index dropped while not loaded).
 */
function removeOrphanFiles(dir: string, schema: Schema): void {
  let files: string[];
  try {
    files = fs.readdirSync(dir);
  } catch {
    return; // no index was ever saved
  }
  const live = new Set(vectorIndexDefs(schema).map((d) => encodeURIComponent(d.name.toLowerCase())));
  for (const f of files) {
    const m = /^(.*)\.(meta|graph|labels)$/.exec(f);
    if (m && !live.has(m[1])) removeFiles(path.join(dir, m[1]));
  }
}

function removeFiles(base: string): void {
  for (const ext of ['.meta', '.graph', '.labels']) {
    try {
      fs.unlinkSync(base + ext);
    } catch {
      // absent
    }
  }
}

const states = new WeakMap<VectorEngine, VectorEngineState>();

/**
 * Called by Connection.commitNow right after a write transaction committed: applies the
 * committed changes to the built vector indexes in the same call (see VectorEngineState.committed).
 * Costs one WeakMap lookup when the engine has no vector state.
 */
export function vectorCommitted(engine: VectorEngine): void {
  states.get(engine)?.committed();
}

export function vectorState(engine: VectorEngine): VectorEngineState {
  let s = states.get(engine);
  if (!s) states.set(engine, (s = new VectorEngineState(engine)));
  return s;
}

/**
 * Called by Engine.release before the storage closes: persists the vector indexes.
 * Errors are swallowed (the index files are a cache: a missing one is rebuilt).
 */
export function vectorEngineClosing(engine: VectorEngine): void {
  const s = states.get(engine);
  if (!s) return;
  try {
    s.close();
  } catch {
    // a failed write leaves no meta file, so the next open rebuilds
  }
  states.delete(engine);
}
