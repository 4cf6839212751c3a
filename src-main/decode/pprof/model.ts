// The decoded form of a pprof profile (profile.proto), with every string-table index resolved.
// Cross references stay by ID, as in the file: IDs need not be dense, so lookups go through maps
// (see `profileIndex`).

/** A value column's meaning: `type` e.g. "alloc_space", `unit` e.g. "bytes". */
export interface ValueType {
  readonly type: string;
  readonly unit: string;
}

/**
 * A sample label. Go writes goroutine labels as (key, str) and the heap profile's object size as
 * (key "bytes", num). A label carries `str` or `num` (with an optional `numUnit`).
 */
export interface Label {
  readonly key: string;
  readonly str: string;
  readonly num: number;
  readonly numUnit: string;
}

export interface Sample {
  /** Location IDs, leaf (innermost) first. */
  readonly locationIds: number[];
  /** One value per `Profile.sampleTypes` entry, same order. */
  readonly values: number[];
  readonly labels: readonly Label[];
}

/** One source line of a location; several when calls were inlined (innermost first). */
export interface Line {
  readonly functionId: number;
  readonly line: number;
  readonly column: number;
}

export interface Location {
  readonly id: number;
  /** 0 when the location belongs to no mapping. */
  readonly mappingId: number;
  /** Instruction address (exact below 2^53, which covers user-space addresses). */
  readonly address: number;
  /** Innermost first; the last line is the function the others were inlined into. */
  readonly lines: readonly Line[];
  readonly isFolded: boolean;
}

export interface ProfileFunction {
  readonly id: number;
  /** Name as shown to people (Go: the full package-qualified name, e.g. "main.(*T).run"). */
  readonly name: string;
  readonly systemName: string;
  readonly filename: string;
  readonly startLine: number;
}

export interface Mapping {
  readonly id: number;
  /** Address range and file offset as 64-bit values (Go's vsyscall mapping sits above 2^63). */
  readonly memoryStart: bigint;
  readonly memoryLimit: bigint;
  readonly fileOffset: bigint;
  readonly filename: string;
  readonly buildId: string;
  readonly hasFunctions: boolean;
  readonly hasFilenames: boolean;
  readonly hasLineNumbers: boolean;
  readonly hasInlineFrames: boolean;
}

export interface Profile {
  readonly sampleTypes: readonly ValueType[];
  readonly samples: readonly Sample[];
  readonly mappings: readonly Mapping[];
  readonly locations: readonly Location[];
  readonly functions: readonly ProfileFunction[];
  /** Regular expression (RE2 syntax) of frames pprof drops, and of those it keeps among them. */
  readonly dropFrames: string;
  readonly keepFrames: string;
  /** Collection time, Unix nanoseconds (0 = unknown). */
  readonly timeNanos: number;
  /** Collection duration in ns (0 = unknown; CPU profiles set it). */
  readonly durationNanos: number;
  readonly periodType: ValueType | null;
  /** Sampling period, in `periodType` units (CPU: ns between samples; heap: MemProfileRate). */
  readonly period: number;
  readonly comments: readonly string[];
  /** Name of the sample type tools show by default ("" = the last one). */
  readonly defaultSampleType: string;
  readonly docUrl: string;
}

/** Lookups by ID for the cross references of a profile. */
export interface ProfileIndex {
  readonly locations: ReadonlyMap<number, Location>;
  readonly functions: ReadonlyMap<number, ProfileFunction>;
  readonly mappings: ReadonlyMap<number, Mapping>;
}

export function profileIndex(p: Profile): ProfileIndex {
  return {
    locations: new Map(p.locations.map((l) => [l.id, l])),
    functions: new Map(p.functions.map((f) => [f.id, f])),
    mappings: new Map(p.mappings.map((m) => [m.id, m])),
  };
}

/**
 * The index of the sample type tools use when none is asked for: `defaultSampleType` when it names
 * one, else the last (as pprof's SampleIndexByName does).
 */
export function defaultSampleIndex(p: Profile): number {
  if (p.defaultSampleType !== '') {
    const i = p.sampleTypes.findIndex((t) => t.type === p.defaultSampleType);
    if (i >= 0) return i;
  }
  return p.sampleTypes.length - 1;
}

/**
 * Resolves a sample type given by the user: "" (the default), a number, or a type name (also
 * accepting "inuse_X" for a type named "X", as pprof does). Returns -1 when nothing matches.
 */
export function sampleIndexByName(p: Profile, name: string): number {
  if (name === '') return defaultSampleIndex(p);
  if (/^-?\d+$/.test(name)) {
    const i = Number(name);
    return i >= 0 && i < p.sampleTypes.length ? i : -1;
  }
  const noInuse = name.startsWith('inuse_') ? name.slice('inuse_'.length) : name;
  return p.sampleTypes.findIndex((t) => t.type === name || t.type === noInuse);
}
