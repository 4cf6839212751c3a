// Worker-thread entry of the read pool (read-pool.ts): a service of its own over the host's
// library, answering one call at a time.

import { parentPort, workerData } from 'node:worker_threads';
import { Library } from '../index/library.ts';
import { BYTE_ENCODED, errorKind, type ReadCall, type ReadReply, type ReadWorkerData } from './read-pool.ts';
import { GoroscopeService } from './service.ts';
import { invokeChecked } from './validate.ts';

const { libraryDir } = workerData as ReadWorkerData;
const service = new GoroscopeService(new Library(libraryDir));

parentPort!.on('message', (call: ReadCall) => {
  void answer(call).then((reply) => {
    // Bytes are handed over, not copied.
    const moved = reply.ok && reply.value instanceof Uint8Array ? [reply.value.buffer as ArrayBuffer] : [];
    parentPort!.postMessage(reply, moved);
  });
});

function encode(call: ReadCall, value: unknown): unknown {
  switch (call.encoding) {
    case 'value': return value;
    case 'json': return JSON.stringify(value === undefined ? null : value);
    case 'bytes': {
      if (!Object.hasOwn(BYTE_ENCODED, call.method)) throw new Error(`${call.method} has no byte encoding`);
      return (BYTE_ENCODED[call.method as keyof typeof BYTE_ENCODED] as (v: unknown) => Uint8Array)(value);
    }
  }
}

async function answer(call: ReadCall): Promise<ReadReply> {
  try {
    const value = call.validated
      ? await (service[call.method] as (...args: readonly unknown[]) => Promise<unknown>)(...call.args)
      : await invokeChecked(service, call.method, call.args);
    return { id: call.id, ok: true, value: encode(call, value) };
  } catch (e) {
    return { id: call.id, ok: false, kind: errorKind(e), message: e instanceof Error ? e.message : String(e) };
  }
}
