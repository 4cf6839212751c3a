// What the library needs to know about each kind of artefact it can index: how to recognise a
// file of that kind from its first bytes, the tables of its index, and how to fill them. The
// library (library.ts) owns hashing, the temporary file, the rename and the catalogue; a kind's
// indexer only writes rows into the fresh database it is handed.

import type Database from 'better-sqlite3';

export type ArtefactKind = 'trace' | 'profile' | 'dump';

/** How many leading bytes of a file the library reads to tell its kind. */
export const SNIFF_BYTES = 4096;

export interface IndexContext {
  /** A fresh, empty database inside an open transaction; the kind's `tables` already exist. */
  readonly db: Database.Database;
  /** The input file (read it; never write it). */
  readonly file: string;
  readonly size: number;
  /**
   * Reports progress: bytes of the input consumed so far and items (events, samples,
   * goroutines) indexed so far. Throws IndexCancelled when the user cancelled: let it propagate.
   * Call it every few tens of thousands of items or megabytes, not per item.
   */
  progress(bytes: number, items: number): void;
  /**
   * For an indexer that waits for another thread: call it instead of waiting. It does a step of
   * the library's own work (hashing the input, see ArtefactIndexer.hashesWhileIndexing); see IdleStep.
   */
  idle(): IdleStep;
  /** When a kind that reads in generations (traces) stops early, leaving a partial index (see PartialStop). */
  readonly stop?: PartialStop;
}

/**
 * What a step of the library's idle work says: true when it did some, false when nothing is left
 * to do, 'stop' when the content turned out to be indexed already: the indexer then stops at once
 * and returns null (its index is not needed).
 */
export type IdleStep = boolean | 'stop';

/**
 * Stopping an indexing early at a generation boundary, keeping what was read: the index of the
 * trace's first generations, marked partial (IndexedContent.partial). Only traces have generations.
 */
export interface PartialStop {
  /** Stop once this many generations are indexed (tests, and `goroscope index --stop-after-generations`). */
  readonly afterGenerations?: number;
  /** One Int32 in shared memory, read at each generation boundary: 1 stops there (Ctrl-C). */
  readonly flag?: SharedArrayBuffer;
}

/** What a partial index covers: its first `generations` generations, up to the indexed frontier. */
export interface PartialContent {
  /** The frontier: time of the last event indexed (ns since the first event); nothing after it was read. */
  readonly indexedUntilNs: number;
  readonly generations: number;
  /** Bytes of the input read up to the frontier (to say how much is left). */
  readonly bytesIndexed: number;
}

/** What a kind's indexer hands back once its rows are written. */
export interface IndexedContent {
  /** Kind-specific format, shown to users: "1.26" for a trace, "cpu"/"heap"… for a profile, "debug=2" for a dump. */
  readonly format: string;
  /** Kind-specific summary, JSON-serialisable; stored in the catalogue and shown by `stats`/the overview. */
  readonly summary: object;
  /** Items indexed (events, samples, goroutines): shown in the library listing. */
  readonly items: number;
  /** Time span covered, in ns (0 when the kind has no time axis). */
  readonly durationNs: number;
  /** Goroutines the artefact describes (0 when not applicable). */
  readonly goroutines: number;
  /** Set when the input was damaged and only part of it was indexed: one line, with file and offset. */
  readonly warning: string | null;
  /** Extra key/value rows for the index's `meta` table. */
  readonly meta?: Readonly<Record<string, string>>;
  /** Set when the indexing stopped early (IndexContext.stop) before the input's end. */
  readonly partial?: PartialContent;
}

export interface ArtefactIndexer {
  readonly kind: ArtefactKind;
  /** True when a file starting with these bytes is of this kind (`head` holds at most SNIFF_BYTES). */
  sniff(head: Uint8Array): boolean;
  /** DDL run before loading (CREATE TABLE …). Must not create `meta`: the library does. */
  readonly tables: string;
  /** DDL run after the load commits (CREATE INDEX …): building indexes after a bulk load is 3–4× faster. */
  readonly indexes: string;
  /**
   * Decodes the file and writes its rows. Throws DecodeError when nothing usable could be read.
   * Null when `ctx.idle` said 'stop' (only kinds that call it, see hashesWhileIndexing).
   */
  index(ctx: IndexContext): IndexedContent | null;
  /**
   * True when indexing a file of this size calls `ctx.idle` while it waits: the library then
   * hashes the file meanwhile instead of before (the hash tells whether it was indexed already).
   */
  hashesWhileIndexing(size: number): boolean;
}
