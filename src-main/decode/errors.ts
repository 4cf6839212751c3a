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
