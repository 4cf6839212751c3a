// The fuzzer's worker thread: checks one input at a time against the contract. It lives in its
// own thread so that the driver can stop it when an input hangs, and so that its heap has a limit.

import { parentPort } from 'node:worker_threads';
import { checkInput } from './contract.ts';
import type { ArtefactKind } from './seeds.ts';

export interface WorkerRequest {
  readonly id: number;
  readonly kind: ArtefactKind;
  readonly name: string;
  readonly bytes: Uint8Array;
}

parentPort!.on('message', (req: WorkerRequest) => {
  const started = performance.now();
  const verdict = checkInput(req.kind, req.name, req.bytes);
  parentPort!.postMessage({ id: req.id, verdict, ms: performance.now() - started });
});
