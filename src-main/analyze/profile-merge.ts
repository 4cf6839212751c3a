// What Go's pprof does to a profile given with `-base`: the base's values negated, then merged
// with the profile (identical samples summed, zero samples dropped).

import type { Label, Location, Mapping, Profile, ProfileFunction } from '../decode/pprof/model.ts';
import { profileIndex } from '../decode/pprof/model.ts';

/** A profile pprof cannot combine with another; the message says why. */
export class IncompatibleProfiles extends Error {}

/**
 * The profile `p` minus `base`, as `pprof -base` computes it: both must have the same period type
 * and sample types. Header fields combine as pprof's Merge does (earliest time, summed durations,
 * largest period).
 */
export function subtractBase(p: Profile, base: Profile): Profile {
  const vt = (t: { type: string; unit: string } | null) => (t ? `${t.type}/${t.unit}` : '');
  if (p.periodType && base.periodType && vt(p.periodType) !== vt(base.periodType)) {
    throw new IncompatibleProfiles(`incompatible period types ${vt(p.periodType)} and ${vt(base.periodType)}`);
  }
  const types = (x: Profile) => x.sampleTypes.map(vt).join(' ');
  if (types(p) !== types(base)) throw new IncompatibleProfiles(`incompatible sample types [${types(p)}] and [${types(base)}]`);
  const negated: Profile = { ...base, samples: base.samples.map((s) => ({ ...s, values: s.values.map((v) => -v) })) };
  const merged = mergeProfiles([p, negated]);
  const comments: string[] = [];
  for (const c of [...p.comments, ...base.comments]) if (!comments.includes(c)) comments.push(c);
  const nonZero = [p.timeNanos, base.timeNanos].filter((t) => t !== 0);
  return {
    ...merged,
    timeNanos: nonZero.length > 0 ? Math.min(...nonZero) : 0,
    durationNanos: p.durationNanos + base.durationNanos,
    period: Math.max(p.period, base.period),
    comments,
    defaultSampleType: p.defaultSampleType || base.defaultSampleType,
    docUrl: p.docUrl || base.docUrl,
  };
}

/**
 * Merges the samples of several profiles (headers from the first): locations equal by mapping,
 * address within the mapping and lines become one; samples with equal stacks and labels are
 * summed; samples whose values are all zero are dropped.
 */
function mergeProfiles(profiles: readonly Profile[]): Profile {
  const mappings: Mapping[] = [];
  const mappingByKey = new Map<string, Mapping>();
  const functions: ProfileFunction[] = [];
  const functionByKey = new Map<string, ProfileFunction>();
  const locations: Location[] = [];
  const locationByKey = new Map<string, Location>();
  const samples: { locationIds: number[]; values: number[]; labels: readonly Label[] }[] = [];
  const sampleByKey = new Map<string, (typeof samples)[number]>();

  for (const p of profiles) {
    const idx = profileIndex(p);
    const mappingFor = new Map<number, Mapping>();
    const mapMapping = (m: Mapping): Mapping => {
      let merged = mappingFor.get(m.id);
      if (merged) return merged;
      // Mappings are the same when their size (rounded to pages), offset and build ID or file match.
      const size = ((m.memoryLimit - m.memoryStart + 0xfffn) / 0x1000n) * 0x1000n;
      const key = `${size}|${m.fileOffset}|${m.buildId || m.filename}`;
      merged = mappingByKey.get(key);
      if (!merged) {
        merged = { ...m, id: mappings.length + 1 };
        mappings.push(merged);
        mappingByKey.set(key, merged);
      }
      mappingFor.set(m.id, merged);
      return merged;
    };
    if (p.mappings.length > 0) mapMapping(p.mappings[0]); // the first mapping stays the main binary
    const locationFor = new Map<number, Location>();
    const mapLocation = (id: number): Location => {
      let merged = locationFor.get(id);
      if (merged) return merged;
      const l = idx.locations.get(id)!;
      const source = l.mappingId ? idx.mappings.get(l.mappingId)! : null;
      const m = source ? mapMapping(source) : null;
      // Addresses are compared relative to their mapping (address space randomisation).
      const relative = m && source ? BigInt(l.address) - source.memoryStart : BigInt(l.address);
      const lines = l.lines.map((line) => {
        const f = idx.functions.get(line.functionId)!;
        const fkey = `${f.startLine}|${f.name}|${f.systemName}|${f.filename}`;
        let mf = functionByKey.get(fkey);
        if (!mf) {
          mf = { ...f, id: functions.length + 1 };
          functions.push(mf);
          functionByKey.set(fkey, mf);
        }
        return { functionId: mf.id, line: line.line, column: line.column };
      });
      const key = `${relative}|${m?.id ?? 0}|${l.isFolded}|${lines.map((x) => `${x.functionId}:${x.line}:${x.column}`).join('|')}`;
      merged = locationByKey.get(key);
      if (!merged) {
        merged = { id: locations.length + 1, mappingId: m?.id ?? 0, address: m ? Number(relative + m.memoryStart) : l.address, lines, isFolded: l.isFolded };
        locations.push(merged);
        locationByKey.set(key, merged);
      }
      locationFor.set(id, merged);
      return merged;
    };
    for (const s of p.samples) {
      if (s.values.every((v) => v === 0)) continue;
      const ids = s.locationIds.map((id) => mapLocation(id).id);
      const key = `${ids.join(',')}#${labelKey(s.labels)}`;
      const existing = sampleByKey.get(key);
      if (existing) {
        for (let i = 0; i < existing.values.length; i++) existing.values[i] += s.values[i];
      } else {
        const merged = { locationIds: ids, values: [...s.values], labels: s.labels };
        samples.push(merged);
        sampleByKey.set(key, merged);
      }
    }
  }
  return { ...profiles[0], mappings, functions, locations, samples: samples.filter((s) => s.values.some((v) => v !== 0)) };
}

/** Labels in a canonical order, so that equal label sets give equal keys. */
function labelKey(labels: readonly Label[]): string {
  if (labels.length === 0) return '';
  return labels.map((l) => JSON.stringify([l.key, l.str, l.num, l.numUnit])).sort().join(',');
}
