// Terminal output shared by the commands: buffered writes that respect back-pressure, quiet exit
// when the reader of a pipe goes away (`goroscope events FILE | head`), one-line errors.

import { DecodeError } from '../../decode/errors.ts';

/** Exit status for bad input and usage errors. */
export const EXIT_BAD_INPUT = 2;

/** Thrown for wrong command-line usage; printed as one line, exit status 2. */
export class UsageError extends Error {}

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
    process.stderr.write(`goroscope: ${e.message}\n`);
    return EXIT_BAD_INPUT;
  }
  throw e;
}
