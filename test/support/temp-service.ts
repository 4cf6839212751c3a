// A service over a library of its own in a temporary directory, for a test file: closed and
// removed when the file's tests are done.

import { after } from 'node:test';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Library } from '../../src-main/index/library.ts';
import { GoroscopeService } from '../../src-main/service/service.ts';

/** `librarySubdir`: the library in that folder of the temporary directory, leaving the rest to the test's own files. */
export function tempService(prefix: string, librarySubdir?: string): { dir: string; lib: Library; svc: GoroscopeService } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const lib = new Library(librarySubdir === undefined ? dir : path.join(dir, librarySubdir));
  const svc = new GoroscopeService(lib);
  after(async () => {
    await svc.close();
    lib.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return { dir, lib, svc };
}
