// The preload of every window (sandboxed, context-isolated): exposes exactly the renderer's
// GoroscopeBridge as `window.goroscope` and nothing else. Each service method is one
// `ipcRenderer.invoke` on its fixed channel; main validates the arguments. Bundled to a single
// CommonJS file: a sandboxed preload can require only 'electron'.

import { contextBridge, ipcRenderer, webUtils } from 'electron';
import type { GoroscopeBridge, RendererApi } from '../../../src-renderer/api/client.ts';
import type { IndexJob } from '../../service/types.ts';
import { INDEX_JOB_CHANNEL, INVOKE_METHODS, invokeChannel, type InvokeMethod, type IpcReply } from './ipc-contract.ts';

// Compile-time check that the fixed channel list covers every method of the renderer's API.
const coversRendererApi: [Exclude<keyof RendererApi, InvokeMethod>] extends [never] ? true : never = true;
void coversRendererApi;

function invoker(method: InvokeMethod) {
  return async (...args: unknown[]): Promise<unknown> => {
    const reply = await ipcRenderer.invoke(invokeChannel(method), ...args) as IpcReply;
    if (!reply.ok) throw new Error(reply.error);
    return reply.value;
  };
}

// Built from the method list, so TypeScript sees a record of invokers; the list is checked
// against RendererApi above, and main checks every argument.
const methods = Object.fromEntries(INVOKE_METHODS.map((m) => [m, invoker(m)])) as unknown as RendererApi;

const bridge: GoroscopeBridge = {
  ...methods,
  onIndexJob(listener: (job: IndexJob) => void): () => void {
    if (typeof listener !== 'function') throw new TypeError('onIndexJob needs a function');
    // The IPC event itself (with its sender) never reaches the page: only the job.
    const forward = (_event: unknown, job: IndexJob) => listener(job);
    ipcRenderer.on(INDEX_JOB_CHANNEL, forward);
    return () => {
      ipcRenderer.removeListener(INDEX_JOB_CHANNEL, forward);
    };
  },
  pathForFile(file: File): string {
    return webUtils.getPathForFile(file);
  },
};

contextBridge.exposeInMainWorld('goroscope', bridge);
