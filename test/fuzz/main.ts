// The fuzzer: `npm run fuzz -- --seconds N [--kind trace|pprof|dump] [options]`.
//
// Mutants of the project's fixtures (test/fixtures/traces, profiles, dumps) are checked against
// the bad-input contract (contract.ts) in worker threads with a per-input watchdog (checker.ts),
// and one in `--cli-every` through the real command (cli-check.ts). An input that breaks a rule
// is shrunk (minimize.ts) and saved in the corpus (test/fuzz-corpus/<kind>/), which the test suite
// replays (test/unit/fuzz.test.ts). Ends with the counts, the rate and the outcome classes, and
// exit status 1 when any rule was broken.
//
// Options:
//   --seconds N         run for N seconds (default 60)
//   --inputs N          or stop after N inputs
//   --kind K            only trace, pprof or dump mutants (default: all three in turn)
//   --seed S            the first run's random seed (default: from the clock; printed)
//   --jobs J            worker threads (default 1)
//   --timeout-ms T      an input taking longer is a hang (default 10000)
//   --heap-mb M         a worker's heap limit: more is a memory failure (default 1024)
//   --cli-every N       run one mutant in N through the CLI (default 200; 0: never)
//   --max-seed-kb K     leave out fixtures larger than this (default 64)
//   --corpus DIR        where inputs that broke a rule are saved (default test/fuzz-corpus); one
//                       still over --max-corpus-kb (default 16) once shrunk goes to the temp dir
//   --max-corpus-kb K
//   --json FILE         also write the final report as JSON

import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { commandFor, runCli, type CliVerdict } from './cli-check.ts';
import { WatchedChecker } from './checker.ts';
import { minimize } from './minimize.ts';
import { mutate, type Mutant } from './mutate.ts';
import { Random } from './random.ts';
import { extensionOf, KINDS, loadSeeds, type ArtefactKind, type Seed } from './seeds.ts';

interface Options {
  seconds: number;
  inputs: number;
  kinds: ArtefactKind[];
  seed: number;
  jobs: number;
  timeoutMs: number;
  heapMb: number;
  cliEvery: number;
  maxSeedKb: number;
  corpus: string;
  maxCorpusKb: number;
  json: string | null;
}

function parseOptions(argv: string[]): Options {
  const o: Options = {
    seconds: 60, inputs: Infinity, kinds: [...KINDS], seed: Date.now() % 2 ** 31, jobs: 1, timeoutMs: 10_000, heapMb: 1024,
    cliEvery: 200, maxSeedKb: 64, corpus: 'test/fuzz-corpus', maxCorpusKb: 16, json: null,
  };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split('=', 2);
    const value = () => inline ?? argv[++i] ?? fail(`${flag} needs a value`);
    const number = () => {
      const v = Number(value());
      if (!Number.isFinite(v) || v < 0) fail(`${flag} needs a non-negative number`);
      return v;
    };
    switch (flag) {
      case '--seconds': o.seconds = number(); break;
      case '--inputs': o.inputs = number(); break;
      case '--kind': {
        const k = value();
        if (!KINDS.includes(k as ArtefactKind)) fail(`--kind must be one of ${KINDS.join(', ')}`);
        o.kinds = [k as ArtefactKind];
        break;
      }
      case '--seed': o.seed = number(); break;
      case '--jobs': o.jobs = Math.max(1, number()); break;
      case '--timeout-ms': o.timeoutMs = number(); break;
      case '--heap-mb': o.heapMb = number(); break;
      case '--cli-every': o.cliEvery = number(); break;
      case '--max-seed-kb': o.maxSeedKb = number(); break;
      case '--corpus': o.corpus = value(); break;
      case '--max-corpus-kb': o.maxCorpusKb = number(); break;
      case '--json': o.json = value(); break;
      default: fail(`unknown option ${argv[i]} (see the head of test/fuzz/main.ts)`);
    }
  }
  return o;
}

function fail(message: string): never {
  process.stderr.write(`fuzz: ${message}\n`);
  process.exit(2);
}

/** Counts by kind and outcome class. */
class Tally {
  readonly inputs = new Map<ArtefactKind, number>();
  readonly outcomes = new Map<ArtefactKind, Map<string, number>>();
  readonly cli = new Map<string, Map<string, number>>();
  readonly broken = new Map<string, { count: number; example: string; saved: string | null }>();
  readonly slowest = new Map<ArtefactKind, { ms: number; seed: string; ops: string }>();

  add(kind: ArtefactKind, outcome: string, ms: number, mutant: Mutant): void {
    this.inputs.set(kind, (this.inputs.get(kind) ?? 0) + 1);
    bump(this.outcomes, kind, outcome);
    const slow = this.slowest.get(kind);
    if (!slow || ms > slow.ms) this.slowest.set(kind, { ms, seed: mutant.seed, ops: mutant.ops.join(' ') });
  }

  get total(): number {
    let n = 0;
    for (const v of this.inputs.values()) n += v;
    return n;
  }
}

function bump<K>(m: Map<K, Map<string, number>>, key: K, cls: string): void {
  let inner = m.get(key);
  if (!inner) m.set(key, (inner = new Map()));
  inner.set(cls, (inner.get(cls) ?? 0) + 1);
}

async function main(): Promise<number> {
  const o = parseOptions(process.argv.slice(2));
  const seeds = new Map<ArtefactKind, Seed[]>();
  const skipped: string[] = [];
  for (const kind of o.kinds) {
    const loaded = loadSeeds(kind, o.maxSeedKb * 1024);
    if (loaded.seeds.length === 0) fail(`no ${kind} fixtures under ${o.maxSeedKb} KB`);
    seeds.set(kind, loaded.seeds);
    skipped.push(...loaded.skipped);
  }
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'goroscope-fuzz-'));
  const log = (line: string) => process.stderr.write(`${line}\n`);
  log(`fuzz: seed ${o.seed}, kinds ${o.kinds.join(',')}, ${[...seeds.values()].reduce((n, s) => n + s.length, 0)} seed files ` +
    `(${skipped.length} over ${o.maxSeedKb} KB left out), ${o.jobs} job(s), timeout ${o.timeoutMs} ms, heap limit ${o.heapMb} MB, ` +
    `CLI ${o.cliEvery > 0 ? `1 in ${o.cliEvery}` : 'off'}`);

  const tally = new Tally();
  const started = performance.now();
  const deadline = started + o.seconds * 1000;
  const random = new Random(o.seed);
  let issued = 0;
  let cliRunning = 0;
  const cliRuns: Promise<void>[] = [];
  let lastReport = started;
  const minimizer = new WatchedChecker(o.timeoutMs, o.heapMb);

  const nextMutant = (): Mutant => {
    const kind = o.kinds[issued % o.kinds.length];
    const list = seeds.get(kind)!;
    return mutate(random, random.pick(list), list);
  };

  const onBroken = async (mutant: Mutant, signature: string, detail: string, cli: CliVerdict | null): Promise<void> => {
    const entry = tally.broken.get(signature);
    if (entry) {
      entry.count++;
      return;
    }
    const record = { count: 1, example: `${mutant.seed} [${mutant.ops.join(' ')}]: ${detail}`, saved: null as string | null };
    tally.broken.set(signature, record);
    log(`fuzz: BROKEN ${signature}: ${record.example}`);
    let small = mutant.bytes;
    if (signature !== 'hang') {
      // A CLI failure is shrunk with the in-process rule when that rule breaks too; else kept whole.
      const inProcess = cli ? (await minimizer.check(mutant.kind, 'mutant', mutant.bytes)).verdict.broken : signature;
      if (inProcess) {
        small = await minimize(mutant.bytes, inProcess, async (candidate) =>
          (await minimizer.check(mutant.kind, 'mutant', candidate)).verdict.broken, { text: mutant.kind === 'dump', maxChecks: 4000, maxMs: 60_000 });
      }
    }
    // Large inputs stay out of the repository's corpus (shrinking did not get them small).
    const corpus = small.length <= o.maxCorpusKb * 1024 ? o.corpus : path.join(os.tmpdir(), 'goroscope-fuzz-large');
    record.saved = saveToCorpus(corpus, mutant.kind, signature, small);
    log(`fuzz: saved ${record.saved} (${small.length} bytes, from ${mutant.bytes.length})`);
  };

  const cliByKind = new Map<ArtefactKind, number>();
  const startCli = (mutant: Mutant, n: number) => {
    const k = cliByKind.get(mutant.kind) ?? 0;
    cliByKind.set(mutant.kind, k + 1);
    const command = commandFor(mutant.kind, k);
    const file = path.join(workDir, `mutant-${n}${extensionOf(mutant.kind)}`);
    fs.writeFileSync(file, mutant.bytes);
    cliRunning++;
    const run = runCli(command, file, path.join(workDir, `cli-${n}`), 120_000).then(async (v) => {
      cliRunning--;
      bump(tally.cli, `${mutant.kind} ${command}`, v.outcome);
      if (v.broken) await onBroken(mutant, v.broken, v.detail, v);
      fs.rmSync(file, { force: true });
      fs.rmSync(path.join(workDir, `cli-${n}`), { recursive: true, force: true });
    });
    cliRuns.push(run);
  };

  const lane = async (checker: WatchedChecker) => {
    while (performance.now() < deadline && issued < o.inputs) {
      const n = issued++;
      const mutant = nextMutant();
      const { verdict, ms } = await checker.check(mutant.kind, 'mutant', mutant.bytes);
      tally.add(mutant.kind, verdict.outcome, ms, mutant);
      if (verdict.broken) await onBroken(mutant, verdict.broken, verdict.detail, null);
      // A sample through the real command, one at a time (each costs a Node start).
      if (o.cliEvery > 0 && n % o.cliEvery === 0 && cliRunning === 0) startCli(mutant, n);
      const now = performance.now();
      if (now - lastReport > 30_000) {
        lastReport = now;
        log(`fuzz: ${Math.round((now - started) / 1000)} s, ${tally.total} inputs (${rate(tally.total, now - started)}/s), ` +
          `${[...tally.inputs].map(([k, v]) => `${k} ${v}`).join(', ')}, ${tally.broken.size} broken rule(s)`);
      }
    }
  };

  const checkers = Array.from({ length: o.jobs }, () => new WatchedChecker(o.timeoutMs, o.heapMb));
  await Promise.all(checkers.map(lane));
  const elapsed = performance.now() - started;
  await Promise.all(cliRuns);
  await Promise.all([...checkers, minimizer].map((c) => c.close()));
  fs.rmSync(workDir, { recursive: true, force: true });

  const report = {
    seed: o.seed,
    seconds: Math.round(elapsed / 100) / 10,
    inputs: tally.total,
    perSecond: Number(rate(tally.total, elapsed)),
    byKind: Object.fromEntries(o.kinds.map((k) => [k, {
      inputs: tally.inputs.get(k) ?? 0,
      outcomes: Object.fromEntries([...(tally.outcomes.get(k) ?? new Map<string, number>())].sort((a, b) => b[1] - a[1])),
      slowest: tally.slowest.get(k) ?? null,
    }])),
    cli: Object.fromEntries([...tally.cli].map(([k, m]) => [k, Object.fromEntries(m)])),
    workerStarts: checkers.reduce((n, c) => n + c.starts, 0),
    seedsLeftOut: skipped,
    broken: Object.fromEntries(tally.broken),
  };
  process.stdout.write(renderReport(report));
  if (o.json) fs.writeFileSync(o.json, JSON.stringify(report, null, 2) + '\n');
  return tally.broken.size > 0 ? 1 : 0;
}

function rate(n: number, ms: number): string {
  return (n / (ms / 1000)).toFixed(1);
}

interface Report {
  seed: number;
  seconds: number;
  inputs: number;
  perSecond: number;
  byKind: Record<string, { inputs: number; outcomes: Record<string, number>; slowest: { ms: number; seed: string; ops: string } | null }>;
  cli: Record<string, Record<string, number>>;
  workerStarts: number;
  broken: Record<string, { count: number; example: string; saved: string | null }>;
}

function renderReport(r: Report): string {
  const lines = [`${r.inputs} inputs in ${r.seconds} s (${r.perSecond}/s), seed ${r.seed}, ${r.workerStarts} worker start(s)`];
  for (const [kind, k] of Object.entries(r.byKind)) {
    lines.push(`${kind}: ${k.inputs} inputs`);
    for (const [cls, n] of Object.entries(k.outcomes)) lines.push(`  ${cls.padEnd(28)} ${String(n).padStart(9)}  ${(100 * n / Math.max(1, k.inputs)).toFixed(2)}%`);
    if (k.slowest) lines.push(`  slowest: ${k.slowest.ms.toFixed(0)} ms (${k.slowest.seed} [${k.slowest.ops}])`);
  }
  for (const [cmd, outcomes] of Object.entries(r.cli)) {
    lines.push(`cli ${cmd}: ${Object.entries(outcomes).map(([c, n]) => `${c} ×${n}`).join(', ')}`);
  }
  const broken = Object.entries(r.broken);
  lines.push(broken.length === 0 ? 'no rule broken' : `${broken.length} rule(s) broken:`);
  for (const [sig, b] of broken) lines.push(`  ${sig} ×${b.count}: ${b.example}${b.saved ? ` -> ${b.saved}` : ''}`);
  return lines.join('\n') + '\n';
}

/** Saves an input under <corpus>/<kind>/<signature>-<hash>; one file per signature. */
function saveToCorpus(corpus: string, kind: ArtefactKind, signature: string, bytes: Uint8Array): string {
  const dir = path.join(corpus, kind);
  fs.mkdirSync(dir, { recursive: true });
  const slug = signature.toLowerCase().replace(/[^a-z0-9.]+/g, '-').replace(/^-|-$/g, '').slice(0, 80);
  const existing = fs.readdirSync(dir).find((f) => f.startsWith(`${slug}-`));
  if (existing) return path.join(dir, existing);
  const hash = createHash('sha256').update(bytes).digest('hex').slice(0, 10);
  const file = path.join(dir, `${slug}-${hash}${extensionOf(kind)}`);
  fs.writeFileSync(file, bytes);
  return file;
}

process.exitCode = await main();
