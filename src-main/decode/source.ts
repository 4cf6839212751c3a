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
  /** Reads up to `target.length` bytes at `position` into `target`; returns how many (fewer only at end of input). */
  readInto(target: Uint8Array, position: number): number;
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
      const buf = Buffer.allocUnsafe(Math.max(0, Math.min(length, stat.size - position)));
      const done = this.readInto(buf, position);
      return done === buf.length ? buf : buf.subarray(0, done);
    },
    readInto(target: Uint8Array, position: number): number {
      const n = Math.max(0, Math.min(target.length, stat.size - position));
      let done = 0;
      while (done < n) {
        const got = fs.readSync(fd, target, done, n - done, position + done);
        if (got === 0) break;
        done += got;
      }
      return done;
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
    readInto(target: Uint8Array, position: number): number {
      const part = bytes.subarray(position, Math.min(bytes.length, position + target.length));
      target.set(part);
      return part.length;
    },
    close(): void {},
  };
}
