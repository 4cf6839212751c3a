// One table of what each command accepts, read by `goroscope help COMMAND` (a man-style page:
// NAME, SYNOPSIS, DESCRIPTION, OPTIONS, EXIT STATUS, SEE ALSO) and by `goroscope completion
// bash|zsh`. The prose stays in each command's usage text (its module); the table says which
// options exist, what they take, which values they accept and what the operands are, so that the
// completions offer exactly what the commands accept (test/unit/cli-docs.test.ts checks every
// usage text against this table).

import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

/** What a command's operands are: files to complete, or nothing to complete. */
export type OperandKind = 'files' | 'none';

export interface OptionDoc {
  /** As typed: "--json", "-n", "-o". */
  readonly name: string;
  /** Placeholder of its value ("N", "DIR"); absent for a flag. */
  readonly value?: string;
  /** The values it accepts, when they are a fixed set (completion offers them). */
  readonly choices?: readonly string[];
  /** Its value is a file or directory (completion offers paths). */
  readonly path?: boolean;
}

export interface CommandDoc {
  readonly operands: OperandKind;
  readonly options: readonly OptionDoc[];
  /** Exit statuses besides 0 (success), 2 (bad input or usage) and 70 (goroscope's own failure). */
  readonly exit?: string;
  readonly seeAlso: readonly string[];
}

const json: OptionDoc = { name: '--json' };
const library: OptionDoc = { name: '--library', value: 'DIR', path: true };
const BLOCKING_KINDS = ['sync', 'net', 'syscall', 'sched'];

export const COMMAND_DOCS: Readonly<Record<string, CommandDoc>> = {
  stats: { operands: 'files', options: [json, library, { name: '--partial' }], seeAlso: ['events', 'index', 'gc'] },
  events: { operands: 'files', options: [{ name: '--format', value: 'go|compact', choices: ['go', 'compact'] }, { name: '--limit', value: 'N' }], seeAlso: ['stats'] },
  index: { operands: 'files', options: [library, { name: '--force' }, json, { name: '--keep-partial' }, { name: '--stop-after-generations', value: 'N' }], seeAlso: ['ls', 'rm', 'query'] },
  ls: { operands: 'none', options: [library, json], seeAlso: ['index', 'rm'] },
  rm: { operands: 'none', options: [library], seeAlso: ['ls', 'index'] },
  query: { operands: 'none', options: [library, json, { name: '--csv' }, { name: '--limit', value: 'N' }, { name: '--timeout', value: 'MS' }], seeAlso: ['index', 'ls'] },
  top: {
    operands: 'files',
    options: [{ name: '--sample-type', value: 'T' }, { name: '-n', value: 'N' }, { name: '--cum' }, { name: '--base', value: 'OTHER', path: true }, json],
    seeAlso: ['export', 'report'],
  },
  dump: {
    operands: 'files',
    options: [json, { name: '--at', value: 'TIME' }, { name: '--against', value: 'DUMP', path: true }, library],
    seeAlso: ['leaks', 'triage'],
  },
  blocking: { operands: 'files', options: [{ name: '--kind', value: 'KIND', choices: BLOCKING_KINDS }, json, library], seeAlso: ['leaks', 'export'] },
  leaks: {
    operands: 'files',
    options: [json, library, { name: '--max-growth', value: 'N' }, { name: '--long-wait', value: 'MIN' }, { name: '--leak-profile', value: 'FILE', path: true }],
    exit: '1 when a group of goroutines grew by more than --max-growth (the leak gate)',
    seeAlso: ['dump', 'triage', 'blocking'],
  },
  triage: { operands: 'files', options: [{ name: '--max', value: 'N' }, json, library], exit: '1 when a proven or likely suspect holds more than --max goroutines', seeAlso: ['leaks', 'dump'] },
  gc: { operands: 'files', options: [{ name: '--window', value: 'DURATION' }, json, library], seeAlso: ['stats'] },
  compare: { operands: 'files', options: [json, library], seeAlso: ['stats', 'gc', 'blocking'] },
  goroutines: { operands: 'files', options: [{ name: '--by', value: 'start', choices: ['start'] }, { name: '--group', value: 'NAME' }, json, library], seeAlso: ['leaks', 'blocking'] },
  report: { operands: 'files', options: [{ name: '-o', value: 'FILE', path: true }, { name: '--output', value: 'FILE', path: true }, library], seeAlso: ['export', 'top', 'leaks'] },
  export: {
    operands: 'files',
    options: [
      { name: '--pprof', value: '[KIND]', choices: BLOCKING_KINDS }, { name: '--perfetto' }, { name: '--parquet', value: 'DIR', path: true },
      { name: '-o', value: 'FILE', path: true }, { name: '--from', value: 'T0' }, { name: '--to', value: 'T1' }, library,
    ],
    seeAlso: ['top', 'report'],
  },
  serve: {
    operands: 'files',
    options: [{ name: '--port', value: 'N' }, { name: '--host', value: 'H' }, library, { name: '--max-upload-mb', value: 'N' }, { name: '--no-open' }],
    seeAlso: ['index', 'ls'],
  },
  completion: { operands: 'none', options: [], seeAlso: ['help'] },
};

/** Commands of the table, and `help`. */
export function documentedCommands(): string[] {
  return [...Object.keys(COMMAND_DOCS), 'help'];
}

/** The goroscope package's version (its package.json, found above this module in a checkout, a bundle or an install). */
export function goroscopeVersion(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest)) {
      const pkg = JSON.parse(fs.readFileSync(manifest, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'goroscope' && pkg.version) return pkg.version;
    }
    const parent = path.dirname(dir);
    if (parent === dir) return 'unknown';
    dir = parent;
  }
}

const INDENT = '       ';

/**
 * `goroscope help COMMAND`: the command's usage text laid out as a manual page. `usage` is the
 * command's own text: its "usage:" lines are the synopsis, the rest the description.
 */
export function manPage(name: string, summary: string, usage: string): string {
  const doc = COMMAND_DOCS[name];
  const lines = usage.split('\n');
  const synopsis: string[] = [];
  const description: string[] = [];
  for (const line of lines) {
    if (line.startsWith('usage: ')) synopsis.push(line.slice('usage: '.length));
    else description.push(line);
  }
  while (description.length > 0 && description[0].trim() === '') description.shift();
  // The usage text's option lines ("  --json  …" and their deeper-indented continuations) move to OPTIONS.
  const prose: string[] = [];
  const optionLines: string[] = [];
  let optionIndent = -1;
  for (const line of description) {
    const lead = line.length - line.trimStart().length;
    if (/^ {2,}-/.test(line)) {
      optionIndent = lead;
      optionLines.push(line.slice(lead));
    } else if (optionIndent >= 0 && lead > optionIndent && line.trim() !== '') {
      optionLines.push(' '.repeat(lead - optionIndent) + line.trim());
    } else {
      optionIndent = -1;
      prose.push(line);
    }
  }
  const indent = (text: string[]) => text.map((l) => (l === '' ? '' : INDENT + l));
  const out = [`GOROSCOPE-${name.toUpperCase()}(1)`, '', 'NAME', `${INDENT}goroscope ${name} - ${summary}`, '', 'SYNOPSIS', ...indent(synopsis), ''];
  while (prose.length > 0 && prose.at(-1)!.trim() === '') prose.pop();
  if (prose.length > 0) out.push('DESCRIPTION', ...indent(prose), '');
  const described = optionLines.join('\n');
  const undescribed = (doc?.options ?? []).filter((o) => !new RegExp(`(^|[\\s,(])${o.name.replace(/[-]/g, '\\-')}(?![\\w-])`).test(described));
  if (optionLines.length > 0 || undescribed.length > 0) {
    out.push('OPTIONS', ...indent(optionLines));
    for (const o of undescribed) out.push(`${INDENT}${o.name}${o.value ? ` ${o.value}` : ''}${o.choices ? `  (one of: ${o.choices.join(', ')})` : ''}`);
    out.push('');
  }
  out.push('EXIT STATUS', `${INDENT}0 success${doc?.exit ? `; ${doc.exit}` : ''}`,
    `${INDENT}2 bad input or usage (one line on standard error, naming the file and byte offset)`,
    `${INDENT}70 a failure of goroscope itself (GOROSCOPE_DEBUG=1 for the stack)`, '');
  if (doc && doc.seeAlso.length > 0) out.push('SEE ALSO', `${INDENT}${doc.seeAlso.map((s) => `goroscope help ${s}`).join(', ')}`, '');
  return out.join('\n').replace(/\n+$/, '');
}
