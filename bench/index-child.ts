// Child process of the index benchmark: indexes a trace into a fresh library and prints
// {"seconds", "cpuSeconds", "maxRssKB", "dbBytes", "hash"}. With a third argument `snapshots` it
// indexes as the app's index jobs do (service/index-snapshots.ts), and adds "snapshots": when each
// was catalogued (seconds since the start) and what it covered.
import * as fs from 'node:fs';
import { Library } from '../src-main/index/library.ts';
import { indexWithSnapshots, SNAPSHOT_PLAN } from '../src-main/service/index-snapshots.ts';

const [file, dir, mode] = process.argv.slice(2);
const started = performance.now();
const lib = new Library(dir);
const snapshots: { atSeconds: number; generations: number; bytesIndexed: number }[] = [];
const { artefact } = mode === 'snapshots'
  ? indexWithSnapshots(lib, file, SNAPSHOT_PLAN, {
    onSnapshot: (a) => snapshots.push({ atSeconds: (performance.now() - started) / 1000, generations: a.partial!.generations, bytesIndexed: a.partial!.bytesIndexed }),
  })
  : lib.index(file, { force: true });
const seconds = (performance.now() - started) / 1000;
const dbBytes = fs.statSync(lib.indexPath(artefact.hash)).size;
lib.close();
const usage = process.resourceUsage();
process.stdout.write(JSON.stringify({
  seconds, cpuSeconds: (usage.userCPUTime + usage.systemCPUTime) / 1e6, maxRssKB: usage.maxRSS, dbBytes, hash: artefact.hash,
  ...(mode === 'snapshots' ? { snapshots } : {}),
}) + '\n');
