// The pprof fixtures (test/fixtures/profiles/manifest.json) and what Go's pprof printed for them
// (test/fixtures/generate-profiles.sh).

import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';

export const PROFILE_FIXTURES = 'test/fixtures';

export interface FixtureProfile {
  /** Path from the repository root. */
  readonly path: string;
  /** Base name without extension, e.g. "cpu.go127". */
  readonly name: string;
  readonly goVersion: string;
  readonly sampleTypes: readonly string[];
}

export function fixtureProfiles(): FixtureProfile[] {
  const manifest = JSON.parse(fs.readFileSync(path.join(PROFILE_FIXTURES, 'profiles', 'manifest.json'), 'utf8')) as
    { file: string; goVersion: string; sampleTypes: string[] }[];
  return manifest.map((m) => ({
    path: path.join(PROFILE_FIXTURES, m.file),
    name: path.basename(m.file, '.pprof'),
    goVersion: m.goVersion,
    sampleTypes: m.sampleTypes,
  }));
}

/** One `go tool pprof ARGS PROFILE` run: its arguments, as our options, and its output. */
export interface ExpectedTop {
  readonly args: string;
  readonly sampleType: string;
  readonly nodeCount: number;
  readonly cum: boolean;
  /** Path of the -base profile, from the repository root. */
  readonly base: string | null;
  readonly output: string;
}

export function expectedTops(name: string): ExpectedTop[] {
  const text = zlib.gunzipSync(fs.readFileSync(path.join(PROFILE_FIXTURES, 'profiles', 'expected', `${name}.top.txt.gz`))).toString('utf8');
  const blocks = text.split(/^#### /m).slice(1);
  return blocks.map((block) => {
    const nl = block.indexOf('\n');
    const args = block.slice(0, nl);
    const words = args.split(/\s+/);
    const option = (prefix: string) => words.find((w) => w.startsWith(prefix))?.slice(prefix.length);
    const baseAt = words.indexOf('-base');
    return {
      args,
      sampleType: option('-sample_index=') ?? '',
      nodeCount: Number(option('-nodecount=') ?? 0),
      cum: words.includes('-cum'),
      base: baseAt >= 0 ? path.join(PROFILE_FIXTURES, words[baseAt + 1]) : null,
      output: block.slice(nl + 1),
    };
  });
}

/** `go tool pprof -raw` of a fixture. */
export function expectedRaw(name: string): string {
  return zlib.gunzipSync(fs.readFileSync(path.join(PROFILE_FIXTURES, 'profiles', 'expected', `${name}.raw.txt.gz`))).toString('utf8');
}
