// A small command-line parser: positional arguments plus --flag and --option VALUE.

import { UsageError } from './output.ts';

export interface ParsedArgs {
  positional: string[];
  flags: Set<string>;
  options: Map<string, string>;
}

/** Parses `argv`; `valued` lists the options that take a value, `flags` the boolean ones. */
export function parseArgs(argv: string[], spec: { flags?: string[]; valued?: string[] }): ParsedArgs {
  const flags = new Set<string>();
  const options = new Map<string, string>();
  const positional: string[] = [];
  const known = new Set(spec.flags ?? []);
  const valued = new Set(spec.valued ?? []);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (!a.startsWith('--') || a === '-') {
      positional.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = eq > 0 ? a.slice(2, eq) : a.slice(2);
    if (valued.has(name)) {
      const value = eq > 0 ? a.slice(eq + 1) : argv[++i];
      if (value === undefined) throw new UsageError(`option --${name} needs a value`);
      options.set(name, value);
    } else if (known.has(name) && eq < 0) {
      flags.add(name);
    } else {
      throw new UsageError(`unknown option ${a}`);
    }
  }
  return { positional, flags, options };
}
