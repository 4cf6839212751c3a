// The 16-byte trace header, "go 1.N trace" padded with NULs, shared by every format.

import { DecodeError, describeLeadingBytes } from '../errors.ts';
import type { TraceFormat } from './model.ts';

export const HEADER_SIZE = 16;

const SUPPORTED: Record<string, TraceFormat> = {
  '11': '1.11', '19': '1.19', '21': '1.21', '22': '1.22', '23': '1.23', '25': '1.25', '26': '1.26',
};

/** Parses the header or throws a DecodeError saying what was expected. */
export function parseHeader(file: string, bytes: Uint8Array): TraceFormat {
  const text = String.fromCharCode(...bytes.subarray(0, HEADER_SIZE));
  const m = /^go 1\.(\d+) trace\x00+$/.exec(text);
  if (bytes.length < HEADER_SIZE || !m) {
    // A shorter prefix of a valid header is a truncated trace, not another file type.
    if (bytes.length < HEADER_SIZE && 'go 1.'.startsWith(text.slice(0, 5))) {
      throw new DecodeError(file, bytes.length, 'truncated', 'file ends inside the 16-byte trace header');
    }
    throw new DecodeError(file, 0, 'wrong-type', `not a Go execution trace: expected header "go 1.N trace", found ${describeLeadingBytes(bytes)}`);
  }
  const format = SUPPORTED[m[1]];
  const exact = m[1].length === 2 && text.length === HEADER_SIZE && /^go 1\.\d\d trace\x00\x00\x00$/.test(text);
  if (!format || !exact) {
    throw new DecodeError(file, 5, 'unsupported-version',
      `unsupported Go trace version "go 1.${m[1]}": expected one of ${Object.values(SUPPORTED).join(', ')}`);
  }
  return format;
}
