// The IPC contract between main and the preload: the fixed list of invokable service methods,
// their channel names, the reply envelope, and the channel of index-job events. Imported by the
// sandboxed preload, so it must stay free of Node and Electron imports.

import type { GoroscopeApi } from '../../service/types.ts';
import type { HostMethod } from '../../service/validate.ts';

/**
 * The service methods the renderer may invoke: the renderer's RENDERER_METHODS and the methods of
 * the hosts' argument table (HOST_ARGUMENTS), both checked by a test. Listed here rather than
 * imported, as the sandboxed preload builds its bridge from it.
 */
export const INVOKE_METHODS = [
  'listArtefacts', 'removeArtefact', 'updateArtefact', 'summary', 'timeline', 'goroutine', 'goroutines', 'ranges', 'metric', 'query',
  'startIndex', 'indexJobs', 'cancelIndex', 'goroutineCounts', 'profileTop', 'profileFlame', 'dumpGroups', 'diffDumps',
  'report', 'goroutinesDump',
  'dumpAt', 'goroutineGroups', 'durationHistograms', 'compareTraces',
  'blocking', 'blockingProfile', 'blockingFlame', 'exportPprof', 'leaks', 'triage', 'gc',
  'timelineLanes', 'timelineInterval', 'timelineEdges', 'timelineRangeStats', 'timelineSearch', 'timelineAnnotations', 'timelineClock',
] as const satisfies readonly HostMethod[];

export type InvokeMethod = (typeof INVOKE_METHODS)[number];

/** The part of the service reachable over IPC. */
export type InvokableApi = Pick<GoroscopeApi, InvokeMethod>;

/** One `ipcMain.handle` channel per method, so nothing but these names is ever answered. */
export function invokeChannel(method: InvokeMethod): string {
  return `goroscope:${method}`;
}

/** Main → window: an IndexJob changed (queued, progress, done, failed, cancelled). */
export const INDEX_JOB_CHANNEL = 'goroscope:index-job';

/**
 * What main answers on every channel. Errors travel as their one-line message rather than as a
 * rejected invoke, whose message Electron prefixes with "Error invoking remote method …".
 */
export type IpcReply = { ok: true; value: unknown } | { ok: false; error: string };
