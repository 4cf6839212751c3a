// What the app remembers between launches: File › Open Recent and the chosen theme, as JSON in
// the app's user-data directory. Only well-formed values are kept; a damaged or foreign file
// reads as the defaults.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { THEME_SOURCES, type ThemeSource } from './menu-template.ts';

export const MAX_RECENT_FILES = 10;

export interface PreferenceValues {
  /** Files opened, most recent first (absolute paths). */
  recent: string[];
  theme: ThemeSource;
}

/** The recent list after opening `opened` (most recent first, no duplicates, at most `max`). */
export function withOpened(recent: readonly string[], opened: readonly string[], max = MAX_RECENT_FILES): string[] {
  const fresh = [...new Set(opened)].reverse();
  return [...fresh, ...recent.filter((f) => !fresh.includes(f))].slice(0, max);
}

/** Reads preferences from untrusted JSON text, keeping only what is well-formed. */
export function parsePreferences(json: string): PreferenceValues {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    parsed = null;
  }
  const o = typeof parsed === 'object' && parsed !== null ? parsed as Record<string, unknown> : {};
  const recent = Array.isArray(o.recent)
    ? o.recent.filter((f): f is string => typeof f === 'string' && path.isAbsolute(f)).slice(0, MAX_RECENT_FILES)
    : [];
  const theme = THEME_SOURCES.find((t) => t === o.theme) ?? 'system';
  return { recent, theme };
}

export class Preferences {
  private values: PreferenceValues;

  constructor(private readonly file: string) {
    let text = '';
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      // First launch: defaults.
    }
    this.values = parsePreferences(text);
  }

  get recent(): readonly string[] {
    return this.values.recent;
  }

  get theme(): ThemeSource {
    return this.values.theme;
  }

  addRecent(opened: readonly string[]): void {
    this.update({ recent: withOpened(this.values.recent, opened) });
  }

  clearRecent(): void {
    this.update({ recent: [] });
  }

  setTheme(theme: ThemeSource): void {
    this.update({ theme });
  }

  private update(change: Partial<PreferenceValues>): void {
    this.values = { ...this.values, ...change };
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    // Temp then rename: a crash mid-write never leaves a truncated file.
    const tmp = `${this.file}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(this.values, null, 2));
    fs.renameSync(tmp, this.file);
  }
}
