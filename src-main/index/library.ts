// The artefact library: a directory holding one SQLite index per artefact and a catalogue
// (library.db) listing them by content hash. The same content is indexed once. An index is
// written under a temporary name and renamed only when complete, so an interrupted indexing
// (crash, kill -9, cancel, a full disk) never leaves a half artefact behind; leftovers of dead
// processes are removed when the library is next opened for writing. User files are only ever read.
//
// Several processes may use one library at once (the CLI, `goroscope serve`, the app). The
// catalogue's write lock orders what they do to the artefacts directory: an index is renamed into
// place and listed in one catalogue transaction, an artefact is unlisted and deleted in another,
// and the sweep for leftovers reads the catalogue and deletes inside a third. So a sweep never
// sees a finished index that is not listed yet, and a process killed between the rename and the
// commit leaves an unlisted file that the next sweep removes. Commands that only read open the
// library read-only and never sweep.

import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DecodeError } from '../decode/errors.ts';
import type { TraceSummary } from '../analyze/trace-summary.ts';
import {
  SNIFF_BYTES, type ArtefactIndexer, type ArtefactKind, type IdleStep, type IndexedContent, type PartialContent, type PartialStop,
} from './artefact-kinds.ts';
import { indexerFor } from './artefact-registry.ts';
import type { IndexTestHooks } from './test-hooks.ts';
import { META_TABLE, SCHEMA_VERSION } from './schema.ts';

export type { ArtefactKind, PartialContent, PartialStop };

/** One catalogue entry. */
export interface Artefact {
  /** SHA-256 of the file's content, hex. */
  readonly hash: string;
  /** The path it was indexed from (the newest one, if the same content came from several). */
  readonly path: string;
  readonly name: string;
  readonly size: number;
  readonly kind: ArtefactKind;
  /** e.g. "1.26" for a trace, "cpu" for a profile, "debug=2" for a dump. */
  readonly format: string;
  readonly indexedAt: string;
  readonly schemaVersion: number;
  /** The kind's summary: a TraceSummary for traces (see traceSummary()). */
  readonly summary: object;
  /** Events, samples or goroutines indexed. */
  readonly items: number;
  readonly durationNs: number;
  readonly goroutines: number;
  /** Set when the file was damaged: the index covers what was decodable before it. */
  readonly warning: string | null;
  /** The user's label for it ("" when none): six files named trace.out need telling apart. */
  readonly label: string;
  /** When it was last opened in the UI (ISO 8601), null when never: the recent artefacts. */
  readonly openedAt: string | null;
  /**
   * Set when the index holds only the trace's first generations (`goroscope index --keep-partial`
   * interrupted): nothing after `indexedUntilNs` was read, goroutines alive there continue, and
   * its "at the end" figures (blocked at end, leaks) are at that frontier. Null when complete.
   */
  readonly partial: PartialContent | null;
}

/** Longest label kept, in characters. */
export const MAX_LABEL_LENGTH = 200;

export type IndexPhase = 'hashing' | 'decoding' | 'finishing' | 'done';

export interface IndexProgress {
  readonly phase: IndexPhase;
  readonly bytes: number;
  readonly totalBytes: number;
  readonly events: number;
  /** Seconds left, estimated from the bytes decoded so far (null until known). */
  readonly etaSeconds: number | null;
}

export interface IndexOptions {
  onProgress?: (p: IndexProgress) => void;
  /** Polled during indexing; when it returns true the indexing stops and leaves nothing behind. */
  shouldCancel?: () => boolean;
  /** Re-index even when an up-to-date index exists. */
  force?: boolean;
  /**
   * Stop a trace's indexing early at a generation boundary (see PartialStop). What was read is
   * then catalogued marked partial with `keepPartial`, and otherwise thrown away: index() throws
   * IndexStopped, which carries the partial summary.
   */
  stop?: PartialStop;
  keepPartial?: boolean;
}

export interface IndexOutcome {
  readonly artefact: Artefact;
  /** True when an existing index was reused. */
  readonly reused: boolean;
}

export interface LibraryOptions {
  /**
   * Open an existing library for reading only (ls, stats, query): nothing is created, migrated
   * or swept, and index() and remove() are refused.
   */
  readOnly?: boolean;
  /** The crash and cancellation tests' hooks (test-hooks.ts); none in normal use. */
  testHooks?: IndexTestHooks;
}

export class IndexCancelled extends Error {
  constructor(file: string) {
    super(`${file}: indexing cancelled`);
  }
}

/** An indexing stopped early (IndexOptions.stop) and not kept: what it had read, nothing of which stays in the library. */
export class IndexStopped extends Error {
  constructor(file: string, readonly content: IndexedContent & { partial: PartialContent }, readonly totalBytes: number) {
    super(`${file}: indexing stopped after ${content.partial.generations} generations`);
  }
}

const CATALOGUE = `
CREATE TABLE IF NOT EXISTS artefacts (
  items INTEGER NOT NULL,
  duration_ns INTEGER NOT NULL,
  goroutines INTEGER NOT NULL,
  hash TEXT PRIMARY KEY,
  path TEXT NOT NULL,
  name TEXT NOT NULL,
  size INTEGER NOT NULL,
  kind TEXT NOT NULL,
  format TEXT NOT NULL,
  indexed_at TEXT NOT NULL,
  schema_version INTEGER NOT NULL,
  summary TEXT NOT NULL,
  warning TEXT,
  label TEXT NOT NULL DEFAULT '',
  opened_at TEXT,
  partial TEXT
);`;

/** Columns added to the catalogue after its first version, added in place to older catalogues (labels and opening times survive re-indexing). */
const CATALOGUE_MIGRATIONS: readonly [column: string, ddl: string][] = [
  ['label', "ALTER TABLE artefacts ADD COLUMN label TEXT NOT NULL DEFAULT ''"],
  ['opened_at', 'ALTER TABLE artefacts ADD COLUMN opened_at TEXT'],
  ['partial', 'ALTER TABLE artefacts ADD COLUMN partial TEXT'],
];

/** The per-user application data directory of this OS, where the library lives by default. */
export function defaultLibraryDir(): string {
  if (process.env.GOROSCOPE_LIBRARY) return process.env.GOROSCOPE_LIBRARY;
  const home = os.homedir();
  switch (process.platform) {
    case 'darwin': return path.join(home, 'Library', 'Application Support', 'Goroscope');
    case 'win32': return path.join(process.env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), 'Goroscope');
    default: return path.join(process.env.XDG_DATA_HOME ?? path.join(home, '.local', 'share'), 'goroscope');
  }
}

/** Progress callbacks are rate-limited to one per this many ms. */
const PROGRESS_INTERVAL_MS = 100;

/** A crash test's stall point (IndexTestHooks.stallAt): says "stalled" on stderr and waits forever there. */
function stallForCrashTest(hooks: IndexTestHooks, point: '1' | 'renamed'): void {
  if (hooks.stallAt !== point) return;
  process.stderr.write('stalled\n');
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
}

export class Library {
  readonly dir: string;
  readonly readOnly: boolean;
  private readonly artefactDir: string;
  private readonly testHooks: IndexTestHooks;
  private readonly db: Database.Database;
  /**
   * False when a read-only library's catalogue is older than the artefact kinds (a writer would
   * start it afresh): to readers it is then empty.
   */
  private catalogued = true;

  constructor(dir = defaultLibraryDir(), options: LibraryOptions = {}) {
    this.dir = path.resolve(dir);
    this.readOnly = options.readOnly === true;
    this.testHooks = options.testHooks ?? {};
    this.artefactDir = path.join(this.dir, 'artefacts');
    const catalogue = path.join(this.dir, 'library.db');
    const walFiles = [`${catalogue}-wal`, `${catalogue}-shm`];
    const walFilesExisted = walFiles.some((f) => fs.existsSync(f));
    try {
      if (!this.readOnly) fs.mkdirSync(this.artefactDir, { recursive: true });
      this.db = new Database(catalogue, this.readOnly ? { readonly: true, fileMustExist: true } : {});
    } catch (e) {
      throw storageFailure(e, `cannot open the library in ${this.dir}`);
    }
    try {
      this.db.pragma('busy_timeout = 5000');
      if (this.readOnly) {
        this.catalogued = catalogueColumns(this.db).includes('items');
        return;
      }
      this.db.pragma('journal_mode = WAL');
      // Catalogues from before artefact kinds lack the per-kind columns: start afresh (their
      // indexes are then uncatalogued and removed as leftovers).
      const columns = catalogueColumns(this.db);
      if (columns.length > 0 && !columns.includes('items')) this.db.exec('DROP TABLE artefacts');
      this.db.exec(CATALOGUE);
      const present = catalogueColumns(this.db);
      for (const [column, ddl] of CATALOGUE_MIGRATIONS) if (!present.includes(column)) this.db.exec(ddl);
      this.removeLeftovers();
    } catch (e) {
      // Closed here, or its -wal and -shm files would stay until the library is next opened. On a
      // full disk SQLite cannot remove them itself: they go when this opening made them and the
      // log holds nothing (no other connection was open, or they would have existed before).
      this.db.close();
      if (!this.readOnly && !walFilesExisted && fs.existsSync(walFiles[0]) && fs.statSync(walFiles[0]).size === 0) {
        for (const f of walFiles) fs.rmSync(f, { force: true });
      }
      throw storageFailure(e, `cannot open the library in ${this.dir}`);
    }
  }

  /** Opens the library in `dir` for reading only, if one exists there (commands that merely read use this). */
  static openReadOnly(dir = defaultLibraryDir()): Library | null {
    return fs.existsSync(path.join(dir, 'library.db')) ? new Library(dir, { readOnly: true }) : null;
  }

  /** The artefact indexed from this file's content, if any (hashes the file). */
  findByContent(file: string): Artefact | null {
    return this.get(hashFile(file));
  }

  close(): void {
    this.db.close();
  }

  /** Path of an artefact's index file. */
  indexPath(hash: string): string {
    return path.join(this.artefactDir, `${hash}.db`);
  }

  list(): Artefact[] {
    return this.rows('SELECT * FROM artefacts ORDER BY indexed_at DESC').map(fromRow);
  }

  get(hash: string): Artefact | null {
    const [row] = this.rows('SELECT * FROM artefacts WHERE hash = ?', hash);
    return row ? fromRow(row) : null;
  }

  /**
   * Finds an artefact by the path it was indexed from, its content hash, or a unique prefix of
   * the hash. Throws with a clear message when the reference is ambiguous or unknown.
   */
  resolve(ref: string): Artefact {
    if (fs.existsSync(ref) && fs.statSync(ref).isFile()) {
      const [byPath] = this.rows('SELECT * FROM artefacts WHERE path = ? ORDER BY indexed_at DESC LIMIT 1', path.resolve(ref));
      if (byPath) return fromRow(byPath);
      const hashed = this.get(hashFile(ref));
      if (hashed) return hashed;
      throw new LibraryError(`${ref} is not indexed yet: run goroscope index ${ref}`);
    }
    if (!/^[0-9a-f]{4,64}$/.test(ref)) throw new LibraryError(`${ref}: no such file, and not a content hash (expected 4 to 64 hex digits)`);
    const rows = this.rows('SELECT * FROM artefacts WHERE hash LIKE ? LIMIT 3', `${ref}%`);
    if (rows.length === 0) throw new LibraryError(`no artefact with hash ${ref} in ${this.dir}`);
    if (rows.length > 1) throw new LibraryError(`hash prefix ${ref} is ambiguous: ${rows.map((r) => r.hash.slice(0, 12)).join(', ')}…`);
    return fromRow(rows[0]);
  }

  /** Sets (or, with "", clears) an artefact's label: one line, at most MAX_LABEL_LENGTH characters. */
  setLabel(hash: string, label: string): Artefact {
    this.mustWrite('label artefacts');
    const clean = label.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ').trim();
    if (clean.length > MAX_LABEL_LENGTH) throw new LibraryError(`a label has at most ${MAX_LABEL_LENGTH} characters, this one ${clean.length}`);
    this.updateRow(hash, 'UPDATE artefacts SET label = ? WHERE hash = ?', clean);
    return this.get(hash)!;
  }

  /** Notes that an artefact was opened now (the UI's recent artefacts). */
  markOpened(hash: string, at = new Date()): Artefact {
    this.mustWrite('note openings');
    this.updateRow(hash, 'UPDATE artefacts SET opened_at = ? WHERE hash = ?', at.toISOString());
    return this.get(hash)!;
  }

  /** The artefacts opened most recently, newest first. */
  recent(limit: number): Artefact[] {
    return this.catalogueHas('opened_at')
      ? this.rows('SELECT * FROM artefacts WHERE opened_at IS NOT NULL ORDER BY opened_at DESC, hash LIMIT ?', limit).map(fromRow)
      : [];
  }

  private updateRow(hash: string, sql: string, value: string): void {
    let changed: number;
    try {
      changed = this.db.prepare(sql).run(value, hash).changes;
    } catch (e) {
      throw storageFailure(e, `cannot update ${hash.slice(0, 12)} in the library in ${this.dir}`);
    }
    if (changed === 0) throw new LibraryError(`no artefact with hash ${hash} in ${this.dir}`);
  }

  private catalogueHas(column: string): boolean {
    return this.catalogued && catalogueColumns(this.db).includes(column);
  }

  /** Unlists an artefact and deletes its index, in one catalogue transaction (see the top of this file). */
  remove(hash: string): boolean {
    this.mustWrite('remove artefacts');
    try {
      return this.db.transaction(() => {
        const removed = this.db.prepare('DELETE FROM artefacts WHERE hash = ?').run(hash).changes > 0;
        fs.rmSync(this.indexPath(hash), { force: true });
        return removed;
      }).immediate();
    } catch (e) {
      throw storageFailure(e, `cannot remove ${hash.slice(0, 12)} from the library in ${this.dir}`);
    }
  }

  /** True when the artefact's index exists and has the current schema. */
  isCurrent(a: Artefact): boolean {
    return a.schemaVersion === SCHEMA_VERSION && fs.existsSync(this.indexPath(a.hash));
  }

  /**
   * Indexes a trace, profile or dump (or reuses its index). Bad input throws a DecodeError; a
   * failure to write (a full disk) a one-line LibraryError, leaving nothing behind.
   */
  index(file: string, options: IndexOptions = {}): IndexOutcome {
    this.mustWrite('index files');
    const started = performance.now();
    const stat = statInput(file);
    let lastReport = 0;
    const report = (phase: IndexPhase, bytes: number, items: number) => {
      if (!options.onProgress) return;
      const elapsed = (performance.now() - started) / 1000;
      const eta = phase === 'decoding' && bytes > stat.size * 0.02 ? elapsed * (stat.size - bytes) / bytes : null;
      options.onProgress({ phase, bytes, totalBytes: stat.size, events: items, etaSeconds: eta });
    };
    /** The artefact already indexed from this content, reused. */
    const reuse = (hash: string): IndexOutcome | null => {
      const existing = this.get(hash);
      // A partial index never stands for the file: indexing it again completes it.
      if (!existing || options.force || !this.isCurrent(existing) || existing.partial) return null;
      if (existing.path !== path.resolve(file)) {
        this.db.prepare('UPDATE artefacts SET path = ?, name = ? WHERE hash = ?').run(path.resolve(file), path.basename(file), hash);
      }
      report('done', stat.size, existing.items);
      return { artefact: this.get(hash)!, reused: true };
    };
    const kind = indexerOf(file, readHead(file));
    // The content hash says whether the file was indexed already. Most kinds hash first; a large
    // trace is hashed while it is indexed, by the thread that writes when it would wait for the
    // decoding thread, and indexing stops as soon as the hash names an index that exists.
    const hasher = new FileHasher(file);
    const tmp = path.join(this.artefactDir, `new.db.tmp-${process.pid}-${Math.random().toString(36).slice(2, 8)}`);
    try {
      if (!kind.hashesWhileIndexing(stat.size)) {
        report('hashing', 0, 0);
        const reused = reuse(hasher.finish());
        if (reused) return reused;
      }
      /** The index that exists already, found by hashing while the indexer waited (it then stops). */
      let indexedAlready: IndexOutcome | null = null;
      const idle = (): IdleStep => {
        if (hasher.done) return false;
        if (!hasher.step()) return true;
        indexedAlready = reuse(hasher.finish());
        return indexedAlready ? 'stop' : true;
      };
      let stalled = false;
      const progress = (bytes: number, items: number) => {
        if (!stalled) {
          stalled = true;
          if (this.testHooks.announceProgress) process.stderr.write('indexing\n');
          stallForCrashTest(this.testHooks, '1');
        }
        const slowMs = this.testHooks.slowStepMs;
        if (slowMs) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, slowMs);
        if (options.shouldCancel?.()) throw new IndexCancelled(file);
        const now = performance.now();
        if (now - lastReport < PROGRESS_INTERVAL_MS) return;
        lastReport = now;
        report('decoding', bytes, items);
      };
      let hash = '';
      const content = writeIndexFile(tmp, kind, file, stat.size, progress, idle, (loaded) => {
        if (loaded.partial && !options.keepPartial) throw new IndexStopped(file, loaded as IndexedContent & { partial: PartialContent }, stat.size);
        report('finishing', stat.size, loaded.items); // the index builds that follow the load take a while
        hash = hasher.finish();
        return {
          schema_version: String(SCHEMA_VERSION), kind: kind.kind, format: loaded.format, hash,
          source_path: path.resolve(file), size: String(stat.size), summary: JSON.stringify(loaded.summary),
          warning: loaded.warning ?? '',
        };
      }, options.stop);
      if (content === null) return indexedAlready!;
      // Hashed to the end only now (no idle time to do it in): indexed already after all?
      const reused = reuse(hash);
      if (reused) return reused;
      const previous = this.get(hash);
      const artefact: Artefact = {
        hash, path: path.resolve(file), name: path.basename(file), size: stat.size, kind: kind.kind, format: content.format,
        indexedAt: new Date().toISOString(), schemaVersion: SCHEMA_VERSION, summary: content.summary,
        items: content.items, durationNs: content.durationNs, goroutines: content.goroutines, warning: content.warning,
        label: previous?.label ?? '', openedAt: previous?.openedAt ?? null, partial: content.partial ?? null,
      };
      this.catalogue(tmp, artefact);
      report('done', stat.size, content.items);
      return { artefact, reused: false };
    } catch (e) {
      if (e instanceof IndexStopped) throw e;
      throw storageFailure(e, `${file}: cannot index into ${this.dir}`);
    } finally {
      hasher.close();
      fs.rmSync(tmp, { force: true });
    }
  }

  /**
   * Moves the finished index `tmp` into place and lists `a`, in one catalogue transaction: until
   * it commits, no other process lists the artefact or sweeps the artefacts directory, and if it
   * fails (a full disk) the index is deleted again.
   */
  private catalogue(tmp: string, a: Artefact): void {
    const target = this.indexPath(a.hash);
    let renamed = false;
    try {
      this.db.exec('BEGIN IMMEDIATE');
      // A re-index keeps the row's label and opening time.
      this.db.prepare(`INSERT INTO artefacts (hash, path, name, size, kind, format, indexed_at, schema_version,
        summary, items, duration_ns, goroutines, warning, partial) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (hash) DO UPDATE SET path = excluded.path, name = excluded.name, size = excluded.size, kind = excluded.kind,
          format = excluded.format, indexed_at = excluded.indexed_at, schema_version = excluded.schema_version, summary = excluded.summary,
          items = excluded.items, duration_ns = excluded.duration_ns, goroutines = excluded.goroutines, warning = excluded.warning,
          partial = excluded.partial`).run(
        a.hash, a.path, a.name, a.size, a.kind, a.format, a.indexedAt, a.schemaVersion, JSON.stringify(a.summary), a.items,
        a.durationNs, a.goroutines, a.warning, a.partial ? JSON.stringify(a.partial) : null);
      fs.renameSync(tmp, target);
      renamed = true;
      stallForCrashTest(this.testHooks, 'renamed');
      this.db.exec('COMMIT');
    } catch (e) {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      if (renamed) fs.rmSync(target, { force: true });
      throw e;
    }
  }

  /**
   * Removes temporary index files left by processes that no longer exist, and uncatalogued
   * indexes (of a process killed between its rename and its commit), holding the catalogue's
   * write lock so that no index is renamed into place meanwhile.
   */
  private removeLeftovers(): void {
    this.db.transaction(() => {
      const catalogued = new Set(this.db.prepare('SELECT hash FROM artefacts').pluck().all() as string[]);
      for (const f of fs.readdirSync(this.artefactDir)) {
        const tmp = /\.db\.tmp-(\d+)-/.exec(f);
        const index = /^([0-9a-f]{64})\.db$/.exec(f);
        if ((tmp && !processAlive(Number(tmp[1]))) || (index && !catalogued.has(index[1]))) {
          fs.rmSync(path.join(this.artefactDir, f), { force: true });
        }
      }
    }).immediate();
  }

  /** Catalogue rows; none when a read-only library's catalogue is from before artefact kinds. */
  private rows(sql: string, ...params: unknown[]): CatalogueRow[] {
    return this.catalogued ? this.db.prepare(sql).all(...params) as CatalogueRow[] : [];
  }

  private mustWrite(what: string): void {
    if (this.readOnly) throw new LibraryError(`cannot ${what}: the library in ${this.dir} is open read-only`);
  }
}

export class LibraryError extends Error {}

/** The columns of a catalogue's artefacts table (none before it is created). */
function catalogueColumns(db: Database.Database): string[] {
  return db.prepare("SELECT name FROM pragma_table_info('artefacts')").pluck().all() as string[];
}

/**
 * A failure to read or write the library's own files (SQLite errors, system errors: a full disk,
 * a failing one, permissions) as one line naming what failed; other errors are returned as they are.
 */
function storageFailure(e: unknown, what: string): unknown {
  if (e instanceof LibraryError || e instanceof DecodeError || e instanceof IndexCancelled || e instanceof IndexStopped || !(e instanceof Error)) return e;
  const code = (e as { code?: unknown }).code;
  if (typeof code !== 'string') return e;
  if (!(e instanceof Database.SqliteError) && !/^E[A-Z]+$/.test(code)) return e;
  // SHMSIZE: the -shm file of the catalogue's write-ahead log could not be extended.
  const why = code === 'SQLITE_FULL' || code === 'SQLITE_IOERR_SHMSIZE' || code === 'ENOSPC' || code === 'EDQUOT' ? 'the disk is full'
    : code === 'EFBIG' ? 'the file size limit was reached'
    : code.startsWith('SQLITE_IOERR') || code === 'EIO' ? 'disk I/O error (is the disk full or failing?)'
    : e.message.split('\n')[0];
  return new LibraryError(`${what}: ${why}`, { cause: e });
}

interface CatalogueRow {
  hash: string;
  path: string;
  name: string;
  size: number;
  kind: ArtefactKind;
  format: string;
  indexed_at: string;
  schema_version: number;
  summary: string;
  items: number;
  duration_ns: number;
  goroutines: number;
  warning: string | null;
  /** Absent in a read-only catalogue from before labels. */
  label?: string;
  opened_at?: string | null;
  /** JSON of a PartialContent; absent in a read-only catalogue from before partial indexes. */
  partial?: string | null;
}

function fromRow(r: CatalogueRow): Artefact {
  return {
    hash: r.hash, path: r.path, name: r.name, size: r.size, kind: r.kind, format: r.format, indexedAt: r.indexed_at,
    schemaVersion: r.schema_version, summary: JSON.parse(r.summary) as object, items: r.items, durationNs: r.duration_ns,
    goroutines: r.goroutines, warning: r.warning, label: r.label ?? '', openedAt: r.opened_at ?? null,
    partial: r.partial ? JSON.parse(r.partial) as PartialContent : null,
  };
}

/**
 * Writes `kind`'s index of `file` into the new SQLite file `dbFile`: the settings for a fresh
 * index, the kind's tables, its rows and the meta rows `metaFor` returns in one transaction, then
 * the kind's indexes. The caller removes `dbFile` if this throws. The library writes every index
 * through it; the benchmarks time indexing alone with it.
 */
export function writeIndexFile(dbFile: string, kind: ArtefactIndexer, file: string, size: number,
  progress: (bytes: number, items: number) => void, idle: () => false,
  metaFor: (content: IndexedContent) => Record<string, string>, stop?: PartialStop): IndexedContent;
/** With an `idle` that may say 'stop' (IdleStep): null when it did, and nothing was written. */
export function writeIndexFile(dbFile: string, kind: ArtefactIndexer, file: string, size: number,
  progress: (bytes: number, items: number) => void, idle: () => IdleStep,
  metaFor: (content: IndexedContent) => Record<string, string>, stop?: PartialStop): IndexedContent | null;
export function writeIndexFile(dbFile: string, kind: ArtefactIndexer, file: string, size: number,
  progress: (bytes: number, items: number) => void, idle: () => IdleStep,
  metaFor: (content: IndexedContent) => Record<string, string>, stop?: PartialStop): IndexedContent | null {
  const db = new Database(dbFile);
  try {
    // A temporary file that is discarded on failure needs no journal and no fsync.
    db.pragma('journal_mode = OFF');
    db.pragma('synchronous = OFF');
    // Interval chunks are rows of 1–1.5 kB: 16 kB pages waste a few percent on their tails
    // where 4 kB pages wasted a fifth (a 168 MB trace's index: 566 → 530 MB).
    db.pragma('page_size = 16384');
    db.pragma('cache_size = -65536');
    // Sorts for the index builds after the load may use a second core.
    db.pragma('threads = 2');
    db.exec(META_TABLE);
    db.exec(kind.tables);
    db.exec('BEGIN');
    const content = kind.index({ db, file, size, progress, idle, stop });
    if (content === null) return null; // the transaction is rolled back as the database closes
    const insert = db.prepare('INSERT INTO meta VALUES (?, ?)');
    for (const [k, v] of Object.entries({ ...content.meta, ...metaFor(content) })) insert.run(k, v);
    db.exec('COMMIT');
    db.exec(kind.indexes);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
    return content;
  } finally {
    db.close();
  }
}

/** A trace artefact's summary; throws for other kinds. */
export function traceSummary(a: Artefact): TraceSummary {
  if (a.kind !== 'trace') throw new LibraryError(`${a.name} is a ${a.kind}, not an execution trace`);
  return a.summary as TraceSummary;
}

/** The first bytes of a file (at most SNIFF_BYTES), to tell its kind. */
export function readHead(file: string): Uint8Array {
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.alloc(SNIFF_BYTES);
    return buf.subarray(0, fs.readSync(fd, buf, 0, SNIFF_BYTES, 0));
  } finally {
    fs.closeSync(fd);
  }
}

/** True when a process of this ID exists (another user's included); 0 is no process. */
export function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Stat of an input file, with the decoder's error for what is not a readable file. */
function statInput(file: string): fs.Stats {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    throw new DecodeError(file, -1, 'not-a-file', 'cannot open: no such file');
  }
  if (stat.isDirectory()) throw new DecodeError(file, -1, 'not-a-file', 'is a directory, expected a file');
  // A device or a pipe could be read forever (/dev/zero) or only once (the hash, then the index).
  if (!stat.isFile()) throw new DecodeError(file, -1, 'not-a-file', 'is not a regular file (a device, pipe or socket)');
  // Files whose size is 0 but which read as something (/proc/self/environ) are not artefacts either.
  if (stat.size === 0) throw new DecodeError(file, 0, 'empty', 'empty file: expected a Go execution trace, pprof profile or goroutine dump');
  return stat;
}

/**
 * The indexer for `file`. An unrecognised file's error does not quote its first bytes as the
 * registry's does: hosts hand this message to whoever asked for the file, who may not be
 * allowed to read it (`startIndex('/proc/self/environ')` would answer "SHELL=/b…").
 */
function indexerOf(file: string, head: Uint8Array): ArtefactIndexer {
  try {
    return indexerFor(file, head);
  } catch (e) {
    if (e instanceof DecodeError && e.code === 'wrong-type') {
      throw new DecodeError(file, 0, 'wrong-type', 'unrecognised file: expected a Go execution trace, pprof profile or goroutine dump');
    }
    throw e;
  }
}

/** SHA-256 of a file's content, read in chunks. */
export function hashFile(file: string): string {
  const hasher = new FileHasher(file);
  try {
    return hasher.finish();
  } finally {
    hasher.close();
  }
}

/** SHA-256 of a file, a step (a megabyte) at a time, so that it can be computed in between other work. */
class FileHasher {
  private readonly hash = createHash('sha256');
  private readonly fd: number;
  private readonly buf = Buffer.allocUnsafe(1 << 20);
  private digest: string | null = null;

  constructor(file: string) {
    this.fd = fs.openSync(file, 'r');
  }

  get done(): boolean {
    return this.digest !== null;
  }

  /** Hashes the next step; true when that was the last. */
  step(): boolean {
    if (this.digest !== null) return true;
    const n = fs.readSync(this.fd, this.buf, 0, this.buf.length, null);
    if (n === 0) {
      this.digest = this.hash.digest('hex');
      return true;
    }
    this.hash.update(this.buf.subarray(0, n));
    return false;
  }

  /** The hex digest, hashing what is left. */
  finish(): string {
    while (!this.step());
    return this.digest!;
  }

  close(): void {
    fs.closeSync(this.fd);
  }
}

