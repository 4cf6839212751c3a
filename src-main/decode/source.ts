// Byte sources for decoders: a file read in chunks (never whole unless a decoder asks), or bytes
// already in memory (tests, uploads). Decoders never touch `fs` themselves.

import * as fs from 'node:fs';
import { DecodeError } from './errors.ts';

export interface ByteSource {
  /** Shown in error messages: the path the user gave. */
  readonly name: string;
  /** Total size in bytes. */
  readonly size: number;
  /**
   * Reads up to `length` bytes at `position` into a fresh buffer (fewer only at end of input).
   * The returned bytes are owned by the caller.
   */
  read(position: number, length: number): Uint8Array;
  close(): void;
}

/** Opens a file read-only. Throws DecodeError('not-a-file' | 'empty') for the obvious cases. */
export function fileSource(path: string): ByteSource {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(path);
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : String((e as Error).message);
    throw new DecodeError(path, -1, 'not-a-file', `cannot open: ${reason}`);
  }
  if (stat.isDirectory()) throw new DecodeError(path, -1, 'not-a-file', 'is a directory, expected a file');
  if (!stat.isFile()) throw new DecodeError(path, -1, 'not-a-file', 'is not a regular file');
  if (stat.size === 0) throw new DecodeError(path, 0, 'empty', 'file is empty');
  const fd = fs.openSync(path, 'r');
  let open = true;
  return {
    name: path,
    size: stat.size,
    read(position: number, length: number): Uint8Array {
      const n = Math.max(0, Math.min(length, stat.size - position));
      const buf = Buffer.allocUnsafe(n);
      let done = 0;
      while (done < n) {
        const got = fs.readSync(fd, buf, done, n - done, position + done);
        if (got === 0) break;
        done += got;
      }
      return done === n ? buf : buf.subarray(0, done);
    },
    close(): void {
      if (open) {
        open = false;
        fs.closeSync(fd);
      }
    },
  };
}

/** Wraps bytes already in memory. */
export function bytesSource(name: string, bytes: Uint8Array): ByteSource {
  if (bytes.length === 0) throw new DecodeError(name, 0, 'empty', 'file is empty');
  return {
    name,
    size: bytes.length,
    read(position: number, length: number): Uint8Array {
      return bytes.slice(position, Math.min(bytes.length, position + length));
    },
    close(): void {},
  };
}
