// Child process of the decode benchmark: opens a trace with our decoder, iterates every event
// doing nothing but counting, and prints {"events", "seconds" (in-process: open to last event),
// "maxRssKB" (getrusage, used when GNU time is unavailable), "mainThreadCpuSeconds" (user+system
// CPU of the decoding thread alone, without V8's garbage-collector and compiler threads; on a
// loaded machine steadier than wall time; null where /proc has no thread-self)}.
import * as fs from 'node:fs';
import { openTrace } from '../src-main/decode/gotrace/reader.ts';

/** CPU seconds of the calling thread (Linux: utime + stime of /proc/thread-self/stat, in clock ticks of 10 ms). */
function threadCpuSeconds(): number | null {
  try {
    const stat = fs.readFileSync('/proc/thread-self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}

const file = process.argv[2];
if (!file) {
  process.stderr.write('usage: node --import tsx bench/decode-child.ts FILE\n');
  process.exit(2);
}
const started = performance.now();
const reader = openTrace(file);
let events = 0;
while (reader.next() !== null) events++;
reader.close();
const seconds = (performance.now() - started) / 1000;
const mainThreadCpuSeconds = threadCpuSeconds();
process.stdout.write(JSON.stringify({ events, seconds, maxRssKB: process.resourceUsage().maxRSS, mainThreadCpuSeconds }) + '\n');
