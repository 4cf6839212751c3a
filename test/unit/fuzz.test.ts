// The fuzzer's rule in the test suite (test/fuzz/): every input that ever broke the bad-input
// contract (test/fuzz-corpus/) now keeps it — in-process, and through the command named in the
// file name for those that broke the CLI's side (cli-<command>-…) — and a bounded run of mutants
// of each kind from a fixed seed keeps it too: a result, or a DecodeError with a byte offset in
// one printable line. The long runs are `npm run fuzz -- --seconds N`.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as os from 'node:os';
import { runCli } from '../fuzz/cli-check.ts';
import { checkInput } from '../fuzz/contract.ts';
import { mutate } from '../fuzz/mutate.ts';
import { Random } from '../fuzz/random.ts';
import { KINDS, loadSeeds, type ArtefactKind } from '../fuzz/seeds.ts';

const CORPUS = 'test/fuzz-corpus';
/** Mutants per kind: 5 to 10 s each on a loaded two-core machine. */
const MUTANTS: Record<ArtefactKind, number> = { trace: 6000, pprof: 12000, dump: 15000 };

function corpusFiles(kind: ArtefactKind): string[] {
  const dir = path.join(CORPUS, kind);
  return fs.existsSync(dir) ? fs.readdirSync(dir).sort().map((f) => path.join(dir, f)) : [];
}

test('every input in the fuzz corpus keeps the contract now', () => {
  let n = 0;
  for (const kind of KINDS) {
    for (const file of corpusFiles(kind)) {
      const verdict = checkInput(kind, 'corpus-input', new Uint8Array(fs.readFileSync(file)));
      assert.equal(verdict.broken, null, `${file}: ${verdict.broken}: ${verdict.detail}`);
      n++;
    }
  }
  assert.ok(n > 0, `expected inputs in ${CORPUS}`);
});

test('every input of the corpus that broke the CLI now ends with exit 0, or exit 2 and one printable line', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'goroscope-corpus-cli-'));
  try {
    let n = 0;
    for (const kind of KINDS) {
      for (const file of corpusFiles(kind)) {
        const command = /^cli-(stats|index|top|dump)-/.exec(path.basename(file))?.[1];
        if (!command) continue;
        const verdict = await runCli(command, file, path.join(dir, String(n++)), 60_000);
        assert.equal(verdict.broken, null, `${command} ${file}: ${verdict.broken}: ${verdict.detail}`);
      }
    }
    assert.ok(n > 0, 'expected cli-… inputs in the corpus');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

for (const kind of KINDS) {
  test(`${MUTANTS[kind]} ${kind} mutants from a fixed seed keep the contract`, { timeout: 120_000 }, () => {
    const { seeds } = loadSeeds(kind, 64 * 1024);
    const random = new Random(0x5eed + KINDS.indexOf(kind));
    const outcomes = new Map<string, number>();
    for (let i = 0; i < MUTANTS[kind]; i++) {
      const mutant = mutate(random, random.pick(seeds), seeds);
      const verdict = checkInput(kind, 'mutant', mutant.bytes);
      assert.equal(verdict.broken, null, `mutant ${i} of ${mutant.seed} [${mutant.ops.join(' ')}]: ${verdict.broken}: ${verdict.detail}`);
      outcomes.set(verdict.outcome, (outcomes.get(verdict.outcome) ?? 0) + 1);
    }
    // The mutants reach past the first check: some decode, some fail, some decode in part.
    assert.ok((outcomes.get('ok') ?? 0) > 0, `some mutants decode: ${JSON.stringify([...outcomes])}`);
    assert.ok(outcomes.size >= 3, `several outcome classes: ${JSON.stringify([...outcomes])}`);
  });
}
