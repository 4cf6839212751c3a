// Starts `goroscope serve` as the user would (the real CLI, a fresh library in a temporary
// directory, a free port) and reads the URL it prints.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '../..');
const CLI = path.join(ROOT, 'bin', 'goroscope.mjs');

export interface ServeProcess {
  /** The printed URL, token included. */
  url: string;
  /** http://127.0.0.1:PORT */
  origin: string;
  token: string;
  library: string;
  stop(): Promise<void>;
}

export async function startServe(env: Record<string, string> = {}): Promise<ServeProcess> {
  const library = fs.mkdtempSync(path.join(os.tmpdir(), 'goroscope-e2e-'));
  const child = spawn(process.execPath, [CLI, 'serve', '--library', library, '--port', '0', '--no-open'], {
    cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    let stdout = '';
    const timer = setTimeout(() => reject(new Error(`goroscope serve printed no URL in 30 s; stderr: ${stderr}`)), 30_000);
    child.stdout!.on('data', (d: Buffer) => {
      stdout += d.toString();
      const m = /(http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+)/.exec(stdout);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.once('exit', (code) => reject(new Error(`goroscope serve exited (${code}) before printing its URL; stderr: ${stderr}`)));
  });
  const parsed = new URL(url);
  return {
    url, origin: parsed.origin, token: parsed.searchParams.get('token')!, library,
    stop: () => stopChild(child).then(() => fs.rmSync(library, { recursive: true, force: true })),
  };
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGINT');
  });
}

/** Runs the goroscope CLI; returns its exit status and output. */
export function goroscope(args: string[], env: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, env: { ...process.env, ...env }, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** `goroscope ARGS... --json` in an empty library of its own: a trace named in ARGS is decoded and indexed from the file itself. */
export function freshJson<T = Record<string, unknown>>(args: string[]): T {
  const library = fs.mkdtempSync(path.join(os.tmpdir(), 'goroscope-e2e-cli-'));
  try {
    const r = goroscope([...args, '--json', '--library', library]);
    if (r.status !== 0) throw new Error(`goroscope ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
    return JSON.parse(r.stdout) as T;
  } finally {
    fs.rmSync(library, { recursive: true, force: true });
  }
}

/** `goroscope stats FILE --json`, decoded from the file itself (an empty library, so no index is consulted). */
export function statsJson(file: string): Record<string, unknown> {
  return freshJson(['stats', file]);
}
