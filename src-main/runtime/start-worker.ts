// Starts a worker thread from a module beside its caller: from the TypeScript source when
// running from a checkout (through tsx), or from the bundled `.js` beside the built app's bundle.

import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * `callerUrl` is the caller's import.meta.url; `name` the worker module's base name (without
 * extension) in the same directory, bundled under the same name with `.js`.
 */
export function startWorker(callerUrl: string, name: string, options: WorkerOptions): Worker {
  if (!callerUrl.endsWith('.ts')) return new Worker(new URL(`./${name}.js`, callerUrl), options);
  // Loader hooks registered in the main thread do not reach workers on Node 20: register tsx in the worker first.
  const tsx = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  const entry = JSON.stringify(new URL(`./${name}.ts`, callerUrl).href);
  return new Worker(`import(${tsx}).then((m) => { m.register(); return import(${entry}); })`, { ...options, eval: true });
}
