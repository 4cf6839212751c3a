// The index jobs the page knows about, kept current from the host's job events. Jobs this page
// started open their artefact's overview at their first snapshot (a partial index of a trace, see
// service/index-snapshots.ts) or when they finish. Each artefact's revision changes when a job
// replaces its index (a larger snapshot, the whole index): views about it reload, in place.

import { api } from '../api/index.ts';
import type { IndexJob } from '../api/client.ts';
import { SvelteMap, SvelteSet } from 'svelte/reactivity';
import { router } from './router.svelte.ts';

/** A failure that has no job (an upload refused, a path the host rejected). */
export interface OpenFailure {
  id: number;
  message: string;
}

const FINISHED: ReadonlySet<IndexJob['state']> = new Set(['done', 'failed', 'cancelled']);

class JobTracker {
  jobs = $state<IndexJob[]>([]);
  failures = $state<OpenFailure[]>([]);
  /** Files being uploaded (HTTP host), by name: they become jobs once on the host's disk. */
  uploading = $state<string[]>([]);
  /** Incremented whenever a job finishes. */
  finishedCount = $state(0);
  /** Incremented whenever a job changed the library (a snapshot catalogued, a job finished): the library reloads on it. */
  libraryChanges = $state(0);
  /** Per artefact hash, the index a job last catalogued for it (its indexedAt). */
  private readonly revisions = new SvelteMap<string, string>();
  /** Jobs started here whose artefact is open already (from a snapshot). */
  private readonly openedEarly = new Set<string>();
  private readonly startedHere = new Set<string>();
  private readonly endedElsewhere = new Map<string, IndexJob>();
  private readonly dismissed = new SvelteSet<string>();
  private nextFailure = 1;

  /** Jobs worth showing: queued and running ones, and failed or cancelled ones until dismissed. */
  visible = $derived(this.jobs.filter((j) => j.state !== 'done' && !this.dismissed.has(j.id)));

  constructor() {
    api.subscribeIndexJobs((job) => this.update(job));
    // Jobs already finished when the page loaded were reported to the page that started them.
    api.indexJobs().then((jobs) => {
      for (const job of jobs) if (!FINISHED.has(job.state) && !this.jobs.some((j) => j.id === job.id)) this.jobs.push(job);
    }, (e: unknown) => this.fail(e));
  }

  private update(job: IndexJob): void {
    const i = this.jobs.findIndex((j) => j.id === job.id);
    // The event stream replays jobs that ended before this page connected: not this page's news.
    // Kept aside in case this page started one and the answer to its start is still on its way.
    if (i < 0 && FINISHED.has(job.state) && !this.startedHere.has(job.id)) {
      this.endedElsewhere.set(job.id, job);
      return;
    }
    // A finished job never changes again: an older report arriving late must not revive it.
    if (i >= 0 && FINISHED.has(this.jobs[i].state)) return;
    const before = i >= 0 ? this.jobs[i] : null;
    if (i >= 0) this.jobs[i] = job;
    else this.jobs.push(job);
    if (job.snapshot && job.snapshot.indexedAt !== before?.snapshot?.indexedAt) {
      this.revisions.set(job.snapshot.hash, job.snapshot.indexedAt);
      this.libraryChanges++;
      this.openIfStartedHere(job);
    }
    if (FINISHED.has(job.state)) {
      this.finishedCount++;
      this.libraryChanges++;
      if (job.artefact) this.revisions.set(job.artefact.hash, job.artefact.indexedAt);
      else if (job.snapshot) this.snapshotDropped(job.snapshot.hash);
      this.openIfStartedHere(job);
    }
  }

  /** Opens the overview of a job started here: at its first snapshot, else when it is done. */
  private openIfStartedHere(job: IndexJob): void {
    if (!this.startedHere.has(job.id)) return;
    const artefact = job.state === 'done' ? job.artefact : job.state === 'running' ? job.snapshot : undefined;
    if (FINISHED.has(job.state)) this.startedHere.delete(job.id);
    if (!artefact || this.openedEarly.has(job.id)) {
      if (FINISHED.has(job.state)) this.openedEarly.delete(job.id);
      return;
    }
    if (job.state === 'running') this.openedEarly.add(job.id);
    router.go('overview', artefact.hash);
  }

  /** A job cancelled or failed after a snapshot removes it (unless the library held a partial index of that file before): its views go. */
  private snapshotDropped(hash: string): void {
    this.revisions.set(hash, `dropped ${Date.now()}`);
    api.listArtefacts().then((all) => { if (!all.some((a) => a.hash === hash)) router.forget(hash); }, (e: unknown) => this.fail(e));
  }

  /** The index of `hash` a job catalogued last ('' when none did while this page was open): views about it reload when it changes. */
  revision(hash: string): string {
    return this.revisions.get(hash) ?? '';
  }

  /** The running job whose snapshot `hash` is: the artefact grows while it runs. */
  growing(hash: string): IndexJob | null {
    return this.jobs.find((j) => j.state === 'running' && j.snapshot?.hash === hash) ?? null;
  }

  /** Starts indexing a path on the host's machine. */
  async openPath(path: string): Promise<void> {
    await this.track(() => api.startIndex(path).then((job) => [job]));
  }

  /** Opens dropped files (uploaded over HTTP, by path in Electron). */
  async openFiles(files: File[]): Promise<void> {
    const names = files.map((f) => f.name);
    this.uploading = [...this.uploading, ...names];
    try {
      await this.track(() => api.openDroppedFiles(files));
    } finally {
      this.uploading = this.uploading.filter((n) => !names.includes(n));
    }
  }

  async cancel(job: IndexJob): Promise<void> {
    try {
      await api.cancelIndex(job.id);
    } catch (e) {
      this.fail(e);
    }
  }

  dismiss(job: IndexJob): void {
    this.dismissed.add(job.id);
  }

  dismissFailure(id: number): void {
    this.failures = this.failures.filter((f) => f.id !== id);
  }

  private async track(start: () => Promise<IndexJob[]>): Promise<void> {
    try {
      for (const job of await start()) {
        this.startedHere.add(job.id);
        this.update(this.endedElsewhere.get(job.id) ?? job);
        // Its end may have been reported before this answer arrived (a reused index is quick).
        const current = this.jobs.find((j) => j.id === job.id);
        if (current && FINISHED.has(current.state)) this.openIfStartedHere(current);
      }
    } catch (e) {
      this.fail(e);
    }
  }

  fail(e: unknown): void {
    this.failures = [...this.failures, { id: this.nextFailure++, message: e instanceof Error ? e.message : String(e) }];
  }
}

export const jobs = new JobTracker();
