// The IPC handlers: one `ipcMain.handle` per method of the fixed table, answering only the app's
// own pages, each call validated (the hosts' argument table, through ipc-dispatch.ts) and routed
// to the service of the sender's window.

import { ipcMain, type WebContents } from 'electron';
import { INVOKE_METHODS, invokeChannel, type InvokableApi } from './ipc-contract.ts';
import { dispatch } from './ipc-dispatch.ts';
import { isAppPage } from './security-policy.ts';

/** Registers the handlers once; `serviceFor` finds the service of the window a call came from. */
export function registerIpcHandlers(serviceFor: (sender: WebContents) => InvokableApi | null): void {
  for (const method of INVOKE_METHODS) {
    ipcMain.handle(invokeChannel(method), (event, ...args: unknown[]) => {
      // A frame that is not the app (should one ever load) gets nothing.
      const frameUrl = event.senderFrame?.url ?? '';
      if (!isAppPage(frameUrl)) return { ok: false, error: `refused: ${method} called from ${frameUrl || 'an unknown frame'}` };
      const service = serviceFor(event.sender);
      if (!service) return { ok: false, error: 'this window has no library open' };
      return dispatch(service, method, args);
    });
  }
}
