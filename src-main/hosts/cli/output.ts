// Terminal output shared by the commands: buffered writes that respect back-pressure, quiet exit
// when the reader of a pipe goes away (`goroscope events FILE | head`), one-line errors.

import { DecodeError, printable, printableText } from '../../decode/errors.ts';

/** Exit status for bad input and usage errors. */
export const EXIT_BAD_INPUT = 2;
/** Exit status for a failure of goroscope itself (a bug), distinct from the leak gate's 1. */
export const EXIT_INTERNAL = 70;

/** Thrown for wrong command-line usage; printed as one line, exit status 2. */
export class UsageError extends Error {}

/** Prints one line on stderr, "goroscope: …", with anything unprintable from the input escaped. */
export function printErrorLine(message: string): void {
  process.stderr.write(`goroscope: ${printable(message)}\n`);
}

/** Buffered stdout writer. */
export class Output {
  private chunks: string[] = [];
  private size = 0;
  private closed = false;

  constructor(private readonly stream: NodeJS.WritableStream = process.stdout) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') this.closed = true;
      else throw e;
    });
  }

  /** False once the reader has gone away: stop producing output. */
  get open(): boolean {
    return !this.closed;
  }

  async write(s: string): Promise<void> {
    if (this.closed) return;
    // Names from the input (functions, wait reasons, labels) must not reach a terminal as escape sequences.
    s = printableText(s);
    this.chunks.push(s);
    this.size += s.length;
    if (this.size >= 1 << 16) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.size === 0 || this.closed) return;
    const data = this.chunks.join('');
    this.chunks = [];
    this.size = 0;
    if (!this.stream.write(data)) {
      await new Promise<void>((resolve) => {
        const done = () => {
          this.stream.off('drain', done);
          this.stream.off('error', done);
          resolve();
        };
        this.stream.once('drain', done);
        this.stream.once('error', done);
      });
    }
  }
}

/** Prints an expected error as one line on stderr and returns the exit status. */
export function reportError(e: unknown): number {
  if (e instanceof DecodeError || e instanceof UsageError) {
    printErrorLine(e.message);
    return EXIT_BAD_INPUT;
  }
  throw e;
}

/**
 * A failure of goroscope itself: one line naming it and exit status 70, not a stack trace in the
 * user's terminal (GOROSCOPE_DEBUG=1 prints the stack too).
 */
export function reportInternalError(e: unknown): number {
  const err = e instanceof Error ? e : new Error(String(e));
  if (process.env.GOROSCOPE_DEBUG) process.stderr.write(`${err.stack ?? err.message}\n`);
  printErrorLine(`internal error: ${err.name}: ${err.message.split('\n')[0]} (a bug in goroscope: please report it with the input file; GOROSCOPE_DEBUG=1 shows where)`);
  return EXIT_INTERNAL;
}
