// node --import tsx bench/cli-start.ts [--runs N] [--json]
//
// Start-up of the compiled CLI: wall time of `node bin/goroscope.mjs help` against `node -e 0`,
// alternating, `--runs` times each (default 7), medians and their ratio. Target: ratio ≤ 2.5.
// For comparison, the same command from the sources through tsx (GOROSCOPE_FROM_SOURCES=1).
// The build is made current first (scripts/build-cli.mjs), so no run includes a rebuild.

import { spawnSync } from 'node:child_process';
import { fmt, middle, runsArg, verdict } from './lib.ts';

const args = process.argv.slice(2);
const json = args.includes('--json');
const TARGET_RATIO = 2.5;

function wallSeconds(command: string[], env: NodeJS.ProcessEnv = process.env): number {
  const started = process.hrtime.bigint();
  const r = spawnSync(process.execPath, command, { stdio: ['ignore', 'ignore', 'inherit'], env });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (r.status !== 0) throw new Error(`node ${command.join(' ')} exited with ${r.status}`);
  return seconds;
}

const build = spawnSync(process.execPath, ['scripts/build-cli.mjs'], { stdio: ['ignore', 'ignore', 'inherit'] });
if (build.status !== 0) throw new Error('scripts/build-cli.mjs failed');
const runs = runsArg(args, 7);
const node: number[] = [];
const cli: number[] = [];
const tsx: number[] = [];
for (let i = 0; i < runs; i++) {
  node.push(wallSeconds(['-e', '0']));
  cli.push(wallSeconds(['bin/goroscope.mjs', 'help']));
  tsx.push(wallSeconds(['bin/goroscope.mjs', 'help'], { ...process.env, GOROSCOPE_FROM_SOURCES: '1' }));
}
const nodeS = middle(node);
const cliS = middle(cli);
const tsxS = middle(tsx);
const ratio = cliS / nodeS;
if (json) {
  process.stdout.write(JSON.stringify({ runs, nodeSeconds: nodeS, cliSeconds: cliS, ratio, fromSourcesSeconds: tsxS }) + '\n');
} else {
  const ms = (s: number[]) => s.map((x) => (x * 1000).toFixed(0)).join(' ');
  console.log(`node -e 0                     median ${fmt(nodeS * 1000, 0)} ms  (runs: ${ms(node)})`);
  console.log(`node bin/goroscope.mjs help   median ${fmt(cliS * 1000, 0)} ms  (runs: ${ms(cli)})`);
  console.log(`the same through tsx           median ${fmt(tsxS * 1000, 0)} ms  (runs: ${ms(tsx)})`);
  console.log(`ratio ${fmt(ratio)} (target ≤ ${TARGET_RATIO}) ${verdict(ratio <= TARGET_RATIO)}`);
}
