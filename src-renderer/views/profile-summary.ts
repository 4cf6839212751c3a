// The parts of a profile's stored summary (index/profile-indexer.ts ProfileSummary) the views
// use, read defensively: the summary reaches the renderer as plain JSON.

import { formatBytes, formatCount, formatDuration } from '../lib/format.ts';

export interface SampleTypeTotal {
  type: string;
  unit: string;
  total: number;
}

export interface ProfileFacts {
  kind: string;
  sampleTypes: SampleTypeTotal[];
  defaultSampleType: string;
}

export function profileFacts(summary: Record<string, unknown>): ProfileFacts {
  const types = Array.isArray(summary.sampleTypes) ? summary.sampleTypes : [];
  return {
    kind: typeof summary.kind === 'string' ? summary.kind : '',
    sampleTypes: types.filter((t): t is SampleTypeTotal => typeof t === 'object' && t !== null && typeof (t as SampleTypeTotal).type === 'string'),
    defaultSampleType: typeof summary.defaultSampleType === 'string' ? summary.defaultSampleType : '',
  };
}

/** A value in a sample type's unit, for reading. */
export function formatSampleValue(value: number, unit: string): string {
  if (unit === 'bytes') return formatBytes(value);
  if (unit === 'nanoseconds') return formatDuration(value);
  return formatCount(value);
}
