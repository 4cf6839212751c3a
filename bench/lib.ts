// Shared pieces of the benchmark scripts: locating a Go toolchain, building the Go helpers,
// producing the large trace, and timing child processes.

import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const OUT = path.resolve('bench/out');
const GO_CANDIDATES = ['/usr/lib/go-1.27/bin/go', '/usr/lib/go/bin/go', 'go'];
/** golang.org/x/exp/trace as Debian's golang-golang-x-exp-dev installs it (GOPATH mode). */
const GOPATH_WITH_X_EXP = '/usr/share/gocode';

/** The first Go 1.22+ toolchain among BENCH_GO (if set: only that one; "none" for none) or GO_CANDIDATES. */
export function findGo(): string | null {
  const candidates = process.env.BENCH_GO !== undefined ? [process.env.BENCH_GO] : GO_CANDIDATES;
  for (const go of candidates) {
    if (!go || go === 'none') continue;
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

/**
 * The large benchmark trace: --trace FILE, or bench/out/big.trace, generated with Go (bench/go/bigtrace)
 * if missing or if --regen is given. Generation writes a temporary file and renames it, so an
 * interrupted run never leaves a partial trace that later runs would reuse.
 */
export function benchTrace(args: string[]): string {
  const i = args.indexOf('--trace');
  if (i >= 0) {
    const file = args[i + 1];
    if (!file || !fs.existsSync(file)) throw new Error(`--trace: no such file ${file ?? '(missing argument)'}`);
    return path.resolve(file);
  }
  const file = path.join(OUT, 'big.trace');
  if (fs.existsSync(file) && !args.includes('--regen')) return file;
  const go = findGo();
  if (!go) {
    throw new Error(
      `${file} is missing and no Go toolchain (1.22+) was found to generate it ` +
        `(looked for ${process.env.BENCH_GO !== undefined ? `BENCH_GO=${process.env.BENCH_GO}` : GO_CANDIDATES.join(', ')}; see ../shared/docs/go-toolchains.md). Pass --trace FILE instead.`,
    );
  }
  const sizeArg = args.indexOf('--size-mb');
  const sizeMB = sizeArg >= 0 ? Number(args[sizeArg + 1]) : 160;
  if (!(sizeMB > 0)) throw new Error('--size-mb: expected a positive number');
  const bigtrace = buildGoTool(go, 'bigtrace');
  const tmp = `${file}.tmp-${process.pid}`;
  process.stderr.write(`generating a ${sizeMB} MiB trace of a busy HTTP server (${go}) into ${file} …\n`);
  const started = process.hrtime.bigint();
  const r = spawnSync(bigtrace, ['-size-mb', String(Math.ceil(sizeMB)), tmp], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (r.status !== 0) {
    fs.rmSync(tmp, { force: true });
    throw new Error(`bigtrace failed (${r.error?.message ?? `exit ${r.status ?? r.signal}`})`);
  }
  const header = readHeader(tmp);
  if (!/^go 1\.\d+ trace$/.test(header)) {
    fs.rmSync(tmp, { force: true });
    throw new Error(`bigtrace wrote no trace (header ${JSON.stringify(header)})`);
  }
  fs.rmSync(file, { force: true }); // also a stale symlink
  fs.renameSync(tmp, file);
  process.stderr.write(`generated ${(fs.statSync(file).size / 1e6).toFixed(1)} MB (header "${header}") in ${seconds.toFixed(1)} s\n`);
  return file;
}

/**
 * Runs the Go program bench/go/<tool> (built with `go`) with `args` plus a temporary output
 * path, then renames the output to `file`: an interrupted run never leaves a partial input that
 * later runs would reuse.
 */
export function generateWithGo(go: string | null, tool: string, args: string[], file: string, what: string): void {
  if (!go) throw new Error(`${file} is missing and no Go toolchain (1.22+) was found to generate it (see ../shared/docs/go-toolchains.md)`);
  const binary = buildGoTool(go, tool);
  const tmp = `${file}.tmp-${process.pid}`;
  process.stderr.write(`generating ${what} (${go}) into ${file} …\n`);
  const r = spawnSync(binary, [...args, tmp], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) {
    fs.rmSync(tmp, { force: true });
    throw new Error(`${tool} failed (${r.error?.message ?? `exit ${r.status ?? r.signal}`})`);
  }
  fs.renameSync(tmp, file);
}

/** The trace header ("go 1.26 trace"), NUL padding stripped. */
export function readHeader(file: string): string {
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.alloc(16);
    const n = fs.readSync(fd, buf, 0, 16, 0);
    return buf.subarray(0, n).toString('latin1').replace(/\0+$/, '');
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Go's reference reader (bench/go/readtrace), built now if a Go toolchain is present, else a
 * binary built by an earlier run. Throws with a clear message when neither is available.
 */
export function goReader(): string {
  const go = findGo();
  if (go) return buildGoTool(go, 'readtrace');
  const prebuilt = path.join(OUT, 'readtrace');
  if (fs.existsSync(prebuilt)) {
    process.stderr.write(`no Go toolchain found: using the readtrace built earlier (${prebuilt})\n`);
    return prebuilt;
  }
  throw new Error("no Go toolchain (1.22+) found to build Go's reference reader, the baseline: see ../shared/docs/go-toolchains.md");
}

/** Reads a file once so that the page cache is equally warm for every measured run. */
export function warmPageCache(file: string): void {
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.allocUnsafe(16 << 20);
    while (fs.readSync(fd, buf, 0, buf.length, null) > 0);
  } finally {
    fs.closeSync(fd);
  }
}

export interface ChildRun {
  /** Wall time from spawn to exit. */
  seconds: number;
  /** The child's own JSON report. */
  report: Record<string, number>;
  /** Peak RSS of the child in KiB (see peakRssMethod). */
  peakRssKB: number;
}

const GNU_TIME = '/usr/bin/time';
let gnuTime: boolean | undefined;

/**
 * How peak RSS is measured: from outside with GNU time (`%M`, the child's ru_maxrss as reported by
 * wait4) when /usr/bin/time works, otherwise the child's own getrusage(RUSAGE_SELF) maxrss
 * ("maxRssKB" in its report). Both are the kernel's high-water mark of the process's resident set,
 * so nothing is missed between samples as with /proc polling.
 */
export function peakRssMethod(): 'gnu-time' | 'self-reported' {
  if (gnuTime === undefined) {
    const r = spawnSync(GNU_TIME, ['-f', '%M', 'true'], { encoding: 'utf8' });
    gnuTime = r.status === 0 && /^\d+\s*$/.test(r.stderr);
  }
  return gnuTime ? 'gnu-time' : 'self-reported';
}

/** Runs a command that prints one JSON object, timing it from spawn to exit and taking its peak RSS. */
export function timeChild(command: string, args: string[]): ChildRun {
  const useTime = peakRssMethod() === 'gnu-time';
  const rssFile = useTime ? path.join(os.tmpdir(), `goroscope-bench-rss-${process.pid}`) : '';
  const [cmd, argv] = useTime ? [GNU_TIME, ['-q', '-f', '%M', '-o', rssFile, command, ...args]] : [command, args];
  const start = process.hrtime.bigint();
  const r = spawnSync(cmd, argv, { encoding: 'utf8', maxBuffer: 16 << 20 });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  let rssText = '';
  if (useTime) {
    rssText = fs.existsSync(rssFile) ? fs.readFileSync(rssFile, 'utf8') : '';
    fs.rmSync(rssFile, { force: true });
  }
  if (r.status !== 0) {
    // Node prints the source line first: show the error line itself if there is one.
    const stderr = r.stderr ?? '';
    const errorLine = stderr.split('\n').find((l) => /^\w*Error\b.*:/.test(l));
    throw new Error(`${path.basename(command)} ${args.join(' ')} failed (${r.error?.message ?? `exit ${r.status ?? r.signal}`}): ${errorLine ?? stderr.trim().slice(-500)}`);
  }
  const report = JSON.parse(r.stdout) as Record<string, number>;
  const peakRssKB = useTime ? Number(rssText.trim().split('\n').pop()) : report.maxRssKB;
  if (!(peakRssKB > 0)) throw new Error(`${path.basename(command)}: could not measure its peak RSS`);
  return { seconds, report, peakRssKB };
}

export function fmt(n: number, digits = 2): string {
  return n.toFixed(digits);
}

export function verdict(ok: boolean): string {
  return ok ? 'PASS' : 'MISS';
}

/** `--runs N` (at least 1), or `fallback`. */
export function runsArg(args: string[], fallback: number): number {
  const i = args.indexOf('--runs');
  return i >= 0 ? Math.max(1, Math.floor(Number(args[i + 1])) || 1) : fallback;
}

/** The item with the middle key (the lower of the two middle ones for an even count). */
function middleBy<T>(items: readonly T[], key: (item: T) => number): T {
  const sorted = [...items].sort((a, b) => key(a) - key(b));
  return sorted[Math.floor((sorted.length - 1) / 2)];
}

/** The middle value (the lower of the two middle ones for an even count). */
export function middle(values: number[]): number {
  return middleBy(values, (v) => v);
}

/** The run with the median time (its own RSS report kept). */
export function median(runs: ChildRun[]): ChildRun {
  return middleBy(runs, (r) => r.seconds);
}

let compiledDir: string | undefined;

/**
 * The arguments after `node` that run the compiled bench/<name>.ts (dist/cli, see
 * scripts/build-cli.mjs), building it first when a source is newer than the build, so the
 * measured code is what the CLI runs and never older than the sources.
 */
export function compiledChild(name: 'decode-child' | 'index-child' | 'query-child', ...args: string[]): string[] {
  if (compiledDir === undefined) {
    const r = spawnSync(process.execPath, ['scripts/build-cli.mjs'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    if (r.status !== 0) throw new Error('scripts/build-cli.mjs failed: the benchmark children do not compile');
    const stamp = JSON.parse(fs.readFileSync('dist/cli/current.json', 'utf8')) as { dir: string };
    compiledDir = path.resolve('dist/cli', stamp.dir);
    // Claimed as bin/goroscope.mjs claims it (scripts/cli-bundle.mjs): no build removes it while this runs.
    const marker = path.join(compiledDir, `.pid-${process.pid}`);
    fs.writeFileSync(marker, '');
    process.once('exit', () => fs.rmSync(marker, { force: true }));
  }
  return [path.join(compiledDir, `${name}.mjs`), ...args];
}
