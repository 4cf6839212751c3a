// The CLI's side of the contract, checked on the real command: `goroscope stats|index|top|dump
// FILE` ends with exit 0 and nothing on stderr (index: or one warning line, for a damaged file it
// indexed up to the damage), or exit 2 and one printable line on stderr (dump: one line per broken
// line of the dump); no stack trace, no control character on either stream.

import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isPrintable } from './contract.ts';
import type { ArtefactKind } from './seeds.ts';

export interface CliVerdict {
  /** "exit 0", "exit 2" — or the broken rule. */
  readonly outcome: string;
  readonly broken: string | null;
  readonly detail: string;
  readonly command: string;
}

/** The command a kind's mutants are run through; traces alternate between stats and index. */
export function commandFor(kind: ArtefactKind, n: number): string {
  return kind === 'trace' ? (n % 4 === 3 ? 'index' : 'stats') : kind === 'pprof' ? 'top' : 'dump';
}

/** Runs `goroscope <command> file` with its own library in `workDir`. */
export function runCli(command: string, file: string, workDir: string, timeoutMs: number): Promise<CliVerdict> {
  const library = path.join(workDir, 'library');
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['bin/goroscope.mjs', command, file, ...(command === 'index' ? ['--library', library] : [])], {
      env: { ...process.env, GOROSCOPE_LIBRARY: library, GOROSCOPE_DEBUG: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      fs.rmSync(library, { recursive: true, force: true });
      const stdout = Buffer.concat(out).toString('utf8');
      const stderr = Buffer.concat(err).toString('utf8');
      resolve({ command, ...judgeCli(command, timedOut ? 'timeout' : status, signal, stdout, stderr) });
    });
  });
}

export function judgeCli(command: string, status: number | null | 'timeout', signal: NodeJS.Signals | null, stdout: string,
  stderr: string): Omit<CliVerdict, 'command'> {
  const broken = (rule: string, detail: string) => ({ outcome: rule, broken: `cli-${command}:${rule}`, detail: detail.slice(0, 300) });
  if (status === 'timeout') return broken('hang', 'killed after the timeout');
  if (status === null) return broken(`signal ${signal}`, stderr);
  if (/^\s+at .+:\d+:\d+\)?$/m.test(stderr)) return broken('stack trace', stderr);
  if (status !== 0 && status !== 2) return broken(`exit ${status}`, stderr);
  const lines = stderr === '' ? [] : stderr.replace(/\n$/, '').split('\n');
  if (!stderr.endsWith('\n') && stderr !== '') return broken('unterminated stderr', stderr);
  // `index` succeeds on a damaged file (the library keeps what was decodable) with one warning line.
  const indexedWithWarning = command === 'index' && lines.length === 1 && lines[0].startsWith('goroscope: warning: ');
  if (status === 0 && lines.length > 0 && !indexedWithWarning) return broken('stderr on exit 0', stderr);
  if (status === 2 && lines.length === 0) return broken('exit 2 without a line', '');
  if (status === 2 && command !== 'dump' && lines.length > 1) return broken('more than one line', stderr);
  for (const line of lines) {
    if (!line.startsWith('goroscope: ')) return broken('line without the goroscope prefix', line);
    if (!isPrintable(line)) return broken('control characters on stderr', JSON.stringify(line));
  }
  // Standard output may hold tabs and newlines, nothing else below U+0020 (nor DEL, C1, bidi controls).
  if (!isPrintable(stdout.replace(/[\n\t]/g, ''))) return broken('control characters on stdout', '');
  return { outcome: `exit ${status}`, broken: null, detail: lines[0] ?? '' };
}
