// The Electron host's IPC boundary, without Electron: the fixed method table matches the
// renderer's API, every call from a real service over a real library round-trips through the
// dispatcher unchanged (and structured-cloneable, as IPC requires), and bad arguments are refused
// with a one-line message before the service sees them.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RENDERER_METHODS } from '../../src-renderer/api/client.ts';
import { Library } from '../../src-main/index/library.ts';
import { GoroscopeService } from '../../src-main/service/service.ts';
import { INDEX_JOB_CHANNEL, INVOKE_METHODS, invokeChannel, type IpcReply } from '../../src-main/hosts/electron/ipc-contract.ts';
import { dispatch } from '../../src-main/hosts/electron/ipc-dispatch.ts';
import { plainObject } from '../../src-main/hosts/electron/ipc-validate.ts';

const SAMPLE = path.resolve('assets/sample/sample.trace');

test('the IPC method table is exactly the renderer API, one channel each', () => {
  assert.deepEqual([...INVOKE_METHODS].sort(), [...RENDERER_METHODS].sort());
  const channels = INVOKE_METHODS.map(invokeChannel);
  assert.equal(new Set([...channels, INDEX_JOB_CHANNEL]).size, channels.length + 1);
  for (const c of channels) assert.match(c, /^goroscope:[a-zA-Z]+$/);
  // indexFile runs the indexing inside the caller: never reachable from a window.
  assert.ok(!(INVOKE_METHODS as readonly string[]).includes('indexFile'));
});

describe('dispatch over a real service', () => {
  let dir: string;
  let service: GoroscopeService;
  let hash: string;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'goroscope-ipc-'));
    service = new GoroscopeService(new Library(dir));
    hash = (await service.indexFile(SAMPLE)).artefact.hash;
  });
  after(async () => {
    await service.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  // IPC structured-clones the arguments and the reply: so do these helpers.

  /** The value of a successful reply. */
  async function value(method: string, ...args: unknown[]): Promise<unknown> {
    const reply = structuredClone(await dispatch(service, method, structuredClone(args)));
    assert.ok(reply.ok, `${method} failed: ${reply.ok ? '' : reply.error}`);
    return reply.value;
  }

  async function refused(method: string, args: unknown[], message: RegExp): Promise<void> {
    const reply: IpcReply = structuredClone(await dispatch(service, method, structuredClone(args)));
    assert.equal(reply.ok, false, `${method}(${JSON.stringify(args)?.slice(0, 80)}) was accepted`);
    if (!reply.ok) {
      assert.match(reply.error, message);
      assert.ok(!reply.error.includes('\n'), `not one line: ${reply.error}`);
    }
  }

  test('every method answers what the service answers', async () => {
    assert.deepEqual(await value('listArtefacts'), await service.listArtefacts());
    assert.deepEqual(await value('summary', hash), await service.summary(hash));
    const summary = await service.summary(hash);
    const end = summary.artefact.durationNs;
    const page = await service.goroutines({ artefact: hash, sort: 'waitingNs', descending: true, limit: 5 });
    assert.equal(page.rows.length, 5);
    assert.deepEqual(await value('goroutines', { artefact: hash, sort: 'waitingNs', descending: true, limit: 5 }), page);
    const ids = page.rows.map((r) => r.id);
    const timeline = { artefact: hash, t0: 0, t1: end, goroutines: ids, widthPx: 300 };
    assert.deepEqual(await value('timeline', timeline), await service.timeline(timeline));
    assert.deepEqual(await value('goroutine', hash, ids[0]), await service.goroutine(hash, ids[0]));
    assert.deepEqual(await value('ranges', hash, 0, end), await service.ranges(hash, 0, end));
    const heap = await service.metric(hash, '/gc/heap/goal:bytes', 0, end, 200);
    assert.ok(heap.length > 0, 'the sample has heap goal points');
    assert.deepEqual(await value('metric', hash, '/gc/heap/goal:bytes', 0, end, 200), heap);
    const q = await value('query', { artefact: hash, sql: 'SELECT count(*) AS n FROM goroutines' }) as { columns: string[]; rows: unknown[][] };
    assert.deepEqual(q.columns, ['n']);
    assert.deepEqual(q.rows, [[summary.artefact.goroutines]]);
    assert.deepEqual(await value('indexJobs'), []);
    assert.equal(await value('cancelIndex', 'job-999'), false);
  });

  test('unknown or unexposed methods are refused', async () => {
    for (const m of ['indexFile', 'close', 'constructor', '__proto__', 'toString', 'onIndexJob', '']) {
      await refused(m, [], /^unknown method/);
    }
  });

  test('wrong argument counts are refused', async () => {
    await refused('listArtefacts', [1], /listArtefacts takes 0 arguments, got 1/);
    await refused('summary', [], /summary takes 1 argument, got 0/);
    await refused('summary', [hash, hash], /summary takes 1 argument, got 2/);
    await refused('metric', [hash, 'x', 0, 1], /metric takes 5 to 6 arguments, got 4/);
  });

  test('scalar arguments are checked for type and range', async () => {
    await refused('summary', [42], /artefact must be a string/);
    await refused('summary', [''], /artefact must not be empty/);
    await refused('summary', ['a'.repeat(5000)], /artefact must be a string of at most 4096/);
    await refused('removeArtefact', [{ hash }], /artefact must be a string/);
    await refused('goroutine', [hash, -1], /id must be an integer/);
    await refused('goroutine', [hash, 1.5], /id must be an integer/);
    await refused('goroutine', [hash, '3'], /id must be a finite number/);
    await refused('goroutine', [hash, Number.NaN], /id must be a finite number/);
    await refused('ranges', [hash, 10, 5], /t1 must be greater than t0/);
    await refused('ranges', [hash, 0, Number.POSITIVE_INFINITY], /t1 must be a finite number/);
    await refused('metric', [hash, 7, 0, 1, 10], /name must be a string/);
    await refused('metric', [hash, 'x', 0, 1, 1], /maxPoints must be an integer in \[2, 100000\]/);
    await refused('cancelIndex', ['../job-1'], /jobId must be a job ID/);
    await refused('cancelIndex', [{}], /jobId must be a string/);
  });

  test('files to index must be absolute paths', async () => {
    await refused('startIndex', ['assets/sample/sample.trace'], /path must be an absolute path/);
    await refused('startIndex', [`${SAMPLE}\0.txt`], /path must not contain NUL/);
    await refused('startIndex', [7], /path must be a string/);
    await refused('startIndex', ['/' + 'a'.repeat(5000)], /path must be a string of at most 4096/);
    assert.deepEqual(await value('indexJobs'), [], 'no job was started by a refused call');
  });

  test('request objects are checked field by field', async () => {
    const ok = { artefact: hash, t0: 0, t1: 1000, goroutines: [1], widthPx: 10 };
    await refused('timeline', [null], /timeline request must be an object/);
    await refused('timeline', [[ok]], /timeline request must be an object/);
    await refused('timeline', [{ ...ok, goroutines: '1' }], /goroutines must be an array/);
    await refused('timeline', [{ ...ok, goroutines: new Array(2001).fill(1) }], /at most 2000/);
    await refused('timeline', [{ ...ok, goroutines: [1, -2] }], /goroutines\[1\] must be an integer/);
    await refused('timeline', [{ ...ok, widthPx: 0 }], /widthPx must be an integer in \[1, 100000\]/);
    await refused('timeline', [{ ...ok, t1: -1 }], /t1 must be greater than t0/);
    await refused('timeline', [{ ...ok, artefact: undefined }], /artefact must be a string/);
    await refused('goroutines', [{ artefact: hash, sort: 'id; DROP TABLE goroutines' }], /sort must be one of id, name/);
    await refused('goroutines', [{ artefact: hash, state: 'Sleeping' }], /state must be one of Undetermined/);
    await refused('goroutines', [{ artefact: hash, limit: 0 }], /limit must be an integer in \[1, 10000\]/);
    await refused('goroutines', [{ artefact: hash, offset: -1 }], /offset must be an integer/);
    await refused('goroutines', [{ artefact: hash, descending: 'yes' }], /descending must be true or false/);
    await refused('goroutines', [{ artefact: hash, aliveAtEnd: 1 }], /aliveAtEnd must be true or false/);
    await refused('query', [{ artefact: hash, sql: 42 }], /sql must be a string/);
    await refused('query', [{ artefact: hash, sql: 'SELECT 1', rowLimit: 0 }], /rowLimit must be an integer/);
    await refused('query', [{ artefact: hash, sql: 'SELECT 1', timeLimitMs: 600_000 }], /timeLimitMs must be an integer in \[1, 60000\]/);
  });

  test('only a request\'s own known fields reach the service', async () => {
    // Fields inherited from a prototype are not the caller's data (IPC drops prototypes anyway).
    assert.throws(() => plainObject('request', Object.create({ artefact: hash })), /request must be a plain object/);
    assert.throws(() => plainObject('request', new Date(0)), /request must be a plain object/);
    assert.equal(Object.keys(plainObject('request', Object.create(null))).length, 0);
    await refused('goroutines', [Object.create({ artefact: hash })], /artefact must be a string/);
    // Unknown fields are dropped, not passed along.
    const plain = await value('goroutines', { artefact: hash, limit: 3 });
    assert.deepEqual(await value('goroutines', { artefact: hash, limit: 3, sql: 'DELETE FROM goroutines', __proto__: { limit: 1 } }), plain);
  });

  test('service failures come back as their one-line message', async () => {
    await refused('summary', ['ffff'], /ffff/);
    await refused('query', [{ artefact: hash, sql: 'DELETE FROM goroutines' }], /read-only/);
  });
});
