// pprof profiles as an artefact kind: recognised by their bytes (gzip or raw profile.proto),
// decoded whole (profiles are small next to traces) and written as tables that mirror
// profile.proto, so that SQL users find samples, locations, functions, labels and mappings as
// pprof names them, and the service can rebuild the exact profile for pprof-style reports
// (loadIndexedProfile).

import type Database from 'better-sqlite3';
import { readProfileFile, sniffProfile } from '../decode/pprof/decode.ts';
import type { Label, Location, Mapping, Profile, ProfileFunction, Sample, ValueType } from '../decode/pprof/model.ts';
import { defaultSampleIndex, profileIndex } from '../decode/pprof/model.ts';
import { profileKind } from '../decode/pprof/profile-kind.ts';
import { pruneFrames } from '../decode/pprof/prune.ts';
import { readAnyProfileFile, sniffTextProfile } from '../decode/pprof/text-profile.ts';
import type { ArtefactIndexer, IndexContext, IndexedContent } from './artefact-kinds.ts';
import { BatchInserter } from './batch-insert.ts';

/** Value columns stored inline; Go writes at most four sample types, others go to more_values. */
const INLINE_VALUES = 4;

/** Samples between two progress reports. */
const PROGRESS_EVERY = 50_000;

export const PROFILE_TABLES = `
-- The profile's header: one row.
CREATE TABLE profile (
  kind TEXT NOT NULL,                 -- cpu, heap, allocs, goroutine, goroutineleak, mutex, block, threadcreate, trace-sync…
  time_nanos INTEGER NOT NULL,        -- collection time, Unix ns (0 = unknown)
  duration_nanos INTEGER NOT NULL,
  period_type TEXT, period_unit TEXT, -- null when the profile has no period type
  period INTEGER NOT NULL,
  default_sample_type TEXT NOT NULL,
  drop_frames TEXT NOT NULL, keep_frames TEXT NOT NULL, doc_url TEXT NOT NULL,
  comments TEXT NOT NULL              -- JSON array of strings
);
-- One row per value column; position = index into each sample's values. total = sum of |value|.
CREATE TABLE sample_types (position INTEGER PRIMARY KEY, type TEXT NOT NULL, unit TEXT NOT NULL, total INTEGER NOT NULL);
-- One row per sample, in file order. stack = location IDs separated by spaces, leaf first.
-- value0…value3 = the values of sample types 0…3 (null beyond the profile's types);
-- more_values = JSON array of the values from the fifth type on (null when none).
CREATE TABLE samples (
  id INTEGER PRIMARY KEY, stack TEXT NOT NULL, depth INTEGER NOT NULL,
  value0 INTEGER, value1 INTEGER, value2 INTEGER, value3 INTEGER, more_values TEXT
);
-- Sample labels: goroutine labels as (key, str), heap object sizes as (key 'bytes', num).
CREATE TABLE sample_labels (sample_id INTEGER NOT NULL, key TEXT NOT NULL, str TEXT NOT NULL, num INTEGER NOT NULL, num_unit TEXT NOT NULL);
CREATE TABLE locations (id INTEGER PRIMARY KEY, mapping_id INTEGER NOT NULL, address INTEGER NOT NULL, is_folded INTEGER NOT NULL);
-- A location's lines, innermost (position 0) first: several when calls were inlined.
CREATE TABLE location_lines (location_id INTEGER NOT NULL, position INTEGER NOT NULL, function_id INTEGER NOT NULL, line INTEGER NOT NULL, column_number INTEGER NOT NULL, PRIMARY KEY (location_id, position)) WITHOUT ROWID;
CREATE TABLE functions (id INTEGER PRIMARY KEY, name TEXT NOT NULL, system_name TEXT NOT NULL, filename TEXT NOT NULL, start_line INTEGER NOT NULL);
-- Addresses as 16-digit hex text: they can exceed SQLite's signed 64-bit integers.
CREATE TABLE mappings (
  id INTEGER PRIMARY KEY, memory_start TEXT NOT NULL, memory_limit TEXT NOT NULL, file_offset TEXT NOT NULL,
  filename TEXT NOT NULL, build_id TEXT NOT NULL,
  has_functions INTEGER NOT NULL, has_filenames INTEGER NOT NULL, has_line_numbers INTEGER NOT NULL, has_inline_frames INTEGER NOT NULL
);
`;

export const PROFILE_INDEXES = `
CREATE INDEX sample_labels_by_sample ON sample_labels (sample_id);
CREATE INDEX sample_labels_by_key ON sample_labels (key, str);
CREATE INDEX functions_by_name ON functions (name);
`;

/** The catalogue summary of a profile. */
export interface ProfileSummary {
  readonly kind: string;
  readonly sampleTypes: readonly (ValueType & { readonly total: number })[];
  readonly defaultSampleType: string;
  readonly samples: number;
  readonly durationNanos: number;
  readonly period: number;
  readonly periodType: ValueType | null;
  readonly timeNanos: number;
  /** The ten functions with the largest flat value of the default sample type. */
  readonly topFunctions: readonly { readonly name: string; readonly flat: number }[];
}

// `satisfies`: a profile is never stopped (it does not hash while indexing), so its index() returns content, never null.
export const profileIndexer = {
  kind: 'profile',
  // runtime/pprof's debug=1 text is a profile too, "goroutine profile: total N" included: a file
  // that starts with it is indexed as a profile (top, flame graph), while `goroscope dump` and
  // `leaks` read the same file as a goroutine dump; a log with it further down stays a dump.
  sniff: (head) => sniffProfile(head) || sniffTextProfile(head),
  hashesWhileIndexing: () => false,
  tables: PROFILE_TABLES,
  indexes: PROFILE_INDEXES,
  index(ctx: IndexContext): IndexedContent {
    const { profile, kind: textKind, warning } = readAnyProfileFile(ctx.file, readProfileFile);
    ctx.progress(ctx.size, 0);
    const kind = textKind ?? profileKind(profile, ctx.file);
    writeProfile(ctx.db, profile, kind, (samples) => ctx.progress(ctx.size, samples));
    const summary = summarizeProfile(profile, kind);
    const goroutines = kind === 'goroutine' || kind === 'goroutineleak' ? summary.sampleTypes[0]?.total ?? 0 : 0;
    return {
      format: kind,
      summary,
      items: profile.samples.length,
      durationNs: profile.durationNanos,
      goroutines,
      warning,
      meta: {
        profile_kind: kind, sample_types: profile.sampleTypes.map((t) => t.type).join(' '),
        profile_encoding: textKind === null ? 'profile.proto' : 'debug=1 text',
      },
    };
  },
} satisfies ArtefactIndexer;

function writeProfile(db: Database.Database, p: Profile, kind: string, progress: (samples: number) => void): void {
  db.prepare('INSERT INTO profile VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').run(
    kind, p.timeNanos, p.durationNanos, p.periodType?.type ?? null, p.periodType?.unit ?? null, p.period,
    p.defaultSampleType, p.dropFrames, p.keepFrames, p.docUrl, JSON.stringify(p.comments));
  const totals = sampleTotals(p);
  const types = db.prepare('INSERT INTO sample_types VALUES (?, ?, ?, ?)');
  p.sampleTypes.forEach((t, i) => types.run(i, t.type, t.unit, totals[i]));

  const hex = (v: bigint) => v.toString(16).padStart(16, '0');
  const mappings = new BatchInserter(db, 'mappings', ['id', 'memory_start', 'memory_limit', 'file_offset', 'filename', 'build_id', 'f', 'fn', 'ln', 'in']);
  for (const m of p.mappings) {
    mappings.push(m.id, hex(m.memoryStart), hex(m.memoryLimit), hex(m.fileOffset), m.filename, m.buildId,
      +m.hasFunctions, +m.hasFilenames, +m.hasLineNumbers, +m.hasInlineFrames);
  }
  mappings.flush();
  const functions = new BatchInserter(db, 'functions', ['id', 'name', 'system_name', 'filename', 'start_line']);
  for (const f of p.functions) functions.push(f.id, f.name, f.systemName, f.filename, f.startLine);
  functions.flush();
  const locations = new BatchInserter(db, 'locations', ['id', 'mapping_id', 'address', 'is_folded']);
  const lines = new BatchInserter(db, 'location_lines', ['location_id', 'position', 'function_id', 'line', 'column_number']);
  for (const l of p.locations) {
    locations.push(l.id, l.mappingId, l.address, +l.isFolded);
    l.lines.forEach((line, i) => lines.push(l.id, i, line.functionId, line.line, line.column));
  }
  locations.flush();
  lines.flush();

  const samples = new BatchInserter(db, 'samples', ['id', 'stack', 'depth', 'v0', 'v1', 'v2', 'v3', 'more']);
  const labels = new BatchInserter(db, 'sample_labels', ['sample_id', 'key', 'str', 'num', 'num_unit']);
  for (let i = 0; i < p.samples.length; i++) {
    const s = p.samples[i];
    const v = s.values;
    samples.push(i + 1, s.locationIds.join(' '), s.locationIds.length, v[0] ?? null, v[1] ?? null, v[2] ?? null, v[3] ?? null,
      v.length > INLINE_VALUES ? JSON.stringify(v.slice(INLINE_VALUES)) : null);
    for (const l of s.labels) labels.push(i + 1, l.key, l.str, l.num, l.numUnit);
    if ((i + 1) % PROGRESS_EVERY === 0) progress(i + 1);
  }
  samples.flush();
  labels.flush();
}

/** Sum of |value| per sample type: what pprof's percentages are of. */
function sampleTotals(p: Profile): number[] {
  const totals = p.sampleTypes.map(() => 0);
  for (const s of p.samples) for (let t = 0; t < totals.length; t++) totals[t] += Math.abs(s.values[t]);
  return totals;
}

/**
 * The summary: sample types with totals, and the functions with the most flat value (the value
 * of the samples whose innermost frame they are, once drop_frames has pruned the stacks) in the
 * default sample type.
 */
export function summarizeProfile(profile: Profile, kind: string): ProfileSummary {
  const totals = sampleTotals(profile);
  const p = pruneFrames(profile);
  const vi = defaultSampleIndex(p);
  const idx = profileIndex(p);
  const flat = new Map<string, number>();
  if (vi >= 0) {
    for (const s of p.samples) {
      if (s.locationIds.length === 0 || s.values[vi] === 0) continue;
      const loc = idx.locations.get(s.locationIds[0])!;
      const fn = loc.lines.length > 0 ? idx.functions.get(loc.lines[0].functionId) : undefined;
      const name = fn?.name || '<unknown>';
      flat.set(name, (flat.get(name) ?? 0) + s.values[vi]);
    }
  }
  const topFunctions = [...flat]
    .sort((a, b) => Math.abs(b[1]) - Math.abs(a[1]) || (a[0] < b[0] ? -1 : 1))
    .slice(0, 10)
    .map(([name, value]) => ({ name, flat: value }));
  return {
    kind,
    sampleTypes: p.sampleTypes.map((t, i) => ({ type: t.type, unit: t.unit, total: totals[i] })),
    defaultSampleType: vi >= 0 ? p.sampleTypes[vi].type : '',
    samples: p.samples.length,
    durationNanos: p.durationNanos,
    period: p.period,
    periodType: p.periodType,
    timeNanos: p.timeNanos,
    topFunctions,
  };
}

interface HeaderRow {
  time_nanos: number; duration_nanos: number; period_type: string | null; period_unit: string | null; period: number;
  default_sample_type: string; drop_frames: string; keep_frames: string; doc_url: string; comments: string;
}

/** Rebuilds the profile from its index, exactly as it was decoded (reports over it equal reports over the file). */
export function loadIndexedProfile(db: Database.Database): Profile {
  const h = db.prepare('SELECT * FROM profile').get() as HeaderRow;
  const sampleTypes = db.prepare('SELECT type, unit FROM sample_types ORDER BY position').all() as ValueType[];
  const n = sampleTypes.length;
  const labelsBySample = new Map<number, Label[]>();
  for (const r of db.prepare('SELECT sample_id, key, str, num, num_unit FROM sample_labels ORDER BY rowid').raw().iterate() as Iterable<[number, string, string, number, string]>) {
    let list = labelsBySample.get(r[0]);
    if (!list) labelsBySample.set(r[0], (list = []));
    list.push({ key: r[1], str: r[2], num: r[3], numUnit: r[4] });
  }
  const samples: Sample[] = [];
  const noLabels: Label[] = [];
  for (const r of db.prepare('SELECT id, stack, value0, value1, value2, value3, more_values FROM samples ORDER BY id').raw().iterate() as Iterable<[number, string, number, number, number, number, string | null]>) {
    const values = [r[2], r[3], r[4], r[5]].slice(0, Math.min(n, INLINE_VALUES));
    if (r[6] !== null) values.push(...(JSON.parse(r[6]) as number[]));
    samples.push({ locationIds: r[1] === '' ? [] : r[1].split(' ').map(Number), values, labels: labelsBySample.get(r[0]) ?? noLabels });
  }
  const lines = new Map<number, { functionId: number; line: number; column: number }[]>();
  for (const r of db.prepare('SELECT location_id, function_id, line, column_number FROM location_lines ORDER BY location_id, position').raw().iterate() as Iterable<[number, number, number, number]>) {
    let list = lines.get(r[0]);
    if (!list) lines.set(r[0], (list = []));
    list.push({ functionId: r[1], line: r[2], column: r[3] });
  }
  const locations = (db.prepare('SELECT id, mapping_id, address, is_folded FROM locations ORDER BY rowid').raw().all() as [number, number, number, number][])
    .map(([id, mappingId, address, folded]): Location => ({ id, mappingId, address, lines: lines.get(id) ?? [], isFolded: folded !== 0 }));
  const functions = (db.prepare('SELECT id, name, system_name, filename, start_line FROM functions ORDER BY rowid').raw().all() as [number, string, string, string, number][])
    .map(([id, name, systemName, filename, startLine]): ProfileFunction => ({ id, name, systemName, filename, startLine }));
  const mappings = (db.prepare('SELECT * FROM mappings ORDER BY rowid').raw().all() as [number, string, string, string, string, string, number, number, number, number][])
    .map((m): Mapping => ({
      id: m[0], memoryStart: BigInt(`0x${m[1]}`), memoryLimit: BigInt(`0x${m[2]}`), fileOffset: BigInt(`0x${m[3]}`), filename: m[4], buildId: m[5],
      hasFunctions: m[6] !== 0, hasFilenames: m[7] !== 0, hasLineNumbers: m[8] !== 0, hasInlineFrames: m[9] !== 0,
    }));
  return {
    sampleTypes, samples, mappings, locations, functions,
    dropFrames: h.drop_frames, keepFrames: h.keep_frames, timeNanos: h.time_nanos, durationNanos: h.duration_nanos,
    periodType: h.period_type === null ? null : { type: h.period_type, unit: h.period_unit ?? '' },
    period: h.period, comments: JSON.parse(h.comments) as string[], defaultSampleType: h.default_sample_type, docUrl: h.doc_url,
  };
}
