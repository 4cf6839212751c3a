// The report to hand over: one self-contained HTML file with, per artefact, what the service
// answers about it (summary; a trace's leak suspects, GC and blocking by kind; a profile's top;
// a dump's groups), with first the leak triage across all of them (service triage), its charts
// drawn as inline SVG. Nothing in it is fetched: no script, no
// external URL, and a Content-Security-Policy that forbids every load but inline styles and
// data: images. Every string that came from an artefact (function names, file paths, wait
// reasons, file names) is escaped, in elements and in attributes alike.
//
// The numbers are also kept, exactly as the service returned them, in a JSON block of the file
// (`<script type="application/json" id="goroscope-report-data">`, never executed): what a
// reader's script, or a test, compares with `goroscope gc|leaks|blocking|top|dump --json`.

import { humanDuration } from './trace-answers.ts';
import { isInternalFrame } from '../analyze/blocking-kinds.ts';
import {
  BLOCKING_KIND_NAMES, type ArtefactInfo, type ArtefactSummary, type BlockingProfile, type DumpGroups, type GcReport,
  type GoroscopeApi, type GoroutineCountPoint, type LeakReport, type MetricPoint, type ProfileTop, type StackFrameInfo, type TriageReport,
} from './types.ts';

/** The service methods a report is built from. */
export type ReportSource = Pick<GoroscopeApi, 'summary' | 'leaks' | 'gc' | 'blockingProfile' | 'profileTop' | 'dumpGroups' | 'triage' | 'goroutineCounts' | 'metric'>;

/** What the report says of one artefact: its summary and the answers of its kind. */
export interface ArtefactReport {
  artefact: ArtefactInfo;
  summary: ArtefactSummary;
  leaks?: LeakReport;
  /** A trace's goroutines by state over time (each point the peak of its span) and its heap in use and goal. */
  goroutineCounts?: GoroutineCountPoint[];
  heap?: { live: MetricPoint[]; goal: MetricPoint[] };
  gc?: GcReport;
  /** The four blocking profiles, in BLOCKING_KIND_NAMES order. */
  blocking?: BlockingProfile[];
  top?: ProfileTop;
  dump?: DumpGroups;
  /** Answers that could not be computed, one line each ("gc: …"): the rest of the report stands. */
  errors: string[];
  /** What the file leaves out of a long list, one line each, with the command that gives it whole. */
  omitted: string[];
}

export interface ReportData {
  /** ISO time the report was made. */
  generatedAt: string;
  /** The leak suspects across every artefact (absent when the triage failed: see triageError). */
  triage?: TriageReport;
  triageError?: string;
  artefacts: ArtefactReport[];
}

/** Rows shown per table (the JSON block keeps every row). */
export const REPORT_TABLE_ROWS = 50;
/** Blocking sites shown per kind. */
const BLOCKING_SITES = 15;
/**
 * Rows of a list the file keeps (in its JSON block) at most: blocking sites per kind, dump
 * groups, GC cycles and pauses. A trace of a large service has tens of thousands of sites; the
 * whole lists are what the CLI's --json gives.
 */
export const REPORT_KEPT_ROWS = 2000;
/** Bars per bar chart. */
const CHART_BARS = 12;
/** Points per time chart: about one per horizontal pixel. */
const TIME_POINTS = 600;
/** The runtime/metrics samples of traces the heap chart shows (as the GC view's). */
const HEAP_LIVE = '/memory/classes/heap/objects:bytes';
const HEAP_GOAL = '/gc/heap/goal:bytes';

/** Asks the service for everything the report shows of each artefact, in the order given. */
export async function gatherReport(api: ReportSource, refs: readonly string[], now = new Date()): Promise<ReportData> {
  const artefacts: ArtefactReport[] = [];
  for (const ref of refs) {
    const summary = await api.summary(ref);
    const r: ArtefactReport = { artefact: summary.artefact, summary, errors: [], omitted: [] };
    /** The first REPORT_KEPT_ROWS of `list`, saying what is left out. */
    const kept = <T>(list: T[], what: string, command: string): T[] => {
      if (list.length <= REPORT_KEPT_ROWS) return list;
      r.omitted.push(`${count(list.length - REPORT_KEPT_ROWS)} more ${what} than the ${count(REPORT_KEPT_ROWS)} kept here (${command} lists them all)`);
      return list.slice(0, REPORT_KEPT_ROWS);
    };
    const hash = summary.artefact.hash;
    const attempt = async <T>(what: string, answer: () => Promise<T>): Promise<T | undefined> => {
      try {
        return await answer();
      } catch (e) {
        r.errors.push(`${what}: ${e instanceof Error ? e.message : String(e)}`);
        return undefined;
      }
    };
    if (summary.kind === 'trace') {
      const end = Math.max(summary.summary.durationNs, 1);
      r.goroutineCounts = await attempt('goroutine counts', () => api.goroutineCounts(hash, 0, end, TIME_POINTS));
      const live = await attempt('heap', () => api.metric(hash, HEAP_LIVE, 0, end, TIME_POINTS));
      const goal = await attempt('heap goal', () => api.metric(hash, HEAP_GOAL, 0, end, TIME_POINTS));
      if (live && goal) r.heap = { live, goal };
      r.leaks = await attempt('leaks', () => api.leaks(hash));
      const gc = await attempt('gc', () => api.gc(hash));
      if (gc) {
        r.gc = { ...gc, cycles: kept(gc.cycles, 'GC cycles', `goroscope gc ${summary.artefact.name} --json`),
          pauses: kept(gc.pauses, 'stop-the-world pauses', `goroscope gc ${summary.artefact.name} --json`) };
      }
      const blocking: BlockingProfile[] = [];
      for (const kind of BLOCKING_KIND_NAMES) {
        const p = await attempt(`blocking ${kind}`, () => api.blockingProfile(hash, kind));
        if (p) blocking.push({ ...p, sites: kept(p.sites, `${kind} blocking sites`, `goroscope blocking ${summary.artefact.name} --kind ${kind} --json`) });
      }
      r.blocking = blocking;
    } else if (summary.kind === 'profile') {
      r.top = await attempt('top', () => api.profileTop({ artefact: hash }));
    } else {
      const dump = await attempt('dump', () => api.dumpGroups(hash));
      if (dump) r.dump = { ...dump, groups: kept(dump.groups, 'groups of identical stacks', `goroscope dump ${summary.artefact.name} --json`) };
    }
    artefacts.push(r);
  }
  const data: ReportData = { generatedAt: now.toISOString(), artefacts };
  try {
    data.triage = await api.triage(artefacts.map((a) => a.artefact.hash));
  } catch (e) {
    data.triageError = e instanceof Error ? e.message : String(e);
  }
  return data;
}

// ---- escaping -------------------------------------------------------------------------------

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text safe inside an element or a quoted attribute value. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}

/**
 * JSON safe inside a <script> element: `<` never appears raw (no `</script>` or `<!--` can end or
 * change it), nor do the line separators older parsers treat as line ends.
 */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

// ---- small formatters -----------------------------------------------------------------------

const count = (n: number) => n.toLocaleString('en-US');
const percent = (f: number | null) => (f === null ? '—' : `${(f * 100).toFixed(1)}%`);

function bytes(n: number | null): string {
  if (n === null) return '—';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = 0;
  while (Math.abs(v) >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${n} B` : `${v.toFixed(1)} ${units[i]}`;
}

const frameText = (f: Pick<StackFrameInfo, 'func' | 'file' | 'line'>) => `${f.func} ${f.file}:${f.line}`;

/** A dump group's site: its first frame outside the runtime (as blocking sites are told), else its first. */
function dumpSite(stack: readonly Pick<StackFrameInfo, 'func' | 'file' | 'line'>[]): string {
  const f = stack.find((x) => !isInternalFrame(x.func)) ?? stack[0];
  return f ? frameText(f) : '';
}

// ---- tables ---------------------------------------------------------------------------------

/** A cell: text shown, and for numbers the raw value (ns as integers, bytes, counts) in data-raw. */
type Cell = { text: string; raw?: number | null; cls?: string; html?: string };

const num = (raw: number | null, text: string): Cell => ({ text, raw, cls: 'n' });
const ns = (raw: number | null): Cell => num(raw, raw === null ? '—' : humanDuration(raw));
const cnt = (raw: number): Cell => num(raw, count(raw));
const txt = (text: string, cls?: string): Cell => ({ text, cls });
/** A stack shown as its site, with every frame in a <details>. */
function stackCell(site: string, stack: readonly Pick<StackFrameInfo, 'func' | 'file' | 'line'>[]): Cell {
  const frames = stack.map((f) => `<div>${escapeHtml(f.func)}<br><span class="file">${escapeHtml(`${f.file}:${f.line}`)}</span></div>`).join('');
  const shown = site || (stack[0] ? frameText(stack[0]) : '(no stack)');
  return { text: shown, cls: 'site', html: stack.length === 0 ? escapeHtml(shown) : `<details><summary>${escapeHtml(shown)}</summary><div class="stack">${frames}</div></details>` };
}

/** A table; `details[i]`, when given, is a line of text under row i spanning every column. */
function table(name: string, headers: readonly (string | [string, 'n'])[], rows: readonly Cell[][], total = rows.length, details?: readonly string[]): string {
  const head = headers.map((h) => (typeof h === 'string' ? `<th>${escapeHtml(h)}</th>` : `<th class="n">${escapeHtml(h[0])}</th>`)).join('');
  const body = rows.slice(0, REPORT_TABLE_ROWS).map((row, i) => `<tr${details?.[i] ? ' class="has-detail"' : ''}>${row.map((c) => {
    const attrs = (c.cls ? ` class="${c.cls}"` : '') + (c.raw !== undefined ? ` data-raw="${c.raw === null ? '' : c.raw}"` : '');
    return `<td${attrs}>${c.html ?? escapeHtml(c.text)}</td>`;
  }).join('')}</tr>` + (details?.[i] ? `<tr class="detail"><td colspan="${headers.length}">${escapeHtml(details[i])}</td></tr>` : '')).join('\n');
  const more = total > REPORT_TABLE_ROWS ? `<p class="muted">${count(total - REPORT_TABLE_ROWS)} more rows not shown (the JSON block at the end of this file has them all).</p>` : '';
  return `<div class="scroll"><table data-table="${escapeHtml(name)}"><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table></div>${more}`;
}

/** Label/value pairs as cards. */
function figures(name: string, items: readonly [string, Cell][]): string {
  return `<dl class="figures" data-figures="${escapeHtml(name)}">${items.map(([label, c]) =>
    `<div><dt>${escapeHtml(label)}</dt><dd${c.raw !== undefined ? ` data-raw="${c.raw === null ? '' : c.raw}"` : ''} data-label="${escapeHtml(label)}">${escapeHtml(c.text)}</dd></div>`).join('')}</dl>`;
}

// ---- charts (inline SVG) --------------------------------------------------------------------

interface Bar { label: string; value: number; text: string }

/** Horizontal bars, largest value full width; labels cut to fit with the whole in a <title>. */
export function barChart(title: string, bars: readonly Bar[]): string {
  const shown = bars.slice(0, CHART_BARS);
  if (shown.length === 0) return '';
  const rowH = 22, labelW = 300, barW = 320, valueW = 110, top = 6;
  const width = labelW + barW + valueW, height = top * 2 + rowH * shown.length;
  const max = Math.max(...shown.map((b) => b.value), 0);
  const cut = (s: string) => (s.length > 46 ? `…${s.slice(-45)}` : s);
  const rows = shown.map((b, i) => {
    const y = top + i * rowH;
    const w = max > 0 ? Math.max((b.value / max) * barW, b.value > 0 ? 1 : 0) : 0;
    return `<g><title>${escapeHtml(`${b.label}: ${b.text}`)}</title>` +
      `<text x="${labelW - 8}" y="${y + 15}" text-anchor="end" class="label">${escapeHtml(cut(b.label))}</text>` +
      `<rect x="${labelW}" y="${y + 3}" width="${w.toFixed(1)}" height="${rowH - 6}" rx="2" class="bar"/>` +
      `<text x="${labelW + w + 6}" y="${y + 15}" class="value">${escapeHtml(b.text)}</text></g>`;
  }).join('');
  return `<figure class="chart"><figcaption>${escapeHtml(title)}</figcaption>` +
    `<svg viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeHtml(title)}">${rows}</svg></figure>`;
}

/** The MMU curve: utilisation 0..1 against the window on a log axis, as go tool trace's /mmu plots it. */
export function mmuChart(mmu: NonNullable<GcReport['mmu']>): string {
  const pts = mmu.points.filter(([w]) => w > 0);
  if (pts.length < 2) return '';
  const W = 720, H = 260, left = 44, right = 12, top = 10, bottom = 34;
  const x0 = Math.log10(pts[0][0]), x1 = Math.log10(pts[pts.length - 1][0]);
  const x = (w: number) => left + ((Math.log10(w) - x0) / Math.max(x1 - x0, 1e-9)) * (W - left - right);
  const y = (u: number) => top + (1 - u) * (H - top - bottom);
  const line = pts.map(([w, u]) => `${x(w).toFixed(1)},${y(u).toFixed(1)}`).join(' ');
  const grid: string[] = [];
  for (const u of [0, 0.25, 0.5, 0.75, 1]) {
    grid.push(`<line x1="${left}" x2="${W - right}" y1="${y(u)}" y2="${y(u)}" class="grid"/><text x="${left - 6}" y="${y(u) + 4}" text-anchor="end" class="label">${u}</text>`);
  }
  for (let d = Math.ceil(x0); d <= Math.floor(x1); d++) {
    const xv = x(10 ** d);
    grid.push(`<line x1="${xv}" x2="${xv}" y1="${top}" y2="${H - bottom}" class="grid"/><text x="${xv}" y="${H - bottom + 16}" text-anchor="middle" class="label">${escapeHtml(humanDuration(10 ** d))}</text>`);
  }
  return `<figure class="chart"><figcaption>Minimum mutator utilisation (${escapeHtml(mmu.flags)}) by window</figcaption>` +
    `<svg viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="MMU curve">${grid.join('')}` +
    `<polyline points="${line}" class="line"/><text x="${(left + W - right) / 2}" y="${H - 4}" text-anchor="middle" class="label">window</text></svg></figure>`;
}

interface TimeSeries { label: string; points: readonly (readonly [number, number])[] }

/**
 * Lines over the trace's time (0 to `endNs`), each holding its value until its next point (as
 * metrics and sampled counts do), with a legend, the time axis and `formatY` on the value axis.
 */
export function timeChart(title: string, series: readonly TimeSeries[], endNs: number, formatY: (v: number) => string): string {
  const shown = series.filter((s) => s.points.length > 0);
  if (shown.length === 0 || endNs <= 0) return '';
  const W = 720, H = 240, left = 70, right = 12, top = 26, bottom = 26;
  const max = Math.max(...shown.flatMap((s) => s.points.map(([, v]) => v)), 1);
  const x = (t: number) => left + (Math.min(Math.max(t, 0), endNs) / endNs) * (W - left - right);
  const y = (v: number) => top + (1 - v / max) * (H - top - bottom);
  const grid: string[] = [];
  for (let i = 0; i <= 4; i++) {
    const v = (max * i) / 4;
    grid.push(`<line x1="${left}" x2="${W - right}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" class="grid"/><text x="${left - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end" class="label">${escapeHtml(formatY(v))}</text>`);
  }
  for (let i = 0; i <= 5; i++) {
    const t = (endNs * i) / 5;
    grid.push(`<text x="${x(t).toFixed(1)}" y="${H - 8}" text-anchor="${i === 0 ? 'start' : i === 5 ? 'end' : 'middle'}" class="label">${escapeHtml(humanDuration(t))}</text>`);
  }
  const lines = shown.map((s, i) => {
    const d: string[] = [];
    s.points.forEach(([t, v], k) => {
      d.push(k === 0 ? `M${x(t).toFixed(1)},${y(v).toFixed(1)}` : `H${x(t).toFixed(1)}V${y(v).toFixed(1)}`);
    });
    d.push(`H${x(endNs).toFixed(1)}`);
    return `<path d="${d.join('')}" class="series s${i % 4}"/>`;
  });
  const legend = shown.map((s, i) => `<rect x="${left + i * 130}" y="6" width="10" height="10" class="swatch s${i % 4}"/><text x="${left + i * 130 + 14}" y="15" class="label">${escapeHtml(s.label)}</text>`);
  return `<figure class="chart"><figcaption>${escapeHtml(title)}</figcaption>` +
    `<svg viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${escapeHtml(title)}">${grid.join('')}${lines.join('')}${legend.join('')}</svg></figure>`;
}

function overTimeSection(r: ArtefactReport, endNs: number): string {
  const parts: string[] = [];
  const c = r.goroutineCounts;
  if (c && c.length > 0) {
    parts.push(timeChart('Goroutines by state (peak per point)', (['waiting', 'runnable', 'running', 'syscall'] as const).map((k) => ({
      label: k.charAt(0).toUpperCase() + k.slice(1), points: c.map((p) => [p.time, p[k]] as const),
    })), endNs, (v) => count(Math.round(v))));
  }
  if (r.heap) {
    parts.push(timeChart('Heap in use and heap goal', [{ label: 'Heap in use', points: r.heap.live.map((p) => [p.time, p.value] as const) },
      { label: 'Heap goal', points: r.heap.goal.map((p) => [p.time, p.value] as const) }], endNs, bytes));
  }
  const charts = parts.filter((p) => p !== '');
  return charts.length === 0 ? '' : `<h3>Over time</h3><div class="charts">${charts.join('')}</div>`;
}

// ---- sections -------------------------------------------------------------------------------

function summarySection(r: ArtefactReport): string {
  const a = r.artefact;
  const items: [string, Cell][] = [['Kind', txt(a.kind)], ['Format', txt(a.format)], ['Size', num(a.size, bytes(a.size))]];
  const s = r.summary;
  if (s.kind === 'trace') {
    const t = s.summary;
    items.push(['Duration', ns(t.durationNs)], ['Events', cnt(t.events)], ['Goroutines', cnt(t.goroutines)],
      ['Alive at end', cnt(t.goroutinesAliveAtEnd)], ['GC cycles', cnt(t.gcCycles)], ['Stop-the-world pauses', cnt(t.stwCount)],
      ['STW total', ns(t.stwTotalNs)], ['STW max', ns(t.stwMaxNs)], ['Peak heap goal', num(t.maxHeapGoalBytes, bytes(t.maxHeapGoalBytes))]);
  } else {
    for (const [k, v] of Object.entries(s.summary)) {
      if (k === 'kind' || k === 'format') continue;
      if (typeof v === 'number' && /^time(Nanos|Ns)$/.test(k)) items.push([k, num(v, v > 0 ? new Date(v / 1e6).toISOString() : '—')]);
      else if (typeof v === 'number') items.push([k, /(Nanos|Ns)$/.test(k) ? ns(v) : cnt(v)]);
      else if (typeof v === 'string' || typeof v === 'boolean') items.push([k, txt(String(v))]);
    }
  }
  return `<h3>Summary</h3>${figures('summary', items)}`;
}

function leaksSection(l: LeakReport): string {
  const own = l.groups.filter((g) => !g.system);
  const head = own.length === 0 ? '<p>No goroutine of the program is blocked at the end of the trace.</p>'
    : `<p>${count(own.reduce((n, g) => n + g.count, 0))} goroutines of the program are blocked at the end of the trace, in ${count(own.length)} groups.</p>`;
  const rows = l.groups.map((g) => [cnt(g.count), txt(g.state === 'Waiting' ? g.reason || '(reason not recorded)' : g.state), stackCell(g.site, g.stack),
    ns(g.maxBlockedNs), ns(g.oldestSinceNs), cnt(g.growth), txt(g.system ? 'runtime' : 'program'), txt(g.explanation, 'explain')]);
  return `<h3>Leak suspects</h3>${head}` +
    barChart('Goroutines blocked at the end, by site', own.map((g) => ({ label: g.site || g.name, value: g.count, text: count(g.count) }))) +
    table('leaks', [['Goroutines', 'n'], 'Reason', 'Site', ['Max blocked', 'n'], ['Oldest since', 'n'], ['Growth', 'n'], 'Whose', 'What it means'], rows);
}

function gcSection(g: GcReport): string {
  const p = g.pausePercentiles;
  const parts = [`<h3>Garbage collector</h3>`, figures('gc', [['Cycles', cnt(g.cycles.length)], ['GC pauses', cnt(p.count)], ['Pause total', ns(p.totalNs)],
    ['p50', ns(p.p50Ns)], ['p90', ns(p.p90Ns)], ['p99', ns(p.p99Ns)], ['max', ns(p.maxNs)],
    ['GC CPU', num(g.gcCpuFraction, percent(g.gcCpuFraction))], ['GOMAXPROCS', g.gomaxprocs === null ? txt('—') : cnt(g.gomaxprocs)]])];
  parts.push(barChart('GC pauses by duration', g.pauseHistogram.filter((b) => b.count > 0)
    .map((b) => ({ label: `${humanDuration(b.fromNs)} – ${humanDuration(b.toNs)}`, value: b.count, text: count(b.count) }))));
  if (g.mmu) parts.push(mmuChart(g.mmu));
  if (g.worst.windows.length > 0) {
    parts.push(`<h4>Worst ${escapeHtml(humanDuration(g.worst.windowNs))} windows</h4>`,
      table('gc-worst', [['Start', 'n'], ['End', 'n'], ['Utilisation', 'n']],
        g.worst.windows.map((w) => [ns(w.startNs), ns(w.endNs), num(w.util, w.util.toFixed(3))])));
  }
  if (g.cycles.length > 0) {
    parts.push('<h4>Cycles</h4>', table('gc-cycles', [['Start', 'n'], ['Mark', 'n'], ['Sweep term. STW', 'n'], ['Mark term. STW', 'n'],
      ['Assist', 'n'], ['Heap before', 'n'], ['Heap after', 'n'], ['Goal', 'n'], ['Implied GOGC', 'n'], ['GC CPU', 'n'], 'Trigger'],
    g.cycles.map((c) => [ns(c.startNs), ns(c.markNs), ns(c.sweepTerminationNs), ns(c.markTerminationNs), ns(c.assistNs),
      num(c.heapBeforeBytes, bytes(c.heapBeforeBytes)), num(c.heapAfterBytes, bytes(c.heapAfterBytes)), num(c.heapGoalBytes, bytes(c.heapGoalBytes)),
      num(c.impliedGogc, c.impliedGogc === null ? '—' : String(c.impliedGogc)), num(c.gcCpuFraction, percent(c.gcCpuFraction)), txt(c.trigger)])));
  }
  if (g.whatIf) {
    const w = g.whatIf;
    parts.push(`<h4>What if (an estimate from this trace's own numbers)</h4><p>${escapeHtml(`${bytes(w.allocBytesPerSec)}/s allocated, live heap ${bytes(w.liveHeapBytes)}` +
      `${w.impliedGogc !== null ? `, implied GOGC ${w.impliedGogc}` : ''}, ${w.observedCyclesPerSec.toFixed(1)} heap-goal cycles/s seen.`)}</p>`,
    table('gc-whatif', ['Setting', ['Cycles/s (estimate)', 'n'], ['Heap peak (estimate)', 'n']],
      w.scenarios.map((s) => [txt(s.setting), num(s.cyclesPerSec, s.cyclesPerSec.toFixed(1)), num(s.heapPeakBytes, bytes(s.heapPeakBytes))])));
  }
  if (g.notes.length > 0) parts.push(`<ul class="notes">${g.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join('')}</ul>`);
  return parts.join('\n');
}

function blockingSection(profiles: readonly BlockingProfile[]): string {
  const parts = ['<h3>Blocking by kind</h3><p class="muted">Waits that ended inside the trace, as <code>go tool trace -pprof=KIND</code> counts them.</p>',
    table('blocking-kinds', ['Kind', ['Total', 'n'], ['Waits', 'n'], ['Sites', 'n']],
      profiles.map((p) => [txt(p.kind), ns(p.totalNs), cnt(p.count), cnt(p.sites.length)])),
    barChart('Time blocked by kind', profiles.map((p) => ({ label: p.kind, value: p.totalNs, text: humanDuration(p.totalNs) })))];
  for (const p of profiles) {
    if (p.sites.length === 0) continue;
    parts.push(`<h4>${escapeHtml(p.kind)}: top sites</h4>`,
      table(`blocking-${p.kind}`, [['Total', 'n'], ['Waits', 'n'], ['p50', 'n'], ['p99', 'n'], ['Max', 'n'], 'Reason', 'Site', 'Unblocked by'],
        p.sites.slice(0, BLOCKING_SITES).map((s) => [ns(s.totalNs), cnt(s.count), ns(s.p50Ns), ns(s.p99Ns), ns(s.maxNs), txt(s.reason || '(no reason)'),
          stackCell(s.site, s.stack), txt(s.unblockedBy.map((u) => `${u.site} (${u.count})`).join('; '))]), p.sites.length));
  }
  return parts.join('\n');
}

function topSection(t: ProfileTop): string {
  return `<h3>Top functions (${escapeHtml(t.sampleType)}, ${escapeHtml(t.sampleUnit)})</h3>` +
    `<p class="muted">As <code>go tool pprof -top</code> prints them; raw values in ${escapeHtml(t.sampleUnit)}. Total ${escapeHtml(count(t.total))}.</p>` +
    barChart(`Flat ${t.sampleType}`, t.rows.filter((r) => r.flat !== 0).map((r) => ({ label: r.name, value: r.flat, text: `${r.flatText} (${r.flatPercent})` }))) +
    table('top', [['Flat', 'n'], ['Flat%', 'n'], ['Sum%', 'n'], ['Cum', 'n'], ['Cum%', 'n'], 'Function'],
      t.rows.map((r) => [num(r.flat, r.flatText), txt(r.flatPercent, 'n'), txt(r.sumPercent, 'n'), num(r.cum, r.cumText), txt(r.cumPercent, 'n'),
        txt(r.name + (r.inline ? ` (${r.inline})` : ''))]));
}

function dumpSection(d: DumpGroups): string {
  const proven = d.groups.filter((g) => g.provenLeak);
  return `<h3>Goroutine groups</h3><p>${escapeHtml(`${count(d.goroutines)} goroutines in ${count(d.groups.length)} groups of identical stacks` +
    (proven.length > 0 ? `; the runtime proved ${count(proven.reduce((n, g) => n + g.count, 0))} of them leaked, in ${count(proven.length)} groups.` : '.'))}</p>` +
    barChart('Goroutines by site', d.groups.map((g) => ({ label: dumpSite(g.stack) || '(no stack)', value: g.count, text: count(g.count) }))) +
    table('dump-groups', [['Goroutines', 'n'], 'States', ['Max wait (min)', 'n'], ['Leaked', 'n'], 'Site (stack)', 'Created by'],
      d.groups.map((g) => [cnt(g.count), txt(Object.entries(g.states).sort((a, b) => b[1] - a[1]).map(([s, n]) => `${s} ×${n}`).join(', ')),
        cnt(g.maxWaitMinutes), cnt(g.leaked), stackCell(dumpSite(g.stack), g.stack),
        txt(Object.entries(g.createdBy).map(([s, n]) => `${s} ×${n}`).join('; '))]));
}

function triageSection(t: TriageReport | undefined, error: string | undefined): string {
  if (!t) return error ? `<section class="triage"><h2>Leak triage</h2><p class="warning">${escapeHtml(`triage: ${error}`)}</p></section>` : '';
  const by = (c: string) => t.suspects.filter((s) => s.confidence === c).length;
  const head = t.suspects.length === 0 ? 'No leak suspect in these artefacts.'
    : `${count(t.suspects.length)} suspects: ${by('proven')} proven, ${by('likely')} likely, ${by('possible')} possible (proven first, then by goroutines × time blocked).`;
  return `<section class="triage" id="triage"><h2>Leak triage</h2><p>${escapeHtml(head)}</p>` + (t.suspects.length === 0 ? '' :
    barChart('Goroutines per suspect', t.suspects.map((s) => ({ label: s.site, value: s.goroutines, text: count(s.goroutines) }))) +
    table('triage', [['Goroutines', 'n'], 'Confidence', 'Pattern', 'Site (created at)', ['Leak profile', 'n'], ['(leaked)', 'n'], ['Trace end', 'n'],
      ['Trace max blocked', 'n'], 'Dumps'],
    t.suspects.map((s) => {
      const site = stackCell(s.site, s.stack);
      if (s.creationSite) site.html += `<div class="file">created at ${escapeHtml(s.creationSite)}</div>`;
      return [cnt(s.goroutines), txt(s.confidence, `confidence ${s.confidence}`), txt(s.pattern + (s.reason ? ` [${s.reason}]` : '')), site,
        cnt(s.evidence.leakProfile), cnt(s.evidence.dumpLeaked), cnt(s.evidence.traceBlockedAtEnd), ns(s.evidence.traceMaxBlockedNs),
        txt(s.evidence.dumpGrowth ? s.evidence.dumpGrowth.counts.join(' → ') : '', 'n')];
    }), t.suspects.length, t.suspects.map((s) => s.explanation))) +
    '<h4>Sources</h4>' +
    table('triage-sources', ['Artefact', 'Role', 'Format', ['Goroutines', 'n'], 'Note'],
      t.sources.map((s) => [txt(s.name), txt(s.role + (s.seriesIndex !== null ? ` ${s.seriesIndex}` : '')), txt(s.format), cnt(s.goroutines), txt(s.note)])) +
    '</section>';
}

function artefactSection(r: ArtefactReport, i: number): string {
  const a = r.artefact;
  const parts = [`<section class="artefact" id="artefact-${i + 1}" data-kind="${a.kind}" data-hash="${escapeHtml(a.hash)}">`,
    `<h2>${escapeHtml(a.name)}</h2><p class="muted path">${escapeHtml(a.path)} · sha256 ${escapeHtml(a.hash)}</p>`];
  if (a.warning) parts.push(`<p class="warning">Damaged file: ${escapeHtml(a.warning)} (answers cover what was decodable before it)</p>`);
  for (const e of r.errors) parts.push(`<p class="warning">${escapeHtml(e)}</p>`);
  for (const o of r.omitted) parts.push(`<p class="muted">Not in this file: ${escapeHtml(o)}.</p>`);
  parts.push(summarySection(r));
  if (r.summary.kind === 'trace') parts.push(overTimeSection(r, r.summary.summary.durationNs));
  if (r.leaks) parts.push(leaksSection(r.leaks));
  if (r.gc) parts.push(gcSection(r.gc));
  if (r.blocking && r.blocking.length > 0) parts.push(blockingSection(r.blocking));
  if (r.top) parts.push(topSection(r.top));
  if (r.dump) parts.push(dumpSection(r.dump));
  parts.push('</section>');
  return parts.join('\n');
}

const STYLE = `
:root { --fg: #1d2330; --muted: #5d6677; --bg: #ffffff; --surface: #f5f7fa; --border: #d9dee7; --accent: #2f6fdb; --warn: #a23b00; }
@media (prefers-color-scheme: dark) { :root { --fg: #e3e7ee; --muted: #9aa3b2; --bg: #15181e; --surface: #1e232b; --border: #343b47; --accent: #6fa0ff; --warn: #ffb38a; } }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg); margin: 0 auto; max-width: 1200px; padding: 24px; }
h1 { margin: 0 0 4px; } h2 { margin: 32px 0 2px; border-top: 2px solid var(--border); padding-top: 16px; } h3 { margin: 24px 0 8px; } h4 { margin: 16px 0 6px; }
.muted { color: var(--muted); } .path { font-size: 12px; word-break: break-all; } .warning { color: var(--warn); }
code { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 10px; font-size: 13px; }
th, td { border-bottom: 1px solid var(--border); padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: var(--surface); position: sticky; top: 0; } td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.explain { color: var(--muted); min-width: 260px; } td.site { min-width: 300px; }
details summary { cursor: pointer; font-family: ui-monospace, SFMono-Regular, Menlo, monospace; word-break: break-all; }
.stack { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 12px; padding: 4px 0 4px 12px; }
.stack .file { color: var(--muted); }
dl.figures { display: flex; flex-wrap: wrap; gap: 8px; margin: 0; }
dl.figures div { background: var(--surface); border: 1px solid var(--border); border-radius: 8px; padding: 6px 12px; min-width: 110px; }
dt { font-size: 12px; color: var(--muted); } dd { margin: 0; font-weight: 600; font-variant-numeric: tabular-nums; }
figure.chart { margin: 10px 0; background: var(--surface); border: 1px solid var(--border); border-radius: 8px; padding: 8px 12px; overflow-x: auto; }
figcaption { font-weight: 600; margin-bottom: 4px; }
figure.chart svg { max-width: 100%; height: auto; display: block; }
svg text { font-size: 12px; fill: var(--fg); } svg .label { fill: var(--muted); } svg .bar { fill: var(--accent); }
svg .grid { stroke: var(--border); stroke-width: 1; } svg .line { fill: none; stroke: var(--accent); stroke-width: 2; }
svg .series { fill: none; stroke-width: 1.5; } svg .s0 { stroke: #d1495b; fill: #d1495b; } svg .s1 { stroke: #e0a030; fill: #e0a030; }
svg .s2 { stroke: #2e9e5b; fill: #2e9e5b; } svg .s3 { stroke: #7b61c4; fill: #7b61c4; } svg path.series { fill: none; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(480px, 1fr)); gap: 10px; }
@media print { body { max-width: none; padding: 0; } .scroll { overflow: visible; } th { position: static; } figure.chart, tr { break-inside: avoid; } }
nav ul { padding-left: 18px; } ul.notes { color: var(--muted); } a { color: var(--accent); }
.scroll { overflow-x: auto; } tr.has-detail td { border-bottom: none; } tr.detail td { color: var(--muted); padding-top: 0; }
td .file { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 12px; color: var(--muted); word-break: break-all; }
td.file { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 12px; word-break: break-all; min-width: 160px; }
td.confidence.proven { color: var(--warn); font-weight: 600; }
`;

/** The policy of the file itself: no script, nothing loaded from anywhere (images only as data: URIs). */
export const REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

/** The report as one HTML document, from its data alone. */
export function reportHtml(data: ReportData): string {
  const names = data.artefacts.map((r, i) => `<li><a href="#artefact-${i + 1}">${escapeHtml(r.artefact.name)}</a> <span class="muted">(${escapeHtml(r.artefact.kind)}, ${escapeHtml(r.artefact.format)})</span></li>`);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${REPORT_CSP}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="goroscope">
<title>Goroscope report</title>
<style>${STYLE}</style>
</head>
<body>
<header><h1>Goroscope report</h1><p class="muted">Made ${escapeHtml(data.generatedAt)} from ${data.artefacts.length} artefact${data.artefacts.length === 1 ? '' : 's'}. Times are since each trace's first event.</p>
<nav><ul>${data.triage || data.triageError ? '<li><a href="#triage">Leak triage</a></li>' : ''}${names.join('')}</ul></nav></header>
<main>
${triageSection(data.triage, data.triageError)}
${data.artefacts.map(artefactSection).join('\n')}
</main>
<script type="application/json" id="goroscope-report-data">${scriptJson(data)}</script>
</body>
</html>
`;
}
