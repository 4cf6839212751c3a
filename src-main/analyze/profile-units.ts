// pprof's units and number formatting (internal/measurement in Go's vendored pprof): scaling a
// value between units of one kind (bytes, time, GCU), the "%.2f" labels with ".00" trimmed, and
// the percentages of `pprof -top`. Go rounds exact decimal ties to even where JavaScript's
// toFixed/toPrecision round them up (1.125 → "1.12" in Go, "1.13" in JS): the helpers here round
// as Go does.

interface Unit {
  readonly canonical: string;
  readonly aliases: readonly string[];
  readonly factor: number;
}

interface UnitKind {
  readonly units: readonly Unit[];
  readonly defaultUnit: Unit;
}

const UNIT_KINDS: readonly UnitKind[] = [
  {
    units: [
      { canonical: 'B', aliases: ['b', 'byte'], factor: 1 },
      { canonical: 'kB', aliases: ['kb', 'kbyte', 'kilobyte'], factor: 2 ** 10 },
      { canonical: 'MB', aliases: ['mb', 'mbyte', 'megabyte'], factor: 2 ** 20 },
      { canonical: 'GB', aliases: ['gb', 'gbyte', 'gigabyte'], factor: 2 ** 30 },
      { canonical: 'TB', aliases: ['tb', 'tbyte', 'terabyte'], factor: 2 ** 40 },
      { canonical: 'PB', aliases: ['pb', 'pbyte', 'petabyte'], factor: 2 ** 50 },
    ],
    defaultUnit: { canonical: 'B', aliases: ['b', 'byte'], factor: 1 },
  },
  {
    units: [
      { canonical: 'ns', aliases: ['ns', 'nanosecond'], factor: 1 },
      { canonical: 'us', aliases: ['μs', 'us', 'microsecond'], factor: 1e3 },
      { canonical: 'ms', aliases: ['ms', 'millisecond'], factor: 1e6 },
      { canonical: 's', aliases: ['s', 'sec', 'second'], factor: 1e9 },
      { canonical: 'hrs', aliases: ['hour', 'hr'], factor: 3600e9 },
    ],
    defaultUnit: { canonical: 's', aliases: [], factor: 1e9 },
  },
  {
    units: [
      { canonical: 'n*GCU', aliases: ['nanogcu'], factor: 1e-9 },
      { canonical: 'u*GCU', aliases: ['microgcu'], factor: 1e-6 },
      { canonical: 'm*GCU', aliases: ['milligcu'], factor: 1e-3 },
      { canonical: 'GCU', aliases: ['gcu'], factor: 1 },
      { canonical: 'k*GCU', aliases: ['kilogcu'], factor: 1e3 },
      { canonical: 'M*GCU', aliases: ['megagcu'], factor: 1e6 },
      { canonical: 'G*GCU', aliases: ['gigagcu'], factor: 1e9 },
      { canonical: 'T*GCU', aliases: ['teragcu'], factor: 1e12 },
      { canonical: 'P*GCU', aliases: ['petagcu'], factor: 1e15 },
    ],
    defaultUnit: { canonical: 'GCU', aliases: [], factor: 1 },
  },
];

/** The unit an alias names ("bytes" → B, "nanoseconds" → ns), lower-cased, a plural "s" dropped. */
function sniffUnit(kind: UnitKind, unit: string): Unit | null {
  let u = unit.toLowerCase();
  if (u.length > 2 && u.endsWith('s')) u = u.slice(0, -1);
  return kind.units.find((x) => x.aliases.includes(u)) ?? null;
}

/** The largest unit in which the value is at least 1. */
function autoScale(kind: UnitKind, value: number): [number, string] | null {
  let f = 0;
  let unit = '';
  for (const u of kind.units) {
    if (u.factor >= f && value / u.factor >= 1) {
      f = u.factor;
      unit = u.canonical;
    }
  }
  return f === 0 ? null : [value / f, unit];
}

/**
 * Converts `value` in `fromUnit` to `toUnit` ("minimum"/"auto": the best-fitting unit). Returns the
 * scaled value and the unit to print ("" for counts and unknown units).
 */
export function scaleValue(value: number, fromUnit: string, toUnit: string): [number, string] {
  if (value < 0) {
    const [v, u] = scaleValue(-value, fromUnit, toUnit);
    return [-v, u];
  }
  for (const kind of UNIT_KINDS) {
    const from = sniffUnit(kind, fromUnit);
    if (!from) continue;
    const v = value * from.factor;
    if (toUnit === 'minimum' || toUnit === 'auto') {
      const auto = autoScale(kind, v);
      return auto ?? [v / kind.defaultUnit.factor, kind.defaultUnit.canonical];
    }
    const to = sniffUnit(kind, toUnit);
    return to ? [v / to.factor, to.canonical] : [v / kind.defaultUnit.factor, kind.defaultUnit.canonical];
  }
  switch (toUnit) {
    case 'count': case 'sample': case 'unit': case 'minimum': case 'auto':
      return [value, ''];
    default:
      return [value, toUnit];
  }
}

/** pprof's value label: two decimals, ".00" dropped, then the unit ("0.67s", "1.79MB", "26"). */
export function scaledLabel(value: number, fromUnit: string, toUnit: string): string {
  const [v, u] = scaleValue(value, fromUnit, toUnit);
  let s = goFixed(v, 2);
  if (s.endsWith('.00')) s = s.slice(0, -3);
  if (s === '0' || s === '-0') return '0';
  return s + u;
}

/** pprof's percentage column: "  100%", "48.20%", " 0.72%" or (below 1%) two significant digits. */
export function percentage(value: number, total: number): string {
  const ratio = total !== 0 ? Math.abs(value / total) * 100 : 0;
  if (ratio >= 99.95 && ratio <= 100.05) return '  100%';
  if (ratio >= 1) return goFixed(ratio, 2).padStart(5) + '%';
  return goG2(ratio).padStart(5) + '%';
}

/**
 * The exact decimal digits of |x| (finite, below 1e21): integer part and up to 100 fraction
 * digits. toFixed(100) is exact for the doubles pprof prints.
 */
function exactDigits(x: number): { int: string; frac: string } {
  const s = Math.abs(x).toFixed(100);
  const point = s.indexOf('.');
  return { int: s.slice(0, point), frac: s.slice(point + 1) };
}

/** Rounds a digit string at `keep` digits, half to even as Go's strconv; returns digits and carry. */
function roundDigits(digits: string, keep: number): { digits: string; carry: boolean } {
  const kept = digits.slice(0, keep);
  const rest = digits.slice(keep);
  const first = rest.charCodeAt(0) - 48;
  const tail = rest.slice(1);
  let up: boolean;
  if (rest === '' || first < 5) up = false;
  else if (first > 5 || /[1-9]/.test(tail)) up = true;
  else up = kept !== '' && (kept.charCodeAt(kept.length - 1) - 48) % 2 === 1; // exact tie: to even
  if (!up) return { digits: kept, carry: false };
  const out = kept.split('');
  for (let i = out.length - 1; i >= 0; i--) {
    if (out[i] === '9') out[i] = '0';
    else {
      out[i] = String.fromCharCode(out[i].charCodeAt(0) + 1);
      return { digits: out.join(''), carry: false };
    }
  }
  return { digits: out.join(''), carry: true };
}

/** Go's fmt "%.Nf". */
export function goFixed(x: number, fractionDigits: number): string {
  if (!Number.isFinite(x) || Math.abs(x) >= 1e21) return x.toFixed(fractionDigits);
  const { int, frac } = exactDigits(x);
  const all = roundDigits(int + frac, int.length + fractionDigits);
  let digits = (all.carry ? '1' : '') + all.digits;
  const intLen = digits.length - fractionDigits;
  digits = fractionDigits > 0 ? `${digits.slice(0, intLen)}.${digits.slice(intLen)}` : digits;
  return (x < 0 || Object.is(x, -0) ? '-' : '') + digits;
}

/** Go's fmt "%.2g" for a non-negative value: two significant digits, trailing zeros dropped. */
export function goG2(x: number): string {
  if (x === 0) return '0';
  const { int, frac } = exactDigits(x);
  const all = (int === '0' ? '' : int) + frac;
  const lead = all.search(/[1-9]/);
  // Decimal exponent of the first significant digit.
  let exp = int === '0' ? -(lead + 1) : int.length - 1;
  const rounded = roundDigits(all.slice(lead), 2);
  let digits = rounded.digits;
  if (rounded.carry) {
    digits = '1' + digits.slice(0, 1);
    exp++;
  }
  digits = digits.replace(/0+$/, '') || '0';
  // Go picks %e below 1e-4 and from 10^precision on.
  if (exp < -4 || exp >= 2) {
    const mantissa = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const e = Math.abs(exp);
    return `${mantissa}e${exp < 0 ? '-' : '+'}${e < 10 ? '0' : ''}${e}`;
  }
  if (exp < 0) return `0.${'0'.repeat(-exp - 1)}${digits}`;
  const intPart = digits.slice(0, exp + 1).padEnd(exp + 1, '0');
  const fracPart = digits.slice(exp + 1);
  return fracPart ? `${intPart}.${fracPart}` : intPart;
}
