// Child process of the index benchmark: indexes a trace into a fresh library and prints
// {"seconds", "maxRssKB", "dbBytes", "hash"}.
import * as fs from 'node:fs';
import { Library } from '../src-main/index/library.ts';

const [file, dir] = process.argv.slice(2);
const started = performance.now();
const lib = new Library(dir);
const { artefact } = lib.index(file, { force: true });
const seconds = (performance.now() - started) / 1000;
const dbBytes = fs.statSync(lib.indexPath(artefact.hash)).size;
lib.close();
process.stdout.write(JSON.stringify({ seconds, maxRssKB: process.resourceUsage().maxRSS, dbBytes, hash: artefact.hash }) + '\n');
