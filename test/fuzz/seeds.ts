// The inputs mutants are made from: the project's own fixtures, by kind. Profiles are kept twice,
// as written (gzip) and decompressed, so that most mutants reach the protobuf decoder instead of
// stopping at gzip's checksum.

import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';

export type ArtefactKind = 'trace' | 'pprof' | 'dump';
export const KINDS: readonly ArtefactKind[] = ['trace', 'pprof', 'dump'];

export interface Seed {
  readonly kind: ArtefactKind;
  /** Path from the repository root. */
  readonly name: string;
  readonly bytes: Uint8Array;
  /** A gzipped profile's protobuf, mutated and compressed again for most of its mutants. */
  readonly inner: Uint8Array | null;
}

const FIXTURES = 'test/fixtures';

/** Seeds sorted by name (a fixed seed then always makes the same mutants); larger files are left out. */
export function loadSeeds(kind: ArtefactKind, maxBytes: number): { seeds: Seed[]; skipped: string[] } {
  const seeds: Seed[] = [];
  const skipped: string[] = [];
  for (const file of seedFiles(kind)) {
    const bytes = new Uint8Array(fs.readFileSync(file));
    if (bytes.length > maxBytes) {
      skipped.push(file);
      continue;
    }
    const inner = kind === 'pprof' && bytes[0] === 0x1f && bytes[1] === 0x8b ? new Uint8Array(zlib.gunzipSync(bytes)) : null;
    seeds.push({ kind, name: file, bytes, inner });
  }
  return { seeds, skipped };
}

function seedFiles(kind: ArtefactKind): string[] {
  const list = (dir: string, test: (f: string) => boolean) =>
    fs.readdirSync(path.join(FIXTURES, dir)).filter(test).sort().map((f) => path.join(FIXTURES, dir, f));
  switch (kind) {
    case 'trace':
      return list('traces', (f) => f.endsWith('.trace'));
    case 'pprof':
      return [...list('profiles', (f) => f.endsWith('.pprof')), ...list('dumps', (f) => f.endsWith('.pb.gz'))];
    case 'dump':
      return list('dumps', (f) => f.endsWith('.txt') || f.endsWith('.log'));
  }
}

/** The file name extension mutants of a kind are saved with. */
export function extensionOf(kind: ArtefactKind): string {
  return kind === 'trace' ? '.trace' : kind === 'pprof' ? '.pprof' : '.txt';
}
