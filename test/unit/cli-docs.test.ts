// `goroscope --version`, `goroscope help COMMAND` (a manual page for every command) and
// `goroscope completion bash|zsh`, run as a user runs them; the completions are loaded into real
// shells (bash always; zsh where it is installed) and asked what they offer.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { COMMANDS } from '../../src-main/hosts/cli/main.ts';
import { COMMAND_DOCS } from '../../src-main/hosts/cli/command-docs.ts';

function goroscope(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['bin/goroscope.mjs', ...args], { encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'goroscope-cli-docs-'));
process.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));

test('--version prints the package version', () => {
  const version = (JSON.parse(fs.readFileSync('package.json', 'utf8')) as { version: string }).version;
  for (const flag of ['--version', '-V', 'version']) {
    const r = goroscope(flag);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, `goroscope ${version}\n`);
  }
});

test('every command has a manual page, and the table knows exactly the options its usage names', async () => {
  const undocumented = Object.keys(COMMANDS).filter((c) => !(c in COMMAND_DOCS));
  assert.deepEqual(undocumented, [], `add an entry to COMMAND_DOCS (src-main/hosts/cli/command-docs.ts) for: ${undocumented.join(', ')}`);
  assert.deepEqual(Object.keys(COMMANDS).sort(), Object.keys(COMMAND_DOCS).sort(), 'one table entry per command');
  for (const [name, command] of Object.entries(COMMANDS)) {
    const r = goroscope('help', name);
    assert.equal(r.status, 0, `${name}: ${r.stderr}`);
    for (const section of ['NAME', 'SYNOPSIS', 'EXIT STATUS', 'SEE ALSO']) assert.match(r.stdout, new RegExp(`^${section}$`, 'm'), `${name}: ${section}`);
    assert.ok(r.stdout.includes(`goroscope ${name} - ${command.summary}`), name);
    const { usage } = await command.load();
    const synopsis = usage.split('\n').filter((l) => l.startsWith('usage: ')).join(' ');
    const named = new Set(COMMAND_DOCS[name].options.map((o) => o.name));
    for (const m of synopsis.matchAll(/(?<![\w-])(--?[a-z][a-z0-9-]*)/g)) {
      const option = m[1] === '--n' ? '-n' : m[1];
      assert.ok(named.has(option), `${name}: ${option} of its usage is in the table`);
    }
    for (const option of named) assert.ok(new RegExp(`(?<![\\w-])${option}(?![\\w-])`).test(usage), `${name}: ${option} of the table is in its usage`);
    for (const see of COMMAND_DOCS[name].seeAlso) assert.ok(see in COMMANDS || see === 'help', `${name}: see also ${see}`);
  }
  const unknown = goroscope('help', 'nosuch');
  assert.equal(unknown.status, 2);
  assert.equal(unknown.stderr, 'goroscope: unknown command "nosuch" (see goroscope help)\n');
  assert.match(goroscope('help').stdout, /--version/);
});

/** What the bash completion offers for the words typed so far (the last one being completed). */
function bashOffers(script: string, words: string[]): string[] {
  const quoted = words.map((w) => `'${w}'`).join(' ');
  const r = spawnSync('bash', ['-c', `source "${script}"; COMP_WORDS=(${quoted}); COMP_CWORD=${words.length - 1}; _goroscope; printf '%s\\n' "\${COMPREPLY[@]}"`], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, '');
  return r.stdout.split('\n').filter((l) => l !== '').sort();
}

test('bash completion: commands, options, fixed values and files', () => {
  const r = goroscope('completion', 'bash');
  assert.equal(r.status, 0, r.stderr);
  const script = path.join(tmp, 'goroscope.bash');
  fs.writeFileSync(script, r.stdout);
  assert.deepEqual(bashOffers(script, ['goroscope', 'bl']), ['blocking']);
  assert.deepEqual(bashOffers(script, ['goroscope', 't']), ['top', 'triage']);
  assert.deepEqual(bashOffers(script, ['goroscope', '--v']), ['--version']);
  assert.deepEqual(bashOffers(script, ['goroscope', 'blocking', '--kind', 's']), ['sched', 'sync', 'syscall']);
  assert.deepEqual(bashOffers(script, ['goroscope', 'events', '--format', '']), ['compact', 'go']);
  assert.deepEqual(bashOffers(script, ['goroscope', 'top', '--s']), ['--sample-type']);
  assert.deepEqual(bashOffers(script, ['goroscope', 'help', 'ga']), []);
  assert.deepEqual(bashOffers(script, ['goroscope', 'help', 'gc']), ['gc']);
  assert.deepEqual(bashOffers(script, ['goroscope', 'completion', '']), ['bash', 'zsh']);
  assert.deepEqual(bashOffers(script, ['goroscope', 'top', 'test/fixtures/profiles/text/mutex.go12']),
    ['test/fixtures/profiles/text/mutex.go126.txt', 'test/fixtures/profiles/text/mutex.go127.txt']);
  assert.deepEqual(bashOffers(script, ['goroscope', 'top', '-n', '']), [], 'a number: nothing to offer');
  // Every option of every command is offered after its command.
  for (const [name, doc] of Object.entries(COMMAND_DOCS)) {
    const offered = bashOffers(script, ['goroscope', name, '-']);
    for (const o of doc.options) assert.ok(offered.includes(o.name), `${name} ${o.name}`);
  }
});

const zsh = ['/usr/bin/zsh', '/bin/zsh'].find((p) => fs.existsSync(p));

test('zsh completion loads in zsh and describes every command and option', { skip: !zsh && 'zsh is not installed (apt-get install zsh)' }, () => {
  const r = goroscope('completion', 'zsh');
  assert.equal(r.status, 0, r.stderr);
  const script = path.join(tmp, '_goroscope');
  fs.writeFileSync(script, r.stdout);
  const syntax = spawnSync(zsh!, ['-n', script], { encoding: 'utf8' });
  assert.equal(syntax.status, 0, syntax.stderr);
  const loaded = spawnSync(zsh!, ['-f', '-c', `autoload -U compinit; compinit -u -d "${tmp}/zcompdump"; source "${script}"; print -r -- "\${_comps[goroscope]}"`], { encoding: 'utf8' });
  assert.equal(loaded.status, 0, loaded.stderr);
  assert.equal(loaded.stdout, '_goroscope\n');
  for (const [name, doc] of Object.entries(COMMAND_DOCS)) {
    const line = r.stdout.split('\n').find((l) => l.startsWith(`    ${name}) _arguments `));
    assert.ok(line, name);
    for (const o of doc.options) assert.ok(line.includes(`'${o.name}`), `${name} ${o.name}`);
  }
  assert.match(r.stdout, /'--kind:KIND:\(sync net syscall sched\)'/);
  assert.equal(goroscope('completion', 'fish').status, 2);
});
