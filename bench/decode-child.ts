// Child process of the decode benchmark: decodes a trace with our decoder, touching every event,
// and prints {"events", "maxRssKB"}.
import { openTrace } from '../src-main/decode/gotrace/reader.ts';

const reader = openTrace(process.argv[2]);
let events = 0;
while (reader.next() !== null) events++;
reader.close();
process.stdout.write(JSON.stringify({ events, maxRssKB: process.resourceUsage().maxRSS }) + '\n');
