// One IPC call, from untrusted arguments to a reply envelope: the method looked up in the fixed
// table, its arguments validated (the same table the localhost host uses), the service called,
// and any failure turned into its one-line message. Pure of Electron, so tests drive it against
// a real service.

import { invokeChecked } from '../../service/validate.ts';
import { INVOKE_METHODS, type InvokableApi, type InvokeMethod, type IpcReply } from './ipc-contract.ts';

export function isInvokeMethod(name: unknown): name is InvokeMethod {
  return typeof name === 'string' && (INVOKE_METHODS as readonly string[]).includes(name);
}

export async function dispatch(api: InvokableApi, method: string, args: readonly unknown[]): Promise<IpcReply> {
  try {
    if (!isInvokeMethod(method)) return { ok: false, error: `unknown method ${JSON.stringify(method)}` };
    return { ok: true, value: await invokeChecked(api, method, args) };
  } catch (e) {
    return { ok: false, error: oneLine(e) };
  }
}

/** An error as the one line a page is shown. */
export function oneLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0];
}
