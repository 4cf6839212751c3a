// The trace fixtures (test/fixtures/manifest.json) and their expected values from Go's reader.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { openTrace } from '../../src-main/decode/gotrace/reader.ts';

export const FIXTURES = 'test/fixtures';

export interface FixtureTrace {
  /** Path from the repository root. */
  readonly path: string;
  /** Base name without extension, e.g. "chanleak.go127". */
  readonly name: string;
  readonly format: string;
  readonly goVersion: string;
  readonly scenario: string;
}

export function fixtureTraces(): FixtureTrace[] {
  const manifest = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'manifest.json'), 'utf8')) as
    { file: string; format: string; goVersion: string; scenario: string }[];
  return manifest.map((m) => ({
    path: path.join(FIXTURES, m.file),
    name: path.basename(m.file, '.trace'),
    format: m.format,
    goVersion: m.goVersion,
    scenario: m.scenario,
  }));
}

export function expectedStats(name: string): Record<string, unknown> {
  return JSON.parse(fs.readFileSync(path.join(FIXTURES, 'expected', `${name}.stats.json`), 'utf8')) as Record<string, unknown>;
}

/** Fixtures whose whole event stream was recorded from Go's reader. */
export function expectedEventFiles(): { name: string; path: string }[] {
  const dir = path.join(FIXTURES, 'expected');
  return fs.readdirSync(dir)
    .filter((f) => f.endsWith('.events.txt.gz'))
    .map((f) => ({ name: f.replace('.events.txt.gz', ''), path: path.join(dir, f) }));
}

/** What oracle/gc.go computed for a trace (expected/<trace>.gc.json; fields beside gcReport there). */
export interface ExpectedGc {
  cycles: { startNs: number; endNs: number; beganBefore: boolean }[];
  pauses: { name: string; startNs: number; endNs: number }[];
  mmu: {
    flags: string;
    xMinNs: number;
    xMaxNs: number;
    curve: [number, number][];
    windows: { windowNs: number; mmu: number | null; worst: { timeNs: number; util: number }[] }[];
  } | null;
  mmuError?: string;
}

export function expectedGc(name: string): ExpectedGc {
  return JSON.parse(fs.readFileSync(path.join(FIXTURES, 'expected', `${name}.gc.json`), 'utf8')) as ExpectedGc;
}

/** Generations of a trace: its Sync events but the final one (Go's reader emits one more Sync at the end). */
export function traceGenerations(file: string): number {
  const reader = openTrace(file);
  try {
    let syncs = 0;
    for (let ev = reader.next(); ev !== null; ev = reader.next()) if (ev.kind === 'Sync') syncs++;
    return syncs - 1;
  } finally {
    reader.close();
  }
}
