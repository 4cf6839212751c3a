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
 * (−1 when not applicable). `message` is one printable line: "<file> at byte <offset>: <what>:
 * expected <what>", with any control character from the file (or its name) escaped.
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
    this.detail = printable(detail);
  }
}

function formatDecodeError(file: string, offset: number, detail: string): string {
  const where = offset >= 0 ? ` at byte ${offset}` : '';
  return printable(`${file}${where}: ${detail}`);
}

/**
 * Characters a message must not carry to a terminal or a one-line field: C0 controls (newlines,
 * escape), DEL, C1 controls (U+009B is a CSI on some terminals), the Unicode line and paragraph
 * separators, and the bidirectional overrides that reorder what a reader sees ("Trojan Source").
 */
const UNPRINTABLE_CLASS = '\\u0000-\\u001f\\u007f-\\u009f\\u2028\\u2029\\u200e\\u200f\\u202a-\\u202e\\u2066-\\u2069';
const UNPRINTABLE = new RegExp(`[${UNPRINTABLE_CLASS}]`, 'g');
/** The same, but newline and tab: text of several lines (a command's output). */
const UNPRINTABLE_IN_TEXT = new RegExp(`(?![\\n\\t])[${UNPRINTABLE_CLASS}]`, 'g');
const ESCAPES: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** `text` with every unprintable character escaped (\n, \x1b, \u202e): one printable line. */
export function printable(text: string): string {
  UNPRINTABLE.lastIndex = 0;
  if (!UNPRINTABLE.test(text)) return text;
  return text.replace(UNPRINTABLE, (c) => ESCAPES[c] ?? escapeCode(c.charCodeAt(0)));
}

/**
 * Text of several lines (a command's output) with every unprintable character but newline and
 * tab written as \uXXXX, which means the same inside a JSON string: JSON output stays valid.
 */
export function printableText(text: string): string {
  UNPRINTABLE_IN_TEXT.lastIndex = 0;
  if (!UNPRINTABLE_IN_TEXT.test(text)) return text;
  return text.replace(UNPRINTABLE_IN_TEXT, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function escapeCode(code: number): string {
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** Text from the file, quoted for a message: at most `max` characters, unprintables escaped. */
export function quoteText(text: string, max = 40): string {
  const shown = text.length > max ? `${text.slice(0, max - 3)}...` : text;
  return `"${printable(shown).replace(/"/g, '\\"')}"`;
}

export function isDecodeError(e: unknown): e is DecodeError {
  return e instanceof DecodeError;
}

/** The first bytes of a file, for "found …" in an error: gzip, quoted text, or hex. */
export function describeLeadingBytes(bytes: Uint8Array): string {
  const head = bytes.subarray(0, 16);
  if (head.length === 0) return 'an empty file';
  const isText = Array.from(head).every((b) => b >= 0x20 && b < 0x7f);
  if (head[0] === 0x1f && head[1] === 0x8b) return 'gzip data';
  if (isText) return JSON.stringify(String.fromCharCode(...head));
  return Array.from(head.subarray(0, 8), (b) => b.toString(16).padStart(2, '0')).join(' ');
}
