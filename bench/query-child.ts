// Child process of the index benchmark: reopens an indexed artefact (cold process) and measures
// the time to the first timeline window, then the latency of each service query over 50 random
// windows and zoom levels. Prints {"reopenMs", "queryP50Ms": {...}, "queryP95Ms": {...}}.
import { Library } from '../src-main/index/library.ts';
import { GoroscopeService } from '../src-main/service/service.ts';

const [dir, hash] = process.argv.slice(2);
const started = performance.now();
const lib = new Library(dir);
const svc = new GoroscopeService(lib);
const result = await svc.summary(hash);
if (result.kind !== 'trace') throw new Error(`${hash} is not a trace`);
const duration = result.summary.durationNs;
const firstPage = await svc.goroutines({ artefact: hash, sort: 'id', limit: 50 });
await svc.timeline({ artefact: hash, t0: 0, t1: duration, goroutines: firstPage.rows.map((r) => r.id), widthPx: 1600 });
const reopenMs = performance.now() - started;

// A deterministic generator, so runs are comparable.
let seed = 12345;
const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
const randomWindow = () => {
  const zoom = 10 ** (-random() * 4); // from the whole trace down to 1/10 000 of it
  const width = duration * zoom;
  const t0 = random() * (duration - width);
  return [t0, t0 + Math.max(width, 1000)] as const;
};
const timings: Record<string, number[]> = {
  timeline: [], goroutineList: [], goroutineDetail: [], ranges: [], metric: [], goroutineCounts: [], blocking: [], blockingProfile: [], leaks: [],
};
const time = async (name: string, f: () => Promise<unknown>) => {
  const t = performance.now();
  await f();
  timings[name].push(performance.now() - t);
};
const total = (await svc.goroutines({ artefact: hash, limit: 1 })).total;
for (let i = 0; i < 50; i++) {
  const [t0, t1] = randomWindow();
  const offset = Math.floor(random() * Math.max(1, total - 50));
  const page = await svc.goroutines({ artefact: hash, sort: 'startNs', offset, limit: 50 });
  await time('timeline', () => svc.timeline({ artefact: hash, t0, t1, goroutines: page.rows.map((r) => r.id), widthPx: 1600 }));
  const sorts = ['runningNs', 'waitingNs', 'startNs', 'name'] as const;
  await time('goroutineList', () => svc.goroutines({ artefact: hash, sort: sorts[i % sorts.length], descending: true, offset: Math.floor(random() * 1000), limit: 100 }));
  await time('goroutineDetail', () => svc.goroutine(hash, page.rows[Math.floor(random() * page.rows.length)].id));
  await time('ranges', () => svc.ranges(hash, t0, t1));
  await time('metric', () => svc.metric(hash, '/memory/classes/heap/objects:bytes', t0, t1, 1600));
  await time('goroutineCounts', () => svc.goroutineCounts(hash, t0, t1, 1600));
  await time('blocking', () => svc.blocking(hash, 100));
  await time('blockingProfile', () => svc.blockingProfile(hash, 'sync'));
  await time('leaks', () => svc.leaks(hash));
}
const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))];
const queryP50Ms: Record<string, number> = {};
const queryP95Ms: Record<string, number> = {};
for (const [name, xs] of Object.entries(timings)) {
  queryP50Ms[name] = percentile(xs, 0.5);
  queryP95Ms[name] = percentile(xs, 0.95);
}
await svc.close();
lib.close();
process.stdout.write(JSON.stringify({ reopenMs, queryP50Ms, queryP95Ms }) + '\n');
