// One request's result for a view: the latest answer wins (an older request finishing late is
// dropped), and the previous value stays shown while the next loads, so tables do not flicker.

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export class Loader<T> {
  value = $state.raw<T | null>(null);
  error = $state<string | null>(null);
  loading = $state(false);
  private seq = 0;

  /** Starts `fetch` (called at once, so an $effect tracks what it reads). */
  run(fetch: () => Promise<T>): void {
    const mine = ++this.seq;
    this.loading = true;
    fetch().then(
      (v) => {
        if (mine !== this.seq) return;
        this.value = v;
        this.error = null;
        this.loading = false;
      },
      (e: unknown) => {
        if (mine !== this.seq) return;
        this.error = errorMessage(e);
        this.loading = false;
      },
    );
  }

  /** Forgets the value (another artefact: the old one must not show under the new name). */
  reset(): void {
    this.seq++;
    this.value = null;
    this.error = null;
    this.loading = false;
  }
}
