// One IPC call, from untrusted arguments to a reply envelope: look the method up in the fixed
// table, validate its arguments, call the service, and turn any failure into its one-line message.
// Pure of Electron, so tests drive it against a real service.

import { INVOKE_METHODS, type InvokableApi, type InvokeMethod, type IpcReply } from './ipc-contract.ts';
import { ARGUMENT_PARSERS } from './ipc-validate.ts';

export function isInvokeMethod(name: unknown): name is InvokeMethod {
  return typeof name === 'string' && (INVOKE_METHODS as readonly string[]).includes(name);
}

export async function dispatch(api: InvokableApi, method: string, args: readonly unknown[]): Promise<IpcReply> {
  try {
    if (!isInvokeMethod(method)) return { ok: false, error: `unknown method ${JSON.stringify(method)}` };
    const parsed = ARGUMENT_PARSERS[method](args);
    // The table pairs each method with its own parameters; TypeScript cannot follow that
    // correlation through an indexed call, hence the one widening here.
    const call = api[method] as (...a: readonly unknown[]) => Promise<unknown>;
    return { ok: true, value: await call.apply(api, parsed) };
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
}
