// Writes a file under a temporary name in its directory and renames it into place when complete:
// an export that fails or is interrupted never leaves a half-written file under the name asked for.

import * as fs from 'node:fs';
import * as path from 'node:path';

const FLUSH_AT = 1 << 20;

export class AtomicFileWriter {
  private readonly fd: number;
  private readonly temp: string;
  private parts: string[] = [];
  private pending = 0;
  private done = false;
  /** Bytes written so far. */
  bytes = 0;

  constructor(readonly file: string) {
    this.temp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.part`);
    this.fd = fs.openSync(this.temp, 'w', 0o644);
  }

  write(text: string): void {
    this.parts.push(text);
    this.pending += text.length;
    if (this.pending >= FLUSH_AT) this.flush();
  }

  private flush(): void {
    if (this.parts.length === 0) return;
    const buf = Buffer.from(this.parts.join(''), 'utf8');
    fs.writeSync(this.fd, buf);
    this.bytes += buf.length;
    this.parts = [];
    this.pending = 0;
  }

  /** Flushes, closes and renames the file into place. */
  commit(): void {
    this.flush();
    fs.fsyncSync(this.fd);
    fs.closeSync(this.fd);
    this.done = true;
    fs.renameSync(this.temp, this.file);
  }

  /** Closes and deletes the temporary file (after a failure); harmless after commit. */
  abort(): void {
    if (this.done) return;
    this.done = true;
    try {
      fs.closeSync(this.fd);
    } finally {
      fs.rmSync(this.temp, { force: true });
    }
  }
}
