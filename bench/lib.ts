// Shared pieces of the benchmark scripts: locating a Go toolchain, building the Go helpers,
// producing the large trace, and timing child processes.

import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export const OUT = path.resolve('bench/out');
const GO_CANDIDATES = ['/usr/lib/go-1.27/bin/go', '/usr/lib/go/bin/go', 'go'];
/** golang.org/x/exp/trace as Debian's golang-golang-x-exp-dev installs it (GOPATH mode). */
const GOPATH_WITH_X_EXP = '/usr/share/gocode';

export function findGo(): string | null {
  for (const go of GO_CANDIDATES) {
    const r = spawnSync(go, ['version'], { encoding: 'utf8' });
    if (r.status === 0 && /go1\.(2[2-9]|[3-9]\d)/.test(r.stdout)) return go;
  }
  return null;
}

/** Builds bench/go/<name> into bench/out/<name> (GOPATH mode, so x/exp/trace comes from Debian). */
export function buildGoTool(go: string, name: string): string {
  fs.mkdirSync(OUT, { recursive: true });
  const out = path.join(OUT, name);
  const r = spawnSync(go, ['build', '-o', out, '.'], {
    cwd: path.resolve('bench/go', name),
    encoding: 'utf8',
    env: { ...process.env, GOPATH: GOPATH_WITH_X_EXP, GO111MODULE: 'off', GOCACHE: path.resolve('.gocache'), GOFLAGS: '' },
  });
  if (r.status !== 0) throw new Error(`building ${name} failed: ${r.stderr.trim()}`);
  return out;
}

/** The large benchmark trace: --trace FILE, or bench/out/big.trace (generated with Go if missing). */
export function benchTrace(args: string[]): string {
  const i = args.indexOf('--trace');
  if (i >= 0) {
    const file = args[i + 1];
    if (!file || !fs.existsSync(file)) throw new Error(`--trace: no such file ${file}`);
    return path.resolve(file);
  }
  const file = path.join(OUT, 'big.trace');
  if (fs.existsSync(file) && !args.includes('--regen')) return file;
  const go = findGo();
  if (!go) throw new Error('no Go toolchain (1.22+) found to generate the benchmark trace: pass --trace FILE');
  const sizeArg = args.indexOf('--size-mb');
  const sizeMB = sizeArg >= 0 ? args[sizeArg + 1] : '160';
  const bigtrace = buildGoTool(go, 'bigtrace');
  process.stderr.write(`generating a ${sizeMB} MB trace of a busy HTTP server (Go) into ${file} …\n`);
  const r = spawnSync(bigtrace, [file, sizeMB], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) throw new Error('bigtrace failed');
  return file;
}

export interface ChildRun {
  seconds: number;
  /** The child's own JSON report. */
  report: Record<string, number>;
}

/** Runs a command that prints one JSON object, timing it from spawn to exit. */
export function timeChild(command: string, args: string[]): ChildRun {
  const start = process.hrtime.bigint();
  const r = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 16 << 20 });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (r.status !== 0) throw new Error(`${path.basename(command)} failed: ${r.stderr.trim().slice(0, 500)}`);
  return { seconds, report: JSON.parse(r.stdout) as Record<string, number> };
}

export function fmt(n: number, digits = 2): string {
  return n.toFixed(digits);
}

export function verdict(ok: boolean): string {
  return ok ? 'PASS' : 'MISS';
}

/** The run with the median time (its own RSS report kept). */
export function median(runs: ChildRun[]): ChildRun {
  const sorted = [...runs].sort((a, b) => a.seconds - b.seconds);
  return sorted[Math.floor((sorted.length - 1) / 2)];
}
