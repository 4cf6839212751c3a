// The one interface through which the renderer reaches data, whatever the host. Two
// implementations: over Electron's IPC (ipc-client.ts, wrapping `window.goroscope` from the
// preload) and over localhost HTTP (http-client.ts, for `goroscope serve`). Only *types* come from
// the service: the renderer never imports Node code.

import type { GoroscopeApi, IndexJob } from '../../src-main/service/types.ts';

export type { IndexJob };

/**
 * The service operations a renderer may call. `indexFile` runs the indexing synchronously
 * inside the host, so it is not exposed: the renderer starts jobs instead.
 */
export type RendererApi = Omit<GoroscopeApi, 'indexFile'>;

/**
 * Exactly what Electron's preload exposes with `contextBridge.exposeInMainWorld('goroscope', …)`:
 * the service methods (each forwarded over `ipcRenderer.invoke`, validated in main), a
 * subscription to index-job events, and the path of a dropped file (`webUtils.getPathForFile`).
 */
export interface GoroscopeBridge extends RendererApi {
  /** Calls `listener` for every job update sent by main; returns the unsubscribe function. */
  onIndexJob(listener: (job: IndexJob) => void): () => void;
  /** The absolute path of a File from a drop or file input ('' if it has none). */
  pathForFile(file: File): string;
}

declare global {
  interface Window {
    /** Present only inside Electron (set by the preload). */
    goroscope?: GoroscopeBridge;
  }
}

/** What views use: the service API plus host-specific ways to open files and follow jobs. */
export interface ApiClient extends RendererApi {
  readonly host: 'electron' | 'http';
  /** Calls `listener` for every job update; returns the unsubscribe function. */
  subscribeIndexJobs(listener: (job: IndexJob) => void): () => void;
  /** Opens files the user dropped: their paths over IPC, an upload over HTTP. */
  openDroppedFiles(files: File[]): Promise<IndexJob[]>;
}

/** An error the host reported, as one readable line. */
export class ApiError extends Error {
  constructor(message: string, readonly status: number | null = null) {
    super(message);
  }
}

/** The service methods a renderer may call, in one list (the hosts' dispatch tables match it). */
export const RENDERER_METHODS = [
  'listArtefacts', 'removeArtefact', 'updateArtefact', 'summary', 'timeline', 'goroutine', 'goroutines', 'ranges', 'metric', 'query',
  'startIndex', 'indexJobs', 'cancelIndex', 'goroutineCounts', 'profileTop', 'profileFlame', 'dumpGroups', 'diffDumps',
  'report', 'goroutinesDump',
  'dumpAt', 'goroutineGroups', 'durationHistograms', 'compareTraces',
  'blocking', 'blockingProfile', 'blockingFlame', 'exportPprof', 'leaks', 'triage', 'gc',
  'timelineLanes', 'timelineInterval', 'timelineEdges', 'timelineRangeStats', 'timelineSearch', 'timelineAnnotations', 'timelineClock',
] as const satisfies readonly (keyof RendererApi)[];

// Adding a method to the service without listing it above fails the build here, not at run time.
type UnlistedMethods = Exclude<keyof RendererApi, (typeof RENDERER_METHODS)[number]>;
const everyMethodListed: [UnlistedMethods] extends [never] ? true : UnlistedMethods = true;
void everyMethodListed;

/** Builds the RendererApi methods from one function that performs a call by name. */
export function apiMethods(call: (method: keyof RendererApi, args: unknown[]) => Promise<unknown>): RendererApi {
  const methods: Record<string, (...args: unknown[]) => Promise<unknown>> = {};
  for (const name of RENDERER_METHODS) methods[name] = (...args) => call(name, args);
  return methods as unknown as RendererApi;
}
