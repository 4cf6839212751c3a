// Argument validation at the service boundary: every host passes untrusted input through these.

export class InvalidArgument extends Error {}

export function finiteNumber(name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new InvalidArgument(`${name} must be a finite number`);
  return v;
}

export function integer(name: string, v: unknown, min = -Infinity, max = Infinity): number {
  const n = finiteNumber(name, v);
  if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgument(`${name} must be an integer in [${min}, ${max}]`);
  return n;
}

export function text(name: string, v: unknown, maxLength = 100_000): string {
  if (typeof v !== 'string' || v.length > maxLength) throw new InvalidArgument(`${name} must be a string of at most ${maxLength} characters`);
  return v;
}

export function boolean(name: string, v: unknown): boolean {
  if (typeof v !== 'boolean') throw new InvalidArgument(`${name} must be true or false`);
  return v;
}

export function optional<T>(v: unknown, check: (v: unknown) => T): T | undefined {
  return v === undefined || v === null ? undefined : check(v);
}

export function oneOf<T extends string>(name: string, v: unknown, allowed: readonly T[]): T {
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) throw new InvalidArgument(`${name} must be one of ${allowed.join(', ')}`);
  return v as T;
}

export function window(t0: unknown, t1: unknown): [number, number] {
  const a = finiteNumber('t0', t0);
  const b = finiteNumber('t1', t1);
  if (!(b > a)) throw new InvalidArgument('t1 must be greater than t0');
  return [a, b];
}

/** A share of a whole, in [0, 1]. */
export function fraction(name: string, v: unknown): number {
  const n = finiteNumber(name, v);
  if (n < 0 || n > 1) throw new InvalidArgument(`${name} must be a number in [0, 1]`);
  return n;
}
