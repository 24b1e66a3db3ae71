/**
 * Engine: the per-database state shared by every connection of the process on that file: the
 * storage (pages, log, lock), the committed schema, and the built-in functions. Connections on
 * the same path share one Engine (reference counted); ':memory:' and '' always get their own.
 */
import { MemoryVfs, openStorage } from '../storage/index.js';
import type { PageView, Storage } from '../storage/api.js';
import type { Schema } from '../catalog/schema.js';
import { loadSchema } from '../catalog/schema-store.js';
import { builtinRegistry } from './functions/builtins.js';
import type { FunctionRegistry } from './functions/registry.js';
import { MvccState } from './time-travel/state.js';
import { VersionLog } from '../mvcc/version-log.js';
import type { ConflictPolicy } from '../mvcc/concurrent-commit.js';
import * as path from 'node:path';
import { vectorEngineClosing } from '../vector/state.js'; // vector: close hook

const engines = new Map<string, Engine>();

export interface EngineOpenOptions {
  readonly readonly: boolean;
  readonly fileMustExist: boolean;
  readonly image?: Uint8Array;
}

export class Engine {
  private refs = 0;
  private committedSchema: Schema | null = null;
  private committedCookie = -1;
  /** The connection holding the storage's write transaction, if any. */
  writer: object | null = null;
  readonly functions: FunctionRegistry = builtinRegistry();
  /** Clock, retention and commit stamps of this database (time-travel/state.ts). */
  readonly mvcc = new MvccState();
  /** In-memory history serving the read snapshots of connections (mvcc/version-log.ts). */
  readonly versions = new VersionLog();
  /**
   * Open read-write-capable connections (db.asOf() connections excluded). With more than one,
   * reads are snapshot reads and write transactions capture their changes for the VersionLog.
   */
  sessions = 0;
  /**
   * Read transactions that began while this was the only connection and read the latest state
   * directly (no snapshot): while any is open, other connections may not commit (SQLITE_BUSY).
   */
  rawReaders = 0;
  /**
   * PRAGMA helios_concurrent_writes (MVCC step B; not persisted, default on): explicit
   * transactions of several connections write concurrently into private write sets, validated
   * at COMMIT (first committer wins). Off: one writer at a time, others get SQLITE_BUSY.
   */
  concurrentWrites = true;
  /**
   * The connection holding the exclusive slot of BEGIN IMMEDIATE / EXCLUSIVE, or null. While
   * it is held, another BEGIN IMMEDIATE/EXCLUSIVE, autocommit writes and COMMITs of concurrent
   * transactions of other connections get SQLITE_BUSY, so the holder's COMMIT never conflicts.
   */
  immediate: object | null = null;
  /**
   * PRAGMA helios_conflict (not persisted): what the COMMIT of a concurrent write transaction
   * does when another connection committed a change to the same row after its snapshot.
   */
  conflictPolicy: ConflictPolicy = 'first_committer_wins';

  private constructor(
    readonly storage: Storage,
    private readonly key: string | null,
    readonly memory: boolean,
  ) {}

  static open(file: string, options: EngineOpenOptions): Engine {
    const memory = file === '' || file === ':memory:' || options.image !== undefined;
    if (memory) {
      let storage: Storage;
      if (options.image) {
        // a deserialized image: a private in-memory file holding the image
        const vfs = new MemoryVfs();
        vfs.writeFile('image.db', options.image);
        storage = openStorage('image.db', { readonly: false, fileMustExist: true, vfs });
      } else {
        storage = openStorage(':memory:', { readonly: false, fileMustExist: false });
      }
      const e = new Engine(storage, null, true);
      e.refs = 1;
      return e;
    }
    const key = path.resolve(file);
    let e = engines.get(key);
    if (!e) {
      const storage = openStorage(file, { readonly: options.readonly, fileMustExist: options.fileMustExist });
      e = new Engine(storage, key, false);
      engines.set(key, e);
    }
    e.refs++;
    // a second connection may read: the writer stops overwriting committed pages in place
    if (e.refs > 1) e.storage.stopInPlaceWrites();
    return e;
  }

  /** Whether several connections share this engine (snapshot reads are needed). */
  get concurrent(): boolean {
    return this.sessions > 1;
  }

  /** Another connection to this engine (db.asOf()); balanced by release(). */
  retain(): this {
    this.refs++;
    this.storage.stopInPlaceWrites();
    return this;
  }

  /** Whether only one connection uses this engine (its write transactions may write in place, txn.ts invariant 5). */
  get alone(): boolean {
    return this.refs === 1;
  }

  release(): void {
    if (--this.refs > 0) return;
    if (this.key !== null) engines.delete(this.key);
    vectorEngineClosing(this); // vector: persist HNSW indexes next to the database (engine/vector/state.ts)
    this.storage.close();
  }

  /** The schema of the committed state (cached until the schema cookie changes). */
  committed(): Schema {
    const view = this.storage.read();
    return this.schemaOf(view);
  }

  schemaOf(view: PageView): Schema {
    const cookie = view.header.schemaCookie;
    if (this.committedSchema && cookie === this.committedCookie) return this.committedSchema;
    const s = loadSchema(view);
    this.committedSchema = s;
    this.committedCookie = cookie;
    return s;
  }

  /** Forget the cached schema (after a commit or rollback that may have changed it). */
  invalidateSchema(): void {
    this.committedSchema = null;
    this.committedCookie = -1;
  }
}
