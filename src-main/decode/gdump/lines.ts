// Text lines of a byte source, read in chunks: a 100 k-goroutine dump is ~100 MB and is never
// held whole. Each line comes with its 1-based number and the byte offset where it starts.

import type { ByteSource } from '../source.ts';

const CHUNK_BYTES = 1 << 20;
const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;

/**
 * Calls `onLine(text, lineNumber, offset)` for every line (without its "\n" or "\r\n"), and
 * `onProgress(bytesRead)` after every chunk. Lines are decoded as UTF-8. `unterminated` says the
 * last line has no newline (a file cut inside it, or written without a final one).
 */
export function forEachLine(
  source: ByteSource,
  onLine: (text: string, lineNumber: number, offset: number) => void,
  onProgress?: (bytesRead: number) => void,
): { bytes: number; lines: number; unterminated: boolean } {
  let carry: Buffer | null = null;
  let carryOffset = 0;
  let lineNumber = 0;
  let position = 0;
  while (position < source.size) {
    const chunk = source.read(position, CHUNK_BYTES);
    if (chunk.length === 0) break;
    const fresh = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
    // A line cut by the chunk boundary continues in this chunk.
    const buf: Buffer = carry ? Buffer.concat([carry, fresh]) : fresh;
    const bufOffset = carry ? carryOffset : position;
    position += chunk.length;
    let start = 0;
    for (;;) {
      const nl = buf.indexOf(NEWLINE, start);
      if (nl < 0) break;
      const end = nl > start && buf[nl - 1] === CARRIAGE_RETURN ? nl - 1 : nl;
      onLine(buf.toString('utf8', start, end), ++lineNumber, bufOffset + start);
      start = nl + 1;
    }
    carry = start < buf.length ? Buffer.from(buf.subarray(start)) : null;
    carryOffset = bufOffset + start;
    onProgress?.(position);
  }
  if (carry) {
    const end = carry[carry.length - 1] === CARRIAGE_RETURN ? carry.length - 1 : carry.length;
    onLine(carry.toString('utf8', 0, end), ++lineNumber, carryOffset);
  }
  return { bytes: position, lines: lineNumber, unterminated: carry !== null };
}
