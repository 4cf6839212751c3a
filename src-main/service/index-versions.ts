// Which index of an artefact the service has open. An index job of the app replaces an artefact's
// partial index with a larger one, and at last with the whole index, under the same content hash
// (index-snapshots.ts): the catalogue's indexedAt then differs from the one opened, and the service
// opens the new file. The old connection still reads the replaced file (renamed over, not
// truncated), and is closed a little later, so that a request that awaits between its reads
// (a goroutine's unblock edges are read in slices) finishes on the index it began with.

import type Database from 'better-sqlite3';
import type { Artefact } from '../index/library.ts';

/** How long a replaced index stays open for the requests that were reading it, ms. */
const RETIRE_AFTER_MS = 30_000;

export class IndexVersions {
  private readonly indexedAt = new Map<string, string>();
  private readonly retired = new Set<Database.Database>();

  /** Notes that the index of `artefact`, as catalogued now, was opened. */
  opened(artefact: Artefact): void {
    this.indexedAt.set(artefact.hash, artefact.indexedAt);
  }

  /** True when the open index of `artefact` is not the one catalogued now. */
  isStale(artefact: Artefact): boolean {
    return this.indexedAt.get(artefact.hash) !== artefact.indexedAt;
  }

  /** Closes a replaced index's connection once the requests reading it are done. */
  retire(db: Database.Database): void {
    this.retired.add(db);
    setTimeout(() => {
      if (this.retired.delete(db)) db.close();
    }, RETIRE_AFTER_MS).unref();
  }

  close(): void {
    for (const db of this.retired) db.close();
    this.retired.clear();
  }
}
