// Child process of the decode benchmark: opens a trace with our decoder, iterates every event
// doing nothing but counting, and prints {"events", "seconds" (in-process: open to last event),
// "maxRssKB" (getrusage, used when GNU time is unavailable)}.
import { openTrace } from '../src-main/decode/gotrace/reader.ts';

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
process.stdout.write(JSON.stringify({ events, seconds, maxRssKB: process.resourceUsage().maxRSS }) + '\n');
