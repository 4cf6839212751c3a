// The release workflow (.github/workflows/release.yml) checked here, before any push: valid
// against the schema GitHub's workflows follow (@action-validator/core, which also checks
// expressions' places and needs/jobs references), every action pinned by a full commit SHA with
// its tag in a comment, tool versions pinned, and the steps issue 19 asks for, in order, on the
// three operating systems. A broken copy of the file must fail the same validation.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import type { ValidationState } from '@action-validator/core';

const require = createRequire(import.meta.url);
const { validateWorkflow } = require('@action-validator/core') as { validateWorkflow(src: string): ValidationState };

const FILE = '.github/workflows/release.yml';
const source = fs.readFileSync(FILE, 'utf8');

function errorsOf(src: string): string[] {
  const describe = (e: ValidationState['errors'][number]): string[] => {
    const own = `${'path' in e ? e.path : ''} ${e.title}${e.detail ? `: ${e.detail}` : ''}`;
    const nested = 'states' in e && e.states ? e.states.flatMap((s) => s.errors.flatMap(describe)) : [];
    return [own, ...nested];
  };
  return validateWorkflow(src).errors.flatMap(describe);
}

test('the release workflow is a valid GitHub Actions workflow', () => {
  assert.deepEqual(errorsOf(source), []);
});

test('a broken workflow fails the same validation', () => {
  const broken = [
    source.replace('runs-on: ${{ matrix.os }}', 'runs_on: ${{ matrix.os }}'),
    source.replace('    needs: build\n', '    needs: [build, missing-job]\n').replace('jobs:\n', 'jobs:\n  missing-job: 3\n'),
    source.replace('\non:\n', '\nonn:\n'),
    source.replace('timeout-minutes: 90', 'timeout-minutes: [ninety'),
  ];
  for (const [i, b] of broken.entries()) {
    assert.notEqual(b, source, `mutation ${i} applies`);
    assert.ok(errorsOf(b).length > 0, `mutation ${i} is reported`);
  }
});

test('every action is pinned by a full commit SHA with its version in a comment; tools are pinned', () => {
  const uses = [...source.matchAll(/^\s*(?:- )?uses: (.+)$/gm)].map((m) => m[1]);
  assert.ok(uses.length >= 5, `${uses.length} actions`);
  for (const u of uses) assert.match(u, /^[\w.-]+\/[\w.-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/, u);
  // One SHA per action: the same action is never pinned twice differently.
  const shaOf = new Map<string, string>();
  for (const u of uses) {
    const [action, sha] = u.split(' ')[0].split('@');
    assert.equal(shaOf.get(action) ?? sha, sha, action);
    shaOf.set(action, sha);
  }
  assert.match(source, /NODE_VERSION: '\d+\.\d+\.\d+'/);
  const runners = [...source.matchAll(/(?:runs-on|os): ([\w.-]+)$/gm)].map((m) => m[1]).filter((r) => !r.startsWith('$'));
  assert.deepEqual(runners.sort(), ['macos-14', 'ubuntu-24.04', 'ubuntu-24.04', 'windows-2022']);
  assert.ok(!/-latest\b/.test(source), 'no floating runner image');
  // The Chromium the tests drive is the one package-lock.json's @playwright/test pins.
  const lock = JSON.parse(fs.readFileSync('package-lock.json', 'utf8')) as { packages: Record<string, { version: string }> };
  assert.match(lock.packages['node_modules/@playwright/test'].version, /^\d+\.\d+\.\d+$/);
  assert.match(source, /npx playwright install --with-deps chromium/);
});

test('each OS: npm ci, the README\'s tests, npm run dist, the packaged app\'s smoke test, checksums, upload; releases on v* tags', () => {
  const readme = fs.readFileSync('README.md', 'utf8');
  assert.ok(readme.includes('npm ci && npm test'), 'the README\'s test command');
  const order = ['run: npm ci', 'run: npm test', 'run: npm run dist', 'GOROSCOPE_SMOKE_APP:', 'test/electron/playwright.config.ts',
    'node scripts/checksums.mjs', 'actions/upload-artifact@', 'SHA256SUMS-'];
  let at = 0;
  for (const step of order) {
    const i = source.indexOf(step, at);
    assert.ok(i >= 0, `${step} comes after the previous step`);
    at = i;
  }
  for (const os of ['linux', 'mac', 'windows']) assert.match(source, new RegExp(`label: ${os}\\n`), os);
  for (const ext of ['AppImage', 'deb', 'dmg', 'exe']) assert.ok(source.includes(`dist/installers/*.${ext}`), ext);
  // The smoke test launches the executable of each OS's unpacked app (electron.config.ts names).
  const config = fs.readFileSync('electron.config.ts', 'utf8');
  const linuxName = /executableName: '([^']+)'/.exec(config)![1];
  const productName = /productName: '([^']+)'/.exec(config)![1];
  assert.ok(source.includes(`linux-unpacked/${linuxName}\n`));
  assert.ok(source.includes(`${productName}.app/Contents/MacOS/${productName}\n`));
  assert.ok(source.includes(`win-unpacked/${productName}.exe\n`));
  // Releases: only on v* tags, the only job allowed to write.
  assert.match(source, /tags: \['v\*'\]/);
  assert.match(source, /if: startsWith\(github\.ref, 'refs\/tags\/v'\)\n\s+needs: build/);
  assert.equal([...source.matchAll(/contents: write/g)].length, 1);
  assert.match(source, /^permissions:\n {2}contents: read$/m);
  assert.match(source, /gh release create "\$TAG" installers\/\*/);
});
