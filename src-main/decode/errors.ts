// Errors shared by every decoder: a value that says which file, where, and what was expected.

/** Why an input could not be decoded. Stable strings: the CLI, the index and the UI switch on them. */
export type DecodeErrorCode =
  | 'not-a-file' // a directory, a device, a missing path
  | 'empty' // zero bytes
  | 'wrong-type' // recognisably something else (or nothing we know)
  | 'unsupported-version' // a trace header with a version we do not read
  | 'truncated' // the bytes stop before a complete structure
  | 'corrupt'; // bytes that violate the format

/**
 * A decoding failure. `offset` is the byte offset in the file where the problem was found
 * (−1 when not applicable). `message` is one line: "<file>: <what> at byte <offset>: expected <what>".
 */
export class DecodeError extends Error {
  readonly file: string;
  readonly offset: number;
  readonly code: DecodeErrorCode;
  readonly detail: string;

  constructor(file: string, offset: number, code: DecodeErrorCode, detail: string) {
    super(formatDecodeError(file, offset, detail));
    this.name = 'DecodeError';
    this.file = file;
    this.offset = offset;
    this.code = code;
    this.detail = detail;
  }
}

function formatDecodeError(file: string, offset: number, detail: string): string {
  const where = offset >= 0 ? ` at byte ${offset}` : '';
  return `${file}${where}: ${detail}`;
}

export function isDecodeError(e: unknown): e is DecodeError {
  return e instanceof DecodeError;
}

/** The first bytes of a file, for "found …" in an error: gzip, quoted text, or hex. */
export function describeLeadingBytes(bytes: Uint8Array): string {
  const head = bytes.subarray(0, 16);
  if (head.length === 0) return 'an empty file';
  const printable = Array.from(head).every((b) => b >= 0x20 && b < 0x7f);
  if (head[0] === 0x1f && head[1] === 0x8b) return 'gzip data';
  if (printable) return JSON.stringify(String.fromCharCode(...head));
  return Array.from(head.subarray(0, 8), (b) => b.toString(16).padStart(2, '0')).join(' ');
}
