// The API client inside Electron: every call goes through `window.goroscope`, which the preload
// exposes with contextBridge (its exact shape is GoroscopeBridge in client.ts). Dropped files are
// opened by their path on disk, which Electron knows.

import { ApiError, apiMethods, type ApiClient, type GoroscopeBridge } from './client.ts';

export function createIpcClient(bridge: GoroscopeBridge): ApiClient {
  return {
    ...apiMethods(async (method, args) => {
      const fn = bridge[method] as (...a: unknown[]) => Promise<unknown>;
      try {
        return await fn(...args);
      } catch (e) {
        // Electron prefixes rejected invocations: "Error invoking remote method 'x': Error: …".
        const message = e instanceof Error ? e.message.replace(/^Error invoking remote method '[^']*': (\w*Error: )?/, '') : String(e);
        throw new ApiError(message);
      }
    }),
    host: 'electron',
    subscribeIndexJobs: (listener) => bridge.onIndexJob(listener),
    async openDroppedFiles(files) {
      return Promise.all(files.map((file) => {
        const path = bridge.pathForFile(file);
        if (!path) throw new ApiError(`${file.name}: not a file on disk (drop files from a file manager)`);
        return bridge.startIndex(path);
      }));
    },
  };
}

