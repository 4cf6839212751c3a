// The timeline's rows: the service's goroutine list under the chosen order and filter, fetched
// a page at a time as rows scroll into view (a trace can hold millions of goroutines).

import type { ApiClient } from '../api/client.ts';
import type { GoroutineListRequest, GoroutineRow } from '../../src-main/service/types.ts';

const PAGE = 200;

export type RowFilter = Omit<GoroutineListRequest, 'artefact' | 'offset' | 'limit'>;

export class RowSource {
  /** Rows matching the filter; null until the first page arrives. */
  total: number | null = null;
  private readonly pages = new Map<number, GoroutineRow[] | 'loading'>();
  private closed = false;

  constructor(private readonly api: ApiClient, private readonly artefact: string, readonly filter: RowFilter,
    private readonly onData: () => void, private readonly onError: (message: string) => void) {}

  close(): void {
    this.closed = true;
  }

  /** The row at `i`, or undefined while its page loads (the load is started). */
  row(i: number): GoroutineRow | undefined {
    const page = Math.floor(i / PAGE);
    const rows = this.pages.get(page);
    if (rows === undefined) {
      void this.load(page);
      return undefined;
    }
    return rows === 'loading' ? undefined : rows[i - page * PAGE];
  }

  /** The index of a goroutine among the rows loaded so far, −1 when not loaded. */
  indexOf(goroutine: number): number {
    for (const [page, rows] of this.pages) {
      if (rows === 'loading') continue;
      const i = rows.findIndex((r) => r.id === goroutine);
      if (i >= 0) return page * PAGE + i;
    }
    return -1;
  }

  private async load(page: number): Promise<void> {
    this.pages.set(page, 'loading');
    try {
      const res = await this.api.goroutines({ ...this.filter, artefact: this.artefact, offset: page * PAGE, limit: PAGE });
      if (this.closed) return;
      this.pages.set(page, res.rows);
      this.total = res.total;
      this.onData();
    } catch (e) {
      this.pages.set(page, []);
      if (!this.closed) this.onError(e instanceof Error ? e.message : String(e));
    }
  }
}
