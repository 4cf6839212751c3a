// The flame graph's call tree against what Go's pprof computed for the fixture profiles
// (test/fixtures/profiles/expected: `go tool pprof -top` per sample type, and with -base): the
// root is the total pprof reports, and every function's cum is the sum of its outermost nodes.

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Library } from '../../src-main/index/library.ts';
import { GoroscopeService } from '../../src-main/service/service.ts';
import { InvalidArgument } from '../../src-main/service/validate.ts';
import { profileFlameRequest } from '../../src-main/hosts/electron/ipc-validate.ts';
import { readProfileFile } from '../../src-main/decode/pprof/decode.ts';
import { profileFlame, type FlameGraph, type FlameNode } from '../../src-main/analyze/profile-flame.ts';
import { TopError } from '../../src-main/analyze/profile-top.ts';
import { scaledLabel } from '../../src-main/analyze/profile-units.ts';
import { expectedTops, fixtureProfiles } from '../support/profile-fixtures.ts';

interface PprofTop {
  /** The total in pprof's "Showing nodes accounting for …, …% of TOTAL total" line. */
  readonly totalText: string;
  /** cum column by function name (names printed on more than one row are left out). */
  readonly cumText: ReadonlyMap<string, string>;
}

function parsePprofTop(output: string): PprofTop {
  const totalText = /^Showing nodes accounting for .*, .* of (\S+) total$/m.exec(output)?.[1];
  assert.ok(totalText !== undefined, 'pprof printed its total');
  const cumText = new Map<string, string>();
  const repeated = new Set<string>();
  const lines = output.split('\n');
  const headerAt = lines.findIndex((l) => /^\s+flat\s+flat%\s+sum%\s+cum\s+cum%$/.test(l));
  for (const line of lines.slice(headerAt + 1)) {
    const m = /^\s*(\S+)\s+\S+%\s+\S+%\s+(\S+)\s+\S+%\s\s(.*?)(?: \((?:partial-)?inline\))?$/.exec(line);
    if (!m) continue;
    if (cumText.has(m[3])) repeated.add(m[3]);
    cumText.set(m[3], m[2]);
  }
  for (const r of repeated) cumText.delete(r);
  return { totalText, cumText };
}

/** A function's cum: its nodes that have no ancestor of the same function (recursion counted once). */
function cumByFunction(root: FlameNode): Map<string, number> {
  const cum = new Map<string, number>();
  const onPath = new Map<string, number>();
  const walk = (n: FlameNode) => {
    const outermost = !onPath.get(n.name);
    if (outermost) cum.set(n.name, (cum.get(n.name) ?? 0) + n.value);
    onPath.set(n.name, (onPath.get(n.name) ?? 0) + 1);
    for (const c of n.children) walk(c);
    onPath.set(n.name, onPath.get(n.name)! - 1);
  };
  for (const c of root.children) walk(c);
  return cum;
}

function eachNode(root: FlameNode, visit: (n: FlameNode, path: string) => void, path = ''): void {
  visit(root, path);
  for (const c of root.children) eachNode(c, visit, `${path}\n${c.name}`);
}

const UNPRUNED = { minFraction: 0, maxNodes: Number.MAX_SAFE_INTEGER };

test('root and every function\'s outermost-node sum equal go tool pprof -top (total and cum) for every fixture', () => {
  let compared = 0;
  let functions = 0;
  const kinds = new Set<string>();
  let withBase = 0;
  for (const f of fixtureProfiles()) {
    const profile = readProfileFile(f.path);
    for (const e of expectedTops(f.name)) {
      if (e.nodeCount !== 0 || e.cum) continue;
      const base = e.base ? readProfileFile(e.base) : undefined;
      const flame = profileFlame(profile, { sampleType: e.sampleType, base, ...UNPRUNED });
      const expected = parsePprofTop(e.output);
      const format = (v: number) => scaledLabel(v, flame.unit, flame.outputUnit);
      const what = `${f.name}: go tool pprof ${e.args}`;
      assert.equal(format(flame.total), expected.totalText, `${what}: total`);
      if (base === undefined) assert.equal(flame.root.value, flame.total, `${what}: root is every sample`);
      else withBase++;
      const cum = cumByFunction(flame.root);
      for (const [name, text] of expected.cumText) {
        assert.equal(format(cum.get(name) ?? 0), text, `${what}: cum of ${name}`);
        functions++;
      }
      compared++;
      kinds.add(f.name.split('.')[0]);
    }
  }
  for (const kind of ['cpu', 'heap', 'allocs', 'goroutine', 'mutex', 'block']) assert.ok(kinds.has(kind), `fixtures include ${kind}`);
  assert.ok(withBase > 0, 'some reports subtract a base');
  assert.ok(compared >= 50 && functions >= 500, `compared ${compared} reports, ${functions} functions`);
});

test('heap profiles have a tree per sample type, each adding up to pprof\'s total', () => {
  const heap = readProfileFile('test/fixtures/profiles/heap.go127.pprof');
  const totals = new Map(expectedTops('heap.go127').filter((e) => e.nodeCount === 0 && !e.cum && !e.base)
    .map((e) => [e.sampleType, parsePprofTop(e.output).totalText]));
  for (const type of ['inuse_space', 'alloc_space', 'inuse_objects', 'alloc_objects']) {
    const flame = profileFlame(heap, { sampleType: type });
    assert.equal(flame.sampleType, type);
    assert.equal(scaledLabel(flame.root.value, flame.unit, flame.outputUnit), totals.get(type), type);
  }
});

test('children never add up to more than their parent, and self is what the children leave', () => {
  for (const name of ['cpu.go127', 'heap.go122', 'mutex.go119', 'goroutine.go126']) {
    const flame = profileFlame(readProfileFile(`test/fixtures/profiles/${name}.pprof`), UNPRUNED);
    eachNode(flame.root, (n) => {
      let sum = 0;
      for (const c of n.children) {
        assert.ok(c.value <= n.value, `${name}: ${c.name} ≤ ${n.name}`);
        sum += c.value;
      }
      assert.equal(sum + n.self, n.value, `${name}: ${n.name} = self + children`);
    });
  }
});

test('pruning keeps widths: kept nodes keep their full value, the dropped ones stay in their parent', () => {
  const profile = readProfileFile('test/fixtures/profiles/cpu.go127.pprof');
  const full = profileFlame(profile, UNPRUNED);
  const valueAt = new Map<string, number>();
  eachNode(full.root, (n, path) => valueAt.set(path, n.value));
  const check = (pruned: FlameGraph, limit: number, minFraction: number) => {
    let nodes = 0;
    eachNode(pruned.root, (n, path) => {
      nodes++;
      assert.equal(n.value, valueAt.get(path), `value of ${path}`);
      assert.ok(n.value >= pruned.root.value * minFraction, `${n.name} is wide enough`);
    });
    assert.equal(pruned.root.value, full.root.value);
    assert.equal(nodes + pruned.prunedNodes, full.nodeCount);
    assert.ok(nodes <= limit);
    return nodes;
  };
  // The fixture is small (every node is above the default 1/2000): prune at 2% to see it work.
  assert.equal(check(profileFlame(profile), Infinity, 1 / 2000), full.nodeCount);
  const wide = check(profileFlame(profile, { minFraction: 0.02 }), Infinity, 0.02);
  assert.ok(full.prunedNodes === 0 && wide < full.nodeCount, `${wide} of ${full.nodeCount} nodes are 2% wide`);
  assert.equal(check(profileFlame(profile, { maxNodes: 12 }), 12, 0), 12);
});

test('unknown sample types are refused as pprof refuses them', () => {
  const cpu = readProfileFile('test/fixtures/profiles/cpu.go127.pprof');
  assert.throws(() => profileFlame(cpu, { sampleType: 'alloc_space' }), (e: unknown) => e instanceof TopError && /must be one of: samples cpu/.test(e.message));
});

test('the service\'s profileFlame is the flame graph of the indexed profile, with -base, validated', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'goroscope-flame-'));
  const svc = new GoroscopeService(new Library(dir));
  after(() => svc.close());
  const index = async (file: string) => (await svc.indexFile(file)).artefact.hash;
  const heap = 'test/fixtures/profiles/heap.go127.pprof';
  const hash = await index(heap);
  assert.deepEqual(await svc.profileFlame({ artefact: hash }), profileFlame(readProfileFile(heap)));
  assert.deepEqual(await svc.profileFlame({ artefact: hash, sampleType: 'alloc_space', minFraction: 0 }),
    profileFlame(readProfileFile(heap), { sampleType: 'alloc_space', minFraction: 0 }));
  const early = 'test/fixtures/profiles/goroutine-early.go127.pprof';
  const late = 'test/fixtures/profiles/goroutine.go127.pprof';
  assert.deepEqual(await svc.profileFlame({ artefact: await index(late), base: await index(early) }),
    profileFlame(readProfileFile(late), { base: readProfileFile(early) }));
  await assert.rejects(svc.profileFlame({ artefact: hash, sampleType: 'no_such_type' }), (e: unknown) => e instanceof InvalidArgument && /no_such_type/.test(e.message));
  await assert.rejects(svc.profileFlame({ artefact: hash, minFraction: 2 }), /minFraction must be a number in \[0, 1\]/);
  await assert.rejects(svc.profileFlame({ artefact: hash, base: await index('test/fixtures/profiles/cpu.go127.pprof') }), InvalidArgument);
  // Over IPC, unknown keys are dropped and bad values refused before the service sees them.
  assert.deepEqual(profileFlameRequest({ artefact: hash, minFraction: 0.01, extra: 1 }), { artefact: hash, minFraction: 0.01 });
  assert.throws(() => profileFlameRequest({ artefact: hash, minFraction: 'x' }), InvalidArgument);
});
